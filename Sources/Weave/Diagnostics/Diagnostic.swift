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

    /// The first line: `path:line:col: error: message` (or `path: error: message`).
    public var headline: String {
        if let l = location {
            return "\(path):\(l.line):\(l.column): \(severity.rawValue): \(message)"
        }
        return "\(path): \(severity.rawValue): \(message)"
    }

    /// The headline and the detail lines, each detail indented by four spaces.
    public var description: String {
        ([headline] + details.map { "    " + $0 }).joined(separator: "\n")
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
}
