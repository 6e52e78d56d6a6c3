#if canImport(Glibc)
import Glibc
#endif
import Compute

// weave-bench attention KERNEL DTYPE N D THREADS REPS [SEED]
//   KERNEL: naive (materialising), tiled (streaming softmax = softmaxAttention), linear
//           (elu+1, non-causal), linear_causal, performer (m = 256), vq (encoder form, c = 512),
//           gemm (N×N·N×N), exp (n² exponentials); append _causal to naive / tiled;
//           tiled_blas[_causal]: the tiled algorithm on its BLAS kernel (two GEMMs per tile)
//           instead of the fused one.
//   DTYPE: f32 | f64.  THREADS: Dispatch workers for our kernels and OpenBLAS threads.
// Prints one line: `kernel dtype n d threads median_ms min_ms gflops maxrss_mb checksum cpu_median_ms cpu_min_ms`
// (wall-clock times, then process CPU time, which is robust to other load for 1 thread).
//   gflops = counted flops / median time; counted: softmax/tiled 4n²d (2n²d causal),
//   linear 4nd², performer 8ndm, gemm 2n³ (the same counts as the numpy script).
// weave-bench attention peakmem N D : tiled f64 attention once, prints time and ru_maxrss.

private func nowSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// CPU time of the whole process (all threads), seconds.
private func cpuSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

private func maxRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // ru_maxrss is in KiB on Linux
}

private func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

private let defaultTileRows = 96
private let defaultTileCols = 512

private func runKernel<T: Real>(_: T.Type, kernel: String, n: Int, d: Int, threads: Int, reps: Int, seed: UInt64) -> (times: [Double], cpu: [Double], flops: Double, checksum: Double) {
    var rng = RandomSource(seed: seed)
    let q = Matrix<T>.randomNormal(rows: n, cols: d, using: &rng)
    let k = Matrix<T>.randomNormal(rows: n, cols: d, using: &rng)
    let v = Matrix<T>.randomNormal(rows: n, cols: d, using: &rng)
    let nn = Double(n), dd = Double(d)
    var flops = 0.0
    // Tile sizes: the library defaults unless WEAVE_TILE_ROWS / WEAVE_TILE_COLS are set (tuning).
    let tileRows = getenv("WEAVE_TILE_ROWS").flatMap { Int(String(cString: $0)) } ?? defaultTileRows
    let tileCols = getenv("WEAVE_TILE_COLS").flatMap { Int(String(cString: $0)) } ?? defaultTileCols
    var body: () -> Matrix<T>
    switch kernel {
    case "naive":
        flops = 4 * nn * nn * dd
        body = { naiveSoftmaxAttention(q, k, v, threads: threads) }
    case "naive_causal":
        flops = 2 * nn * nn * dd
        body = { naiveSoftmaxAttention(q, k, v, causal: true, threads: threads) }
    case "tiled":
        flops = 4 * nn * nn * dd
        body = { tiledSoftmaxAttention(q, k, v, tileRows: tileRows, tileCols: tileCols, threads: threads) }
    case "tiled_causal":
        flops = 2 * nn * nn * dd
        body = { tiledSoftmaxAttention(q, k, v, causal: true, tileRows: tileRows, tileCols: tileCols, threads: threads) }
    case "tiled_blas":
        flops = 4 * nn * nn * dd
        body = { tiledSoftmaxAttention(q, k, v, tileRows: tileRows, tileCols: tileCols, threads: threads, kernel: .blas) }
    case "tiled_blas_causal":
        flops = 2 * nn * nn * dd
        body = {
            tiledSoftmaxAttention(q, k, v, causal: true, tileRows: tileRows, tileCols: tileCols, threads: threads, kernel: .blas)
        }
    case "linear":
        flops = 4 * nn * dd * dd
        body = { linearAttention(q, k, v) }
    case "linear_causal":
        flops = 4 * nn * dd * dd
        body = { linearAttention(q, k, v, causal: true) }
    case "performer":
        let m = 256
        flops = 8 * nn * dd * Double(m)
        var frng = RandomSource(seed: seed &+ 1)
        let map = RandomFeatureMap<T>(inputDimension: d, featureCount: m, using: &frng)
        body = { performerAttention(q, k, v, features: map) }
    case "vq":
        let c = 512
        var crng = RandomSource(seed: seed &+ 2)
        let book = Codebook(codewords: Matrix<T>.randomNormal(rows: c, cols: d, using: &crng))
        let codes = book.assign(k)
        flops = 4 * nn * Double(c) * dd
        body = { vqAttention(q, codebook: book, codes: codes, v) }
    case "exp":
        // n² exponentials in rows of n (the elementwise work of softmax attention).
        flops = nn * nn
        let src = Matrix<T>.randomNormal(rows: 1, cols: n, using: &rng)
        var buf = src
        body = {
            var total: T = 0
            buf.withUnsafeMutableBufferPointer { p in
                src.withUnsafeBufferPointer { s in
                    for _ in 0..<n {
                        p.baseAddress!.update(from: s.baseAddress!, count: n)
                        total += T.vectorExpShiftSum(p.baseAddress!, count: n, shift: 1)
                    }
                }
            }
            return Matrix(rows: 1, cols: 1, elements: [total])
        }
    case "gemm":
        let a = Matrix<T>.randomNormal(rows: n, cols: n, using: &rng)
        let b = Matrix<T>.randomNormal(rows: n, cols: n, using: &rng)
        flops = 2 * nn * nn * nn
        body = { a * b }
    default:
        print("weave-bench attention: unknown kernel \(kernel)")
        exit(2)
    }
    var checksum = 0.0
    let warm = body()
    checksum = Double(warm.elements.reduce(0, +))
    var times = [Double](), cpu = [Double]()
    for _ in 0..<reps {
        let c0 = cpuSeconds()
        let t0 = nowSeconds()
        let r = body()
        let t1 = nowSeconds()
        cpu.append(cpuSeconds() - c0)
        times.append(t1 - t0)
        if r.rows < 0 { print("") }  // keep the result alive
    }
    return (times, cpu, flops, checksum)
}

