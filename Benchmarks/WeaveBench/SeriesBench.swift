#if canImport(Glibc)
import Glibc
#endif
import Compute

// weave-bench series CASE REPS
//
// Runs one case REPS times (after one warm-up call) and prints one line:
//   CASE median_ms min_ms value terms last_index method…
// `value` is printed with Swift's shortest round-trip formatting; `terms` is the number of
// term / value evaluations of the last call (0 for exact cases). Benchmarks/series/run.sh
// runs this next to Benchmarks/series/mpmath_bench.py and aggregates both.
//
// Cases: zeta2 altharm leibniz zeta1.5 (sum(of:)), e-limit powratio powratio-float
// (limit(of:)), bernoulli200 (B_0…B_200 exact; value = B_200 as Double), faulhaber200
// (S_200(10^6) exact via Faulhaber's polynomial, Bernoulli numbers included; value = its
// number of decimal digits).

private func seriesNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) * 1e3 + Double(ts.tv_nsec) * 1e-6
}

/// One run of a case: (value, terms, last index, method description).
private func seriesRun(_ name: String) -> (Double, Int, Int, String)? {
    switch name {
    case "zeta2":
        let r = sum(of: Series(from: 1) { 1 / Double($0 * $0) })
        return (r.value, r.termsUsed, r.lastIndex, "\(r.method)")
    case "altharm":
        let r = sum(of: Series(from: 1) { k in (k % 2 == 1 ? 1.0 : -1.0) / Double(k) })
        return (r.value, r.termsUsed, r.lastIndex, "\(r.method)")
    case "leibniz":
        let r = sum(of: Series(from: 0) { k in (k % 2 == 0 ? 1.0 : -1.0) / Double(2 * k + 1) })
        return (r.value, r.termsUsed, r.lastIndex, "\(r.method)")
    case "zeta1.5":
        let r = sum(of: Series(from: 1) { 1 / pow(Double($0), 1.5) })
        return (r.value, r.termsUsed, r.lastIndex, "\(r.method)")
    case "e-limit":
        let r = limit(of: RealSequence(from: 1) { n in pow(1 + 1 / Double(n), Double(n)) })
        return (r.value, r.termsUsed, r.lastIndex, "\(r.method)")
    case "powratio":
        let r = limit(of: RealSequence(from: 1, exact: { Umbral.powerSumRatio(n: $0) }), maxIndex: 1000)
        return (r.value, r.termsUsed, r.lastIndex, "\(r.method)")
    case "powratio-float":
        let r = limit(of: RealSequence(from: 1) { n in
            var s = 0.0
            for k in 1...n { s += pow(Double(k) / Double(n), Double(n)) }
            return s
        }, maxIndex: 1000)
        return (r.value, r.termsUsed, r.lastIndex, "\(r.method)")
    case "bernoulli200":
        let b = Exact.bernoulliNumbers(through: 200)
        return (Double(b[200]), 0, 200, "Brent–Harvey tangent numbers, exact")
    case "faulhaber200":
        let s = Exact.faulhaber(exponent: 200, upTo: BigInt(10).power(6))
        return (Double(s.description.count), 0, 200, "Faulhaber polynomial, exact (value = digits)")
    default:
        return nil
    }
}

func seriesBench(_ args: [String]) {
    guard let name = args.first, let reps = args.count > 1 ? Int(args[1]) : 9, reps >= 1,
          let warm = seriesRun(name) else {
        print("usage: weave-bench series CASE [REPS]; cases: zeta2 altharm leibniz zeta1.5 e-limit powratio powratio-float bernoulli200 faulhaber200")
        exit(2)
    }
    var times: [Double] = []
    var last = warm
    for _ in 0..<reps {
        let t0 = seriesNow()
        last = seriesRun(name)!
        times.append(seriesNow() - t0)
    }
    times.sort()
    let median = times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
    print("\(name) \(median) \(times[0]) \(last.0) \(last.1) \(last.2) \(last.3)")
}
