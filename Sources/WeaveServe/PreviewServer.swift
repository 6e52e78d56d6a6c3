import Foundation
import Hummingbird
import HummingbirdCore
import Weave
#if canImport(Glibc)
import Glibc
#endif

/// `weave serve`: a live preview of articles over HTTP (Hummingbird, HTTP/1.1).
///
/// Routes:
/// - `/`, `/index.html`: the index of the articles (titles, dates, claim statuses).
/// - `/NAME.html`, `/NAME.md`, `/NAME_files/fig-N.svg`: an article's outputs, rendered
///   through the result cache on first request and again after every change. A failing
///   article's page shows its errors with the article's lines (status 200).
/// - `/katex/…`: KaTeX from Debian's `libjs-katex`, so pages typeset math offline.
/// - `/__weave/events`: Server-Sent Events; every page (and the index) listens and
///   reloads when `event: reload` names its article (the index: any article).
///
/// Anything else is a 404 page that links to the index. The watcher polls the article
/// files, the folders given (new and removed `*.md`) and the article kit; a change
/// re-renders only the articles concerned (a new kit: all of them), in the background.
///
/// It answers only to itself: a request whose `Host` is not a loopback name or the
/// `--host` gets 421 (`AllowedHosts`, against DNS rebinding); a connection whose request
/// head has not fully arrived `headerTimeout` seconds after it opened (or after its last
/// response) is closed (slowloris); at most `maxConnections` connections are served at
/// once (Hummingbird checks between accept batches of up to 4, so up to 3 more), further
/// ones wait in the listen queue until one closes.
public struct PreviewServer: Sendable {
    /// Seconds a connection may take to send a complete request head, and may stay idle
    /// between requests (Hummingbird's idle timeout; a response in progress, such as an
    /// event stream, is not cut).
    public static let headerTimeout: Int64 = 5
    /// Connections served at the same time.
    public static let maxConnections = 64

    public struct Configuration: Sendable {
        /// The command-line paths (files and folders), watched for new articles.
        public var paths: [String]
        /// Folders never searched for articles (the cache and output folders; see
        /// `Site.collect`).
        public var excludedFolders: [String] = []
        public var host: String = "127.0.0.1"
        /// 0: any free port (the bound port is passed to `onReady`).
        public var port: Int = 8000
        /// Renders run at the same time (article programs in parallel).
        public var jobs: Int = 1
        /// Runs the articles' code (nil: render without running it).
        public var runner: ArticleRunner?
        /// Locates the article kit again after it changed on disk (a rebuilt Compute).
        public var relocateRunner: (@Sendable () throws -> ArticleRunner)?
        public var frontMatterDefaults: [String: String] = [:]
        /// The project's `weave.yml` (watched, also before it exists), and how to build the
        /// runner and front matter defaults from it again after an edit.
        public var configFile: String?
        public var reconfigure: (@Sendable () throws -> (ArticleRunner, [String: String]))?
        /// Where pages load KaTeX from: `.local` serves `katexDirectory` at `/katex/`.
        public var mathAssets: HTMLPage.MathAssets = .local
        public var katexDirectory: String = "/usr/share/javascript/katex"
        /// Seconds between two polls of the watched files.
        public var pollInterval: Double = 0.3
        /// Say how each render went (cached, compiled, failed) on standard error.
        public var verbose = false

        public init(paths: [String]) { self.paths = paths }
    }

    public let configuration: Configuration
    public let articles: [Article]

    public init(configuration: Configuration, articles: [Article]) {
        self.configuration = configuration
        self.articles = articles
    }

    /// Diagnostics and progress lines (standard error).
    public static func log(_ s: String) {
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }

