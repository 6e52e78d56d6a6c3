// RODAS4: a 6-stage, order-4(3), L-stable and stiffly accurate Rosenbrock method for
// stiff problems.
//
// Method (Hairer & Wanner, *Solving ODEs II*, §IV.7, eq. (7.4') and the code rodas.f):
// with W = I/(hγ) − J, J = ∂f/∂y(t₀, y₀), f_t = ∂f/∂t(t₀, y₀), for i = 1…6
//     W kᵢ = f(t₀ + cᵢh, y₀ + Σⱼ aᵢⱼ kⱼ) + h dᵢ f_t + Σⱼ (Cᵢⱼ / h) kⱼ,
// y₁ = y₀ + Σ a₅ⱼ kⱼ + k₅ + k₆ (stages 5 and 6 sit at t₀ + h), and k₆ is the error
// estimate (embedded order 3). Dense output: y(θ) = (1−θ)y₀ + θ(y₁ + (1−θ)(κ₁ + θκ₂)),
// κ = H·k (Shampine / Hairer's RODAS continuous extension, order 3).
// Coefficients: rodas.f (Hairer), as tabulated in OrdinaryDiffEq.jl's Rodas4Tableau.
//
// The Jacobian is the problem's analytic one if given, otherwise forward differences with
// δⱼ = sqrt(ε · max(1e-5, |yⱼ|)) (rodas.f); ∂f/∂t always by a forward difference. After
// a rejected step J and f_t are reused (same t₀, y₀); only W is refactored.

#if canImport(Glibc)
import Glibc
#endif

enum RODAS4 {
    static let gamma = 0.25
    static let c2 = 0.386, c3 = 0.21, c4 = 0.63
    static let d1 = 0.25, d2 = -0.1043, d3 = 0.1035, d4 = -0.03620000000000023
    static let a21 = 1.544
    static let a31 = 0.9466785280815826, a32 = 0.2557011698983284
    static let a41 = 3.314825187068521, a42 = 2.896124015972201, a43 = 0.9986419139977817
    static let a51 = 1.221224509226641, a52 = 6.019134481288629, a53 = 12.53708332932087
    static let a54 = -0.6878860361058950
    static let C21 = -5.6688
    static let C31 = -2.430093356833875, C32 = -0.2063599157091915
    static let C41 = -0.1073529058151375, C42 = -9.594562251023355, C43 = -20.47028614809616
    static let C51 = 7.496443313967647, C52 = -10.24680431464352, C53 = -33.99990352819905
    static let C54 = 11.70890893206160
    static let C61 = 8.083246795921522, C62 = -7.981132988064893, C63 = -31.52159432874371
    static let C64 = 16.31930543123136, C65 = -6.058818238834054
    static let h21 = 10.12623508344586, h22 = -7.487995877610167, h23 = -34.80091861555747
    static let h24 = -7.992771707568823, h25 = 1.025137723295662
    static let h31 = -0.6762803392801253, h32 = 6.087714651680015, h33 = 16.43084320892478
    static let h34 = 24.76722511418386, h35 = -6.594389125716872
}

final class Rodas4Stepper: ODEStepper {
    let context: ODEContext
    let n: Int
    let yBuf: DoubleBuffer, yNewBuf: DoubleBuffer, fBuf: DoubleBuffer
    let k: DoubleBuffer          // 6 × n stages
    let tmp: DoubleBuffer, du: DoubleBuffer, dT: DoubleBuffer
    let J: DoubleBuffer, W: DoubleBuffer
    let pivots: UnsafeMutablePointer<Int>
    var jacobianValid = false
    var f0Valid = false
    var h = 0.0

    var y: UnsafeMutablePointer<Double> { yBuf.p }
    var yNew: UnsafeMutablePointer<Double> { yNewBuf.p }
    var f0: UnsafeMutablePointer<Double> { fBuf.p }
    var errorOrder: Int { 3 }
    var denseKind: DenseKind { .rodas4 }

    init(context: ODEContext, y0: [Double]) {
        self.context = context
        n = context.n
        yBuf = DoubleBuffer(n); yNewBuf = DoubleBuffer(n); fBuf = DoubleBuffer(n)
        k = DoubleBuffer(6 * n)
        tmp = DoubleBuffer(n); du = DoubleBuffer(n); dT = DoubleBuffer(n)
        J = DoubleBuffer(n * n); W = DoubleBuffer(n * n)
        pivots = .allocate(capacity: n)
        pivots.initialize(repeating: 0, count: n)
        for i in 0..<n { yBuf.p[i] = y0[i] }
    }

    deinit { pivots.deallocate() }

    func start(t: Double) -> Bool {
        context.eval(t, y, f0)
        f0Valid = true
        return allFinite(f0, n)
    }

