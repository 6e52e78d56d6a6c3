import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What weave reads and accepts (issue 15, items 2, 4, 7 and 9), end to end, as the
/// current user and as an unprivileged one: articles are regular files inside the tree
/// being rendered; every numeric setting is range-checked (no input crashes weave); a
/// rendered folder never yields its own outputs; data folders stay inside the project.
@Suite(.serialized)
struct InputTrustTests {
    @Test(arguments: WeaveUser.allCases)
    func articlesThatAreNotRegularFilesInsideTheTreeAreRefusedUnread(user: WeaveUser) throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let secret = "TOPSECRET-\(UUID().uuidString)"
        let marker = "ENVMARKER-\(UUID().uuidString)"
        try t.write("secret.txt", "# \(secret)\n\n\(secret) paragraph.\n")
        try t.write("n/good.md", "---\ntitle: Good one\n---\nA paragraph.\n")
        #expect(symlink("good.md", t.path + "/n/inside.md") == 0)
        #expect(symlink("../secret.txt", t.path + "/n/leak.md") == 0)
        #expect(symlink("/proc/self/environ", t.path + "/n/env.md") == 0)
        #expect(mkfifo(t.path + "/n/pipe.md", 0o666) == 0)
        let big = open(t.path + "/n/big.md", O_WRONLY | O_CREAT, 0o666)
        #expect(big >= 0)
        #expect(ftruncate(big, off_t(17 << 20)) == 0)
        close(big)

        let r = try user.runBounded(["render", "n", "--out", "o", "--no-execute"], in: t, environment: ["WEAVE_TEST_MARKER": marker])
        #expect(r.status == 1, "\(r.stderr)")
        let out = t.path + "/o"
        #expect(r.stderr.contains("n/leak.md: error: symbolic link resolves to '\(resolved(t.path))/secret.txt', outside the folder being rendered ('n'); it was not read"), "\(r.stderr)")
        #expect(r.stderr.contains("n/env.md: error: symbolic link resolves to '/proc/"), "\(r.stderr)")
        #expect(r.stderr.contains("n/pipe.md: error: is a FIFO (named pipe), not a regular file; it was not read"))
        #expect(r.stderr.contains("n/big.md: error: is 17.0 MiB; articles are limited to 16 MiB; it was not read"))
        #expect(r.stderr.contains("weave render: 4 of 6 articles failed"))
        // The accepted articles are written; the refused ones have no page and no index entry.
        #expect(t.exists("o/good.html") && t.exists("o/inside.html"))
        for name in ["leak", "env", "pipe", "big"] { #expect(!t.exists("o/\(name).html") && !t.exists("o/\(name).md")) }
        let index = try #require(t.read("o/index.html"))
        #expect(index.contains("Good one"))
        #expect(!index.contains("leak.html") && !index.contains("pipe.html"))
        for file in FileManager.default.enumerator(atPath: out)?.compactMap({ $0 as? String }) ?? [] {
            let text = t.read("o/" + file) ?? ""
            #expect(!text.contains(secret) && !text.contains(marker), "o/\(file)")
        }
        // Given directly, and with `check`: the same refusals, no hang.
        let direct = try user.runBounded(["render", "n/leak.md", "--out", "o2", "--no-execute"], in: t)
        #expect(direct.status == 1)
        #expect(direct.stderr.contains("n/leak.md: error: symbolic link resolves to"))
        #expect(!t.exists("o2/leak.html"))
        let check = try user.runBounded(["check", "n/pipe.md", "n/good.md"], in: t)
        #expect(check.status == 1, "\(check.stderr)")
        #expect(check.stderr.contains("n/pipe.md: error: is a FIFO (named pipe), not a regular file; it was not read"))
    }

