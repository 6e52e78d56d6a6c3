import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `weave serve`: the live preview, end to end, against the real executable on an
/// ephemeral port of 127.0.0.1 — pages, re-render after an edit, the reload event,
/// a failing article's error page, the 404 page, KaTeX, and a clean Ctrl-C.
@Suite(.serialized)
struct ServeTests {
    static func article(_ valueLine: String) -> String {
        """
        ---
        title: Live preview
        ---

        Some math: $e^{i\\pi} = -1$.

        ```{swift}
        \(valueLine)
        ```

        The value is `{swift} v`.

        """
    }

    /// The server's address from its first line ("Serving n at http://127.0.0.1:PORT/ …"),
    /// without the trailing slash.
    static func baseURL(_ line: String) throws -> String {
        try #require(line.split(separator: " ").first { $0.hasPrefix("http://") }.map { String($0.dropLast()) })
    }

    @Test func servesRerendersReloadsShowsErrorsAndStopsCleanly() async throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("n/x.md", Self.article("let v = 6 * 7"))
        let server = try ServeProcess(["serve", "n", "--port", "0", "--jobs", "1"], cwd: t.path)
        defer { server.terminate() }
        let line = try server.firstLine(timeout: 30)
        #expect(line.hasPrefix("Serving n at http://127.0.0.1:") && line.hasSuffix("/ (Ctrl-C to stop)"), "\(line)")
        let base = try Self.baseURL(line)

        // The index, then the page (rendered on request, with the reload script).
        let index = try await HTTP.get(base + "/")
        #expect(index.status == 200)
        #expect(index.body.contains("<a class=\"article-title\" href=\"x.html\">Live preview</a>"))
        #expect(index.body.contains("new EventSource(\"/__weave/events\")"))
        let page = try await HTTP.get(base + "/x.html")
        #expect(page.status == 200)
        #expect(page.contentType == "text/html; charset=utf-8")
        #expect(page.body.contains("The value is <span class=\"inline-value\">42</span>."), "\(page.body)")
        #expect(page.body.contains("var name = \"x\";"))
        #expect(page.body.contains("<script defer src=\"katex/katex.min.js\"></script>"))
        // KaTeX is served locally (Debian's libjs-katex), when installed.
        if FileManager.default.fileExists(atPath: "/usr/share/javascript/katex/katex.min.js") {
            let js = try await HTTP.get(base + "/katex/contrib/auto-render.min.js")
            #expect(js.status == 200 && js.body.contains("renderMathInElement"))
        }

        // Edit the article: the open stream gets `reload x`, the page has the new value.
        let events = EventStream(url: base + "/__weave/events")
        try events.waitFor(": connected", timeout: 10)
        let mark = events.text.count
        try t.write("n/x.md", Self.article("let v = 6 * 8"))
        try events.waitFor("event: reload\ndata: x\n\n", after: mark, timeout: 60)
        let edited = try await HTTP.get(base + "/x.html")
        #expect(edited.body.contains("The value is <span class=\"inline-value\">48</span>."))
        let md = try await HTTP.get(base + "/x.md")
        #expect(md.status == 200 && md.contentType == "text/markdown; charset=utf-8")
        #expect(md.body.contains("The value is 48."))

        // Break it: a type error in the block (article line 8). The page shows the error
        // with the article's line, status 200, marked as failed — never a blank page.
        let mark2 = events.text.count
        try t.write("n/x.md", Self.article("let v: Int = \"seven\""))
        try events.waitFor("event: reload\ndata: x\n\n", after: mark2, timeout: 60)
        let broken = try await HTTP.get(base + "/x.html")
        #expect(broken.status == 200)
        #expect(broken.body.contains("<h2>This article failed to build</h2>"))
        #expect(broken.body.contains("x.md:8:14: error:"), "\(broken.body)")
        #expect(broken.body.contains("<meta name=\"weave-status\" content=\"failed\">"))
        #expect(broken.body.contains("new EventSource(\"/__weave/events\")"))
        #expect(server.stderr.contains("x.md:8:14: error:"))

        // Unknown paths: a 404 page linking to the index.
        let missing = try await HTTP.get(base + "/nope.html")
        #expect(missing.status == 404)
        #expect(missing.body.contains("<a href=\"/\">← All articles</a>"))
        #expect(try await HTTP.get(base + "/../../etc/passwd").status == 404)

