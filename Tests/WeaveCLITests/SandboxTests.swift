import Foundation
import Testing

/// Article programs run sandboxed (issue 9): no network, a read-only view without
/// home folders, a writable scratch folder only, limits on memory and processes, and no
/// inherited secrets. Each violation is stopped or refused with a message at the
/// article's line, and the other articles go on.
@Suite(.serialized)
struct SandboxTests {
    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/bwrap") }

    @Test(.enabled(if: SandboxTests.available, "bubblewrap is not installed (apt-get install bubblewrap)"))
    func violationsAreStoppedAndOtherArticlesGoOn() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        // A "home folder" with a secret, outside the project.
        let home = try TempDir()
        defer { home.cleanup() }
        try home.write(".ssh/id_rsa", "PRIVATE KEY")
        #expect(FileManager.default.isReadableFile(atPath: home.path + "/.ssh/id_rsa"))

        try t.write("n/good.md", "```{swift}\nclaim(1 + 1 == 2, \"still works\")\nprint(\"ok\")\n```\n")
        try t.write("n/net.md", "```{swift}\nprint(\"connecting\")\nlet fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)\nprint(fd)\n```\n")
        try t.write("n/files.md", """
        ```{swift}
        let outside = fopen("\(t.path)/n/written-by-article.txt", "w")
        claim(outside == nil, "the article's folder is read-only")
        let etc = fopen("/etc/weave-sandbox-test", "w")
        claim(etc == nil, "system folders are read-only")
        let key = fopen("\(home.path)/.ssh/id_rsa", "r")
        claim(key == nil, "the home folder is not visible")
        let scratch = fopen(String(cString: getenv("TMPDIR")) + "/note.txt", "w")
        claim(scratch != nil, "the scratch folder is writable")
        claim(getenv("AWS_SECRET_ACCESS_KEY") == nil, "secrets are not inherited")
        claim(getenv("PATH") != nil, "an allowed variable is there")
        ```

        """)
        try t.write("n/mustread.md", "```{swift}\nlet key = fopen(\"\(home.path)/.ssh/id_rsa\", \"r\")!\nprint(key)\n```\n")
        try t.write("n/memory.md", "```{swift}\nprint(\"allocating\")\nlet big = [UInt8](repeating: 1, count: 50 << 30)\nprint(big.count)\n```\n")
        try t.write("n/forkbomb.md", """
        ```{swift}
        var children = 0
        var refused = false
        for _ in 0..<100_000 {
            let pid = fork()
            if pid == 0 { while true { sleep(1) } }
            if pid < 0 { refused = true; break }
            children += 1
        }
        claim(refused, "the process limit stops a fork bomb")
        claim(children < 300, "fewer than 300 processes were started")
        ```

        """)
        let r = try CLI.run(["check", "n", "--jobs", "2"], cwd: t.path, environment: ["AWS_SECRET_ACCESS_KEY": "hunter2"])
        #expect(r.status == 1)
        let err = r.stderr
        #expect(err.contains("n/net.md:3:10: error: the sandbox stopped the program: it tried to open a network connection"))
        #expect(err.contains("n/mustread.md:2:"))  // the trap on the refused read names the line
        #expect(err.contains("Unexpectedly found nil while unwrapping an Optional value"))
        #expect(err.contains("n/memory.md:2:1: error: runtime error: failed to allocate 53687091232 bytes"))
        #expect(err.contains("the sandbox limits memory to 4096 MB"))
        #expect(!err.contains("n/files.md"))      // every claim about the file system holds
        #expect(!err.contains("n/forkbomb.md"))   // the fork bomb was contained
        #expect(!err.contains("n/good.md"))
        #expect(!FileManager.default.fileExists(atPath: t.path + "/n/written-by-article.txt"))
        #expect(err.contains("3 articles failed"))
    }

    @Test(.enabled(if: SandboxTests.available, "bubblewrap is not installed"))
    func noSandboxWarnsAndGivesFullAccess() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("a.md", "```{swift}\nclaim(getenv(\"WEAVE_VISIBLE_SECRET\") != nil, \"the environment is inherited\")\n```\n")
        let r = try CLI.run(["check", "a.md", "--no-sandbox"], cwd: t.path, environment: ["WEAVE_VISIBLE_SECRET": "x"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("warning: --no-sandbox: article programs run with your rights, network and files"))
        let s = try CLI.run(["check", "a.md", "--no-cache"], cwd: t.path, environment: ["WEAVE_VISIBLE_SECRET": "x"])
        #expect(s.status == 1)
        #expect(s.stderr.contains("a.md:2:1: error: claim failed: the environment is inherited"))
    }

    @Test(.enabled(if: SandboxTests.available, "bubblewrap is not installed"))
    func dataFoldersInsideTheProjectAreVisible() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("data/values.txt", "42\n")
        // weave.yml marks the project root (else it would be n, the folder given).
        try t.write("weave.yml", "# the project root\n")
        try t.write("n/a.md", "---\ndata: ../data\n---\n```{swift}\nlet f = fopen(\"../data/values.txt\", \"r\")\nclaim(f != nil, \"the data folder is readable\")\n```\n")
        let r = try CLI.run(["check", "n/a.md"], cwd: t.path)
        #expect(r.status == 0, "\(r.stderr)")
    }
}
