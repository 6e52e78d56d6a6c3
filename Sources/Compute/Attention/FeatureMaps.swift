#if canImport(Glibc)
import Glibc
#endif

// Feature maps φ with φ(q)·φ(k) ≈ or = a function of q·k, turning softmax-like attention into
// linear attention (Su, "Transformer升级之路:5", kexue.fm/archives/8601).

// MARK: - Performer (random features)

/// Positive random features for the exponential kernel (Performer's FAVOR+):
/// φ(x) = exp(Ωx − ‖x‖²/2)/√m with the rows ω₁…ω_m of Ω drawn from N(0, I_d), so that
/// E[φ(q)·φ(k)] = e^{q·k} exactly, and the m-sample estimate has variance
/// e^{2q·k}(e^{‖q+k‖²} − 1)/m (i.i.d. rows; see `standardError(q:k:)`).
///
/// With `orthogonal: true` the rows come in blocks of d mutually orthogonal directions
/// (rows of Haar orthogonal matrices) with independent χ_d lengths (norms of fresh Gaussian
/// vectors), so each row is still N(0, I) and the estimate stays unbiased with lower variance.
/// Reference: Choromanski et al. 2021, "Rethinking attention with Performers", Lemma 1 and §2.4.
public struct RandomFeatureMap<T: Real>: Sendable {
    /// Ω, m×d: one random direction per row.
    public let omega: Matrix<T>
    /// Whether Ω was drawn with orthogonal blocks.
    public let orthogonal: Bool
    /// m, the number of features.
    public var featureCount: Int { omega.rows }
    /// d, the input dimension.
    public var inputDimension: Int { omega.cols }

    /// Draws Ω (m×d) from `rng`. Requires d ≥ 1, m ≥ 1.
    public init(inputDimension d: Int, featureCount m: Int, orthogonal: Bool = false, using rng: inout RandomSource) {
        precondition(d >= 1 && m >= 1, "RandomFeatureMap: need d ≥ 1 and m ≥ 1")
        self.orthogonal = orthogonal
        if !orthogonal {
            omega = Matrix<T>.randomNormal(rows: m, cols: d, using: &rng)
            return
        }
        var rowsOut = [T]()
        rowsOut.reserveCapacity(m * d)
        var produced = 0
        while produced < m {
            let block = Matrix<Double>.randomOrthogonal(d, using: &rng)
            for i in 0..<min(d, m - produced) {
                var norm2 = 0.0
                for _ in 0..<d { let g = rng.normal(); norm2 += g * g }
                let length = norm2.squareRoot()
                for j in 0..<d { rowsOut.append(T(block[i, j] * length)) }
            }
            produced += min(d, m - produced)
        }
        omega = Matrix(rows: m, cols: d, elements: rowsOut)
    }

    /// Uses a given Ω (m×d) as the directions.
    public init(omega: Matrix<T>, orthogonal: Bool = false) {
        precondition(omega.rows >= 1 && omega.cols >= 1, "RandomFeatureMap: Ω must be non-empty")
        self.omega = omega
        self.orthogonal = orthogonal
    }

    /// φ(x) for every row of x (n×d → n×m): exp(ωⱼ·x − ‖x‖²/2)/√m. O(nmd).
    /// May overflow for large ‖x‖; `performerAttention` uses a stabilised variant.
    public func features(_ x: Matrix<T>) -> Matrix<T> { features(x, shift: .none) }

    enum Shift { case none, perRow, global }

    /// φ(x)·e^{−c} where c is the row maximum of Ωx (perRow) or the global maximum (global):
    /// the common factor cancels in attention ratios and keeps the exponentials ≤ 1.
    func features(_ x: Matrix<T>, shift: Shift) -> Matrix<T> {
        precondition(x.cols == inputDimension, "RandomFeatureMap: input has \(x.cols) columns, expected \(inputDimension)")
        var proj = matmul(x, omega, transposeB: true)  // n×m
        let n = x.rows, m = featureCount
        let norms = (0..<n).map { i in x.row(i).reduce(T(0)) { $0 + $1 * $1 } / 2 }
        let globalMax = shift == .global ? proj.maxEntry : 0
        let invSqrtM = 1 / T(m).squareRoot()
        proj.withUnsafeMutableBufferPointer { p in
            for i in 0..<n {
                let row = p.baseAddress! + i * m
                var c: T = norms[i]
                switch shift {
                case .none: break
                case .perRow: c += T.vectorMax(row, count: m)
                case .global: c += globalMax
                }
                _ = T.vectorExpShiftSum(row, count: m, shift: c)
                for j in 0..<m { row[j] *= invSqrtM }
            }
        }
        return proj
    }

    /// The m-feature estimate φ(q)·φ(k) of e^{q·k}.
    public func kernelEstimate(_ q: [T], _ k: [T]) -> T {
        let f = features(Matrix(rows: 2, cols: q.count, elements: q + k))
        return dot(f.row(0), f.row(1))
    }

    /// Predicted standard error of `kernelEstimate` for i.i.d. directions:
    /// e^{q·k}·√((e^{‖q+k‖²} − 1)/m). (Var of one sample exp(ω·(q+k) − (‖q‖²+‖k‖²)/2) is
    /// E[e^{2ω·(q+k)}]e^{−‖q‖²−‖k‖²} − e^{2q·k} = e^{2q·k}(e^{‖q+k‖²} − 1).)
    public static func standardError(q: [T], k: [T], featureCount m: Int) -> T {
        precondition(q.count == k.count && m >= 1, "RandomFeatureMap.standardError: bad arguments")
        let qk = zip(q, k).reduce(T(0)) { $0 + $1.0 * $1.1 }
        let s2 = zip(q, k).reduce(T(0)) { $0 + ($1.0 + $1.1) * ($1.0 + $1.1) }
        return T.exp(qk) * (T.expm1(s2) / T(m)).squareRoot()
    }
}

