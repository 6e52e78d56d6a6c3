#if canImport(Glibc)
import Glibc
#endif

// Transformer-VQ (Lingle 2023, arXiv 2309.16354; Su, kexue.fm/archives/9844): quantise the
// keys to a codebook C (c×d), K̂ = ΔC with Δ (n×c) one-hot, and attention becomes linear in n:
// exp(QK̂ᵀ)V = exp(QCᵀ)(ΔᵀV).

// MARK: - k-means

/// The result of `kMeans`.
public struct KMeansResult<T: Real>: Sendable {
    /// The c×d centroids.
    public let centroids: Matrix<T>
    /// The index of the nearest centroid of every point.
    public let assignments: [Int]
    /// Σ over points of the squared distance to its centroid.
    public let inertia: T
    /// Lloyd iterations performed.
    public let iterations: Int
    /// Whether the assignments stopped changing before `maxIterations`.
    public let converged: Bool
}

/// k-means++ seeding (Arthur & Vassilvitskii 2007): the first centre is a uniformly random
/// point, each next one a point drawn with probability ∝ D(x)², its squared distance to the
/// nearest centre chosen so far. If all remaining distances are 0 (fewer distinct points than
/// c), the next centre is a uniformly random point. Returns c×d. O(ncd).
@_specialize(where T == Double)
@_specialize(where T == Float)
public func kMeansPlusPlusCentres<T: Real>(_ points: Matrix<T>, count c: Int, using rng: inout RandomSource) -> Matrix<T> {
    let n = points.rows, d = points.cols
    precondition(c >= 1 && c <= n, "kMeansPlusPlusCentres: need 1 ≤ c ≤ n (c = \(c), n = \(n))")
    var chosen = [rng.integer(below: n)]
    var dist2 = [Double](repeating: .infinity, count: n)
    while chosen.count < c {
        let last = chosen[chosen.count - 1]
        for i in 0..<n {
            var s = 0.0
            for j in 0..<d { let t = Double(points[i, j] - points[last, j]); s += t * t }
            dist2[i] = min(dist2[i], s)
        }
        if dist2.reduce(0, +) > 0 {
            chosen.append(rng.categorical(dist2))
        } else {
            chosen.append(rng.integer(below: n))
        }
    }
    return points.rows(at: chosen)
}

/// Squared distances ‖xᵢ − cⱼ‖² = ‖xᵢ‖² − 2xᵢ·cⱼ + ‖cⱼ‖² (one GEMM), n×c, clamped at 0.
/// Pre-specialised (like `nearest`) so that `Codebook.assign`, a method of a generic type
/// called from article programs, does not run the unspecialised generic loop.
@_specialize(where T == Double)
@_specialize(where T == Float)
func squaredDistances<T: Real>(_ x: Matrix<T>, _ c: Matrix<T>) -> Matrix<T> {
    var g = matmul(x, c, transposeB: true, alpha: -2)
    let xn = (0..<x.rows).map { i in x.row(i).reduce(T(0)) { $0 + $1 * $1 } }
    let cn = (0..<c.rows).map { j in c.row(j).reduce(T(0)) { $0 + $1 * $1 } }
    let k = c.rows
    g.withUnsafeMutableBufferPointer { p in
        for i in 0..<x.rows { for j in 0..<k { p[i * k + j] = max(0, p[i * k + j] + xn[i] + cn[j]) } }
    }
    return g
}

/// Index of the nearest row of `c` for every row of x (ties: the smallest index).
@_specialize(where T == Double)
@_specialize(where T == Float)
func nearest<T: Real>(_ x: Matrix<T>, _ c: Matrix<T>) -> [Int] {
    let dist = squaredDistances(x, c)
    let k = c.rows
    return dist.withUnsafeBufferPointer { p in
        (0..<x.rows).map { i in
            var best = 0
            for j in 1..<max(k, 1) where p[i * k + j] < p[i * k + best] { best = j }
            return best
        }
    }
}

