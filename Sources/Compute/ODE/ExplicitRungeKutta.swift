// Explicit Runge–Kutta methods: Dormand–Prince 5(4) (DOPRI5), DOP853, and the fixed-step
// Euler and classical RK4.
//
// Coefficients: Dormand & Prince, "A family of embedded Runge–Kutta formulae",
// J. Comput. Appl. Math. 6 (1980) 19–26; dense output of DOPRI5 and the DOP853 tableau,
// error estimators and continuous extension from Hairer, Nørsett & Wanner, *Solving
// Ordinary Differential Equations I*, 2nd ed., §II.5–II.6, and Hairer's Fortran codes
// dopri5.f / dop853.f (the same numbers are in scipy/integrate/_ivp/rk.py and
// dop853_coefficients.py). The order conditions are checked numerically in the tests.

#if canImport(Glibc)
import Glibc
#endif

/// A sparse explicit Butcher tableau: row `s` lists the nonzero `(j, a_sj)`.
struct ExplicitTableau: Sendable {
    let c: [Double]
    let rows: [[(Int, Double)]]

    init(c: [Double], a: [[Double]]) {
        precondition(c.count == a.count, "ExplicitTableau: c and A sizes differ")
        self.c = c
        self.rows = a.map { row in row.enumerated().compactMap { $0.element != 0 ? ($0.offset, $0.element) : nil } }
    }
}

/// Dormand–Prince 5(4) coefficients (FSAL: the 7th stage is `f(t+h, y_new)`).
enum DOPRI5 {
    static let tableau = ExplicitTableau(
        c: [0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1],
        a: [
            [],
            [1.0 / 5],
            [3.0 / 40, 9.0 / 40],
            [44.0 / 45, -56.0 / 15, 32.0 / 9],
            [19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729],
            [9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656],
            [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84],
        ])
    /// 5th-order weights (= last row of A).
    static let b: [Double] = [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0]
    /// 4th-order embedded weights.
    static let bHat: [Double] = [5179.0 / 57600, 0, 7571.0 / 16695, 393.0 / 640,
                                 -92097.0 / 339200, 187.0 / 2100, 1.0 / 40]
    /// Error weights `b − b̂` (Hairer's e1…e7).
    static let e: [Double] = [71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920,
                              -17253.0 / 339200, 22.0 / 525, -1.0 / 40]
    /// Dense-output weights d1…d7 of Hairer's CONTD5 (Shampine's 4th-order extension).
    static let d: [Double] = [-12715105075.0 / 11282082432, 0, 87487479700.0 / 32700410799,
                              -10690763975.0 / 1880347072, 701980252875.0 / 199316789632,
                              -1453857185.0 / 822651844, 69997945.0 / 29380423]
}

