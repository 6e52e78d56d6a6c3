#if canImport(Glibc)
import Glibc
#endif

// Vectorised exponential and reductions over contiguous buffers.
//
// Algorithm (Cody–Waite range reduction, as in fdlibm's e_exp.c and Cephes):
//   k = round(x / ln 2)  (by adding and subtracting 1.5·2⁵² — the "shifter" trick; the low
//                         bits of the shifted value are k, so 2ᵏ is built from them),
//   r = x − k·ln2_hi − k·ln2_lo,  |r| ≤ ln2/2 (ln2_hi has trailing zeros, so k·ln2_hi is exact),
//   eʳ ≈ 1 + r + r²·q(r), q of degree 9 fitted for relative error (Double; 3.6·10⁻¹⁸,
//                         Tests/ComputeTests/Core/reference/exp_minimax.py)
//   eʳ ≈ 1 + r + … + r⁷/7!              (Float;  truncation error < 6·10⁻⁹ relative)
//   the polynomial r²·q(r) evaluated by Estrin's scheme, k·ln2 subtracted, with fused
//   multiply-adds.
//   eˣ = 2ᵏ·eʳ, 2ᵏ built as the bit pattern (k + bias) << mantissa bits.
// The fast path needs every lane with a normal result: x ∈ [−708.3, 709.7] (Double),
// [−87.3, 88.7] (Float). Otherwise (subnormal or zero results, overflow, ±∞, NaN) the
// vector is done lane by lane with Glibc's exp, so edge cases match Glibc exactly.
// Accuracy against Glibc: ≤ 2 ulp (tested on a grid and random points in the fast range).

@usableFromInline let expShifterD: Double = 6755399441055744.0  // 1.5 · 2^52
@usableFromInline let expShifterF: Float = 12582912.0  // 1.5 · 2^23

/// eˣ for eight doubles (see the comment at the top of VectorMath.swift): one AVX-512
/// register when Compute is built for such a CPU (`-target-cpu native`), two AVX2 ones otherwise.
@inline(__always)
func simdExp(_ x: SIMD8<Double>) -> SIMD8<Double> {
    let lo = SIMD8<Double>(repeating: -708.3), hi = SIMD8<Double>(repeating: 709.7)
    if _slowPath(any((x .< lo) .| (x .> hi) .| (x .!= x))) {
        var out = SIMD8<Double>()
        for i in 0..<8 { out[i] = Glibc.exp(x[i]) }
        return out
    }
    return simdExpInRange(x)
}

/// eˣ for eight doubles in [−708.3, 709.7] (no range check: outside it the result is wrong).
@inline(__always)
func simdExpInRange(_ x: SIMD8<Double>) -> SIMD8<Double> {
    let shifter = SIMD8<Double>(repeating: expShifterD)
    let t = fma(x, SIMD8(repeating: 1.4426950408889634), shifter)
    let k = t - shifter
    // r = x − k·ln2_hi − k·ln2_lo (ln2_hi has 21 trailing zero bits, so k·ln2_hi is exact)
    let r = fma(k, SIMD8(repeating: -1.90821492927058770002e-10), fma(k, SIMD8(repeating: -6.93147180369123816490e-01), x))
    // e^r − 1 − r = r²·q(r), q of degree 9 fitted for relative error 3.6·10⁻¹⁸ on
    // |r| ≤ ln2/2 (Tests/ComputeTests/Core/reference/exp_minimax.py), Estrin's scheme.
    let r2 = r * r, r4 = r2 * r2
    let a0 = fma(r, SIMD8(repeating: 0.16666666666666412756), SIMD8(repeating: 0.50000000000000106186))
    let a1 = fma(r, SIMD8(repeating: 0.0083333333334943348889), SIMD8(repeating: 0.041666666666530251132))
    let a2 = fma(r, SIMD8(repeating: 0.00019841269506790163998), SIMD8(repeating: 0.0013888888943601349476))
    let a3 = fma(r, SIMD8(repeating: 2.7557586248189413417e-6), SIMD8(repeating: 0.000024801493132647703764))
    let a4 = fma(r, SIMD8(repeating: 2.5000080062583011105e-8), SIMD8(repeating: 2.7630235104209462861e-7))
    let b0 = fma(r2, a1, a0), b1 = fma(r2, a3, a2)
    let q = fma(r4, fma(r4, a4, b1), b0)
    // e^r = 1 + (r + r²·q)  (adding the small part first keeps the last rounding clean)
    let er = SIMD8<Double>(repeating: 1.0) + fma(r2, q, r)
    let bits = unsafeBitCast(t, to: SIMD8<UInt64>.self)
    let scale = unsafeBitCast((bits &+ 1023) &<< 52, to: SIMD8<Double>.self)
    return er * scale
}

