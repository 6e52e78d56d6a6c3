import Foundation
import Weave
#if canImport(Glibc)
import Glibc
#endif

/// What a file looks like from outside: enough to notice an edit without reading it.
public struct FileStamp: Equatable, Sendable {
    public var size: Int64
    public var modifiedSeconds: Int
    public var modifiedNanoseconds: Int
    public var inode: UInt64

    /// The stamp of a file, or nil when it does not exist.
    public static func of(_ path: String) -> FileStamp? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return FileStamp(size: Int64(st.st_size), modifiedSeconds: Int(st.st_mtim.tv_sec),
                         modifiedNanoseconds: Int(st.st_mtim.tv_nsec), inode: UInt64(st.st_ino))
    }
}

/// Settles the stamps of a set of files polled at intervals: a file counts as changed
/// once its new stamp has been seen at two polls in a row, so a save in progress (an
/// editor writing in pieces, a linker writing the kit) is acted on once, when done.
public struct ChangeDetector: Sendable {
    private var settled: [String: FileStamp?] = [:]
    private var lastSeen: [String: FileStamp?] = [:]

    public init() {}

    /// Records the present stamps as the settled state (no change reported for them).
    public mutating func baseline(_ paths: [String]) {
        for p in paths {
            let s = FileStamp.of(p)
            settled[p] = .some(s)
            lastSeen[p] = .some(s)
        }
    }

    /// Polls `paths`; returns those whose stamp changed and has now settled. Paths new
    /// to the detector are baselined; paths no longer given are forgotten.
    public mutating func poll(_ paths: [String]) -> [String] {
        var changed: [String] = []
        var seen: [String: FileStamp?] = [:]
        for p in paths {
            let now = FileStamp.of(p)
            seen[p] = .some(now)
            guard let old = settled[p] else {
                settled[p] = .some(now)
                continue
            }
            if now != old, let previous = lastSeen[p], previous == now {
                changed.append(p)
                settled[p] = .some(now)
            }
        }
        lastSeen = seen
        settled = settled.filter { seen[$0.key] != nil }
        return changed
    }
}

/// Polls the article files (and the folders given, for new and removed `*.md`) and the
/// article kit (`libWeaveArticle.so` and its module files) every `interval` seconds on
/// a thread of its own, and tells the site what changed. Polling is portable and cheap
/// for a handful of articles (a `stat` each per poll).
final class PreviewWatcher: @unchecked Sendable {
    let paths: [String]
    /// Folders never searched for articles (`Site.collect`'s `excluding`).
    let excluded: [String]
    let interval: Double
    let site: PreviewSite
    let kitFiles: [String]
    /// A new runner after the kit changed (nil: the kit is not watched).
    let relocate: (@Sendable () throws -> ArticleRunner)?
    let log: @Sendable (String) -> Void

    private let lock = NSLock()
    private var stopped = false
    private var articles: [Article]
    private var detector = ChangeDetector()
    private var kitDetector = ChangeDetector()
    private var kitPending = false
    private var lastCollectError: String?
    private var lastKitError: String?
    /// The project configuration and how to apply it again (nil: not watched).
    let configFile: String?
    let reconfigure: (@Sendable () throws -> (ArticleRunner, [String: String]))?
    private var configDetector = ChangeDetector()

    init(paths: [String], excluding excluded: [String] = [], articles: [Article], interval: Double, site: PreviewSite, kitFiles: [String],
         relocate: (@Sendable () throws -> ArticleRunner)?, log: @escaping @Sendable (String) -> Void,
         configFile: String? = nil, reconfigure: (@Sendable () throws -> (ArticleRunner, [String: String]))? = nil) {
        self.paths = paths
        self.excluded = excluded
        self.articles = articles
        self.interval = interval
        self.site = site
        self.kitFiles = kitFiles
        self.relocate = relocate
        self.log = log
        self.configFile = configFile
        self.reconfigure = reconfigure
        detector.baseline(articles.map(\.path))
        kitDetector.baseline(kitFiles)
        if let configFile { configDetector.baseline([configFile]) }
    }

    func start() {
        let t = Thread { [self] in
            var ticks = 0
            while !isStopped {
                usleep(useconds_t(interval * 1_000_000))
                if isStopped { break }
                poll()
                ticks += 1
                // A comment on the event streams every ~15 s finds closed browser tabs.
                if Double(ticks) * interval >= 15 {
                    ticks = 0
                    site.hub.ping()
                }
            }
        }
        t.name = "weave-serve-watch"
        t.start()
    }

    func stop() {
        lock.lock(); stopped = true; lock.unlock()
    }

    private var isStopped: Bool {
        lock.lock(); defer { lock.unlock() }
        return stopped
    }

    /// One poll (also called directly by tests of the watcher).
    func poll() {
        // New or removed articles under the folders given.
        do {
            let now = try Site.collect(paths, excluding: excluded)
            lastCollectError = nil
            if now != articles {
                articles = now
                site.setArticles(now)
            }
        } catch {
            // A file argument removed for a moment (an editor saving by delete and
            // create) or a name clash: keep the articles we have; say it once.
            let text = "\(error)"
            if text != lastCollectError { log("weave serve: \(text)") }
            lastCollectError = text
        }
        let byPath = Dictionary(articles.map { ($0.path, $0.outputName) }, uniquingKeysWith: { a, _ in a })
        let changed = detector.poll(articles.map(\.path)).compactMap { byPath[$0] }
        if !changed.isEmpty { site.changed(changed) }

        // weave.yml: new execution settings (timeout, sandbox, cache folder, defaults)
        // apply to every article. A broken file keeps the settings in use.
        if let configFile, let reconfigure, !configDetector.poll([configFile]).isEmpty {
            do {
                let (runner, defaults) = try reconfigure()
                var build = site.currentBuild
                build.runner = runner
                build.frontMatterDefaults = defaults
                log("weave serve: \(FileIO.basename(configFile)) changed; re-rendering every article")
                site.setBuild(build)
            } catch {
                log("\(error)")
                log("weave serve: \(FileIO.basename(configFile)) not applied; the previous settings stay in use")
            }
        }

        // The article kit: a rebuilt Compute changes every article's cache key.
        guard let relocate else { return }
        if !kitDetector.poll(kitFiles).isEmpty { kitPending = true }
        guard kitPending else { return }
        do {
            let runner = try relocate()
            kitPending = false
            lastKitError = nil
            var build = site.currentBuild
            if build.runner?.toolchain.kitFingerprint != runner.toolchain.kitFingerprint {
                build.runner = runner
                log("weave serve: the article kit changed (\(runner.toolchain.kitDirectory)); re-rendering every article")
                site.setBuild(build)
            }
        } catch {
            // Mid-rebuild (modules not written yet): try again at the next poll.
            let text = "\(error)"
            if text != lastKitError { log("weave serve: waiting for the article kit: \(text)") }
            lastKitError = text
        }
    }
}
