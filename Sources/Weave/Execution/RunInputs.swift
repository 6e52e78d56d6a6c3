import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What an article program can read besides its own code, hashed for the result cache
/// key (DESIGN.md §3): the files of the data folders, by content, and the values of the
/// environment variables passed through to it.
enum RunInputs {
    /// Bounds on the data folders hashed for one run. Past either, the run's results are
    /// not cached (every render runs the article), because hashing them would cost more
    /// than the cache saves.
    static let maxDataBytes = 256 << 20
    static let maxDataFiles = 20_000

    /// Why data folders could not be hashed.
    struct TooLarge: Error, CustomStringConvertible {
        var description: String {
            "the data folders hold more than \(RunInputs.maxDataFiles) files or \(RunInputs.maxDataBytes >> 20) MiB, so results are not cached"
        }
    }

    /// A SHA-256 over every entry below `folders` (absolute paths), in sorted order: for a
    /// regular file its path and bytes, for a symbolic link its path and target, for a
    /// folder its path, for anything else (FIFO, device, socket) its path and type
    /// (never opened), for a missing or unreadable entry its path and that fact.
    /// Throws `TooLarge` past `maxDataBytes` or `maxDataFiles`.
    static func dataDigest(_ folders: [String]) throws -> String {
        var walker = DataWalker()
        for folder in Set(folders).sorted() {
            walker.add(tag: "root", folder)
            try walker.visit(folder)
        }
        return walker.hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// A SHA-256 over `name=value` (or `name` unset) for each of `names`, sorted.
    static func environmentDigest(_ names: [String], environment: [String: String]) -> String {
        var parts = ["weave-env-v1"]
        for n in Set(names).sorted() {
            parts.append(environment[n].map { "\(n)=\($0)" } ?? "\(n) unset")
        }
        return Toolchain.sha256(parts)
    }

    struct DataWalker {
        var hash = SHA256()
        var bytes = 0
        var files = 0

        mutating func add(tag: String, _ path: String, _ extra: String = "") {
            hash.update(data: Array("\(tag)\0\(path)\0\(extra)\0".utf8))
        }

        mutating func visit(_ path: String) throws {
            files += 1
            if files > RunInputs.maxDataFiles { throw TooLarge() }
            var st = stat()
            guard lstat(path, &st) == 0 else { add(tag: "missing", path); return }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                add(tag: "dir", path)
                guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
                    add(tag: "unreadable", path)
                    return
                }
                for name in names.sorted() { try visit(path + "/" + name) }
            case S_IFLNK:
                add(tag: "link", path, (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?")
            case S_IFREG:
                bytes += Int(st.st_size)
                if bytes > RunInputs.maxDataBytes { throw TooLarge() }
                try addFile(path)
            default:
                add(tag: "special", path, String(st.st_mode & S_IFMT))
            }
        }

        /// The file's bytes, read in chunks (without following a link put there since).
        mutating func addFile(_ path: String) throws {
            let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else { add(tag: "unreadable", path); return }
            defer { close(fd) }
            var st = stat()
            guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { add(tag: "special", path); return }
            add(tag: "file", path)
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            var total = 0
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                total += n
                // A file that grows while it is read counts against the bound too.
                if total > RunInputs.maxDataBytes { throw TooLarge() }
                hash.update(data: buffer[0..<n])
            }
            add(tag: "end", path, String(total))
        }
    }
}
