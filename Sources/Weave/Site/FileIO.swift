import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// File input/output with the guarantees DESIGN.md §2 asks for: outputs are written
/// to a temporary file in the same folder and renamed over the target, so a reader
/// (or a crash) never sees a half-written file.
public enum FileIO {
    public struct Failure: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    public static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(path: path, reason: errnoText()) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw Failure(path: path, reason: errnoText()) }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw Failure(path: path, reason: "is a directory") }
        var out = [UInt8]()
        out.reserveCapacity(Int(st.st_size) + 1)
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(path: path, reason: errnoText())
            }
            if n == 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }

    /// Writes `bytes` to `path` atomically (temp file + fsync + rename), creating
    /// parent folders. On failure the target is untouched and the temp file removed.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let dir = FileIO.dirname(path)
        if !dir.isEmpty { try makeDirectories(dir) }
        let base = FileIO.basename(path)
        let tmp = (dir.isEmpty ? "" : dir + "/") + ".\(base).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(path: path, reason: "cannot write: " + errnoText()) }
        var ok = false
        defer {
            if !ok { unlink(tmp) }
        }
        var written = 0
        let total = bytes.count
        while written < total {
            let n = bytes.withUnsafeBytes { p in Glibc.write(fd, p.baseAddress! + written, total - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = errnoText()
                close(fd)
                throw Failure(path: path, reason: "cannot write: " + reason)
            }
            written += n
        }
        if fsync(fd) != 0 {
            let reason = errnoText()
            close(fd)
            throw Failure(path: path, reason: "cannot write: " + reason)
        }
        if close(fd) != 0 { throw Failure(path: path, reason: "cannot write: " + errnoText()) }
        if rename(tmp, path) != 0 { throw Failure(path: path, reason: "cannot replace: " + errnoText()) }
        ok = true
    }

    /// Removes temporary files (`.NAME.tmp-PID-N`) that a killed `weave` left below
    /// `dir`: those whose process is gone. Returns how many were removed.
    @discardableResult
    public static func removeStaleTemporaries(under dir: String) -> Int {
        guard let e = FileManager.default.enumerator(atPath: dir) else { return 0 }
        var removed = 0
        while let rel = e.nextObject() as? String {
            let name = basename(rel)
            guard name.hasPrefix("."), let r = name.range(of: ".tmp-", options: .backwards) else { continue }
            let rest = name[r.upperBound...].split(separator: "-")
            guard rest.count == 2, let pid = Int32(rest[0]) else { continue }
            if pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH {
                if unlink(join(dir, rel)) == 0 { removed += 1 }
            }
        }
        return removed
    }

    public static func makeDirectories(_ path: String) throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            if isDir.boolValue { return }
            throw Failure(path: path, reason: "exists and is not a directory")
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw Failure(path: path, reason: "cannot create directory: \((error as NSError).localizedDescription)")
        }
    }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    public static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    public static func join(_ a: String, _ b: String) -> String {
        if a.isEmpty || a == "." { return b }
        return a.hasSuffix("/") ? a + b : a + "/" + b
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

extension FileIO {
    /// The folder part of a path ("" when there is none): `a/b/c.md` → `a/b`.
    public static func dirname(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// The last component of a path: `a/b/c.md` → `c.md`.
    public static func basename(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
