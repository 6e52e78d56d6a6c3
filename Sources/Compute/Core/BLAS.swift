// The only file of Compute that imports the C headers of OpenBLAS (CBLAS) and LAPACKE.
// Everything else in Compute (and article programs) calls the Swift wrappers below.
@_implementationOnly import CBLAS

// MARK: - Scalar types BLAS and LAPACK understand

/// A floating-point type with BLAS level-1/2/3 and LAPACK entry points: `Float` and `Double`.
///
/// The requirements are thin, pointer-level wrappers over OpenBLAS (CBLAS, row-major) and
/// LAPACKE (row-major layout). They exist so that generic code (`Matrix<T>`) can reach the
/// right routine (`s…` or `d…`); prefer the matrix-level API (`matmul`, `LAPACK.solve`, …).
/// All dimensions are `Int` and are checked to fit in the 32-bit integers of the C interface.
/// Leading dimensions are row strides (row-major storage). Reference: the BLAS and LAPACK
/// users' guides (netlib.org/blas, netlib.org/lapack/lug), LAPACKE row-major interface.
public protocol BLASScalar: BinaryFloatingPoint, SIMDScalar, Sendable, Codable {
    /// C ← α·op(A)·op(B) + β·C, op(A) m×k, op(B) k×n, C m×n (`?gemm`). Cost 2mnk flops.
    static func blasGemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
        a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    /// y ← α·op(A)·x + β·y, A m×n (`?gemv`). Cost 2mn flops.
    static func blasGemv(
        trans: Bool, m: Int, n: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
        x: UnsafePointer<Self>, incx: Int, beta: Self, y: UnsafeMutablePointer<Self>, incy: Int)
    /// xᵀy over n strided elements (`?dot`).
    static func blasDot(n: Int, x: UnsafePointer<Self>, incx: Int, y: UnsafePointer<Self>, incy: Int) -> Self
    /// y ← α·x + y (`?axpy`).
    static func blasAxpy(n: Int, alpha: Self, x: UnsafePointer<Self>, incx: Int, y: UnsafeMutablePointer<Self>, incy: Int)
    /// x ← α·x (`?scal`).
    static func blasScal(n: Int, alpha: Self, x: UnsafeMutablePointer<Self>, incx: Int)
    /// Singular value decomposition by divide and conquer (`?gesdd`, row-major); `jobz` is
    /// `"N"` (values only), `"S"` (thin U, Vᵀ) or `"A"`. Destroys `a`. Returns LAPACK's `info`.
    static func lapackGesdd(
        jobz: Character, m: Int, n: Int, a: UnsafeMutablePointer<Self>, lda: Int,
        s: UnsafeMutablePointer<Self>, u: UnsafeMutablePointer<Self>?, ldu: Int,
        vt: UnsafeMutablePointer<Self>?, ldvt: Int) -> Int
    /// Householder QR factorisation (`?geqrf`, row-major). Returns `info`.
    static func lapackGeqrf(m: Int, n: Int, a: UnsafeMutablePointer<Self>, lda: Int, tau: UnsafeMutablePointer<Self>) -> Int
    /// Forms the m×n matrix Q with orthonormal columns from `?geqrf` output (`?orgqr`). Returns `info`.
    static func lapackOrgqr(m: Int, n: Int, k: Int, a: UnsafeMutablePointer<Self>, lda: Int, tau: UnsafePointer<Self>) -> Int
    /// Symmetric eigen-decomposition by divide and conquer (`?syevd`, row-major); `jobz`
    /// `"N"` or `"V"`, `uplo` `"U"` or `"L"`. Eigenvalues ascending in `w`. Returns `info`.
    static func lapackSyevd(jobz: Character, uplo: Character, n: Int, a: UnsafeMutablePointer<Self>, lda: Int, w: UnsafeMutablePointer<Self>) -> Int
    /// General (non-symmetric) eigenproblem (`?geev`, row-major): eigenvalues wr + i·wi and
    /// optionally left/right eigenvectors (`"N"`/`"V"`). Returns `info`.
    static func lapackGeev(
        jobvl: Character, jobvr: Character, n: Int, a: UnsafeMutablePointer<Self>, lda: Int,
        wr: UnsafeMutablePointer<Self>, wi: UnsafeMutablePointer<Self>,
        vl: UnsafeMutablePointer<Self>?, ldvl: Int, vr: UnsafeMutablePointer<Self>?, ldvr: Int) -> Int
    /// Solves A·X = B by LU with partial pivoting (`?gesv`, row-major); B (n×nrhs) is
    /// overwritten by X. Returns `info` (> 0: U(info,info) is exactly zero, A singular).
    static func lapackGesv(n: Int, nrhs: Int, a: UnsafeMutablePointer<Self>, lda: Int, ipiv: UnsafeMutablePointer<Int32>, b: UnsafeMutablePointer<Self>, ldb: Int) -> Int
}

