import Crypto
import Foundation

/// Results of article runs, stored under `.weave-cache/` and keyed by a SHA-256 of
/// everything a run can read (DESIGN.md §3): the generated program, the kit by content,
/// the Swift version, the compiler and sandbox options, the values of the environment
/// variables passed through, and the content of the data folders (`RunInputs`).
/// Entries are content-addressed and written atomically, so several `weave` processes
/// can share one cache folder; each entry carries a checksum of its payload, so a
/// corrupted entry is detected and recomputed.
///
/// With an authentication key (`WEAVE_CACHE_KEY`), every entry written carries an
/// HMAC-SHA-256 of its key and payload, and an entry read is trusted only when its MAC
/// verifies: a cache restored from a shared or CI store cannot inject results. Without
/// a key, entries are only checksummed, so the cache must come from trusted runs.
public struct ResultCache: Sendable {
    public let directory: String
    /// The HMAC key's bytes, or nil (entries are not authenticated).
    let authenticationKey: [UInt8]?

    /// A cache in `directory`; `authenticationKey` (the text of `WEAVE_CACHE_KEY`;
    /// nil or empty: none) authenticates entries with HMAC-SHA-256.
    public init(directory: String, authenticationKey: String? = nil) {
        self.directory = directory
        self.authenticationKey = authenticationKey.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
    }

    /// The parts of a key, kept per article to explain why a run was stale.
    public struct KeyParts: Codable, Sendable, Equatable {
        public var program: String
        public var kit: String
        public var swift: String
        public var flags: String
        /// Hash of the files in the data folders the program may read (`RunInputs.dataDigest`).
        public var data: String
        /// Hash of the values of the environment variables passed to the program.
        public var environment: String
        /// The names of those variables (for `-v`).
        public var environmentNames: [String]
        /// Hash of each unit's code (block or inline expression), with its article line.
        public var units: [UnitHash]

        public struct UnitHash: Codable, Sendable, Equatable {
            public var label: String
            public var line: Int
            public var hash: String
        }

        public init(program: String, kit: String, swift: String, flags: String, data: String, environment: String,
                    environmentNames: [String], units: [UnitHash]) {
            self.program = program
            self.kit = kit
            self.swift = swift
            self.flags = flags
            self.data = data
            self.environment = environment
            self.environmentNames = environmentNames
            self.units = units
        }

        /// The cache key: a SHA-256 over every part except the explanations.
        public var key: String { Toolchain.sha256(["weave-results-v2", program, kit, swift, flags, data, environment]) }
    }

    struct Entry: Codable {
        var version: Int
        var key: String
        var article: String
        var checksum: String
        /// HMAC-SHA-256 (hex) of `key` and `payload`, when written with a key.
        var mac: String?
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
            guard let entry = try? JSONDecoder().decode(Entry.self, from: Data(bytes)),
                  entry.key == key, entry.checksum == Self.checksum(entry.payload),
                  let results = try? JSONDecoder().decode(ArticleResults.self, from: entry.payload) else {
                return .miss(reason: "the cache entry was corrupt (checksum mismatch); recomputed")
            }
            if let k = authenticationKey, !Self.verify(entry.mac, key: key, payload: entry.payload, with: SymmetricKey(data: k)) {
                return .miss(reason: "the cache entry is not authenticated (\(entry.mac == nil ? "no MAC" : "its MAC does not verify") with WEAVE_CACHE_KEY); recomputed, not trusted")
            }
            return .hit(results)
        }
        return .miss(reason: staleReason(parts, article: article))
    }

    public func store(_ results: ArticleResults, parts: KeyParts, article: String) {
        guard let payload = try? JSONEncoder().encode(results) else { return }
        let mac = authenticationKey.map { Self.mac(key: parts.key, payload: payload, with: SymmetricKey(data: $0)) }
        let entry = Entry(version: 2, key: parts.key, article: article, checksum: Self.checksum(payload), mac: mac, payload: payload)
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

    /// The bytes an entry's MAC covers: a domain label, the cache key and the payload.
    static func authenticated(key: String, payload: Data) -> Data {
        Data(("weave-results-v2\0" + key + "\0").utf8) + payload
    }

    static func mac(key: String, payload: Data, with k: SymmetricKey) -> String {
        HMAC<SHA256>.authenticationCode(for: authenticated(key: key, payload: payload), using: k)
            .map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `mac` (hex) authenticates the entry, compared in constant time.
    static func verify(_ mac: String?, key: String, payload: Data, with k: SymmetricKey) -> Bool {
        guard let mac, mac.count == 64 else { return false }
        var bytes: [UInt8] = []
        var i = mac.startIndex
        while i < mac.endIndex {
            let j = mac.index(i, offsetBy: 2)
            guard let b = UInt8(mac[i..<j], radix: 16) else { return false }
            bytes.append(b)
            i = j
        }
        return HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: authenticated(key: key, payload: payload), using: k)
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
        if last.data != parts.data { return "a file in the data folders changed" }
        if last.environment != parts.environment {
            return "the value of an environment variable passed to the program changed (one of \(parts.environmentNames.joined(separator: ", ")))"
        }
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
