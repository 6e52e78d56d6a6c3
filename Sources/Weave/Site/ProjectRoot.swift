import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The project an article belongs to, and the data folders its program may read
/// (issue 15, item 9). Data folders — front matter `data:` and `weave.yml`
/// `sandbox.data` — are mounted read-only in the sandbox, so each must resolve (after
/// symbolic links) to a folder inside the project root, and may be neither `/` nor a
/// folder that contains the user's home folder. A folder that breaks these rules is an
/// error at the line that names it, never silently dropped.
///
/// The project root is, in order:
/// 1. the folder of `weave.yml` (found from the current folder upwards, as
///    `ProjectConfig.load` does);
/// 2. else the enclosing git work tree: the nearest folder with a `.git` entry at or above
///    the folder given on the command line;
/// 3. else the folder given on the command line (for a file: its folder; for several
///    paths: their common folder).
public enum ProjectRoot {
    /// The project root for a run over `paths` (command-line arguments, relative to
    /// `cwd`), given the folder of `weave.yml` if one was found. Absolute, symbolic links
    /// resolved.
    public static func locate(configDirectory: String?, paths: [String], cwd: String = FileManager.default.currentDirectoryPath) -> String {
        if let configDirectory { return resolved(configDirectory) ?? configDirectory }
        let folders = paths.map { p -> String in
            let full = p.hasPrefix("/") ? p : FileIO.join(cwd, p)
            let folder = FileIO.isDirectory(full) ? full : FileIO.dirname(full)
            return resolved(folder.isEmpty ? "/" : folder) ?? folder
        }
        let common = commonFolder(folders.isEmpty ? [resolved(cwd) ?? cwd] : folders)
        var dir = common
        while true {
            if FileIO.exists(FileIO.join(dir, ".git")) { return dir }
            let parent = FileIO.dirname(dir)
            if parent.isEmpty || parent == dir { return common }
            dir = parent
        }
    }

    /// The longest folder that contains every one of `folders` (absolute paths).
    static func commonFolder(_ folders: [String]) -> String {
        guard var common = folders.first?.split(separator: "/", omittingEmptySubsequences: true) else { return "/" }
        for f in folders.dropFirst() {
            let parts = f.split(separator: "/", omittingEmptySubsequences: true)
            var n = 0
            while n < common.count && n < parts.count && common[n] == parts[n] { n += 1 }
            common = Array(common.prefix(n))
        }
        return "/" + common.joined(separator: "/")
    }

    /// Why a data folder was refused: the message and lines that explain the rule.
    public struct Problem: Error, Sendable, Equatable {
        /// The error line's message, quoting the folder as written and where it resolves.
        public var message: String
        /// Detail lines: the rule, and how to fix it.
        public var details: [String]
    }

    /// Checks one data folder as written (`entry`, relative to `base`, the folder of the
    /// file that names it) against the rules above; returns its absolute, resolved path.
    public static func checkDataFolder(_ entry: String, base: String, root: String) -> Result<String, Problem> {
        let shown = SettingRules.quoted(entry)
        let rule = "data folders must be inside the project root '\(root)' (the folder of weave.yml, else the git work tree, else the folder given on the command line)"
        guard !entry.isEmpty else {
            return .failure(Problem(message: "empty data folder name", details: ["write a folder inside the project, e.g. 'data: data/'"]))
        }
        let full = entry.hasPrefix("/") ? entry : FileIO.join(base, entry)
        guard let folder = resolved(full) else {
            return .failure(Problem(message: "data folder \(shown) does not exist", details: ["create it, or remove it from the list"]))
        }
        if folder == "/" {
            return .failure(Problem(message: "data folder \(shown) is the whole file system ('/')", details: [rule]))
        }
        for home in homeFolders() where home == folder || home.hasPrefix(folder + "/") {
            return .failure(Problem(message: "data folder \(shown) resolves to '\(folder)', which contains the home folder '\(home)'",
                                    details: ["home folders hold keys and credentials; name a folder with only the data", rule]))
        }
        let top = resolved(root) ?? root
        guard folder == top || folder.hasPrefix(top == "/" ? "/" : top + "/") else {
            return .failure(Problem(message: "data folder \(shown) resolves to '\(folder)', outside the project", details: [rule]))
        }
        return .success(folder)
    }

    /// Front matter `data:` folders (comma-separated or a YAML list) of `document`, each
    /// checked against `root` (nil: the current folder), relative to `cwd` (the article's
    /// folder): the accepted folders, absolute and resolved, and an error at the `data`
    /// key for each refused one.
    public static func dataFolders(_ document: Document, cwd: String, root: String?) -> (folders: [String], problems: [Diagnostic]) {
        guard let list = document.frontMatter["data"] else { return ([], []) }
        let project = root ?? FileManager.default.currentDirectoryPath
        let loc = document.frontMatter.keys.first(where: { $0.key == "data" })?.location ?? SourceLocation(line: 1, column: 1)
        var folders: [String] = [], problems: [Diagnostic] = []
        for entry in list.split(separator: ",").map({ String($0).trimmingSpaces() }) where !entry.isEmpty {
            switch checkDataFolder(entry, base: cwd, root: project) {
            case .success(let f): folders.append(f)
            case .failure(let p):
                problems.append(.error(document.path, loc, p.message, details: Diagnostic.quote(document.source, loc) + p.details))
            }
        }
        return (folders, problems)
    }

    /// The data folders that the sandbox makes visible read-only for `document` (only the
    /// accepted ones; `Build` reports the refused ones before anything runs).
    static func allowedDataFolders(_ document: Document, cwd: String, root: String?) -> [String] {
        dataFolders(document, cwd: cwd, root: root).folders
    }

    /// The folder of an article's path, absolute (the working folder of its program).
    static func articleFolder(_ path: String) -> String {
        let dir = FileIO.dirname(path)
        let cwd = FileManager.default.currentDirectoryPath
        if dir.isEmpty { return cwd }
        return dir.hasPrefix("/") ? dir : FileIO.join(cwd, dir)
    }

    /// The user's home folders that a data folder must not contain: `$HOME` and the
    /// password database's entry for the real user, resolved.
    static func homeFolders() -> [String] {
        var homes: [String] = []
        if let h = ProcessInfo.processInfo.environment["HOME"], !h.isEmpty { homes.append(h) }
        if let pw = getpwuid(getuid()), let dir = pw.pointee.pw_dir {
            let h = String(cString: dir)
            if !h.isEmpty { homes.append(h) }
        }
        return Array(Set(homes.map { resolved($0) ?? $0 })).filter { $0 != "/" }.sorted()
    }

    /// `realpath(3)`: the absolute path without symbolic links, `.` or `..`; nil when it
    /// does not exist.
    public static func resolved(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
