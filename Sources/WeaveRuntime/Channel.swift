#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The structured channel from an article program to Weave (DESIGN.md §3).
///
/// Weave starts the program with the channel already open at descriptor
/// `WEAVE_CHANNEL_FD` (an unnamed file Weave reads through its own descriptor, so the
/// program cannot redirect what Weave reads; `WEAVE_CHANNEL=<path>` is still understood,
/// for running a program by hand); the runtime appends one JSON object per line with
/// `write(2)` (unbuffered, so nothing is lost when the program traps). A user's `print` goes to standard output, a different file, so it
/// cannot corrupt the channel. Each message that belongs to a place in a block's text
/// output carries `out`: the byte offset of standard output at that moment (standard
/// output is a regular file; the runtime flushes it before reading the offset).
enum Channel {
    nonisolated(unsafe) static var fd: Int32 = -1

    static func open() {
        if let s = getenv("WEAVE_CHANNEL_FD"), let n = Int32(String(cString: s)), n > 2, fcntl(n, F_GETFD) >= 0 {
            // Not inherited by processes the article starts.
            _ = fcntl(n, F_SETFD, FD_CLOEXEC)
            fd = n
            return
        }
        guard let path = getenv("WEAVE_CHANNEL") else { return }
        fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
    }

    /// The current offset of standard output (after flushing it), or -1.
    static func stdoutOffset() -> Int64 {
        fflush(stdout)
        return Int64(lseek(1, 0, SEEK_CUR))
    }

    /// Sends one message (a JSON object built by `JSONWriter`).
    static func send(_ w: JSONWriter) {
        guard fd >= 0 else { return }
        var line = w.finish()
        line.append(0x0A)
        line.withUnsafeBytes { p in
            var off = 0
            while off < p.count {
                let n = Glibc.write(fd, p.baseAddress! + off, p.count - off)
                if n <= 0 {
                    if n < 0 && errno == EINTR { continue }
                    return
                }
                off += n
            }
        }
    }
}

/// A minimal JSON object writer (the runtime does not use Foundation).
struct JSONWriter {
    private var bytes: [UInt8] = [0x7B]  // {
    private var first = true

    init(type: String) { field("t", type) }

    private mutating func key(_ k: String) {
        if !first { bytes.append(0x2C) }
        first = false
        JSONWriter.appendString(k, to: &bytes)
        bytes.append(0x3A)
    }

    mutating func field(_ k: String, _ v: String) {
        key(k)
        JSONWriter.appendString(v, to: &bytes)
    }

    mutating func field(_ k: String, _ v: String?) {
        if let v { field(k, v) }
    }

    mutating func field(_ k: String, _ v: Int) {
        key(k)
        bytes.append(contentsOf: Array(String(v).utf8))
    }

    mutating func field(_ k: String, _ v: Int64) { field(k, Int(v)) }

    mutating func field(_ k: String, _ v: Bool) {
        key(k)
        bytes.append(contentsOf: Array((v ? "true" : "false").utf8))
    }

    mutating func field(_ k: String, _ v: [String]) {
        key(k)
        bytes.append(0x5B)
        for (i, s) in v.enumerated() {
            if i > 0 { bytes.append(0x2C) }
            JSONWriter.appendString(s, to: &bytes)
        }
        bytes.append(0x5D)
    }

    mutating func field(_ k: String, _ v: [[String]]) {
        key(k)
        bytes.append(0x5B)
        for (i, row) in v.enumerated() {
            if i > 0 { bytes.append(0x2C) }
            bytes.append(0x5B)
            for (j, s) in row.enumerated() {
                if j > 0 { bytes.append(0x2C) }
                JSONWriter.appendString(s, to: &bytes)
            }
            bytes.append(0x5D)
        }
        bytes.append(0x5D)
    }

    func finish() -> [UInt8] { bytes + [0x7D] }

    static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        for b in s.utf8 {
            switch b {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(0x6E)
            case 0x0D: out.append(0x5C); out.append(0x72)
            case 0x09: out.append(0x5C); out.append(0x74)
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(0x22)
    }
}
