import ArgumentParser
import Foundation
import Weave

/// `weave audit PATH… [--strict] [--format text|json]`: lists the numbers typed into
/// articles that no `{swift}` expression produced (README, "Provenance: weave audit").
/// Runs no code.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the numbers in articles that no {swift} expression produced.",
        discussion: """
        Scans prose, headings, Markdown tables, block captions, plot and table labels, and the front \
        matter's title and description. Numbers in math, code, URLs, HTML, dates, versions, citations, \
        labels such as 'Figure 2', ordinals and identifiers are not reported, nor numbers marked as \
        deliberate ('2.93<!-- typed -->', '<!-- typed: 13, 2000 -->', '//| typed: 64', front matter \
        'typed: [2000]'). Exit status: 0 (with --strict: 0 only when no unmarked number remains, else 1); \
        2 usage or I/O error.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "Articles (.md files) or directories (every *.md below them).")
    var paths: [String] = []

    @Flag(name: .long, help: "Exit 1 when any unmarked typed number remains.")
    var strict = false

    @Option(name: .long, help: "Output format: text (one warning per line, default) or json (an array of findings).")
    var format: Format = .text

    func validate() throws {
        if paths.isEmpty { throw ValidationError("no articles given; pass .md files or directories, e.g. 'notebooks/'") }
    }

    func run() throws {
        let articles: [Article]
        do {
            articles = try Site.collect(paths)
            if articles.isEmpty {
                throw UsageError("no articles (*.md files) found in \(paths.map { "'\($0)'" }.joined(separator: ", "))")
            }
        } catch let e as UsageError {
            Console.error(e.description)
            throw ExitCode(2)
        }
        var findings: [AuditFinding] = []
        var marked = 0
        var ioError = false
        for article in articles {
            let bytes: [UInt8]
            do { bytes = try FileIO.read(article.path) } catch {
                Console.error("\(article.path): error: \(error)")
                ioError = true
                continue
            }
            let all = Auditor.audit(DocumentParser.parse(path: article.path, bytes: bytes))
            marked += all.filter(\.marked).count
            findings += all.filter { !$0.marked }
        }
        switch format {
        case .text: for f in findings { print(f.description) }
        case .json: print(AuditFinding.json(findings))
        }
        fflush(nil)  // the findings before the count when both streams go to one place
        let inArticles = Set(findings.map(\.path)).count
        Console.error("weave audit: \(findings.count) typed number\(findings.count == 1 ? "" : "s") not computed"
                      + " in \(inArticles) of \(articles.count) article\(articles.count == 1 ? "" : "s")"
                      + " (\(marked) marked as deliberate)")
        if ioError { throw ExitCode(2) }
        if strict && !findings.isEmpty { throw ExitCode(1) }
    }
}
