#if canImport(Glibc)
import Glibc
#endif

// Softmax attention, two algorithms:
//  - `naiveSoftmaxAttention` / `attentionWeights`: the textbook form that materialises the
//    n×m matrix P = softmax(s·QKᵀ + B) and returns P·V (O(nm) memory);
//  - `tiledSoftmaxAttention`: the streaming-softmax (FlashAttention) recurrence over tiles,
//    O((n + m)·d) memory, never forming P. `softmaxAttention` uses it unless a bias is given.
// Shapes: Q n×d, K m×d, V m×dᵥ, output n×dᵥ. The scale s defaults to 1/√d. Causal
// attention requires m = n and lets query i see keys j ≤ i.

@inline(__always) func checkAttentionShapes<T>(_ q: Matrix<T>, _ k: Matrix<T>, _ v: Matrix<T>, causal: Bool, _ name: String) {
    precondition(q.cols == k.cols, "\(name): Q has \(q.cols) columns but K has \(k.cols)")
    precondition(k.rows == v.rows, "\(name): K has \(k.rows) rows but V has \(v.rows)")
    precondition(!causal || q.rows == k.rows, "\(name): causal attention needs as many queries as keys (\(q.rows) vs \(k.rows))")
    precondition(k.rows > 0 || q.rows == 0, "\(name): at least one key is needed")
}

@inline(__always) func defaultScale<T: Real>(_ scale: T?, _ d: Int) -> T {
    if let s = scale { return s }
    return d > 0 ? 1 / T(d).squareRoot() : 1
}

/// The attention matrix P = softmax_rows(s·QKᵀ + B), n×m, with an optional causal mask
/// (Pᵢⱼ = 0 for j > i) and an optional Toeplitz bias B: Bᵢⱼ = bias[i − j] when
/// 0 ≤ i − j < bias.count, else 0.
///
/// - Parameters: q n×d, k m×d; `scale` s defaults to 1/√d; `causal` requires m = n;
///   `threads` ≥ 1 splits the softmax rows over Dispatch workers.
/// - Complexity: 2nmd flops for QKᵀ (dgemm) plus nm exponentials; O(nm) memory.
/// - Reference: Vaswani et al. 2017, "Attention is all you need", eq. (1).
@_specialize(where T == Double)
@_specialize(where T == Float)
public func attentionWeights<T: Real>(_ q: Matrix<T>, _ k: Matrix<T>, causal: Bool = false,
                                      scale: T? = nil, bias: [T]? = nil, threads: Int = 1) -> Matrix<T> {
    checkAttentionShapes(q, k, k, causal: causal, "attentionWeights")
    precondition(threads >= 1, "attentionWeights: threads must be ≥ 1")
    let s = defaultScale(scale, q.cols)
    var p = matmul(q, k, transposeB: true, alpha: s)
    let n = p.rows, m = p.cols
    if n == 0 || m == 0 { return p }
    let b = bias ?? []
    p.withUnsafeMutableBufferPointer { buf in
        let base = SharedPointer(base: buf.baseAddress!)
        let workers = min(threads, n)
        parallelFor(workers) { w in
            var i = w
            while i < n {
                let row = base.base + i * m
                var j = max(0, i - b.count + 1)
                while j <= min(i, m - 1) {
                    row[j] += b[i - j]
                    j += 1
                }
                let len = causal ? i + 1 : m
                softmaxInPlace(row, count: len)
                for j in len..<m { row[j] = 0 }
                i += workers
            }
        }
    }
    return p
}

