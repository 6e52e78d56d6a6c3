#if canImport(Glibc)
import Glibc
#endif

/// The scalar types of `Matrix`: `Float` and `Double`, with the elementary functions of the
/// C library and vectorised kernels over contiguous buffers.
///
/// The scalar functions (`exp`, `log`, …) are Glibc's (`exp`/`expf`, …). The buffer kernels
/// (`vectorExp`, `vectorExpShiftSum`, `vectorMax`) use SIMD code with Compute's own
/// exponential (see `simdExp` in VectorMath.swift: range reduction x = k·ln2 + r, |r| ≤ ln2/2,
/// a polynomial of degree 11 fitted for relative error (Double) or Taylor's of degree 7 (Float), scaling by 2^k through the exponent
/// bits; within 2 ulp of Glibc's correctly rounded-in-practice `exp`, tested). Lanes outside
/// the normal range (results that would be subnormal, overflow, NaN) fall back to Glibc.
public protocol Real: BLASScalar, Codable {
    /// eˣ (Glibc).
    static func exp(_ x: Self) -> Self
    /// Natural logarithm (Glibc).
    static func log(_ x: Self) -> Self
    /// cos x (Glibc).
    static func cos(_ x: Self) -> Self
    /// sin x (Glibc).
    static func sin(_ x: Self) -> Self
    /// xʸ (Glibc).
    static func pow(_ x: Self, _ y: Self) -> Self
    /// eˣ − 1, accurate for small x (Glibc).
    static func expm1(_ x: Self) -> Self
    /// p[i] ← exp(p[i]) for i < count, vectorised. O(count).
    static func vectorExp(_ p: UnsafeMutablePointer<Self>, count: Int)
    /// p[i] ← exp(p[i] − shift) for i < count and returns Σ p[i] (summed in `Self`, lane-wise
    /// then across lanes). The kernel of a stable softmax. O(count).
    static func vectorExpShiftSum(_ p: UnsafeMutablePointer<Self>, count: Int, shift: Self) -> Self
    /// max p[i] over i < count (−∞ for count = 0; NaN-propagation unspecified). O(count).
    static func vectorMax(_ p: UnsafePointer<Self>, count: Int) -> Self
    /// One 512-bit SIMD register of `Self` (`SIMD8<Double>`, `SIMD16<Float>`): the lane type of
    /// the fused attention kernel (two AVX2 registers when Compute is built without AVX-512).
    associatedtype Vector: SIMD where Vector.Scalar == Self
}

extension Double: Real {
    @inlinable public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    @inlinable public static func log(_ x: Double) -> Double { Glibc.log(x) }
    @inlinable public static func cos(_ x: Double) -> Double { Glibc.cos(x) }
    @inlinable public static func sin(_ x: Double) -> Double { Glibc.sin(x) }
    @inlinable public static func pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
    @inlinable public static func expm1(_ x: Double) -> Double { Glibc.expm1(x) }
    public static func vectorExp(_ p: UnsafeMutablePointer<Double>, count: Int) { expBufferD(p, count) }
    public static func vectorExpShiftSum(_ p: UnsafeMutablePointer<Double>, count: Int, shift: Double) -> Double {
        expShiftSumD(p, count, shift)
    }
    public static func vectorMax(_ p: UnsafePointer<Double>, count: Int) -> Double { maxD(p, count) }
    public typealias Vector = SIMD8<Double>
}

extension Float: Real {
    @inlinable public static func exp(_ x: Float) -> Float { Glibc.expf(x) }
    @inlinable public static func log(_ x: Float) -> Float { Glibc.logf(x) }
    @inlinable public static func cos(_ x: Float) -> Float { Glibc.cosf(x) }
    @inlinable public static func sin(_ x: Float) -> Float { Glibc.sinf(x) }
    @inlinable public static func pow(_ x: Float, _ y: Float) -> Float { Glibc.powf(x, y) }
    @inlinable public static func expm1(_ x: Float) -> Float { Glibc.expm1f(x) }
    public static func vectorExp(_ p: UnsafeMutablePointer<Float>, count: Int) { expBufferF(p, count) }
    public static func vectorExpShiftSum(_ p: UnsafeMutablePointer<Float>, count: Int, shift: Float) -> Float {
        expShiftSumF(p, count, shift)
    }
    public static func vectorMax(_ p: UnsafePointer<Float>, count: Int) -> Float { maxF(p, count) }
    public typealias Vector = SIMD16<Float>
}
