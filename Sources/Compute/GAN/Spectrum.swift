// Eigenvalues of small real matrices (the Jacobians of GAN vector fields and of their
// discrete update maps): a complex number type, the 2×2 closed form, LAPACK's general
// real eigensolver (through `LAPACK.eigen` of Core), spectral radius and abscissa.

#if canImport(Glibc)
import Glibc
#endif

/// A complex number `re + i·im` in `Double` (eigenvalues of real matrices).
///
/// Only what eigen-analysis needs: arithmetic, modulus, argument. `abs` uses `hypot`
/// (no overflow for large parts).
public struct ComplexNumber: Sendable, Hashable, CustomStringConvertible {
    /// Real part.
    public var re: Double
    /// Imaginary part.
    public var im: Double

    /// `re + i·im`.
    public init(_ re: Double, _ im: Double = 0) {
        self.re = re
        self.im = im
    }

    /// The imaginary unit `i`.
    public static let i = ComplexNumber(0, 1)

    /// Modulus `|z| = √(re² + im²)` (via `hypot`).
    public var modulus: Double { hypot(re, im) }
    /// Argument `atan2(im, re)` in (−π, π].
    public var argument: Double { atan2(im, re) }
    /// Complex conjugate `re − i·im`.
    public var conjugate: ComplexNumber { ComplexNumber(re, -im) }

    /// Sum.
    public static func + (a: ComplexNumber, b: ComplexNumber) -> ComplexNumber { ComplexNumber(a.re + b.re, a.im + b.im) }
    /// Difference.
    public static func - (a: ComplexNumber, b: ComplexNumber) -> ComplexNumber { ComplexNumber(a.re - b.re, a.im - b.im) }
    /// Product (re₁re₂ − im₁im₂) + i(re₁im₂ + im₁re₂).
    public static func * (a: ComplexNumber, b: ComplexNumber) -> ComplexNumber {
        ComplexNumber(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
    }
    /// Real scaling.
    public static func * (s: Double, a: ComplexNumber) -> ComplexNumber { ComplexNumber(s * a.re, s * a.im) }
    /// Real shift (e.g. `1 + h·μ`, an eigenvalue of I + hJ).
    public static func + (s: Double, a: ComplexNumber) -> ComplexNumber { ComplexNumber(s + a.re, a.im) }
    /// Negation.
    public static prefix func - (a: ComplexNumber) -> ComplexNumber { ComplexNumber(-a.re, -a.im) }

    /// `|a − b|`.
    public func distance(to b: ComplexNumber) -> Double { (self - b).modulus }

    /// E.g. `-0.1 + 0.994987i`, `0.5`, `-0.5i`.
    public var description: String {
        if im == 0 { return "\(re)" }
        if re == 0 { return "\(im)i" }
        return im < 0 ? "\(re) - \(-im)i" : "\(re) + \(im)i"
    }
}

/// Eigen-analysis of small dense real matrices.
///
/// `eigenvalues` calls LAPACK `dgeev` (Hessenberg reduction + shifted QR, through
/// `LAPACK.eigen` in Core); `eigenvalues2x2` is the closed form; `radius` and `abscissa`
/// are the quantities that decide discrete-map and continuous-flow stability:
/// a fixed point of x ↦ Mx is asymptotically stable iff ρ(M) = max|μ| < 1, an equilibrium
/// of x' = Jx iff α(J) = max Re μ < 0 (Strogatz, *Nonlinear Dynamics and Chaos*, §5–6;
/// Hairer–Nørsett–Wanner I, §I.13).
public enum Spectrum {
    /// Eigenvalues of a real n×n matrix (LAPACK `dgeev`), sorted by real part descending,
    /// then imaginary part descending (so a conjugate pair lists `+i` first). O(n³).
    ///
    /// - Returns: `nil` only if the QR iteration fails to converge (LAPACK `info > 0`).
    /// - Precondition: `m` is square and non-empty with finite entries.
    public static func eigenvalues(_ m: Matrix<Double>) -> [ComplexNumber]? {
        precondition(m.rows == m.cols && m.rows > 0, "Spectrum.eigenvalues: need a non-empty square matrix, got \(m.rows)×\(m.cols)")
        precondition(m.elements.allSatisfy { $0.isFinite }, "Spectrum.eigenvalues: matrix has non-finite entries")
        if m.rows == 2 {
            let (a, b) = eigenvalues2x2(m[0, 0], m[0, 1], m[1, 0], m[1, 1])
            return sorted([a, b])
        }
        guard let e = LAPACK.eigen(m) else { return nil }
        return sorted(zip(e.real, e.imaginary).map { ComplexNumber($0, $1) })
    }

