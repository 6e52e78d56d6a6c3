import Foundation

/// Processes many articles in parallel (one process per article, `jobs` at a time):
/// parse, run (through the cache), render in memory. Reports are delivered in
/// article order whatever the number of jobs, so output is deterministic.
public struct Build: Sendable {
    public var jobs: Int
    public var runner: ArticleRunner?
    /// Render the outputs (nil: check only).
    public var renderer: ArticleRenderer?

    /// Front matter defaults from `weave.yml` (`execute.echo` …), used where an
    /// article's front matter does not set the key.
    public var frontMatterDefaults: [String: String] = [:]

    /// Runs an exclusive article's program alone (see `ExclusiveRun`); shared by every
    /// copy of this build, so `weave serve`'s page builds respect it too.
    public let gate = RunGate()

    public init(jobs: Int, runner: ArticleRunner?, renderer: ArticleRenderer?, frontMatterDefaults: [String: String] = [:]) {
        self.jobs = max(1, jobs)
        self.runner = runner
        self.renderer = renderer
        self.frontMatterDefaults = frontMatterDefaults
    }

    public struct Report: Sendable {
        public var article: Article
        public var document: Document?
        public var results: ArticleResults?
        public var status: ArticleRunner.Outcome.Status?
        /// Parse diagnostics and run problems, sorted by location.
        public var diagnostics: [Diagnostic]
        /// Rendered files (relative to the output folder), when rendering.
        public var files: [(String, [UInt8])]
        /// Set by a `complete` hook: whether the files were written (nil: not attempted).
        public var written: Bool? = nil
        /// Set by a `complete` hook: output files not written because they hold a good
        /// earlier render (`OutputPolicy`).
        public var kept: [String] = []
        /// Set by a `complete` hook: errors to report with the article (e.g. a failed write).
        public var errors: [String] = []
        /// Why the article's program ran alone (`ExclusiveRun`), or nil when it shared the
        /// machine with other articles (or did not run).
        public var exclusiveReason: String? = nil
        /// The article failed: an error in parsing, a block, or a claim.
        public var failed: Bool { diagnostics.contains(where: \.isError) }
        /// The article could not run because of the machine (sandbox, launcher, compiler,
        /// interrupt), not because of its content: the command exits 2.
        public var environmentFailure: Bool { results?.environmentFailure == true }

        /// How its code went, as `-v` reports it: "cached", "compiled and ran in 1.23 s
        /// (stale: …)" (followed by "; ran alone: REASON" for an exclusive article), "no
        /// code to run", or "not run" (stopped by an error before running) / "not
        /// executed" (no runner).
        public var runSummary: String {
            switch status {
            case .cached?: return "cached"
            case .ran(let s, let reason)?:
            let alone = exclusiveReason.map { "; ran alone: \($0)" } ?? ""
            return String(format: "compiled and ran in %.2f s (stale: %@)", s, reason) + alone
            case .nothingToRun?: return "no code to run"
            case nil: return failed ? "not run" : "not executed"
            }
        }
    }

