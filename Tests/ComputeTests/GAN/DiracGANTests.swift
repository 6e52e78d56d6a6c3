import Testing
@testable import Compute

#if canImport(Glibc)
import Glibc
#endif

/// The article's start state (φ1, φ2, θ1, θ2).
let articleStart: [Double] = [0.1, 0.2, 0.2, 0.1]

private func sigma(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
private func maxDiff(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

/// The article's vector fields, typed in as printed in CLAIMS.md §1 (state (φ1, φ2, θ1, θ2),
/// real data at 0), independent of the library's derivation.
enum ArticleFormulas {
    static func vanilla(_ y: [Double]) -> [Double] {
        let s = y[0] * y[2] + y[1] * y[3], p = sigma(s)
        return [-p * y[2], -p * y[3], (1 - p) * y[0], (1 - p) * y[1]]
    }
    static func wgan(_ y: [Double]) -> [Double] {
        let n = (y[0] * y[0] + y[1] * y[1]).squareRoot(), s = y[0] * y[2] + y[1] * y[3]
        return [-y[2] / n + s * y[0] / (n * n * n), -y[3] / n + s * y[1] / (n * n * n), y[0] / n, y[1] / n]
    }
    static func wganGP(_ y: [Double], lambda: Double, c: Double) -> [Double] {
        let n = (y[0] * y[0] + y[1] * y[1]).squareRoot()
        return [-y[2] - 2 * lambda * (1 - c / n) * y[0], -y[3] - 2 * lambda * (1 - c / n) * y[1], y[0], y[1]]
    }
    /// GAN-QP with the norm ‖θ‖ (post) or ‖φ‖ (the author's code), plus L2 decay μ on D.
    static func ganQP(_ y: [Double], lambda: Double, useThetaNorm: Bool, l2: Double = 0) -> [Double] {
        let s = y[0] * y[2] + y[1] * y[3]
        let n = useThetaNorm ? (y[2] * y[2] + y[3] * y[3]).squareRoot() : (y[0] * y[0] + y[1] * y[1]).squareRoot()
        return [-y[2] - s * y[2] / (lambda * n) - l2 * y[0], -y[3] - s * y[3] / (lambda * n) - l2 * y[1], y[0], y[1]]
    }
}

/// Deterministic pseudo-random test states (a small LCG; values in [−1, 1]).
func testStates(count: Int, dimension: Int, seed: UInt64) -> [[Double]] {
    var s = seed
    func next() -> Double {
        s = s &* 6364136223846793005 &+ 1442695040888963407
        return Double(s >> 11) / Double(1 << 53) * 2 - 1
    }
    return (0..<count).map { _ in (0..<(2 * dimension)).map { _ in next() } }
}

@Suite struct DiracGANTests {
    static let losses: [DiracGANLoss] = [
        .vanilla, .vanillaSaturating, .wgan, .wganLinear,
        .wganGP(lambda: 0.1, center: 0), .wganGP(lambda: 0.1, center: 1), .wganGP(lambda: 0.7, center: 0.5),
        .ganQP(lambda: 1), .ganQP(lambda: 0.3),
    ]

    @Test(arguments: losses)
    func fieldIsTheGradientOfTheLosses(loss: DiracGANLoss) {
        // φ' = ∇_φ L_D and θ' = −∇_θ L_G: analytic field vs central differences of the losses,
        // in dimensions 1…3, with the real point at 0 and elsewhere, with and without penalties.
        for k in 1...3 {
            for (idx, y) in testStates(count: 6, dimension: k, seed: UInt64(17 * k)).enumerated() {
                let real: [Double]? = idx % 2 == 0 ? nil : (0..<k).map { 0.3 - 0.2 * Double($0) }
                let regs: [DiracGANRegularizer] = idx % 3 == 0 ? [.r1(gamma: 0.4), .weightDecay(0.1)] : []
                let gan = DiracGAN(loss, dimension: k, realPoint: real, regularizers: regs)
                let analytic = gan.vectorField(y)
                let numeric = gan.vectorFieldFromLosses(y)
                #expect(maxDiff(analytic, numeric) < 1e-8, "\(loss) k=\(k) y=\(y)")
            }
        }
    }

    @Test func fieldsMatchTheArticlesFormulas() {
        // The derivations (sign conventions: D ascends, G descends) reproduce CLAIMS.md §1.
        for y in testStates(count: 20, dimension: 2, seed: 5) + [articleStart] {
            #expect(maxDiff(DiracGAN(.vanilla).vectorField(y), ArticleFormulas.vanilla(y)) < 1e-15)
            #expect(maxDiff(DiracGAN(.wgan).vectorField(y), ArticleFormulas.wgan(y)) < 1e-12)
            for c in [0.0, 1.0] {
                #expect(maxDiff(DiracGAN(.wganGP(lambda: 0.1, center: c)).vectorField(y),
                                ArticleFormulas.wganGP(y, lambda: 0.1, c: c)) < 1e-14)
            }
            // GAN-QP: the loss-derived field is the ‖θ‖ formula; the ‖φ‖ case is the code's.
            #expect(maxDiff(DiracGAN(.ganQP(lambda: 1)).vectorField(y),
                            ArticleFormulas.ganQP(y, lambda: 1, useThetaNorm: true)) < 1e-14)
            #expect(maxDiff(DiracGAN(.ganQPPhiNorm(lambda: 1)).vectorField(y),
                            ArticleFormulas.ganQP(y, lambda: 1, useThetaNorm: false)) < 1e-14)
            // "adding −0.1·φ to φ'" is L2 weight decay (μ/2)‖φ‖² with μ = 0.1.
            #expect(maxDiff(DiracGAN(.ganQP(lambda: 1), regularizers: [.weightDecay(0.1)]).vectorField(y),
                            ArticleFormulas.ganQP(y, lambda: 1, useThetaNorm: true, l2: 0.1)) < 1e-14)
        }
    }

    @Test func ganQPNormQuestion() {
        // Which norm do the GAN-QP equations imply? The loss φ·d − (φ·d)²/(2λ‖d‖) with
        // d = x_r − x_f = −θ differentiates to the ‖θ‖ formula (checked above). The ‖φ‖ field
        // of the author's code is not the φ-gradient of ANY function: its ∂φ'/∂φ block is not
        // symmetric, while a gradient's (a Hessian) is.
        for y in testStates(count: 10, dimension: 2, seed: 9) {
            let fromLoss = DiracGAN(.ganQP(lambda: 1)).vectorFieldFromLosses(y)
            #expect(maxDiff(fromLoss, ArticleFormulas.ganQP(y, lambda: 1, useThetaNorm: true)) < 1e-9)
            let jTheta = DiracGAN(.ganQP(lambda: 1)).jacobian(at: y)
            let jPhi = DiracGAN(.ganQPPhiNorm(lambda: 1)).jacobian(at: y)
            #expect(abs(jTheta[0, 1] - jTheta[1, 0]) < 1e-8)
            let phi = Array(y[0..<2]), theta = Array(y[2...])
            // ∂φ'_i/∂φ_j = −θ_iθ_j/(λ‖φ‖) + (φ·θ)θ_iφ_j/(λ‖φ‖³): asymmetric part ∝ (φ·θ)(θ₀φ₁ − θ₁φ₀)
            let s = phi[0] * theta[0] + phi[1] * theta[1]
            let n3 = pow((phi[0] * phi[0] + phi[1] * phi[1]).squareRoot(), 3)
            let asym = s * (theta[0] * phi[1] - theta[1] * phi[0]) / n3
            #expect(abs((jPhi[0, 1] - jPhi[1, 0]) - asym) < 1e-7)
            #expect(abs(asym) > 1e-3)
        }
        #expect(DiracGANLoss.ganQPPhiNorm(lambda: 1).hasObjectives == false)
        #expect(DiracGANLoss.ganQP(lambda: 1).hasObjectives)
    }

    @Test func analyticJacobiansMatchFiniteDifferences() throws {
        let configs: [DiracGAN] = [
            DiracGAN(.vanilla), DiracGAN(.vanillaSaturating, dimension: 3),
            DiracGAN(.vanilla, dimension: 2, realPoint: [0.7, -0.4]),
            DiracGAN(.vanilla, regularizers: [.r1(gamma: 0.3)]),
            DiracGAN(.wganLinear, dimension: 1), DiracGAN(.wganGP(lambda: 0.1, center: 0)),
            DiracGAN(.ganQP(lambda: 1), regularizers: [.weightDecay(0.1)]),
            DiracGAN(.ganQPPhiNorm(lambda: 2), dimension: 3),
        ]
        for gan in configs {
            let a = try #require(gan.jacobianAtEquilibrium())
            #expect(a.maxAbsDifference(gan.jacobian(at: gan.equilibrium)) < 1e-8, "\(gan.loss)")
        }
        #expect(DiracGAN(.wgan).jacobianAtEquilibrium() == nil)
        #expect(DiracGAN(.wganGP(lambda: 0.1, center: 1)).jacobianAtEquilibrium() == nil)
    }

    @Test func vanillaEigenvaluesArePlusMinusIHalf() throws {
        // Linearised at 0: ±i/2 (each with multiplicity k), period 2π/(1/2) = 4π.
        for k in [1, 2, 3] {
            for loss in [DiracGANLoss.vanilla, .vanillaSaturating] {
                let j = try #require(DiracGAN(loss, dimension: k).jacobianAtEquilibrium())
                let e = try #require(Spectrum.eigenvalues(j))
                let expected = Array(repeating: ComplexNumber(0, 0.5), count: k) + Array(repeating: ComplexNumber(0, -0.5), count: k)
                #expect(Spectrum.maxMatchingDistance(e, expected) < 1e-12)
                #expect(abs(2 * Double.pi / e[0].im - 4 * Double.pi) < 1e-11)
                #expect(abs(Spectrum.abscissa(j)) < 1e-12)
            }
        }
        // The finite-difference Jacobian of the nonlinear field gives the same spectrum.
        let fd = DiracGAN(.vanilla).jacobian(at: DiracGAN(.vanilla).equilibrium)
        #expect(Spectrum.maxMatchingDistance(try #require(Spectrum.eigenvalues(fd)),
                                             [ComplexNumber(0, 0.5), ComplexNumber(0, 0.5), ComplexNumber(0, -0.5), ComplexNumber(0, -0.5)]) < 1e-6)
    }

    @Test(arguments: [0.1, 0.3, 0.5, 0.9])
    func wganGPAtZeroEigenvalues(lambda: Double) throws {
        // −λ ± i√(1 − λ²)
        let j = try #require(DiracGAN(.wganGP(lambda: lambda, center: 0)).jacobianAtEquilibrium())
        let e = try #require(Spectrum.eigenvalues(j))
        let w = (1 - lambda * lambda).squareRoot()
        let expected = [ComplexNumber(-lambda, w), ComplexNumber(-lambda, w), ComplexNumber(-lambda, -w), ComplexNumber(-lambda, -w)]
        #expect(Spectrum.maxMatchingDistance(e, expected) < 1e-12)
        #expect(abs(Spectrum.abscissa(j) + lambda) < 1e-12)
    }

    @Test(arguments: [0.2, 0.6, 1.0, 1.5, 3.0])
    func r1MovesTheEigenvaluesLeft(gamma: Double) throws {
        // Mescheder et al. 2018: −γ/2 ± √(γ²/4 − f′(0)²) with f′(0) = ½ (vanilla).
        let gan = DiracGAN(.vanilla, regularizers: [.r1(gamma: gamma)])
        let j = try #require(gan.jacobianAtEquilibrium())
        let e = try #require(Spectrum.eigenvalues(j))
        let disc = gamma * gamma / 4 - 0.25
        let pair: [ComplexNumber] = disc >= 0
            ? [ComplexNumber(-gamma / 2 + disc.squareRoot()), ComplexNumber(-gamma / 2 - disc.squareRoot())]
            : [ComplexNumber(-gamma / 2, (-disc).squareRoot()), ComplexNumber(-gamma / 2, -(-disc).squareRoot())]
        // γ = 1 is a defective double eigenvalue: dgeev's error there is O(√ε).
        let tol = gamma == 1.0 ? 1e-7 : 1e-12
        #expect(Spectrum.maxMatchingDistance(e, pair + pair) < tol)
        #expect(Spectrum.abscissa(j) < 0)
        // R2 and weight decay act identically on a linear critic.
        #expect(DiracGAN(.vanilla, regularizers: [.r2(gamma: gamma)]).jacobianAtEquilibrium() == j)
        #expect(DiracGAN(.vanilla, regularizers: [.weightDecay(gamma)]).jacobianAtEquilibrium() == j)
    }

    @Test func ganQPEigenvalues() throws {
        // GAN-QP alone: ±i (a centre, no convergence); with L2 0.1: −0.05 ± i√(1 − 0.0025).
        let j0 = try #require(DiracGAN(.ganQP(lambda: 1)).jacobianAtEquilibrium())
        let e0 = try #require(Spectrum.eigenvalues(j0))
        #expect(Spectrum.maxMatchingDistance(e0, [ComplexNumber(0, 1), ComplexNumber(0, 1), ComplexNumber(0, -1), ComplexNumber(0, -1)]) < 1e-14)
        let gan = DiracGAN(.ganQP(lambda: 1), regularizers: [.weightDecay(0.1)])
        let j1 = try #require(gan.jacobianAtEquilibrium())
        let e1 = try #require(Spectrum.eigenvalues(j1))
        let w = (1 - 0.0025).squareRoot()
        #expect(Spectrum.maxMatchingDistance(e1, [ComplexNumber(-0.05, w), ComplexNumber(-0.05, w), ComplexNumber(-0.05, -w), ComplexNumber(-0.05, -w)]) < 1e-14)
    }

    @Test func realPointShiftsTheEquilibrium() throws {
        // x_r ≠ 0: the equilibrium is (0, x_r); for vanilla (no bias in D) the real term adds
        // the damping −½ x_r x_rᵀ; the Wasserstein-type fields only depend on θ − x_r.
        let r = [0.6, -0.8]
        for loss in [DiracGANLoss.vanilla, .wganLinear, .wganGP(lambda: 0.1, center: 0), .ganQP(lambda: 1)] {
            let gan = DiracGAN(loss, realPoint: r)
            #expect(gan.vectorField(gan.equilibrium).allSatisfy { abs($0) < 1e-15 })
        }
        let j = try #require(DiracGAN(.vanilla, realPoint: r).jacobianAtEquilibrium())
        // eigenvalues: the x_r-direction mode has trace −½‖x_r‖² = −½, det ¼; the other ±i/2.
        let e = try #require(Spectrum.eigenvalues(j))
        let (a, b) = Spectrum.eigenvalues2x2(-0.5, -0.5, 0.5, 0)
        #expect(Spectrum.maxMatchingDistance(e, [a, b, ComplexNumber(0, 0.5), ComplexNumber(0, -0.5)]) < 1e-12)
        let shifted = DiracGAN(.ganQP(lambda: 1), realPoint: r)
        let y = [0.1, 0.2, 0.2 + r[0], 0.1 + r[1]]
        #expect(maxDiff(shifted.vectorField(y), DiracGAN(.ganQP(lambda: 1)).vectorField(articleStart)) < 1e-15)
    }

    @Test func conservedQuantitiesAreListed() {
        let y = articleStart
        let w = DiracGAN.wedgeNorm([0.1, 0.2], [0.2, 0.1])
        #expect(abs(w - 0.03) < 1e-16)
        #expect(DiracGAN(.vanilla).conservedQuantities(at: y).map(\.value) == [w])
        #expect(DiracGAN(.vanillaSaturating).conservedQuantities(at: y).count == 2)
        #expect(DiracGAN(.wgan).conservedQuantities(at: y).count == 2)
        #expect(DiracGAN(.wganGP(lambda: 0.1, center: 0)).conservedQuantities(at: y).isEmpty)
        #expect(DiracGAN(.ganQP(lambda: 1), regularizers: [.weightDecay(0.1)]).conservedQuantities(at: y).isEmpty)
        // The time derivative of each listed quantity along the field is 0 (chain rule, FD).
        let configs: [DiracGAN] = [DiracGAN(.vanilla), DiracGAN(.vanillaSaturating), DiracGAN(.wgan),
                                   DiracGAN(.wganLinear, dimension: 3), DiracGAN(.ganQP(lambda: 1), dimension: 3),
                                   DiracGAN(.ganQPPhiNorm(lambda: 0.5)), DiracGAN(.wgan, dimension: 3, realPoint: [1, 2, 3])]
        for gan in configs {
            for y in testStates(count: 5, dimension: gan.dimension, seed: 3) {
                let v = gan.vectorField(y)
                let h = 1e-6
                let plus = zip(y, v).map { $0 + h * $1 }, minus = zip(y, v).map { $0 - h * $1 }
                let qp = gan.conservedQuantities(at: plus), qm = gan.conservedQuantities(at: minus)
                #expect(!qp.isEmpty)
                for (a, b) in zip(qp, qm) {
                    #expect(abs(a.value - b.value) / (2 * h) < 1e-7, "\(gan.loss) \(a.name)")
                }
            }
        }
    }

    @Test func limitCyclePrediction() throws {
        let v = try #require(DiracGAN(.vanilla).limitCycle(from: articleStart))
        #expect(abs(v.radius - 0.03.squareRoot()) < 1e-15)
        #expect(abs(v.period - 4 * Double.pi) < 1e-15)
        let q = try #require(DiracGAN(.ganQP(lambda: 1)).limitCycle(from: articleStart))
        #expect(abs(q.period - 2 * Double.pi) < 1e-15)
        #expect(DiracGAN(.ganQP(lambda: 1), regularizers: [.weightDecay(0.1)]).limitCycle(from: articleStart) == nil)
        #expect(DiracGAN(.wganGP(lambda: 0.1, center: 0)).limitCycle(from: articleStart) == nil)
    }

    @Test func objectivesAtKnownPoints() {
        // vanilla at the equilibrium: L_D = 2 log ½, L_G = log 2 (non-saturating).
        let g = DiracGAN(.vanilla)
        #expect(abs(g.discriminatorObjective(g.equilibrium) - 2 * log(0.5)) < 1e-15)
        #expect(abs(g.generatorLoss(g.equilibrium) - log(2.0)) < 1e-15)
        // WGAN-GP: φ·(x_r − θ) − λ(‖φ‖ − c)² at φ = (3, 4), θ = (1, 0): −3 − 0.1·16 = −4.6.
        let gp = DiracGAN(.wganGP(lambda: 0.1, center: 1))
        #expect(abs(gp.discriminatorObjective([3, 4, 1, 0]) + 4.6) < 1e-14)
        // Normalised critic: D(x) = φ·x/‖φ‖.
        #expect(abs(DiracGAN(.wgan).discriminator(phi: [3, 4], at: [1, 1]) - 7.0 / 5.0) < 1e-15)
        // Large arguments do not overflow.
        #expect(DiracGAN(.vanilla).generatorLoss([800, 0, -1, 0]).isFinite)
        #expect(DiracGAN(.vanilla).vectorField([800, 0, -1, 0]).allSatisfy { $0.isFinite })
    }
}
