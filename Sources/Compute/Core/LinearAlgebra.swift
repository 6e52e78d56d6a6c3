/// Matrix-level LAPACK routines (through the wrappers of BLAS.swift). Inputs are copied
/// (LAPACK overwrites its arguments); results are new matrices. Failures that are outcomes
/// (a singular system, no convergence) are returned as `nil`, not trapped.
/// Reference: LAPACK Users' Guide, 3rd ed. (Anderson et al., SIAM 1999).
public enum LAPACK {
    /// Singular values σ₁ ≥ σ₂ ≥ … ≥ σ_min(m,n) ≥ 0 of an m×n matrix (`?gesdd`, jobz = N).
    /// O(mn·min(m,n)). Returns `nil` if the iteration does not converge. Empty matrix → [].
    public static func singularValues<T: Real>(_ a: Matrix<T>) -> [T]? {
        let k = min(a.rows, a.cols)
        if k == 0 { return [] }
        var work = a
        var s = [T](repeating: 0, count: k)
        let info = work.withUnsafeMutableBufferPointer { pa in
            s.withUnsafeMutableBufferPointer { ps in
                T.lapackGesdd(jobz: "N", m: a.rows, n: a.cols, a: pa.baseAddress!, lda: a.cols,
                              s: ps.baseAddress!, u: nil, ldu: max(a.rows, a.cols), vt: nil, ldvt: max(a.rows, a.cols))
            }
        }
        return info == 0 ? s : nil
    }

    /// Thin SVD A = U·diag(s)·Vᵀ with U m×k, Vᵀ k×n, k = min(m, n), s descending (`?gesdd`, jobz = S).
    /// O(mn·k). `nil` if the iteration does not converge.
    public static func svd<T: Real>(_ a: Matrix<T>) -> (u: Matrix<T>, s: [T], vt: Matrix<T>)? {
        let m = a.rows, n = a.cols, k = min(m, n)
        precondition(k > 0, "LAPACK.svd: empty matrix")
        var work = a
        var s = [T](repeating: 0, count: k)
        var u = Matrix<T>(rows: m, cols: k), vt = Matrix<T>(rows: k, cols: n)
        let info = work.withUnsafeMutableBufferPointer { pa in
            s.withUnsafeMutableBufferPointer { ps in
                u.withUnsafeMutableBufferPointer { pu in
                    vt.withUnsafeMutableBufferPointer { pv in
                        T.lapackGesdd(jobz: "S", m: m, n: n, a: pa.baseAddress!, lda: n, s: ps.baseAddress!,
                                      u: pu.baseAddress!, ldu: k, vt: pv.baseAddress!, ldvt: n)
                    }
                }
            }
        }
        return info == 0 ? (u, s, vt) : nil
    }

    /// Thin QR: A = Q·R with Q m×k having orthonormal columns and R k×n upper triangular
    /// (upper trapezoidal if m < n), k = min(m, n). Householder (`?geqrf` + `?orgqr`). O(mnk).
    public static func qr<T: Real>(_ a: Matrix<T>) -> (q: Matrix<T>, r: Matrix<T>) {
        let m = a.rows, n = a.cols, k = min(m, n)
        precondition(k > 0, "LAPACK.qr: empty matrix")
        var work = a
        var tau = [T](repeating: 0, count: k)
        let info1 = work.withUnsafeMutableBufferPointer { pa in
            tau.withUnsafeMutableBufferPointer { pt in
                T.lapackGeqrf(m: m, n: n, a: pa.baseAddress!, lda: n, tau: pt.baseAddress!)
            }
        }
        precondition(info1 == 0, "LAPACK.qr: geqrf argument error \(info1)")
        let r = Matrix<T>(rows: k, cols: n) { i, j in j >= i ? work[i, j] : 0 }
        var q = Matrix<T>(rows: m, cols: k) { i, j in work[i, j] }
        let info2 = q.withUnsafeMutableBufferPointer { pq in
            tau.withUnsafeBufferPointer { pt in
                T.lapackOrgqr(m: m, n: k, k: k, a: pq.baseAddress!, lda: k, tau: pt.baseAddress!)
            }
        }
        precondition(info2 == 0, "LAPACK.qr: orgqr argument error \(info2)")
        return (q, r)
    }

    /// Eigen-decomposition of a symmetric matrix (only the lower triangle is read):
    /// A = V·diag(λ)·Vᵀ, λ ascending, eigenvectors in the columns of V (`?syevd`). O(n³).
    /// `nil` if the algorithm fails to converge.
    public static func symmetricEigen<T: Real>(_ a: Matrix<T>) -> (values: [T], vectors: Matrix<T>)? {
        precondition(a.rows == a.cols && a.rows > 0, "LAPACK.symmetricEigen: need a non-empty square matrix")
        let n = a.rows
        var v = a
        var w = [T](repeating: 0, count: n)
        let info = v.withUnsafeMutableBufferPointer { pv in
            w.withUnsafeMutableBufferPointer { pw in
                T.lapackSyevd(jobz: "V", uplo: "L", n: n, a: pv.baseAddress!, lda: n, w: pw.baseAddress!)
            }
        }
        return info == 0 ? (w, v) : nil
    }

