/// A dense matrix of `Float` or `Double`, stored row-major in one contiguous array.
///
/// Ownership: a value type with copy-on-write storage (a Swift `Array`); copies are cheap
/// until one of them is mutated. Element (i, j) lives at `elements[i * cols + j]`.
/// Shapes are checked with `precondition` (a mismatch is a programming error and traps).
/// Zero-sized matrices (0×n, n×0) are allowed. Products go through OpenBLAS (`?gemm`).
///
/// ```swift
/// var rng = RandomSource(seed: 42)
/// let q = Matrix<Double>.randomNormal(rows: 128, cols: 64, using: &rng)
/// let s = q * q.transposed()          // 128×128, one dgemm
/// ```
public struct Matrix<Scalar: Real>: Sendable, Equatable {
    /// Number of rows (≥ 0).
    public let rows: Int
    /// Number of columns (≥ 0).
    public let cols: Int
    /// The entries in row-major order; `elements.count == rows * cols`.
    public private(set) var elements: [Scalar]

    /// A rows×cols matrix of zeros. O(rows·cols).
    public init(rows: Int, cols: Int) {
        self.init(rows: rows, cols: cols, repeating: 0)
    }

    /// A rows×cols matrix with every entry equal to `value`.
    public init(rows: Int, cols: Int, repeating value: Scalar) {
        precondition(rows >= 0 && cols >= 0, "Matrix: negative shape \(rows)×\(cols)")
        self.rows = rows
        self.cols = cols
        self.elements = [Scalar](repeating: value, count: rows * cols)
    }

    /// A rows×cols matrix from row-major `elements` (count must be rows·cols).
    public init(rows: Int, cols: Int, elements: [Scalar]) {
        precondition(rows >= 0 && cols >= 0, "Matrix: negative shape \(rows)×\(cols)")
        precondition(elements.count == rows * cols,
                     "Matrix: \(elements.count) elements for a \(rows)×\(cols) matrix")
        self.rows = rows
        self.cols = cols
        self.elements = elements
    }