    /// J = ∂f/∂y(t, y) (analytic or forward differences) and f_t = ∂f/∂t(t, y).
    private func computeDerivatives(t: Double) {
        context.stats.njev += 1
        if let jac = context.jacobian {
            jac(t, UnsafeBufferPointer(start: y, count: n), UnsafeMutableBufferPointer(start: J.p, count: n * n))
        } else {
            tmp.p.update(from: y, count: n)
            for j in 0..<n {
                let yj = y[j]
                let delta = (Double.ulpOfOne * Swift.max(1e-5, abs(yj))).squareRoot()
                tmp.p[j] = yj + delta
                let dj = tmp.p[j] - yj          // exactly representable increment
                context.eval(t, tmp.p, du.p)
                for i in 0..<n { J.p[i * n + j] = (du.p[i] - f0[i]) / dj }
                tmp.p[j] = yj
            }
        }
        let dt = (Double.ulpOfOne * Swift.max(1e-5, abs(t))).squareRoot()
        let t1 = t + dt
        context.eval(t1, y, du.p)
        let dtExact = t1 - t
        for i in 0..<n { dT.p[i] = (du.p[i] - f0[i]) / dtExact }
        jacobianValid = true
    }

    /// Solves W x = rhs (in place, rhs in `x`).
    @inline(__always)
    private func solveW(_ x: UnsafeMutablePointer<Double>) {
        context.stats.nsolve += 1
        DenseLU.solve(W.p, n: n, pivots: pivots, x)
    }

    func attempt(t: Double, h: Double) -> Double {
        typealias R = RODAS4
        self.h = h
        if !f0Valid {
            context.eval(t, y, f0)
            f0Valid = true
        }
        if !jacobianValid { computeDerivatives(t: t) }
        // W = I/(hγ) − J
        let fac = 1 / (h * R.gamma)
        for i in 0..<(n * n) { W.p[i] = -J.p[i] }
        for i in 0..<n { W.p[i * n + i] += fac }
        context.stats.nlu += 1
        guard DenseLU.factor(W.p, n: n, pivots: pivots) else { return .infinity }

        let k1 = k.p, k2 = k.p + n, k3 = k.p + 2 * n, k4 = k.p + 3 * n, k5 = k.p + 4 * n, k6 = k.p + 5 * n
        let ih = 1 / h
        // Stage 1
        for i in 0..<n { k1[i] = f0[i] + h * R.d1 * dT.p[i] }
        solveW(k1)
        // Stage 2
        for i in 0..<n { tmp.p[i] = y[i] + R.a21 * k1[i] }
        context.eval(t + R.c2 * h, tmp.p, du.p)
        for i in 0..<n { k2[i] = du.p[i] + h * R.d2 * dT.p[i] + ih * (R.C21 * k1[i]) }
        solveW(k2)
        // Stage 3
        for i in 0..<n { tmp.p[i] = y[i] + R.a31 * k1[i] + R.a32 * k2[i] }
        context.eval(t + R.c3 * h, tmp.p, du.p)
        for i in 0..<n { k3[i] = du.p[i] + h * R.d3 * dT.p[i] + ih * (R.C31 * k1[i] + R.C32 * k2[i]) }
        solveW(k3)
        // Stage 4
        for i in 0..<n { tmp.p[i] = y[i] + R.a41 * k1[i] + R.a42 * k2[i] + R.a43 * k3[i] }
        context.eval(t + R.c4 * h, tmp.p, du.p)
        for i in 0..<n {
            k4[i] = du.p[i] + h * R.d4 * dT.p[i] + ih * (R.C41 * k1[i] + R.C42 * k2[i] + R.C43 * k3[i])
        }
        solveW(k4)
        // Stage 5 (at t + h)
        for i in 0..<n { tmp.p[i] = y[i] + R.a51 * k1[i] + R.a52 * k2[i] + R.a53 * k3[i] + R.a54 * k4[i] }
        context.eval(t + h, tmp.p, du.p)
        for i in 0..<n {
            k5[i] = du.p[i] + ih * (R.C51 * k1[i] + R.C52 * k2[i] + R.C53 * k3[i] + R.C54 * k4[i])
        }
        solveW(k5)
        // Stage 6 (at t + h)
        for i in 0..<n { tmp.p[i] += k5[i] }
        context.eval(t + h, tmp.p, du.p)
        for i in 0..<n {
            k6[i] = du.p[i] + ih * (R.C61 * k1[i] + R.C62 * k2[i] + R.C63 * k3[i] + R.C64 * k4[i] + R.C65 * k5[i])
        }
        solveW(k6)
        for i in 0..<n { yNew[i] = tmp.p[i] + k6[i] }
        if !allFinite(yNew, n) { return .infinity }
        return context.errorNorm(k6, y, yNew)
    }

    func buildDense(into c: UnsafeMutablePointer<Double>) {
        typealias R = RODAS4
        let k1 = k.p, k2 = k.p + n, k3 = k.p + 2 * n, k4 = k.p + 3 * n, k5 = k.p + 4 * n
        for i in 0..<n {
            c[i] = y[i]
            c[n + i] = yNew[i]
            c[2 * n + i] = R.h21 * k1[i] + R.h22 * k2[i] + R.h23 * k3[i] + R.h24 * k4[i] + R.h25 * k5[i]
            c[3 * n + i] = R.h31 * k1[i] + R.h32 * k2[i] + R.h33 * k3[i] + R.h34 * k4[i] + R.h35 * k5[i]
        }
    }

    func accept() {
        y.update(from: yNew, count: n)
        f0Valid = false
        jacobianValid = false
    }
}
