#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import Compute

/// Scalar reference: two passes per query with Glibc exp, logits s·q·k + bias, mask j > i.
func referenceAttention(_ q: Matrix<Double>, _ k: Matrix<Double>, _ v: Matrix<Double>, causal: Bool,
                        scale: Double, bias: [Double] = []) -> Matrix<Double> {
    var out = Matrix<Double>(rows: q.rows, cols: v.cols)
    for i in 0..<q.rows {
        let keys = causal ? i + 1 : k.rows
        var logits = [Double]()
        for j in 0..<keys {
            var s = 0.0
            for c in 0..<q.cols { s += q[i, c] * k[j, c] }
            s *= scale
            if i - j >= 0 && i - j < bias.count { s += bias[i - j] }
            logits.append(s)
        }
        let m = logits.max()!
        let w = logits.map { Glibc.exp($0 - m) }
        let z = w.reduce(0, +)
        for c in 0..<v.cols {
            var acc = 0.0
            for j in 0..<keys { acc += w[j] * v[j, c] }
            out[i, c] = acc / z
        }
    }
    return out
}

func qkv(_ n: Int, _ d: Int, _ dv: Int, seed: UInt64, m: Int? = nil) -> (Matrix<Double>, Matrix<Double>, Matrix<Double>) {
    var g = RandomSource(seed: seed)
    let q = Matrix<Double>.randomNormal(rows: n, cols: d, using: &g)
    let k = Matrix<Double>.randomNormal(rows: m ?? n, cols: d, using: &g)
    let v = Matrix<Double>.randomNormal(rows: m ?? n, cols: dv, using: &g)
    return (q, k, v)
}

