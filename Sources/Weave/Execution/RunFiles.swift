import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The files through which an article program's results come back (issue 15, item 1).
///
/// Weave opens them itself before the program starts and reads them afterwards through
/// its own descriptors, never by path, so nothing the program does to the run folder
/// (replacing a file with a symbolic link to a secret, a FIFO or `/dev/zero`) can change
/// what Weave reads:
///
/// - **standard output and error**: an unnamed regular file (created, then unlinked at
///   once) given to the program as descriptors 1 and 2; the runtime reads its offset
///   with `lseek`, which needs a regular file rather than a pipe;
/// - **the structured channel**: another unnamed regular file, opened for appending,
///   given as descriptor ``channelDescriptor`` (the runtime finds it in
///   `WEAVE_CHANNEL_FD`);
/// - **the crash report** that Swift's backtracer writes: it needs a path, so the file is
///   created by Weave (mode 0666 for the unprivileged sandbox user), remembered by device
///   and inode, and read only if the same regular file is still there, opened with
///   `O_NOFOLLOW | O_NONBLOCK` (a FIFO or device cannot block or flood the read). In the
///   sandbox the run folder is mounted read-only with only this file writable on top, so
///   the program cannot even rename or replace it.
///
/// Every read stops at a cap, so a program cannot make Weave allocate more than that.
final class RunFiles {
    /// The descriptor the channel has in the program.
    static let channelDescriptor: Int32 = 3

    /// Weave's descriptor of the program's standard output and error.
    let output: Int32
    /// Weave's descriptor of the channel.
    let channel: Int32
    /// Path of the crash report file (inside the run folder).
    let backtracePath: String
    private let backtraceIdentity: (dev: UInt, ino: UInt)?

    /// Creates the files in `directory` (a private folder made by Weave).
    init(directory: String) throws {
        output = try RunFiles.unnamedFile(in: directory, name: "output", append: false)
        do {
            channel = try RunFiles.unnamedFile(in: directory, name: "channel", append: true)
        } catch {
            close(output)
            throw error
        }
        backtracePath = directory + "/backtrace.txt"
        let fd = open(backtracePath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
        var st = stat()
        if fd >= 0, fstat(fd, &st) == 0 {
            fchmod(fd, 0o666)
            backtraceIdentity = (UInt(st.st_dev), UInt(st.st_ino))
        } else {
            backtraceIdentity = nil
        }
        if fd >= 0 { close(fd) }
    }

    deinit {
        close(output)
        close(channel)
    }

    /// The program's descriptors: (child descriptor, Weave's descriptor).
    var inherited: [(child: Int32, parent: Int32)] {
        [(1, output), (2, output), (RunFiles.channelDescriptor, channel)]
    }

    /// What the program printed, at most `cap` bytes.
    func readOutput(cap: Int) -> [UInt8] { RunFiles.read(descriptor: output, cap: cap) }

    /// The channel's bytes, at most `cap`.
    func readChannel(cap: Int) -> [UInt8] { RunFiles.read(descriptor: channel, cap: cap) }

    /// The crash report, if the file Weave created is still the one at its path and is a
    /// regular file; at most `cap` bytes.
    func readBacktrace(cap: Int = 1 << 20) -> String {
        guard let id = backtraceIdentity else { return "" }
        let fd = open(backtracePath, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG,
              UInt(st.st_dev) == id.dev, UInt(st.st_ino) == id.ino else { return "" }
        return String(decoding: RunFiles.read(descriptor: fd, cap: cap), as: UTF8.self)
    }

    /// Creates `directory/name` exclusively (never following a link), unlinks it, and
    /// returns the descriptor (read-write; appending when `append`).
    static func unnamedFile(in directory: String, name: String, append: Bool) throws -> Int32 {
        let path = directory + "/.\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | (append ? O_APPEND : 0), 0o600)
        guard fd >= 0 else {
            throw FileIO.Failure(path: path, reason: "cannot create a run file: " + String(cString: strerror(errno)))
        }
        unlink(path)
        return fd
    }

    /// Reads a regular file from offset 0 through `descriptor` (with `pread`, so the
    /// shared file offset is left alone), at most `cap` bytes.
    static func read(descriptor fd: Int32, cap: Int) -> [UInt8] {
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return [] }
        let want = max(0, min(cap, Int(st.st_size)))
        var out = [UInt8](repeating: 0, count: want)
        var got = 0
        while got < want {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, want - got, off_t(got)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            got += n
        }
        out.removeLast(want - got)
        return out
    }
}