/// DOP853 coefficients (12 stages + FSAL stage 13 + 3 extra stages for dense output).
enum DOP853C {
    static let c: [Double] = [
        0.0, 0.526001519587677318785587544488e-01, 0.789002279381515978178381316732e-01,
        0.118350341907227396726757197510, 0.281649658092772603273242802490,
        0.333333333333333333333333333333, 0.25, 0.307692307692307692307692307692,
        0.651282051282051282051282051282, 0.6, 0.857142857142857142857142857142,
        1.0, 1.0, 0.1, 0.2, 0.777777777777777777777777777778,
    ]
    static let a: [[Double]] = {
        var a = [[Double]](repeating: [Double](repeating: 0, count: 16), count: 16)
        a[1][0] = 5.26001519587677318785587544488e-2
        a[2][0] = 1.97250569845378994544595329183e-2
        a[2][1] = 5.91751709536136983633785987549e-2
        a[3][0] = 2.95875854768068491816892993775e-2
        a[3][2] = 8.87627564304205475450678981324e-2
        a[4][0] = 2.41365134159266685502369798665e-1
        a[4][2] = -8.84549479328286085344864962717e-1
        a[4][3] = 9.24834003261792003115737966543e-1
        a[5][0] = 3.7037037037037037037037037037e-2
        a[5][3] = 1.70828608729473871279604482173e-1
        a[5][4] = 1.25467687566822425016691814123e-1
        a[6][0] = 3.7109375e-2
        a[6][3] = 1.70252211019544039314978060272e-1
        a[6][4] = 6.02165389804559606850219397283e-2
        a[6][5] = -1.7578125e-2
        a[7][0] = 3.70920001185047927108779319836e-2
        a[7][3] = 1.70383925712239993810214054705e-1
        a[7][4] = 1.07262030446373284651809199168e-1
        a[7][5] = -1.53194377486244017527936158236e-2
        a[7][6] = 8.27378916381402288758473766002e-3
        a[8][0] = 6.24110958716075717114429577812e-1
        a[8][3] = -3.36089262944694129406857109825
        a[8][4] = -8.68219346841726006818189891453e-1
        a[8][5] = 2.75920996994467083049415600797e1
        a[8][6] = 2.01540675504778934086186788979e1
        a[8][7] = -4.34898841810699588477366255144e1
        a[9][0] = 4.77662536438264365890433908527e-1
        a[9][3] = -2.48811461997166764192642586468
        a[9][4] = -5.90290826836842996371446475743e-1
        a[9][5] = 2.12300514481811942347288949897e1
        a[9][6] = 1.52792336328824235832596922938e1
        a[9][7] = -3.32882109689848629194453265587e1
        a[9][8] = -2.03312017085086261358222928593e-2
        a[10][0] = -9.3714243008598732571704021658e-1
        a[10][3] = 5.18637242884406370830023853209
        a[10][4] = 1.09143734899672957818500254654
        a[10][5] = -8.14978701074692612513997267357
        a[10][6] = -1.85200656599969598641566180701e1
        a[10][7] = 2.27394870993505042818970056734e1
        a[10][8] = 2.49360555267965238987089396762
        a[10][9] = -3.0467644718982195003823669022
        a[11][0] = 2.27331014751653820792359768449
        a[11][3] = -1.05344954667372501984066689879e1
        a[11][4] = -2.00087205822486249909675718444
        a[11][5] = -1.79589318631187989172765950534e1
        a[11][6] = 2.79488845294199600508499808837e1
        a[11][7] = -2.85899827713502369474065508674
        a[11][8] = -8.87285693353062954433549289258
        a[11][9] = 1.23605671757943030647266201528e1
        a[11][10] = 6.43392746015763530355970484046e-1
        // Row 12: the 8th-order weights b (stage 13 = f(t+h, y_new), FSAL).
        a[12][0] = 5.42937341165687622380535766363e-2
        a[12][5] = 4.45031289275240888144113950566
        a[12][6] = 1.89151789931450038304281599044
        a[12][7] = -5.8012039600105847814672114227
        a[12][8] = 3.1116436695781989440891606237e-1
        a[12][9] = -1.52160949662516078556178806805e-1
        a[12][10] = 2.01365400804030348374776537501e-1
        a[12][11] = 4.47106157277725905176885569043e-2
        // Rows 13–15: extra stages of the continuous extension.
        a[13][0] = 5.61675022830479523392909219681e-2
        a[13][6] = 2.53500210216624811088794765333e-1
        a[13][7] = -2.46239037470802489917441475441e-1
        a[13][8] = -1.24191423263816360469010140626e-1
        a[13][9] = 1.5329179827876569731206322685e-1
        a[13][10] = 8.20105229563468988491666602057e-3
        a[13][11] = 7.56789766054569976138603589584e-3
        a[13][12] = -8.298e-3
        a[14][0] = 3.18346481635021405060768473261e-2
        a[14][5] = 2.83009096723667755288322961402e-2
        a[14][6] = 5.35419883074385676223797384372e-2
        a[14][7] = -5.49237485713909884646569340306e-2
        a[14][10] = -1.08347328697249322858509316994e-4
        a[14][11] = 3.82571090835658412954920192323e-4
        a[14][12] = -3.40465008687404560802977114492e-4
        a[14][13] = 1.41312443674632500278074618366e-1
        a[15][0] = -4.28896301583791923408573538692e-1
        a[15][5] = -4.69762141536116384314449447206
        a[15][6] = 7.68342119606259904184240953878
        a[15][7] = 4.06898981839711007970213554331
        a[15][8] = 3.56727187455281109270669543021e-1
        a[15][12] = -1.39902416515901462129418009734e-3
        a[15][13] = 2.9475147891527723389556272149
        a[15][14] = -9.15095847217987001081870187138
        return a
    }()
    static let tableau = ExplicitTableau(c: c, a: a)
    /// 8th-order weights (12 stages).
    static var b: [Double] { Array(a[12][0..<12]) }
    /// 3rd-order error weights `b − b̂₃` (bhh1, bhh2, bhh3 at stages 1, 9, 12).
    static let e3: [Double] = {
        var e = Array(a[12][0..<12])
        e[0] -= 0.244094488188976377952755905512
        e[8] -= 0.733846688281611857341361741547
        e[11] -= 0.220588235294117647058823529412e-1
        return e
    }()
    /// 5th-order error weights (er1…er12 of dop853.f).
    static let e5: [Double] = {
        var e = [Double](repeating: 0, count: 12)
        e[0] = 0.1312004499419488073250102996e-1
        e[5] = -0.1225156446376204440720569753e+1
        e[6] = -0.4957589496572501915214079952
        e[7] = 0.1664377182454986536961530415e+1
        e[8] = -0.3503288487499736816886487290
        e[9] = 0.3341791187130174790297318841
        e[10] = 0.8192320648511571246570742613e-1
        e[11] = -0.2235530786388629525884427845e-1
        return e
    }()
    /// Continuous-extension weights d4…d7 over the 16 stages.
    static let d: [[Double]] = {
        var d = [[Double]](repeating: [Double](repeating: 0, count: 16), count: 4)
        d[0][0] = -0.84289382761090128651353491142e+1
        d[0][5] = 0.56671495351937776962531783590
        d[0][6] = -0.30689499459498916912797304727e+1
        d[0][7] = 0.23846676565120698287728149680e+1
        d[0][8] = 0.21170345824450282767155149946e+1
        d[0][9] = -0.87139158377797299206789907490
        d[0][10] = 0.22404374302607882758541771650e+1
        d[0][11] = 0.63157877876946881815570249290
        d[0][12] = -0.88990336451333310820698117400e-1
        d[0][13] = 0.18148505520854727256656404962e+2
        d[0][14] = -0.91946323924783554000451984436e+1
        d[0][15] = -0.44360363875948939664310572000e+1
        d[1][0] = 0.10427508642579134603413151009e+2
        d[1][5] = 0.24228349177525818288430175319e+3
        d[1][6] = 0.16520045171727028198505394887e+3
        d[1][7] = -0.37454675472269020279518312152e+3
        d[1][8] = -0.22113666853125306036270938578e+2
        d[1][9] = 0.77334326684722638389603898808e+1
        d[1][10] = -0.30674084731089398182061213626e+2
        d[1][11] = -0.93321305264302278729567221706e+1
        d[1][12] = 0.15697238121770843886131091075e+2
        d[1][13] = -0.31139403219565177677282850411e+2
        d[1][14] = -0.93529243588444783865713862664e+1
        d[1][15] = 0.35816841486394083752465898540e+2
        d[2][0] = 0.19985053242002433820987653617e+2
        d[2][5] = -0.38703730874935176555105901742e+3
        d[2][6] = -0.18917813819516756882830838328e+3
        d[2][7] = 0.52780815920542364900561016686e+3
        d[2][8] = -0.11573902539959630126141871134e+2
        d[2][9] = 0.68812326946963000169666922661e+1
        d[2][10] = -0.10006050966910838403183860980e+1
        d[2][11] = 0.77771377980534432092869265740
        d[2][12] = -0.27782057523535084065932004339e+1
        d[2][13] = -0.60196695231264120758267380846e+2
        d[2][14] = 0.84320405506677161018159903784e+2
        d[2][15] = 0.11992291136182789328035130030e+2
        d[3][0] = -0.25693933462703749003312586129e+2
        d[3][5] = -0.15418974869023643374053993627e+3
        d[3][6] = -0.23152937917604549567536039109e+3
        d[3][7] = 0.35763911791061412378285349910e+3
        d[3][8] = 0.93405324183624310003907691704e+2
        d[3][9] = -0.37458323136451633156875139351e+2
        d[3][10] = 0.10409964950896230045147246184e+3
        d[3][11] = 0.29840293426660503123344363579e+2
        d[3][12] = -0.43533456590011143754432175058e+2
        d[3][13] = 0.96324553959188282948394950600e+2
        d[3][14] = -0.39177261675615439165231486172e+2
        d[3][15] = -0.14972683625798562581422125276e+3
        return d
    }()
}

