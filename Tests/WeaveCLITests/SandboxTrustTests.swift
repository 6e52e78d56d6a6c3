import Foundation
import Testing

/// Issue 15, items 1, 3 and 5: what a stranger's article program can do to the sandbox and
/// to Weave, tried as an attacker would, as the current user and as an unprivileged one
/// (`WeaveUser`). Each test failed before the fix for at least the unprivileged user:
/// results were read back by path from a folder the program could write, the process
/// limit was only set for root, `/tmp` was not writable for `nobody`, foreign system call
/// ABIs passed the filter, and a sandbox that could not start was blamed on the article
/// and cached.
@Suite(.serialized)
struct SandboxTrustTests {
    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/bwrap") }

    /// A file outside the sandbox's view that the weave user can read.
    static func secret(_ t: TempDir) throws -> String {
        try t.write("secret/key.txt", "TOPSECRET-7f3a\n")
        return t.path + "/secret/key.txt"
    }

    @Test(.enabled(if: SandboxTrustTests.available, "bubblewrap is not installed"), arguments: WeaveUser.allCases)
    func resultsAreReadThroughDescriptorsNeverByPath(user: WeaveUser) throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let secret = try SandboxTrustTests.secret(t)
        // The program finds its run folder (from its channel variable, or from the file
        // behind its standard output) and replaces every file in it: with a link to the
        // secret, a FIFO, /dev/zero.
        try t.write("n/swap.md", """
        ```{swift}
        var buf = [CChar](repeating: 0, count: 4096)
        var probe = ""
        if let c = getenv("WEAVE_CHANNEL") { probe = String(cString: c) } else if readlink("/proc/self/fd/1", &buf, 4095) > 0 { probe = String(cString: buf) }
        let run = String(probe[..<probe.lastIndex(of: "/")!])
        for (k, f) in ["output.txt", "channel.jsonl", "backtrace.txt"].enumerated() {
            let p = run + "/" + f
            unlink(p)
            switch k {
            case 0: symlink("\(secret)", p)
            case 1: mkfifo(p, 0o666)
            default: symlink("/dev/zero", p)
            }
        }
        print("replaced")
        ```

        The answer is `{swift} 6 * 7`.

        """)
        let r = try user.run(["render", "n", "--out", "site", "--no-cache", "--timeout", "60"], in: t)
        #expect(r.status == 0, "\(r.stderr)")
        let page = t.read("site/swap.html") ?? ""
        let md = t.read("site/swap.md") ?? ""
        #expect(!page.contains("TOPSECRET") && !md.contains("TOPSECRET") && !r.stderr.contains("TOPSECRET"))
        #expect(md.contains("replaced"))
        #expect(md.contains("The answer is 42."))
    }

    @Test(.enabled(if: SandboxTrustTests.available, "bubblewrap is not installed"), arguments: WeaveUser.allCases)
    func limitsHoldForEveryUser(user: WeaveUser) throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("n/limits.md", """
        ```{swift}
        // Processes: 400 children that sleep.
        var children = 0
        for _ in 0..<400 {
            let pid = fork()
            if pid == 0 { sleep(30); _exit(0) }
            if pid < 0 { break }
            children += 1
        }
        claim(children < 256, "the process limit (256) holds for the whole tree")
        // /tmp is writable, and bounded: files of 8 MiB (under the 10 MB file-size cap)
        // until the tmpfs is full.
        claim(fopen("/tmp/probe", "w") != nil, "/tmp is writable")
        var written = 0
        let chunk = [UInt8](repeating: 7, count: 1 << 20)
        fill: for k in 0..<100 {
            let fd = open("/tmp/fill-\\(k)", O_WRONLY | O_CREAT, 0o600)
            if fd < 0 { break }
            defer { close(fd) }
            for _ in 0..<8 {
                let n = write(fd, chunk, chunk.count)
                if n < chunk.count { break fill }
                written += n
            }
        }
        claim(written > 100 << 20 && written <= 512 << 20, "scratch space is a bounded tmpfs (512 MiB)")
        claim(String(cString: getenv("TMPDIR")) == "/tmp" && String(cString: getenv("HOME")) == "/tmp", "TMPDIR and HOME are /tmp")
        // No nested user namespaces: unshare(CLONE_NEWUSER) (system call 272).
        typealias Syscall = @convention(c) (Int, Int) -> Int
        let sys = unsafeBitCast(dlsym(nil, "syscall")!, to: Syscall.self)
        claim(sys(272, 0x1000_0000) != 0, "unshare(CLONE_NEWUSER) is refused")
        ```

        """)
        let r = try user.run(["check", "n", "--no-cache", "--timeout", "120"], in: t)
        #expect(!r.stderr.contains("the process limit (256) holds"), "\(r.stderr)")
        #expect(!r.stderr.contains("/tmp is writable"), "\(r.stderr)")
        #expect(!r.stderr.contains("TMPDIR and HOME"), "\(r.stderr)")
        #expect(!r.stderr.contains("unshare(CLONE_NEWUSER)"), "\(r.stderr)")
        #expect(!r.stderr.contains("bounded tmpfs"), "\(r.stderr)")
    }

    @Test(.enabled(if: SandboxTrustTests.available, "bubblewrap is not installed"), arguments: WeaveUser.allCases)
    func foreignSystemCallABIsAreKilled(user: WeaveUser) throws {
        let t = try TempDir()
        defer { t.cleanup() }
        // socket(AF_INET, SOCK_STREAM) through the 32-bit table (`int 0x80`, number 359),
        // from machine code the article writes itself; and through the x32 bit.
        try t.write("n/i386.md", """
        ```{swift}
        let code: [UInt8] = [0x53, 0xB8, 0x67, 0x01, 0, 0, 0xBB, 2, 0, 0, 0, 0xB9, 1, 0, 0, 0, 0x31, 0xD2, 0xCD, 0x80, 0x5B, 0xC3]
        let page = mmap(nil, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)!
        page.copyMemory(from: code, byteCount: code.count)
        let fd = unsafeBitCast(page, to: (@convention(c) () -> Int32).self)()
        claim(fd < 0, "no socket through int 0x80")
        ```

        """)
        try t.write("n/x32.md", """
        ```{swift}
        typealias Syscall = @convention(c) (Int, Int, Int, Int) -> Int
        let sys = unsafeBitCast(dlsym(nil, "syscall")!, to: Syscall.self)
        let fd = sys(0x4000_0000 | 41, 2, 1, 0)
        claim(fd < 0, "no socket through the x32 ABI")
        ```

        """)
        let r = try user.run(["check", "n", "--no-cache", "--timeout", "60"], in: t)
        #expect(r.status == 1)
        #expect(r.stderr.contains("n/i386.md:"), "\(r.stderr)")
        #expect(r.stderr.contains("n/x32.md:"), "\(r.stderr)")
        let foreign = r.stderr.components(separatedBy: "system call through a foreign ABI").count - 1
        #expect(foreign == 2, "\(r.stderr)")
        #expect(!r.stderr.contains("claim failed"))
    }

    @Test(.enabled(if: SandboxTrustTests.available, "bubblewrap is not installed"), arguments: WeaveUser.allCases)
    func aSandboxThatCannotStartIsAnEnvironmentErrorAndNeverCached(user: WeaveUser) throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("n/fine.md", "```{swift}\nclaim(1 + 1 == 2, \"arithmetic\")\n```\n")
        // The memory limit asked for is above the hard limit weave itself runs under, so
        // the launcher (prlimit) cannot set it: the machine's problem, not the article's.
        try t.write("weave.yml", "sandbox:\n  memory: 16G\n")
        var prefix = user.prefix
        prefix += ["/usr/bin/prlimit", "--as=\(12 << 30):\(12 << 30)", "--"]
        if user == .unprivileged && WeaveUser.isRoot { t.openToEveryone() }
        let env = user == .unprivileged && WeaveUser.isRoot ? ["HOME": t.path] : [:]
        for _ in 0..<2 {
            let r = try CLI.run(["check", "n", "-v"], cwd: t.path, environment: env, prefix: prefix)
            #expect(r.status == 2, "\(r.stderr)")
            #expect(r.stderr.contains("n/fine.md: error: environment error: the sandbox could not start the article program"), "\(r.stderr)")
            #expect(r.stderr.contains("prlimit:"), "\(r.stderr)")
            #expect(!r.stderr.contains("n/fine.md:1:"), "\(r.stderr)")
            #expect(!r.stderr.contains("n/fine.md: cached"), "\(r.stderr)")
            #expect(r.stderr.contains("could not run because of the environment"), "\(r.stderr)")
        }
        // Without the bad setting the same article runs and passes: nothing was cached.
        try t.write("weave.yml", "sandbox:\n  memory: 4G\n")
        if user == .unprivileged && WeaveUser.isRoot { t.openToEveryone() }
        let ok = try user.run(["check", "n", "-v"], in: t)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stderr.contains("n/fine.md: compiled and ran"), "\(ok.stderr)")
    }

    /// Foundation's `Process` (its run loop wakes itself with local UDP sockets) runs local
    /// commands in the sandbox; a TCP socket is still stopped as a network attempt.
    @Test(.enabled(if: SandboxTrustTests.available, "bubblewrap is not installed"), arguments: WeaveUser.allCases)
    func foundationProcessRunsLocalCommands(user: WeaveUser) throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("n/process.md", """
        ```{swift}
        import Foundation
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/echo")
        p.arguments = ["hello from a child"]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        p.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        claim(text == "hello from a child\\n" && p.terminationStatus == 0, "a local command ran")
        ```

        """)
        try t.write("n/tcp.md", "```{swift}\nlet fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)\nprint(fd)\n```\n")
        let r = try user.run(["check", "n", "--no-cache", "--timeout", "60"], in: t)
        #expect(!r.stderr.contains("n/process.md"), "\(r.stderr)")
        #expect(r.stderr.contains("n/tcp.md:2:10: error: the sandbox stopped the program: it tried to open a network connection"), "\(r.stderr)")
    }

    /// Two articles at once (`--jobs 2`): one holds as many processes as the limit allows,
    /// the other still gets its own budget (as root each run has a user id of its own; as
    /// an ordinary user each has its own user namespace).
    @Test(.enabled(if: SandboxTrustTests.available, "bubblewrap is not installed"), arguments: WeaveUser.allCases)
    func aForkBombDoesNotStarveTheArticleBesideIt(user: WeaveUser) throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("n/a-bomb.md", """
        ```{swift}
        var held = 0
        for _ in 0..<1000 { let pid = fork(); if pid == 0 { sleep(20); _exit(0) }; if pid < 0 { break }; held += 1 }
        sleep(8)
        claim(held < 256, "contained")
        ```

        """)
        try t.write("n/b-honest.md", """
        ```{swift}
        sleep(2)
        var started = 0
        for _ in 0..<20 { let pid = fork(); if pid == 0 { _exit(0) }; if pid > 0 { started += 1; var st: Int32 = 0; waitpid(pid, &st, 0) } }
        claim(started == 20, "the honest article can start its processes")
        ```

        """)
        let r = try user.run(["check", "n", "--jobs", "2", "--no-cache", "--timeout", "60"], in: t)
        #expect(r.status == 0, "\(r.stderr)")
    }
}
