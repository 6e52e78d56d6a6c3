import Foundation
import Testing

/// Faults (issue 9): a full disk during a write, a read-only output folder, a missing or
/// crashing compiler, a killed `weave`, a corrupted cache entry (see ExecutionTests).
/// Each gives a clear error and never a half-written output or a poisoned cache.
@Suite(.serialized)
struct FaultTests {
    /// Files below `dir` whose name marks them as Weave temporaries.
    func temporaries(_ dir: String) -> [String] {
        (FileManager.default.enumerator(atPath: dir)?.compactMap { $0 as? String } ?? []).filter { $0.contains(".tmp-") }
    }

    @Test func fullDiskDuringAWriteKeepsTheOldOutput() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("a.md", "# Small\n")
        #expect(try CLI.run(["render", "a.md", "--out", "o", "--no-execute"], cwd: t.path).status == 0)
        let before = t.read("o/a.html")
        // A page larger than the file-size limit: the write fails like a full disk would.
        try t.write("a.md", "# Big\n\n" + String(repeating: "A paragraph of text that makes the page large.\n\n", count: 4000))
        let r = try CLI.run(["render", "a.md", "--out", "o", "--no-execute"], cwd: t.path,
                            prefix: ["/usr/bin/prlimit", "--fsize=65536", "--"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("error: o/a.html: cannot write: File too large"))
        #expect(t.read("o/a.html") == before)
        #expect(temporaries(t.path + "/o").isEmpty)
    }

    @Test func readOnlyOutputFolderIsAClearError() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("a.md", "# A\n")
        try FileManager.default.createDirectory(atPath: t.path + "/o", withIntermediateDirectories: true)
        let r: CLI.Result
        if getuid() == 0 {
            // Root ignores permissions: mount the folder read-only in a private namespace.
            r = try CLI.run(["render", "a.md", "--out", "o", "--no-execute"], cwd: t.path,
                            prefix: ["/usr/bin/unshare", "--mount", "--", "/bin/sh", "-c",
                                     "mount --bind -o ro o o && mount -o remount,ro,bind o && exec \"$0\" \"$@\""])
        } else {
            chmod(t.path + "/o", 0o555)
            defer { chmod(t.path + "/o", 0o755) }
            r = try CLI.run(["render", "a.md", "--out", "o", "--no-execute"], cwd: t.path)
        }
        #expect(r.status == 2)
        #expect(r.stderr.contains("error: o/a.html: cannot write:"))
        #expect(r.stderr.contains("Read-only file system") || r.stderr.contains("Permission denied"))
        #expect(!t.exists("o/a.html"))
    }

    @Test func missingCompilerIsAUsageError() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("a.md", "```{swift}\nprint(1)\n```\n")
        let r = try CLI.run(["check", "a.md"], cwd: t.path, environment: ["WEAVE_SWIFTC": "/nonexistent/swiftc"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("error: swiftc not found at '/nonexistent/swiftc' (from WEAVE_SWIFTC)"))
    }

    /// A compiler crash is the machine's failure, not the article's (issue 15, item 5):
    /// exit 2, no article line, nothing cached.
    @Test func crashingCompilerIsAnEnvironmentErrorAndIsNotCached() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("a.md", "```{swift}\nprint(1)\n```\n")
        // A compiler that answers --version and then crashes on every compilation.
        try t.write("bad-swiftc", "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'Swift version 6.3.1 (fake)'; exit 0; fi\nkill -SEGV $$\n")
        chmod(t.path + "/bad-swiftc", 0o755)
        let r = try CLI.run(["check", "a.md", "--cache-dir", "c"], cwd: t.path, environment: ["WEAVE_SWIFTC": t.path + "/bad-swiftc"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("a.md: error: environment error: the Swift compiler failed (killed by signal 11 (SIGSEGV))"))
        #expect(r.stderr.contains("1 article could not run because of the environment"))
        let entries = (FileManager.default.enumerator(atPath: t.path + "/c/results")?.compactMap { $0 as? String } ?? []).filter { $0.hasSuffix(".json") }
        #expect(entries.isEmpty)
    }

    @Test func killedWeaveLeavesNoHalfWrittenOutputs() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        for k in 0..<6 {
            try t.write("n/a\(k).md", "# A\(k)\n\n```{swift}\nvar s = 0\nfor i in 0..<3_000_000 { s &+= i }\nprint(s)\n```\n\n" + String(repeating: "Text $x^2$.\n\n", count: 2000))
        }
        // Start a render and kill it with SIGKILL while it works.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.weave)
        p.arguments = ["render", "n", "--out", "o", "--jobs", "2", "--no-cache"]
        p.currentDirectoryURL = URL(fileURLWithPath: t.path)
        p.standardError = FileHandle.nullDevice
        try p.run()
        var waited = 0.0
        while waited < 30 && !(FileManager.default.fileExists(atPath: t.path + "/o/a0.md")) {
            usleep(50_000)
            waited += 0.05
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        // Every output present is complete: identical to what a full render writes.
        let complete = try CLI.run(["render", "n", "--out", "ref", "--jobs", "2"], cwd: t.path)
        #expect(complete.status == 0)
        let written = ((try? FileManager.default.contentsOfDirectory(atPath: t.path + "/o")) ?? []).filter { !$0.hasPrefix(".") }
        for f in written {
            #expect(t.read("o/" + f) == t.read("ref/" + f), "\(f) is not complete")
        }
        // A later render removes what the killed process left behind.
        #expect(try CLI.run(["render", "n", "--out", "o"], cwd: t.path).status == 0)
        #expect(temporaries(t.path + "/o").isEmpty)
        #expect(temporaries(t.path + "/.weave-cache").isEmpty)
    }
}
