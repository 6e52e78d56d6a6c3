/// Whether an article's program must run alone (no other article's program running at the
/// same time), so that parallel jobs do not perturb its timings (issue 16).
///
/// Rule, in order:
/// 1. Front matter `exclusive: true` (or `yes`, `on`) → alone; `exclusive: false` (`no`,
///    `off`) → not alone, even if the code measures time (an opt-out for a function of the
///    article's own that happens to be called `measure`). Any other value is an error at
///    the key: `path:line:col: error: front matter 'exclusive' must be true or false, got 'sometimes'`.
/// 2. Without the key: alone when the code of a block that runs (`eval` not false) calls
///    the measurement API: the token `measure` or `compare` (not after `.`, so
///    `a.compare(b)` does not count) followed by `(` or a trailing closure `{`, outside
///    comments and string literals. A simple token test, not name resolution: a function
///    of the article's own with the same name also counts.
public enum ExclusiveRun {
    /// The decision for one article.
    public struct Decision: Sendable, Hashable {
        /// Run the article's program alone.
        public var exclusive: Bool
        /// Why, for `-v`: "front matter 'exclusive: true'", "calls measure( at line 12",
        /// or nil when not exclusive.
        public var reason: String?
        /// A bad `exclusive:` value, reported with the article.
        public var diagnostics: [Diagnostic]
    }

    /// The decision for `document` (see the rule above).
    public static func decide(_ document: Document) -> Decision {
        if let raw = document.frontMatter["exclusive"] {
            switch raw.lowercased() {
            case "true", "yes", "on": return Decision(exclusive: true, reason: "front matter 'exclusive: \(raw)'", diagnostics: [])
            case "false", "no", "off": return Decision(exclusive: false, reason: nil, diagnostics: [])
            default:
                let location = document.frontMatter.keys.first { $0.key == "exclusive" }?.location
                let d = Diagnostic.error(document.path, location, "front matter 'exclusive' must be true or false, got '\(raw)'",
                                         details: ["exclusive: true runs the article's program alone (for timings); the default is automatic (alone when it calls measure or compare)"])
                return Decision(exclusive: false, reason: nil, diagnostics: [d])
            }
        }
        for block in document.blocks where block.options.eval != false {
            if let hit = measurementCall(in: block.code) {
                return Decision(exclusive: true, reason: "calls \(hit.name) at line \(block.codeFirstLine + hit.line)", diagnostics: [])
            }
        }
        return Decision(exclusive: false, reason: nil, diagnostics: [])
    }

    /// The first call of `measure` or `compare` in Swift `code`: the name and the 0-based
    /// line within the code; nil when there is none (see the rule above).
    public static func measurementCall(in code: String) -> (name: String, line: Int)? {
        let s = Array(code.utf8)
        var i = 0, line = 0
        func isIdent(_ c: UInt8) -> Bool {
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c >= 0x80
        }
        func starts(_ text: String, at k: Int) -> Bool {
            let t = Array(text.utf8)
            return k + t.count <= s.count && Array(s[k..<(k + t.count)]) == t
        }
        while i < s.count {
            let c = s[i]
            if c == 0x0A { line += 1; i += 1; continue }
            if starts("//", at: i) {                       // line comment
                while i < s.count && s[i] != 0x0A { i += 1 }
                continue
            }
            if starts("/*", at: i) {                       // block comment (Swift nests them)
                var depth = 0
                repeat {
                    if starts("/*", at: i) { depth += 1; i += 2 }
                    else if starts("*/", at: i) { depth -= 1; i += 2 }
                    else { if s[i] == 0x0A { line += 1 }; i += 1 }
                } while depth > 0 && i < s.count
                continue
            }
            if c == 0x22 {                                 // string literal, "…" or """…"""
                let multi = starts("\"\"\"", at: i)
                i += multi ? 3 : 1
                while i < s.count {
                    if s[i] == 0x5C { i += 2; continue }   // escaped character
                    if multi ? starts("\"\"\"", at: i) : s[i] == 0x22 { i += multi ? 3 : 1; break }
                    if s[i] == 0x0A { if !multi { break }; line += 1 }
                    i += 1
                }
                continue
            }
            if isIdent(c) {
                let start = i
                while i < s.count && isIdent(s[i]) { i += 1 }
                let word = String(decoding: s[start..<i], as: UTF8.self)
                guard word == "measure" || word == "compare" else { continue }
                var p = start - 1
                while p >= 0 && (s[p] == 0x20 || s[p] == 0x09) { p -= 1 }
                if p >= 0 && s[p] == 0x2E && !starts("WeaveRuntime.", at: max(0, start - 13)) { continue }  // a method
                var n = i
                while n < s.count && (s[n] == 0x20 || s[n] == 0x09) { n += 1 }
                if n < s.count && (s[n] == 0x28 || s[n] == 0x7B) { return (word, line) }
                continue
            }
            i += 1
        }
        return nil
    }
}
