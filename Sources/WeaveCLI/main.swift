import ArgumentParser
import Foundation
import Weave

#if canImport(Glibc)
import Glibc
#endif

/// `weave`: render and check articles (DESIGN.md §2). Exit codes: 0 success,
/// 1 an article failed (or is stale with `--check`), 2 usage or I/O error.
struct WeaveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weave",
        abstract: "Render Markdown articles with executable Swift blocks, and check their claims.",
        version: WeaveInfo.version,
        subcommands: [Render.self, Check.self, New.self, Serve.self, Audit.self]
    )
}

/// Options shared by `render` and `check`. Unset options come from `weave.yml`
/// (then built-in defaults); the front matter sits between the two for per-article
/// options such as the timeout.
struct RunOptions: ParsableArguments {
    @Argument(help: "Articles (.md files) or directories (every *.md below them).")
    var paths: [String] = []

    @Option(name: .shortAndLong, parsing: .unconditional,
            help: "Articles processed in parallel, 1 to 1024 (default: weave.yml 'jobs', else the number of cores).")
    var jobs: String?

    @Option(name: .long, parsing: .unconditional,
            help: "Seconds one article's program may run, 0 < S ≤ 86400 (overrides front matter and weave.yml; default 300).")
    var timeout: String?

    @Flag(name: .long, help: "Ignore cached results: compile and run every article.")
    var noCache = false

    @Option(name: .long, help: "Cache folder, e.g. a shared or restored one (default: weave.yml 'cache-dir', else .weave-cache).")
    var cacheDir: String?

    @Option(name: .long, help: "Folder with libWeaveArticle.so and its modules (default: next to weave, or $WEAVE_KIT_DIR).")
    var kit: String?

    @Option(name: .long, help: "Process only the K-th of N deterministic slices of the articles, e.g. 2/4 (for CI matrices).")
    var shard: String?

    @Flag(name: .shortAndLong, help: "Say per article whether it was cached, compiled, or failed, and why it was stale.")
    var verbose = false

    @Flag(name: .long, help: "Run article programs without the sandbox (network, file system and limits); they get your rights.")
    var noSandbox = false

    func validate() throws {
        if paths.isEmpty { throw ValidationError("no articles given; pass .md files or directories, e.g. 'notebooks/'") }
        if let s = shard, Shard(s) == nil {
            throw ValidationError("--shard must be K/N with 1 ≤ K ≤ N, e.g. 1/4; got '\(s)'")
        }
    }

    /// `--jobs` and `--timeout`, checked by `SettingRules` (nil when not given).
    var jobCountOption: Int? { jobs.flatMap(SettingRules.jobs.parse) }
    var timeoutOption: Double? { timeout.flatMap(SettingRules.timeout.parse) }

    /// Reports a `--jobs` or `--timeout` outside its rule as `error: --jobs must be …`
    /// and stops with status 2.
    func checkNumbers() throws {
        var bad = false
        if let j = jobs, jobCountOption == nil {
            Console.error("error: " + SettingRules.jobs.message("--jobs", got: j) + "\n    for example '--jobs \(SettingRules.jobs.example)'")
            bad = true
        }
        if let t = timeout, timeoutOption == nil {
            Console.error("error: " + SettingRules.timeout.message("--timeout", got: t) + "\n    for example '--timeout \(SettingRules.timeout.example)'")
            bad = true
        }
        if bad { throw ExitCode(2) }
    }

    /// `weave.yml`, with its problems reported (errors stop the run with status 2); the
    /// command line's numbers are checked first.
    func config() throws -> ProjectConfig {
        try checkNumbers()
        let c = ProjectConfig.load(from: FileManager.default.currentDirectoryPath)
        for d in c.diagnostics { Console.error(d.description) }
        if c.diagnostics.contains(where: \.isError) { throw ExitCode(2) }
        return c
    }

    func jobCount(_ c: ProjectConfig) -> Int { jobCountOption ?? c.jobs ?? ProcessInfo.processInfo.activeProcessorCount }

