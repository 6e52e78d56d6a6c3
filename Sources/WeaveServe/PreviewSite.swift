import Foundation
import Weave

/// One rendered article: what `Build.process` produced for one version of its file.
public struct RenderedArticle: Sendable {
    /// The article's version when it was rendered (bumped by every change).
    public var version: Int
    public var report: Build.Report
    /// The rendered files by path relative to the site root (`NAME.html`, `NAME.md`,
    /// `NAME_files/fig-1.svg`).
    public var files: [String: [UInt8]]
    /// Seconds the render took.
    public var seconds: Double
}

/// The articles of a preview and their latest renders.
///
/// Renders run on `jobs` worker threads (an article's program is a blocking child
/// process; they stay off Swift's cooperative pool). A page requested by a browser
/// goes before background work (the start-up warm-up and re-renders after a change);
/// with more than one job, one worker is kept free of background work so a request
/// never waits behind a whole queue. An article is never rendered twice at once: a
/// change during its render queues one more render, and requests wait for the current
/// version. Every finished render of an article's current version announces
/// `reload NAME` on the event hub.
final class PreviewSite: @unchecked Sendable {
    enum Priority: Equatable { case request, background }

    private struct Slot {
        var article: Article
        var version = 0
        var page: RenderedArticle?
        var queued: Priority?
        var running = false
        var waiters: [CheckedContinuation<RenderedArticle?, Never>] = []
    }

    private let cond = NSCondition()
    private var slots: [String: Slot] = [:]
    private var order: [String] = []
    private var queue: [String] = []
    private var build: Build
    private let backgroundLimit: Int
    private var backgroundRunning = 0
    private var stopped = false
    let hub: EventHub
    let log: @Sendable (String) -> Void
    let verbose: Bool

    init(articles: [Article], build: Build, hub: EventHub, verbose: Bool, log: @escaping @Sendable (String) -> Void) {
        self.build = build
        self.hub = hub
        self.verbose = verbose
        self.log = log
        backgroundLimit = build.jobs > 1 ? build.jobs - 1 : 1
        for a in articles {
            slots[a.outputName] = Slot(article: a)
            order.append(a.outputName)
        }
    }

    /// Starts the workers and queues every article in the background (so the index
    /// shows real claim statuses and pages open at once; cached articles take
    /// milliseconds).
    func start() {
        for _ in 0..<build.jobs {
            let t = Thread { [self] in work() }
            t.stackSize = 8 << 20
            t.name = "weave-serve-render"
            t.start()
        }
        cond.lock()
        for name in order { schedule(name, .background) }
        cond.unlock()
    }

    /// Stops taking work; requests still waiting get the last render (or nil).
    func stop() {
        cond.lock()
        stopped = true
        var pending: [(CheckedContinuation<RenderedArticle?, Never>, RenderedArticle?)] = []
        for (name, s) in slots {
            for w in s.waiters { pending.append((w, s.page)) }
            slots[name]?.waiters = []
        }
        cond.broadcast()
        cond.unlock()
        for (w, p) in pending { w.resume(returning: p) }
    }

    // MARK: Queries

    /// Whether an article of this output name exists.
    func has(_ name: String) -> Bool {
        cond.lock(); defer { cond.unlock() }
        return slots[name] != nil
    }

    /// The article's render for its current version, rendering it first if needed;
    /// nil for an unknown name.
    func page(_ name: String) async -> RenderedArticle? {
        await withCheckedContinuation { (c: CheckedContinuation<RenderedArticle?, Never>) in
            cond.lock()
            guard let s = slots[name] else {
                cond.unlock()
                c.resume(returning: nil)
                return
            }
            if let p = s.page, p.version == s.version || stopped {
                cond.unlock()
                c.resume(returning: p)
                return
            }
            if stopped {
                cond.unlock()
                c.resume(returning: nil)
                return
            }
            slots[name]!.waiters.append(c)
            schedule(name, .request)
            cond.unlock()
        }
    }

    /// The articles in order, each with its latest render if any.
    func snapshot() -> [(Article, RenderedArticle?)] {
        cond.lock(); defer { cond.unlock() }
        return order.compactMap { n in slots[n].map { ($0.article, $0.page) } }
    }

    var currentBuild: Build {
        cond.lock(); defer { cond.unlock() }
        return build
    }

    // MARK: Changes (from the watcher)