/// Softmax attention softmax(s·QKᵀ + B)·V — the function to call.
///
/// Without a bias this runs the fused streaming kernel `tiledSoftmaxAttention` (default
/// tiles; never forms the n×m matrix; O(n·d) memory); with a Toeplitz `bias` it runs
/// `naiveSoftmaxAttention`. Both agree to round-off (tested to 1e-12 relative in Double).
/// - Parameters: q n×d, k m×d, v m×dᵥ; `causal` (requires m = n) masks j > i; `scale` s
///   defaults to 1/√d; `bias` an optional Toeplitz bias (see `attentionWeights`);
///   `threads` ≥ 1 Dispatch workers (see `tiledSoftmaxAttention`).
/// - Returns: n×dᵥ. Complexity 4nmd flops (≈ half when causal) + nm exponentials.
/// - Reference: Vaswani et al. 2017, "Attention is all you need", eq. (1).
@_specialize(where T == Double)
@_specialize(where T == Float)
public func softmaxAttention<T: Real>(_ q: Matrix<T>, _ k: Matrix<T>, _ v: Matrix<T>, causal: Bool = false,
                                      scale: T? = nil, bias: [T]? = nil, threads: Int = 1) -> Matrix<T> {
    if bias != nil {
        return naiveSoftmaxAttention(q, k, v, causal: causal, scale: scale, bias: bias, threads: threads)
    }
    return tiledSoftmaxAttention(q, k, v, causal: causal, scale: scale, threads: threads)
}

/// Softmax attention by the textbook algorithm: form P = `attentionWeights(q, k, …)` (n×m),
/// then P·V. The reference the fused kernels are tested against, and what to use when the
/// weights themselves are wanted.
///
/// - Parameters: as `softmaxAttention`; `threads` ≥ 1 splits the softmax rows over Dispatch
///   workers (the two GEMMs use however many threads OpenBLAS is set to, `BLAS.threadCount`).
/// - Returns: n×dᵥ.
/// - Complexity: 4nmd flops in two GEMMs + nm exponentials; O(nm) memory.
/// - Reference: Vaswani et al. 2017, eq. (1).
@_specialize(where T == Double)
@_specialize(where T == Float)
public func naiveSoftmaxAttention<T: Real>(_ q: Matrix<T>, _ k: Matrix<T>, _ v: Matrix<T>, causal: Bool = false,
                                           scale: T? = nil, bias: [T]? = nil, threads: Int = 1) -> Matrix<T> {
    checkAttentionShapes(q, k, v, causal: causal, "naiveSoftmaxAttention")
    precondition(threads >= 1, "naiveSoftmaxAttention: threads must be ≥ 1")
    if q.rows == 0 { return Matrix(rows: 0, cols: v.cols) }
    return matmul(attentionWeights(q, k, causal: causal, scale: scale, bias: bias, threads: threads), v)
}