        // Ctrl-C: graceful shutdown (the open event stream ends), exit status 0.
        server.interrupt()
        let status = try server.wait(timeout: 15)
        #expect(status == 0, "\(server.stderr)")
        try events.waitForEnd(timeout: 5)
        #expect(server.stderr.contains("weave serve: stopped"))
    }

    @Test func newArticlesAppearAndPortInUseIsAnError() async throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("n/a.md", "# First\n\nNo code.\n")
        let server = try ServeProcess(["serve", "n", "--port", "0"], cwd: t.path)
        defer { server.terminate() }
        let line = try server.firstLine(timeout: 30)
        let base = try Self.baseURL(line)
        let events = EventStream(url: base + "/__weave/events")
        try events.waitFor(": connected", timeout: 10)
        #expect(try await HTTP.get(base + "/b.html").status == 404)
        let mark = events.text.count
        try t.write("n/sub/b.md", "# Second\n\nAlso no code.\n")
        try events.waitFor("event: reload\ndata: sub/b\n\n", after: mark, timeout: 20)
        let b = try await HTTP.get(base + "/sub/b.html")
        #expect(b.status == 200 && b.body.contains("Also no code."))
        // A nested page reaches KaTeX and the index through the site root.
        #expect(b.body.contains("<a href=\"../index.html\">← All articles</a>"))
        #expect(try await HTTP.get(base + "/index.html").body.contains("href=\"sub/b.html\""))

        // The same port again: exit status 2 with a message.
        let port = String(base.split(separator: ":").last ?? "")
        let second = try CLI.run(["serve", "n", "--port", port], cwd: t.path)
        #expect(second.status == 2)
        #expect(second.stderr.contains("weave serve: error: cannot serve on 127.0.0.1:\(port): the port is in use"), "\(second.stderr)")

        server.interrupt()
        #expect(try server.wait(timeout: 15) == 0)
    }

    @Test func anEditedConfigurationReRendersEveryArticle() async throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("n/x.md", Self.article("let v = 6 * 7"))
        let server = try ServeProcess(["serve", "n", "--port", "0", "--jobs", "1"], cwd: t.path)
        defer { server.terminate() }
        let line = try server.firstLine(timeout: 30)
        let base = try Self.baseURL(line)
        let page = try await HTTP.get(base + "/x.html")
        #expect(page.body.contains("let v = 6 * 7"))  // code shown (echo defaults to true)

        // A weave.yml appears with echo: false: the page is rendered again without the code.
        let events = EventStream(url: base + "/__weave/events")
        try events.waitFor(": connected", timeout: 10)
        var mark = events.text.count
        try t.write("weave.yml", "execute:\n  echo: false\n")
        try events.waitFor("event: reload\ndata: x\n\n", after: mark, timeout: 60)
        let quiet = try await HTTP.get(base + "/x.html")
        #expect(!quiet.body.contains("let v = 6 * 7"))
        #expect(quiet.body.contains("The value is <span class=\"inline-value\">42</span>."))
        #expect(server.stderr.contains("weave serve: weave.yml changed; re-rendering every article"))

        // A broken edit is reported with its line and not applied.
        mark = events.text.count
        try t.write("weave.yml", "execute:\n  echo: false\ntimeout: soon\n")
        let deadline = Date().addingTimeInterval(20)
        while !server.stderr.contains("not applied") && Date() < deadline { usleep(100_000) }
        #expect(server.stderr.contains("weave.yml:3:1: error: 'timeout' must be a positive number of seconds"), "\(server.stderr)")
        #expect(server.stderr.contains("weave serve: weave.yml not applied; the previous settings stay in use"))
        #expect(!(try await HTTP.get(base + "/x.html")).body.contains("let v = 6 * 7"))

        server.interrupt()
        #expect(try server.wait(timeout: 15) == 0)
    }

    @Test func aRebuiltKitReRendersEveryArticle() async throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("n/a.md", "```{swift}\nprint(\"alpha\")\n```\n")
        try t.write("n/b.md", "```{swift}\nprint(\"beta\")\n```\n")
        // A private copy of the article kit, "rebuilt" below.
        let kit = t.path + "/kit"
        let bin = URL(fileURLWithPath: CLI.weave).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: kit, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: bin + "/libWeaveArticle.so", toPath: kit + "/libWeaveArticle.so")
        try FileManager.default.copyItem(atPath: bin + "/Modules", toPath: kit + "/Modules")
        let server = try ServeProcess(["serve", "n", "--port", "0", "--kit", kit, "-v"], cwd: t.path)
        defer { server.terminate() }
        let line = try server.firstLine(timeout: 30)
        let base = try Self.baseURL(line)
        #expect(try await HTTP.get(base + "/a.html").body.contains("alpha"))
        #expect(try await HTTP.get(base + "/b.html").body.contains("beta"))
        let events = EventStream(url: base + "/__weave/events")
        try events.waitFor(": connected", timeout: 10)
        let mark = events.text.count
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: kit + "/libWeaveArticle.so"))
        h.seekToEndOfFile()
        h.write(Data([0]))  // a different library: trailing bytes do not change what the loader maps
        try h.close()
        try events.waitFor("event: reload\ndata: a\n\n", after: mark, timeout: 60)
        try events.waitFor("event: reload\ndata: b\n\n", after: mark, timeout: 60)
        #expect(server.stderr.contains("weave serve: the article kit changed"))
        #expect(server.stderr.components(separatedBy: "(stale: Compute or WeaveRuntime was rebuilt)").count - 1 == 2, "\(server.stderr)")
        #expect(try await HTTP.get(base + "/a.html").body.contains("alpha"))
        server.interrupt()
        #expect(try server.wait(timeout: 15) == 0)
    }

    @Test func ctrlCDuringARenderLeavesNoArticleProgramRunning() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        // The article's program writes its pid (its working folder is the article's), then sleeps.
        try t.write("n/slow.md", """
        ```{swift}
        import Glibc
        let f = fopen("pid.txt", "w")!
        fputs("\\(getpid())", f)
        fclose(f)
        sleep(120)
        ```

        """)
        // Without the sandbox: the program must write into the article's folder and its
        // pid must be the host's (in the sandbox, bwrap --die-with-parent stops it).
        let server = try ServeProcess(["serve", "n", "--port", "0", "--no-sandbox"], cwd: t.path)
        defer { server.terminate() }
        _ = try server.firstLine(timeout: 30)
        // The start-up warm-up renders it in the background.
        let deadline = Date().addingTimeInterval(60)
        var pid: pid_t = 0
        while Date() < deadline {
            if let s = t.read("n/pid.txt"), let p = pid_t(s) { pid = p; break }
            usleep(50_000)
        }
        try #require(pid > 0, "the article program did not start; \(server.stderr)")
        #expect(kill(pid, 0) == 0)
        server.interrupt()
        #expect(try server.wait(timeout: 15) == 0)
        // Killed with its process group; allow a moment for it to be reaped.
        var gone = false
        for _ in 0..<100 {
            if kill(pid, 0) != 0 && errno == ESRCH { gone = true; break }
            usleep(20_000)
        }
        #expect(gone, "article program \(pid) still running")
        if !gone { kill(pid, SIGKILL) }
    }

    /// The port from the server's first line.
    static func port(_ line: String) throws -> Int {
        try #require(Int(try baseURL(line).split(separator: ":").last ?? ""))
    }

    /// DNS rebinding: a page on another site whose name resolves to 127.0.0.1 sends its
    /// own name as `Host`; only loopback names and the `--host` are answered.
    @Test func answersOnlyRequestsForItsOwnNames() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("n/x.md", Self.article("let v = 1"))
        let server = try ServeProcess(["serve", "n", "--port", "0", "--jobs", "1"], cwd: t.path)
        defer { server.terminate() }
        let port = try Self.port(try server.firstLine(timeout: 30))
        for host in ["127.0.0.1:\(port)", "localhost:\(port)", "localhost", "LocalHost:\(port)", "[::1]:\(port)", "127.0.0.1"] {
            #expect(try RawConnection.status(port: port, host: host) == 200, "Host: \(host)")
        }
        for host in ["attacker.example", "attacker.example:\(port)", "localhost.attacker.example:\(port)",
                     "127.0.0.1.nip.io:\(port)", "localhost:80x", "[::1", ""] {
            #expect(try RawConnection.status(port: port, host: host) == 421, "Host: \(host)")
            #expect(try RawConnection.status(port: port, host: host, path: "/x.html") == 421, "Host: \(host)")
        }
        #expect(try RawConnection.status(port: port, host: nil) == 421)
    }

    /// Slowloris: a request head that trickles in is cut after a few seconds; at most
    /// 64 (+3) connections are served at once, the next one waits until one closes.
    @Test func slowHeadersAreCutAndConnectionsAreCapped() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("n/x.md", Self.article("let v = 1"))
        let server = try ServeProcess(["serve", "n", "--port", "0", "--jobs", "1"], cwd: t.path)
        defer { server.terminate() }
        let port = try Self.port(try server.firstLine(timeout: 30))

        let slow = try RawConnection(port: port)
        slow.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        let start = Date()
        var closed = false
        while Date().timeIntervalSince(start) < 20 && !closed {
            closed = !slow.send("X-Slow: 1\r\n") || slow.receive(timeout: 1).closed
        }
        #expect(closed, "a request head sent one line a second was never cut")
        #expect(Date().timeIntervalSince(start) < 10)

        // The server accepts in batches of up to 4 and checks the cap between batches, so
        // it holds at most 64 + 3: with 68 open, the next one must wait.
        var idle = try (0..<68).map { _ in try RawConnection(port: port) }
        let waiting = try RawConnection(port: port)
        waiting.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let early = waiting.receive(timeout: 1.5, untilHeadEnd: true)
        #expect(early.text.isEmpty && !early.closed, "the 69th connection was served at once: \(early.text)")
        idle.removeAll()
        let late = waiting.receive(timeout: 15, untilHeadEnd: true)
        #expect(late.text.hasPrefix("HTTP/1.1 200"), "\(late.text)")
    }
}

