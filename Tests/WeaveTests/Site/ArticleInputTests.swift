import Foundation
import Testing
@testable import Weave
#if canImport(Glibc)
import Glibc
#endif

/// Which files are articles (issue 15, items 2 and 7): regular files inside their tree,
/// never FIFOs, devices, sockets, links leading outside or huge files; and the folder walk
/// that skips output, cache, `_` and `.` folders and links to folders.
@Suite(.serialized)
struct ArticleInputTests {
    /// A fresh folder under the temporary directory (symbolic links resolved).
    func folder() throws -> String {
        let d = NSTemporaryDirectory() + "weave-input-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: d + "/tree", withIntermediateDirectories: true)
        return ProjectRoot.resolved(d) ?? d
    }

    func write(_ path: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: FileIO.dirname(path), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    func refusal(_ path: String, tree: String?) -> String? {
        if case .failure(let r) = ArticleInput.read(path, tree: tree) { return r.message }
        return nil
    }

    @Test func regularFilesAndLinksInsideTheTreeAreRead() throws {
        let d = try folder()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try write(d + "/tree/a.md", "# A\n")
        try write(d + "/tree/sub/b.md", "# B\n")
        #expect(symlink("sub/b.md", d + "/tree/link.md") == 0)
        #expect(try ArticleInput.read(d + "/tree/a.md", tree: d + "/tree").get() == Array("# A\n".utf8))
        #expect(try ArticleInput.read(d + "/tree/link.md", tree: d + "/tree").get() == Array("# B\n".utf8))
        // Nil tree: the article's own folder.
        #expect(try ArticleInput.read(d + "/tree/sub/b.md", tree: nil).get() == Array("# B\n".utf8))
    }

    @Test func linksLeadingOutsideAreRefusedUnread() throws {
        let d = try folder()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try write(d + "/secret.txt", "TOPSECRET\n")
        #expect(symlink("../secret.txt", d + "/tree/leak.md") == 0)
        #expect(symlink("/proc/self/environ", d + "/tree/env.md") == 0)
        #expect(symlink("/dev/zero", d + "/tree/zero.md") == 0)
        #expect(symlink("missing.md", d + "/tree/dangling.md") == 0)
        #expect(refusal(d + "/tree/leak.md", tree: d + "/tree")
                == "symbolic link resolves to '\(d)/secret.txt', outside the folder being rendered ('\(d)/tree'); it was not read")
        #expect(refusal(d + "/tree/env.md", tree: d + "/tree")?.contains("outside the folder being rendered") == true)
        #expect(refusal(d + "/tree/zero.md", tree: d + "/tree") == "symbolic link resolves to '/dev/zero', outside the folder being rendered ('\(d)/tree'); it was not read")
        #expect(refusal(d + "/tree/dangling.md", tree: d + "/tree") == "symbolic link to a missing file; it was not read")
    }

    @Test func specialFilesAreRefusedWithoutBlocking() throws {
        let d = try folder()
        defer { try? FileManager.default.removeItem(atPath: d) }
        #expect(mkfifo(d + "/tree/pipe.md", 0o644) == 0)
        // No writer: opening it for reading would block forever.
        #expect(refusal(d + "/tree/pipe.md", tree: d + "/tree") == "is a FIFO (named pipe), not a regular file; it was not read")
        try FileManager.default.createDirectory(atPath: d + "/tree/dir.md", withIntermediateDirectories: true)
        #expect(refusal(d + "/tree/dir.md", tree: d + "/tree") == "is a directory, not a regular file; it was not read")
        // A Unix socket.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let path = d + "/tree/s.md"
        withUnsafeMutableBytes(of: &addr.sun_path) { buf in
            for (i, b) in path.utf8.prefix(buf.count - 1).enumerated() { buf[i] = b }
        }
        let bound = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        #expect(refusal(path, tree: d + "/tree") == "is a socket, not a regular file; it was not read")
        // A device given directly (its own folder is the tree).
        #expect(refusal("/dev/null", tree: nil) == "is a character device, not a regular file; it was not read")
    }

    @Test func hugeFilesAreRefused() throws {
        let d = try folder()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let big = d + "/tree/big.md"
        let fd = open(big, O_WRONLY | O_CREAT, 0o644)
        #expect(fd >= 0)
        #expect(ftruncate(fd, off_t(ArticleInput.sizeLimit + 1)) == 0)
        close(fd)
        #expect(refusal(big, tree: d + "/tree") == "is more than 16 MiB; articles are limited to 16 MiB; it was not read")
        #expect(truncate(big, off_t(20 << 20)) == 0)
        #expect(refusal(big, tree: d + "/tree") == "is 20.0 MiB; articles are limited to 16 MiB; it was not read")
        #expect(truncate(big, off_t(ArticleInput.sizeLimit)) == 0)
        #expect((try? ArticleInput.read(big, tree: d + "/tree").get())?.count == ArticleInput.sizeLimit)
    }

    @Test func walkSkipsOutputCacheHiddenFoldersAndFolderLinks() throws {
        let d = try folder()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let t = d + "/tree"
        for rel in ["a.md", "sub/b.md", "site/a.md", "sub/site/c.md", "cache/x.md", "_site/a.md", ".hidden/h.md",
                    "sub/_drafts/d.md", "notes.txt", "deep/er/e.md"] {
            try write(t + "/" + rel, "# x\n")
        }
        try write(d + "/elsewhere/z.md", "# z\n")
        #expect(symlink("../elsewhere", t + "/linked") == 0)
        #expect(symlink("sub", t + "/loop.md") == 0)
        #expect(mkfifo(t + "/pipe.md", 0o644) == 0)
        #expect(FileIO.markdownFiles(under: t) == ["a.md", "cache/x.md", "deep/er/e.md", "pipe.md", "site/a.md", "sub/b.md", "sub/site/c.md"])
        // The output folder is skipped by identity, also where another folder of that name is not it.
        #expect(FileIO.markdownFiles(under: t, excluding: [t + "/site", t + "/cache"])
                == ["a.md", "deep/er/e.md", "pipe.md", "sub/b.md", "sub/site/c.md"])
        // Any spelling of the folder matches; a missing one is ignored.
        #expect(FileIO.markdownFiles(under: t, excluding: [t + "/sub/../site/", d + "/tree/sub/site", t + "/missing"])
                == ["a.md", "cache/x.md", "deep/er/e.md", "pipe.md", "sub/b.md"])
        // Rendering the output folder itself finds nothing.
        #expect(FileIO.markdownFiles(under: t + "/site", excluding: [t + "/site"]).isEmpty)
    }

    @Test func collectRecordsTheTreeOfEachArticle() throws {
        let d = try folder()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try write(d + "/tree/a.md", "# A\n")
        try write(d + "/tree/out/a2.md", "# A\n")
        try write(d + "/single.md", "# S\n")
        let articles = try Site.collect([d + "/tree/", d + "/single.md"], excluding: [d + "/tree/out"])
        #expect(articles == [Article(path: d + "/tree/a.md", outputName: "a", tree: d + "/tree"),
                             Article(path: d + "/single.md", outputName: "single", tree: d)])
    }
}