    /// Eigenvalues λⱼ = real[j] + i·imaginary[j] of a general square matrix (`?geev`), in
    /// LAPACK's order (complex conjugate pairs adjacent, positive imaginary part first), and
    /// optionally the right eigenvectors in LAPACK's packed real form: for a real λⱼ column j
    /// of `vectors` is its eigenvector; for a pair (j, j+1) the eigenvectors are
    /// col j ± i·col (j+1). Each vector has unit 2-norm. O(n³). `nil` if QR iteration fails.
    public static func eigen<T: Real>(_ a: Matrix<T>, vectors: Bool = false)
        -> (real: [T], imaginary: [T], vectors: Matrix<T>?)?
    {
        precondition(a.rows == a.cols && a.rows > 0, "LAPACK.eigen: need a non-empty square matrix")
        let n = a.rows
        var work = a
        var wr = [T](repeating: 0, count: n), wi = [T](repeating: 0, count: n)
        var vr = Matrix<T>(rows: vectors ? n : 1, cols: vectors ? n : 1)
        let info = work.withUnsafeMutableBufferPointer { pa in
            wr.withUnsafeMutableBufferPointer { pr in
                wi.withUnsafeMutableBufferPointer { pi in
                    vr.withUnsafeMutableBufferPointer { pv in
                        T.lapackGeev(jobvl: "N", jobvr: vectors ? "V" : "N", n: n, a: pa.baseAddress!, lda: n,
                                     wr: pr.baseAddress!, wi: pi.baseAddress!, vl: nil, ldvl: 1,
                                     vr: vectors ? pv.baseAddress! : nil, ldvr: vectors ? n : 1)
                    }
                }
            }
        }
        guard info == 0 else { return nil }
        return (wr, wi, vectors ? vr : nil)
    }

    /// Solves A·X = B (A n×n, B n×r) by LU with partial pivoting (`?gesv`). O(n³ + n²r).
    /// Returns `nil` when A is exactly singular (a zero pivot).
    public static func solve<T: Real>(_ a: Matrix<T>, _ b: Matrix<T>) -> Matrix<T>? {
        precondition(a.rows == a.cols && a.rows > 0, "LAPACK.solve: need a non-empty square matrix")
        precondition(b.rows == a.rows, "LAPACK.solve: B has \(b.rows) rows, A is \(a.rows)×\(a.rows)")
        let n = a.rows
        var lu = a, x = b
        var ipiv = [Int32](repeating: 0, count: n)
        if b.cols == 0 { return x }
        let info = lu.withUnsafeMutableBufferPointer { pa in
            x.withUnsafeMutableBufferPointer { px in
                ipiv.withUnsafeMutableBufferPointer { pp in
                    T.lapackGesv(n: n, nrhs: b.cols, a: pa.baseAddress!, lda: n, ipiv: pp.baseAddress!,
                                 b: px.baseAddress!, ldb: b.cols)
                }
            }
        }
        precondition(info >= 0, "LAPACK.solve: argument error \(info)")
        return info == 0 ? x : nil
    }

    /// Solves A·x = b for one right-hand side; `nil` when A is exactly singular.
    public static func solve<T: Real>(_ a: Matrix<T>, _ b: [T]) -> [T]? {
        solve(a, Matrix(rows: b.count, cols: 1, elements: b))?.elements
    }
}

/// The numerical rank: the number of singular values σᵢ > tol, with the default
/// tol = σ₁·max(m, n)·ε (the default of numpy.linalg.matrix_rank and MATLAB's rank).
/// O(mn·min(m,n)) (SVD). Returns 0 for an empty or zero matrix. `tolerance` must be ≥ 0.
public func numericalRank<T: Real>(_ a: Matrix<T>, tolerance: T? = nil) -> Int {
    if let t = tolerance { precondition(t >= 0, "numericalRank: tolerance must be ≥ 0") }
    guard let s = LAPACK.singularValues(a), let s1 = s.first, s1 > 0 else { return 0 }
    let tol = tolerance ?? (s1 * T(max(a.rows, a.cols)) * T.ulpOfOne)
    return s.filter { $0 > tol }.count
}

extension Matrix {
    /// The numerical rank with a tolerance relative to the largest singular value: the number
    /// of singular values σᵢ > rtol·σ_max. The default rtol = max(m, n)·ε is numpy's
    /// `matrix_rank` rule (tol = σ_max·max(m, n)·ε; also MATLAB's `rank`), so
    /// `a.numericalRank()` equals `numpy.linalg.matrix_rank(a)` and
    /// `a.numericalRank(relativeTolerance: r)` equals `numpy.linalg.matrix_rank(a, rtol=r)`.
    ///
    /// Accuracy: LAPACK's SVD computes each σᵢ to about ε·σ_max absolutely, so a singular value
    /// within a few ε·σ_max of the threshold may be counted either way; keep rtol well above ε.
    /// O(mn·min(m, n)). An empty or zero matrix has rank 0. For an absolute threshold use
    /// `numericalRank(_:tolerance:)`. Reference: Golub & Van Loan, *Matrix Computations*, §5.4.1.
    /// - Precondition: `relativeTolerance` is finite and ≥ 0.
    public func numericalRank(relativeTolerance: Scalar? = nil) -> Int {
        if let r = relativeTolerance {
            precondition(r.isFinite && r >= 0, "numericalRank: relativeTolerance must be finite and ≥ 0, got \(r)")
        }
        guard rows > 0 && cols > 0, let s = LAPACK.singularValues(self), let s1 = s.first, s1 > 0 else { return 0 }
        let rtol = relativeTolerance ?? (Scalar(Swift.max(rows, cols)) * Scalar.ulpOfOne)
        let tol = rtol * s1
        return s.filter { $0 > tol }.count
    }
}