    /// Closed-form eigenvalues of `[[a, b], [c, d]]`: μ = τ/2 ± √(τ²/4 − δ) with trace τ = a + d
    /// and determinant δ = ad − bc. The discriminant (a − d)²/4 + bc is formed without
    /// cancellation of τ²/4 − δ; a real pair is computed as q = τ/2 + sign(τ)·√disc,
    /// μ₁ = q, μ₂ = δ/q (no cancellation; Numerical Recipes §5.6). Ordered as `eigenvalues`.
    public static func eigenvalues2x2(_ a: Double, _ b: Double, _ c: Double, _ d: Double) -> (ComplexNumber, ComplexNumber) {
        let half = (a + d) / 2
        let disc = (a - d) * (a - d) / 4 + b * c
        if disc >= 0 {
            let s = disc.squareRoot()
            let q = half >= 0 ? half + s : half - s
            let det = a * d - b * c
            let mu1 = q
            let mu2 = q != 0 ? det / q : 0
            return mu1 >= mu2 ? (ComplexNumber(mu1), ComplexNumber(mu2)) : (ComplexNumber(mu2), ComplexNumber(mu1))
        }
        let s = (-disc).squareRoot()
        return (ComplexNumber(half, s), ComplexNumber(half, -s))
    }

    /// Spectral radius ρ(M) = max |μᵢ|. A fixed point of the linear map x ↦ Mx attracts iff
    /// ρ < 1; the distance to it grows or shrinks like ρⁿ (for a diagonalisable M). O(n³).
    public static func radius(_ m: Matrix<Double>) -> Double {
        guard let e = eigenvalues(m) else { return .nan }
        return e.map(\.modulus).max()!
    }

    /// Spectral abscissa α(J) = max Re μᵢ: x' = Jx decays like e^{αt} (α < 0) or grows (α > 0);
    /// α = 0 with purely imaginary μ is a linear centre (no convergence). O(n³).
    public static func abscissa(_ m: Matrix<Double>) -> Double {
        guard let e = eigenvalues(m) else { return .nan }
        return e.map(\.re).max()!
    }

    /// Greedy matching distance between two lists of eigenvalues: for each `expected` value,
    /// the distance to the nearest not-yet-used computed value; the maximum over all.
    /// O(n²). Useful to compare a computed spectrum with a closed form (order-free).
    public static func maxMatchingDistance(_ computed: [ComplexNumber], _ expected: [ComplexNumber]) -> Double {
        precondition(computed.count == expected.count, "Spectrum.maxMatchingDistance: \(computed.count) vs \(expected.count) values")
        var used = [Bool](repeating: false, count: computed.count)
        var worst = 0.0
        for e in expected {
            var best = -1
            var bestD = Double.infinity
            for (j, c) in computed.enumerated() where !used[j] {
                let d = c.distance(to: e)
                if d < bestD { bestD = d; best = j }
            }
            used[best] = true
            worst = max(worst, bestD)
        }
        return worst
    }

    static func sorted(_ v: [ComplexNumber]) -> [ComplexNumber] {
        v.sorted { $0.re != $1.re ? $0.re > $1.re : $0.im > $1.im }
    }
}
