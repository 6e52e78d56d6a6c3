import Testing
@testable import WeaveRuntime

// Expected ticks are derived by hand from the documented rule (the smallest step
// m × 10^k, m ∈ {1, 2, 5}, with at most maxCount multiples in range; decade strides for
// log axes); each case notes the arithmetic.

@Suite("Ticks")
struct TickTests {
    @Test("negative to positive: -3…7 → step 2")
    func negativeToPositive() {
        // step 1 gives 11 ticks > 6; step 2 gives -2, 0, 2, 4, 6.
        let t = linearTicks(min: -3, max: 7, maxCount: 6)
        #expect(t.major == [-2, 0, 2, 4, 6])
        #expect(t.labels == ["-2", "0", "2", "4", "6"])
        #expect(niceTicks(min: -3, max: 7, maxCount: 6) == t.major)
    }

    @Test("0…1 → step 0.2 with one decimal; values are the nearest doubles to the decimals")
    func unitInterval() {
        let t = linearTicks(min: 0, max: 1, maxCount: 6)
        #expect(t.major == [0, 0.2, 0.4, 0.6, 0.8, 1.0])
        #expect(t.labels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        // 0.1…0.7 in steps of 0.1: 0.3 is the literal 0.3, not 3 × 0.1.
        let u = niceTicks(min: 0.1, max: 0.7, maxCount: 7)
        #expect(u == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7])
    }

    @Test("tiny range 1.0000001…1.0000002 → step 2e-8, exact labels")
    func tinyRange() {
        let t = linearTicks(min: 1.0000001, max: 1.0000002, maxCount: 6)
        #expect(t.major == [1.0000001, 1.00000012, 1.00000014, 1.00000016, 1.00000018, 1.0000002])
        #expect(t.labels == ["1.00000010", "1.00000012", "1.00000014", "1.00000016", "1.00000018", "1.00000020"])
    }

    @Test("a single point is widened by ±10% (±1 at zero)")
    func singlePoint() {
        // 4.5…5.5: step 0.2.
        let t = linearTicks(min: 5, max: 5, maxCount: 6)
        #expect(t.major == [4.6, 4.8, 5.0, 5.2, 5.4])
        #expect(t.labels == ["4.6", "4.8", "5.0", "5.2", "5.4"])
        let z = linearTicks(min: 0, max: 0, maxCount: 6)
        #expect(z.major == [-1, -0.5, 0, 0.5, 1])
        #expect(z.labels == ["-1.0", "-0.5", "0.0", "0.5", "1.0"])
    }

    @Test("scientific labels for large and small magnitudes")
    func scientificLabels() {
        // 0…3e-6: step 5e-7 gives 7 > 6 ticks, step 1e-6 gives 4.
        let small = linearTicks(min: 0, max: 3e-6, maxCount: 6)
        #expect(small.major == [0, 1e-6, 2e-6, 3e-6])
        #expect(small.labels == ["0", "1e-6", "2e-6", "3e-6"])
        let large = linearTicks(min: 0, max: 2.5e6, maxCount: 6)
        #expect(large.major == [0, 5e5, 1e6, 1.5e6, 2e6, 2.5e6])
        #expect(large.labels == ["0", "5e5", "1e6", "1.5e6", "2e6", "2.5e6"])
        // -12000…48000: step 1e4 gives 6 > 5 ticks, step 2e4 gives 0, 2e4, 4e4 (fixed: < 1e6).
        let below = linearTicks(min: -12_000, max: 48_000, maxCount: 5)
        #expect(below.major == [0, 20_000, 40_000])
        #expect(below.labels == ["0", "20000", "40000"])
    }

    @Test("huge finite range does not overflow")
    func hugeRange() {
        let t = linearTicks(min: -Double.greatestFiniteMagnitude, max: Double.greatestFiniteMagnitude, maxCount: 5)
        #expect(t.major == [-1e308, 0, 1e308])
        #expect(t.labels == ["-1e308", "0", "1e308"])
    }

