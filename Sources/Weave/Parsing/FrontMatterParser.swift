import Yams

/// Front matter: a YAML block at the very top of an article, between a `---` line
/// and a `---` (or `...`) line, as in pandoc, Quarto, Jekyll and Hugo.
enum FrontMatterParser {
    /// Parses the front matter of `source`; returns it, the byte where the Markdown
    /// body starts, and diagnostics (YAML errors with the article's line and column).
    static func parse(_ source: SourceText) -> (FrontMatter, Int, [Diagnostic]) {
        let b = source.bytes
        var start = 0
        if b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { start = 3 }  // BOM
        guard isDelimiter(source, line: 1, from: start, dashesOnly: true) else {
            return (FrontMatter(), 0, [])
        }
        var closing = -1
        var line = 2
        while line <= source.lineStarts.count {
            if isDelimiter(source, line: line, from: source.lineStarts[line - 1], dashesOnly: false) {
                closing = line
                break
            }
            line += 1
        }
        guard closing > 0 else {
            guard source.lineCount >= 2, looksLikeYAML(source.lineText(2)) else { return (FrontMatter(), 0, []) }
            let loc = SourceLocation(line: 1, column: 1)
            return (FrontMatter(), 0, [.warning(source.path, loc, "front matter is not closed: the first line is '---' but no later line is '---' or '...'",
                                                details: ["it is rendered as Markdown; add a line '---' after the YAML block"])])
        }
        let yamlRange = source.lineStarts[1]..<source.lineStarts[closing - 1]
        let bodyStart = closing < source.lineStarts.count ? source.lineStarts[closing] : b.count
        let yaml = source.text(yamlRange)
        var fm = FrontMatter(range: 0..<bodyStart)
        var diags: [Diagnostic] = []
        let lineOffset = 1  // YAML line 1 is article line 2
        // As in pandoc, the block is front matter only if it is a YAML mapping;
        // otherwise (`---` / `Foo` / `---`, or `---` / `---`) it is Markdown.
        let notFrontMatter = (FrontMatter(), 0, [Diagnostic]())
        do {
            guard let node = try Yams.compose(yaml: yaml), let mapping = node.mapping else { return notFrontMatter }
            flatten(mapping, prefix: "", into: &fm, lineOffset: lineOffset)
        } catch {
            // Invalid YAML: report it only when the block looks meant as front matter
            // (its first line is `key:`); otherwise it is Markdown.
            guard looksLikeYAML(yaml) else { return notFrontMatter }
            if let e = error as? YamlError {
                let (mark, problem) = describe(e)
                let loc = mark.map { SourceLocation(line: $0.line + lineOffset, column: max(1, $0.column)) }
                    ?? SourceLocation(line: 2, column: 1)
                diags.append(.error(source.path, loc, "invalid YAML in front matter: \(problem)",
                                    details: Diagnostic.quote(source, loc) + ["the front matter is ignored until this is fixed"]))
            } else {
                diags.append(.error(source.path, SourceLocation(line: 2, column: 1), "invalid YAML in front matter: \(error)"))
            }
        }
        return (fm, bodyStart, diags)
    }

    /// Errors for numeric front matter settings outside their rules (`SettingRules`):
    /// `timeout` and `execute.timeout`, at the line of the key that sets them.
    static func checkSettings(_ fm: FrontMatter, source: SourceText) -> [Diagnostic] {
        var diags: [Diagnostic] = []
        for key in ["timeout", "execute.timeout"] {
            guard let value = fm.values[key], SettingRules.timeout.parse(value) == nil else { continue }
            let top = key.split(separator: ".").first.map(String.init) ?? key
            let loc = fm.keys.first(where: { $0.key == top })?.location ?? SourceLocation(line: 1, column: 1)
            diags.append(.error(source.path, loc, SettingRules.timeout.message("'\(key)'", got: value),
                                details: Diagnostic.quote(source, loc) + ["for example 'timeout: \(SettingRules.timeout.example)' (seconds)"]))
        }
        return diags
    }

    /// The first non-blank line is `key:` or `key: value`.
    static func looksLikeYAML(_ yaml: String) -> Bool {
        guard let first = yaml.split(separator: "\n").first(where: { !$0.allSatisfy { $0 == " " || $0 == "\r" } }) else { return false }
        let t = first.drop(while: { $0 == " " })
        guard let colon = t.firstIndex(of: ":") else { return false }
        let key = t[..<colon]
        return !key.isEmpty && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
    }

    private static func isDelimiter(_ source: SourceText, line: Int, from: Int, dashesOnly: Bool) -> Bool {
        let r = source.lineRange(line)
        guard r.lowerBound <= from || line > 1 else { return false }
        var i = max(from, r.lowerBound)
        let b = source.bytes
        guard r.upperBound - i >= 3 else { return false }
        let c = b[i]
        guard c == 0x2D || (!dashesOnly && c == 0x2E) else { return false }
        guard b[i + 1] == c && b[i + 2] == c else { return false }
        i += 3
        while i < r.upperBound && (b[i] == 0x20 || b[i] == 0x09) { i += 1 }
        return i == r.upperBound
    }

    private static func flatten(_ mapping: Node.Mapping, prefix: String, into fm: inout FrontMatter, lineOffset: Int) {
        for (key, value) in mapping {
            guard let k = key.string else { continue }
            let full = prefix.isEmpty ? k : prefix + "." + k
            if prefix.isEmpty, let m = key.mark {
                fm.keys.append((key: k, location: SourceLocation(line: m.line + lineOffset, column: m.column)))
            }
            switch value {
            case .scalar(let s):
                fm.values[full] = s.string
            case .sequence(let seq):
                fm.values[full] = seq.compactMap { $0.string }.joined(separator: ", ")
            case .mapping(let m):
                flatten(m, prefix: full, into: &fm, lineOffset: lineOffset)
            case .alias:
                break
            }
        }
    }

    private static func describe(_ e: YamlError) -> (Mark?, String) {
        switch e {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let ctx = context.map { " (\($0.text))" } ?? ""
            return (mark, problem + ctx)
        case let .duplicatedKeysInMapping(duplicates, context):
            return (context.mark, "duplicated keys \(duplicates.joined(separator: ", "))")
        default:
            return (nil, "\(e)")
        }
    }
}