/// Flattened sparse rows of a tableau, for allocation-free stage loops.
final class SparseRows {
    let start: UnsafeMutablePointer<Int>
    let index: UnsafeMutablePointer<Int>
    let value: UnsafeMutablePointer<Double>
    let rowCount: Int

    init(_ rows: [[(Int, Double)]]) {
        rowCount = rows.count
        let total = Swift.max(rows.reduce(0) { $0 + $1.count }, 1)
        start = .allocate(capacity: rows.count + 1)
        index = .allocate(capacity: total)
        value = .allocate(capacity: total)
        var k = 0
        for (r, row) in rows.enumerated() {
            start[r] = k
            for (j, a) in row {
                index[k] = j
                value[k] = a
                k += 1
            }
        }
        start[rows.count] = k
    }

    /// Builds a single sparse row from dense weights.
    convenience init(weights: [[Double]]) {
        self.init(weights.map { w in w.enumerated().compactMap { $0.element != 0 ? ($0.offset, $0.element) : nil } })
    }

    deinit {
        start.deallocate()
        index.deallocate()
        value.deallocate()
    }

    /// `out = base + h · Σ_j a_rj K_j` (K rows of length n, contiguous).
    @inline(__always)
    func combine(row r: Int, base: UnsafeMutablePointer<Double>, h: Double,
                 K: UnsafeMutablePointer<Double>, n: Int, into out: UnsafeMutablePointer<Double>) {
        out.update(from: base, count: n)
        for p in start[r]..<start[r + 1] {
            let ha = h * value[p]
            let kj = K + index[p] * n
            for i in 0..<n { out[i] += ha * kj[i] }
        }
    }

