#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The clocks of the measurement API.
///
/// - `processCPUSeconds`: the CPU time of the whole process, **summed over all its
///   threads**. Time spent waiting for a core (other processes on a loaded machine) is not
///   counted, which is what makes it stable under load; but a multithreaded kernel (BLAS
///   with several threads, whose idle workers may spin) is charged for every thread. Set
///   `BLAS.threadCount = 1` before timing.
///
///   It is the sum of the per-thread CPU clocks (`clock_gettime` of each thread listed in
///   `/proc/self/task`), not `CLOCK_PROCESS_CPUTIME_ID` read directly: when a process-wide
///   CPU timer is armed — `RLIMIT_CPU`, which Weave's sandbox sets — Linux answers the
///   process clock from tick samples, in steps of 4 ms (HZ = 250; measured here: every
///   change of the clock inside an article was 4.00 ± 0.01 ms), while the per-thread clocks
///   stay exact to the nanosecond. Threads that have exited are no longer counted (a
///   sample that starts or ends threads should not be timed this way). Where `/proc` is
///   not readable, `CLOCK_PROCESS_CPUTIME_ID` is the fallback.
/// - `monotonicSeconds`: `clock_gettime(CLOCK_MONOTONIC)`, wall-clock time, reported
///   beside the CPU time for reference (never used by claims).
public enum MeasureClock {
    /// CPU seconds used by the live threads of this process so far (see above).
    public static func processCPUSeconds() -> Double {
        #if os(Linux)
        if let total = threadCPUSum() { return total }
        #endif
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Seconds of a monotonic wall clock (arbitrary origin).
    public static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    #if os(Linux)
    /// The sum of the CPU clocks of the threads in `/proc/self/task`, or nil when the
    /// folder cannot be read. A thread's clock id is `(~tid << 3) | 6` (Linux
    /// `MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED)`, include/linux/posix-timers.h).
    static func threadCPUSum() -> Double? {
        guard let dir = opendir("/proc/self/task") else { return nil }
        defer { closedir(dir) }
        var total: Int64 = 0
        var found = false
        while let entry = readdir(dir) {
            let tid = withUnsafePointer(to: entry.pointee.d_name) { p in
                p.withMemoryRebound(to: CChar.self, capacity: 256) { atoi($0) }
            }
            guard tid > 0 else { continue }          // "." and ".."
            var ts = timespec()
            let clock = clockid_t((~Int32(tid) << 3) | 6)
            guard clock_gettime(clock, &ts) == 0 else { continue }   // the thread has just exited
            total += Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
            found = true
        }
        return found ? Double(total) * 1e-9 : nil
    }
    #endif
}

/// Per-call statistics of process CPU time, returned by `measure` (and, for each side,
/// by `compare`). All times are seconds **per call** of the measured body.
///
/// If the article also imports Foundation, write `WeaveRuntime.Measurement` where the
/// type is named explicitly (Foundation has a `Measurement` too).
public struct Measurement: Sendable, CustomStringConvertible {
    /// CPU seconds per call of each sample, in the order measured. A sample runs the body
    /// `callsPerSample` times and divides by it.
    public let samples: [Double]
    /// Wall-clock seconds per call of each sample (for reference: on a busy machine they
    /// exceed `samples`, which count only the time this process ran).
    public let wallSamples: [Double]
    /// How many calls each sample makes (calibrated so that a sample lasts at least the
    /// requested minimum).
    public let callsPerSample: Int
    /// The sample median and its distribution-free confidence interval
    /// (`OrderStatistics.medianInterval`).
    public let medianInterval: ConfidenceInterval
    /// Smallest sample.
    public let minimum: Double
    /// Largest sample.
    public let maximum: Double
    /// The 25 % quantile (type 7, as `OrderStatistics.quantile`).
    public let lowerQuartile: Double
    /// The 75 % quantile.
    public let upperQuartile: Double

    /// Statistics of given per-call samples (CPU `samples` and `wallSamples` of the same
    /// length, at least one); `level` is the requested confidence of the median interval.
    public init(samples: [Double], wallSamples: [Double], callsPerSample: Int, level: Double = 0.95) {
        precondition(!samples.isEmpty, "a Measurement needs at least one sample")
        precondition(wallSamples.count == samples.count,
                     "a Measurement needs as many wall samples as CPU samples, got \(wallSamples.count) and \(samples.count)")
        precondition(callsPerSample >= 1, "callsPerSample must be at least 1, got \(callsPerSample)")
        let sorted = samples.sorted()
        self.samples = samples
        self.wallSamples = wallSamples
        self.callsPerSample = callsPerSample
        self.medianInterval = OrderStatistics.medianInterval(samples, level: level)
        self.minimum = sorted[0]
        self.maximum = sorted[sorted.count - 1]
        self.lowerQuartile = OrderStatistics.quantile(sorted, 0.25)
        self.upperQuartile = OrderStatistics.quantile(sorted, 0.75)
    }

