import Dispatch

/// Row-wise softmax: softmax(x)ⱼ = exp(xⱼ − max x) / Σₖ exp(xₖ − max x) for each row.
///
/// Subtracting the row maximum makes every exponent ≤ 0, so nothing overflows and the
/// largest term is exactly 1 (the sum is ≥ 1); the result equals the unshifted formula
/// exactly in real arithmetic. A row whose entries are all −∞ (or contain +∞ or NaN) has no
/// softmax and yields NaN entries, as numpy/scipy do. Vectorised (`Real.vectorExpShiftSum`).
/// O(rows·cols) time, one output matrix. Reference: scipy.special.softmax; Goodfellow,
/// Bengio & Courville, Deep Learning §4.1.
@_specialize(where T == Double)
@_specialize(where T == Float)
public func softmaxRows<T: Real>(_ x: Matrix<T>) -> Matrix<T> {
    var out = x
    let c = x.cols
    out.withUnsafeMutableBufferPointer { p in
        for i in 0..<x.rows { softmaxInPlace(p.baseAddress! + i * c, count: c) }
    }
    return out
}

/// log Σⱼ exp(xᵢⱼ) for every row, computed as mᵢ + log Σⱼ exp(xᵢⱼ − mᵢ), mᵢ = maxⱼ xᵢⱼ.
/// An empty row gives −∞. O(rows·cols).
@_specialize(where T == Double)
@_specialize(where T == Float)
public func logSumExpRows<T: Real>(_ x: Matrix<T>) -> [T] {
    var work = x
    let c = x.cols
    return work.withUnsafeMutableBufferPointer { p in
        (0..<x.rows).map { i in
            let row = p.baseAddress! + i * c
            let m = T.vectorMax(row, count: c)
            if c == 0 || !m.isFinite { return c == 0 ? -T.infinity : m }
            return m + T.log(T.vectorExpShiftSum(row, count: c, shift: m))
        }
    }
}

/// In-place stable softmax of `count` contiguous entries (see `softmaxRows`).
@inline(__always)
func softmaxInPlace<T: Real>(_ row: UnsafeMutablePointer<T>, count: Int) {
    if count == 0 { return }
    let m = T.vectorMax(row, count: count)
    let s = T.vectorExpShiftSum(row, count: count, shift: m)
    let inv = 1 / s
    for j in 0..<count { row[j] *= inv }
}

/// A pointer that may be shared with the worker threads of `parallelFor`; each worker must
/// touch a disjoint part of the memory.
struct SharedPointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}

/// Runs body(0..<count) on up to `count` threads with Dispatch (inline when count == 1).
func parallelFor(_ count: Int, _ body: @Sendable (Int) -> Void) {
    if count <= 1 {
        for t in 0..<count { body(t) }
        return
    }
    DispatchQueue.concurrentPerform(iterations: count, execute: body)
}
