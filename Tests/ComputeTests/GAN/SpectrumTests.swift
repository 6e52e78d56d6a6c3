import Testing
@testable import Compute

#if canImport(Glibc)
import Glibc
#endif

@Suite struct SpectrumTests {
    @Test func twoByTwoClosedForm() {
        let (a, b) = Spectrum.eigenvalues2x2(2, 1, 1, 2)
        #expect(a == ComplexNumber(3) && b == ComplexNumber(1))
        let (c, d) = Spectrum.eigenvalues2x2(0, -1, 1, 0)
        #expect(c == ComplexNumber(0, 1) && d == ComplexNumber(0, -1))
        let (e, f) = Spectrum.eigenvalues2x2(-0.2, -1, 1, 0)   // −0.1 ± i√0.99
        #expect(abs(e.re + 0.1) < 1e-16 && abs(e.im - 0.99.squareRoot()) < 1e-15 && f == e.conjugate)
        let (g, h) = Spectrum.eigenvalues2x2(5, 0, 0, 5)         // repeated
        #expect(g == ComplexNumber(5) && h == ComplexNumber(5))
        // Badly scaled real pair: Vieta (sum = trace, product = det) to full relative accuracy,
        // where the textbook τ/2 − √disc would lose the small root entirely.
        let (p, q) = Spectrum.eigenvalues2x2(1e9, 1, 1, 1e-9)
        #expect(abs((p.re + q.re) - (1e9 + 1e-9)) <= 1e-15 * 1e9)
        #expect(abs(p.re * q.re - (1 - 1)) < 1e-6)   // det = 1e9·1e-9 − 1 = 0 → small root 0
        let (r, s) = Spectrum.eigenvalues2x2(1e8, 1, 1, 1)
        let det = 1e8 - 1.0
        #expect(abs(r.re * s.re - det) / det < 1e-15)
        #expect(abs((r.re + s.re) - (1e8 + 1)) / 1e8 < 1e-15)
    }

    @Test func generalMatrixWithKnownSpectrum() throws {
        // A = Q B Qᵀ with B block-diagonal (rotation-scaling blocks and reals), Q orthogonal:
        // the eigenvalues of A are those of B exactly.
        var rng = RandomSource(seed: 2024)
        let blocks: [(Double, Double)] = [(-0.1, 0.99), (0.3, 2.0), (-1.5, 0.25)]
        let reals: [Double] = [0.7, -2.5]
        let n = 2 * blocks.count + reals.count
        var b = Matrix<Double>(rows: n, cols: n)
        var expected: [ComplexNumber] = []
        for (i, (re, im)) in blocks.enumerated() {
            b[2 * i, 2 * i] = re; b[2 * i, 2 * i + 1] = -im
            b[2 * i + 1, 2 * i] = im; b[2 * i + 1, 2 * i + 1] = re
            expected += [ComplexNumber(re, im), ComplexNumber(re, -im)]
        }
        for (i, x) in reals.enumerated() { b[2 * blocks.count + i, 2 * blocks.count + i] = x; expected.append(ComplexNumber(x)) }
        let q = LAPACK.qr(Matrix<Double>.randomNormal(rows: n, cols: n, using: &rng)).q
        let a = q * b * q.transposed()
        let e = try #require(Spectrum.eigenvalues(a))
        #expect(Spectrum.maxMatchingDistance(e, expected) < 1e-12)
        // sorted by real part, +i first within a pair
        #expect(e[0] == e.max { $0.re < $1.re })
        #expect(abs(Spectrum.radius(a) - 2.5) < 1e-12)
        #expect(abs(Spectrum.abscissa(a) - 0.7) < 1e-12)
    }

    @Test func complexArithmetic() {
        let z = ComplexNumber(3, 4)
        #expect(z.modulus == 5)
        #expect(z * z.conjugate == ComplexNumber(25, 0))
        #expect(ComplexNumber.i * ComplexNumber.i == ComplexNumber(-1))
        #expect((1.0 + 0.5 * z) == ComplexNumber(2.5, 2))
        #expect(abs(ComplexNumber(0, -1).argument + Double.pi / 2) < 1e-16)
    }
}