/// Softmax attention by the streaming-softmax (FlashAttention) recurrence on CPU tiles:
/// equal to `softmaxAttention` up to round-off, without ever forming the n×m matrix.
///
/// For each block of `tileRows` queries it keeps the running row maxima mᵢ, denominators ℓᵢ
/// and unnormalised outputs Oᵢ; for each tile of `tileCols` keys it forms S = s·Q_b K_tᵀ,
/// then m′ = max(m, rowmax S), P = exp(S − m′), ℓ ← e^{m−m′}ℓ + rowsum P,
/// O ← e^{m−m′}O + P·V_t, and finally O/ℓ. Causal attention skips the tiles above the
/// diagonal and masks the diagonal ones. Rows whose Cauchy–Schwarz bound keeps exp in range
/// use that bound as mᵢ from the start (no max pass, no rescaling; see `flashBlock`).
///
/// Two kernels compute it: on CPUs with AVX-512, the fused kernel of FusedAttention.swift
/// (scores, exponentials and P·V for six rows at a time in registers and L1; tileRows is
/// rounded up to a multiple of 6 and tileCols to a multiple of 32 (Double) / 64 (Float));
/// elsewhere, and for query blocks with a row out of the bounded range, two BLAS calls per
/// tile (`flashBlock`).
///
/// - Parameters: q n×d, k m×d, v m×dᵥ; `causal` requires m = n; `scale` defaults to 1/√d;
///   `tileRows`, `tileCols` ≥ 1; `threads` ≥ 1 query blocks processed in parallel (Dispatch;
///   while they run, OpenBLAS is set to 1 thread, a process-wide setting, then restored);
///   `kernel` picks the kernel (`.automatic`: fused with AVX-512, else BLAS).
/// - Complexity: 4nmd flops (about half with `causal`) + nm exponentials; extra memory
///   O(m·d + threads·tileRows·(tileCols + dᵥ)) besides the n×dᵥ output, i.e. O((n + m)·d).
/// - Reference: Dao et al. 2022, "FlashAttention", Algorithm 1; Milakov & Gimelshein 2018,
///   "Online normalizer calculation for softmax".
@_specialize(where T == Double)
@_specialize(where T == Float)
public func tiledSoftmaxAttention<T: Real>(_ q: Matrix<T>, _ k: Matrix<T>, _ v: Matrix<T>, causal: Bool = false,
                                           scale: T? = nil, tileRows: Int = 96, tileCols: Int = 512,
                                           threads: Int = 1, kernel: TiledAttentionKernel = .automatic) -> Matrix<T> {
    checkAttentionShapes(q, k, v, causal: causal, "tiledSoftmaxAttention")
    precondition(tileRows >= 1 && tileCols >= 1, "tiledSoftmaxAttention: tile sizes must be ≥ 1")
    precondition(threads >= 1, "tiledSoftmaxAttention: threads must be ≥ 1")
    let n = q.rows, m = k.rows, d = q.cols, dv = v.cols
    var out = Matrix<T>(rows: n, cols: dv)
    if n == 0 || dv == 0 { return out }
    let s = defaultScale(scale, d)
    let fused = kernel == .fused || (kernel == .automatic && fusedAttentionFits)
    let w = PackedKeys<T>.width
    let br = fused ? (min(tileRows, n) + fusedRows - 1) / fusedRows * fusedRows : min(tileRows, n)
    let bc = fused ? (min(tileCols, m) + w - 1) / w * w : min(tileCols, m)
    let blocks = (n + br - 1) / br
    let workers = min(threads, blocks)
    q.withUnsafeBufferPointer { qb in
        k.withUnsafeBufferPointer { kb in
            v.withUnsafeBufferPointer { vb in
                out.withUnsafeMutableBufferPointer { ob in
                    let qp = SharedPointer(base: UnsafeMutablePointer(mutating: qb.baseAddress!))
                    let kp = SharedPointer(base: UnsafeMutablePointer(mutating: kb.baseAddress!))
                    let vp = SharedPointer(base: UnsafeMutablePointer(mutating: vb.baseAddress!))
                    let op = SharedPointer(base: ob.baseAddress!)
                    let keyNorm = maxRowNorm(kp.base, rows: m, cols: d)
                    let problem = FlashProblem(q: qp.base, k: kp.base, v: vp.base, out: op.base, n: n, m: m, d: d, dv: dv,
                                               scale: s, causal: causal, br: br, bc: bc, keyNorm: keyNorm)
                    // The fused kernel's operands: K in panels, V with dᵥ padded to dvp, a multiple
                    // of W (a copy only when dᵥ is not one already).
                    let keys = fused ? PackedKeys(kp.base, rows: m, cols: d) : nil
                    let dvp = (dv + w - 1) / w * w
                    var paddedV: UnsafeMutablePointer<T>? = nil
                    if fused && dvp != dv {
                        let p = UnsafeMutablePointer<T>.allocate(capacity: m * dvp)
                        p.initialize(repeating: 0, count: m * dvp)
                        for j in 0..<m { (p + j * dvp).update(from: vp.base + j * dv, count: dv) }
                        paddedV = p
                    }
                    let fusedV = SharedPointer(base: paddedV ?? vp.base)
                    defer { keys?.deallocate(); paddedV?.deallocate() }
                    let run: @Sendable (Int) -> Void = { worker in
                        let flash = FlashScratch<T>(br: br, bc: bc)
                        let scratch = keys.map { _ in FusedScratch<T>(br: br, bc: bc, d: d, dvp: dvp) }
                        defer { flash.deallocate(); scratch?.deallocate() }
                        var block = worker
                        while block < blocks {
                            let i0 = block * br, rb = min(br, n - i0)
                            let allBounded = problem.bounds(i0: i0, rb: rb, into: flash)
                            if let keys, let scratch, allBounded {
                                fusedBlock(q: problem.q, keys: keys, v: fusedV.base,
                                           out: problem.out, m: m, d: d, dv: dv, dvp: dvp, scale: s, causal: causal,
                                           i0: i0, rb: rb, bc: bc, shifts: flash.rowMax, scratch: scratch)
                            } else {
                                flashBlock(problem, i0: i0, rb: rb, scratch: flash)
                            }
                            block += workers
                        }
                    }
                    // BLAS is called (and must then run single-threaded inside the workers)
                    // unless the fused kernel takes every block: every row bounded, which
                    // holds when 2·|s|·maxᵢ‖qᵢ‖·maxⱼ‖kⱼ‖ is in range. Leaving OpenBLAS's
                    // setting alone matters: changing it wakes its idle threads, which then
                    // spin for a while on the cores the workers need.
                    if workers == 1 {
                        run(0)
                    } else if fused && problem.bounded(abs(s) * maxRowNorm(qp.base, rows: n, cols: d) * keyNorm) {
                        parallelFor(workers, run)
                    } else {
                        BLAS.withThreadCount(1) { parallelFor(workers, run) }
                    }
                }
            }
        }
    }
    return out
}

