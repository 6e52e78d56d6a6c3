#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import Compute

@Suite struct FeatureMapTests {
    @Test func taylorDimensions() {
        #expect(taylorFeatureDimension(d: 3, order: 0) == 1)
        #expect(taylorFeatureDimension(d: 3, order: 2) == 1 + 3 + 9)
        #expect(taylorFeatureDimension(d: 64, order: 2) == 4161)
        var g = RandomSource(seed: 1)
        let x = Matrix<Double>.randomNormal(rows: 4, cols: 3, using: &g)
        for p in 0...4 { #expect(taylorFeatures(x, order: p).cols == taylorFeatureDimension(d: 3, order: p)) }
        #expect(powerFeatureDimension(d: 3, n: 4) == 256)
        #expect(powerFeatures(x, n: 3).cols == 64)
    }

    @Test func taylorInnerProductIsTruncatedSeries() {
        var g = RandomSource(seed: 2)
        let q = Matrix<Double>.randomNormal(rows: 6, cols: 4, standardDeviation: 0.6, using: &g)
        let k = Matrix<Double>.randomNormal(rows: 6, cols: 4, standardDeviation: 0.6, using: &g)
        for p in 0...5 {
            let fq = taylorFeatures(q, order: p), fk = taylorFeatures(k, order: p)
            let inner = fq * fk.transposed()
            let s = q * k.transposed()
            // Round-off bound of a dot product of length D whose factors carry ≤ 2p roundings:
            // (D + 2p + 2)·ε·‖φ(q)‖‖φ(k)‖ (Higham, Accuracy and Stability, §3.1).
            let gamma = Double(fq.cols + 2 * p + 2) * Double.ulpOfOne
            for i in 0..<6 {
                for j in 0..<6 {
                    var series = 0.0, term = 1.0
                    for m in 0...p {
                        if m > 0 { term *= s[i, j] / Double(m) }
                        series += term
                    }
                    let bound = gamma * (dot(fq.row(i), fq.row(i)) * dot(fk.row(j), fk.row(j))).squareRoot()
                    #expect(abs(inner[i, j] - series) <= bound, "p=\(p)")
                    #expect(abs(inner[i, j] - series) <= 1e-13 * max(1, abs(series)))
                }
            }
        }
    }

    @Test func powerFeaturesInnerProductIsCompoundInterest() {
        var g = RandomSource(seed: 3)
        let q = Matrix<Double>.randomNormal(rows: 5, cols: 3, standardDeviation: 0.7, using: &g)
        let k = Matrix<Double>.randomNormal(rows: 5, cols: 3, standardDeviation: 0.7, using: &g)
        let s = q * k.transposed()
        for n in 1...4 {
            let fq = powerFeatures(q, n: n), fk = powerFeatures(k, n: n)
            let inner = fq * fk.transposed()
            let gamma = Double(fq.cols + 2 * n + 2) * Double.ulpOfOne
            for i in 0..<5 {
                for j in 0..<5 {
                    let ref = Glibc.pow(1 + s[i, j] / Double(n), Double(n))
                    let bound = gamma * (dot(fq.row(i), fq.row(i)) * dot(fk.row(j), fk.row(j))).squareRoot()
                    #expect(abs(inner[i, j] - ref) <= bound + 4 * ref.ulp)  // + pow's own rounding
                    #expect(abs(inner[i, j] - ref) <= 1e-13 * max(1, abs(ref)))
                }
            }
        }
    }

    @Test func performerErrorMatchesMonteCarloPrediction() {
        // For fixed q, k the estimate φ(q)·φ(k) over R independent feature draws has standard
        // deviation σ_m = e^{q·k}√((e^{‖q+k‖²} − 1)/m). Check every draw lies within 4σ_m, the
        // empirical RMS error is σ_m within sampling error, and it shrinks like 1/√m.
        let q: [Double] = [0.3, -0.2, 0.1, 0.25], k: [Double] = [0.1, 0.3, -0.2, 0.15]
        let exact = Glibc.exp(zip(q, k).reduce(0) { $0 + $1.0 * $1.1 })
        var rms = [Double]()
        let ms = [16, 64, 256, 1024]
        let reps = 200
        for m in ms {
            let sigma = RandomFeatureMap<Double>.standardError(q: q, k: k, featureCount: m)
            var g = RandomSource(seed: 500 + UInt64(m))
            var sq = 0.0
            for _ in 0..<reps {
                let map = RandomFeatureMap<Double>(inputDimension: 4, featureCount: m, using: &g)
                let err = map.kernelEstimate(q, k) - exact
                #expect(abs(err) < 4 * sigma)
                sq += err * err
            }
            let r = (sq / Double(reps)).squareRoot()
            // The RMS of 200 draws estimates σ within ~10% (1 sd); allow ±35%.
            #expect(abs(r / sigma - 1) < 0.35, "m=\(m): rms \(r) vs predicted \(sigma)")
            rms.append(r)
        }
        // Slope of log rms against log m: −1/2.
        let xs = ms.map { Glibc.log(Double($0)) }, ys = rms.map { Glibc.log($0) }
        let mx = xs.reduce(0, +) / 4, my = ys.reduce(0, +) / 4
        let slope = zip(xs, ys).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) } / xs.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        #expect(abs(slope + 0.5) < 0.1)
    }

    @Test func orthogonalFeaturesAreUnbiasedWithLowerError() {
        let q: [Double] = [0.4, -0.3, 0.2, 0.1], k: [Double] = [0.2, 0.3, -0.1, 0.3]
        let exact = Glibc.exp(zip(q, k).reduce(0) { $0 + $1.0 * $1.1 })
        let m = 64, reps = 300
        var g = RandomSource(seed: 44)
        var sum = 0.0, sq = 0.0
        for _ in 0..<reps {
            let map = RandomFeatureMap<Double>(inputDimension: 4, featureCount: m, orthogonal: true, using: &g)
            // Rows within each block of 4 are orthogonal.
            let w = map.omega
            for i in 0..<4 { for j in 0..<i { #expect(abs(dot(w.row(i), w.row(j))) < 1e-12) } }
            let e = map.kernelEstimate(q, k) - exact
            sum += e
            sq += e * e
        }
        let sigma = RandomFeatureMap<Double>.standardError(q: q, k: k, featureCount: m)
        #expect(abs(sum / Double(reps)) < 4 * sigma / Double(reps).squareRoot())  // unbiased
        #expect((sq / Double(reps)).squareRoot() < sigma)  // below the i.i.d. error
    }

    @Test func performerAttentionApproachesSoftmaxAttention() {
        // Moderate norms (‖q‖² ≈ 0.5 after the 1/√d scaling): for large norms the estimator's
        // variance e^{‖q+k‖²} makes convergence impractically slow (a known Performer limitation).
        let (q0, k0, v) = qkv(30, 4, 2, seed: 61)
        let q = q0 * 0.5, k = k0 * 0.5
        let weights = attentionWeights(q, k)
        var g = RandomSource(seed: 62)
        var errors = [Double]()
        let r = 0.5.squareRoot()  // √s with s = 1/√d = 1/2
        for m in [32, 512, 8192] {
            let map = RandomFeatureMap<Double>(inputDimension: 4, featureCount: m, using: &g)
            let fq = map.features(q * r), fk = map.features(k * r)
            let w = linearAttentionWeights(features: fq, fk)
            errors.append(w.relativeError(to: weights))
            // The stabilised kernel equals linear attention on the raw features.
            #expect(performerAttention(q, k, v, features: map).relativeError(to: w * v) < 1e-12)
            let causal = performerAttention(q, k, v, features: map, causal: true)
            #expect(causal.relativeError(to: linearAttention(features: fq, fk, values: v, causal: true)) < 1e-12)
        }
        // Errors shrink roughly like 1/√m (factor 4 per 16× more features); allow slack.
        #expect(errors[1] < errors[0] / 2 && errors[2] < errors[1] / 2)
        #expect(errors[2] < 0.03)
    }
}
