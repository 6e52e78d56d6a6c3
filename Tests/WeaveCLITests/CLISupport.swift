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