func attentionBench(_ args: [String]) {
    if args.first == "config" {
        print(BLAS.configuration, "threads:", BLAS.threadCount)
        return
    }
    if args.first == "expcheck" {
        // Release-build check of the vectorised exp against Glibc (max error in ulp).
        var rng = RandomSource(seed: 3)
        var xs = (0..<2_000_000).map { _ in rng.uniform(-708, 709) }
        xs += (0..<2_000_000).map { _ in rng.uniform(-20, 0) }
        var ys = xs
        ys.withUnsafeMutableBufferPointer { Double.vectorExp($0.baseAddress!, count: $0.count) }
        var worst = 0.0
        for (x, y) in zip(xs, ys) { let r = Glibc.exp(x); worst = max(worst, abs(y - r) / r.ulp) }
        var xf = xs.map { Float($0 / 8.1) }
        let rf = xf.map { Glibc.expf($0) }
        xf.withUnsafeMutableBufferPointer { Float.vectorExp($0.baseAddress!, count: $0.count) }
        var worstF: Float = 0
        for (y, r) in zip(xf, rf) { worstF = max(worstF, abs(y - r) / r.ulp) }
        print("expcheck: max error vs Glibc, Double \(worst) ulp, Float \(worstF) ulp")
        return
    }
    if args.first == "peakmem" {
        let n = args.count > 1 ? Int(args[1])! : 65536
        let d = args.count > 2 ? Int(args[2])! : 64
        let threads = args.count > 3 ? Int(args[3])! : 1
        var rng = RandomSource(seed: 7)
        let q = Matrix<Double>.randomNormal(rows: n, cols: d, using: &rng)
        let k = Matrix<Double>.randomNormal(rows: n, cols: d, using: &rng)
        let v = Matrix<Double>.randomNormal(rows: n, cols: d, using: &rng)
        BLAS.threadCount = 1
        let t0 = nowSeconds()
        let o = tiledSoftmaxAttention(q, k, v, causal: false, threads: threads)
        let t1 = nowSeconds()
        let gflops = 4 * Double(n) * Double(n) * Double(d) / (t1 - t0) / 1e9
        print("peakmem n=\(n) d=\(d) threads=\(threads) seconds=\(t1 - t0) gflops=\(gflops) maxrss_mb=\(maxRSSMegabytes()) checksum=\(o.elements.reduce(0, +))")
        return
    }
    guard args.count >= 6, let n = Int(args[2]), let d = Int(args[3]), let threads = Int(args[4]), let reps = Int(args[5]) else {
        print("usage: weave-bench attention KERNEL f32|f64 N D THREADS REPS [SEED] | peakmem N D [THREADS]")
        exit(2)
    }
    let seed = args.count > 6 ? UInt64(args[6])! : 1
    let kernel = args[0]
    // Our kernels split work over `threads` Dispatch workers. The tiled kernels use OpenBLAS
    // with one thread (the fused one not at all), so OpenBLAS stays at one thread for them:
    // asking it for more starts worker threads that spin (sched_yield) for a while after
    // they start, which on a 2-core machine takes a core from the Dispatch workers (seen with
    // strace: thousands of sched_yield calls during a 0.1 s run). The other kernels' GEMMs use
    // OpenBLAS with `threads` threads.
    BLAS.threadCount = kernel.hasPrefix("tiled") ? 1 : threads
    let r: (times: [Double], cpu: [Double], flops: Double, checksum: Double)
    switch args[1] {
    case "f32": r = runKernel(Float.self, kernel: kernel, n: n, d: d, threads: threads, reps: reps, seed: seed)
    case "f64": r = runKernel(Double.self, kernel: kernel, n: n, d: d, threads: threads, reps: reps, seed: seed)
    default:
        print("weave-bench attention: dtype must be f32 or f64")
        exit(2)
    }
    let med = median(r.times)
    let best = r.times.min()!
    print("\(kernel) \(args[1]) \(n) \(d) \(threads) \(med * 1e3) \(best * 1e3) \(r.flops / med / 1e9) \(maxRSSMegabytes()) \(r.checksum) \(median(r.cpu) * 1e3) \(r.cpu.min()! * 1e3)")
}