    @Test(arguments: WeaveUser.allCases)
    func numericSettingsOutOfRangeAreErrorsNotCrashes(user: WeaveUser) throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let range = "a positive number of seconds, at most 86400 (one day)"
        try t.write("a.md", "---\ntimeout: 1e300\n---\n```{swift}\nprint(1)\n```\n")
        try t.write("b.md", "```{swift}\n//| timeout: 1e300\nprint(1)\n```\n")
        try t.write("c.md", "---\nexecute:\n  timeout: nan\n---\nText.\n")
        try t.write("ok.md", "Text only.\n")
        let r = try user.runBounded(["check", "a.md", "b.md", "c.md", "ok.md"], in: t)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("a.md:2:1: error: 'timeout' must be \(range) (got '1e300')"), "\(r.stderr)")
        #expect(r.stderr.contains("b.md:2:5: error: option 'timeout' must be \(range) (got '1e300')"))
        #expect(r.stderr.contains("c.md:2:1: error: 'execute.timeout' must be \(range) (got 'nan')"))
        #expect(r.stderr.contains("3 articles failed"))
        // The command line: exit 2 with the setting, its range and the input.
        for value in ["nan", "inf", "1e300", "-1", "0", "0x10", ""] {
            let c = try user.runBounded(["check", "ok.md", "--timeout", value], in: t)
            #expect(c.status == 2, "--timeout \(value): \(c.stderr)")
            #expect(c.stderr.contains("error: --timeout must be \(range) (got '\(value)')"), "\(c.stderr)")
        }
        for value in ["0", "1025", "-3", "1e3", "99999999999999999999"] {
            let c = try user.runBounded(["render", "ok.md", "--no-execute", "--jobs", value], in: t)
            #expect(c.status == 2, "--jobs \(value): \(c.stderr)")
            #expect(c.stderr.contains("error: --jobs must be a positive integer, at most 1024 (got '\(value)')"), "\(c.stderr)")
        }
        // weave.yml: exit 2 at the line, nothing runs.
        let configs: [(String, String)] = [
            ("timeout: 1e300\n", "weave.yml:1:1: error: 'timeout' must be \(range) (got '1e300')"),
            ("jobs: 4.5\n", "weave.yml:1:1: error: 'jobs' must be a positive integer, at most 1024 (got '4.5')"),
            ("execute:\n  timeout: .inf\n", "weave.yml:2:3: error: 'execute.timeout' must be \(range) (got '.inf')"),
            ("sandbox:\n  memory: 1e30G\n", "weave.yml:2:3: error: 'sandbox.memory' must be a size from 64M to 1T, such as 4G or 512M (got '1e30G')"),
            ("sandbox:\n  processes: 0\n", "weave.yml:2:3: error: 'sandbox.processes' must be a positive integer, at most 65536 (got '0')"),
        ]
        for (yml, message) in configs {
            try t.write("weave.yml", yml)
            let c = try user.runBounded(["check", "ok.md"], in: t)
            #expect(c.status == 2, "\(yml): \(c.stderr)")
            #expect(c.stderr.contains(message), "\(c.stderr)")
        }
    }

    @Test(arguments: WeaveUser.allCases)
    func renderingAFolderNeverRendersItsOwnOutputs(user: WeaveUser) throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("a.md", "# A\n")
        try t.write("sub/b.md", "# B\n")
        try t.write("cache/stray.md", "# Not an article\n")
        for run in 1...2 {
            let r = try user.runBounded(["render", ".", "--out", "site", "--cache-dir", "cache", "--no-execute", "-v"], in: t)
            #expect(r.status == 0, "run \(run): \(r.stderr)")
            #expect(!r.stderr.contains("site/") && !r.stderr.contains("stray"), "run \(run): \(r.stderr)")
        }
        #expect(t.exists("site/a.html") && t.exists("site/sub/b.html"))
        #expect(!t.exists("site/site") && !t.exists("site/cache"))
        let index = try #require(t.read("site/index.html"))
        #expect(index.components(separatedBy: "class=\"article-title\"").count - 1 == 2)
        // weave.yml's output folder, wherever it is below the folder rendered.
        try t.write("weave.yml", "output: sub/public\n")
        for _ in 1...2 { #expect(try user.runBounded(["render", ".", "--no-execute"], in: t).status == 0) }
        #expect(t.exists("sub/public/a.html") && !t.exists("sub/public/sub/public"))
    }

    @Test(arguments: WeaveUser.allCases)
    func dataFoldersMustStayInsideTheProject(user: WeaveUser) throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("secrets/key.txt", "KEY\n")
        try t.write("n/home/.keep", "")
        try t.write("n/local/values.txt", "1\n")
        try t.write("n/out.md", "---\ndata: ../secrets\n---\nText.\n")
        try t.write("n/root.md", "---\ntitle: x\ndata: [local, /]\n---\nText.\n")
        try t.write("n/home.md", "---\ndata: home/..\n---\nText.\n")
        try t.write("n/fine.md", "---\ndata: local\n---\nText.\n")
        let home = resolved(t.path) + "/n/home"
        // No weave.yml, no git: the project is the folder given, n.
        let r = try user.runBounded(["check", "n"], in: t, environment: ["HOME": home])
        #expect(r.status == 1, "\(r.stderr)")
        let top = resolved(t.path)
        #expect(r.stderr.contains("n/out.md:2:1: error: data folder '../secrets' resolves to '\(top)/secrets', outside the project"), "\(r.stderr)")
        #expect(r.stderr.contains("data folders must be inside the project root '\(top)/n'"))
        #expect(r.stderr.contains("n/root.md:3:1: error: data folder '/' is the whole file system ('/')"))
        #expect(r.stderr.contains("n/home.md:2:1: error: data folder 'home/..' resolves to '\(top)/n', which contains the home folder '\(home)'"))
        #expect(!r.stderr.contains("fine.md"))
        #expect(r.stderr.contains("3 articles failed"))
        // A git work tree above makes ../secrets part of the project.
        try FileManager.default.createDirectory(atPath: t.path + "/.git", withIntermediateDirectories: true)
        let git = try user.runBounded(["check", "n/out.md"], in: t, environment: ["HOME": home])
        #expect(git.status == 0, "\(git.stderr)")
        // weave.yml: its folder is the root, and sandbox.data is checked at its line.
        try t.write("n/weave.yml", "sandbox:\n  data: [local, /etc]\n")
        let yml = try user.runBounded(["check", "fine.md"], in: t, cwd: t.path + "/n", environment: ["HOME": home])
        #expect(yml.status == 2, "\(yml.stderr)")
        #expect(yml.stderr.contains("weave.yml:2:17: error: sandbox.data: data folder '/etc' resolves to '/etc', outside the project"), "\(yml.stderr)")
        try t.write("n/weave.yml", "sandbox:\n  data: [local]\n")
        let inside = try user.runBounded(["check", "out.md"], in: t, cwd: t.path + "/n", environment: ["HOME": home])
        #expect(inside.status == 1)
        #expect(inside.stderr.contains("out.md:2:1: error: data folder '../secrets' resolves to '\(top)/secrets', outside the project"))
    }

    func resolved(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }
}

extension WeaveUser {
    /// `run`, stopped after 120 s (`timeout -s KILL`), so that a weave that would block
    /// (on a FIFO, say) fails the test instead of hanging it.
    func runBounded(_ args: [String], in dir: TempDir, cwd: String? = nil, environment: [String: String] = [:]) throws -> CLI.Result {
        var env = environment
        if self == .unprivileged && WeaveUser.isRoot {
            dir.openToEveryone()
            if env["HOME"] == nil { env["HOME"] = dir.path }
        }
        return try CLI.run(args, cwd: cwd ?? dir.path, environment: env, prefix: ["/usr/bin/timeout", "-s", "KILL", "120"] + prefix)
    }
}
