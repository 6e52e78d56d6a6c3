import Testing
@testable import Compute

@Suite struct TransformerVQTests {
    @Test func kMeansFindsSeparatedClusters() {
        var g = RandomSource(seed: 1)
        let centres = Matrix<Double>([[0, 0], [10, 0], [0, 10], [10, 10]])
        var pts = [Double]()
        var truth = [Int]()
        for i in 0..<200 {
            let c = i % 4
            truth.append(c)
            pts += [centres[c, 0] + 0.3 * g.normal(), centres[c, 1] + 0.3 * g.normal()]
        }
        let x = Matrix(rows: 200, cols: 2, elements: pts)
        let r = kMeans(x, clusters: 4, using: &g)
        #expect(r.converged)
        // Same partition as the truth (up to relabelling).
        var map = [Int: Int]()
        for (a, t) in zip(r.assignments, truth) {
            if let m = map[a] { #expect(m == t) } else { map[a] = t }
        }
        #expect(map.count == 4)
        // Inertia ≈ 200·2·0.09 = 36 (sum of squared noise).
        #expect(r.inertia > 20 && r.inertia < 55)
        // Lloyd's fixed point: each centroid is the mean of its points.
        for c in 0..<4 {
            let members = (0..<200).filter { r.assignments[$0] == c }
            let mean0 = members.reduce(0.0) { $0 + x[$1, 0] } / Double(members.count)
            #expect(abs(r.centroids[c, 0] - mean0) < 1e-12)
        }
    }

    @Test func kMeansHandlesDuplicates() {
        var g = RandomSource(seed: 2)
        let x = Matrix<Double>([[1, 1], [1, 1], [1, 1], [2, 2]])
        let r = kMeans(x, clusters: 3, using: &g)
        #expect(r.inertia == 0)
        #expect(Set(r.assignments).count == 2 || Set(r.assignments).count == 3)
    }

    func setup(n: Int, c: Int, seed: UInt64) -> (Matrix<Double>, Matrix<Double>, Matrix<Double>, Codebook<Double>, [Int]) {
        let (q, k, v) = qkv(n, 4, 3, seed: seed)
        var g = RandomSource(seed: seed + 1)
        let book = Codebook(training: k, size: c, maxIterations: 20, using: &g)
        return (q, k, v, book, book.assign(k))
    }

    @Test(arguments: [1, 6, 37, 64])
    func encoderFormEqualsQuadraticOnQuantisedKeys(n: Int) {
        let (q, k, v, book, codes) = setup(n: n, c: min(n, 8), seed: UInt64(n))
        let kHat = book.quantize(k)
        #expect(kHat == book.decode(codes))
        let ref = naiveSoftmaxAttention(q, kHat, v)
        #expect(vqAttention(q, codebook: book, codes: codes, v).relativeError(to: ref) < 1e-10)
        #expect(vqAttention(q, codebook: book, codes: codes, v, scale: 1.3)
            .relativeError(to: naiveSoftmaxAttention(q, kHat, v, scale: 1.3)) < 1e-10)
    }

    @Test(arguments: [1, 6, 37, 64])
    func causalRecurrenceEqualsQuadraticOnQuantisedKeys(n: Int) {
        let (q, k, v, book, codes) = setup(n: n, c: min(n, 8), seed: UInt64(10 + n))
        let ref = naiveSoftmaxAttention(q, book.quantize(k), v, causal: true)
        #expect(vqCausalAttention(q, codebook: book, codes: codes, v).relativeError(to: ref) < 1e-10)
    }

    @Test(arguments: [1, 2, 5, 8, 64])
    func blockRecurrenceEqualsQuadratic(blockSize l: Int) {
        let n = 37
        let (q, k, v, book, codes) = setup(n: n, c: 8, seed: 99)
        let kHat = book.quantize(k)
        let ref = naiveSoftmaxAttention(q, kHat, v, causal: true)
        #expect(vqBlockAttention(q, codebook: book, codes: codes, v, blockSize: l).relativeError(to: ref) < 1e-10)
        // A Toeplitz bias that vanishes for i − j > l keeps the recurrence exact.
        var g = RandomSource(seed: 5)
        let bias = (0...l).map { _ in g.normal() }
        let refBias = naiveSoftmaxAttention(q, kHat, v, causal: true, bias: bias)
        let got = vqBlockAttention(q, codebook: book, codes: codes, v, blockSize: l, bias: bias)
        #expect(got.relativeError(to: refBias) < 1e-10)
    }

    @Test func biasBeyondBlockSizeBreaksExactness() {
        // The post's condition has a typo: exactness needs b(δ) = 0 for δ > l. A bias at
        // δ = l + 1 is seen inside the window but not through the cache.
        let n = 40, l = 5
        let (q, k, v, book, codes) = setup(n: n, c: 8, seed: 7)
        var bias = [Double](repeating: 0, count: l + 2)
        bias[l + 1] = 2
        let ref = naiveSoftmaxAttention(q, book.quantize(k), v, causal: true, bias: bias)
        let got = vqBlockAttention(q, codebook: book, codes: codes, v, blockSize: l, bias: bias)
        #expect(got.relativeError(to: ref) > 1e-3)
    }

    @Test func floatVersionsAgree() {
        let (q, k, v, book, codes) = setup(n: 30, c: 6, seed: 3)
        let ref = vqAttention(q, codebook: book, codes: codes, v)
        let bf = Codebook(codewords: book.codewords.converted(to: Float.self))
        let got = vqAttention(q.converted(to: Float.self), codebook: bf, codes: codes, v.converted(to: Float.self))
        #expect(got.converted(to: Double.self).relativeError(to: ref) < 1e-5)
        let gotBlock = vqBlockAttention(q.converted(to: Float.self), codebook: bf, codes: codes, v.converted(to: Float.self), blockSize: 4)
        #expect(gotBlock.converted(to: Double.self).relativeError(to: naiveSoftmaxAttention(q, book.decode(codes), v, causal: true)) < 1e-5)
    }
}
