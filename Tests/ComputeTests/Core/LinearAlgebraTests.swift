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
}