/// The kernels of `tiledSoftmaxAttention`.
public enum TiledAttentionKernel: Sendable {
    /// `.fused` on CPUs with AVX-512, `.blas` elsewhere.
    case automatic
    /// Scores, exponentials and P·V for six rows at a time in registers (FusedAttention.swift);
    /// query blocks with a row outside the bounded range still take the BLAS kernel.
    case fused
    /// Two BLAS calls per tile (`flashBlock`).
    case blas
}

/// max over rows of the Euclidean norm of a row-major rows×cols matrix (0 when rows = 0).
@_specialize(where T == Double)
@_specialize(where T == Float)
func maxRowNorm<T: Real>(_ a: UnsafeMutablePointer<T>, rows: Int, cols: Int) -> T {
    var best: T = 0
    for i in 0..<rows {
        var s: T = 0
        for j in 0..<cols { s += a[i * cols + j] * a[i * cols + j] }
        // NaN must win, so that the caller falls back to the max pass.
        if !(s <= best) { best = s }
    }
    return best.squareRoot()
}

/// The operands of one `tiledSoftmaxAttention` call, shared by its workers (each writes the
/// output rows of its own query blocks only).
struct FlashProblem<T: Real>: @unchecked Sendable {
    let q: UnsafeMutablePointer<T>, k: UnsafeMutablePointer<T>, v: UnsafeMutablePointer<T>
    let out: UnsafeMutablePointer<T>
    let n: Int, m: Int, d: Int, dv: Int
    let scale: T
    let causal: Bool
    let br: Int, bc: Int
    /// maxⱼ ‖kⱼ‖
    let keyNorm: T

    /// Whether a shift b keeps every exponent of its row, in [−2b, 0], within the fast range of
    /// `simdExp`: 2b ≤ 700 (Double) or 85 (Float); false for NaN and ∞.
    func bounded(_ b: T) -> Bool {
        let limit: T = MemoryLayout<T>.size >= 8 ? 700 : 85
        return 2 * b <= limit
    }

    /// Starts rows i0..<i0+rb: rowMax[r] = bᵢ = |scale|·‖qᵢ‖·maxⱼ‖kⱼ‖ and bounded[r] = true
    /// when 2bᵢ is within the fast range of `simdExp` (700 for Double, 85 for Float), else
    /// rowMax[r] = −∞; rowSum[r] = 0. Returns whether every row is bounded.
    func bounds(i0: Int, rb: Int, into scratch: FlashScratch<T>) -> Bool {
        var all = true
        for r in 0..<rb {
            let qi = q + (i0 + r) * d
            var qq: T = 0
            for c in 0..<d { qq += qi[c] * qi[c] }
            let bound = abs(scale) * qq.squareRoot() * keyNorm
            let ok = bounded(bound)
            scratch.bounded[r] = ok
            scratch.rowMax[r] = ok ? bound : -T.infinity
            scratch.rowSum[r] = 0
            all = all && ok
        }
        return all
    }
}