@inline(__always) private func bi(_ x: Int) -> blasint {
    precondition(x >= 0 && x <= Int(Int32.max), "BLAS: dimension \(x) out of the 32-bit range")
    return blasint(x)
}
@inline(__always) private func li(_ x: Int) -> Int32 {
    precondition(x >= 0 && x <= Int(Int32.max), "LAPACK: dimension \(x) out of the 32-bit range")
    return Int32(x)
}
@inline(__always) private func inc(_ x: Int) -> blasint {
    precondition(x != 0 && abs(x) <= Int(Int32.max), "BLAS: increment must be non-zero")
    return blasint(x)
}
@inline(__always) private func ch(_ c: Character) -> CChar { CChar(bitPattern: c.asciiValue ?? 0) }
@inline(__always) private func tr(_ t: Bool) -> CBLAS_TRANSPOSE { t ? CblasTrans : CblasNoTrans }
private let rowMajor = CblasRowMajor
private let lapackRowMajor = Int32(LAPACK_ROW_MAJOR)

extension Double: BLASScalar {
    public static func blasGemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(rowMajor, tr(transA), tr(transB), bi(m), bi(n), bi(k), alpha, a, bi(lda), b, bi(ldb), beta, c, bi(ldc))
    }
    public static func blasGemv(
        trans: Bool, m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        x: UnsafePointer<Double>, incx: Int, beta: Double, y: UnsafeMutablePointer<Double>, incy: Int
    ) {
        cblas_dgemv(rowMajor, tr(trans), bi(m), bi(n), alpha, a, bi(lda), x, inc(incx), beta, y, inc(incy))
    }
    public static func blasDot(n: Int, x: UnsafePointer<Double>, incx: Int, y: UnsafePointer<Double>, incy: Int) -> Double {
        cblas_ddot(bi(n), x, inc(incx), y, inc(incy))
    }
    public static func blasAxpy(n: Int, alpha: Double, x: UnsafePointer<Double>, incx: Int, y: UnsafeMutablePointer<Double>, incy: Int) {
        cblas_daxpy(bi(n), alpha, x, inc(incx), y, inc(incy))
    }
    public static func blasScal(n: Int, alpha: Double, x: UnsafeMutablePointer<Double>, incx: Int) {
        cblas_dscal(bi(n), alpha, x, inc(incx))
    }
    public static func lapackGesdd(
        jobz: Character, m: Int, n: Int, a: UnsafeMutablePointer<Double>, lda: Int,
        s: UnsafeMutablePointer<Double>, u: UnsafeMutablePointer<Double>?, ldu: Int,
        vt: UnsafeMutablePointer<Double>?, ldvt: Int
    ) -> Int {
        Int(LAPACKE_dgesdd(lapackRowMajor, ch(jobz), li(m), li(n), a, li(lda), s, u, li(ldu), vt, li(ldvt)))
    }
    public static func lapackGeqrf(m: Int, n: Int, a: UnsafeMutablePointer<Double>, lda: Int, tau: UnsafeMutablePointer<Double>) -> Int {
        Int(LAPACKE_dgeqrf(lapackRowMajor, li(m), li(n), a, li(lda), tau))
    }
    public static func lapackOrgqr(m: Int, n: Int, k: Int, a: UnsafeMutablePointer<Double>, lda: Int, tau: UnsafePointer<Double>) -> Int {
        Int(LAPACKE_dorgqr(lapackRowMajor, li(m), li(n), li(k), a, li(lda), tau))
    }
    public static func lapackSyevd(jobz: Character, uplo: Character, n: Int, a: UnsafeMutablePointer<Double>, lda: Int, w: UnsafeMutablePointer<Double>) -> Int {
        Int(LAPACKE_dsyevd(lapackRowMajor, ch(jobz), ch(uplo), li(n), a, li(lda), w))
    }
    public static func lapackGeev(
        jobvl: Character, jobvr: Character, n: Int, a: UnsafeMutablePointer<Double>, lda: Int,
        wr: UnsafeMutablePointer<Double>, wi: UnsafeMutablePointer<Double>,
        vl: UnsafeMutablePointer<Double>?, ldvl: Int, vr: UnsafeMutablePointer<Double>?, ldvr: Int
    ) -> Int {
        Int(LAPACKE_dgeev(lapackRowMajor, ch(jobvl), ch(jobvr), li(n), a, li(lda), wr, wi, vl, li(ldvl), vr, li(ldvr)))
    }
    public static func lapackGesv(n: Int, nrhs: Int, a: UnsafeMutablePointer<Double>, lda: Int, ipiv: UnsafeMutablePointer<Int32>, b: UnsafeMutablePointer<Double>, ldb: Int) -> Int {
        Int(LAPACKE_dgesv(lapackRowMajor, li(n), li(nrhs), a, li(lda), ipiv, b, li(ldb)))
    }
}