    /// A matrix from an array of rows (all of equal length). `[]` gives a 0×0 matrix.
    public init(_ rowArrays: [[Scalar]]) {
        let c = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == c }, "Matrix: rows of unequal length")
        self.init(rows: rowArrays.count, cols: c, elements: rowArrays.flatMap { $0 })
    }

    /// A rows×cols matrix with entry (i, j) = `entry(i, j)`, filled row by row.
    public init(rows: Int, cols: Int, _ entry: (Int, Int) throws -> Scalar) rethrows {
        precondition(rows >= 0 && cols >= 0, "Matrix: negative shape \(rows)×\(cols)")
        var e = [Scalar]()
        e.reserveCapacity(rows * cols)
        for i in 0..<rows { for j in 0..<cols { e.append(try entry(i, j)) } }
        self.init(rows: rows, cols: cols, elements: e)
    }

    /// A matrix with storage initialised by `body` (which must write all rows·cols entries).
    @usableFromInline
    init(rows: Int, cols: Int, unsafeUninitialized body: (UnsafeMutableBufferPointer<Scalar>) -> Void) {
        precondition(rows >= 0 && cols >= 0, "Matrix: negative shape \(rows)×\(cols)")
        self.rows = rows
        self.cols = cols
        self.elements = [Scalar](unsafeUninitializedCapacity: rows * cols) { buf, count in
            body(buf)
            count = rows * cols
        }
    }

    /// The n×n identity matrix.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, cols: n)
        for i in 0..<n { m.elements[i * n + i] = 1 }
        return m
    }

    /// A square matrix with `diagonal` on its diagonal.
    public static func diagonal(_ diagonal: [Scalar]) -> Matrix {
        let n = diagonal.count
        var m = Matrix(rows: n, cols: n)
        for i in 0..<n { m.elements[i * n + i] = diagonal[i] }
        return m
    }

    /// (rows, cols).
    public var shape: (rows: Int, cols: Int) { (rows, cols) }

    /// Entry (i, j); traps when out of range.
    public subscript(i: Int, j: Int) -> Scalar {
        get {
            precondition(i >= 0 && i < rows && j >= 0 && j < cols, "Matrix: index (\(i), \(j)) out of \(rows)×\(cols)")
            return elements[i * cols + j]
        }
        set {
            precondition(i >= 0 && i < rows && j >= 0 && j < cols, "Matrix: index (\(i), \(j)) out of \(rows)×\(cols)")
            elements[i * cols + j] = newValue
        }
    }

    /// Row i as an array.
    public func row(_ i: Int) -> [Scalar] {
        precondition(i >= 0 && i < rows, "Matrix.row: \(i) out of 0..<\(rows)")
        return Array(elements[(i * cols)..<((i + 1) * cols)])
    }

    /// Column j as an array.
    public func column(_ j: Int) -> [Scalar] {
        precondition(j >= 0 && j < cols, "Matrix.column: \(j) out of 0..<\(cols)")
        return (0..<rows).map { elements[$0 * cols + j] }
    }

    /// The rows in `range` as a new matrix (a copy). O(|range|·cols).
    public func rows(_ range: Range<Int>) -> Matrix {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "Matrix.rows: \(range) out of 0..<\(rows)")
        return Matrix(rows: range.count, cols: cols,
                      elements: Array(elements[(range.lowerBound * cols)..<(range.upperBound * cols)]))
    }

    /// The columns in `range` as a new matrix (a copy).
    public func columns(_ range: Range<Int>) -> Matrix {
        precondition(range.lowerBound >= 0 && range.upperBound <= cols, "Matrix.columns: \(range) out of 0..<\(cols)")
        return Matrix(rows: rows, cols: range.count) { i, j in elements[i * cols + range.lowerBound + j] }
    }

    /// The rows listed in `indices` (repetitions allowed), in that order.
    public func rows(at indices: [Int]) -> Matrix {
        var e = [Scalar]()
        e.reserveCapacity(indices.count * cols)
        for i in indices {
            precondition(i >= 0 && i < rows, "Matrix.rows(at:): \(i) out of 0..<\(rows)")
            e.append(contentsOf: elements[(i * cols)..<((i + 1) * cols)])
        }
        return Matrix(rows: indices.count, cols: cols, elements: e)
    }

    /// The transpose (a copy), blocked for cache locality. O(rows·cols).
    public func transposed() -> Matrix {
        let r = rows, c = cols
        return Matrix(rows: c, cols: r, unsafeUninitialized: { out in
            elements.withUnsafeBufferPointer { a in
                let b = 32
                var i0 = 0
                while i0 < r {
                    var j0 = 0
                    while j0 < c {
                        for i in i0..<min(i0 + b, r) {
                            for j in j0..<min(j0 + b, c) { out[j * r + i] = a[i * c + j] }
                        }
                        j0 += b
                    }
                    i0 += b
                }
            }
        })
    }

    /// Read access to the row-major storage.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try elements.withUnsafeBufferPointer(body)
    }

    /// Write access to the row-major storage (the count cannot change).
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try elements.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// The entries converted to another scalar type (rounded to nearest).
    public func converted<T: Real>(to _: T.Type = T.self) -> Matrix<T> {
        Matrix<T>(rows: rows, cols: cols, elements: elements.map { T($0) })
    }

    /// f applied to every entry.
    public func map(_ f: (Scalar) throws -> Scalar) rethrows -> Matrix {
        Matrix(rows: rows, cols: cols, elements: try elements.map(f))
    }

    /// Entry-wise product (Hadamard). Shapes must agree.
    public func hadamard(_ other: Matrix) -> Matrix {
        precondition(rows == other.rows && cols == other.cols, "Matrix.hadamard: \(rows)×\(cols) vs \(other.rows)×\(other.cols)")
        return Matrix(rows: rows, cols: cols, elements: zip(elements, other.elements).map { $0 * $1 })
    }

    /// Σᵢⱼ aᵢⱼ².
    public var sumOfSquares: Scalar { elements.reduce(0) { $0 + $1 * $1 } }
    /// ‖A‖_F = √(Σ aᵢⱼ²) (computed with scaling against overflow).
    public var frobeniusNorm: Scalar {
        let m = maxAbs
        guard m > 0, m.isFinite else { return m }
        var s: Scalar = 0
        for x in elements { let y = x / m; s += y * y }
        return m * s.squareRoot()
    }
    /// maxᵢⱼ |aᵢⱼ| (0 for an empty matrix).
    public var maxAbs: Scalar { elements.reduce(0) { Swift.max($0, Swift.abs($1)) } }
    /// Row sums (length rows).
    public var rowSums: [Scalar] { (0..<rows).map { i in elements[(i * cols)..<((i + 1) * cols)].reduce(0, +) } }
    /// Column sums (length cols).
    public var columnSums: [Scalar] {
        var s = [Scalar](repeating: 0, count: cols)
        for i in 0..<rows { for j in 0..<cols { s[j] += elements[i * cols + j] } }
        return s
    }

    /// maxᵢⱼ |aᵢⱼ − bᵢⱼ|. Shapes must agree.
    public func maxAbsDifference(_ other: Matrix) -> Scalar {
        precondition(rows == other.rows && cols == other.cols, "Matrix.maxAbsDifference: shape mismatch")
        return zip(elements, other.elements).reduce(0) { Swift.max($0, Swift.abs($1.0 - $1.1)) }
    }

    /// Relative error ‖A − R‖_F / ‖R‖_F against a reference R (absolute error if R = 0).
    public func relativeError(to reference: Matrix) -> Scalar {
        let diff = (self - reference).frobeniusNorm
        let r = reference.frobeniusNorm
        return r > 0 ? diff / r : diff
    }

    /// [A B]: columns of `other` appended (row counts must agree).
    public func appendingColumns(_ other: Matrix) -> Matrix {
        precondition(rows == other.rows, "Matrix.appendingColumns: \(rows) vs \(other.rows) rows")
        return Matrix(rows: rows, cols: cols + other.cols) { i, j in
            j < cols ? elements[i * cols + j] : other.elements[i * other.cols + j - cols]
        }
    }

    /// [A; B]: rows of `other` appended (column counts must agree).
    public func appendingRows(_ other: Matrix) -> Matrix {
        precondition(cols == other.cols, "Matrix.appendingRows: \(cols) vs \(other.cols) columns")
        return Matrix(rows: rows + other.rows, cols: cols, elements: elements + other.elements)
    }

    // MARK: Arithmetic

    /// Entry-wise sum.
    public static func + (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.cols == b.cols, "Matrix +: \(a.rows)×\(a.cols) vs \(b.rows)×\(b.cols)")
        return Matrix(rows: a.rows, cols: a.cols, elements: zip(a.elements, b.elements).map { $0 + $1 })
    }
    /// Entry-wise difference.
    public static func - (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.cols == b.cols, "Matrix -: \(a.rows)×\(a.cols) vs \(b.rows)×\(b.cols)")
        return Matrix(rows: a.rows, cols: a.cols, elements: zip(a.elements, b.elements).map { $0 - $1 })
    }
    /// Negation.
    public static prefix func - (a: Matrix) -> Matrix { a.map { -$0 } }
    /// Scalar multiple.
    public static func * (s: Scalar, a: Matrix) -> Matrix { a.map { s * $0 } }
    /// Scalar multiple.
    public static func * (a: Matrix, s: Scalar) -> Matrix { a.map { $0 * s } }
    /// Division by a scalar.
    public static func / (a: Matrix, s: Scalar) -> Matrix { a.map { $0 / s } }
    /// Matrix product A·B (m×k by k×n) through `?gemm`. 2mkn flops.
    public static func * (a: Matrix, b: Matrix) -> Matrix { matmul(a, b) }
    /// A += B.
    public static func += (a: inout Matrix, b: Matrix) { a = a + b }
    /// A −= B.
    public static func -= (a: inout Matrix, b: Matrix) { a = a - b }
    /// A *= s.
    public static func *= (a: inout Matrix, s: Scalar) { a = a * s }
}