/// k-means clustering by Lloyd's algorithm from k-means++ seeds: alternately assign every
/// point to its nearest centroid and move each centroid to the mean of its points, until the
/// assignments no longer change or `maxIterations` is reached. An empty cluster is re-seeded
/// with the point farthest from its centroid. Deterministic for a given `rng` state.
/// O(iterations·n·c·d). Reference: Lloyd 1982; Arthur & Vassilvitskii 2007.
@_specialize(where T == Double)
@_specialize(where T == Float)
public func kMeans<T: Real>(_ points: Matrix<T>, clusters c: Int, maxIterations: Int = 100,
                            using rng: inout RandomSource) -> KMeansResult<T> {
    precondition(maxIterations >= 1, "kMeans: maxIterations must be ≥ 1")
    let n = points.rows, d = points.cols
    var centres = kMeansPlusPlusCentres(points, count: c, using: &rng)
    var assign = nearest(points, centres)
    var iterations = 0, converged = false
    while iterations < maxIterations {
        iterations += 1
        var sums = [Double](repeating: 0, count: c * d)
        var counts = [Int](repeating: 0, count: c)
        for i in 0..<n {
            counts[assign[i]] += 1
            for j in 0..<d { sums[assign[i] * d + j] += Double(points[i, j]) }
        }
        let dist = squaredDistances(points, centres)
        var taken = Set<Int>()
        for cl in 0..<c {
            if counts[cl] > 0 {
                for j in 0..<d { centres[cl, j] = T(sums[cl * d + j] / Double(counts[cl])) }
            } else {
                var far = -1
                var farD = -T.infinity
                for i in 0..<n where !taken.contains(i) && dist[i, assign[i]] > farD {
                    far = i
                    farD = dist[i, assign[i]]
                }
                taken.insert(far)
                for j in 0..<d { centres[cl, j] = points[far, j] }
            }
        }
        let next = nearest(points, centres)
        if next == assign {
            converged = true
            break
        }
        assign = next
    }
    let dist = squaredDistances(points, centres)
    let inertia = (0..<n).reduce(T(0)) { $0 + dist[$1, assign[$1]] }
    return KMeansResult(centroids: centres, assignments: assign, inertia: inertia, iterations: iterations, converged: converged)
}

// MARK: - Codebook

/// A VQ codebook: c codewords of dimension d (rows of `codewords`).
public struct Codebook<T: Real>: Sendable {
    /// C, c×d.
    public let codewords: Matrix<T>
    /// c, the number of codewords.
    public var count: Int { codewords.rows }
    /// A codebook with the given rows.
    public init(codewords: Matrix<T>) {
        precondition(codewords.rows >= 1 && codewords.cols >= 1, "Codebook: need a non-empty c×d matrix")
        self.codewords = codewords
    }
    /// A codebook learnt by `kMeans` on `keys` (k-means++ initialisation).
    public init(training keys: Matrix<T>, size c: Int, maxIterations: Int = 100, using rng: inout RandomSource) {
        self.init(codewords: kMeans(keys, clusters: c, maxIterations: maxIterations, using: &rng).centroids)
    }
    /// The index of the nearest codeword (Euclidean; ties → smallest index) of every row. O(ncd).
    public func assign(_ keys: Matrix<T>) -> [Int] {
        precondition(keys.cols == codewords.cols, "Codebook.assign: keys have \(keys.cols) columns, codewords \(codewords.cols)")
        return nearest(keys, codewords)
    }
    /// K̂ = ΔC: every row replaced by its nearest codeword.
    public func quantize(_ keys: Matrix<T>) -> Matrix<T> { codewords.rows(at: assign(keys)) }
    /// K̂ = ΔC for given codes.
    public func decode(_ codes: [Int]) -> Matrix<T> { codewords.rows(at: codes) }
}

@inline(__always) func checkCodes<T>(_ codes: [Int], _ book: Codebook<T>, _ rows: Int, _ name: String) {
    precondition(codes.count == rows, "\(name): \(codes.count) codes for \(rows) keys")
    precondition(codes.allSatisfy { $0 >= 0 && $0 < book.count }, "\(name): a code is outside 0..<\(book.count)")
}

