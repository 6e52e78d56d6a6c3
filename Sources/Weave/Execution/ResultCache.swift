import Crypto
import Foundation

/// Results of article runs, stored under `.weave-cache/` and keyed by a SHA-256 of
/// the generated program, the build of Compute and WeaveRuntime, the Swift version and
/// the compiler flags (DESIGN.md §3). Entries are content-addressed and written
/// atomically, so several `weave` processes can share one cache folder; each entry
/// carries a checksum of its payload, so a corrupted entry is detected and recomputed.
public struct ResultCache: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// The parts of a key, kept per article to explain why a run was stale.
    public struct KeyParts: Codable, Sendable, Equatable {
        public var program: String
        public var kit: String
        public var swift: String
        public var flags: String
        /// Hash of each unit's code (block or inline expression), with its article line.
        public var units: [UnitHash]

        public struct UnitHash: Codable, Sendable, Equatable {
            public var label: String
            public var line: Int
            public var hash: String
        }

        public var key: String { Toolchain.sha256(["weave-results-v1", program, kit, swift, flags]) }
    }

    struct Entry: Codable {
        var version: Int
        var key: String
        var article: String
        var checksum: String
        var payload: Data
    }

    public enum Lookup: Sendable {
        case hit(ArticleResults)
        case miss(reason: String)
    }

    func entryPath(_ key: String) -> String {
        "\(directory)/results/\(key.prefix(2))/\(key).json"
    }

    func articlePath(_ article: String) -> String {
        "\(directory)/articles/\(Toolchain.sha256([article]).prefix(32)).json"
    }

    public func lookup(_ parts: KeyParts, article: String) -> Lookup {
        let key = parts.key
        let path = entryPath(key)
        if let bytes = try? FileIO.read(path) {
            if let entry = try? JSONDecoder().decode(Entry.self, from: Data(bytes)),
               entry.key == key, entry.checksum == Self.checksum(entry.payload),
               let results = try? JSONDecoder().decode(ArticleResults.self, from: entry.payload) {
                return .hit(results)
            }
            return .miss(reason: "the cache entry was corrupt (checksum mismatch); recomputed")
        }
        return .miss(reason: staleReason(parts, article: article))
    }

    public func store(_ results: ArticleResults, parts: KeyParts, article: String) {
        guard let payload = try? JSONEncoder().encode(results) else { return }
        let entry = Entry(version: 1, key: parts.key, article: article, checksum: Self.checksum(payload), payload: payload)
        if let data = try? JSONEncoder().encode(entry) {
            try? FileIO.writeAtomically(Array(data), to: entryPath(parts.key))
        }
        if let data = try? JSONEncoder().encode(parts) {
            try? FileIO.writeAtomically(Array(data), to: articlePath(article))
        }
    }

    static func checksum(_ d: Data) -> String {
        SHA256.hash(data: d).map { String(format: "%02x", $0) }.joined()
    }

    /// Why the last run's key differs from this one.
    func staleReason(_ parts: KeyParts, article: String) -> String {
        guard let bytes = try? FileIO.read(articlePath(article)),
              let last = try? JSONDecoder().decode(KeyParts.self, from: Data(bytes)) else {
            return "not run before"
        }
        if last.swift != parts.swift { return "the Swift toolchain changed (\(parts.swift))" }
        if last.kit != parts.kit { return "Compute or WeaveRuntime was rebuilt" }
        if last.flags != parts.flags { return "compiler options changed" }
        var changed: [String] = []
        let old = Dictionary(last.units.map { ($0.hash, $0) }, uniquingKeysWith: { a, _ in a })
        for u in parts.units where old[u.hash] == nil { changed.append("\(u.label) at line \(u.line)") }
        if !changed.isEmpty {
            let shown = changed.prefix(3).joined(separator: ", ")
            return "changed: " + shown + (changed.count > 3 ? " and \(changed.count - 3) more" : "")
        }
        if last.units.count != parts.units.count { return "a block or inline expression was removed" }
        return "the code moved to other lines"
    }
}
