#if canImport(Glibc)
import Glibc
#endif

/// The elu+1 feature map of Katharopoulos et al. 2020: φ(x) = elu(x) + 1, i.e. x + 1 for
/// x > 0 and eˣ for x ≤ 0, entry-wise. Always positive, so linear-attention denominators are
/// positive. O(rows·cols).
/// Reference: Katharopoulos et al. 2020, "Transformers are RNNs", eq. (7).
@_specialize(where T == Double)
@_specialize(where T == Float)
public func eluPlusOne<T: Real>(_ x: Matrix<T>) -> Matrix<T> {
    var out = x
    out.withUnsafeMutableBufferPointer { p in
        guard let base = p.baseAddress else { return }
        for i in 0..<p.count where base[i] > 0 { base[i] = -base[i] }  // exp(−x) is never used, keeps exp finite
        T.vectorExp(base, count: p.count)
        x.withUnsafeBufferPointer { src in
            for i in 0..<p.count where src[i] > 0 { base[i] = src[i] + 1 }
        }
    }
    return out
}

/// Linear attention with the elu+1 feature map: `linearAttention(features: φ(Q), φ(K), values: V)`.
/// Q n×d, K m×d, V m×dᵥ → n×dᵥ. Non-causal cost O((n + m)·d·dᵥ); see the features form.
@_specialize(where T == Double)
@_specialize(where T == Float)
public func linearAttention<T: Real>(_ q: Matrix<T>, _ k: Matrix<T>, _ v: Matrix<T>, causal: Bool = false,
                                     chunkSize: Int = 64) -> Matrix<T> {
    checkAttentionShapes(q, k, v, causal: causal, "linearAttention")
    return linearAttention(features: eluPlusOne(q), eluPlusOne(k), values: v, causal: causal, chunkSize: chunkSize)
}

/// Linear attention from given features: Oᵢ = Σⱼ (φ(qᵢ)·φ(kⱼ)) vⱼ / Σⱼ φ(qᵢ)·φ(kⱼ), the sums over
/// all j (non-causal) or j ≤ i (causal).
///
/// Non-causal: O = φ(Q)(φ(K)ᵀV) ⊘ φ(Q)(φ(K)ᵀ1) — two GEMMs, never an n×m matrix.
/// Causal, by prefix sums: Sᵢ = Sᵢ₋₁ + φ(kᵢ)ᵀvᵢ (D×dᵥ), zᵢ = zᵢ₋₁ + φ(kᵢ), Oᵢ = φ(qᵢ)Sᵢ / φ(qᵢ)·zᵢ.
/// The prefix sums are taken per chunk of `chunkSize` rows (chunkSize 1 is the token-by-token
/// recurrence): inside a chunk the masked products tril(φ(Q_c)φ(K_c)ᵀ) are formed explicitly
/// (chunkSize² per chunk), across chunks the running S and z are used; the result is the same
/// sum in a different order, with GEMM speed.
///
/// - Parameters: phiQ n×D, phiK m×D, values m×dᵥ; `causal` requires n = m. Denominators must
///   be non-zero (true for positive features such as elu+1 or Performer's).
/// - Complexity: O((n + m)·D·dᵥ) time (causal adds O(n·chunkSize·(D + dᵥ))), O(D·dᵥ) state.
/// - Reference: Katharopoulos et al. 2020, eqs. (4)–(6) and §3.3 (causal masking).
@_specialize(where T == Double)
@_specialize(where T == Float)
public func linearAttention<T: Real>(features phiQ: Matrix<T>, _ phiK: Matrix<T>, values v: Matrix<T>,
                                     causal: Bool = false, chunkSize: Int = 64) -> Matrix<T> {
    checkAttentionShapes(phiQ, phiK, v, causal: causal, "linearAttention")
    precondition(chunkSize >= 1, "linearAttention: chunkSize must be ≥ 1")
    let n = phiQ.rows, dv = v.cols
    if !causal {
        let kv = matmul(phiK, v, transposeA: true)  // D×dᵥ
        let ones = [T](repeating: 1, count: phiK.rows)
        let z = matvec(phiK, ones, transpose: true)  // φ(K)ᵀ1, D
        var num = matmul(phiQ, kv)  // n×dᵥ
        let den = matvec(phiQ, z)  // n
        num.withUnsafeMutableBufferPointer { p in
            den.withUnsafeBufferPointer { dp in
                guard let base = p.baseAddress else { return }
                for i in 0..<n {
                    let inv = 1 / dp[i]
                    let row = base + i * dv
                    for c in 0..<dv { row[c] *= inv }
                }
            }
        }
        return num
    }
    let dimension = phiQ.cols
    var state = Matrix<T>(rows: dimension, cols: dv)  // S
    var z = [T](repeating: 0, count: dimension)
    var out = Matrix<T>(rows: n, cols: dv)
    var c0 = 0
    while c0 < n {
        let c1 = min(n, c0 + chunkSize)
        let qc = phiQ.rows(c0..<c1), kc = phiK.rows(c0..<c1), vc = v.rows(c0..<c1)
        var a = matmul(qc, kc, transposeB: true)  // (c1−c0)², masked below
        let len = c1 - c0
        a.withUnsafeMutableBufferPointer { p in
            for i in 0..<len { for j in (i + 1)..<max(len, i + 1) { p[i * len + j] = 0 } }
        }
        let num = matmul(qc, state) + matmul(a, vc)
        let den = zip(matvec(qc, z), a.rowSums).map { $0 + $1 }
        out.withUnsafeMutableBufferPointer { p in
            for i in 0..<len {
                let inv = 1 / den[i]
                for c in 0..<dv { p[(c0 + i) * dv + c] = num[i, c] * inv }
            }
        }
        state += matmul(kc, vc, transposeA: true)
        let ks = kc.columnSums
        for f in 0..<dimension { z[f] += ks[f] }
        c0 = c1
    }
    return out
}

/// The n×m matrix of linear attention, Aᵢⱼ = φ(qᵢ)·φ(kⱼ) / Σₗ φ(qᵢ)·φ(kₗ) (sums over l ≤ i when
/// causal, with Aᵢⱼ = 0 for j > i). Its rank is at most D = phiQ.cols in the non-causal case —
/// the point of Su's article 6; compare `attentionWeights`. O(nmD).
@_specialize(where T == Double)
@_specialize(where T == Float)
public func linearAttentionWeights<T: Real>(features phiQ: Matrix<T>, _ phiK: Matrix<T>, causal: Bool = false) -> Matrix<T> {
    checkAttentionShapes(phiQ, phiK, phiK, causal: causal, "linearAttentionWeights")
    var a = matmul(phiQ, phiK, transposeB: true)
    let n = a.rows, m = a.cols
    a.withUnsafeMutableBufferPointer { p in
        for i in 0..<n {
            let len = causal ? i + 1 : m
            var s: T = 0
            for j in 0..<len { s += p[i * m + j] }
            for j in 0..<m { p[i * m + j] = j < len ? p[i * m + j] / s : 0 }
        }
    }
    return a
}