/// `weave serve` running in the background, its output collected.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()

    init(_ args: [String], cwd: String) throws {
        process.executableURL = URL(fileURLWithPath: CLI.weave)
        process.arguments = args
        process.currentDirectoryURL = URL(fileURLWithPath: cwd)
        let o = Pipe(), e = Pipe()
        process.standardOutput = o
        process.standardError = e
        o.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            guard let self else { return }
            self.lock.lock(); self.out.append(d); self.lock.unlock()
        }
        e.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            guard let self else { return }
            self.lock.lock(); self.err.append(d); self.lock.unlock()
        }
        try process.run()
    }

    var stdout: String { lock.lock(); defer { lock.unlock() }; return String(decoding: out, as: UTF8.self) }
    var stderr: String { lock.lock(); defer { lock.unlock() }; return String(decoding: err, as: UTF8.self) }

    struct Timeout: Error, CustomStringConvertible {
        var description: String
    }

    /// The first line printed on standard output.
    func firstLine(timeout: Double) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let nl = stdout.firstIndex(of: "\n") { return String(stdout[..<nl]) }
            if !process.isRunning { throw Timeout(description: "weave serve exited (\(process.terminationStatus)): \(stderr)") }
            usleep(20_000)
        }
        throw Timeout(description: "no line from weave serve in \(timeout) s; stderr: \(stderr)")
    }

    func interrupt() { process.interrupt() }

    /// Waits for the exit; its status.
    func wait(timeout: Double) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline { throw Timeout(description: "weave serve still running after \(timeout) s; stderr: \(stderr)") }
            usleep(20_000)
        }
        return process.terminationStatus
    }

    /// Kills it if still running (a failed test).
    func terminate() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

