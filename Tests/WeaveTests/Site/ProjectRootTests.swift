import Foundation
import Testing
@testable import Weave
#if canImport(Glibc)
import Glibc
#endif

/// The project root and the data folders allowed inside it (issue 15, item 9).
@Suite(.serialized)
struct ProjectRootTests {
    func folder() throws -> String {
        let d = NSTemporaryDirectory() + "weave-root-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return ProjectRoot.resolved(d) ?? d
    }

    func mkdir(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    @Test func commonFolderOfPaths() {
        #expect(ProjectRoot.commonFolder(["/a/b/c", "/a/b/d/e"]) == "/a/b")
        #expect(ProjectRoot.commonFolder(["/a/b", "/a/bc"]) == "/a")
        #expect(ProjectRoot.commonFolder(["/x", "/y"]) == "/")
        #expect(ProjectRoot.commonFolder(["/only/one"]) == "/only/one")
    }

    @Test func rootIsConfigFolderElseGitTreeElseCommandLineFolder() throws {
        let d = try folder()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try mkdir(d + "/n/sub")
        try mkdir(d + "/m")
        #expect(FileManager.default.createFile(atPath: d + "/n/sub/a.md", contents: Data()))
        // No weave.yml, no git: the folder given (for a file, its folder; for several, the common one).
        #expect(ProjectRoot.locate(configDirectory: nil, paths: ["n"], cwd: d) == d + "/n")
        #expect(ProjectRoot.locate(configDirectory: nil, paths: ["n/sub/a.md"], cwd: d) == d + "/n/sub")
        #expect(ProjectRoot.locate(configDirectory: nil, paths: ["n/sub", "m"], cwd: d) == d)
        // A git work tree above it (a `.git` folder, or a `.git` file in a worktree).
        #expect(FileManager.default.createFile(atPath: d + "/.git", contents: Data("gitdir: elsewhere\n".utf8)))
        #expect(ProjectRoot.locate(configDirectory: nil, paths: ["n/sub/a.md"], cwd: d) == d)
        // weave.yml's folder wins.
        #expect(ProjectRoot.locate(configDirectory: d + "/n", paths: ["n/sub"], cwd: d) == d + "/n")
    }

    @Test func dataFoldersMustResolveInsideTheRoot() throws {
        let d = try folder()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try mkdir(d + "/p/data")
        try mkdir(d + "/p/n")
        try mkdir(d + "/outside")
        #expect(symlink("../../outside", d + "/p/n/sneaky") == 0)
        #expect(symlink("../data", d + "/p/n/fine") == 0)
        let root = d + "/p"
        #expect(ProjectRoot.checkDataFolder("../data", base: root + "/n", root: root) == .success(root + "/data"))
        #expect(ProjectRoot.checkDataFolder("fine", base: root + "/n", root: root) == .success(root + "/data"))
        #expect(ProjectRoot.checkDataFolder(root, base: root + "/n", root: root) == .success(root))
        func message(_ entry: String) -> String? {
            if case .failure(let p) = ProjectRoot.checkDataFolder(entry, base: root + "/n", root: root) { return p.message }
            return nil
        }
        #expect(message("../../outside") == "data folder '../../outside' resolves to '\(d)/outside', outside the project")
        #expect(message("sneaky") == "data folder 'sneaky' resolves to '\(d)/outside', outside the project")
        #expect(message("/") == "data folder '/' is the whole file system ('/')")
        #expect(message("/etc") == "data folder '/etc' resolves to '/etc', outside the project")
        #expect(message("missing") == "data folder 'missing' does not exist")
        // A folder that contains the home folder is refused even inside the project.
        if let home = ProjectRoot.homeFolders().first {
            let parent = FileIO.dirname(home)
            let m = message(parent)
            #expect(m?.contains("which contains the home folder '\(home)'") == true || parent == "/", "\(m ?? "accepted")")
        }
    }

    @Test func frontMatterDataErrorsPointAtTheDataKey() throws {
        let d = try folder()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try mkdir(d + "/p/n/local")
        let doc = DocumentParser.parse(path: d + "/p/n/a.md", text: "---\ntitle: t\ndata: [local, ../../, /]\n---\nText\n")
        let (folders, problems) = ProjectRoot.dataFolders(doc, cwd: d + "/p/n", root: d + "/p")
        #expect(folders == [d + "/p/n/local"])
        #expect(problems.map(\.headline) == [
            "\(d)/p/n/a.md:3:1: error: data folder '../../' resolves to '\(d)', outside the project",
            "\(d)/p/n/a.md:3:1: error: data folder '/' is the whole file system ('/')",
        ])
        #expect(problems.first?.details.last?.hasPrefix("data folders must be inside the project root '\(d)/p'") == true)
    }

    @Test func weaveYmlDataIsRelativeToItsFolderAndChecked() throws {
        let d = try folder()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try mkdir(d + "/data")
        let text = "sandbox:\n  data:\n    - data\n    - ..\n"
        let c = ProjectConfig.parse(path: "weave.yml", bytes: Array(text.utf8), directory: d)
        #expect(c.sandbox.dataFolders == [d + "/data"])
        #expect(c.diagnostics.map(\.headline) == ["weave.yml:4:7: error: sandbox.data: data folder '..' resolves to '\(FileIO.dirname(d))', outside the project"])
    }
}
