/// An append-only byte buffer with the escaping routines the renderers need.
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    @inline(__always) mutating func put(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    @inline(__always) mutating func put(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    @inline(__always) mutating func put(_ b: UInt8) { bytes.append(b) }

    @inline(__always) mutating func put<C: Collection>(bytes b: C) where C.Element == UInt8 {
        bytes.append(contentsOf: b)
    }

    /// A line break unless the buffer is empty or already ends with one (cmark's `cr`).
    @inline(__always) mutating func cr() {
        if let last = bytes.last, last != 0x0A { bytes.append(0x0A) }
    }

    var endsWithNewline: Bool { bytes.last == 0x0A }

    /// HTML text escaping as cmark does it: `&`, `<`, `>`, `"`.
    mutating func escapeHTML(_ s: UnsafeBufferPointer<UInt8>) {
        escape(s, quotes: true)
    }

    /// Math escaping (DESIGN.md §2): only `&`, `<`, `>`.
    mutating func escapeMath(_ s: String) {
        var s = s
        s.withUTF8 { escape($0, quotes: false) }
    }

    mutating func escapeHTML(_ s: String) {
        var s = s
        s.withUTF8 { escape($0, quotes: true) }
    }

    @inline(__always)
    private mutating func escape(_ s: UnsafeBufferPointer<UInt8>, quotes: Bool) {
        let n = s.count
        var i = 0
        var from = 0
        while i < n {
            let c = s[i]
            if c <= 0x3E && (c == 0x26 || c == 0x3C || c == 0x3E || (quotes && c == 0x22)) {
                if i > from { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: s[from..<i])) }
                switch c {
                case 0x26: put("&amp;")
                case 0x3C: put("&lt;")
                case 0x3E: put("&gt;")
                default: put("&quot;")
                }
                from = i + 1
            }
            i += 1
        }
        if n > from { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: s[from..<n])) }
    }

    /// URL escaping as cmark's `houdini_escape_href`: safe characters pass, `&` and `'`
    /// become entities, everything else is percent-encoded.
    mutating func escapeHref(_ s: UnsafeBufferPointer<UInt8>) {
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        for c in s {
            if ByteWriter.hrefSafe[Int(c)] {
                bytes.append(c)
            } else if c == 0x26 {
                put("&amp;")
            } else if c == 0x27 {
                put("&#x27;")
            } else {
                bytes.append(0x25)
                bytes.append(hex[Int(c >> 4)])
                bytes.append(hex[Int(c & 0xF)])
            }
        }
    }

    static let hrefSafe: [Bool] = {
        var t = [Bool](repeating: false, count: 256)
        for c in UInt8(ascii: "a")...UInt8(ascii: "z") { t[Int(c)] = true }
        for c in UInt8(ascii: "A")...UInt8(ascii: "Z") { t[Int(c)] = true }
        for c in UInt8(ascii: "0")...UInt8(ascii: "9") { t[Int(c)] = true }
        for c in "-_.+!*(),%#@?=;:/$~".utf8 { t[Int(c)] = true }
        return t
    }()
}
