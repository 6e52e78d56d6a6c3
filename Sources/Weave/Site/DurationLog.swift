import Foundation

/// How long each article took the last time it was compiled and run, kept in the cache
/// folder (`durations.tsv`: `seconds<TAB>path` per line) so that a build can start the
/// slowest articles first.
///
/// With `--jobs N` and articles taken in document order, one long article picked up last
/// leaves the other workers idle (on the bundled notebooks the slowest takes 8 of 21 s).
/// Taking them longest first (the LPT rule; Jest and ninja order work the same way from
/// their previous timings) keeps the makespan within 4/3 of the optimum. Articles with no
/// recorded time (new ones) go first, in document order, since nothing says they are cheap.
///
/// The log is a hint only: ordering never changes what is written or reported (reports
/// are delivered in document order), a missing or garbled file means "no timings", and
/// concurrent builds writing it at once each write a whole file atomically (the last wins).
public struct DurationLog: Sendable {
    public let path: String
    public private(set) var seconds: [String: Double]

    public init(directory: String) {
        path = FileIO.join(directory, "durations.tsv")
        seconds = DurationLog.load(path)
    }

    static func load(_ path: String) -> [String: Double] {
        guard let bytes = try? FileIO.read(path) else { return [:] }
        var out: [String: Double] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            guard let tab = line.firstIndex(of: "\t"), let s = Double(line[..<tab]), s.isFinite, s >= 0 else { continue }
            let name = String(line[line.index(after: tab)...])
            if !name.isEmpty { out[name] = s }
        }
        return out
    }

    /// Indices of `articles` in the order to start them: unknown ones first in document
    /// order, then by recorded time, longest first (ties in document order).
    public func schedule(_ articles: [Article]) -> [Int] {
        articles.indices.sorted { a, b in
            let ta = seconds[articles[a].path] ?? .infinity
            let tb = seconds[articles[b].path] ?? .infinity
            return ta == tb ? a < b : ta > tb
        }
    }

    /// Records new timings and writes the file (re-read first, so timings another build
    /// wrote meanwhile for other articles are kept). Failure to write is ignored: the log
    /// only orders work.
    public mutating func record(_ updates: [String: Double]) {
        guard !updates.isEmpty else { return }
        var merged = DurationLog.load(path)
        for (k, v) in updates where v.isFinite && v >= 0 && !k.contains("\n") && !k.contains("\t") { merged[k] = v }
        seconds = merged
        let text = merged.sorted { $0.key < $1.key }.map { String(format: "%.3f", $0.value) + "\t" + $0.key + "\n" }.joined()
        try? FileIO.writeAtomically(Array(text.utf8), to: path)
    }
}