extension Matrix: CustomStringConvertible {
    /// Rows on separate lines, entries with Swift's shortest round-trip formatting;
    /// matrices larger than 12×12 are summarised.
    public var description: String {
        if rows > 12 || cols > 12 { return "Matrix<\(Scalar.self)>(\(rows)×\(cols))" }
        return (0..<rows).map { i in "[" + row(i).map { "\($0)" }.joined(separator: ", ") + "]" }
            .joined(separator: "\n")
    }
}

/// α·op(A)·op(B) through `?gemm`, where op(X) is X or Xᵀ. op(A) must be m×k and op(B) k×n.
/// Cost 2mkn flops; memory for the m×n result only (the transposes are not formed).
/// Reference: BLAS level 3 `dgemm`/`sgemm`.
public func matmul<T: Real>(_ a: Matrix<T>, _ b: Matrix<T>, transposeA: Bool = false, transposeB: Bool = false,
                            alpha: T = 1) -> Matrix<T> {
    let m = transposeA ? a.cols : a.rows
    let k = transposeA ? a.rows : a.cols
    let kb = transposeB ? b.cols : b.rows
    let n = transposeB ? b.rows : b.cols
    precondition(k == kb, "matmul: inner dimensions \(k) and \(kb) differ (\(a.rows)×\(a.cols)\(transposeA ? "ᵀ" : "") · \(b.rows)×\(b.cols)\(transposeB ? "ᵀ" : ""))")
    var c = Matrix<T>(rows: m, cols: n)
    if m == 0 || n == 0 { return c }
    if k == 0 { return c }
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            c.withUnsafeMutableBufferPointer { pc in
                T.blasGemm(transA: transposeA, transB: transposeB, m: m, n: n, k: k, alpha: alpha,
                           a: pa.baseAddress!, lda: max(a.cols, 1), b: pb.baseAddress!, ldb: max(b.cols, 1),
                           beta: 0, c: pc.baseAddress!, ldc: max(n, 1))
            }
        }
    }
    return c
}