    /// Runs every article; `complete` is called on the worker thread as soon as an article
    /// is done, in any order (it writes the outputs and may drop `files`, so that reports
    /// waiting for their turn hold little memory); `deliver` is then called once per
    /// article, in document order, on one thread at a time; `progress(done, total,
    /// article)` after each completes.
    public func run(_ articles: [Article], complete: (@Sendable (inout Report) -> Void)? = nil,
                    deliver: @escaping @Sendable (Report) -> Void,
                    progress: (@Sendable (Int, Int, Article) -> Void)? = nil) {
        let state = OrderedDelivery(count: articles.count, deliver: deliver)
        // Start the articles that took longest last time first (see DurationLog); with one
        // job the order is the document's, as nothing can overlap.
        var log = runner.map { DurationLog(directory: $0.options.cacheDirectory) }
        let order = jobs > 1 && articles.count > 1 ? (log?.schedule(articles) ?? Array(articles.indices)) : Array(articles.indices)
        let timings = Timings()
        let next = Counter()
        let group = DispatchGroup()
        for _ in 0..<min(jobs, max(1, articles.count)) {
            group.enter()
            let thread = Thread {
                while true {
                    let k = next.take()
                    if k >= order.count { break }
                    let i = order[k]
                    var report = self.process(articles[i])
                    complete?(&report)
                    if case .ran(let seconds, _)? = report.status { timings.set(articles[i].path, seconds) }
                    let done = state.put(i, report)
                    progress?(done, articles.count, articles[i])
                }
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        log?.record(timings.values)
    }

    /// Reads (`ArticleInput`: only regular files inside the article's tree), parses, runs
    /// and renders one article. An article that may not be read, or whose settings or
    /// data folders are refused, is a failed report; nothing of it runs.
    public func process(_ article: Article) -> Report {
        let bytes: [UInt8]
        switch ArticleInput.read(article.path, tree: article.tree) {
        case .success(let b): bytes = b
        case .failure(let refusal):
            return Report(article: article, diagnostics: [.error(article.path, nil, refusal.message)], files: [])
        }
        var doc = DocumentParser.parse(path: article.path, bytes: bytes)
        for (k, v) in frontMatterDefaults {
            let short = k.hasPrefix("execute.") ? String(k.dropFirst(8)) : k
            if doc.frontMatter[k] == nil && doc.frontMatter[short] == nil { doc.frontMatter.values[k] = v }
        }
        let exclusive = ExclusiveRun.decide(doc)
        var diags = doc.diagnostics + Numbering(document: doc).unknownReferences(in: doc) + exclusive.diagnostics
        if let runner {
            diags += ProjectRoot.dataFolders(doc, cwd: ProjectRoot.articleFolder(doc.path), root: runner.options.sandbox.projectRoot).problems
        }
        var results: ArticleResults? = nil
        var status: ArticleRunner.Outcome.Status? = nil
        if !diags.contains(where: \.isError), let runner {
            // An exclusive article waits for the running programs to finish, and no other
            // starts until it is done (RunGate); parsing and rendering are not gated.
            let outcome = gate.run(alone: exclusive.exclusive) { runner.run(doc) }
            results = outcome.results
            status = outcome.status
            diags += outcome.results.problems.map { $0.diagnostic(path: doc.path) }
        }
        diags = Build.sorted(diags)
        var files: [(String, [UInt8])] = []
        if let renderer {
            files = renderer.outputs(for: article, document: doc, results: results, problems: diags)
        }
        var report = Report(article: article, document: doc, results: results, status: status, diagnostics: diags, files: files)
        if case .ran? = status { report.exclusiveReason = exclusive.reason }
        return report
    }

    static func sorted(_ d: [Diagnostic]) -> [Diagnostic] {
        d.enumerated().sorted { a, b in
            let la = a.element.location ?? SourceLocation(line: 0, column: 0)
            let lb = b.element.location ?? SourceLocation(line: 0, column: 0)
            return la == lb ? a.offset < b.offset : la < lb
        }.map(\.element)
    }
}

/// Article timings collected by the worker threads.
final class Timings: @unchecked Sendable {
    private var table: [String: Double] = [:]
    private let lock = NSLock()
    func set(_ path: String, _ seconds: Double) { lock.lock(); table[path] = seconds; lock.unlock() }
    var values: [String: Double] { lock.lock(); defer { lock.unlock() }; return table }
}

/// Hands out indices 0, 1, 2, … to worker threads.
final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func take() -> Int {
        lock.lock(); defer { lock.unlock() }
        value += 1
        return value - 1
    }
}

/// Delivers reports in index order as they become available.
final class OrderedDelivery: @unchecked Sendable {
    private var pending: [Int: Build.Report] = [:]
    private var nextIndex = 0
    private var done = 0
    private let lock = NSLock()
    private let deliver: @Sendable (Build.Report) -> Void

    init(count: Int, deliver: @escaping @Sendable (Build.Report) -> Void) {
        self.deliver = deliver
    }

    /// Stores a report, delivers every report that is now in order; returns how many are done.
    func put(_ i: Int, _ r: Build.Report) -> Int {
        lock.lock(); defer { lock.unlock() }
        pending[i] = r
        done += 1
        while let next = pending.removeValue(forKey: nextIndex) {
            deliver(next)
            nextIndex += 1
        }
        return done
    }
}
