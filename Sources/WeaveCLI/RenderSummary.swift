import Synchronization
import Weave

/// The line `weave render` prints at the end when standard error is not a terminal (in CI
/// logs and pipes, where there is no progress display), like `weave check`'s summary:
/// `weave render: rendered 8 articles (6 cached, 0 failed); 355 of 355 claims hold`.
final class RenderSummary: Sendable {
    private struct Counts {
        var articles = 0, cached = 0, failed = 0, claims = 0, held = 0
    }

    private let counts = Mutex(Counts())

    /// Counts one article's report (from any thread).
    func add(_ report: Build.Report) {
        let claims = report.results?.claims ?? []
        var isCached = false
        if case .cached? = report.status { isCached = true }
        counts.withLock { c in
            c.articles += 1
            if isCached { c.cached += 1 }
            if report.failed { c.failed += 1 }
            c.claims += claims.count
            c.held += claims.filter { $0.status == .passed }.count
        }
    }

    /// The summary line.
    var line: String {
        counts.withLock { c in
            "weave render: rendered \(c.articles) article\(c.articles == 1 ? "" : "s") (\(c.cached) cached, \(c.failed) failed); "
                + "\(c.held) of \(c.claims) " + (c.claims == 1 ? "claim holds" : "claims hold")
        }
    }
}
