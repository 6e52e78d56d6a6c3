import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs article programs in a sandbox (issues 9 and 15) with bubblewrap (Debian
/// `bubblewrap`), with the same guarantees whether weave runs as root or as an ordinary
/// user:
///
/// - **no network**: a new network namespace (only loopback), and a seccomp filter
///   (``SeccompFilter``) that stops the program (SIGSYS, reported with the article line)
///   when it opens an Internet, packet or netlink socket, kills it on any system call of a
///   foreign ABI (i386, x32), and refuses nested user namespaces;
/// - **a read-only view of the file system**: only the system folders (`/usr`, the
///   top-level links to it, a few files of `/etc`), the Swift runtime, the article kit,
///   the article's folder and the allowed data folders are visible, all read-only; home
///   folders (`~/.ssh`) are not there at all; the run folder (the program itself) is
///   read-only too, except the crash-report file; the only writable place is `/tmp`
///   (also `$TMPDIR` and `$HOME`), a tmpfs of at most ``scratchLimit`` bytes;
/// - **limits**: address space per process (``memoryLimit``), processes (``processLimit``:
///   as root the program runs as an unprivileged user id of its own (``isolatedID()``); as
///   an ordinary user it runs in its own user namespace, where the kernel counts its
///   processes apart from the user's others, so in both cases the bound is on the
///   program's whole process tree and no other run shares it), CPU seconds (the timeout),
///   the output cap (also the largest file it can write);
/// - **no inherited secrets**: the environment is rebuilt from an allow-list.
///
/// What comes back is read through descriptors Weave opened (``RunFiles``). `--no-sandbox`
/// turns it off (with a warning).
public struct Sandbox: Sendable {
    /// False with `--no-sandbox`.
    public var enabled: Bool = true
    /// RLIMIT_AS in bytes, per process.
    public var memoryLimit: Int = 4 << 30
    /// RLIMIT_NPROC: processes (and threads) of the program's whole tree.
    public var processLimit: Int = 256
    /// Size of the writable `/tmp` tmpfs, bytes.
    public var scratchLimit: Int = 512 << 20
    /// Extra read-only folders (front matter `data:`, `weave.yml` `sandbox.data`).
    public var dataFolders: [String] = []
    /// The project root that data folders must lie inside (`ProjectRoot.locate`); nil:
    /// the current folder.
    public var projectRoot: String? = nil
    /// Environment variables passed through (besides the fixed ones).
    public var environmentAllowList: [String] = ["LANG", "LC_ALL", "TZ", "OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE", "OMP_NUM_THREADS"]

    /// The default sandbox.
    public init() {}

    /// Exit status the runtime uses after a forbidden system call.
    public static let violationExitCode: Int32 = 97

    /// What the key of cached results must include (a sandboxed run may differ).
    public var fingerprint: String {
        enabled ? "sandbox mem=\(memoryLimit) nproc=\(processLimit) tmp=\(scratchLimit) data=\(dataFolders.joined(separator: ":"))" : "no-sandbox"
    }

    /// The sandbox cannot be used on this machine.
    public struct Unavailable: Error, CustomStringConvertible {
        /// What is missing and how to get it.
        public var description: String
    }

    /// The sandbox tools, or an error that says how to get them.
    public static func check() throws {
        guard FileIO.exists("/usr/bin/bwrap") else {
            throw Unavailable(description: "error: bubblewrap (/usr/bin/bwrap) is needed to run articles in the sandbox\n    install it with 'apt-get install bubblewrap', or run with --no-sandbox (article code then runs with your rights)")
        }
    }

    struct Command {
        var argv: [String]
        var environment: [String: String]
        /// Files the child opens at fixed descriptors (the seccomp filter).
        var files: [(fd: Int32, path: String)]
    }

    /// Wraps `exe` (inside `runDirectory`, a folder Weave made) for running in `cwd`.
    /// The run folder is visible read-only, with `writable` files (the crash report) bound
    /// writable on top of it; the program cannot create, rename or replace anything there.
    func wrap(exe: String, cwd: String, runDirectory: String, writable: [String], kitDirectory: String, toolchainRoot: String?,
              environment: [String: String], cpuSeconds: Int, outputCap: Int) throws -> Command {
        let asRoot = getuid() == 0
        if asRoot {
            // The program runs as nobody: let it read and run its binary.
            chmod(runDirectory, 0o755)
            chmod(exe, 0o755)
        }
        let filter = runDirectory + "/seccomp.bpf"
        try FileIO.writeAtomically(SeccompFilter.bytes(), to: filter)

        var a = ["/usr/bin/bwrap", "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                 "--die-with-parent", "--new-session", "--hostname", "weave"]
        // As an ordinary user bwrap needs a user namespace anyway; saying so makes
        // --disable-userns possible (as root the seccomp filter refuses CLONE_NEWUSER).
        if !asRoot { a += ["--unshare-user", "--disable-userns"] }
        // First the fresh mounts (later binds may lie below /tmp), then the system
        // folders, mirroring the host's merged-/usr links.
        a += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", String(scratchLimit), "--tmpfs", "/tmp"]
        a += ["--ro-bind", "/usr", "/usr"]
        for top in ["/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"] {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: top) {
                a += ["--symlink", target, top]
            } else if FileIO.isDirectory(top) {
                a += ["--ro-bind", top, top]
            }
        }
        a += ["--perms", "0755", "--dir", "/etc"]
        for f in ["/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives", "/etc/localtime",
                  "/etc/nsswitch.conf", "/etc/passwd", "/etc/group", "/etc/os-release"] where FileIO.exists(f) {
            a += ["--ro-bind", f, f]
        }
        var readOnly = [kitDirectory, cwd] + dataFolders.map { $0.hasPrefix("/") ? $0 : cwd + "/" + $0 }
        if let root = toolchainRoot { readOnly.append(root) }
        // bwrap creates missing parent folders with mode 0700, which `nobody` cannot
        // traverse: create them first, world-readable.
        var made: Set<String> = ["/", "/usr", "/tmp", "/proc", "/dev", "/etc"]
        func parents(_ p: String) {
            var chain: [String] = []
            var d = FileIO.dirname(p)
            while !d.isEmpty && !made.contains(d) {
                chain.append(d)
                d = FileIO.dirname(d)
            }
            for dir in chain.reversed() {
                a += ["--perms", "0755", "--dir", dir]
                made.insert(dir)
            }
        }
        for p in readOnly where FileIO.exists(p) && !p.hasPrefix("/usr/") {
            parents(p)
            a += ["--ro-bind", p, p]
            made.insert(p)
        }
        parents(runDirectory)
        a += ["--ro-bind", runDirectory, runDirectory]
        for f in writable { a += ["--bind", f, f] }
        a += ["--chdir", cwd, "--seccomp", "10", "--"]
        a += ["/usr/bin/prlimit", "--as=\(memoryLimit)", "--cpu=\(max(1, cpuSeconds))", "--fsize=\(outputCap)", "--core=0",
              "--nproc=\(processLimit)", "--"]
        if asRoot {
            let id = Sandbox.isolatedID()
            a += ["/usr/bin/setpriv", "--reuid=\(id)", "--regid=\(id)", "--clear-groups", "--"]
        }
        a.append(exe)

        var env: [String: String] = [
            "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "TMPDIR": "/tmp",
            "LANG": environment["LANG"] ?? "C.UTF-8",
        ]
        for k in environmentAllowList { if let v = environment[k] { env[k] = v } }
        for k in ["WEAVE_CHANNEL_FD", "WEAVE_OUTPUT_CAP", "SWIFT_BACKTRACE"] { if let v = environment[k] { env[k] = v } }
        return Command(argv: a, environment: env, files: [(10, filter)])
    }

    /// A user and group id of its own for one run when weave is root: RLIMIT_NPROC counts
    /// the processes of a user, so two articles running at once as the same `nobody`
    /// would share one budget (a fork bomb in one would starve the other). Ids from
    /// 2,000,000,000 on are in no password file; each run of each weave process gets
    /// another one (by process id and a counter), so no two runs at once share one.
    static func isolatedID() -> UInt32 {
        let k = runCounter.add(1, ordering: .relaxed).newValue
        return 2_000_000_000 + UInt32(truncatingIfNeeded: (Int(getpid()) % 1_000_000) * 100 + k % 100)
    }

    private static let runCounter = Atomic<Int>(0)

    /// The launcher's own complaint, if the sandbox could not start the program: bwrap's
    /// `bwrap: …` lines, or `prlimit:`/`setpriv:` lines (status 126/127 when they cannot
    /// run). Only meaningful when the program never reached its first instruction.
    static func launcherMessage(_ output: [UInt8]) -> [String] {
        let text = String(decoding: output.prefix(64 * 1024), as: UTF8.self)
        return text.split(separator: "\n").map(String.init).filter {
            $0.hasPrefix("bwrap:") || $0.hasPrefix("prlimit:") || $0.hasPrefix("setpriv:") || $0.contains("error while loading shared libraries")
        }
    }

    /// The article line of a sandbox violation, from the return addresses the runtime
    /// reported: addresses inside the executable are symbolized with llvm-symbolizer.
    static func locate(frames: [String], maps: [String], exe: String, articlePath: String, symbolizer: String?) -> (line: Int, column: Int)? {
        guard let symbolizer, let first = maps.first,
              let base = first.split(separator: "-").first.flatMap({ UInt(String($0), radix: 16) }) else { return nil }
        var high: UInt = base
        for m in maps {
            if let end = m.split(separator: " ").first?.split(separator: "-").last.flatMap({ UInt(String($0), radix: 16) }) { high = max(high, end) }
        }
        let offsets = frames.compactMap { UInt($0, radix: 16) }.filter { $0 > base && $0 < high }.map { "0x" + String($0 - base - 1, radix: 16) }
        guard !offsets.isEmpty, let (t, out) = try? Subprocess.capture([symbolizer, "--obj=\(exe)"] + offsets), t.succeeded else { return nil }
        return CrashReport.articleLocation(backtrace: out.split(separator: "\n").map { " at " + $0 }.joined(separator: "\n"), articlePath: articlePath)
    }
}
