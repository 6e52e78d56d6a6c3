import Testing
@testable import Compute

/// The textbook triple loop, the independent reference for the BLAS products.
func naiveProduct(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> {
    Matrix(rows: a.rows, cols: b.cols) { i, j in
        (0..<a.cols).reduce(0.0) { $0 + a[i, $1] * b[$1, j] }
    }
}

@Suite struct MatrixTests {
    @Test func constructionAndIndexing() {
        let m = Matrix<Double>([[1, 2, 3], [4, 5, 6]])
        #expect(m.rows == 2 && m.cols == 3)
        #expect(m[1, 2] == 6)
        #expect(m.row(1) == [4, 5, 6])
        #expect(m.column(1) == [2, 5])
        #expect(m.transposed() == Matrix([[1, 4], [2, 5], [3, 6]]))
        #expect(m.rows(1..<2) == Matrix([[4, 5, 6]]))
        #expect(m.columns(1..<3) == Matrix([[2, 3], [5, 6]]))
        #expect(m.rowSums == [6, 15])
        #expect(m.columnSums == [5, 7, 9])
        #expect(m.appendingColumns(Matrix([[7], [8]])) == Matrix([[1, 2, 3, 7], [4, 5, 6, 8]]))
        #expect(m.appendingRows(Matrix([[0, 0, 0]])).rows == 3)
        #expect(Matrix<Double>(rows: 0, cols: 4).elements.isEmpty)
    }

    @Test func frobeniusNormClosedForm() {
        let m = Matrix<Double>([[3, 4], [0, 0]])
        #expect(m.frobeniusNorm == 5)
        let big = Matrix<Double>([[3e200, 4e200]])  // no overflow thanks to scaling
        #expect(abs(big.frobeniusNorm / 5e200 - 1) < 1e-15)
    }

    @Test func transposeOfLargeOddMatrix() {
        var g = RandomSource(seed: 1)
        let a = Matrix<Double>.randomNormal(rows: 37, cols: 70, using: &g)
        let t = a.transposed()
        for i in 0..<37 { for j in 0..<70 { #expect(t[j, i] == a[i, j]) } }
    }

    @Test(arguments: [false, true], [false, true])
    func gemmMatchesTripleLoop(transA: Bool, transB: Bool) {
        var g = RandomSource(seed: 2)
        let a = Matrix<Double>.randomNormal(rows: transA ? 13 : 7, cols: transA ? 7 : 13, using: &g)
        let b = Matrix<Double>.randomNormal(rows: transB ? 5 : 13, cols: transB ? 13 : 5, using: &g)
        let c = matmul(a, b, transposeA: transA, transposeB: transB, alpha: 2)
        let ref = naiveProduct(transA ? a.transposed() : a, transB ? b.transposed() : b) * 2
        #expect(c.rows == 7 && c.cols == 5)
        #expect(c.maxAbsDifference(ref) < 1e-13)
    }

    @Test func floatGemmMatchesDoubleReference() {
        var g = RandomSource(seed: 3)
        let a = Matrix<Double>.randomNormal(rows: 9, cols: 11, using: &g)
        let b = Matrix<Double>.randomNormal(rows: 11, cols: 4, using: &g)
        let cf = a.converted(to: Float.self) * b.converted(to: Float.self)
        #expect(cf.converted(to: Double.self).maxAbsDifference(naiveProduct(a, b)) < 1e-5)
    }

    @Test func level1And2() {
        let a = Matrix<Double>([[1, 2], [3, 4], [5, 6]])
        #expect(matvec(a, [1, -1]) == [-1, -1, -1])
        #expect(matvec(a, [1, 1, 1], transpose: true) == [9, 12])
        #expect(dot([1.0, 2, 3], [4, 5, 6]) == 32)
        var y: [Float] = [1, 1]
        axpy(2, [3, 4], &y)
        #expect(y == [7, 9])
    }

    @Test func emptyProducts() {
        let a = Matrix<Double>(rows: 3, cols: 0), b = Matrix<Double>(rows: 0, cols: 2)
        #expect(a * b == Matrix(rows: 3, cols: 2))
    }
}
