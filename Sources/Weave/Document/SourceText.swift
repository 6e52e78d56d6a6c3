/// The bytes of one article, with a line index for turning byte offsets into
/// `line:column` locations.
///
/// Lines are 1-based. Columns are 1-based and count Unicode scalars (so a CJK
/// character or an emoji is one column, as editors show it); an invalid UTF-8 byte
/// counts as one column. Line breaks are `\n`, `\r\n` or a lone `\r` (as in
/// CommonMark); the break belongs to the line it ends.
public struct SourceText: Sendable {
    /// The article's path as given by the user (used in diagnostics).
    public let path: String
    /// The article's bytes, exactly as read.
    public let bytes: [UInt8]
    /// Byte offset of the first byte of each line; `lineStarts[0] == 0`.
    public let lineStarts: [Int]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        var starts = [0]
        starts.reserveCapacity(bytes.count / 40 + 1)
        bytes.withUnsafeBufferPointer { p in
            let n = p.count
            var i = 0
            while i < n {
                let c = p[i]
                if c == 0x0A {
                    starts.append(i + 1)
                } else if c == 0x0D {
                    if i + 1 < n && p[i + 1] == 0x0A { i += 1 }
                    starts.append(i + 1)
                }
                i += 1
            }
        }
        // A final line break does not start a new (empty) line for location purposes,
        // but keeping it is harmless: offsets past the end map to that empty line.
        self.lineStarts = starts
    }

    public init(path: String, string: String) {
        self.init(path: path, bytes: Array(string.utf8))
    }

    /// Number of lines (a trailing line break does not add an empty last line).
    public var lineCount: Int {
        if let last = lineStarts.last, last == bytes.count, lineStarts.count > 1 {
            return lineStarts.count - 1
        }
        return lineStarts.count
    }

    /// 1-based line containing byte `offset` (clamped to the text).
    public func line(ofByte offset: Int) -> Int {
        let o = max(0, min(offset, bytes.count))
        // Binary search for the last line start <= o.
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= o { lo = mid } else { hi = mid - 1 }
        }
        return lo + 1
    }

    /// Location of byte `offset`.
    public func location(ofByte offset: Int) -> SourceLocation {
        let o = max(0, min(offset, bytes.count))
        let line = line(ofByte: o)
        let start = lineStarts[line - 1]
        return SourceLocation(line: line, column: SourceText.scalarCount(bytes, from: start, to: o) + 1)
    }

    /// Byte offset of `line` (1-based) and byte `column` (1-based) within it.
    public func offset(line: Int, byteColumn: Int) -> Int {
        guard line >= 1 else { return 0 }
        guard line <= lineStarts.count else { return bytes.count }
        return min(bytes.count, lineStarts[line - 1] + max(0, byteColumn - 1))
    }

    /// Byte range of line `line` (1-based) without its line break.
    public func lineRange(_ line: Int) -> Range<Int> {
        guard line >= 1, line <= lineStarts.count else { return bytes.count..<bytes.count }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] : bytes.count
        if end > start, bytes[end - 1] == 0x0A { end -= 1 }
        if end > start, bytes[end - 1] == 0x0D { end -= 1 }
        return start..<end
    }

    /// Text of line `line` (1-based) without its line break; invalid UTF-8 is repaired.
    public func lineText(_ line: Int) -> String {
        String(decoding: bytes[lineRange(line)], as: UTF8.self)
    }

    /// Text of a byte range (invalid UTF-8 is repaired with U+FFFD).
    public func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range.clamped(to: 0..<bytes.count)], as: UTF8.self)
    }

    /// Converts a 1-based byte column on `line` to a 1-based scalar column.
    public func scalarColumn(line: Int, byteColumn: Int) -> Int {
        let r = lineRange(line)
        let end = min(r.upperBound, r.lowerBound + max(0, byteColumn - 1))
        return SourceText.scalarCount(bytes, from: r.lowerBound, to: end) + 1
    }

    /// Counts Unicode scalars in `bytes[from..<to]`: every byte that is not a UTF-8
    /// continuation byte (10xxxxxx) starts one.
    static func scalarCount(_ bytes: [UInt8], from: Int, to: Int) -> Int {
        var n = 0
        var i = from
        while i < to {
            if bytes[i] & 0xC0 != 0x80 { n += 1 }
            i += 1
        }
        return n
    }
}

/// A 1-based `line:column` position in an article (column in Unicode scalars).
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }

    public var description: String { "\(line):\(column)" }
}