    /// The median CPU seconds per call (the estimate of `medianInterval`).
    public var median: Double { medianInterval.estimate }

    /// The median wall-clock seconds per call.
    public var wallMedian: Double { OrderStatistics.quantile(wallSamples.sorted(), 0.5) }

    /// `median 0.0123 s CPU per call (95.3 % CI 0.0121–0.0126), 11 samples × 4 calls`.
    public var description: String {
        "median \(formatValue(median)) s CPU per call (\(formatValue((medianInterval.level * 1000).rounded() / 10)) % CI "
            + "\(formatValue(medianInterval.lower))–\(formatValue(medianInterval.upper))), "
            + "\(samples.count) samples × \(callsPerSample) calls"
    }
}

/// Measures the process CPU time of `body` per call.
///
/// 1. Calibration: `body` runs once (a warm-up, also the first estimate), then the number
///    of calls per sample `k` grows (by a factor of 2 to 16, aiming at 1.25 × the
///    estimated need) until `k` calls take at least `minimumSeconds` of CPU time. Short bodies are
///    thus repeated in a loop so that the clock's resolution and per-sample overheads are
///    negligible; a body that lasts longer than `minimumSeconds` runs once per sample.
/// 2. `repetitions` samples, each the CPU time of `k` calls divided by `k`.
/// 3. Statistics: median, minimum, quartiles, and the distribution-free confidence
///    interval of the median at `level` (see `OrderStatistics.medianRanks`: with the
///    default 11 repetitions, `[x₍2₎, x₍10₎]` with 98.8 % coverage).
///
/// Process CPU time sums all threads and excludes time spent waiting for a core: see
/// `MeasureClock`. An article that calls `measure` or `compare` runs alone under
/// `weave check` (no other article's program runs meanwhile).
///
///     BLAS.threadCount = 1
///     let m = measure { _ = softmaxAttention(q, k, v) }
///     print(m)                              // median … s CPU per call (98.8 % CI …)
///     claim(m.medianInterval, below: 0.05, "one head takes under 50 ms")
///
/// - Precondition: `repetitions ≥ 1`, `minimumSeconds` finite and `≥ 0`, `0 < level < 1`.
public func measure(repetitions: Int = 11, minimumSeconds: Double = 0.02, level: Double = 0.95,
                    _ body: () -> Void) -> Measurement {
    precondition(repetitions >= 1, "measure(repetitions:) needs at least 1 repetition, got \(repetitions)")
    checkMinimum(minimumSeconds, "measure")
    precondition(level > 0 && level < 1, "measure(level:) must be in (0, 1), got \(level)")
    let k = calibrate(minimumSeconds, body)
    var cpu: [Double] = [], wall: [Double] = []
    cpu.reserveCapacity(repetitions)
    wall.reserveCapacity(repetitions)
    for _ in 0..<repetitions {
        let s = sample(k, body)
        cpu.append(s.cpu)
        wall.append(s.wall)
    }
    return Measurement(samples: cpu, wallSamples: wall, callsPerSample: k, level: level)
}

func checkMinimum(_ minimumSeconds: Double, _ function: String) {
    precondition(minimumSeconds.isFinite && minimumSeconds >= 0,
                 "\(function)(minimumSeconds:) must be finite and ≥ 0, got \(minimumSeconds)")
}

/// CPU and wall seconds per call of `calls` consecutive calls of `body`.
func sample(_ calls: Int, _ body: () -> Void) -> (cpu: Double, wall: Double) {
    let w0 = MeasureClock.monotonicSeconds()
    let c0 = MeasureClock.processCPUSeconds()
    for _ in 0..<calls { body() }
    let c1 = MeasureClock.processCPUSeconds()
    let w1 = MeasureClock.monotonicSeconds()
    return ((c1 - c0) / Double(calls), (w1 - w0) / Double(calls))
}

/// The number of calls per sample such that one sample takes at least `minimumSeconds`
/// of CPU time (see `measure`). Each step multiplies the calls by 2 to 16 (1.25 × the
/// estimated need, clamped), so a clock that reads 0 for a short run (a coarse clock)
/// cannot make the next step huge; at most 2³⁰ calls.
func calibrate(_ minimumSeconds: Double, _ body: () -> Void) -> Int {
    var calls = 1
    var elapsed = sample(1, body).cpu          // warm-up and first estimate
    while elapsed < minimumSeconds && calls < 1 << 30 {
        let perCall = max(elapsed / Double(calls), 1e-12)
        let need = min(Double(16 * calls), 1.25 * minimumSeconds / perCall).rounded(.up)
        calls = min(1 << 30, max(2 * calls, Int(need)))
        elapsed = sample(calls, body).cpu * Double(calls)
    }
    return calls
}
