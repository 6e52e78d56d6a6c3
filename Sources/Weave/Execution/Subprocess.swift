import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Runs a child process in its own process group with its output going to files,
/// a wall-clock timeout that kills the whole group, and the result as a value: a
/// failing child is a result, not an error (DESIGN.md §6, like swift-subprocess).
public enum Subprocess {
    public struct Termination: Sendable, Hashable, CustomStringConvertible {
        /// Exit status when the child exited normally.
        public var exitCode: Int32?
        /// Signal number when the child was killed by a signal.
        public var signal: Int32?
        /// True when Weave killed the group because the timeout passed.
        public var timedOut: Bool
        public var seconds: Double

        public var succeeded: Bool { exitCode == 0 && !timedOut }

        public var description: String {
            if timedOut { return "timed out after \(String(format: "%.1f", seconds)) s" }
            if let s = signal { return "killed by signal \(s) (\(Subprocess.signalName(s)))" }
            return "exited with status \(exitCode ?? -1)"
        }
    }

    public struct LaunchError: Error, CustomStringConvertible {
        public var executable: String
        public var reason: String
        public var description: String { "cannot run '\(executable)': \(reason)" }
    }

    /// Runs `argv` with `environment` in `cwd`; standard input is /dev/null. Standard
    /// output and standard error go (interleaved) to `outputPath`, unless `inherit` gives
    /// them: `inherit` lists descriptors of this process that the child gets at the
    /// given numbers (opened by the caller, so the child cannot redirect what the caller
    /// reads back); `files` are opened read-only at fixed descriptors.
    public static func run(_ argv: [String], environment: [String: String], cwd: String? = nil,
                           outputPath: String?, timeout: Double?, files: [(fd: Int32, path: String)] = [],
                           inherit: [(child: Int32, parent: Int32)] = []) throws -> Termination {
        precondition(!argv.isEmpty, "Subprocess.run needs an executable")
        precondition(outputPath != nil || inherit.contains { $0.child == 1 }, "Subprocess.run needs somewhere for the output")
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
        if let outputPath {
            posix_spawn_file_actions_addopen(&fileActions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_adddup2(&fileActions, 1, 2)
        }
        // dup2 clears close-on-exec on the target (glibc also when both numbers are equal).
        for d in inherit { posix_spawn_file_actions_adddup2(&fileActions, d.parent, d.child) }
        for f in files { posix_spawn_file_actions_addopen(&fileActions, f.fd, f.path, O_RDONLY, 0) }
        var argv = argv
        if let cwd {
            if let addChdir = Subprocess.addChdir {
                _ = cwd.withCString { addChdir(&fileActions, $0) }
            } else {
                argv = ["/usr/bin/env", "-C", cwd] + argv  // GNU env changes directory
            }
        }

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // Own process group (so a timeout kills grandchildren too); default signal
        // dispositions and an empty signal mask in the child.
        posix_spawnattr_setpgroup(&attr, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGPIPE, SIGALRM, SIGXFSZ, SIGINT, SIGTERM, SIGCHLD] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attr, &mask)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in cArgs { free(p) }
            for p in cEnv { free(p) }
        }
        var pid: pid_t = 0
        let start = Date()
        let rc = posix_spawnp(&pid, argv[0], &fileActions, &attr, cArgs, cEnv)
        guard rc == 0 else {
            throw LaunchError(executable: argv[0], reason: String(cString: strerror(rc)))
        }
        Running.shared.add(pid)
        defer { Running.shared.remove(pid) }

        let deadline = timeout.map { start.addingTimeInterval($0) }
        var status: Int32 = 0
        var sleepMicros: UInt32 = 200
        var timedOut = false
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { break }
            if let d = deadline, Date() >= d, !timedOut {
                timedOut = true
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
                continue
            }
            usleep(sleepMicros)
            sleepMicros = min(sleepMicros * 2, 4_000)
        }
        // Anything the program left running in its group goes too.
        kill(-pid, SIGKILL)
        let seconds = Date().timeIntervalSince(start)
        var t = Termination(exitCode: nil, signal: nil, timedOut: timedOut, seconds: seconds)
        if (status & 0x7F) == 0 {
            t.exitCode = (status >> 8) & 0xFF
        } else {
            t.signal = status & 0x7F
        }
        return t
    }

    /// Runs a command to completion and returns its output (for `swiftc --version` etc.).
    public static func capture(_ argv: [String], environment: [String: String]? = nil, timeout: Double = 60) throws -> (Termination, String) {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("weave-capture-\(UUID().uuidString)").path
        defer { unlink(tmp) }
        let t = try run(argv, environment: environment ?? ProcessInfo.processInfo.environment, outputPath: tmp, timeout: timeout)
        let out = (try? FileIO.read(tmp)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return (t, out)
    }

    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32

    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29+), looked up at run time
    /// because the Glibc module does not export it.
    static let addChdir: AddChdir? = {
        guard let sym = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(sym, to: AddChdir.self)
    }()

    public static func signalName(_ s: Int32) -> String {
        switch s {
        case SIGILL: return "SIGILL"
        case SIGTRAP: return "SIGTRAP"
        case SIGABRT: return "SIGABRT"
        case SIGBUS: return "SIGBUS"
        case SIGFPE: return "SIGFPE"
        case SIGKILL: return "SIGKILL"
        case SIGSEGV: return "SIGSEGV"
        case SIGPIPE: return "SIGPIPE"
        case SIGALRM: return "SIGALRM"
        case SIGTERM: return "SIGTERM"
        case SIGXCPU: return "SIGXCPU"
        case SIGXFSZ: return "SIGXFSZ"
        case SIGSYS: return "SIGSYS"
        default: return "signal \(s)"
        }
    }

    /// Process groups started by this process, so that an interrupted `weave`
    /// (Ctrl-C) can stop them all.
    final class Running: @unchecked Sendable {
        static let shared = Running()
        private var pids = Set<pid_t>()
        private let lock = NSLock()
        func add(_ p: pid_t) { lock.lock(); pids.insert(p); lock.unlock() }
        func remove(_ p: pid_t) { lock.lock(); pids.remove(p); lock.unlock() }
        private var interruptedFlag = false
        func interrupt() { lock.lock(); interruptedFlag = true; lock.unlock() }
        var interrupted: Bool { lock.lock(); defer { lock.unlock() }; return interruptedFlag }
        func killAll() {
            lock.lock()
            for p in pids { kill(-p, SIGKILL) }
            lock.unlock()
        }
    }

    /// Kills every running child process group (called on SIGINT/SIGTERM). Runs that end
    /// afterwards are marked interrupted, so their results are not cached.
    public static func killAllChildren() {
        Running.shared.interrupt()
        Running.shared.killAll()
    }

    /// True once `killAllChildren` was called in this process.
    public static var wasInterrupted: Bool { Running.shared.interrupted }
}
