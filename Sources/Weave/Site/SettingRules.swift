/// The one place where the numeric settings of Weave are read and range-checked
/// (issue 15, item 4): front matter `timeout`, block option `//| timeout:`, the command
/// line's `--timeout` and `--jobs`, and `weave.yml`'s `timeout`, `jobs`,
/// `execute.timeout`, `sandbox.memory` and `sandbox.processes` all go through these rules,
/// so no value that would overflow an `Int`, wait forever or ask for an absurd resource
/// ever reaches the code that runs articles.
///
/// | setting | allowed | text |
/// |---|---|---|
/// | timeout | 0 < t ≤ 86 400 s (one day) | decimal: `60`, `2.5`, `1e3` |
/// | jobs | 1 … 1024 | ASCII digits: `4` |
/// | sandbox.processes | 1 … 65 536 | ASCII digits: `256` |
/// | sandbox.memory | 64 MiB … 1 TiB | decimal with an optional binary unit: `4G`, `512M`, `4.5GiB`, `68719476736` |
///
/// The text must be ASCII: an optional sign, digits, an optional fraction and an optional
/// exponent (`[+-]D[.D][e[+-]D]`, or `.D`), with surrounding spaces ignored. Everything
/// else is refused before any conversion: `nan`, `inf`, `.inf` (YAML), hexadecimal
/// (`0x10`, which `Double.init` would accept), digits of other scripts (`٣`, `３`),
/// thousands separators, and texts longer than 64 characters.
public enum SettingRules {
    /// Seconds one article (or block) may run: 0 < t ≤ 86 400.
    public static let timeout = SettingRule<Double>(
        name: "timeout", requirement: "a positive number of seconds, at most 86400 (one day)", example: "600",
        read: { text in
            guard let v = SettingRules.decimal(text), v > 0, v <= SettingRules.maximumTimeout else { return nil }
            return v
        })

    /// Articles processed at once: 1 … 1024.
    public static let jobs = SettingRule<Int>(
        name: "jobs", requirement: "a positive integer, at most 1024", example: "4",
        read: { SettingRules.integer($0, in: 1...1024) })

    /// Processes (and threads) of one article's program: 1 … 65 536.
    public static let processes = SettingRule<Int>(
        name: "sandbox.processes", requirement: "a positive integer, at most 65536", example: "256",
        read: { SettingRules.integer($0, in: 1...65_536) })

    /// Address space of one article's program, in bytes: 64 MiB … 1 TiB.
    public static let memory = SettingRule<Int>(
        name: "sandbox.memory", requirement: "a size from 64M to 1T, such as 4G or 512M", example: "4G",
        read: { SettingRules.bytes($0, in: (64 << 20)...(1 << 40)) })

    /// The largest timeout accepted, in seconds (one day).
    public static let maximumTimeout: Double = 86_400

    /// Longest setting text considered at all.
    static let maximumLength = 64

    /// A strict ASCII decimal number (see the type's documentation), or nil. The
    /// result may be negative, zero or infinite (`1e309`); callers check the range.
    public static func decimal(_ text: String) -> Double? {
        let t = trimmed(text)
        guard !t.isEmpty, t.utf8.count <= maximumLength, isDecimal(Array(t.utf8)) else { return nil }
        guard let v = Double(t), v.isFinite else { return nil }
        return v
    }

    /// Whether `b` is `[+-]? (D+ (. D*)? | . D+) ([eE] [+-]? D+)?` with ASCII digits `D`.
    static func isDecimal(_ b: [UInt8]) -> Bool {
        var i = 0
        func digits() -> Int {
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            return i - start
        }
        if i < b.count, b[i] == 0x2B || b[i] == 0x2D { i += 1 }
        var mantissa = digits()
        if i < b.count, b[i] == 0x2E {
            i += 1
            mantissa += digits()
        }
        guard mantissa > 0 else { return false }
        if i < b.count, b[i] == 0x65 || b[i] == 0x45 {
            i += 1
            if i < b.count, b[i] == 0x2B || b[i] == 0x2D { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == b.count
    }

    /// A whole number written as ASCII digits (an optional `+`), inside `range`, or nil.
    static func integer(_ text: String, in range: ClosedRange<Int>) -> Int? {
        var t = Substring(trimmed(text))
        if t.hasPrefix("+") { t = t.dropFirst() }
        // 18 digits cannot overflow Int64; more are out of every range anyway.
        guard !t.isEmpty, t.utf8.count <= 18, t.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let v = Int(t), range.contains(v) else { return nil }
        return v
    }

    /// A size in bytes: a decimal number and an optional binary unit `K`, `M`, `G`, `T`
    /// (`KB`/`KiB` … accepted, any case; `4G` = 4 × 2³⁰), rounded down to whole bytes,
    /// inside `range`, or nil.
    static func bytes(_ text: String, in range: ClosedRange<Int>) -> Int? {
        var t = trimmed(text).uppercased()
        for suffix in ["IB", "B"] where t.hasSuffix(suffix) && t.count > suffix.count {
            t.removeLast(suffix.count)
            break
        }
        var scale: Double = 1
        if let unit = t.last, let power = ["K": 10.0, "M": 20.0, "G": 30.0, "T": 40.0][String(unit)] {
            scale = Double(1 << Int(power))
            t.removeLast()
        }
        guard let number = decimal(t) else { return nil }
        let value = (number * scale).rounded(.down)
        // Compare as Double first: `Int(value)` traps beyond Int.max.
        guard value.isFinite, value >= Double(range.lowerBound), value <= Double(range.upperBound) else { return nil }
        return Int(value)
    }

    static func trimmed(_ text: String) -> String {
        var s = Substring(text)
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return String(s)
    }

    /// `text` as quoted in an error message: control characters escaped (`\n`, `\u{1B}`),
    /// cut to 40 characters, so that a hostile value cannot forge more output lines.
    public static func quoted(_ text: String) -> String {
        var out = ""
        var count = 0
        for u in text.unicodeScalars {
            if count == 40 { out += "…"; break }
            count += 1
            switch u {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "'": out += "\\'"
            case "\\": out += "\\\\"
            default:
                if u.value < 0x20 || (u.value >= 0x7F && u.value < 0xA0) {
                    out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return "'" + out + "'"
    }
}

/// How one numeric setting is read: its name, the allowed values as a phrase, and the
/// parser that accepts exactly those values.
public struct SettingRule<Value: Sendable>: Sendable {
    /// The setting's name as written in `weave.yml` (`timeout`, `sandbox.memory`).
    public let name: String
    /// What is allowed, as the end of "must be …": `a positive integer, at most 1024`.
    public let requirement: String
    /// A valid value, for "for example" hints.
    public let example: String
    let read: @Sendable (String) -> Value?

    /// The value of `text`, or nil when it is not allowed (not a number, out of range).
    public func parse(_ text: String) -> Value? {
        read(text)
    }

    /// The error message for a refused `text`: `SUBJECT must be REQUIREMENT (got 'TEXT')`,
    /// with `subject` such as `option 'timeout'`, `'sandbox.memory'` or `--jobs`.
    public func message(_ subject: String, got text: String) -> String {
        "\(subject) must be \(requirement) (got \(SettingRules.quoted(text)))"
    }
}