/// eˣ for sixteen floats (see the comment at the top of VectorMath.swift), like the Double one.
@inline(__always)
func simdExp(_ x: SIMD16<Float>) -> SIMD16<Float> {
    let lo = SIMD16<Float>(repeating: -87.3), hi = SIMD16<Float>(repeating: 88.7)
    if _slowPath(any((x .< lo) .| (x .> hi) .| (x .!= x))) {
        var out = SIMD16<Float>()
        for i in 0..<16 { out[i] = Glibc.expf(x[i]) }
        return out
    }
    return simdExpInRange(x)
}

/// eˣ for sixteen floats in [−87.3, 88.7] (no range check: outside it the result is wrong).
@inline(__always)
func simdExpInRange(_ x: SIMD16<Float>) -> SIMD16<Float> {
    let shifter = SIMD16<Float>(repeating: expShifterF)
    let t = fma(x, SIMD16(repeating: 1.44269504088896341), shifter)
    let k = t - shifter
    let r = fma(k, SIMD16(repeating: 2.12194440e-4), fma(k, SIMD16(repeating: -0.693359375), x))
    // e^r − 1 − r = r²·q(r), q of degree 5 (coefficients 1/(j+2)!), Estrin's scheme.
    let r2 = r * r, r4 = r2 * r2
    let a0 = fma(r, SIMD16(repeating: 1.0 / 6.0), SIMD16(repeating: 0.5))
    let a1 = fma(r, SIMD16(repeating: 1.0 / 120.0), SIMD16(repeating: 1.0 / 24.0))
    let a2 = fma(r, SIMD16(repeating: 1.0 / 5040.0), SIMD16(repeating: 1.0 / 720.0))
    let q = fma(r4, a2, fma(r2, a1, a0))
    let er = SIMD16<Float>(repeating: 1.0) + fma(r2, q, r)
    let bits = unsafeBitCast(t, to: SIMD16<UInt32>.self)
    let scale = unsafeBitCast((bits &+ 127) &<< 23, to: SIMD16<Float>.self)
    return er * scale
}

/// a·b + c with one rounding (vfmadd).
@inline(__always) func fma(_ a: SIMD8<Double>, _ b: SIMD8<Double>, _ c: SIMD8<Double>) -> SIMD8<Double> {
    c.addingProduct(a, b)
}
@inline(__always) func fma(_ a: SIMD16<Float>, _ b: SIMD16<Float>, _ c: SIMD16<Float>) -> SIMD16<Float> {
    c.addingProduct(a, b)
}

@inline(__always) private func load4(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
}
@inline(__always) private func load8(_ p: UnsafePointer<Double>) -> SIMD8<Double> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Double>.self)
}
@inline(__always) private func store8(_ v: SIMD8<Double>, _ p: UnsafeMutablePointer<Double>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Double>.self)
}
@inline(__always) private func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}
@inline(__always) private func store16(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
}
@inline(__always) private func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

/// p[i] ← exp(p[i]), eight lanes at a time; the last partial vector is padded with zeros.
func expBufferD(_ p: UnsafeMutablePointer<Double>, _ count: Int) {
    var i = 0
    while i &+ 8 <= count {
        store8(simdExp(load8(p + i)), p + i)
        i &+= 8
    }
    if i < count {
        var tail = SIMD8<Double>(repeating: 0)
        for j in 0..<(count &- i) { tail[j] = p[i &+ j] }
        let e = simdExp(tail)
        for j in 0..<(count &- i) { p[i &+ j] = e[j] }
    }
}

