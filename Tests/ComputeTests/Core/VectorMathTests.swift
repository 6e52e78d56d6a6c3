#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import Compute

/// Distance in units in the last place between two finite doubles of the same sign.
func ulpDistance(_ a: Double, _ b: Double) -> Double {
    if a == b { return 0 }
    return abs(a - b) / max(a.ulp, b.ulp)
}

func ulpDistance(_ a: Float, _ b: Float) -> Float {
    if a == b { return 0 }
    return abs(a - b) / max(a.ulp, b.ulp)
}

@Suite struct VectorMathTests {
    @Test func vectorExpDoubleWithinTwoUlpOfGlibc() {
        // A dense grid over the whole fast range plus random points; the reference is Glibc's exp.
        var xs = stride(from: -708.0, through: 709.0, by: 0.0137).map { $0 }
        var g = RandomSource(seed: 12)
        for _ in 0..<20_000 { xs.append(g.uniform(-30, 30)) }
        for _ in 0..<5000 { xs.append(g.uniform(-1e-3, 1e-3)) }
        var ys = xs
        ys.withUnsafeMutableBufferPointer { Double.vectorExp($0.baseAddress!, count: $0.count) }
        var worst = 0.0
        for (x, y) in zip(xs, ys) { worst = max(worst, ulpDistance(y, Glibc.exp(x))) }
        #expect(worst <= 2)
    }

    @Test func vectorExpFloatWithinTwoUlpOfGlibc() {
        var xs = stride(from: Float(-87), through: 88, by: 0.0031).map { $0 }
        var g = RandomSource(seed: 13)
        for _ in 0..<20_000 { xs.append(Float(g.uniform(-10, 10))) }
        var ys = xs
        ys.withUnsafeMutableBufferPointer { Float.vectorExp($0.baseAddress!, count: $0.count) }
        var worst: Float = 0
        for (x, y) in zip(xs, ys) { worst = max(worst, ulpDistance(y, Glibc.expf(x))) }
        #expect(worst <= 2)
    }

    @Test func vectorExpEdgeCasesMatchGlibc() {
        let xs: [Double] = [0, -0.0, 1, -1, -708.5, -709, -740, -745.2, -746, -1000, 709.78, 710, 1000,
                            .infinity, -.infinity, -3, 2]
        var ys = xs
        ys.withUnsafeMutableBufferPointer { Double.vectorExp($0.baseAddress!, count: $0.count) }
        for (x, y) in zip(xs, ys) { #expect(y == Glibc.exp(x) || ulpDistance(y, Glibc.exp(x)) <= 2, "x = \(x)") }
        var nan: [Double] = [.nan, 1, 2, 3]
        nan.withUnsafeMutableBufferPointer { Double.vectorExp($0.baseAddress!, count: 4) }
        #expect(nan[0].isNaN && nan[1] == Glibc.exp(1.0))
        let fx: [Float] = [0, -87.5, -100, -104, 88.8, 89, .infinity, -.infinity, 1]
        var fy = fx
        fy.withUnsafeMutableBufferPointer { Float.vectorExp($0.baseAddress!, count: $0.count) }
        for (x, y) in zip(fx, fy) { #expect(y == Glibc.expf(x) || ulpDistance(y, Glibc.expf(x)) <= 2, "x = \(x)") }
    }

    @Test func expShiftSumWithinTwoUlpOverTheWholeRange() {
        // The 16-lane path of vectorExpShiftSum (SIMD8 vectors), its tails, and lanes that
        // leave the fast range (handled by Glibc), on the same grid as vectorExp.
        let xs = stride(from: -745.0, through: 709.0, by: 0.0137).map { $0 } + [.infinity, -.infinity, -800, 710]
        var ys = xs
        let sum = ys.withUnsafeMutableBufferPointer { Double.vectorExpShiftSum($0.baseAddress!, count: $0.count, shift: 0) }
        var worst = 0.0
        for (x, y) in zip(xs, ys) where x.isFinite && x < 709.7 {
            worst = max(worst, y == Glibc.exp(x) ? 0 : ulpDistance(y, Glibc.exp(x)))
        }
        #expect(worst <= 2)
        #expect(sum == .infinity && ys[ys.count - 3] == 0 && ys[ys.count - 4] == .infinity)
    }

    @Test func expShiftSumAndMax() {
        for count in [0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 20, 31, 32, 33, 41, 100, 1001] {
            var g = RandomSource(seed: UInt64(count))
            let xs = (0..<count).map { _ in g.normal() * 3 }
            var ys = xs
            let sum = ys.withUnsafeMutableBufferPointer { Double.vectorExpShiftSum($0.baseAddress!, count: count, shift: 0.5) }
            var ref = 0.0
            for (x, y) in zip(xs, ys) {
                #expect(ulpDistance(y, Glibc.exp(x - 0.5)) <= 2)
                ref += Glibc.exp(x - 0.5)
            }
            #expect(abs(sum - ref) <= 1e-14 * max(ref, 1))
            let m = xs.withUnsafeBufferPointer { Double.vectorMax($0.baseAddress!, count: count) }
            #expect(m == (xs.max() ?? -.infinity))
            let xf = xs.map { Float($0) }
            let mf = xf.withUnsafeBufferPointer { Float.vectorMax($0.baseAddress!, count: count) }
            #expect(mf == (xf.max() ?? -.infinity))
            // Float: 32 lanes per step (two SIMD16), then 8, then scalar.
            var yf = xf
            let sumf = yf.withUnsafeMutableBufferPointer { Float.vectorExpShiftSum($0.baseAddress!, count: count, shift: 0.5) }
            var reff = 0.0
            for (x, y) in zip(xf, yf) {
                #expect(ulpDistance(y, Glibc.expf(x - 0.5)) <= 2)
                reff += Double(Glibc.expf(x - 0.5))
            }
            #expect(abs(Double(sumf) - reff) <= 1e-6 * max(reff, 1))
        }
    }

    @Test func softmaxRowsIsStableAndNormalised() {
        let x = Matrix<Double>([[1000, 1001, 1002], [-1000, -1000, -1000], [0, 1, 2]])
        let p = softmaxRows(x)
        let e = [1.0, Glibc.exp(1.0), Glibc.exp(2.0)]
        let z = e.reduce(0, +)
        for i in [0, 2] { for j in 0..<3 { #expect(abs(p[i, j] - e[j] / z) < 1e-15) } }
        for j in 0..<3 { #expect(abs(p[1, j] - 1.0 / 3) < 1e-15) }
        for s in p.rowSums { #expect(abs(s - 1) < 1e-15) }
        #expect(softmaxRows(Matrix<Double>([[-.infinity, -.infinity]]))[0, 0].isNaN)
        let lse = logSumExpRows(x)
        #expect(abs(lse[0] - (1002 + Glibc.log(1 + Glibc.exp(-1.0) + Glibc.exp(-2.0)))) < 1e-12)
    }
}
