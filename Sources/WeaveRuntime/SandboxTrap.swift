#if canImport(Glibc)
@preconcurrency import Glibc

/// When Weave's sandbox stops a forbidden system call (a network socket), the kernel
/// sends SIGSYS. This handler reports where it happened — the return addresses of the
/// stack and the executable's load address — on the channel, so Weave can name the
/// article line (it symbolizes them with the debug info of the program), then exits
/// with status 97.
enum SandboxTrap {
    typealias BacktraceFn = @convention(c) (UnsafeMutablePointer<UnsafeMutableRawPointer?>?, Int32) -> Int32

    nonisolated(unsafe) static var backtraceFn: BacktraceFn? = nil
    nonisolated(unsafe) static var frames = [UnsafeMutableRawPointer?](repeating: nil, count: 64)

    static func install() {
        if let sym = dlsym(nil, "backtrace") {
            let fn = unsafeBitCast(sym, to: BacktraceFn.self)
            backtraceFn = fn
            // The first call loads the unwinder; do it now, not in the signal handler.
            _ = frames.withUnsafeMutableBufferPointer { fn($0.baseAddress, 1) }
        }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in SandboxTrap.report() }
        sigemptyset(&action.sa_mask)
        sigaction(SIGSYS, &action, nil)
    }

    static func report() {
        var count: Int32 = 0
        if let fn = backtraceFn {
            count = frames.withUnsafeMutableBufferPointer { fn($0.baseAddress, Int32($0.count)) }
        }
        var w = JSONWriter(type: "sandbox")
        w.field("what", "network")
        w.field("block", __WeaveSession.currentBlock)
        w.field("frames", (0..<Int(max(0, count))).map { i in
            String(UInt(bitPattern: frames[i]), radix: 16)
        })
        w.field("maps", executableMappings())
        Channel.send(w)
        _exit(97)
    }

    /// The lines of /proc/self/maps that map the executable (for its load address).
    static func executableMappings() -> [String] {
        var exe = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &exe, exe.count - 1)
        guard n > 0 else { return [] }
        let exePath = String(cString: exe)
        let fd = open("/proc/self/maps", O_RDONLY)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 16384)
        while true {
            let r = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if r <= 0 { break }
            bytes.append(contentsOf: buf[0..<r])
        }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").filter { $0.hasSuffix(exePath) }.map(String.init)
    }
}
#endif