    /// The cache folder: `--cache-dir`, else `weave.yml`'s, else `.weave-cache`.
    func cacheFolder(_ c: ProjectConfig) -> String { cacheDir ?? c.cacheDirectory ?? ".weave-cache" }

    /// The folders never searched for articles (besides `_`/`.` folders): the cache folder,
    /// `weave.yml`'s output folder and `extra` (`--out`).
    func excludedFolders(_ c: ProjectConfig, extra: [String] = []) -> [String] {
        [cacheFolder(c)] + (c.output.map { [$0] } ?? []) + extra
    }

    func collect(_ c: ProjectConfig, excluding extra: [String] = []) throws -> [Article] {
        do {
            var articles = try Site.collect(paths, excluding: excludedFolders(c, extra: extra))
            if articles.isEmpty {
                throw UsageError("no articles (*.md files) found in \(paths.map { "'\($0)'" }.joined(separator: ", "))")
            }
            if let s = shard.flatMap(Shard.init) { articles = s.select(articles) }
            return articles
        } catch let e as UsageError {
            Console.error(e.description)
            throw ExitCode(2)
        }
    }

    /// True when a directory was given (the site index is written then).
    var renderedDirectory: Bool { paths.contains { FileIO.isDirectory($0) } }

    func runner(_ c: ProjectConfig) throws -> ArticleRunner {
        if noSandbox {
            Console.error("warning: --no-sandbox: article programs run with your rights, network and files")
        }
        do {
            return try makeRunner(c)
        } catch {
            Console.error("\(error)")
            throw ExitCode(2)
        }
    }

    /// The runner for a configuration, command-line options first; throws what is wrong
    /// (no sandbox available, no article kit) instead of exiting (`weave serve` rebuilds
    /// it when `weave.yml` changes).
    func makeRunner(_ c: ProjectConfig) throws -> ArticleRunner {
        var exec = ExecutionOptions()
        if let t = c.timeout { exec.timeout = t }
        exec.timeoutOverride = timeoutOption
        exec.useCache = !noCache
        exec.cacheDirectory = cacheFolder(c)
        exec.sandbox = c.sandbox
        exec.sandbox.projectRoot = ProjectRoot.locate(configDirectory: c.directory, paths: paths)
        if noSandbox { exec.sandbox.enabled = false }
        if exec.sandbox.enabled { try Sandbox.check() }
        let toolchain = try Toolchain.locate(kit: kit, cacheDirectory: exec.cacheDirectory)
        return ArticleRunner(toolchain: toolchain, options: exec)
    }

    func defaults(_ c: ProjectConfig) -> [String: String] {
        Dictionary(uniqueKeysWithValues: c.execute.map { ("execute." + $0.key, $0.value) })
    }

