import Testing
@testable import Compute

/// The quadratic form of linear attention with an explicit (masked) n×m matrix.
func quadraticLinearAttention(_ fq: Matrix<Double>, _ fk: Matrix<Double>, _ v: Matrix<Double>, causal: Bool) -> Matrix<Double> {
    var out = Matrix<Double>(rows: fq.rows, cols: v.cols)
    for i in 0..<fq.rows {
        var den = 0.0
        var num = [Double](repeating: 0, count: v.cols)
        for j in 0..<(causal ? i + 1 : fk.rows) {
            var a = 0.0
            for f in 0..<fq.cols { a += fq[i, f] * fk[j, f] }
            den += a
            for c in 0..<v.cols { num[c] += a * v[j, c] }
        }
        for c in 0..<v.cols { out[i, c] = num[c] / den }
    }
    return out
}

@Suite struct LinearAttentionTests {
    @Test func eluPlusOneClosedForm() {
        let x = Matrix<Double>([[-2, 0, 0.5]])
        let y = eluPlusOne(x)
        #expect(abs(y[0, 0] - Double.exp(-2)) <= 2 * Double.exp(-2).ulp && y[0, 1] == 1 && y[0, 2] == 1.5)
    }

    @Test(arguments: [1, 5, 64, 129])
    func causalPrefixSumsEqualMaskedQuadraticForm(n: Int) {
        let (q, k, v) = qkv(n, 6, 4, seed: UInt64(100 + n))
        let fq = eluPlusOne(q), fk = eluPlusOne(k)
        let ref = quadraticLinearAttention(fq, fk, v, causal: true)
        for chunk in [1, 3, 16, 64, 1000] {
            let got = linearAttention(q, k, v, causal: true, chunkSize: chunk)
            #expect(got.relativeError(to: ref) < 1e-13, "n=\(n) chunk=\(chunk)")
        }
        #expect(linearAttention(q, k, v).relativeError(to: quadraticLinearAttention(fq, fk, v, causal: false)) < 1e-13)
    }

    @Test func rectangularNonCausal() {
        let (q, k, v) = qkv(7, 3, 5, seed: 7, m: 19)
        let ref = quadraticLinearAttention(eluPlusOne(q), eluPlusOne(k), v, causal: false)
        #expect(linearAttention(q, k, v).relativeError(to: ref) < 1e-13)
    }

    @Test func weightsMatrixRankAtMostFeatureDimension() {
        // Article 6: the n×n linear-attention matrix has rank ≤ the feature dimension D.
        for dim in [2, 4, 7] {
            let (q, k, v) = qkv(40, dim, 3, seed: UInt64(dim))
            let fq = eluPlusOne(q), fk = eluPlusOne(k)
            let a = linearAttentionWeights(features: fq, fk)
            #expect(numericalRank(a) <= dim)
            #expect(numericalRank(a) == dim)  // generic features attain it
            for s in a.rowSums { #expect(abs(s - 1) < 1e-14) }
            #expect((a * v).relativeError(to: linearAttention(q, k, v)) < 1e-13)
            let ac = linearAttentionWeights(features: fq, fk, causal: true)
            #expect((ac * v).relativeError(to: linearAttention(q, k, v, causal: true)) < 1e-13)
        }
    }

    @Test func floatMatchesDouble() {
        let (q, k, v) = qkv(50, 8, 4, seed: 77)
        let ref = linearAttention(q, k, v, causal: true)
        let got = linearAttention(q.converted(to: Float.self), k.converted(to: Float.self), v.converted(to: Float.self), causal: true)
        #expect(got.converted(to: Double.self).relativeError(to: ref) < 1e-5)
    }
}