/// A·x through `?gemv` (A m×n, x of length n). 2mn flops.
public func matvec<T: Real>(_ a: Matrix<T>, _ x: [T], transpose: Bool = false) -> [T] {
    let m = transpose ? a.cols : a.rows, n = transpose ? a.rows : a.cols
    precondition(x.count == n, "matvec: vector of length \(x.count), expected \(n)")
    var y = [T](repeating: 0, count: m)
    if m == 0 || n == 0 { return y }
    a.withUnsafeBufferPointer { pa in
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                T.blasGemv(trans: transpose, m: a.rows, n: a.cols, alpha: 1, a: pa.baseAddress!, lda: a.cols,
                           x: px.baseAddress!, incx: 1, beta: 0, y: py.baseAddress!, incy: 1)
            }
        }
    }
    return y
}

/// xᵀy through `?dot` (equal lengths).
public func dot<T: Real>(_ x: [T], _ y: [T]) -> T {
    precondition(x.count == y.count, "dot: lengths \(x.count) and \(y.count) differ")
    if x.isEmpty { return 0 }
    return x.withUnsafeBufferPointer { px in
        y.withUnsafeBufferPointer { py in T.blasDot(n: x.count, x: px.baseAddress!, incx: 1, y: py.baseAddress!, incy: 1) }
    }
}

/// y ← α·x + y through `?axpy` (equal lengths).
public func axpy<T: Real>(_ alpha: T, _ x: [T], _ y: inout [T]) {
    precondition(x.count == y.count, "axpy: lengths \(x.count) and \(y.count) differ")
    if x.isEmpty { return }
    x.withUnsafeBufferPointer { px in
        y.withUnsafeMutableBufferPointer { py in
            T.blasAxpy(n: x.count, alpha: alpha, x: px.baseAddress!, incx: 1, y: py.baseAddress!, incy: 1)
        }
    }
}
