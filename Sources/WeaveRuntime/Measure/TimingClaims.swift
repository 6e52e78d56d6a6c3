/// Claims on the conservative end of a confidence interval (DESIGN.md §1: claims about
/// time assert on the conservative end). A lower bound holds when the whole interval lies
/// above it, an upper bound when the whole interval lies below it, so a claim that passes
/// on a median that happened to clear the bound by chance fails here.
///
///     let c = compare({ _ = softmaxAttention(q, k, v) }, { _ = linearAttention(q, k, v) })
///     claim(c.ratio, above: 2, "softmax attention is more than 2x slower")     // c.ratio.lower > 2
///     claim(c.growthExponent(sizeRatio: 8), below: 1.5, "grows about like n")  // upper < 1.5
///
/// The claim is recorded like `claim(n, equals: m, …)`: on failure Weave prints the
/// message, the estimate with its interval and coverage, and the bound.
/// Returns whether the claim holds.
@discardableResult
public func claim(_ interval: ConfidenceInterval, above bound: Double, _ message: String,
                  line: Int = #line, column: Int = #column) -> Bool {
    precondition(!bound.isNaN, "claim(_:above:) needs a bound that is a number, got NaN")
    let passed = interval.lower > bound
    sendBoundClaim(interval, expected: "lower end of the interval > \(formatValue(bound))", passed, message, line, column)
    return passed
}

/// Holds when the whole interval lies below `bound` (`interval.upper < bound`); see
/// `claim(_:above:_:)`.
@discardableResult
public func claim(_ interval: ConfidenceInterval, below bound: Double, _ message: String,
                  line: Int = #line, column: Int = #column) -> Bool {
    precondition(!bound.isNaN, "claim(_:below:) needs a bound that is a number, got NaN")
    let passed = interval.upper < bound
    sendBoundClaim(interval, expected: "upper end of the interval < \(formatValue(bound))", passed, message, line, column)
    return passed
}

private func sendBoundClaim(_ interval: ConfidenceInterval, expected: String, _ passed: Bool, _ message: String,
                            _ line: Int, _ column: Int) {
    var w = JSONWriter(type: "claim")
    w.field("kind", "exact")
    w.field("line", line)
    w.field("column", column)
    w.field("message", message)
    w.field("actual", interval.description)
    w.field("expected", expected)
    w.field("passed", passed)
    w.field("block", __WeaveSession.currentBlock)
    Channel.send(w)
}
