import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reading the articles given to weave, which may come from a stranger's pull request
/// (issue 15, items 2 and 7). An article is read only when it is a regular file of at most
/// `sizeLimit` bytes that resolves (after symbolic links) inside its tree: the folder it
/// was found under, or for a file given directly, its folder. Anything else — a symbolic
/// link to `/proc/self/environ` or a key file, a FIFO, a device, a socket, a directory, a
/// huge file — is refused without reading a byte: its type and size are checked with
/// `stat` first, then the file is opened with `O_NOFOLLOW | O_NONBLOCK` (so a FIFO swapped
/// in after the check cannot block) and checked again with `fstat`, and at most
/// `sizeLimit` bytes are read.
public enum ArticleInput {
    /// The largest article accepted: 16 MiB (the largest notebook is about 20 KB).
    public static let sizeLimit = 16 << 20

    /// Why an article was not read (reported as `PATH: error: MESSAGE`).
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// What the file is and that it was not read, e.g. `is a FIFO (named pipe), not a
        /// regular file; it was not read`.
        public var message: String
        /// The message.
        public var description: String { message }
    }

    /// The bytes of the article at `path`, found under `tree` (nil: the article's own
    /// folder), or why it was refused.
    public static func read(_ path: String, tree: String?) -> Result<[UInt8], Refusal> {
        func refuse(_ m: String) -> Result<[UInt8], Refusal> { .failure(Refusal(message: m)) }
        var st = stat()
        guard lstat(path, &st) == 0 else { return refuse("cannot read the article: \(FileIO.errnoText())") }
        let isLink = (st.st_mode & S_IFMT) == S_IFLNK
        let folder = tree ?? { let d = FileIO.dirname(path); return d.isEmpty ? "." : d }()
        guard let target = ProjectRoot.resolved(path) else {
            return refuse(isLink ? "symbolic link to a missing file; it was not read" : "cannot read the article: \(FileIO.errnoText())")
        }
        let root = ProjectRoot.resolved(folder) ?? folder
        guard target == root || target.hasPrefix(root == "/" ? "/" : root + "/") else {
            return refuse("\(isLink ? "symbolic link" : "path") resolves to '\(target)', outside the folder being rendered ('\(folder)'); it was not read")
        }
        guard stat(target, &st) == 0 else { return refuse("cannot read the article: \(FileIO.errnoText())") }
        if let problem = unacceptable(st) { return refuse(problem) }
        // Between the check and the open the file may be swapped: open without following a
        // link and without blocking (a FIFO), then check what was opened.
        let fd = open(target, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { return refuse("cannot read the article: \(FileIO.errnoText())") }
        defer { close(fd) }
        guard fstat(fd, &st) == 0 else { return refuse("cannot read the article: \(FileIO.errnoText())") }
        if let problem = unacceptable(st) { return refuse(problem) }
        var out = [UInt8]()
        out.reserveCapacity(Int(st.st_size) + 1)
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while out.count <= sizeLimit {
            let want = min(buf.count, sizeLimit + 1 - out.count)
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, want) }
            if n < 0 {
                if errno == EINTR { continue }
                return refuse("cannot read the article: \(FileIO.errnoText())")
            }
            if n == 0 { return .success(out) }
            out.append(contentsOf: buf[0..<n])
        }
        return refuse(tooLarge(out.count))
    }

    /// Why a file of this `stat` is not an article, or nil when it may be read.
    static func unacceptable(_ st: stat) -> String? {
        let kind: String
        switch st.st_mode & S_IFMT {
        case S_IFREG:
            return Int(st.st_size) > sizeLimit ? tooLarge(Int(st.st_size)) : nil
        case S_IFIFO: kind = "a FIFO (named pipe)"
        case S_IFCHR: kind = "a character device"
        case S_IFBLK: kind = "a block device"
        case S_IFSOCK: kind = "a socket"
        case S_IFDIR: kind = "a directory"
        case S_IFLNK: kind = "a symbolic link"
        default: kind = "a special file"
        }
        return "is \(kind), not a regular file; it was not read"
    }

    static func tooLarge(_ size: Int) -> String {
        let mib = Double(size) / Double(1 << 20)
        let shown = size > sizeLimit + 1 ? String(format: "%.1f MiB", mib) : "more than 16 MiB"
        return "is \(shown); articles are limited to \(sizeLimit >> 20) MiB; it was not read"
    }
}

extension FileIO {
    /// Every `*.md` file below `dir` (paths relative to it), sorted. Skipped wherever they
    /// are: folders whose name starts with `_` or `.` (`_site`, `.git`, `.weave-cache`), the
    /// folders in `excluded` (the output and cache folders, compared by device and inode,
    /// so any spelling of them matches), and symbolic links to folders (not followed, so
    /// a link cannot pull in files from elsewhere or loop). Files are listed whatever
    /// their type; `ArticleInput.read` refuses those that are not regular files.
    public static func markdownFiles(under dir: String, excluding excluded: [String] = []) -> [String] {
        var skip = Set<FileID>()
        for e in excluded {
            var st = stat()
            if stat(e, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR { skip.insert(FileID(st)) }
        }
        var out: [String] = []
        var top = stat()
        guard stat(dir, &top) == 0, !skip.contains(FileID(top)) else { return [] }
        walk(dir, relative: "", depth: 0, skip: skip, into: &out)
        return out.sorted()
    }

    /// A file's identity: device and inode.
    struct FileID: Hashable {
        var device: UInt64
        var inode: UInt64
        init(_ st: stat) {
            device = UInt64(st.st_dev)
            inode = UInt64(st.st_ino)
        }
    }

    private static func walk(_ dir: String, relative: String, depth: Int, skip: Set<FileID>, into out: inout [String]) {
        // Deeper than any real site; stops pathological trees.
        guard depth < 64, let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        for name in names where !name.hasPrefix(".") && !name.hasPrefix("_") {
            let path = join(dir, name)
            let rel = relative.isEmpty ? name : relative + "/" + name
            var st = stat()
            guard lstat(path, &st) == 0 else { continue }
            let type = st.st_mode & S_IFMT
            if type == S_IFDIR {
                if !skip.contains(FileID(st)) { walk(path, relative: rel, depth: depth + 1, skip: skip, into: &out) }
                continue
            }
            guard name.hasSuffix(".md") else { continue }
            // A link to a folder is neither walked nor an article.
            var target = stat()
            if type == S_IFLNK, stat(path, &target) == 0, (target.st_mode & S_IFMT) == S_IFDIR { continue }
            out.append(rel)
        }
    }
}
