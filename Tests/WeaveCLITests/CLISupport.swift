import Foundation

/// Runs the `weave` executable built next to the test bundle (or `$WEAVE_BIN`).
enum CLI {
    static let weave: String = {
        if let p = ProcessInfo.processInfo.environment["WEAVE_BIN"] { return p }
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // The test runner is .build/<triple>/debug/WeavePackageTests.xctest
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("weave").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/weave").path
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `weave ARGS` in `cwd` and waits.
    /// `prefix` runs weave under another command (e.g. `prlimit … --`).
    static func run(_ args: [String], cwd: String, environment: [String: String] = [:], prefix: [String] = []) throws -> Result {
        let p = Process()
        if prefix.isEmpty {
            p.executableURL = URL(fileURLWithPath: weave)
            p.arguments = args
        } else {
            p.executableURL = URL(fileURLWithPath: prefix[0])
            p.arguments = Array(prefix.dropFirst()) + [weave] + args
        }
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read both pipes concurrently to avoid a full-pipe deadlock.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        group.enter()
        DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.wait()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// A fresh temporary folder, removed by `cleanup()`.
struct TempDir {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("weave-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }

    func write(_ rel: String, _ text: String) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(rel)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func read(_ rel: String) -> String? {
        (try? Data(contentsOf: URL(fileURLWithPath: path).appendingPathComponent(rel))).map { String(decoding: $0, as: UTF8.self) }
    }

    func exists(_ rel: String) -> Bool { FileManager.default.fileExists(atPath: path + "/" + rel) }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

/// Who runs `weave` in a security test (issue 15): every sandbox and input rule must hold
/// for an ordinary user exactly as for root. When the tests run as root (as CI does),
/// `.unprivileged` runs weave as `nobody` (uid/gid 65534) through
/// `setpriv --reuid=65534 --regid=65534 --clear-groups`; when they already run as an
/// ordinary user, both cases run as that user.
enum WeaveUser: String, CaseIterable, CustomStringConvertible, Sendable {
    case current
    case unprivileged

    var description: String { rawValue }

    /// True when the test process is root.
    static var isRoot: Bool { getuid() == 0 }

    /// The command prefix that makes `weave` run as this user.
    var prefix: [String] {
        switch self {
        case .current: return []
        case .unprivileged:
            return WeaveUser.isRoot ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"] : []
        }
    }

    /// Runs `weave ARGS` in `cwd` as this user. For the unprivileged user the folder is
    /// opened to everyone first (`TempDir.openToEveryone`) and `HOME` points into it.
    func run(_ args: [String], in dir: TempDir, cwd: String? = nil, environment: [String: String] = [:]) throws -> CLI.Result {
        var env = environment
        if self == .unprivileged && WeaveUser.isRoot {
            dir.openToEveryone()
            if env["HOME"] == nil { env["HOME"] = dir.path }
        }
        return try CLI.run(args, cwd: cwd ?? dir.path, environment: env, prefix: prefix)
    }
}

extension TempDir {
    /// Makes the folder and everything in it readable and writable by every user (for
    /// tests that run weave as `nobody`).
    func openToEveryone() {
        chmod(path, 0o777)
        let e = FileManager.default.enumerator(atPath: path)
        while let rel = e?.nextObject() as? String {
            let p = path + "/" + rel
            var st = stat()
            guard lstat(p, &st) == 0, (st.st_mode & S_IFMT) != S_IFLNK else { continue }
            chmod(p, (st.st_mode & S_IFMT) == S_IFDIR ? 0o777 : 0o666)
        }
    }
}