    /// Prints a report's diagnostics and, with -v, its status.
    func print(_ r: Build.Report, written: Bool?) {
        for d in r.diagnostics { Console.error(d.description) }
        guard verbose else { return }
        var line = Diagnostic.escapingControlCharacters("\(r.article.path): \(r.runSummary)")
        if r.failed { line += "; FAILED" }
        if let w = written {
            line += w ? (r.failed ? "; written with its errors shown" : "; written") : "; not written (earlier output kept)"
            if w && !r.kept.isEmpty { line += " (kept good earlier \(r.kept.joined(separator: ", ")))" }
        }
        Console.error(line)
    }
}

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run articles and render them to HTML and Markdown.",
        discussion: "Failing articles are reported; an output file that holds a good earlier render is kept, others are written with the errors shown. Exit status: 0 all rendered, 1 an article failed (or is stale with --check), 2 usage or I/O error.")

    @OptionGroup var common: RunOptions

    @Option(name: .long, help: "Output folder (default: weave.yml 'output', else _site).")
    var out: String?

    @Option(name: .long, help: "Output formats, comma-separated: html, md (default both).")
    var to: String?

    @Option(name: .long, help: "Where pages load KaTeX from: cdn, or local (copied from Debian's libjs-katex into OUT/katex).")
    var katex: String?

    @Flag(name: .long, help: "Write nothing; exit 1 if any output on disk differs from a fresh render.")
    var check = false

    @Flag(name: .long, help: "Do not run code: blocks render as code, inline expressions as written.")
    var noExecute = false

    func validate() throws {
        if let to { _ = try Render.formats(to) }
        if let katex, HTMLPage.MathAssets(rawValue: katex) == nil {
            throw ValidationError("unknown --katex value '\(katex)'; expected 'cdn' or 'local'")
        }
    }

    static func formats(_ to: String) throws -> Set<OutputFormat> {
        var set = Set<OutputFormat>()
        for part in to.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let f = OutputFormat(rawValue: name == "markdown" ? "md" : name) else {
                throw ValidationError("unknown format '\(name)' in --to; expected html, md or html,md")
            }
            set.insert(f)
        }
        if set.isEmpty { throw ValidationError("--to needs at least one format: html, md") }
        return set
    }

    func run() throws {
        let config = try common.config()
        let articles = try common.collect(config, excluding: [out ?? config.output ?? "_site"])
        let runner = noExecute ? nil : try common.runner(config)
        let formats: Set<OutputFormat>
        do { formats = try Render.formats(to ?? config.formats?.joined(separator: ",") ?? "html,md") } catch {
            Console.error("\(config.path ?? "weave.yml"): error: \(error)")
            throw ExitCode(2)
        }
        let withIndex = common.renderedDirectory && formats.contains(.html) && common.shard == nil
        let renderer = ArticleRenderer(formats: formats, mathAssets: HTMLPage.MathAssets(rawValue: katex ?? config.katex ?? "cdn") ?? .cdn,
                                       indexLink: withIndex)
        let build = Build(jobs: common.jobCount(config), runner: runner, renderer: renderer, frontMatterDefaults: common.defaults(config))
        let tally = Tally()
        let out = self.out ?? config.output ?? "_site", check = self.check, opts = self.common
        let progress = Progress(enabled: isatty(2) != 0)
        let entries = Entries()
        let summary = RenderSummary()
        Interrupts.install()
        if !check {
            FileIO.removeStaleTemporaries(under: out)
            FileIO.removeStaleTemporaries(under: runner?.options.cacheDirectory ?? ".weave-cache")
        }
        build.run(articles, complete: { report in
            // Runs as soon as the article is done (any order): write or compare its files
            // here, so that reports waiting for their turn do not hold the pages.
            if check {
                if !report.failed {
                    for (rel, data) in report.files where (try? FileIO.read(FileIO.join(out, rel))) != data {
                        tally.stale(FileIO.join(out, rel))
                    }
                }
            } else {
                // File by file: a failure replaces only missing or failed outputs.
                let decision = OutputPolicy.decide(report.files, failed: report.failed, outDir: out)
                report.written = !decision.write.isEmpty
                report.kept = decision.kept
                for (rel, data) in decision.write {
                    do {
                        try FileIO.writeAtomically(data, to: FileIO.join(out, rel))
                    } catch {
                        report.errors.append("error: \(error)")
                        report.written = false
                    }
                }
            }
            report.files = []
        }, deliver: { report in
            progress.clear()
            // An article that was not read (ArticleInput) has no page: no index entry.
            if report.document != nil { entries.add(IndexPage.Entry(report: report)) }
            summary.add(report)
            if report.failed { tally.failed() }
            if report.environmentFailure { tally.environmentFailure() }
            for e in report.errors {
                Console.error(Diagnostic.escapingControlCharacters(e))
                tally.ioError()
            }
            opts.print(report, written: check ? nil : report.written)
        }, progress: { done, total, article in
            progress.show("[\(done)/\(total)] \(article.path)")
        })
        progress.clear()
        if withIndex {
            let index = IndexPage(title: config.path == nil ? "Articles" : "Articles", entries: entries.all).render()
            let target = FileIO.join(out, "index.html")
            if check {
                if (try? FileIO.read(target)) != index { tally.stale(target) }
            } else {
                do { try FileIO.writeAtomically(index, to: target) } catch { Console.error("error: \(error)"); tally.ioError() }
            }
        }
        if !check && renderer.mathAssets == .local {
            do { try Site.installKatex(into: out) } catch { Console.error("\(error)"); tally.ioError() }
        }
        if check && !tally.staleFiles.isEmpty {
            Console.error("weave render --check: \(tally.staleFiles.count) output file\(tally.staleFiles.count == 1 ? "" : "s") out of date:")
            for s in tally.staleFiles.sorted() { Console.error("    \(s)") }
            Console.error("run 'weave render \(common.paths.joined(separator: " "))\(out == "_site" ? "" : " --out \(out)")' to update them")
        }
        if tally.failures > 0 {
            Console.error("weave render: \(tally.failures) of \(articles.count) article\(articles.count == 1 ? "" : "s") failed")
        }
        if isatty(2) == 0 { Console.error(summary.line) }
        if tally.ioErrors > 0 || tally.environmentFailures > 0 { throw ExitCode(2) }
        if tally.failures > 0 || !tally.staleFiles.isEmpty { throw ExitCode(1) }
    }
}

