import Foundation
import Yams

/// `weave.yml` at the project root: defaults for the output folder, formats, math
/// assets, timeout, jobs, cache folder and execution options. Precedence: `weave.yml`,
/// then an article's front matter, then the command line (DESIGN.md; issue 8).
///
/// ```yaml
/// output: _site
/// formats: [html, md]
/// katex: local
/// jobs: 2
/// timeout: 600
/// cache-dir: .weave-cache
/// execute:
///   echo: true
///   eval: true
///   optimize: false
/// ```
public struct ProjectConfig: Sendable {
    public var path: String?
    /// The absolute folder of `weave.yml` (the project root), when there is one.
    public var directory: String?
    public var output: String?
    public var formats: [String]?
    public var katex: String?
    public var jobs: Int?
    public var timeout: Double?
    public var cacheDirectory: String?
    /// `execute.*` defaults, applied to articles whose front matter does not set them.
    public var execute: [String: String] = [:]
    /// `sandbox:` — `data` (read-only folders), `env` (variables passed through),
    /// `memory` (e.g. 4G), `processes`.
    public var sandbox = Sandbox()
    public var diagnostics: [Diagnostic] = []

    public static let keys = ["output", "formats", "katex", "jobs", "timeout", "cache-dir", "execute", "sandbox"]
    public static let sandboxKeys = ["data", "env", "memory", "processes"]
    public static let executeKeys = ["echo", "eval", "optimize", "timeout", "output"]

    public init() {}

    /// Finds `weave.yml` in `directory` or the nearest parent that has one (stopping at
    /// a folder with `.git`), and parses it, its folder being the project root for
    /// `sandbox.data` (`ProjectRoot`). No file: an empty configuration.
    public static func load(from directory: String) -> ProjectConfig {
        var dir = directory
        while true {
            let candidate = FileIO.join(dir, "weave.yml")
            if FileIO.exists(candidate) {
                let display = dir == directory ? "weave.yml" : candidate
                guard let bytes = try? FileIO.read(candidate) else { return ProjectConfig() }
                let folder = dir.hasPrefix("/") ? dir : FileIO.join(FileManager.default.currentDirectoryPath, dir)
                return parse(path: display, bytes: bytes, directory: folder)
            }
            if FileIO.exists(FileIO.join(dir, ".git")) || dir == "/" || dir.isEmpty { return ProjectConfig() }
            let parent = FileIO.dirname(dir)
            if parent == dir || parent.isEmpty { return ProjectConfig() }
            dir = parent
        }
    }

