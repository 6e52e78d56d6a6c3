#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Claims in blocks (DESIGN.md §1): each is recorded with its article line (blocks are
/// compiled under `#sourceLocation`, so `#line` is the article's line) and none stops
/// the run. `weave check` fails when any claim fails.
///
///     claim(crossover == 4608, "the quadratic term dominates beyond 6hd")
///     claim(err, near: 0, tolerance: 1e-12, "tiled equals naive")
///     claim(t, near: 2.0/3.0, relativeTolerance: 1e-8, "capture time")
///     claim(split, equals: [3, 1, 1], "the split of 5 parts")
///
/// Returns whether the claim holds, so code can branch on it.
@discardableResult
public func claim(_ condition: Bool, _ message: String, line: Int = #line, column: Int = #column) -> Bool {
    var w = JSONWriter(type: "claim")
    w.field("kind", "condition")
    w.field("line", line)
    w.field("column", column)
    w.field("message", message)
    w.field("passed", condition)
    w.field("block", __WeaveSession.currentBlock)
    Channel.send(w)
    return condition
}

/// `|value − expected| ≤ tolerance` (absolute). NaN never holds.
@discardableResult
public func claim<T: BinaryFloatingPoint>(_ value: T, near expected: T, tolerance: T, _ message: String,
                                          line: Int = #line, column: Int = #column) -> Bool {
    precondition(tolerance >= 0, "claim tolerance must be non-negative, got \(tolerance)")
    let passed = abs(value - expected) <= tolerance
    sendNear(Double(value), Double(expected), "±\(formatValue(Double(tolerance)))", passed, message, line, column)
    return passed
}

/// `|value − expected| ≤ relativeTolerance · |expected|`. NaN never holds.
@discardableResult
public func claim<T: BinaryFloatingPoint>(_ value: T, near expected: T, relativeTolerance: T, _ message: String,
                                          line: Int = #line, column: Int = #column) -> Bool {
    precondition(relativeTolerance >= 0, "claim relativeTolerance must be non-negative, got \(relativeTolerance)")
    let passed = abs(value - expected) <= relativeTolerance * abs(expected)
    sendNear(Double(value), Double(expected), "±\(formatValue(Double(relativeTolerance))) relative", passed, message, line, column)
    return passed
}

/// Integer values compared exactly.
@discardableResult
public func claim<T: BinaryInteger>(_ value: T, equals expected: T, _ message: String,
                                    line: Int = #line, column: Int = #column) -> Bool {
    sendEquals(String(value), String(expected), value == expected, message, line, column)
}

/// Any two values compared with `==`, both shown when the claim fails:
///
///     claim(split, equals: [3, 1, 1], "the split of 5 parts")
///     // claim failed: the split of 5 parts (computed [3, 1, 2], expected [3, 1, 1])
///
/// For arrays, strings, `Bool`, `Rational` and any other `Equatable` value with a
/// description (strings are shown quoted). Integers use the `BinaryInteger` overload
/// (the more specific one), floating-point values are compared exactly: use
/// `claim(_:near:tolerance:_:)` for computed reals.
@discardableResult
public func claim<T: Equatable & CustomStringConvertible>(_ value: T, equals expected: T, _ message: String,
                                                          line: Int = #line, column: Int = #column) -> Bool {
    sendEquals(claimText(value), claimText(expected), value == expected, message, line, column)
}

/// Pairs compared with `==`, both shown when the claim fails: `claim((p, q), equals: (3, 4), "…")`.
@discardableResult
public func claim<A: Equatable, B: Equatable>(_ value: (A, B), equals expected: (A, B), _ message: String,
                                              line: Int = #line, column: Int = #column) -> Bool {
    sendEquals(claimText(value), claimText(expected), value == expected, message, line, column)
}

/// Triples compared with `==`, both shown when the claim fails.
@discardableResult
public func claim<A: Equatable, B: Equatable, C: Equatable>(_ value: (A, B, C), equals expected: (A, B, C), _ message: String,
                                                            line: Int = #line, column: Int = #column) -> Bool {
    sendEquals(claimText(value), claimText(expected), value == expected, message, line, column)
}

/// How a claim shows a value: its description, strings quoted, tuples as `(a, b)`.
func claimText<T>(_ value: T) -> String {
    switch value {
    case let s as String: return String(reflecting: s)
    case let s as Substring: return String(reflecting: String(s))
    case let v as any CustomStringConvertible: return v.description
    default: break
    }
    let m = Mirror(reflecting: value)
    if m.displayStyle == .tuple {
        return "(" + m.children.map { claimText($0.value) }.joined(separator: ", ") + ")"
    }
    return String(describing: value)
}

private func sendEquals(_ actual: String, _ expected: String, _ passed: Bool, _ message: String,
                        _ line: Int, _ column: Int) -> Bool {
    var w = JSONWriter(type: "claim")
    w.field("kind", "exact")
    w.field("line", line)
    w.field("column", column)
    w.field("message", message)
    w.field("actual", actual)
    w.field("expected", expected)
    w.field("passed", passed)
    w.field("block", __WeaveSession.currentBlock)
    Channel.send(w)
    return passed
}

private func sendNear(_ value: Double, _ expected: Double, _ tol: String, _ passed: Bool, _ message: String, _ line: Int, _ column: Int) {
    var w = JSONWriter(type: "claim")
    w.field("kind", "near")
    w.field("line", line)
    w.field("column", column)
    w.field("message", message)
    w.field("actual", value.description)
    w.field("expected", expected.description)
    w.field("tolerance", tol)
    w.field("passed", passed)
    w.field("block", __WeaveSession.currentBlock)
    Channel.send(w)
}

/// Shows a table under the block (an HTML table in the page, a GFM table in Markdown).
public func show(_ table: Table) {
    show(table.build())
}

public func show(_ data: TableData) {
    var w = JSONWriter(type: "table")
    w.field("block", __WeaveSession.currentBlock)
    w.field("out", Channel.stdoutOffset())
    w.field("headers", data.headers)
    w.field("align", data.alignments.map(\.rawValue))
    w.field("rows", data.rows)
    w.field("caption", data.caption)
    Channel.send(w)
}

/// Shows a plot under the block (inline SVG in the page, `NAME_files/fig-N.svg` in
/// Markdown). Warnings of the plot (dropped points) are printed to standard error.
public func show(_ plot: Plot, caption: String? = nil) {
    for warning in plot.warnings {
        fputs("warning: \(warning)\n", stderr)
    }
    var w = JSONWriter(type: "figure")
    w.field("block", __WeaveSession.currentBlock)
    w.field("out", Channel.stdoutOffset())
    w.field("svg", plot.svg())
    w.field("caption", caption)
    w.field("alt", plot.title)
    Channel.send(w)
}
