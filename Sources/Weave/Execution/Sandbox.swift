import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs article programs in a sandbox (issue 9) with bubblewrap (Debian `bubblewrap`):
///
/// - **no network**: a new network namespace (only loopback), and a seccomp filter that
///   stops the program (SIGSYS, reported with the article line) when it opens an
///   Internet, packet or netlink socket;
/// - **a read-only view of the file system**: only the system folders (`/usr`, the
///   top-level links to it, a few files of `/etc`), the Swift runtime, the article kit,
///   the article's folder and the allowed data folders are visible, all read-only; home
///   folders (`~/.ssh`) are not there at all; the only writable place is the run's
///   scratch folder (`$TMPDIR`, `$HOME`), plus an empty `/tmp`;
/// - **limits**: address space (`memory`, default 4 GiB, so a 50 GB allocation fails),
///   processes (256; as root the program runs as `nobody`, so the limit counts only its
///   own processes), CPU seconds (the timeout), and the output cap;
/// - **no inherited secrets**: the environment is rebuilt from an allow-list.
///
/// `--no-sandbox` turns it off (with a warning).
public struct Sandbox: Sendable {
    public var enabled: Bool = true
    /// RLIMIT_AS in bytes.
    public var memoryLimit: Int = 4 << 30
    public var processLimit: Int = 256
    /// Extra read-only folders (front matter `data:`, `weave.yml` `sandbox.data`).
    public var dataFolders: [String] = []
    /// The project root that data folders must lie inside (`ProjectRoot.locate`); nil:
    /// the current folder.
    public var projectRoot: String? = nil
    /// Environment variables passed through (besides the fixed ones).
    public var environmentAllowList: [String] = ["LANG", "LC_ALL", "TZ", "OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE", "OMP_NUM_THREADS"]

    public init() {}

    /// Exit status the runtime uses after a forbidden system call.
    public static let violationExitCode: Int32 = 97

    /// What the key of cached results must include (a sandboxed run may differ).
    public var fingerprint: String {
        enabled ? "sandbox mem=\(memoryLimit) nproc=\(processLimit) data=\(dataFolders.joined(separator: ":"))" : "no-sandbox"
    }

    public struct Unavailable: Error, CustomStringConvertible {
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

    /// Wraps `exe` for running in `cwd`, with `runDirectory` (holding the channel file,
    /// the backtrace file and the scratch folder) writable.
    func wrap(exe: String, cwd: String, runDirectory: String, kitDirectory: String, toolchainRoot: String?,
              environment: [String: String], cpuSeconds: Int, outputCap: Int) throws -> Command {
        let scratch = runDirectory + "/scratch"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let asRoot = getuid() == 0
        if asRoot {
            // The program runs as nobody: let it read its binary and write its files.
            chmod(runDirectory, 0o755)
            chmod(scratch, 0o1777)
            for f in ["channel.jsonl", "backtrace.txt"] {
                let p = runDirectory + "/" + f
                close(open(p, O_WRONLY | O_CREAT | O_TRUNC, 0o666))
                chmod(p, 0o666)
            }
        }
        let filter = runDirectory + "/seccomp.bpf"
        try FileIO.writeAtomically(Sandbox.seccompFilter(), to: filter)

        var a = ["/usr/bin/bwrap", "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                 "--die-with-parent", "--new-session", "--hostname", "weave"]
        // First the fresh mounts (later binds may lie below /tmp), then the system
        // folders, mirroring the host's merged-/usr links.
        a += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
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
        a += ["--bind", runDirectory, runDirectory,
              "--chdir", cwd, "--seccomp", "10", "--"]
        a += ["/usr/bin/prlimit", "--as=\(memoryLimit)", "--cpu=\(max(1, cpuSeconds))", "--fsize=\(outputCap)", "--core=0"]
        if asRoot { a += ["--nproc=\(processLimit)"] }
        a += ["--"]
        if asRoot { a += ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"] }
        a.append(exe)

        var env: [String: String] = [
            "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": scratch, "TMPDIR": scratch,
            "LANG": environment["LANG"] ?? "C.UTF-8",
        ]
        for k in environmentAllowList { if let v = environment[k] { env[k] = v } }
        for k in ["WEAVE_CHANNEL", "WEAVE_OUTPUT_CAP", "SWIFT_BACKTRACE"] { if let v = environment[k] { env[k] = v } }
        return Command(argv: a, environment: env, files: [(10, filter)])
    }

    /// A classic BPF program for seccomp: on x86-64, `socket(domain, …)` with a domain
    /// other than AF_UNIX traps (SIGSYS); every other call is allowed.
    static func seccompFilter() -> [UInt8] {
        func ins(_ code: UInt16, _ jt: UInt8, _ jf: UInt8, _ k: UInt32) -> [UInt8] {
            var out: [UInt8] = []
            withUnsafeBytes(of: code.littleEndian) { out += $0 }
            out.append(jt)
            out.append(jf)
            withUnsafeBytes(of: k.littleEndian) { out += $0 }
            return out
        }
        let ldAbs: UInt16 = 0x20, jeq: UInt16 = 0x15, ret: UInt16 = 0x06
        let allow: UInt32 = 0x7fff_0000, trap: UInt32 = 0x0003_0000
        let archX86_64: UInt32 = 0xC000_003E, socketNr: UInt32 = 41, afUnix: UInt32 = 1
        return ins(ldAbs, 0, 0, 4) + ins(jeq, 1, 0, archX86_64) + ins(ret, 0, 0, allow)
            + ins(ldAbs, 0, 0, 0) + ins(jeq, 0, 3, socketNr)
            + ins(ldAbs, 0, 0, 16) + ins(jeq, 1, 0, afUnix) + ins(ret, 0, 0, trap)
            + ins(ret, 0, 0, allow)
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
