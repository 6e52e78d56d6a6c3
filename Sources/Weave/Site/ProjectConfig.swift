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
    public var output: String?
    public var formats: [String]?
    public var katex: String?
    public var jobs: Int?
    public var timeout: Double?
    public var cacheDirectory: String?
    /// `execute.*` defaults, applied to articles whose front matter does not set them.
    public var execute: [String: String] = [:]
    public var diagnostics: [Diagnostic] = []

    public static let keys = ["output", "formats", "katex", "jobs", "timeout", "cache-dir", "execute"]
    public static let executeKeys = ["echo", "eval", "optimize", "timeout", "output"]

    public init() {}

    /// Finds `weave.yml` in `directory` or the nearest parent that has one (stopping at
    /// a folder with `.git`), and parses it. No file: an empty configuration.
    public static func load(from directory: String) -> ProjectConfig {
        var dir = directory
        while true {
            let candidate = FileIO.join(dir, "weave.yml")
            if FileIO.exists(candidate) {
                let display = dir == directory ? "weave.yml" : candidate
                guard let bytes = try? FileIO.read(candidate) else { return ProjectConfig() }
                return parse(path: display, bytes: bytes)
            }
            if FileIO.exists(FileIO.join(dir, ".git")) || dir == "/" || dir.isEmpty { return ProjectConfig() }
            let parent = FileIO.dirname(dir)
            if parent == dir || parent.isEmpty { return ProjectConfig() }
            dir = parent
        }
    }

    public static func parse(path: String, bytes: [UInt8]) -> ProjectConfig {
        var c = ProjectConfig()
        c.path = path
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
            switch key {
            case "output": if let s = v.string { c.output = s } else { bad("a folder name") }
            case "formats":
                if let seq = v.sequence { c.formats = seq.compactMap(\.string) }
                else if let s = v.string { c.formats = s.split(separator: ",").map { String($0).trimmingSpaces() } }
                else { bad("a list such as [html, md]") }
            case "katex": if let s = v.string, s == "cdn" || s == "local" { c.katex = s } else { bad("'cdn' or 'local'") }
            case "jobs": if let s = v.string, let j = Int(s), j >= 1 { c.jobs = j } else { bad("a positive integer") }
            case "timeout": if let s = v.string, let t = Double(s), t > 0 { c.timeout = t } else { bad("a positive number of seconds") }
            case "cache-dir": if let s = v.string { c.cacheDirectory = s } else { bad("a folder name") }
            case "execute":
                guard let m = v.mapping else { bad("a mapping (echo, eval, optimize, timeout, output)"); continue }
                for (ek, ev) in m {
                    guard let name = ek.string else { continue }
                    let eloc = ek.mark.map { SourceLocation(line: $0.line, column: $0.column) } ?? loc
                    if executeKeys.contains(name) {
                        c.execute[name] = ev.string ?? ""
                    } else {
                        c.diagnostics.append(unknown(name, eloc, among: executeKeys, path: path, source: source, section: "execute."))
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