extension Matrix {
    /// The largest entry (−∞ for an empty matrix).
    public var maxEntry: Scalar {
        withUnsafeBufferPointer { $0.isEmpty ? -Scalar.infinity : Scalar.vectorMax($0.baseAddress!, count: $0.count) }
    }
}

/// Performer attention: linear attention with positive random features approximating
/// softmax(s·QKᵀ)V. Queries and keys are scaled by √s (s defaults to 1/√d) so that
/// e^{s q·k} = e^{(√s q)·(√s k)}; query features are stabilised per row and key features by
/// a global maximum (both cancel in the ratio). Unbiased numerator and denominator; the
/// error shrinks like 1/√m. O((n + m)·m_f·(d + dᵥ)). Reference: Choromanski et al. 2021.
@_specialize(where T == Double)
@_specialize(where T == Float)
public func performerAttention<T: Real>(_ q: Matrix<T>, _ k: Matrix<T>, _ v: Matrix<T>, features map: RandomFeatureMap<T>,
                                        causal: Bool = false, scale: T? = nil) -> Matrix<T> {
    checkAttentionShapes(q, k, v, causal: causal, "performerAttention")
    let r = defaultScale(scale, q.cols).squareRoot()
    let fq = map.features(q * r, shift: .perRow)
    let fk = map.features(k * r, shift: .global)
    return linearAttention(features: fq, fk, values: v, causal: causal)
}

// MARK: - Deterministic feature maps

/// Σ_{j=0}^{p} dʲ, the dimension of the order-p Taylor features of a d-vector.
public func taylorFeatureDimension(d: Int, order p: Int) -> Int {
    precondition(d >= 1 && p >= 0, "taylorFeatureDimension: need d ≥ 1 and p ≥ 0")
    var total = 0, power = 1
    for _ in 0...p {
        total += power
        power *= d
    }
    return total
}

/// (d + 1)ⁿ, the dimension of the features ⊗ⁿ(1, x/√n).
public func powerFeatureDimension(d: Int, n: Int) -> Int {
    precondition(d >= 1 && n >= 1, "powerFeatureDimension: need d ≥ 1 and n ≥ 1")
    var r = 1
    for _ in 0..<n { r *= d + 1 }
    return r
}

/// Taylor features of every row x: φ(x) = (1, x, vec(x⊗x)/√2!, …, vec(x^{⊗p})/√p!), of
/// dimension Σ_{j≤p} dʲ, so that φ(q)·φ(k) = Σ_{j=0}^{p} (q·k)ʲ/j! exactly — the degree-p
/// truncation of e^{q·k}. Blocks are built recursively, t_j = (t_{j−1} ⊗ x)/√j.
/// Odd orders may give negative products (denominators of linear attention can vanish).
/// O(rows·Σdʲ) time and memory (precondition: at most 10⁸ entries).
/// Reference: Su, kexue.fm/archives/8601 (Taylor expansion of e^{q·k}).
@_specialize(where T == Double)
@_specialize(where T == Float)
public func taylorFeatures<T: Real>(_ x: Matrix<T>, order p: Int) -> Matrix<T> {
    let d = x.cols, n = x.rows
    let dim = taylorFeatureDimension(d: d, order: p)
    precondition(n * dim <= 100_000_000, "taylorFeatures: \(n)×\(dim) features is too large")
    var out = [T]()
    out.reserveCapacity(n * dim)
    for i in 0..<n {
        let xi = x.row(i)
        var block: [T] = [1]
        out.append(1)
        for j in 1...max(p, 1) where j <= p {
            let c = 1 / T(j).squareRoot()
            var next = [T]()
            next.reserveCapacity(block.count * d)
            for b in block { for xv in xi { next.append(b * xv * c) } }
            out.append(contentsOf: next)
            block = next
        }
    }
    return Matrix(rows: n, cols: dim, elements: out)
}

/// The features ⊗ⁿ(1, x/√n) of every row x, of dimension (d + 1)ⁿ: φ(q)·φ(k) = (1 + q·k/n)ⁿ,
/// which tends to e^{q·k} as n → ∞ (e^x = lim (1 + x/n)ⁿ). Every entry of φ(x) is a product
/// of entries of (1, x/√n). O(rows·(d+1)ⁿ) (precondition: at most 10⁸ entries).
/// Reference: Su, kexue.fm/archives/8601.
@_specialize(where T == Double)
@_specialize(where T == Float)
public func powerFeatures<T: Real>(_ x: Matrix<T>, n power: Int) -> Matrix<T> {
    let d = x.cols, rows = x.rows
    let dim = powerFeatureDimension(d: d, n: power)
    precondition(rows * dim <= 100_000_000, "powerFeatures: \(rows)×\(dim) features is too large")
    let c = 1 / T(power).squareRoot()
    var out = [T]()
    out.reserveCapacity(rows * dim)
    for i in 0..<rows {
        let u = [T(1)] + x.row(i).map { $0 * c }
        var acc: [T] = [1]
        for _ in 0..<power {
            var next = [T]()
            next.reserveCapacity(acc.count * u.count)
            for a in acc { for b in u { next.append(a * b) } }
            acc = next
        }
        out.append(contentsOf: acc)
    }
    return Matrix(rows: rows, cols: dim, elements: out)
}