    /// `out = Σ_j a_rj K_j` (no base, no h).
    @inline(__always)
    func weightedSum(row r: Int, K: UnsafeMutablePointer<Double>, n: Int, into out: UnsafeMutablePointer<Double>) {
        for i in 0..<n { out[i] = 0 }
        for p in start[r]..<start[r + 1] {
            let a = value[p]
            let kj = K + index[p] * n
            for i in 0..<n { out[i] += a * kj[i] }
        }
    }
}

/// Dormand–Prince 5(4), FSAL, 4th-order continuous extension.
final class DormandPrince5Stepper: ODEStepper {
    let context: ODEContext
    let n: Int
    let K: DoubleBuffer        // 7 stages × n
    let yBuf: DoubleBuffer, yNewBuf: DoubleBuffer, tmp: DoubleBuffer, err: DoubleBuffer
    let rows = SparseRows(DOPRI5.tableau.rows)
    let errRow = SparseRows(weights: [DOPRI5.e, DOPRI5.d])
    var h = 0.0

    var y: UnsafeMutablePointer<Double> { yBuf.p }
    var yNew: UnsafeMutablePointer<Double> { yNewBuf.p }
    var f0: UnsafeMutablePointer<Double> { K.p }
    var errorOrder: Int { 4 }
    var denseKind: DenseKind { .dopri5 }

    init(context: ODEContext, y0: [Double]) {
        self.context = context
        n = context.n
        K = DoubleBuffer(7 * n)
        yBuf = DoubleBuffer(n); yNewBuf = DoubleBuffer(n); tmp = DoubleBuffer(n); err = DoubleBuffer(n)
        for i in 0..<n { yBuf.p[i] = y0[i] }
    }

    func start(t: Double) -> Bool {
        context.eval(t, y, K.p)
        return allFinite(K.p, n)
    }