    /// Serves until SIGINT or SIGTERM, then shuts down gracefully: open event streams
    /// end, requests in progress finish, running article programs are killed.
    /// `onReady(port)` is called once the socket is bound.
    public func run(onReady: @escaping @Sendable (Int) -> Void) async throws {
        let c = configuration
        let renderer = ArticleRenderer(formats: [.html, .md], mathAssets: c.mathAssets, indexLink: true)
        let build = Build(jobs: c.jobs, runner: c.runner, renderer: renderer, frontMatterDefaults: c.frontMatterDefaults)
        let hub = EventHub()
        let log: @Sendable (String) -> Void = PreviewServer.log
        let site = PreviewSite(articles: articles, build: build, hub: hub, verbose: c.verbose, log: log)
        var kitFiles: [String] = []
        if let t = c.runner?.toolchain {
            kitFiles = [t.kitDirectory + "/libWeaveArticle.so"]
                + ["Compute", "WeaveRuntime"].map { t.modulesDirectory + "/\($0).swiftmodule" }
        }
        let watcher = PreviewWatcher(paths: c.paths, excluding: c.excludedFolders, articles: articles, interval: c.pollInterval, site: site,
                                     kitFiles: kitFiles, relocate: c.runner == nil ? nil : c.relocateRunner, log: log,
                                     configFile: c.configFile, reconfigure: c.runner == nil ? nil : c.reconfigure)
        let shutdown = Shutdown(hub: hub, site: site, watcher: watcher)

        let router = Router()
        router.add(middleware: HostCheckMiddleware(allowed: AllowedHosts(bindHost: c.host)))
        let handler = Handler(site: site, hub: hub, katexDirectory: c.mathAssets == .local ? c.katexDirectory : nil)
        router.get("/") { request, _ in await handler.respond(to: request) }
        router.get("**") { request, _ in await handler.respond(to: request) }

        var app = Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: .seconds(PreviewServer.headerTimeout))),
            configuration: .init(address: .hostname(c.host, port: c.port), serverName: "weave",
                                 availableConnectionsDelegate: MaximumAvailableConnections(PreviewServer.maxConnections)),
            onServerRunning: { channel in
                // Renders and polling start once the port is bound (nothing is
                // compiled for a server that cannot start).
                shutdown.serverStarted()
                site.start()
                watcher.start()
                onReady(channel.localAddress?.port ?? c.port)
            }
        )
        app.logger.logLevel = c.verbose ? .info : .warning

        // Hummingbird shuts the server down gracefully on SIGINT/SIGTERM; the event
        // streams must end first, and the site and watcher stop with it.
        shutdown.install()
        defer {
            shutdown.run()
            Subprocess.killAllChildren()
        }
        try await app.runService()
    }
}

/// What happens on SIGINT/SIGTERM besides the server's own graceful shutdown (which
/// Hummingbird's service group does on the same signals): end the open event streams
/// (or the server would wait for them), stop the watcher and the render workers, kill
/// running article programs. A second signal exits at once.
final class Shutdown: @unchecked Sendable {
    let hub: EventHub
    let site: PreviewSite
    let watcher: PreviewWatcher
    private let lock = NSLock()
    private var done = false
    private var signals = 0
    private var serving = false
    private var sources: [DispatchSourceSignal] = []

    init(hub: EventHub, site: PreviewSite, watcher: PreviewWatcher) {
        self.hub = hub
        self.site = site
        self.watcher = watcher
    }

    func install() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler { [self] in
                lock.lock()
                signals += 1
                let n = signals
                lock.unlock()
                if n == 1 && isServing {
                    run()
                } else if n == 1 {
                    // Still starting: the service group may not be listening for
                    // signals yet, and there is nothing to finish.
                    Subprocess.killAllChildren()
                    exit(0)
                } else {
                    Subprocess.killAllChildren()
                    PreviewServer.log("\nweave serve: interrupted again; exiting now")
                    exit(130)
                }
            }
            s.resume()
            sources.append(s)
        }
    }

    /// The server is bound and its service group handles SIGINT/SIGTERM.
    func serverStarted() {
        lock.lock(); serving = true; lock.unlock()
    }

    private var isServing: Bool {
        lock.lock(); defer { lock.unlock() }
        return serving
    }

    /// Idempotent.
    func run() {
        lock.lock()
        if done { lock.unlock(); return }
        done = true
        lock.unlock()
        watcher.stop()
        Subprocess.killAllChildren()
        site.stop()
        hub.close()
    }
}

