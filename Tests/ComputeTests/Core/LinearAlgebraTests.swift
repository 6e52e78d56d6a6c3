import Testing
@testable import Compute

// Reference values: python3 Tests/ComputeTests/Attention/reference/attention_refs.py
// (scipy.linalg.svdvals, numpy.linalg.eigvals, scipy.linalg.solve, scipy.linalg.eigvalsh)
// for A = [[4, 1, -2], [1, 2, 0.5], [3, -1, 1]].

private let a = Matrix<Double>([[4, 1, -2], [1, 2, 0.5], [3, -1, 1]])

@Suite struct LinearAlgebraTests {
    @Test func singularValuesMatchScipy() throws {
        let s = try #require(LAPACK.singularValues(a))
        let ref = [5.239931671014204, 2.5200733920251093, 1.8553560795462847]
        for (x, r) in zip(s, ref) { #expect(abs(x - r) < 1e-13) }
        let sf = try #require(LAPACK.singularValues(a.converted(to: Float.self)))
        for (x, r) in zip(sf, ref) { #expect(abs(Double(x) - r) < 1e-5) }
    }

    @Test func svdReconstructs() throws {
        var g = RandomSource(seed: 4)
        let m = Matrix<Double>.randomNormal(rows: 7, cols: 4, using: &g)
        let (u, s, vt) = try #require(LAPACK.svd(m))
        #expect(u.rows == 7 && u.cols == 4 && vt.rows == 4 && vt.cols == 4)
        #expect((u * .diagonal(s) * vt).maxAbsDifference(m) < 1e-13)
        #expect((u.transposed() * u - .identity(4)).maxAbs < 1e-13)
    }

    @Test func qrReconstructs() {
        var g = RandomSource(seed: 5)
        for (r, c) in [(6, 4), (4, 6), (5, 5)] {
            let m = Matrix<Double>.randomNormal(rows: r, cols: c, using: &g)
            let (q, rr) = LAPACK.qr(m)
            #expect((q * rr).maxAbsDifference(m) < 1e-13)
            #expect((q.transposed() * q - .identity(min(r, c))).maxAbs < 1e-13)
            for i in 0..<rr.rows { for j in 0..<min(i, rr.cols) { #expect(rr[i, j] == 0) } }
        }
    }

    @Test func generalEigenvaluesMatchNumpy() throws {
        let e = try #require(LAPACK.eigen(a, vectors: true))
        let pairs = zip(e.real, e.imaginary).sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        let refRe = [1.8141754785578472, 1.8141754785578472, 3.371649042884303]
        let refIm = [-1.9938007175221697, 1.9938007175221697, 0.0]
        for (p, (r, i)) in zip(pairs, zip(refRe, refIm)) {
            #expect(abs(p.0 - r) < 1e-12 && abs(p.1 - i) < 1e-12)
        }
        // The real eigenvector satisfies A v = λ v.
        let v = try #require(e.vectors)
        let j = try #require(e.imaginary.firstIndex(of: 0))
        let col = v.column(j)
        let av = matvec(a, col)
        for k in 0..<3 { #expect(abs(av[k] - e.real[j] * col[k]) < 1e-12) }
    }

    @Test func rotationHasImaginaryEigenvalues() throws {
        let e = try #require(LAPACK.eigen(Matrix<Double>([[0, -1], [1, 0]])))
        #expect(e.real.allSatisfy { abs($0) < 1e-15 })
        #expect(Set(e.imaginary) == [1, -1])
    }

    @Test func symmetricEigen() throws {
        let b = a + a.transposed()
        let (w, v) = try #require(LAPACK.symmetricEigen(b))
        let ref = [1.5, 3.592463546816337, 8.907536453183662]
        for (x, r) in zip(w, ref) { #expect(abs(x - r) < 1e-12) }
        #expect((v * .diagonal(w) * v.transposed()).maxAbsDifference(b) < 1e-12)
    }

    @Test func solveMatchesScipyAndDetectsSingular() throws {
        let x = try #require(LAPACK.solve(a, [1, 2, 3]))
        let ref = [0.7346938775510203, 0.34693877551020413, 1.1428571428571428]
        for (u, r) in zip(x, ref) { #expect(abs(u - r) < 1e-14) }
        #expect(LAPACK.solve(Matrix<Double>([[1, 2], [2, 4]]), [1, 1]) == nil)
    }

    @Test func numericalRank() {
        var g = RandomSource(seed: 6)
        let u = Matrix<Double>.randomNormal(rows: 20, cols: 3, using: &g)
        let w = Matrix<Double>.randomNormal(rows: 3, cols: 15, using: &g)
        #expect(Compute.numericalRank(u * w) == 3)
        #expect(Compute.numericalRank(Matrix<Double>.randomNormal(rows: 10, cols: 12, using: &g)) == 10)
        #expect(Compute.numericalRank(Matrix<Double>(rows: 4, cols: 4)) == 0)
        #expect(Compute.numericalRank(Matrix<Double>.diagonal([1, 1e-3, 1e-9]), tolerance: 1e-6) == 2)
    }

    /// Hilbert matrix H[i][j] = 1/(i + j + 1), n×n.
    private static func hilbert(_ n: Int) -> Matrix<Double> {
        Matrix<Double>((0..<n).map { i in (0..<n).map { j in 1.0 / Double(i + j + 1) } })
    }

    @Test func matrixRankRelativeTolerance() {
        // Ranks from numpy.linalg.matrix_rank (reference/rank_refs.py, numpy 2.4.6), whose
        // printed σ/σ_max show each threshold lies well away from a singular value.
        for (n, byDefault, at1e10, at1e6) in [(6, 6, 6, 5), (10, 10, 8, 6), (12, 11, 9, 6)] {
            let h = Self.hilbert(n)
            #expect(h.numericalRank() == byDefault, "Hilbert \(n)")
            #expect(h.numericalRank(relativeTolerance: 1e-10) == at1e10, "Hilbert \(n)")
            #expect(h.numericalRank(relativeTolerance: 1e-6) == at1e6, "Hilbert \(n)")
        }
        // Vandermonde V[i][j] = x_iʲ, x_i = (i + 1)/8 (numpy.vander(x, 8, increasing=True)).
        let v = Matrix<Double>(rows: 8, cols: 8) { i, j in (0..<j).reduce(1.0) { p, _ in p * Double(i + 1) / 8 } }
        #expect(v.numericalRank() == 8)
        #expect(v.numericalRank(relativeTolerance: 1e-5) == 7)
        #expect(v.numericalRank(relativeTolerance: 1e-3) == 5)
    }

    @Test func matrixRankOfConstructedLowRankMatrices() {
        // A = U·diag(σ)·Vᵀ with orthonormal U, V (from QR) and chosen σ: the rank at relative
        // tolerance r is the count of σᵢ > r·σ₁, by construction.
        var g = RandomSource(seed: 21)
        let (u, _) = LAPACK.qr(Matrix<Double>.randomNormal(rows: 30, cols: 6, using: &g))
        let (v, _) = LAPACK.qr(Matrix<Double>.randomNormal(rows: 20, cols: 6, using: &g))
        let sigma: [Double] = [4, 2, 1, 1e-4, 1e-8, 0]
        let a = u * Matrix<Double>.diagonal(sigma) * v.transposed()
        #expect(a.shape == (30, 20))
        #expect(a.numericalRank() == 5)            // 1e-8 ≫ 30·ε·4 ≈ 2.7e-14; the 0 is dropped
        #expect(a.numericalRank(relativeTolerance: 1e-6) == 4)
        #expect(a.numericalRank(relativeTolerance: 1e-3) == 3)
        #expect(a.numericalRank(relativeTolerance: 0.3) == 2)
        #expect(a.numericalRank(relativeTolerance: 1) == 0)
        // An exactly rank-3 integer product: the default rule sees 3.
        let b = Matrix<Double>([[1, 0, 2], [0, 1, 1], [1, 1, 0], [2, 1, 1]]) * Matrix<Double>([[1, 2, 3, 4, 5], [0, 1, 0, 1, 0], [1, 0, 1, 0, 1]])
        #expect(b.numericalRank() == 3)
        #expect(b.numericalRank() == Compute.numericalRank(b))
        #expect(Matrix<Double>(rows: 3, cols: 5).numericalRank() == 0)
        #expect(Matrix<Float>.diagonal([1, 1e-3, 1e-9]).numericalRank(relativeTolerance: 1e-6) == 2)
    }
}