    func attempt(t: Double, h: Double) -> Double {
        self.h = h
        let c = DOPRI5.tableau.c
        for s in 1...5 {
            rows.combine(row: s, base: y, h: h, K: K.p, n: n, into: tmp.p)
            context.eval(t + c[s] * h, tmp.p, K.p + s * n)
        }
        rows.combine(row: 6, base: y, h: h, K: K.p, n: n, into: yNew)
        context.eval(t + h, yNew, K.p + 6 * n)
        errRow.weightedSum(row: 0, K: K.p, n: n, into: err.p)
        for i in 0..<n { err.p[i] *= h }
        return context.errorNorm(err.p, y, yNew)
    }

    func buildDense(into c: UnsafeMutablePointer<Double>) {
        // r1 = y0, r2 = Δy, r3 = h k1 − Δy, r4 = Δy − h k7 − r3, r5 = h Σ d_j k_j.
        errRow.weightedSum(row: 1, K: K.p, n: n, into: c + 4 * n)
        let k1 = K.p, k7 = K.p + 6 * n
        for i in 0..<n {
            let dy = yNew[i] - y[i]
            let r3 = h * k1[i] - dy
            c[i] = y[i]
            c[n + i] = dy
            c[2 * n + i] = r3
            c[3 * n + i] = dy - h * k7[i] - r3
            c[4 * n + i] *= h
        }
    }

    func accept() {
        y.update(from: yNew, count: n)
        K.p.update(from: K.p + 6 * n, count: n)
    }
}

/// DOP853: 8th-order method with 5th- and 3rd-order error estimators (Hairer), FSAL, and
/// a 7th-order continuous extension that costs 3 extra evaluations per step when used.
final class DOP853Stepper: ODEStepper {
    let context: ODEContext
    let n: Int
    let K: DoubleBuffer        // 16 stages × n
    let yBuf: DoubleBuffer, yNewBuf: DoubleBuffer, tmp: DoubleBuffer, e5: DoubleBuffer, e3: DoubleBuffer
    let rows = SparseRows(DOP853C.tableau.rows)
    let errRows = SparseRows(weights: [DOP853C.e5, DOP853C.e3])
    let denseRows = SparseRows(weights: DOP853C.d)
    var h = 0.0, t = 0.0
    var extraStagesDone = false

    var y: UnsafeMutablePointer<Double> { yBuf.p }
    var yNew: UnsafeMutablePointer<Double> { yNewBuf.p }
    var f0: UnsafeMutablePointer<Double> { K.p }
    var errorOrder: Int { 7 }
    var denseKind: DenseKind { .dop853 }

    init(context: ODEContext, y0: [Double]) {
        self.context = context
        n = context.n
        K = DoubleBuffer(16 * n)
        yBuf = DoubleBuffer(n); yNewBuf = DoubleBuffer(n); tmp = DoubleBuffer(n)
        e5 = DoubleBuffer(n); e3 = DoubleBuffer(n)
        for i in 0..<n { yBuf.p[i] = y0[i] }
    }

    func start(t: Double) -> Bool {
        context.eval(t, y, K.p)
        return allFinite(K.p, n)
    }

    func attempt(t: Double, h: Double) -> Double {
        self.h = h
        self.t = t
        extraStagesDone = false
        let c = DOP853C.c
        for s in 1...11 {
            rows.combine(row: s, base: y, h: h, K: K.p, n: n, into: tmp.p)
            context.eval(t + c[s] * h, tmp.p, K.p + s * n)
        }
        rows.combine(row: 12, base: y, h: h, K: K.p, n: n, into: yNew)
        context.eval(t + h, yNew, K.p + 12 * n)
        errRows.weightedSum(row: 0, K: K.p, n: n, into: e5.p)
        errRows.weightedSum(row: 1, K: K.p, n: n, into: e3.p)
        var s5 = 0.0, s3 = 0.0
        for i in 0..<n {
            let sc = context.scale(i, y, yNew)
            let a = e5.p[i] / sc, b = e3.p[i] / sc
            s5 += a * a
            s3 += b * b
        }
        if s5 == 0 && s3 == 0 { return 0 }
        // err = |h| · err5² / sqrt(n · (err5² + 0.01 · err3²))   (dop853.f, scipy)
        return abs(h) * s5 / (Double(n) * (s5 + 0.01 * s3)).squareRoot()
    }