    @Test("log 1e-12…1 → every third decade, skipped decades as minor ticks")
    func logTwelveDecades() {
        // 13 decades: stride 1 → 13, stride 2 → 7, stride 3 → 5 ≤ 6.
        let t = logTicks(min: 1e-12, max: 1, maxCount: 6)
        #expect(t.major == [1e-12, 1e-9, 1e-6, 1e-3, 1])
        #expect(t.labels == ["1e-12", "1e-9", "1e-6", "0.001", "1"])
        #expect(t.minor == [1e-11, 1e-10, 1e-8, 1e-7, 1e-5, 1e-4, 1e-2, 1e-1])
        let wide = logTicks(min: 1e-12, max: 1, maxCount: 8)
        #expect(wide.major == [1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1])
        #expect(wide.labels == ["1e-12", "1e-10", "1e-8", "1e-6", "1e-4", "0.01", "1"])
    }

    @Test("log 1…1000 → decades with 2…9 minor ticks")
    func logThreeDecades() {
        let t = logTicks(min: 1, max: 1000, maxCount: 6)
        #expect(t.major == [1, 10, 100, 1000])
        #expect(t.labels == ["1", "10", "100", "1000"])
        let minor: [Double] = [1, 10, 100].flatMap { p in (2...9).map { Double($0) * p } }
        #expect(t.minor == minor)
    }

    @Test("log under 2.5 decades labels 1, 2, 5")
    func logOneTwoFive() {
        let t = logTicks(min: 0.5, max: 20, maxCount: 6)
        #expect(t.major == [0.5, 1, 2, 5, 10, 20])
        #expect(t.labels == ["0.5", "1", "2", "5", "10", "20"])
        #expect(t.minor == [0.6, 0.7, 0.8, 0.9, 3, 4, 6, 7, 8, 9])
    }

    @Test("log ranges without two powers of ten")
    func logNarrow() {
        let a = logTicks(min: 2, max: 8, maxCount: 6)
        #expect(a.major == [2, 5])
        #expect(a.minor == [3, 4, 6, 7, 8])
        let b = logTicks(min: 1.01, max: 1.05, maxCount: 6)
        #expect(b.major == [1.01, 1.02, 1.03, 1.04, 1.05])
        #expect(b.labels == ["1.01", "1.02", "1.03", "1.04", "1.05"])
        #expect(b.minor.isEmpty)
        // A single value: widened by half a decade each way (1.58…15.8).
        let c = logTicks(min: 5, max: 5, maxCount: 6)
        #expect(c.major == [2, 5, 10])
        #expect(c.labels == ["2", "5", "10"])
    }

    @Test("log labels: fixed for 1e-3…1e4, exponent form outside")
    func logLabels() {
        let t = logTicks(min: 1e-6, max: 1e6, maxCount: 13)
        #expect(t.labels == ["1e-6", "1e-5", "1e-4", "0.001", "0.01", "0.1", "1", "10", "100", "1000", "10000", "1e5", "1e6"])
        #expect(TickMath.logLabel(5, -4) == "5e-4")
        #expect(TickMath.logLabel(2, 4) == "20000")
        #expect(TickMath.logLabel(2, -3) == "0.002")
    }

    @Test("log over the whole double range")
    func logWholeRange() {
        let t = logTicks(min: Double.leastNonzeroMagnitude, max: Double.greatestFiniteMagnitude, maxCount: 8)
        #expect(t.major == [1e-300, 1e-200, 1e-100, 1, 1e100, 1e200, 1e300])
        #expect(t.minor.isEmpty)
    }

    @Test("axisTicks dispatches on the scale")
    func dispatch() {
        #expect(axisTicks(min: 1, max: 1000, scale: .log, maxCount: 6) == logTicks(min: 1, max: 1000, maxCount: 6))
        #expect(axisTicks(min: -3, max: 7, scale: .linear, maxCount: 6) == linearTicks(min: -3, max: 7, maxCount: 6))
    }
}