/// The routes (see `PreviewServer`).
struct Handler: Sendable {
    let site: PreviewSite
    let hub: EventHub
    let katexDirectory: String?

    func respond(to request: Request) async -> Response {
        let raw = request.uri.path
        let path = raw.removingPercentEncoding ?? raw
        if path == "/" || path == "/index.html" { return index() }
        if path == "/__weave/events" { return events() }
        var rel = String(path.drop(while: { $0 == "/" }))
        // Nothing outside what the site renders or KaTeX's folder is ever read.
        if rel.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) || rel.contains("\0") {
            return notFound(path)
        }
        if rel.hasPrefix("katex/"), let dir = katexDirectory { return katex(String(rel.dropFirst(6)), dir: dir, path: path) }
        if rel.hasSuffix("/") { rel += "index.html" }

        let name: String
        if rel.hasSuffix(".html") {
            name = String(rel.dropLast(5))
        } else if rel.hasSuffix(".md") {
            name = String(rel.dropLast(3))
        } else if let r = rel.range(of: "_files/", options: .backwards) {
            name = String(rel[..<r.lowerBound])
        } else if site.has(rel) {
            return .redirect(to: "/" + rel + ".html")
        } else {
            return notFound(path)
        }
        guard let page = await site.page(name) else { return notFound(path) }
        guard let bytes = page.files[rel] else {
            if rel.hasSuffix(".html") {
                // Nothing rendered at all (the file could not be read): its errors.
                return html(Pages.failure(name: name, report: page.report, script: Pages.reloadScript(for: name)))
            }
            return notFound(path)
        }
        if rel.hasSuffix(".html") {
            return html(Pages.inject(Pages.reloadScript(for: name), into: bytes))
        }
        return Response(status: .ok, headers: [.contentType: Pages.contentType(rel), .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    func html(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    func index() -> Response {
        var entries: [IndexPage.Entry] = []
        let parseOnly = Build(jobs: 1, runner: nil, renderer: nil, frontMatterDefaults: site.currentBuild.frontMatterDefaults)
        for (article, page) in site.snapshot() {
            // Not rendered yet: title, date and summary from the file; "not run" until it is.
            entries.append(IndexPage.Entry(report: page?.report ?? parseOnly.process(article)))
        }
        let page = IndexPage(title: "Articles", entries: entries).render()
        return html(Pages.inject(Pages.reloadScript(for: nil), into: page))
    }

    func notFound(_ path: String) -> Response {
        html(Pages.notFound(path), status: .notFound)
    }

    func katex(_ rel: String, dir: String, path: String) -> Response {
        // `weave render --katex local` names the auto-render script .min.js; Debian ships it unminified.
        let candidates = [rel, rel == "contrib/auto-render.min.js" ? "contrib/auto-render.js" : nil].compactMap { $0 }
        for c in candidates {
            if let bytes = try? FileIO.read(FileIO.join(dir, c)) {
                return Response(status: .ok, headers: [.contentType: Pages.contentType(c), .cacheControl: "max-age=3600"],
                                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            }
        }
        return notFound(path)
    }

    func events() -> Response {
        guard let (id, stream) = hub.subscribe() else {
            return Response(status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "the server is stopping\n")))
        }
        let hub = self.hub
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
            body: ResponseBody { writer in
                defer { hub.unsubscribe(id) }
                // Reconnect quickly after a restart of the server.
                try await writer.write(ByteBuffer(string: "retry: 1000\n: connected\n\n"))
                for await message in stream {
                    try await writer.write(ByteBuffer(string: message))
                }
                try await writer.finish(nil)
            })
    }
}