/// Index entries collected while articles complete.
final class Entries: @unchecked Sendable {
    private var items: [IndexPage.Entry] = []
    private let lock = NSLock()
    func add(_ e: IndexPage.Entry) { lock.lock(); items.append(e); lock.unlock() }
    var all: [IndexPage.Entry] { lock.lock(); defer { lock.unlock() }; return items }
}

/// `--shard K/N`: the articles at positions K−1, K−1+N, K−1+2N, … of the sorted list
/// (round-robin keeps the slices balanced; every article is in exactly one slice).
struct Shard {
    let k: Int, n: Int
    init?(_ s: String) {
        let parts = s.split(separator: "/")
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, k >= 1, k <= n else { return nil }
        self.k = k
        self.n = n
    }
    func select(_ articles: [Article]) -> [Article] {
        articles.sorted { $0.path < $1.path }.enumerated().filter { $0.offset % n == k - 1 }.map(\.element)
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run every block and evaluate every claim; write nothing.",
        discussion: "Exit status: 0 every block ran and every claim holds; 1 a claim failed, or a block did not compile, crashed or timed out; 2 usage or I/O error. Each problem is reported as 'path:line:col: error: message'.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, github }

    @OptionGroup var common: RunOptions

    @Option(name: .long, help: "Report format: text (default), json (the claims manifest, on standard output), github (workflow annotations).")
    var format: Format = .text

    func run() throws {
        let config = try common.config()
        let articles = try common.collect(config)
        let runner = try common.runner(config)
        let build = Build(jobs: common.jobCount(config), runner: runner, renderer: nil, frontMatterDefaults: common.defaults(config))
        let tally = Tally()
        let manifest = Manifest()
        let format = self.format, opts = self.common
        let progress = Progress(enabled: isatty(2) != 0 && format == .text)
        Interrupts.install()
        build.run(articles, deliver: { report in
            progress.clear()
            if report.failed { tally.failed() }
            if report.environmentFailure { tally.environmentFailure() }
            tally.claims(report.results?.claims ?? [])
            switch format {
            case .text:
                opts.print(report, written: nil)
            case .json:
                manifest.add(report)
            case .github:
                for d in report.diagnostics { Swift.print(GitHub.annotation(d)) }
            }
        }, progress: { done, total, article in
            progress.show("[\(done)/\(total)] \(article.path)")
        })
        progress.clear()
        if format == .json {
            Swift.print(manifest.json())
        }
        let summary = "weave check: \(articles.count) article\(articles.count == 1 ? "" : "s"), \(tally.claimCount) claim\(tally.claimCount == 1 ? "" : "s"): \(tally.claimsPassed) hold, \(tally.claimsFailed) failed" + (tally.claimsNotRun > 0 ? ", \(tally.claimsNotRun) not run" : "") + (tally.failures > 0 ? "; \(tally.failures) article\(tally.failures == 1 ? "" : "s") failed" : "")
        if format != .json { Console.error(summary) }
        if tally.environmentFailures > 0 {
            Console.error("weave check: \(tally.environmentFailures) article\(tally.environmentFailures == 1 ? "" : "s") could not run because of the environment (not the article's fault; nothing was cached)")
            throw ExitCode(2)
        }
        if tally.failures > 0 { throw ExitCode(1) }
    }
}

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create an article from a template (front matter, a block, an inline value, a claim, a plot).",
        discussion: "NAME may include a folder, e.g. 'weave new notebooks/my-post' creates notebooks/my-post.md. The new article renders and checks green as it is.")

    @Argument(help: "The article to create (.md is added when missing).")
    var name: String

    func run() throws {
        do {
            let path = try ArticleTemplate.create(name: name)
            print("created \(path); render it with 'weave render \(path)'")
        } catch let e as UsageError {
            Console.error(e.description)
            throw ExitCode(2)
        }
    }
}

