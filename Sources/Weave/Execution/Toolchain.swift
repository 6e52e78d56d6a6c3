import Crypto
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What article programs are compiled with: `swiftc`, and the prebuilt article kit
/// (`libWeaveArticle.so` with the `Compute` and `WeaveRuntime` modules, built once in
/// release mode by `swift build -c release --product WeaveArticle`).
public struct Toolchain: Sendable {
    public var swiftc: String
    /// Folder holding `libWeaveArticle.so` and `Modules/` (or the `.swiftmodule` files).
    public var kitDirectory: String
    public var modulesDirectory: String
    /// `swiftc --version`, first line.
    public var swiftVersion: String
    /// SHA-256 over the content of the kit's library and module files.
    public var kitFingerprint: String
    /// The toolchain's `usr` folder (Swift runtime libraries, the backtracer), made
    /// visible inside the sandbox.
    public var runtimeRoot: String? {
        let real = (try? FileManager.default.destinationOfSymbolicLink(atPath: swiftc)).map {
            $0.hasPrefix("/") ? $0 : FileIO.dirname(swiftc) + "/" + $0
        } ?? swiftc
        let root = FileIO.dirname(FileIO.dirname(real))
        return root.isEmpty || root == "/usr" ? nil : root
    }
    /// `llvm-symbolizer` next to swiftc, or on PATH.
    public var symbolizer: String? {
        let sibling = FileIO.dirname(swiftc) + "/llvm-symbolizer"
        return FileIO.exists(sibling) ? sibling : Toolchain.findInPath("llvm-symbolizer")
    }

    public struct Missing: Error, CustomStringConvertible {
        public var message: String
        public var details: [String]
        public var description: String { (["error: " + message] + details.map { "    " + $0 }).joined(separator: "\n") }
    }

    /// Finds the toolchain: `swiftc` from `$WEAVE_SWIFTC` or `PATH`; the kit from
    /// `kit` (command line), `$WEAVE_KIT_DIR`, or the folder of the `weave` executable.
    public static func locate(kit: String? = nil, cacheDirectory: String? = nil) throws -> Toolchain {
        let env = ProcessInfo.processInfo.environment
        guard let swiftc = env["WEAVE_SWIFTC"] ?? findInPath("swiftc") else {
            throw Missing(message: "swiftc not found", details: ["install Swift 6 and put its bin folder on PATH, or set WEAVE_SWIFTC to the compiler"])
        }
        guard access(swiftc, X_OK) == 0 else {
            throw Missing(message: "swiftc not found at '\(swiftc)' (from WEAVE_SWIFTC)",
                          details: ["point WEAVE_SWIFTC at an executable Swift compiler, or unset it to use swiftc from PATH"])
        }
        let candidates = [kit, env["WEAVE_KIT_DIR"], executableDirectory()].compactMap { $0 }
        guard let found = candidates.first(where: { FileIO.exists($0 + "/libWeaveArticle.so") }) else {
            throw Missing(message: "the article library libWeaveArticle.so was not found (looked in \(candidates.joined(separator: ", ")))",
                          details: ["build it with 'swift build -c release --product WeaveArticle' (or 'make build'),",
                                    "or point --kit / WEAVE_KIT_DIR at the folder that holds it"])
        }
        // Absolute: article programs run in their own folders and find the library by rpath.
        let dir = found.hasPrefix("/") ? found : FileManager.default.currentDirectoryPath + "/" + found
        let modules = FileIO.exists(dir + "/Modules/Compute.swiftmodule") ? dir + "/Modules" : dir
        guard FileIO.exists(modules + "/Compute.swiftmodule"), FileIO.exists(modules + "/WeaveRuntime.swiftmodule") else {
            throw Missing(message: "Compute.swiftmodule / WeaveRuntime.swiftmodule not found next to libWeaveArticle.so in \(dir)",
                          details: ["rebuild with 'swift build -c release --product WeaveArticle'"])
        }
        let fingerprint = try fingerprintKit(dir: dir, modules: modules, cacheDirectory: cacheDirectory)
        let version = try swiftVersion(swiftc, cacheDirectory: cacheDirectory)
        return Toolchain(swiftc: swiftc, kitDirectory: dir, modulesDirectory: modules, swiftVersion: version, kitFingerprint: fingerprint)
    }