    /// Parses `weave.yml` text. `directory`: the file's folder, which is the project root;
    /// when given, `sandbox.data` folders are resolved against it and checked
    /// (`ProjectRoot.checkDataFolder`), else they are kept as written.
    public static func parse(path: String, bytes: [UInt8], directory: String? = nil) -> ProjectConfig {
        var c = ProjectConfig()
        c.path = path
        c.directory = directory
        let source = SourceText(path: path, bytes: bytes)
        let node: Node?
        do {
            node = try Yams.compose(yaml: String(decoding: bytes, as: UTF8.self))
        } catch let e as YamlError {
            var loc = SourceLocation(line: 1, column: 1)
            if case let .scanner(_, _, mark, _) = e { loc = SourceLocation(line: mark.line, column: mark.column) }
            if case let .parser(_, _, mark, _) = e { loc = SourceLocation(line: mark.line, column: mark.column) }
            c.diagnostics.append(.error(path, loc, "invalid YAML: \(e)"))
            return c
        } catch {
            c.diagnostics.append(.error(path, nil, "invalid YAML: \(error)"))
            return c
        }
        guard let mapping = node?.mapping else {
            if node != nil { c.diagnostics.append(.error(path, SourceLocation(line: 1, column: 1), "weave.yml must be a mapping of keys to values")) }
            return c
        }
        for (k, v) in mapping {
            guard let key = k.string else { continue }
            let loc = k.mark.map { SourceLocation(line: $0.line, column: $0.column) } ?? SourceLocation(line: 1, column: 1)
            func bad(_ expected: String) {
                c.diagnostics.append(.error(path, loc, "'\(key)' must be \(expected)", details: Diagnostic.quote(source, loc)))
            }
            func badNumber<T: Sendable>(_ rule: SettingRule<T>, _ value: Node) {
                c.diagnostics.append(.error(path, loc, rule.message("'\(key)'", got: value.string ?? "(not a number)"),
                                            details: Diagnostic.quote(source, loc) + ["for example '\(key): \(rule.example)'"]))
            }
            switch key {
            case "output": if let s = v.string { c.output = s } else { bad("a folder name") }
            case "formats":
                if let seq = v.sequence { c.formats = seq.compactMap(\.string) }
                else if let s = v.string { c.formats = s.split(separator: ",").map { String($0).trimmingSpaces() } }
                else { bad("a list such as [html, md]") }
            case "katex": if let s = v.string, s == "cdn" || s == "local" { c.katex = s } else { bad("'cdn' or 'local'") }
            case "jobs": if let j = v.string.flatMap(SettingRules.jobs.parse) { c.jobs = j } else { badNumber(SettingRules.jobs, v) }
            case "timeout": if let t = v.string.flatMap(SettingRules.timeout.parse) { c.timeout = t } else { badNumber(SettingRules.timeout, v) }
            case "cache-dir": if let s = v.string { c.cacheDirectory = s } else { bad("a folder name") }
            case "execute":
                guard let m = v.mapping else { bad("a mapping (echo, eval, optimize, timeout, output)"); continue }
                for (ek, ev) in m {
                    guard let name = ek.string else { continue }
                    let eloc = ek.mark.map { SourceLocation(line: $0.line, column: $0.column) } ?? loc
                    if name == "timeout", SettingRules.timeout.parse(ev.string ?? "") == nil {
                        c.diagnostics.append(.error(path, eloc, SettingRules.timeout.message("'execute.timeout'", got: ev.string ?? "(not a number)"),
                                                    details: Diagnostic.quote(source, eloc) + ["for example 'timeout: \(SettingRules.timeout.example)' (seconds)"]))
                    } else if executeKeys.contains(name) {
                        c.execute[name] = ev.string ?? ""
                    } else {
                        c.diagnostics.append(unknown(name, eloc, among: executeKeys, path: path, source: source, section: "execute."))
                    }
                }
            case "sandbox":
                guard let m = v.mapping else { bad("a mapping (data, env, memory, processes)"); continue }
                for (sk, sv) in m {
                    guard let name = sk.string else { continue }
                    let sloc = sk.mark.map { SourceLocation(line: $0.line, column: $0.column) } ?? loc
                    func list() -> [String] { sv.sequence?.compactMap(\.string) ?? sv.string.map { [$0] } ?? [] }
                    switch name {
                    case "data":
                        let items: [Node] = sv.sequence.map { Array($0) } ?? [sv]
                        let entries = items.map { item in (item.string ?? "", item.mark) }
                        c.sandbox.dataFolders = []
                        for (entry, mark) in entries {
                            let eloc = mark.map { SourceLocation(line: $0.line, column: $0.column) } ?? sloc
                            guard let directory else { c.sandbox.dataFolders.append(entry); continue }
                            switch ProjectRoot.checkDataFolder(entry, base: directory, root: directory) {
                            case .success(let folder): c.sandbox.dataFolders.append(folder)
                            case .failure(let problem):
                                c.diagnostics.append(.error(path, eloc, "sandbox.data: " + problem.message,
                                                            details: Diagnostic.quote(source, eloc) + problem.details))
                            }
                        }
                    case "env": c.sandbox.environmentAllowList += list()
                    case "memory":
                        if let b = sv.string.flatMap(SettingRules.memory.parse) { c.sandbox.memoryLimit = b }
                        else { c.diagnostics.append(.error(path, sloc, SettingRules.memory.message("'sandbox.memory'", got: sv.string ?? "(not a size)"),
                                                           details: Diagnostic.quote(source, sloc) + ["for example 'memory: \(SettingRules.memory.example)'"])) }
                    case "processes":
                        if let n = sv.string.flatMap(SettingRules.processes.parse) { c.sandbox.processLimit = n }
                        else { c.diagnostics.append(.error(path, sloc, SettingRules.processes.message("'sandbox.processes'", got: sv.string ?? "(not a number)"),
                                                           details: Diagnostic.quote(source, sloc) + ["for example 'processes: \(SettingRules.processes.example)'"])) }
                    default:
                        c.diagnostics.append(unknown(name, sloc, among: sandboxKeys, path: path, source: source, section: "sandbox."))
                    }
                }
            default:
                c.diagnostics.append(unknown(key, loc, among: keys, path: path, source: source, section: ""))
            }
        }
        return c
    }

    static func unknown(_ key: String, _ loc: SourceLocation, among: [String], path: String, source: SourceText, section: String) -> Diagnostic {
        var details = Diagnostic.quote(source, loc)
        if let s = Suggest.closest(key, among: among) {
            details.append("did you mean '\(section)\(s)'?")
        } else {
            details.append("known keys: " + among.map { section + $0 }.joined(separator: ", "))
        }
        return .warning(path, loc, "unknown key '\(section)\(key)' is ignored", details: details)
    }
}
