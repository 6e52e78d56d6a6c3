import Foundation
import Testing
@testable import WeaveRuntime

// Reference values from numpy 2 / scipy 1.17 on this machine:
//   python3 -c "import numpy as np; x=[0.31,0.12,0.45,0.27,0.19,0.52,0.38,0.22,0.41,0.15,0.33];
//               print(np.quantile(x,[0,.25,.5,.75,1]).tolist(), np.quantile(x[:10],[.25,.5,.75]).tolist())"
//   python3 -c "from scipy.stats import binom; print(binom.cdf(2,11,.5), binom.cdf(39,100,.5), binom.cdf(3,15,.5))"
//   ranks: for n in (5,6,11,15,20,100): l = largest with binom.cdf(l-1,n,.5) <= 0.025 (at least 1),
//          coverage = 1 - 2*binom.cdf(l-1,n,.5)

@Suite("Order statistics")
struct OrderStatisticsTests {
    let sample = [0.31, 0.12, 0.45, 0.27, 0.19, 0.52, 0.38, 0.22, 0.41, 0.15, 0.33]

    @Test("type-7 quantiles equal numpy's, odd and even counts")
    func quantiles() {
        let s = sample.sorted()
        #expect(OrderStatistics.quantile(s, 0) == 0.12)
        #expect(abs(OrderStatistics.quantile(s, 0.25) - 0.20500000000000002) < 1e-15)
        #expect(OrderStatistics.quantile(s, 0.5) == 0.31)
        #expect(abs(OrderStatistics.quantile(s, 0.75) - 0.395) < 1e-15)
        #expect(OrderStatistics.quantile(s, 1) == 0.52)
        let even = Array(sample[..<10]).sorted()
        #expect(abs(OrderStatistics.quantile(even, 0.25) - 0.1975) < 1e-15)
        #expect(abs(OrderStatistics.quantile(even, 0.5) - 0.29000000000000004) < 1e-15)
        #expect(abs(OrderStatistics.quantile(even, 0.75) - 0.40249999999999997) < 1e-15)
        #expect(OrderStatistics.quantile([7], 0.3) == 7)
    }

    @Test("binomial(n, 1/2) CDF equals scipy's")
    func binomial() {
        #expect(abs(OrderStatistics.binomialHalfCDF(2, 11) - 0.03271484375) < 1e-15)
        #expect(abs(OrderStatistics.binomialHalfCDF(3, 15) - 0.017578125) < 1e-15)
        #expect(abs(OrderStatistics.binomialHalfCDF(39, 100) - 0.017600100108852428) < 1e-13)
        #expect(OrderStatistics.binomialHalfCDF(-1, 5) == 0)
        #expect(OrderStatistics.binomialHalfCDF(5, 5) == 1)
        // 2000 samples: 0.5^2000 underflows, the log-space sum does not; symmetric: P(B ≤ 999) + P(B ≥ 1001) = 1 − P(B = 1000).
        let below = OrderStatistics.binomialHalfCDF(999, 2000)
        #expect(below > 0.49 && below < 0.5)
    }

    @Test("median confidence ranks and their exact coverage", arguments: [
        (5, 1, 5, 0.9375), (6, 1, 6, 0.96875), (11, 2, 10, 0.98828125), (15, 4, 12, 0.96484375),
        (20, 6, 15, 0.9586105346679688), (100, 40, 61, 0.9647997997822951),
    ])
    func ranks(n: Int, lower: Int, upper: Int, coverage: Double) {
        let r = OrderStatistics.medianRanks(count: n, level: 0.95)
        #expect(r.lower == lower)
        #expect(r.upper == upper)
        #expect(abs(r.coverage - coverage) < 1e-12)
    }

    @Test("median interval of a fixed sample: x(2), median, x(10) of 11")
    func medianInterval() {
        let ci = OrderStatistics.medianInterval(sample)
        #expect(ci.estimate == 0.31)
        #expect(ci.lower == 0.15)
        #expect(ci.upper == 0.45)
        #expect(ci.level == 0.98828125)
        #expect(ci.description == "0.31 (98.8 % CI 0.15–0.45)")
        let one = OrderStatistics.medianInterval([2.5])
        #expect(one.lower == 2.5 && one.upper == 2.5 && one.level == 0)
    }

    @Test("an interval maps through an increasing function, bounds to bounds")
    func mapped() {
        let ci = ConfidenceInterval(estimate: 8, lower: 4, upper: 16, level: 0.95)
        let p = ci.map { log2($0) }
        #expect(p == ConfidenceInterval(estimate: 3, lower: 2, upper: 4, level: 0.95))
    }

    @Test("the quotient of two intervals pairs opposite ends; its level is the Bonferroni bound")
    func quotient() {
        let a = ConfidenceInterval(estimate: 12, lower: 8, upper: 16, level: 0.96875)
        let b = ConfidenceInterval(estimate: 3, lower: 2, upper: 4, level: 0.98828125)
        #expect(a.divided(by: b) == ConfidenceInterval(estimate: 4, lower: 2, upper: 8, level: 0.95703125))
    }
}
