// A small dense LU factorisation with partial pivoting for the stiff solver's linear
// systems (n is small: a few to a few dozen unknowns). Golub & Van Loan, *Matrix
// Computations*, Algorithm 3.4.1 (row-major, in place, Doolittle form).

#if canImport(Glibc)
import Glibc
#endif

/// In-place LU factorisation `P·A = L·U` of an `n × n` row-major matrix stored in a
/// caller-owned buffer, with `solve` for right-hand sides. `O(n³/3)` to factor, `O(n²)`
/// per solve. Used internally by `.rodas4`.
enum DenseLU {
    /// Factors `a` (row-major, overwritten by L (unit lower, below the diagonal) and U),
    /// recording row swaps in `pivots`. Returns false if a zero (or non-finite) pivot
    /// makes the matrix numerically singular.
    static func factor(_ a: UnsafeMutablePointer<Double>, n: Int, pivots: UnsafeMutablePointer<Int>) -> Bool {
        for k in 0..<n {
            // Pivot: largest |a[i][k]| for i ≥ k.
            var p = k
            var best = abs(a[k * n + k])
            for i in (k + 1)..<n {
                let v = abs(a[i * n + k])
                if v > best { best = v; p = i }
            }
            pivots[k] = p
            if !(best > 0) || !best.isFinite { return false }
            if p != k {
                for j in 0..<n {
                    let t = a[k * n + j]
                    a[k * n + j] = a[p * n + j]
                    a[p * n + j] = t
                }
            }
            let inv = 1 / a[k * n + k]
            for i in (k + 1)..<n {
                let l = a[i * n + k] * inv
                a[i * n + k] = l
                if l != 0 {
                    for j in (k + 1)..<n { a[i * n + j] -= l * a[k * n + j] }
                }
            }
        }
        return true
    }

    /// Solves `A x = b` in place (`b` becomes `x`) with the factors from `factor`.
    static func solve(_ lu: UnsafeMutablePointer<Double>, n: Int, pivots: UnsafeMutablePointer<Int>,
                      _ b: UnsafeMutablePointer<Double>) {
        for k in 0..<n {
            let p = pivots[k]
            if p != k { let t = b[k]; b[k] = b[p]; b[p] = t }
        }
        // Forward substitution with unit L.
        for i in 0..<n {
            var s = b[i]
            for j in 0..<i { s -= lu[i * n + j] * b[j] }
            b[i] = s
        }
        // Back substitution with U.
        var i = n - 1
        while i >= 0 {
            var s = b[i]
            for j in (i + 1)..<n { s -= lu[i * n + j] * b[j] }
            b[i] = s / lu[i * n + i]
            i -= 1
        }
    }

    /// Convenience for tests and small problems: solves `A x = b` for a row-major `[[Double]]`
    /// matrix, or returns nil when `A` is singular.
    static func solve(_ A: [[Double]], _ b: [Double]) -> [Double]? {
        let n = b.count
        precondition(A.count == n && A.allSatisfy { $0.count == n }, "DenseLU.solve: A must be \(n)×\(n)")
        var a = A.flatMap { $0 }
        var x = b
        var piv = [Int](repeating: 0, count: Swift.max(n, 1))
        let ok = a.withUnsafeMutableBufferPointer { ap in
            piv.withUnsafeMutableBufferPointer { pp in
                DenseLU.factor(ap.baseAddress!, n: n, pivots: pp.baseAddress!)
            }
        }
        guard ok else { return nil }
        a.withUnsafeMutableBufferPointer { ap in
            piv.withUnsafeMutableBufferPointer { pp in
                x.withUnsafeMutableBufferPointer { xp in
                    DenseLU.solve(ap.baseAddress!, n: n, pivots: pp.baseAddress!, xp.baseAddress!)
                }
            }
        }
        return x
    }
}
