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
        subcommands: [Render.self]
    )
}

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render articles to HTML and Markdown.",
        discussion: "A directory argument means every *.md file below it. Failing articles are reported and not written; their earlier outputs are kept.")

    @Argument(help: "Articles (.md files) or directories.")
    var paths: [String] = []

    @Option(name: .long, help: "Output folder.")
    var out: String = "_site"

    @Option(name: .long, help: "Output formats, comma-separated: html, md.")
    var to: String = "html,md"

    @Option(name: .long, help: "Where pages load KaTeX from: cdn or local (copied from Debian's libjs-katex into OUT/katex).")
    var katex: String = "cdn"

    @Flag(name: .long, help: "Write nothing; exit 1 if any output on disk differs from a fresh render.")
    var check = false

    @Flag(name: .shortAndLong, help: "Say per article what happened.")
    var verbose = false

    func validate() throws {
        if paths.isEmpty { throw ValidationError("no articles given; pass .md files or directories, e.g. 'weave render notebooks/'") }
        _ = try formats()
        guard HTMLPage.MathAssets(rawValue: katex) != nil else {
            throw ValidationError("unknown --katex value '\(katex)'; expected 'cdn' or 'local'")
        }
    }

    func formats() throws -> Set<OutputFormat> {
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
        let articles: [Article]
        do {
            articles = try Site.collect(paths)
        } catch let e as UsageError {
            Console.error(e.description)
            throw ExitCode(2)
        }
        let renderer = ArticleRenderer(formats: try formats(), mathAssets: HTMLPage.MathAssets(rawValue: katex)!)
        var failed = 0
        var stale: [String] = []
        var ioError = false
        for article in articles {
            let bytes: [UInt8]
            do {
                bytes = try FileIO.read(article.path)
            } catch {
                Console.error("error: \(error)")
                ioError = true
                continue
            }
            let doc = DocumentParser.parse(path: article.path, bytes: bytes)
            var diags = doc.diagnostics + Numbering(document: doc).unknownReferences(in: doc)
            diags.sort { ($0.location ?? SourceLocation(line: 0, column: 0)) < ($1.location ?? SourceLocation(line: 0, column: 0)) }
            for d in diags { Console.error(d.description) }
            if diags.contains(where: \.isError) {
                failed += 1
                if verbose { Console.error("\(article.path): failed; not written") }
                continue
            }
            let files = renderer.outputs(for: article, document: doc, results: nil)
            for (rel, data) in files {
                let target = FileIO.join(out, rel)
                if check {
                    if (try? FileIO.read(target)) != data { stale.append(target) }
                    continue
                }
                do {
                    try FileIO.writeAtomically(data, to: target)
                } catch {
                    Console.error("error: \(error)")
                    ioError = true
                }
            }
            if verbose && !check { Console.error("\(article.path): rendered") }
        }
        if !check && renderer.mathAssets == .local {
            do { try Site.installKatex(into: out) } catch { Console.error("\(error)"); ioError = true }
        }
        if check && !stale.isEmpty {
            Console.error("weave render --check: \(stale.count) output file\(stale.count == 1 ? "" : "s") out of date:")
            for s in stale { Console.error("    \(s)") }
            Console.error("run 'weave render \(paths.joined(separator: " "))' to update them")
        }
        if ioError { throw ExitCode(2) }
        if failed > 0 || !stale.isEmpty { throw ExitCode(1) }
    }
}

enum Console {
    static func error(_ s: String) {
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }
}

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