    static func executableDirectory() -> String? {
        guard let p = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        return FileIO.dirname(p)
    }

    static func findInPath(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if access(p, X_OK) == 0 { return p }
        }
        return nil
    }

    /// Hash of what article programs link and import, by content: the library and the
    /// module files of Compute, WeaveRuntime and BigInt (a rebuilt Compute changes it;
    /// touching them without changing a byte does not). Never read from the cache folder
    /// (a restored cache could carry a forged value); remembered per process and per
    /// (path, size, modification time, inode) of each file, so `weave serve` sees a rebuild.
    static func fingerprintKit(dir: String, modules: String, cacheDirectory: String?) throws -> String {
        let files = [dir + "/libWeaveArticle.so"] + ["Compute", "WeaveRuntime", "BigInt"].map { modules + "/\($0).swiftmodule" }
        var stamp = ""
        for f in files {
            var st = stat()
            if stat(f, &st) == 0 { stamp += "\(f) \(st.st_size) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec) \(st.st_ino);" }
        }
        if let known = kitHashes.withLock({ $0[stamp] }) { return known }
        let value = hashKit(files, root: dir)
        kitHashes.withLock { $0[stamp] = value }
        return value
    }

    /// Kit hashes computed by this process, by file stamps.
    static let kitHashes = Mutex<[String: String]>([:])

    /// SHA-256 over each file's path (relative to `root`), size and bytes; a module that
    /// is a folder (`X.swiftmodule/…`) counts with every file in it, in sorted order.
    static func hashKit(_ files: [String], root: String) -> String {
        var h = SHA256()
        func add(_ f: String) {
            if FileIO.isDirectory(f) {
                for name in ((try? FileManager.default.contentsOfDirectory(atPath: f)) ?? []).sorted() { add(f + "/" + name) }
                return
            }
            guard let data = try? FileIO.read(f) else { return }
            h.update(data: Array((f.hasPrefix(root + "/") ? String(f.dropFirst(root.count + 1)) : f).utf8) + [0])
            h.update(data: Array(String(data.count).utf8))
            h.update(data: data)
        }
        for f in files { add(f) }
        return h.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The first line of `swiftc --version`, remembered per compiler binary (path,
    /// size, modification time) in the cache folder so warm runs do not ask again.
    static func swiftVersion(_ swiftc: String, cacheDirectory: String?) throws -> String {
        var st = stat()
        let resolved = (try? FileManager.default.destinationOfSymbolicLink(atPath: swiftc)).map {
            $0.hasPrefix("/") ? $0 : FileIO.dirname(swiftc) + "/" + $0
        } ?? swiftc
        stat(resolved, &st)
        let stamp = "\(resolved) \(st.st_size) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
        let memo = cacheDirectory.map { $0 + "/toolchain.txt" }
        if let memo, let data = try? FileIO.read(memo) {
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            if lines.count >= 2 && lines[0] == stamp { return String(lines[1]) }
        }
        let (t, out) = try Subprocess.capture([swiftc, "--version"])
        guard t.succeeded else { throw Missing(message: "'\(swiftc) --version' failed (\(t))", details: [out]) }
        let version = out.split(separator: "\n").first { $0.contains("Swift version") }.map(String.init) ?? out.trimmingSpaces()
        if let memo { try? FileIO.writeAtomically(Array("\(stamp)\n\(version)\n".utf8), to: memo) }
        return version
    }

    /// Compiler arguments for an article program (without input and output).
    func compileArguments(optimize: Bool) -> [String] {
        var args = [swiftc, optimize ? "-O" : "-Onone", "-g", "-swift-version", "5", "-suppress-warnings",
                    "-diagnostic-style", "llvm", "-I", modulesDirectory, "-L", kitDirectory, "-lWeaveArticle",
                    "-Xlinker", "-rpath", "-Xlinker", kitDirectory]
        if modulesDirectory != kitDirectory { args += ["-I", kitDirectory] }
        return args
    }
}

extension Toolchain {
    /// A digest of strings, hex.
    static func sha256(_ parts: [String]) -> String {
        var h = SHA256()
        for p in parts {
            h.update(data: Array(p.utf8))
            h.update(data: [0])
        }
        return h.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
