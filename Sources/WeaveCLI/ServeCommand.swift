import ArgumentParser
import Foundation
import Weave
import WeaveServe

/// `weave serve PATH… [--port 8000]`: a live preview on 127.0.0.1 (see `PreviewServer`).
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Preview articles in a browser; pages re-render and reload when an article or Compute changes.",
        discussion: """
        Serves the index at http://HOST:PORT/ and each article at /NAME.html (and /NAME.md), rendered \
        through the result cache on first request and again after every change of its file. A failing \
        article shows its errors in the page. New and removed *.md files under the folders given are \
        picked up; a rebuilt libWeaveArticle.so or an edited weave.yml re-renders every article. Ctrl-C stops the server \
        (exit status 0); status 2 for usage errors or a port that cannot be bound.
        """)

    @OptionGroup var common: RunOptions

    @Option(name: .long, help: "Port to listen on (0: any free port; the line printed at start says which).")
    var port: Int = 8000

    @Option(name: .long, help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Where pages load KaTeX from: local (Debian's libjs-katex, served at /katex/; works offline) or cdn.")
    var katex: String?

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535, not \(port)") }
        if let katex, HTMLPage.MathAssets(rawValue: katex) == nil {
            throw ValidationError("unknown --katex value '\(katex)'; expected 'local' or 'cdn'")
        }
        if common.shard != nil { throw ValidationError("--shard does not apply to 'weave serve'") }
    }

    func run() throws {
        let config = try common.config()
        let articles = try common.collect(config)
        let runner = try common.runner(config)
        var c = PreviewServer.Configuration(paths: common.paths)
        c.excludedFolders = common.excludedFolders(config)
        c.host = host
        c.port = port
        c.jobs = common.jobCount(config)
        c.runner = runner
        let opts = common
        c.relocateRunner = {
            ArticleRunner(toolchain: try Toolchain.locate(kit: opts.kit, cacheDirectory: runner.options.cacheDirectory), options: runner.options)
        }
        c.frontMatterDefaults = common.defaults(config)
        // weave.yml is watched: an edit re-renders every article with the new settings.
        let cwd = FileManager.default.currentDirectoryPath
        c.configFile = config.path.map { $0.hasPrefix("/") ? $0 : FileIO.join(cwd, $0) } ?? FileIO.join(cwd, "weave.yml")
        c.reconfigure = {
            let changed = ProjectConfig.load(from: cwd)
            if let e = changed.diagnostics.first(where: \.isError) { throw ReconfigureError(text: e.description) }
            for w in changed.diagnostics { Console.error(w.description) }
            return (try opts.makeRunner(changed), opts.defaults(changed))
        }
        c.verbose = common.verbose
        var assets = HTMLPage.MathAssets(rawValue: katex ?? "local") ?? .local
        if assets == .local && !FileIO.exists(c.katexDirectory + "/katex.min.js") {
            Console.error("weave serve: warning: KaTeX not found at \(c.katexDirectory) (apt-get install libjs-katex); pages load it from the CDN")
            assets = .cdn
        }
        c.mathAssets = assets

        let server = PreviewServer(configuration: c, articles: articles)
        let shown = common.paths.joined(separator: " ")
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await server.run(onReady: { port in
                    let line = "Serving \(shown) at http://\(host):\(port)/ (Ctrl-C to stop)\n"
                    FileHandle.standardOutput.write(Data(line.utf8))
                })
            } catch {
                outcome.fail("\(error)")
            }
            done.signal()
        }
        done.wait()
        if let e = outcome.error {
            if e.contains("Address already in use") {
                Console.error("weave serve: error: cannot serve on \(host):\(port): the port is in use (another 'weave serve'?); pick another with --port, or --port 0 for any free port")
            } else {
                Console.error("weave serve: error: cannot serve on \(host):\(port): \(e)")
            }
            throw ExitCode(2)
        }
        Console.error("weave serve: stopped")
    }
}

/// The server's error, if it stopped on one.
final class Outcome: @unchecked Sendable {
    private let lock = NSLock()
    private var message: String?
    func fail(_ s: String) { lock.lock(); message = s; lock.unlock() }
    var error: String? { lock.lock(); defer { lock.unlock() }; return message }
}

/// Why an edited `weave.yml` was not taken (the server keeps the previous settings).
struct ReconfigureError: Error, CustomStringConvertible {
    var text: String
    var description: String { text }
}