    /// The article files changed: re-render them in the background.
    func changed(_ names: [String]) {
        cond.lock()
        for n in names where slots[n] != nil {
            slots[n]!.version += 1
            schedule(n, .background)
        }
        cond.unlock()
    }

    /// The set of articles changed (files added or removed under a folder).
    func setArticles(_ articles: [Article]) {
        var announce: [String] = []
        var dropped: [CheckedContinuation<RenderedArticle?, Never>] = []
        cond.lock()
        let names = Set(articles.map(\.outputName))
        for (n, s) in slots where !names.contains(n) {
            dropped += s.waiters
            slots[n] = nil
            queue.removeAll { $0 == n }
            announce.append(n)
        }
        for a in articles {
            if let s = slots[a.outputName] {
                if s.article != a {
                    slots[a.outputName]!.article = a
                    slots[a.outputName]!.version += 1
                    schedule(a.outputName, .background)
                }
            } else {
                slots[a.outputName] = Slot(article: a)
                schedule(a.outputName, .background)
                announce.append(a.outputName)
            }
        }
        order = articles.map(\.outputName)
        cond.unlock()
        for w in dropped { w.resume(returning: nil) }
        for n in announce { hub.reload(n) }
    }

    /// A new build (the article kit was rebuilt): every article is stale.
    func setBuild(_ b: Build) {
        cond.lock()
        build = b
        for n in order where slots[n] != nil {
            slots[n]!.version += 1
            schedule(n, .background)
        }
        cond.unlock()
    }

    // MARK: Work queue

    /// Queues an article (lock held). A running article is re-queued when it finishes
    /// if its version moved on.
    private func schedule(_ name: String, _ p: Priority) {
        guard var s = slots[name], !s.running else { return }
        switch s.queued {
        case nil:
            s.queued = p
            queue.append(name)
        case .background? where p == .request:
            s.queued = .request
        default:
            break
        }
        slots[name] = s
        cond.broadcast()
    }

    /// The next job (lock held): a request first, else background work within its limit.
    private func nextJob() -> (String, Priority)? {
        if let i = queue.firstIndex(where: { slots[$0]?.queued == .request }) {
            return (queue.remove(at: i), .request)
        }
        if backgroundRunning < backgroundLimit, !queue.isEmpty {
            let n = queue.removeFirst()
            return (n, slots[n]?.queued ?? .background)
        }
        return nil
    }

    private func work() {
        while true {
            cond.lock()
            var job: (String, Priority)?
            while !stopped {
                job = nextJob()
                if job != nil { break }
                cond.wait()
            }
            guard let job, !stopped, var slot = slots[job.0] else {
                cond.unlock()
                if stopped { return }
                continue
            }
            let (name, priority) = job
            slot.queued = nil
            slot.running = true
            slots[name] = slot
            if priority == .background { backgroundRunning += 1 }
            let version = slot.version, article = slot.article, build = self.build
            cond.unlock()

            let started = DispatchTime.now().uptimeNanoseconds
            let report = build.process(article)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            var files: [String: [UInt8]] = [:]
            for (rel, bytes) in report.files where files[rel] == nil { files[rel] = bytes }
            let page = RenderedArticle(version: version, report: report, files: files, seconds: seconds)

            var resume: [CheckedContinuation<RenderedArticle?, Never>] = []
            var current = false
            cond.lock()
            if priority == .background { backgroundRunning -= 1 }
            if var s = slots[name] {
                s.running = false
                if s.page == nil || s.page!.version <= version { s.page = page }
                if s.version == version || stopped {
                    current = s.version == version
                    resume = s.waiters
                    s.waiters = []
                    slots[name] = s
                } else {
                    // Changed while rendering: once more, with its waiters.
                    slots[name] = s
                    schedule(name, s.waiters.isEmpty ? .background : .request)
                }
            }
            cond.broadcast()
            cond.unlock()
            // Announce before answering the requests that waited: a page served from
            // this render and connecting to the events afterwards never sees its own
            // render as a change.
            if current { hub.reload(name) }
            for w in resume { w.resume(returning: page) }
            self.report(page, name: name)
        }
    }

    /// Prints a render's problems (always) and, with -v, how it went.
    private func report(_ p: RenderedArticle, name: String) {
        let r = p.report
        for d in r.diagnostics where d.isError { log(d.description) }
        guard verbose else { return }
        var line = "\(r.article.path): \(r.runSummary)"
        line += r.failed ? "; FAILED" : "; rendered"
        line += String(format: " (%.2f s)", p.seconds)
        log(line)
    }
}