/// Transformer-VQ attention, encoder (non-causal) form: with K̂ = ΔC,
/// softmax(s·QK̂ᵀ)V = [exp(s·QCᵀ)(ΔᵀV)] ⊘ [exp(s·QCᵀ)(Δᵀ1)], where ΔᵀV (c×dᵥ) sums the values
/// of the keys sharing a code and Δᵀ1 counts them. Each row of exp(s·QCᵀ) is shifted by its
/// maximum over the codes in use (cancels in the ratio).
/// - Parameters: q n×d; `codes[j]` the code of key j (m keys); v m×dᵥ; `scale` default 1/√d.
/// - Complexity: O(ncd + ncdᵥ + mdᵥ), linear in n and m; equals `softmaxAttention(q, K̂, v)`.
@_specialize(where T == Double)
@_specialize(where T == Float)
public func vqAttention<T: Real>(_ q: Matrix<T>, codebook: Codebook<T>, codes: [Int], _ v: Matrix<T>,
                                 scale: T? = nil) -> Matrix<T> {
    precondition(q.cols == codebook.codewords.cols, "vqAttention: Q has \(q.cols) columns, codewords \(codebook.codewords.cols)")
    checkCodes(codes, codebook, v.rows, "vqAttention")
    precondition(!codes.isEmpty || q.rows == 0, "vqAttention: at least one key is needed")
    let c = codebook.count, dv = v.cols, n = q.rows
    var u = Matrix<T>(rows: c, cols: dv)  // ΔᵀV
    var counts = [T](repeating: 0, count: c)  // Δᵀ1
    v.withUnsafeBufferPointer { pv in
        u.withUnsafeMutableBufferPointer { pu in
            for (j, code) in codes.enumerated() {
                counts[code] += 1
                for e in 0..<dv { pu[code * dv + e] += pv[j * dv + e] }
            }
        }
    }
    var e = matmul(q, codebook.codewords, transposeB: true, alpha: defaultScale(scale, q.cols))  // n×c
    e.withUnsafeMutableBufferPointer { p in
        for i in 0..<n { expRowOverUsedCodes(p.baseAddress! + i * c, counts: counts) }
    }
    var num = matmul(e, u)
    let den = matvec(e, counts)
    num.withUnsafeMutableBufferPointer { p in
        for i in 0..<n { for f in 0..<dv { p[i * dv + f] /= den[i] } }
    }
    return num
}

/// row[j] ← exp(row[j] − M) for codes with counts[j] > 0 and 0 otherwise, M the max over used codes.
@inline(__always)
func expRowOverUsedCodes<T: Real>(_ row: UnsafeMutablePointer<T>, counts: [T]) {
    var mx = -T.infinity
    for j in 0..<counts.count where counts[j] > 0 && row[j] > mx { mx = row[j] }
    for j in 0..<counts.count { row[j] = counts[j] > 0 ? T.exp(row[j] - mx) : 0 }
}

/// Transformer-VQ causal attention by the token recurrence: Oᵢ = exp(s·qᵢCᵀ)Uᵢ / exp(s·qᵢCᵀ)Lᵢ
/// with Uᵢ = Uᵢ₋₁ + Δᵢᵀvᵢ (c×dᵥ) and Lᵢ = Lᵢ₋₁ + Δᵢᵀ1 (counts), i.e. causal softmax attention on
/// the quantised keys. O(n·c·(d + dᵥ)) time, O(c·dᵥ) state. Requires as many codes as queries.
@_specialize(where T == Double)
@_specialize(where T == Float)
public func vqCausalAttention<T: Real>(_ q: Matrix<T>, codebook: Codebook<T>, codes: [Int], _ v: Matrix<T>,
                                       scale: T? = nil) -> Matrix<T> {
    precondition(q.cols == codebook.codewords.cols, "vqCausalAttention: Q has \(q.cols) columns, codewords \(codebook.codewords.cols)")
    precondition(q.rows == v.rows, "vqCausalAttention: \(q.rows) queries but \(v.rows) values")
    checkCodes(codes, codebook, v.rows, "vqCausalAttention")
    let c = codebook.count, dv = v.cols, n = q.rows
    var e = matmul(q, codebook.codewords, transposeB: true, alpha: defaultScale(scale, q.cols))
    var u = Matrix<T>(rows: c, cols: dv)
    var counts = [T](repeating: 0, count: c)
    var out = Matrix<T>(rows: n, cols: dv)
    var o = [T](repeating: 0, count: dv)
    v.withUnsafeBufferPointer { pv in
        e.withUnsafeMutableBufferPointer { pe in
            u.withUnsafeMutableBufferPointer { pu in
                out.withUnsafeMutableBufferPointer { po in
                    for i in 0..<n {
                        let code = codes[i]
                        counts[code] += 1
                        for f in 0..<dv { pu[code * dv + f] += pv[i * dv + f] }
                        let row = pe.baseAddress! + i * c
                        expRowOverUsedCodes(row, counts: counts)
                        var den: T = 0
                        for j in 0..<c { den += row[j] * counts[j] }
                        o.withUnsafeMutableBufferPointer { ob in
                            T.blasGemv(trans: true, m: c, n: dv, alpha: 1 / den, a: pu.baseAddress!, lda: dv,
                                       x: row, incx: 1, beta: 0, y: ob.baseAddress!, incy: 1)
                        }
                        for f in 0..<dv { po[i * dv + f] = o[f] }
                    }
                }
            }
        }
    }
    return out
}