/// The softmax kernel: p[i] ← exp(p[i] − shift) and Σ p[i], 16 doubles per step in two
/// accumulators; the last partial vector is padded with `shift` (exp(0), not summed).
func expShiftSumD(_ p: UnsafeMutablePointer<Double>, _ count: Int, _ shift: Double) -> Double {
    let s = SIMD8<Double>(repeating: shift)
    var acc0 = SIMD8<Double>(repeating: 0), acc1 = SIMD8<Double>(repeating: 0)
    var i = 0
    while i &+ 16 <= count {
        let e0 = simdExp(load8(p + i) - s)
        let e1 = simdExp(load8(p + (i &+ 8)) - s)
        store8(e0, p + i)
        store8(e1, p + (i &+ 8))
        acc0 += e0
        acc1 += e1
        i &+= 16
    }
    while i &+ 8 <= count {
        let e0 = simdExp(load8(p + i) - s)
        store8(e0, p + i)
        acc0 += e0
        i &+= 8
    }
    var total = (acc0 + acc1).sum()
    if i < count {
        var tail = s
        for j in 0..<(count &- i) { tail[j] = p[i &+ j] }
        let e = simdExp(tail - s)
        for j in 0..<(count &- i) { p[i &+ j] = e[j]; total += e[j] }
    }
    return total
}

func maxD(_ p: UnsafePointer<Double>, _ count: Int) -> Double {
    var m0 = SIMD4<Double>(repeating: -.infinity), m1 = m0
    var i = 0
    while i &+ 8 <= count {
        m0 = pointwiseMax(m0, load4(p + i))
        m1 = pointwiseMax(m1, load4(p + (i &+ 4)))
        i &+= 8
    }
    var m = pointwiseMax(m0, m1).max()
    while i < count {
        m = Swift.max(m, p[i])
        i &+= 1
    }
    return m
}

/// p[i] ← exp(p[i]), sixteen lanes at a time; the last partial vector is padded with zeros.
func expBufferF(_ p: UnsafeMutablePointer<Float>, _ count: Int) {
    var i = 0
    while i &+ 16 <= count {
        store16(simdExp(load16(p + i)), p + i)
        i &+= 16
    }
    if i < count {
        var tail = SIMD16<Float>(repeating: 0)
        for j in 0..<(count &- i) { tail[j] = p[i &+ j] }
        let e = simdExp(tail)
        for j in 0..<(count &- i) { p[i &+ j] = e[j] }
    }
}

/// The Float softmax kernel, as `expShiftSumD` with 32 floats per step.
func expShiftSumF(_ p: UnsafeMutablePointer<Float>, _ count: Int, _ shift: Float) -> Float {
    let s = SIMD16<Float>(repeating: shift)
    var acc0 = SIMD16<Float>(repeating: 0), acc1 = SIMD16<Float>(repeating: 0)
    var i = 0
    while i &+ 32 <= count {
        let e0 = simdExp(load16(p + i) - s)
        let e1 = simdExp(load16(p + (i &+ 16)) - s)
        store16(e0, p + i)
        store16(e1, p + (i &+ 16))
        acc0 += e0
        acc1 += e1
        i &+= 32
    }
    while i &+ 16 <= count {
        let e0 = simdExp(load16(p + i) - s)
        store16(e0, p + i)
        acc0 += e0
        i &+= 16
    }
    var total = (acc0 + acc1).sum()
    if i < count {
        var tail = s
        for j in 0..<(count &- i) { tail[j] = p[i &+ j] }
        let e = simdExp(tail - s)
        for j in 0..<(count &- i) { p[i &+ j] = e[j]; total += e[j] }
    }
    return total
}

func maxF(_ p: UnsafePointer<Float>, _ count: Int) -> Float {
    var m0 = SIMD8<Float>(repeating: -.infinity), m1 = m0
    var i = 0
    while i &+ 16 <= count {
        m0 = pointwiseMax(m0, load8(p + i))
        m1 = pointwiseMax(m1, load8(p + (i &+ 8)))
        i &+= 16
    }
    var m = pointwiseMax(m0, m1).max()
    while i < count {
        m = Swift.max(m, p[i])
        i &+= 1
    }
    return m
}