/// Thread-safe counters for a run.
final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var failures = 0
    private(set) var ioErrors = 0
    private(set) var environmentFailures = 0
    private(set) var staleFiles: [String] = []
    private(set) var claimCount = 0, claimsPassed = 0, claimsFailed = 0, claimsNotRun = 0
    func failed() { lock.lock(); failures += 1; lock.unlock() }
    func ioError() { lock.lock(); ioErrors += 1; lock.unlock() }
    func environmentFailure() { lock.lock(); environmentFailures += 1; lock.unlock() }
    func stale(_ s: String) { lock.lock(); staleFiles.append(s); lock.unlock() }
    func claims(_ cs: [ClaimResult]) {
        lock.lock()
        claimCount += cs.count
        claimsPassed += cs.filter { $0.status == .passed }.count
        claimsFailed += cs.filter { $0.status == .failed }.count
        claimsNotRun += cs.filter { $0.status == .notRun }.count
        lock.unlock()
    }
}

/// The claims manifest of `weave check --format json`.
final class Manifest: @unchecked Sendable {
    private var articles: [[String: Any]] = []
    private let lock = NSLock()

    func add(_ r: Build.Report) {
        var claims: [[String: Any]] = []
        for c in r.results?.claims ?? [] {
            var d: [String: Any] = ["file": r.article.path, "line": c.line, "column": c.column, "kind": c.kind.rawValue,
                                    "expression": c.expression, "status": c.status.rawValue]
            if let v = c.expected { d["expected"] = v }
            if let v = c.actual { d["actual"] = v }
            if let v = c.tolerance { d["tolerance"] = v }
            if let v = c.message { d["message"] = v }
            claims.append(d)
        }
        let problems: [[String: Any]] = r.diagnostics.map { d in
            var p: [String: Any] = ["severity": d.severity.rawValue, "message": d.message]
            if let l = d.location { p["line"] = l.line; p["column"] = l.column }
            if !d.details.isEmpty { p["details"] = d.details }
            return p
        }
        lock.lock()
        articles.append(["path": r.article.path, "status": r.failed ? "failed" : "passed", "claims": claims, "problems": problems])
        lock.unlock()
    }