enum HTTP {
    struct Reply {
        var status: Int
        var contentType: String?
        var body: String
    }

    static func get(_ url: String) async throws -> Reply {
        var request = URLRequest(url: URL(string: url)!)
        request.timeoutInterval = 60
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        return try await withCheckedThrowingContinuation { c in
            session.dataTask(with: request) { data, response, error in
                if let error { c.resume(throwing: error); return }
                let http = response as? HTTPURLResponse
                c.resume(returning: Reply(status: http?.statusCode ?? 0, contentType: http?.value(forHTTPHeaderField: "Content-Type"),
                                          body: String(decoding: data ?? Data(), as: UTF8.self)))
            }.resume()
        }
    }
}

/// A Server-Sent Events connection, its text accumulated as it arrives.
final class EventStream: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = Data()
    private var ended = false
    private var session: URLSession!

    init(url: String) {
        super.init()
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = 120
        session = URLSession(configuration: config, delegate: self, delegateQueue: nil)
        var request = URLRequest(url: URL(string: url)!)
        request.setValue("text/event-stream", forHTTPHeaderField: "Accept")
        session.dataTask(with: request).resume()
    }

    deinit { session.invalidateAndCancel() }

    var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: buffer, as: UTF8.self) }
    var isEnded: Bool { lock.lock(); defer { lock.unlock() }; return ended }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock(); buffer.append(data); lock.unlock()
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        lock.lock(); ended = true; lock.unlock()
    }

    /// Waits until `needle` arrives (after the first `after` characters).
    func waitFor(_ needle: String, after: Int = 0, timeout: Double) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if text.dropFirst(after).contains(needle) { return }
            usleep(20_000)
        }
        throw ServeProcess.Timeout(description: "no \(needle.debugDescription) on the event stream in \(timeout) s; got \(text.debugDescription)")
    }

    func waitForEnd(timeout: Double) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if isEnded { return }
            usleep(20_000)
        }
        throw ServeProcess.Timeout(description: "the event stream is still open after \(timeout) s")
    }
}
