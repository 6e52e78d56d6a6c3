import Testing
@testable import Compute

@Suite struct DiracGANStateTests {
    @Test func articleStartStateByName() {
        // (φ1, φ2, θ1, θ2) = (0.1, 0.2, 0.2, 0.1): values by hand.
        let s = DiracGANState([0.1, 0.2, 0.2, 0.1])
        #expect(s.dimension == 2)
        #expect(s.phi == [0.1, 0.2] && s.theta == [0.2, 0.1])
        #expect(abs(s.phiNorm - 0.05.squareRoot()) < 1e-16)
        #expect(abs(s.thetaNorm - 0.05.squareRoot()) < 1e-16)
        #expect(abs(s.phiDotTheta - 0.04) < 1e-16)
        #expect(abs(s.energy - 0.1) < 1e-16)
        #expect(abs(s.signedArea - (-0.03)) < 1e-16)
        #expect(abs(s.wedgeNorm - 0.03) < 1e-16)
        #expect(s.flat == [0.1, 0.2, 0.2, 0.1])
        #expect(DiracGANState(phi: s.phi, theta: s.theta) == s)
    }

    @Test func ganAccessorsFollowTheFlatLayout() {
        // k = 3, real point off the origin: θ is entries 3..<6; thetaDistance measures θ − x_r.
        let gan = DiracGAN(.wganLinear, dimension: 3, realPoint: [1, 0, 0])
        let y = [3.0, 0, 4, 1, 2, 2]
        #expect(gan.phi(y) == [3, 0, 4])
        #expect(gan.theta(y) == [1, 2, 2])
        #expect(gan.phiNorm(y) == 5)
        #expect(gan.thetaDistance(y) == 8.0.squareRoot())  // ‖(0, 2, 2)‖
        #expect(gan.thetaNorm(y) == 3)                      // ‖(1, 2, 2)‖
        #expect(gan.named(y).thetaNorm == 3)
        #expect(gan.flat(gan.named(y)) == y)
        #expect(gan.named(y).phi + gan.named(y).theta == gan.state(phi: [3, 0, 4], theta: [1, 2, 2]))
        // Lagrange's identity: ‖φ∧θ‖² = ‖φ‖²‖θ‖² − (φ·θ)² = 25·9 − 11².
        #expect(abs(gan.named(y).wedgeNorm - 104.0.squareRoot()) < 1e-13)
    }

    @Test func namesAgreeWithConservedQuantitiesAlongTheFlow() {
        // wganLinear with x_r = 0 is a rotation: ‖φ‖² + ‖θ‖² stays at its start value.
        let gan = DiracGAN(.wganLinear)
        let sol = solve(ODEProblem(f: { _, y in gan.vectorField(y) }, y0: articleStart, tspan: (0, 10)),
                        .dop853, options: ODEOptions(rtol: 1e-12, atol: 1e-13))
        #expect(sol.isSuccessful)
        for i in stride(from: 0, to: sol.y.count, by: max(1, sol.y.count / 10)) {
            #expect(abs(gan.named(sol.y[i]).energy - 0.1) < 1e-11)
        }
    }
}