@Suite struct SoftmaxAttentionTests {
    // Reference values: python3 Tests/ComputeTests/Attention/reference/attention_refs.py
    // (numpy + scipy.special.softmax on Q, K, V drawn with seed 11).
    @Test func matchesNumpyReference() {
        let (q, k, v) = qkv(5, 3, 2, seed: 11)
        let nonCausal = [0.5118548367323302, 0.7187406583306946, 0.5480119045461752, 0.2796694614494202, 0.8446137141486292,
                         0.2845187070451874, 0.5709124103614344, 0.31706888552223583, 0.5651413533107033, 0.8703033100779148]
        let causal = [0.0005645460046707392, -1.7193913636401443, 0.40880789201136564, -0.9340437425587047, 0.1545196674259939,
                      -0.0013741694745373367, 0.4538834159641221, 0.31670144683350476, 0.5651413533107033, 0.8703033100779148]
        let scaled = [0.538981111181365, 0.8111480013720128, 0.5340828472335887, 0.26611790778425587, 0.8939493105624117,
                      0.27726119889718726, 0.573958263336444, 0.32453892915764654, 0.5896925062257911, 0.9797823881363594]
        let cases: [([Double], Matrix<Double>)] = [
            (nonCausal, softmaxAttention(q, k, v)),
            (nonCausal, naiveSoftmaxAttention(q, k, v)),
            (nonCausal, tiledSoftmaxAttention(q, k, v, tileRows: 2, tileCols: 3)),
            (causal, softmaxAttention(q, k, v, causal: true)),
            (causal, naiveSoftmaxAttention(q, k, v, causal: true)),
            (causal, tiledSoftmaxAttention(q, k, v, causal: true, tileRows: 3, tileCols: 2)),
            (scaled, softmaxAttention(q, k, v, scale: 0.7)),
            (scaled, naiveSoftmaxAttention(q, k, v, scale: 0.7)),
            (scaled, tiledSoftmaxAttention(q, k, v, scale: 0.7, tileRows: 4, tileCols: 4)),
        ]
        for (ref, got) in cases {
            for (x, r) in zip(got.elements, ref) { #expect(abs(x - r) <= 1e-14 * max(1, abs(r))) }
        }
    }

    @Test(arguments: [1, 2, 7, 31, 64, 97, 130])
    func tiledEqualsNaiveDouble(n: Int) {
        let (q, k, v) = qkv(n, 5, 3, seed: UInt64(n))
        for causal in [false, true] {
            let naive = naiveSoftmaxAttention(q, k, v, causal: causal)
            let ref = referenceAttention(q, k, v, causal: causal, scale: 1 / Double(5).squareRoot())
            #expect(softmaxAttention(q, k, v, causal: causal).relativeError(to: ref) < 1e-12)
            #expect(naive.relativeError(to: ref) < 1e-13)
            for kernel in [TiledAttentionKernel.fused, .blas] {
                for (r, c) in [(1, 1), (3, 5), (16, 16), (64, 256), (7, 33)] {
                    let tiled = tiledSoftmaxAttention(q, k, v, causal: causal, scale: nil, tileRows: r, tileCols: c,
                                                      threads: 1, kernel: kernel)
                    #expect(tiled.relativeError(to: naive) < 1e-12, "n=\(n) causal=\(causal) tiles \(r)×\(c) \(kernel)")
                }
            }
        }
    }

    /// The fused kernel's shapes: dᵥ a multiple of its 32-column strips (V used in place) or
    /// not (V padded), query blocks ending inside a 6-row micro-block, key chunks ending
    /// inside a 32-key panel, head dimensions 1 and 64.
    @Test(arguments: [(100, 64, 64), (45, 1, 40), (67, 64, 96), (13, 17, 33)])
    func fusedKernelShapes(n: Int, d: Int, dv: Int) {
        let (q, k, v) = qkv(n, d, dv, seed: UInt64(n * d + dv))
        for causal in [false, true] {
            let ref = referenceAttention(q, k, v, causal: causal, scale: 1 / Double(d).squareRoot())
            for (r, c, t) in [(96, 512, 1), (20, 40, 1), (7, 64, 2)] {
                let fused = tiledSoftmaxAttention(q, k, v, causal: causal, scale: nil, tileRows: r, tileCols: c,
                                                  threads: t, kernel: .fused)
                #expect(fused.relativeError(to: ref) < 1e-12, "n=\(n) d=\(d) dv=\(dv) causal=\(causal) tiles \(r)×\(c)")
            }
        }
        let (qr, kr, vr) = qkv(n, d, dv, seed: 7, m: 2 * n + 3)
        let ref = referenceAttention(qr, kr, vr, causal: false, scale: 0.3)
        let fused = tiledSoftmaxAttention(qr, kr, vr, causal: false, scale: 0.3, tileRows: 12, tileCols: 32, threads: 1,
                                          kernel: .fused)
        #expect(fused.relativeError(to: ref) < 1e-12)
    }

    @Test func tiledWithThreadsEqualsNaive() {
        let (q, k, v) = qkv(157, 8, 4, seed: 3)
        for causal in [false, true] {
            let naive = naiveSoftmaxAttention(q, k, v, causal: causal, threads: 3)
            let ref = referenceAttention(q, k, v, causal: causal, scale: 1 / Double(8).squareRoot())
            #expect(naive.relativeError(to: ref) < 1e-13)
            for kernel in [TiledAttentionKernel.fused, .blas] {
                let tiled = tiledSoftmaxAttention(q, k, v, causal: causal, scale: nil, tileRows: 16, tileCols: 40,
                                                  threads: 2, kernel: kernel)
                #expect(tiled.relativeError(to: ref) < 1e-12)
            }
        }
    }

    @Test func rectangularNonCausal() {
        let (q, k, v) = qkv(9, 4, 6, seed: 21, m: 23)
        let ref = referenceAttention(q, k, v, causal: false, scale: 0.5)
        #expect(naiveSoftmaxAttention(q, k, v, scale: 0.5).relativeError(to: ref) < 1e-13)
        #expect(softmaxAttention(q, k, v, scale: 0.5).relativeError(to: ref) < 1e-12)
        for kernel in [TiledAttentionKernel.fused, .blas] {
            let tiled = tiledSoftmaxAttention(q, k, v, causal: false, scale: 0.5, tileRows: 4, tileCols: 5, threads: 1,
                                              kernel: kernel)
            #expect(tiled.relativeError(to: ref) < 1e-12)
        }
    }

    @Test func largeLogitsDoNotOverflow() {
        // Logits of order 10³ would overflow exp without the running maximum.
        let (q, k, v) = qkv(40, 4, 2, seed: 5)
        let big = q * 300
        let ref = referenceAttention(big, k, v, causal: true, scale: 0.5)
        let tiled = tiledSoftmaxAttention(big, k, v, causal: true, scale: 0.5, tileRows: 8, tileCols: 8)
        #expect(tiled.elements.allSatisfy { $0.isFinite })
        #expect(tiled.relativeError(to: ref) < 1e-12)
        // Query blocks of 6 rows, every other one with logits of order 10³: in one call the
        // fused kernel does the bounded blocks and the BLAS kernel the others.
        var mixed = q
        for i in 0..<40 where (i / 6) % 2 == 1 { for c in 0..<4 { mixed[i, c] *= 300 } }
        let mixedRef = referenceAttention(mixed, k, v, causal: true, scale: 0.5)
        for threads in [1, 2] {
            let out = tiledSoftmaxAttention(mixed, k, v, causal: true, scale: 0.5, tileRows: 6, tileCols: 32,
                                            threads: threads, kernel: .fused)
            #expect(out.relativeError(to: mixedRef) < 1e-12)
        }
    }

    @Test func boundedShiftAtTheEdgeOfTheExpRange() {
        // The tiled kernel shifts row i by bᵢ = |s|·‖qᵢ‖·maxⱼ‖kⱼ‖ when 2bᵢ ≤ 700 (Double) /
        // 85 (Float) instead of searching the row maximum. With d = 1, q = ±349 and keys
        // near −1, the exponents reach −698: row 0 of the causal case sees one key, whose
        // weight exp(−698) ≈ 2.5e-304 must still give exactly v₀. Rows with q = 351
        // (2b = 702) take the running-maximum path; both kinds share a query block.
        let keys: [Double] = [-1, -0.999, -0.998, 1]
        let k = Matrix<Double>(rows: 4, cols: 1, elements: keys)
        let v = Matrix<Double>(rows: 4, cols: 2, elements: [1, -2, 3, 0.5, -4, 7, 2, 2])
        // The fused kernel takes a query block only when all its rows are bounded, so the
        // second set (all at 2b = 698) runs it and the first falls back to the BLAS kernel.
        let doubles: [[Double]] = [[349, 349, 351, -349], [349, 349, 349, -349]]
        let floats: [[Double]] = [[42, 42, 43, -42], [42, 42, 42, -42]]
        for (qs, tolerance) in doubles.map({ ($0, 1e-12) }) + floats.map({ ($0, 1e-5) }) {
            let q = Matrix<Double>(rows: 4, cols: 1, elements: qs)
            for causal in [false, true] {
                let ref = referenceAttention(q, k, v, causal: causal, scale: 1)
                for kernel in [TiledAttentionKernel.fused, .blas] {
                    if tolerance < 1e-6 {
                        let tiled = tiledSoftmaxAttention(q, k, v, causal: causal, scale: 1, tileRows: 4, tileCols: 2,
                                                          threads: 1, kernel: kernel)
                        #expect(tiled.relativeError(to: ref) < tolerance, "\(qs) \(kernel)")
                        if causal { #expect(tiled[0, 0] == 1 && tiled[0, 1] == -2) }
                    } else {
                        let tiled = tiledSoftmaxAttention(q.converted(to: Float.self), k.converted(to: Float.self),
                                                          v.converted(to: Float.self), causal: causal, scale: 1,
                                                          tileRows: 4, tileCols: 2, threads: 1, kernel: kernel)
                            .converted(to: Double.self)
                        #expect(tiled.elements.allSatisfy { $0.isFinite })
                        #expect(tiled.relativeError(to: ref) < tolerance, "\(qs) \(kernel)")
                    }
                }
            }
        }
    }

    @Test func floatKernelsAgreeWithDouble() {
        let (q, k, v) = qkv(70, 16, 8, seed: 8)
        let ref = naiveSoftmaxAttention(q, k, v, causal: true)
        let qf = q.converted(to: Float.self), kf = k.converted(to: Float.self), vf = v.converted(to: Float.self)
        let a = naiveSoftmaxAttention(qf, kf, vf, causal: true).converted(to: Double.self)
        #expect(a.relativeError(to: ref) < 1e-5)
        for kernel in [TiledAttentionKernel.fused, .blas] {
            let b = tiledSoftmaxAttention(qf, kf, vf, causal: true, scale: nil, tileRows: 8, tileCols: 24, threads: 2,
                                          kernel: kernel).converted(to: Double.self)
            #expect(b.relativeError(to: ref) < 1e-5, "\(kernel)")
        }
    }

    @Test func weightsAreStochasticAndCausal() {
        let (q, k, _) = qkv(12, 3, 1, seed: 9)
        let p = attentionWeights(q, k, causal: true)
        for s in p.rowSums { #expect(abs(s - 1) < 1e-14) }
        for i in 0..<12 { for j in (i + 1)..<12 { #expect(p[i, j] == 0) } }
    }

    @Test func toeplitzBiasMatchesReference() {
        let (q, k, v) = qkv(15, 4, 3, seed: 10)
        let bias = [0.3, -0.2, 0.5, 1.0]
        let ref = referenceAttention(q, k, v, causal: true, scale: 0.5, bias: bias)
        #expect(softmaxAttention(q, k, v, causal: true, scale: 0.5, bias: bias).relativeError(to: ref) < 1e-13)
    }

    @Test func expOfScoresIsNotRankLimited() {
        // exp(QKᵀ) with d = 2 has full rank n, while QKᵀ itself has rank 2 (article 6).
        let (q, k, _) = qkv(12, 2, 1, seed: 14)
        let scores = q * k.transposed()
        #expect(numericalRank(scores) == 2)
        #expect(numericalRank(scores.map { Glibc.exp($0) }) == 12)
        #expect(numericalRank(attentionWeights(q, k, scale: 1)) == 12)
    }
}
