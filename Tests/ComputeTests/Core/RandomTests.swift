import Testing
@testable import Compute

// Reference values: python3 Tests/ComputeTests/Core/reference/rng_refs.py (an independent
// pure-Python SplitMix64 / xoshiro256** / polar-normal implementation). The SplitMix64 values
// for seed 0 also match the published test vector of the reference C code.

@Suite struct RandomTests {
    @Test func splitMix64KnownAnswer() {
        var g = SplitMix64(seed: 0)
        #expect(g.next() == 0xe220_a839_7b1d_cdaf)
        #expect(g.next() == 0x6e78_9e6a_a1b9_65f4)
        #expect(g.next() == 0x06c4_5d18_8009_454f)
        #expect(g.next() == 0xf88b_b8a8_724c_81ec)
    }

    @Test func xoshiroKnownAnswer() {
        var g = RandomSource(seed: 42)
        #expect(g.next() == 0x1578_0b2e_0c2e_c716)
        #expect(g.next() == 0x6104_d986_6d11_3a7e)
        #expect(g.next() == 0xae17_5332_39e4_99a1)
        #expect(g.next() == 0xecb8_ad47_03b3_60a1)
    }

    @Test func jumpedStreamKnownAnswer() {
        var g = RandomSource(seed: 42, stream: 1)
        #expect(g.next() == 0x5008_6ef8_3cbf_4f4a)
        #expect(g.next() == 0xba28_5ec2_1347_d703)
        var h = RandomSource(seed: 42, stream: 0)
        #expect(h.next() == 0x1578_0b2e_0c2e_c716)
    }

    @Test func uniformAndNormalKnownAnswer() {
        var g = RandomSource(seed: 7)
        #expect(g.uniform() == 0.7005764821796896)
        #expect(g.uniform() == 0.2787512294737843)
        #expect(g.uniform() == 0.8396274618764198)
        var h = RandomSource(seed: 7)
        let expected = [0.9643618527255184, -1.0637531974798475, -0.3039301238656567, -1.0989693210013467, 0.30479435832638674]
        for e in expected { #expect(h.normal() == e) }
    }

    @Test func sameSeedSameStreamDifferentSeedsDiffer() {
        var a = RandomSource(seed: 5), b = RandomSource(seed: 5), c = RandomSource(seed: 6)
        let xa = (0..<8).map { _ in a.next() }, xb = (0..<8).map { _ in b.next() }, xc = (0..<8).map { _ in c.next() }
        #expect(xa == xb)
        #expect(xa != xc)
    }

    @Test func normalMoments() {
        // Mean and variance of 200 000 normals within 5 standard errors of 0 and 1
        // (se of the mean 1/√N, of the variance √(2/N)).
        var g = RandomSource(seed: 2024)
        let n = 200_000
        var s = 0.0, s2 = 0.0, s4 = 0.0
        for _ in 0..<n { let z = g.normal(); s += z; s2 += z * z; s4 += z * z * z * z }
        let mean = s / Double(n), variance = s2 / Double(n) - mean * mean
        #expect(abs(mean) < 5 / Double(n).squareRoot())
        #expect(abs(variance - 1) < 5 * (2 / Double(n)).squareRoot())
        #expect(abs(s4 / Double(n) - 3) < 5 * (96 / Double(n)).squareRoot())  // E z⁴ = 3, Var z⁴ = 96
    }

    @Test func uniformRangeAndMean() {
        var g = RandomSource(seed: 3)
        var s = 0.0
        for _ in 0..<100_000 {
            let u = g.uniform()
            #expect(u >= 0 && u < 1)
            s += u
        }
        #expect(abs(s / 100_000 - 0.5) < 5 * (1.0 / 12 / 100_000).squareRoot())
    }

    @Test func integerBelowIsInRangeAndCoversAll() {
        var g = RandomSource(seed: 9)
        var seen = Set<Int>()
        for _ in 0..<2000 {
            let k = g.integer(below: 7)
            #expect(k >= 0 && k < 7)
            seen.insert(k)
        }
        #expect(seen.count == 7)
        #expect(g.integer(below: 1) == 0)
    }

    @Test func categoricalRespectsZeroWeights() {
        var g = RandomSource(seed: 1)
        for _ in 0..<500 { #expect(g.categorical([0, 2, 0, 1]) != 0) }
    }

    @Test func orthogonalMatrixIsOrthogonal() {
        var g = RandomSource(seed: 17)
        for n in [1, 2, 5, 16] {
            let q = Matrix<Double>.randomOrthogonal(n, using: &g)
            #expect((q.transposed() * q - .identity(n)).maxAbs < 1e-13)
            #expect((q * q.transposed() - .identity(n)).maxAbs < 1e-13)
        }
    }

    @Test func orthogonalMatrixIsHaarOnAverage() {
        // For Haar Q (n×n), E[Q₁₁²] = 1/n and E[Q₁₁] = 0; without the sign correction of
        // Mezzadri's method the diagonal would be biased positive.
        var g = RandomSource(seed: 99)
        let n = 4, reps = 4000
        var s = 0.0, s2 = 0.0
        for _ in 0..<reps {
            let q = Matrix<Double>.randomOrthogonal(n, using: &g)
            s += q[0, 0]
            s2 += q[0, 0] * q[0, 0]
        }
        // sd of Q₁₁ is 1/2 for n = 4 → se of the mean 0.5/√4000 ≈ 0.0079.
        #expect(abs(s / Double(reps)) < 0.04)
        #expect(abs(s2 / Double(reps) - 0.25) < 0.02)
    }

    @Test func floatAndDoubleMatricesAgreeFromSameSeed() {
        var a = RandomSource(seed: 8), b = RandomSource(seed: 8)
        let md = Matrix<Double>.randomNormal(rows: 3, cols: 4, using: &a)
        let mf = Matrix<Float>.randomNormal(rows: 3, cols: 4, using: &b)
        #expect(md.converted(to: Float.self) == mf)
    }
}
