#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The entry points that Weave's generated program calls around the article's code.
/// Not for authors: the names are prefixed to stay out of their way.
public enum __WeaveSession {
    nonisolated(unsafe) static var currentBlock: Int = -1

    /// Called first: line-buffered standard output (so a trap loses at most a partial
    /// line), the output cap (`WEAVE_OUTPUT_CAP` bytes, enforced with RLIMIT_FSIZE: a
    /// program that prints more is stopped by SIGXFSZ), and the channel.
    public static func start() {
        setvbuf(stdout, nil, _IOLBF, 0)
        if let cap = getenv("WEAVE_OUTPUT_CAP").flatMap({ Int(String(cString: $0)) }), cap > 0 {
            var lim = rlimit(rlim_cur: rlim_t(cap), rlim_max: rlim_t(cap))
            _ = setrlimit(Int32(RLIMIT_FSIZE.rawValue), &lim)
        }
        Channel.open()
        #if canImport(Glibc)
        SandboxTrap.install()
        #endif
        var w = JSONWriter(type: "start")
        w.field("out", Channel.stdoutOffset())
        Channel.send(w)
    }

    /// Block `index` begins; `timeout` (seconds) stops the program with SIGALRM if the
    /// block runs longer.
    public static func beginBlock(_ index: Int, timeout: Int = 0) {
        currentBlock = index
        var w = JSONWriter(type: "begin")
        w.field("block", index)
        w.field("out", Channel.stdoutOffset())
        if timeout > 0 { w.field("timeout", timeout) }
        Channel.send(w)
        alarm(UInt32(max(0, timeout)))
    }

    public static func endBlock(_ index: Int) {
        alarm(0)
        var w = JSONWriter(type: "end")
        w.field("block", index)
        w.field("out", Channel.stdoutOffset())
        Channel.send(w)
        currentBlock = -1
    }

    /// The value of inline expression `index`, formatted for prose.
    public static func inlineValue<T>(_ index: Int, _ value: T) {
        var w = JSONWriter(type: "inline")
        w.field("index", index)
        w.field("value", inlineText(value))
        Channel.send(w)
    }

    /// A prose claim `EXPR ≈ LITERAL`: sends the value with full precision; Weave
    /// compares it with the literal to the literal's precision.
    public static func proseApprox<T: BinaryFloatingPoint>(_ index: Int, line: Int, column: Int, _ value: T, literal: String) {
        sendApprox(index, line: line, column: column, actual: Double(value).description, literal: literal)
    }

    public static func proseApprox<T: BinaryInteger>(_ index: Int, line: Int, column: Int, _ value: T, literal: String) {
        sendApprox(index, line: line, column: column, actual: String(value), literal: literal)
    }

    static func sendApprox(_ index: Int, line: Int, column: Int, actual: String, literal: String) {
        var w = JSONWriter(type: "claim")
        w.field("kind", "approx")
        w.field("inline", index)
        w.field("line", line)
        w.field("column", column)
        w.field("actual", actual)
        w.field("expected", literal)
        Channel.send(w)
    }

    /// A prose claim `EXPR == LITERAL`, decided here with `==`.
    public static func proseExact<T: Equatable>(_ index: Int, line: Int, column: Int, _ value: T, _ expected: T, literal: String) {
        var w = JSONWriter(type: "claim")
        w.field("kind", "exact")
        w.field("inline", index)
        w.field("line", line)
        w.field("column", column)
        w.field("actual", inlineText(value))
        w.field("expected", literal)
        w.field("passed", value == expected)
        Channel.send(w)
    }

    /// The program reached its end.
    public static func finish() {
        var w = JSONWriter(type: "done")
        w.field("out", Channel.stdoutOffset())
        Channel.send(w)
    }
}

/// Formats any value for prose: numbers by `formatValue`'s rule, strings as they are,
/// optionals unwrapped ("nil"), arrays `[1, 2, 3]`, tuples `(1, 2)`, other values by
/// `String(describing:)`.
public func inlineText<T>(_ value: T) -> String {
    switch value {
    case let v as Double: return formatValue(v)
    case let v as Float: return formatValue(v)
    case let v as Int: return formatValue(v)
    case let v as Int64: return formatValue(v)
    case let v as Int32: return formatValue(v)
    case let v as UInt: return formatValue(v)
    case let v as UInt64: return formatValue(v)
    case let v as Bool: return formatValue(v)
    case let v as String: return v
    case let v as Substring: return String(v)
    case let v as any CustomStringConvertible & BinaryInteger: return v.description
    default: break
    }
    let m = Mirror(reflecting: value)
    switch m.displayStyle {
    case .optional:
        guard let child = m.children.first else { return "nil" }
        return inlineText(child.value)
    case .collection, .set:
        return "[" + m.children.map { inlineText($0.value) }.joined(separator: ", ") + "]"
    case .tuple:
        return "(" + m.children.map { inlineText($0.value) }.joined(separator: ", ") + ")"
    default:
        return String(describing: value)
    }
}