    func json() -> String {
        let all = articles.flatMap { $0["claims"] as? [[String: Any]] ?? [] }
        let summary: [String: Any] = [
            "articles": articles.count,
            "failedArticles": articles.filter { ($0["status"] as? String) == "failed" }.count,
            "claims": all.count,
            "passed": all.filter { ($0["status"] as? String) == "passed" }.count,
            "failed": all.filter { ($0["status"] as? String) == "failed" }.count,
            "notRun": all.filter { ($0["status"] as? String) == "not-run" }.count,
        ]
        let obj: [String: Any] = ["version": 1, "articles": articles, "summary": summary]
        let data = (try? JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return Manifest.escapeRemainingControls(String(decoding: data, as: UTF8.self))
    }

    /// JSONSerialization escapes C0 control characters but writes DEL and C1 (U+0080–
    /// U+009F, e.g. the one-byte CSI) as they are; they can only occur inside strings,
    /// where `\u00XX` means the same character, so write them escaped.
    static func escapeRemainingControls(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: { $0.value >= 0x7F && $0.value <= 0x9F }) else { return json }
        var out = String.UnicodeScalarView()
        for u in json.unicodeScalars {
            if u.value >= 0x7F && u.value <= 0x9F {
                out.append(contentsOf: ("\\u00" + String(u.value, radix: 16)).unicodeScalars)
            } else {
                out.append(u)
            }
        }
        return String(out)
    }
}

/// GitHub Actions workflow commands (annotations on the pull request's files).
enum GitHub {
    static func annotation(_ d: Diagnostic) -> String {
        var props = "file=\(escapeProperty(d.path))"
        if let l = d.location { props += ",line=\(l.line),col=\(l.column)" }
        props += ",title=weave check"
        let level = d.severity == .error ? "error" : (d.severity == .warning ? "warning" : "notice")
        let text = ([d.message] + d.details).joined(separator: "\n")
        return "::\(level) \(props)::\(escapeData(text))"
    }

    /// A workflow command's message: control characters other than tab, CR and LF
    /// (ESC, DEL, C1) removed, then GitHub's escaping (`%` → `%25`, CR → `%0D`,
    /// LF → `%0A`), so the text stays one command and cannot start another.
    static func escapeData(_ s: String) -> String {
        var kept = String.UnicodeScalarView()
        for u in s.unicodeScalars where !(Diagnostic.isEscapedScalar(u) && u != "\r" && u != "\n") { kept.append(u) }
        return String(kept).replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// A workflow command's property value: `escapeData`, and `:` → `%3A`, `,` → `%2C`.
    static func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}

/// A one-line progress display on a terminal (nothing when standard error is not one).
final class Progress: @unchecked Sendable {
    let enabled: Bool
    private let lock = NSLock()
    private var shown = false
    init(enabled: Bool) { self.enabled = enabled }
    func show(_ s: String) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let text = s.count > 100 ? String(s.prefix(97)) + "..." : s
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
        shown = true
    }
    func clear() {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)); shown = false }
    }
}

/// Ctrl-C / SIGTERM: stop every article program and exit 130.
enum Interrupts {
    nonisolated(unsafe) static var sources: [DispatchSourceSignal] = []
    static func install() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler {
                Subprocess.killAllChildren()
                Console.error("\nweave: interrupted; stopped all article programs")
                exit(130)
            }
            s.resume()
            sources.append(s)
        }
    }
}

enum Console {
    static let lock = NSLock()
    static func error(_ s: String) {
        lock.lock(); defer { lock.unlock() }
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }
}

// A full disk or a file-size limit must surface as a write error (EFBIG/ENOSPC),
// not kill weave halfway through; article programs get the default back (posix_spawn).
signal(SIGXFSZ, SIG_IGN)
signal(SIGPIPE, SIG_IGN)

// Exit codes: ArgumentParser uses 64 for usage errors; DESIGN.md asks for 2.
do {
    var command = try WeaveCommand.parseAsRoot()
    try command.run()
} catch let e as ExitCode {
    exit(e.rawValue)
} catch {
    let code = WeaveCommand.exitCode(for: error)
    if code == .success {
        print(WeaveCommand.fullMessage(for: error))
        exit(0)
    }
    Console.error("weave: " + WeaveCommand.fullMessage(for: error))
    exit(2)
}
