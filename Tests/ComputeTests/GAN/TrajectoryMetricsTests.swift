import Testing
@testable import Compute

#if canImport(Glibc)
import Glibc
#endif

@Suite struct TrajectoryMetricsTests {
    @Test func envelopeOfADampedOscillation() {
        // v = e^{−at} cos t: maxima where tan t = −a, i.e. t = 2πk − atan a, with value
        // e^{−at}/√(1 + a²); consecutive maxima shrink by e^{−2πa}, so the envelope's
        // exponential rate is exactly −a.
        let a = 0.1
        let ts = stride(from: 0.0, through: 60, by: 0.05).map { $0 }
        let vs = ts.map { exp(-a * $0) * cos($0) }
        let env = TrajectoryMetrics.envelope(times: ts, values: vs)
        #expect(env.times.count == 9)
        for (k, (t, v)) in zip(env.times, env.values).enumerated() {
            let tk = 2 * Double.pi * Double(k + 1) - atan(a)
            #expect(abs(t - tk) < 1e-4)
            #expect(abs(v - exp(-a * tk) / (1 + a * a).squareRoot()) < 1e-6)
        }
        let fit = TrajectoryMetrics.exponentialFit(times: env.times, values: env.values)
        #expect(abs(fit.rate + a) < 1e-5)
        #expect(abs(TrajectoryMetrics.oscillationPeriod(times: ts, values: vs)! - 2 * Double.pi) < 1e-5)
    }

    @Test func periodAndAngularFrequency() throws {
        let ts = stride(from: 0.0, through: 40, by: 0.01).map { $0 }
        let p = try #require(TrajectoryMetrics.oscillationPeriod(times: ts, values: ts.map { sin(2 * Double.pi * $0 / 3.7) }))
        #expect(abs(p - 3.7) < 1e-7)
        #expect(TrajectoryMetrics.oscillationPeriod(times: [0, 1, 2], values: [1, 2, 3]) == nil)
        let w = TrajectoryMetrics.angularFrequency(times: ts, x: ts.map { 2 + cos(0.5 * $0) }, y: ts.map { -1 + sin(0.5 * $0) },
                                                   center: (2, -1))
        #expect(abs(w - 0.5) < 1e-12)
        let wc = TrajectoryMetrics.angularFrequency(times: ts, x: ts.map { cos(3 * $0) }, y: ts.map { -sin(3 * $0) })
        #expect(abs(wc + 3) < 1e-12)
        let c = TrajectoryMetrics.upwardCrossings(times: [0, 1, 2, 3], values: [-1, 1, -1, 3], level: 0)
        #expect(c == [0.5, 2.25])
    }

    @Test func fitsAndDistances() {
        let its = Array(0..<50)
        let d = its.map { 0.3 * pow(1.01, Double($0)) }
        #expect(abs(TrajectoryMetrics.growthFactorPerStep(iterations: its, distances: d) - 1.01) < 1e-14)
        let fit = TrajectoryMetrics.exponentialFit(times: [0, 1, 2], values: [2, 2 * exp(-0.5), 2 * exp(-1)])
        #expect(abs(fit.rate + 0.5) < 1e-15 && abs(fit.intercept - log(2.0)) < 1e-15)
        #expect(TrajectoryMetrics.exponentialFit(times: [0], values: [1]).rate.isNaN)
        #expect(TrajectoryMetrics.distances([[3, 4], [0, 0]], to: [0, 0]) == [5, 0])
        #expect(TrajectoryMetrics.envelope(times: [0, 1], values: [1, 2]).times.isEmpty)
    }
}