extension Float: BLASScalar {
    public static func blasGemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(rowMajor, tr(transA), tr(transB), bi(m), bi(n), bi(k), alpha, a, bi(lda), b, bi(ldb), beta, c, bi(ldc))
    }
    public static func blasGemv(
        trans: Bool, m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        x: UnsafePointer<Float>, incx: Int, beta: Float, y: UnsafeMutablePointer<Float>, incy: Int
    ) {
        cblas_sgemv(rowMajor, tr(trans), bi(m), bi(n), alpha, a, bi(lda), x, inc(incx), beta, y, inc(incy))
    }
    public static func blasDot(n: Int, x: UnsafePointer<Float>, incx: Int, y: UnsafePointer<Float>, incy: Int) -> Float {
        cblas_sdot(bi(n), x, inc(incx), y, inc(incy))
    }
    public static func blasAxpy(n: Int, alpha: Float, x: UnsafePointer<Float>, incx: Int, y: UnsafeMutablePointer<Float>, incy: Int) {
        cblas_saxpy(bi(n), alpha, x, inc(incx), y, inc(incy))
    }
    public static func blasScal(n: Int, alpha: Float, x: UnsafeMutablePointer<Float>, incx: Int) {
        cblas_sscal(bi(n), alpha, x, inc(incx))
    }
    public static func lapackGesdd(
        jobz: Character, m: Int, n: Int, a: UnsafeMutablePointer<Float>, lda: Int,
        s: UnsafeMutablePointer<Float>, u: UnsafeMutablePointer<Float>?, ldu: Int,
        vt: UnsafeMutablePointer<Float>?, ldvt: Int
    ) -> Int {
        Int(LAPACKE_sgesdd(lapackRowMajor, ch(jobz), li(m), li(n), a, li(lda), s, u, li(ldu), vt, li(ldvt)))
    }
    public static func lapackGeqrf(m: Int, n: Int, a: UnsafeMutablePointer<Float>, lda: Int, tau: UnsafeMutablePointer<Float>) -> Int {
        Int(LAPACKE_sgeqrf(lapackRowMajor, li(m), li(n), a, li(lda), tau))
    }
    public static func lapackOrgqr(m: Int, n: Int, k: Int, a: UnsafeMutablePointer<Float>, lda: Int, tau: UnsafePointer<Float>) -> Int {
        Int(LAPACKE_sorgqr(lapackRowMajor, li(m), li(n), li(k), a, li(lda), tau))
    }
    public static func lapackSyevd(jobz: Character, uplo: Character, n: Int, a: UnsafeMutablePointer<Float>, lda: Int, w: UnsafeMutablePointer<Float>) -> Int {
        Int(LAPACKE_ssyevd(lapackRowMajor, ch(jobz), ch(uplo), li(n), a, li(lda), w))
    }
    public static func lapackGeev(
        jobvl: Character, jobvr: Character, n: Int, a: UnsafeMutablePointer<Float>, lda: Int,
        wr: UnsafeMutablePointer<Float>, wi: UnsafeMutablePointer<Float>,
        vl: UnsafeMutablePointer<Float>?, ldvl: Int, vr: UnsafeMutablePointer<Float>?, ldvr: Int
    ) -> Int {
        Int(LAPACKE_sgeev(lapackRowMajor, ch(jobvl), ch(jobvr), li(n), a, li(lda), wr, wi, vl, li(ldvl), vr, li(ldvr)))
    }
    public static func lapackGesv(n: Int, nrhs: Int, a: UnsafeMutablePointer<Float>, lda: Int, ipiv: UnsafeMutablePointer<Int32>, b: UnsafeMutablePointer<Float>, ldb: Int) -> Int {
        Int(LAPACKE_sgesv(lapackRowMajor, li(n), li(nrhs), a, li(lda), ipiv, b, li(ldb)))
    }
}

// MARK: - Threads

/// Process-wide settings of the OpenBLAS library.
public enum BLAS {
    /// The number of threads OpenBLAS uses for one call (`openblas_get_num_threads` /
    /// `openblas_set_num_threads`). This is a process-wide setting of the C library (it
    /// defaults to the number of cores, or to `OPENBLAS_NUM_THREADS`); setting it affects
    /// every later BLAS call in the process. Must be ≥ 1.
    ///
    /// OpenBLAS's worker threads busy-wait (`sched_yield`) for a while after they start and
    /// after each call before they sleep, so they compete with other threads of the process
    /// for the cores meanwhile: code that parallelises itself (`tiledSoftmaxAttention` with
    /// `threads` > 1) runs best with OpenBLAS at 1 thread (Weave runs article programs with
    /// `OPENBLAS_NUM_THREADS=1` unless it is set).
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set {
            precondition(newValue >= 1, "BLAS.threadCount must be at least 1")
            openblas_set_num_threads(Int32(newValue))
        }
    }

    /// Runs `body` with OpenBLAS limited to `count` threads and restores the previous count.
    /// Not safe against concurrent changes of the (process-wide) setting by other threads.
    public static func withThreadCount<R>(_ count: Int, _ body: () throws -> R) rethrows -> R {
        let saved = threadCount
        threadCount = count
        defer { threadCount = saved }
        return try body()
    }

    /// The OpenBLAS build string (`openblas_get_config`), e.g. `"OpenBLAS 0.3.21 DYNAMIC_ARCH … Zen"`.
    public static var configuration: String {
        guard let p = openblas_get_config() else { return "unknown" }
        return String(cString: p)
    }
}