    func buildDense(into c: UnsafeMutablePointer<Double>) {
        if !extraStagesDone {
            let cc = DOP853C.c
            for s in 13...15 {
                rows.combine(row: s, base: y, h: h, K: K.p, n: n, into: tmp.p)
                context.eval(t + cc[s] * h, tmp.p, K.p + s * n)
            }
            extraStagesDone = true
        }
        // [y0, F0 = Δy, F1 = h f0 − Δy, F2 = 2Δy − h(f1 + f0), F3..F6 = h D·K]
        let fOld = K.p, fNew = K.p + 12 * n
        for r in 0..<4 {
            denseRows.weightedSum(row: r, K: K.p, n: n, into: c + (4 + r) * n)
        }
        for i in 0..<n {
            let dy = yNew[i] - y[i]
            c[i] = y[i]
            c[n + i] = dy
            c[2 * n + i] = h * fOld[i] - dy
            c[3 * n + i] = 2 * dy - h * (fNew[i] + fOld[i])
            for r in 4..<8 { c[r * n + i] *= h }
        }
    }

    func accept() {
        y.update(from: yNew, count: n)
        K.p.update(from: K.p + 12 * n, count: n)
    }
}

/// Fixed-step explicit Euler or classical RK4, with a cubic Hermite dense output built
/// from `f` at both ends of each step (the end value is reused as the next step's first
/// stage, so it costs nothing but one evaluation at the very end).
final class FixedStepper: ODEStepper {
    let context: ODEContext
    let n: Int
    let isRK4: Bool
    let K: DoubleBuffer   // k1 (= f0), k2, k3, k4, fNew
    let yBuf: DoubleBuffer, yNewBuf: DoubleBuffer, tmp: DoubleBuffer
    var h = 0.0

    var y: UnsafeMutablePointer<Double> { yBuf.p }
    var yNew: UnsafeMutablePointer<Double> { yNewBuf.p }
    var f0: UnsafeMutablePointer<Double> { K.p }
    var errorOrder: Int { 0 }
    var denseKind: DenseKind { .hermite }

    init(context: ODEContext, y0: [Double], rk4: Bool) {
        self.context = context
        n = context.n
        isRK4 = rk4
        K = DoubleBuffer(5 * n)
        yBuf = DoubleBuffer(n); yNewBuf = DoubleBuffer(n); tmp = DoubleBuffer(n)
        for i in 0..<n { yBuf.p[i] = y0[i] }
    }

    func start(t: Double) -> Bool {
        context.eval(t, y, K.p)
        return allFinite(K.p, n)
    }

    func attempt(t: Double, h: Double) -> Double {
        self.h = h
        let k1 = K.p, k2 = K.p + n, k3 = K.p + 2 * n, k4 = K.p + 3 * n, fNew = K.p + 4 * n
        if isRK4 {
            let h2 = 0.5 * h
            for i in 0..<n { tmp.p[i] = y[i] + h2 * k1[i] }
            context.eval(t + h2, tmp.p, k2)
            for i in 0..<n { tmp.p[i] = y[i] + h2 * k2[i] }
            context.eval(t + h2, tmp.p, k3)
            for i in 0..<n { tmp.p[i] = y[i] + h * k3[i] }
            context.eval(t + h, tmp.p, k4)
            let h6 = h / 6
            for i in 0..<n { yNew[i] = y[i] + h6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) }
        } else {
            for i in 0..<n { yNew[i] = y[i] + h * k1[i] }
        }
        if allFinite(yNew, n) {
            context.eval(t + h, yNew, fNew)
        } else {
            return .infinity
        }
        return allFinite(fNew, n) ? 0 : .infinity
    }

    func buildDense(into c: UnsafeMutablePointer<Double>) {
        let f0 = K.p, f1 = K.p + 4 * n
        for i in 0..<n {
            c[i] = y[i]
            c[n + i] = yNew[i]
            c[2 * n + i] = h * f0[i]
            c[3 * n + i] = h * f1[i]
        }
    }

    func accept() {
        y.update(from: yNew, count: n)
        K.p.update(from: K.p + 4 * n, count: n)
    }
}
