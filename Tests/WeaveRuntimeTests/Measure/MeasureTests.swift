#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import WeaveRuntime

/// A dependency chain of `n` multiply-adds (each step needs the previous result, so the
/// cost is proportional to `n` and cannot be vectorised away).
@inline(never)
func chain(_ n: Int, _ seed: UInt64) -> UInt64 {
    var x = seed | 1
    for _ in 0..<n { x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407 }
    return x
}

// No assertion here depends on how fast the machine is, except the 4:1 workload ratio,
// which is checked with a wide margin (2 to 8) on CPU time.
@Suite("Measurement API")
struct MeasureTests {
    @Test("measure: calibrated calls per sample, one sample per repetition, ordered statistics")
    func measureStructure() {
        var sink: UInt64 = 0
        var calls = 0
        let m = measure(repetitions: 5, minimumSeconds: 0.002) {
            calls += 1
            sink ^= chain(1_000, sink)
        }
        #expect(m.samples.count == 5 && m.wallSamples.count == 5)
        #expect(m.callsPerSample > 1)                          // a µs body is repeated to last 2 ms
        #expect(calls > 5 * m.callsPerSample)                  // plus warm-up and calibration
        #expect(m.minimum <= m.lowerQuartile && m.lowerQuartile <= m.median)
        #expect(m.median <= m.upperQuartile && m.upperQuartile <= m.maximum)
        #expect(m.medianInterval.lower == m.minimum && m.medianInterval.upper == m.maximum)  // 5 samples: [x(1), x(5)]
        #expect(m.medianInterval.level == 0.9375)
        #expect(m.minimum > 0)
        #expect(sink != 0x5EED)                                // keep the work observable
    }

    #if os(Linux)
    @Test("process CPU time sums the threads' clocks: at least this thread's own, and never decreasing")
    func clockSumsThreads() throws {
        let a = try #require(MeasureClock.threadCPUSum())
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        let own = Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
        let b = try #require(MeasureClock.threadCPUSum())
        #expect(b >= own - 1e-9)
        #expect(b >= a)
        #expect(MeasureClock.processCPUSeconds() >= b - 1e-9)
    }
    #endif

    @Test("measure with minimumSeconds 0 calls the body once per sample after one warm-up")
    func noMinimum() {
        var calls = 0
        let m = measure(repetitions: 7, minimumSeconds: 0) { calls += 1 }
        #expect(m.callsPerSample == 1)
        #expect(calls == 1 + 7)
        #expect(m.samples.count == 7)
        #expect(m.description.hasSuffix("7 samples × 1 calls"))
    }

    @Test("compare: a workload of 4N steps against N gives a ratio near 4, inside its interval")
    func workloadRatio() {
        var sink: UInt64 = 0
        let c = compare({ sink ^= chain(40_000, sink) }, { sink ^= chain(10_000, sink) },
                        rounds: 11, minimumSeconds: 0.005)
        #expect(c.rounds == 11 && c.ratios.count == 11)
        #expect(c.a.samples.count == 11 && c.b.samples.count == 11)
        #expect(c.ratio.lower <= c.ratio.estimate && c.ratio.estimate <= c.ratio.upper)
        #expect(c.ratio.level == 0.98828125)                   // 11 rounds: [r(2), r(10)]
        #expect(c.ratio.estimate > 2 && c.ratio.estimate < 8)
        let p = c.growthExponent(sizeRatio: 4)                 // time ∝ n¹: p ≈ 1
        #expect(p.estimate > 0.5 && p.estimate < 1.5)
        #expect(sink != 0x5EED)
    }

    @Test("compare: the round order is the fixed-seed SplitMix64 sequence (both orders occur)")
    func roundOrder() {
        var a = 0, b = 0
        let c = compare({ a += 1 }, { b += 1 }, rounds: 11, minimumSeconds: 0)
        // From python3: SplitMix64 seeded 0x5745415645, `next() & 1 == 0` for 11 draws.
        #expect(c.aFirst == [false, true, false, true, true, true, true, false, true, false, true])
        #expect(a == 1 + 11 && b == 1 + 11)
        #expect(c.a.callsPerSample == 1 && c.b.callsPerSample == 1)
    }

    @Test("ratios are per-round quotients; the interval comes from their order statistics")
    func comparisonFromSamples() {
        let a = Measurement(samples: [4, 9, 2, 8, 6], wallSamples: [4, 9, 2, 8, 6], callsPerSample: 3)
        let b = Measurement(samples: [2, 3, 1, 2, 3], wallSamples: [2, 3, 1, 2, 3], callsPerSample: 1)
        let c = Comparison(a: a, b: b, aFirst: [true, false, true, false, true])
        #expect(c.ratios == [2, 3, 2, 4, 2])
        #expect(c.ratio == ConfidenceInterval(estimate: 2, lower: 2, upper: 4, level: 0.9375))
        #expect(a.median == 6 && a.lowerQuartile == 4 && a.upperQuartile == 8)
        #expect(a.description == "median 6 s CPU per call (93.8 % CI 2–9), 5 samples × 3 calls")
    }

    @Test("misuse stops the program with a message")
    func preconditions() async {
        await #expect(processExitsWith: .failure) { _ = measure(repetitions: 0) {} }
        await #expect(processExitsWith: .failure) { _ = compare({}, {}, rounds: 1, minimumSeconds: -1) }
        await #expect(processExitsWith: .failure) { _ = ConfidenceInterval(estimate: 1, lower: 2, upper: 3, level: 0.9) }
    }
}