/// Scratch memory of one BLAS worker: the br×bc score tile and per-row state.
struct FlashScratch<T: Real> {
    let tile: UnsafeMutablePointer<T>
    let rowMax: UnsafeMutablePointer<T>, rowSum: UnsafeMutablePointer<T>
    let bounded: UnsafeMutablePointer<Bool>

    init(br: Int, bc: Int) {
        tile = .allocate(capacity: br * bc)
        rowMax = .allocate(capacity: br)
        rowSum = .allocate(capacity: br)
        bounded = .allocate(capacity: br)
    }

    func deallocate() { tile.deallocate(); rowMax.deallocate(); rowSum.deallocate(); bounded.deallocate() }
}

/// The BLAS kernel of `tiledSoftmaxAttention` for query rows i0..<i0+rb, after
/// `FlashProblem.bounds` has started them in `scratch`.
///
/// The softmax shift of row i need not be the running maximum: any bound bᵢ ≥ maxⱼ sᵢⱼ that
/// keeps exp(sᵢⱼ − bᵢ) normal gives the same result up to rounding. By Cauchy–Schwarz
/// |sᵢⱼ| ≤ |scale|·‖qᵢ‖·maxⱼ‖kⱼ‖ =: bᵢ, so every exponent lies in [−2bᵢ, 0]. When 2bᵢ is
/// within the fast range of `simdExp` (typical attention scores give bᵢ ≈ 10) the row starts
/// with its maximum already at bᵢ: no max pass over the tile and no rescaling of the partial
/// output; the online recurrence below then never changes the row's maximum. Rows with
/// larger or non-finite bounds keep the running maximum.
@_specialize(where T == Double)
@_specialize(where T == Float)
func flashBlock<T: Real>(_ problem: FlashProblem<T>, i0: Int, rb: Int, scratch: FlashScratch<T>) {
    let q = problem.q, k = problem.k, v = problem.v, d = problem.d, dv = problem.dv, m = problem.m
    let bc = problem.bc, causal = problem.causal
    let sTile = scratch.tile, rowMax = scratch.rowMax, rowSum = scratch.rowSum, bounded = scratch.bounded
    let o = problem.out + i0 * dv
    for e in 0..<(rb * dv) { o[e] = 0 }
    let kEnd = causal ? min(m, i0 + rb) : m
    var j0 = 0
    while j0 < kEnd {
        let cb = min(bc, kEnd - j0)
        T.blasGemm(transA: false, transB: true, m: rb, n: cb, k: d, alpha: problem.scale, a: q + i0 * d, lda: d,
                   b: k + j0 * d, ldb: d, beta: 0, c: sTile, ldc: cb)
        let diagonal = causal && j0 + cb > i0
        for r in 0..<rb {
            let row = sTile + r * cb
            var len = cb
            if diagonal { len = max(0, min(cb, i0 + r - j0 + 1)) }
            if len == 0 {
                for j in 0..<cb { row[j] = 0 }
                continue
            }
            let old = rowMax[r]
            let tileMax = bounded[r] ? old : T.vectorMax(row, count: len)
            let newMax = old > tileMax ? old : tileMax
            let sum = T.vectorExpShiftSum(row, count: len, shift: newMax)
            for j in len..<cb { row[j] = 0 }
            if old == -T.infinity {
                rowSum[r] = sum
            } else if old != newMax {
                let alpha = T.exp(old - newMax)
                rowSum[r] = rowSum[r] * alpha + sum
                let orow = o + r * dv
                for c in 0..<dv { orow[c] *= alpha }
            } else {
                rowSum[r] += sum
            }
            rowMax[r] = newMax
        }
        T.blasGemm(transA: false, transB: false, m: rb, n: dv, k: cb, alpha: 1, a: sTile, lda: cb,
                   b: v + j0 * dv, ldb: dv, beta: 1, c: o, ldc: dv)
        j0 += cb
    }
    for r in 0..<rb {
        let inv = 1 / rowSum[r]
        let orow = o + r * dv
        for c in 0..<dv { orow[c] *= inv }
    }
}
