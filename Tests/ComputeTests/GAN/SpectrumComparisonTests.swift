import Testing
@testable import Compute

/// Bottleneck distance by brute force over all n! pairings (independent of the matching code).
private func bruteForceBottleneck(_ a: [ComplexNumber], _ b: [ComplexNumber]) -> Double {
    func permutations(_ items: [Int]) -> [[Int]] {
        if items.count <= 1 { return [items] }
        return items.indices.flatMap { k -> [[Int]] in
            var rest = items
            let head = rest.remove(at: k)
            return permutations(rest).map { [head] + $0 }
        }
    }
    return permutations(Array(b.indices)).map { p in
        a.indices.map { a[$0].distance(to: b[p[$0]]) }.max() ?? 0
    }.min() ?? 0
}

@Suite struct SpectrumComparisonTests {
    @Test func multiplicityMustMatch() {
        let c = [ComplexNumber(1), ComplexNumber(1), ComplexNumber(2)]
        let e = [ComplexNumber(1), ComplexNumber(2), ComplexNumber(2)]
        #expect(Spectrum.bottleneckDistance(c, e) == 1)
        #expect(!Spectrum.matches(c, e, tolerance: 0.5))
        #expect(Spectrum.matches(c, c.reversed(), tolerance: 0))
        #expect(!Spectrum.matches(c, Array(c.prefix(2)), tolerance: 1))
        #expect(Spectrum.bottleneckDistance([], []) == 0)
    }

    @Test func optimalWhereGreedyIsNot() {
        // Greedy pairs 0.6 with 1 first and leaves 1.6 with 0 (1.6); the best pairing is 0.6.
        let c = [ComplexNumber(0), ComplexNumber(1)], e = [ComplexNumber(0.6), ComplexNumber(1.6)]
        #expect(Spectrum.maxMatchingDistance(c, e) == 1.6)
        #expect(abs(Spectrum.bottleneckDistance(c, e) - 0.6) < 1e-15)
        #expect(Spectrum.matches(c, e, tolerance: 0.61) && !Spectrum.matches(c, e, tolerance: 0.59))
    }

    @Test func agreesWithBruteForceOnRandomSpectra() {
        var g = RandomSource(seed: 2121)
        for _ in 0..<40 {
            let n = 1 + g.integer(below: 5)
            let a = (0..<n).map { _ in ComplexNumber((g.uniform() * 4).rounded() / 2, (g.uniform() * 4).rounded() / 2) }
            let b = (0..<n).map { _ in ComplexNumber((g.uniform() * 4).rounded() / 2, (g.uniform() * 4).rounded() / 2) }
            let d = Spectrum.bottleneckDistance(a, b)
            #expect(d == bruteForceBottleneck(a, b))
            #expect(Spectrum.matches(a, b, tolerance: d) && (d == 0 || !Spectrum.matches(a, b, tolerance: d * 0.999)))
        }
    }

    @Test func wganGPJacobianHasEachPairTwice() {
        // −0.1 ± i√(1 − 0.01), each twice (DiracGAN's doc example; closed form).
        let j = DiracGAN(.wganGP(lambda: 0.1, center: 0)).jacobianAtEquilibrium()!
        let mu = Spectrum.eigenvalues(j)!
        let w = (1 - 0.01).squareRoot()
        let pair = [ComplexNumber(-0.1, w), ComplexNumber(-0.1, -w)]
        #expect(Spectrum.matches(mu, pair + pair, tolerance: 1e-12))
        // The same two values with the wrong multiplicities do not match.
        #expect(!Spectrum.matches(mu, [pair[0], pair[0], pair[0], pair[1]], tolerance: 1e-6))
    }
}