/// Transformer-VQ causal attention by the block recurrence with block size l: for the block
/// of queries t, the keys of blocks t−1 and t (the window; causal within) enter explicitly
/// with the Toeplitz bias b[i − j] (b[δ] for δ < bias.count, 0 beyond), and all keys of blocks
/// ≤ t−2 enter through the cache U_{t−2} = Σ Δⱼᵀvⱼ, L_{t−2} = Σ Δⱼᵀ1 without bias:
/// Oᵢ = [Σ_win e^{s qᵢ·k̂ⱼ + b(i−j)} vⱼ + e^{s qᵢCᵀ}U] / [Σ_win e^{…} + e^{s qᵢCᵀ}L].
///
/// Exactness: this equals causal softmax attention on K̂ with logits s·qᵢ·k̂ⱼ + b(i − j) for
/// all pairs iff b(δ) = 0 for every δ reachable through the cache; cached keys have
/// δ ≥ l + 1, so the condition is b(δ) = 0 for δ > l (the post states it with a typo). A
/// bias that is non-zero for some δ in (l, 2l) is applied only inside the window, and the
/// result then differs from the quadratic form.
/// - Complexity: O(n·(2l·(d + dᵥ) + c·(d + dᵥ))), linear in n. Requires codes.count = q.rows = v.rows.
/// - Reference: Lingle 2023, arXiv 2309.16354, §3 (block recurrence, eq. of Theorem 3.7);
///   Su, kexue.fm/archives/9844.
@_specialize(where T == Double)
@_specialize(where T == Float)
public func vqBlockAttention<T: Real>(_ q: Matrix<T>, codebook: Codebook<T>, codes: [Int], _ v: Matrix<T>,
                                      blockSize l: Int, bias: [T]? = nil, scale: T? = nil) -> Matrix<T> {
    precondition(l >= 1, "vqBlockAttention: block size must be ≥ 1")
    precondition(q.cols == codebook.codewords.cols, "vqBlockAttention: Q has \(q.cols) columns, codewords \(codebook.codewords.cols)")
    precondition(q.rows == v.rows, "vqBlockAttention: \(q.rows) queries but \(v.rows) values")
    checkCodes(codes, codebook, v.rows, "vqBlockAttention")
    let n = q.rows, c = codebook.count, dv = v.cols
    let s = defaultScale(scale, q.cols)
    let kHat = codebook.decode(codes)
    let b = bias ?? []
    var u = Matrix<T>(rows: c, cols: dv)
    var counts = [T](repeating: 0, count: c)
    var out = Matrix<T>(rows: n, cols: dv)
    var t0 = 0
    while t0 < n {
        let t1 = min(n, t0 + l)
        let w0 = max(0, t0 - l)  // window keys w0..<t1
        let qb = q.rows(t0..<t1)
        let rowsB = t1 - t0, width = t1 - w0
        var win = matmul(qb, kHat.rows(w0..<t1), transposeB: true, alpha: s)  // rowsB×width
        var cache = matmul(qb, codebook.codewords, transposeB: true, alpha: s)  // rowsB×c
        let vWin = v.rows(w0..<t1)
        for r in 0..<rowsB {
            let i = t0 + r
            var mx = -T.infinity
            for jj in 0..<width {
                let j = w0 + jj
                if j > i { win[r, jj] = -T.infinity; continue }
                if i - j < b.count { win[r, jj] += b[i - j] }
                mx = max(mx, win[r, jj])
            }
            for code in 0..<c where counts[code] > 0 { mx = max(mx, cache[r, code]) }
            for jj in 0..<width { win[r, jj] = win[r, jj] == -T.infinity ? 0 : T.exp(win[r, jj] - mx) }
            for code in 0..<c { cache[r, code] = counts[code] > 0 ? T.exp(cache[r, code] - mx) : 0 }
        }
        let num = matmul(win, vWin) + matmul(cache, u)
        let den = zip(win.rowSums, matvec(cache, counts)).map { $0 + $1 }
        for r in 0..<rowsB { for f in 0..<dv { out[t0 + r, f] = num[r, f] / den[r] } }
        // After block t, block t−1 leaves the window and enters the cache.
        for j in w0..<t0 {
            counts[codes[j]] += 1
            for f in 0..<dv { u[codes[j], f] += v[j, f] }
        }
        t0 = t1
    }
    return out
}
