/// A problem found in an article, reported as `path:line:col: severity: message`
/// followed by optional detail lines (indented), like a compiler.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error, warning, note
    }

    public var severity: Severity
    public var path: String
    public var location: SourceLocation?
    public var message: String
    /// Extra lines shown under the message (the quoted input, a suggested fix,
    /// compiler output, the block's partial output …).
    public var details: [String]

    public init(_ severity: Severity, path: String, location: SourceLocation?, message: String, details: [String] = []) {
        self.severity = severity
        self.path = path
        self.location = location
        self.message = message
        self.details = details
    }

    public static func error(_ path: String, _ location: SourceLocation?, _ message: String, details: [String] = []) -> Diagnostic {
        Diagnostic(.error, path: path, location: location, message: message, details: details)
    }

    public static func warning(_ path: String, _ location: SourceLocation?, _ message: String, details: [String] = []) -> Diagnostic {
        Diagnostic(.warning, path: path, location: location, message: message, details: details)
    }

    /// The first line: `path:line:col: error: message` (or `path: error: message`), with
    /// control characters in the path and message escaped (`escapingControlCharacters`),
    /// so that a message cannot clear the terminal or forge another line.
    public var headline: String {
        let p = Diagnostic.escapingControlCharacters(path), m = Diagnostic.escapingControlCharacters(message)
        if let l = location {
            return "\(p):\(l.line):\(l.column): \(severity.rawValue): \(m)"
        }
        return "\(p): \(severity.rawValue): \(m)"
    }

    /// The detail lines as printed: a line feed inside a detail starts a new detail line;
    /// every other control character is escaped.
    public var printedDetails: [String] {
        details.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false) }
            .map { Diagnostic.escapingControlCharacters(String($0)) }
    }

    /// The headline and the detail lines, each detail indented by four spaces.
    public var description: String {
        ([headline] + printedDetails.map { "    " + $0 }).joined(separator: "\n")
    }

    /// `s` with every control character except the tab — C0 (including line feed,
    /// carriage return and ESC), DEL and C1 (U+0080–U+009F) — written as a Swift escape,
    /// e.g. ESC as `\u{1B}`; everything else unchanged.
    public static func escapingControlCharacters(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isEscapedScalar) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if isEscapedScalar(u) {
                out.append(contentsOf: "\\u{\(String(u.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(u)
            }
        }
        return String(out)
    }

    /// Control characters that text output escapes (all but the tab).
    public static func isEscapedScalar(_ u: Unicode.Scalar) -> Bool {
        (u.value < 0x20 && u != "\t") || (u.value >= 0x7F && u.value <= 0x9F)
    }

    public var isError: Bool { severity == .error }
}

extension Diagnostic {
    /// A caret line for a location: the source line, then `^` under the column.
    static func quote(_ source: SourceText, _ location: SourceLocation) -> [String] {
        let line = source.lineText(location.line)
        // Keep quoted lines short.
        let scalars = Array(line.unicodeScalars)
        let start = max(0, location.column - 1 - 60)
        let end = min(scalars.count, start + 120)
        var quoted = String(String.UnicodeScalarView(scalars[start..<end]))
        if start > 0 { quoted = "…" + quoted }
        if end < scalars.count { quoted += "…" }
        let caretPad = location.column - 1 - start + (start > 0 ? 1 : 0)
        return [quoted, String(repeating: " ", count: max(0, caretPad)) + "^"]
    }

    /// `quote(_:_:)` for a location whose byte offset is known: reads only the quoted
    /// characters, not the whole line (so that many diagnostics on one long line do not
    /// take quadratic time). Same output for valid UTF-8.
    static func quote(_ source: SourceText, _ location: SourceLocation, byteOffset: Int) -> [String] {
        let b = source.bytes
        let o = max(0, min(byteOffset, b.count))
        let lineStart = source.lineStarts[source.line(ofByte: o) - 1]
        // Back up to 60 scalars (a scalar starts at every byte that is not 10xxxxxx).
        var start = o, back = 0
        while start > lineStart && back < 60 {
            start -= 1
            if b[start] & 0xC0 != 0x80 { back += 1 }
        }
        // Then up to 120 scalars, not past the line break.
        var end = start, count = 0
        while end < b.count && b[end] != 0x0A && b[end] != 0x0D {
            if b[end] & 0xC0 != 0x80 {
                if count == 120 { break }
                count += 1
            }
            end += 1
        }
        var quoted = String(decoding: b[start..<end], as: UTF8.self)
        if start > lineStart { quoted = "…" + quoted }
        if end < b.count && b[end] != 0x0A && b[end] != 0x0D { quoted += "…" }
        return [quoted, String(repeating: " ", count: back + (start > lineStart ? 1 : 0)) + "^"]
    }
}
