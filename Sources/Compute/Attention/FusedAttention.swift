#if canImport(Glibc)
import Glibc
#endif

// The fused kernel of `tiledSoftmaxAttention`: scores, exponentials and the P·V product of
// six query rows at a time, in registers and a 6×tileCols buffer that stays in L1, instead of
// two BLAS calls per tile with a tile-sized matrix between them.
//
// Why: at n = 4096, d = 64 (Double, AVX-512 GEMM, 256×2048 tiles) the two OpenBLAS calls
// per tile run at ≈ 85 GFLOP/s and spend about 12 % of the kernel's time packing their
// operands (the probability tile is written by the first call, read and rewritten by the
// exponential pass, then copied again by the second call), and the tile does not fit in L2.
// Here:
//  - K is packed once, into panels of W = 4 registers of keys (32 Double, 64 Float):
//    panel p holds K[pW..<pW+W, c] contiguously for c = 0..<d;
//  - for a key chunk of `bc` keys (K and V chunks stay in L2) and each micro-block of 6
//    query rows, `scoreKernel` forms the 6×W scores of one panel in 24 accumulator
//    registers (d fused multiply-adds each, Q entries broadcast), writing them to a 6×bc
//    buffer; the exponential pass turns a row into exp(s·qᵢ·kⱼ − bᵢ) (one fma for scale and
//    shift) and adds its sum to ℓᵢ; `valueKernel` adds P·V_chunk to the 6×dᵥ partial output
//    (6×W accumulators per group of W output columns, P entries broadcast);
//  - no running maximum: every row is shifted by its Cauchy–Schwarz bound bᵢ (see
//    `flashBlock`), so partial outputs never need rescaling. Query blocks with a row whose
//    bound is out of range are done by the BLAS kernel (`flashBlock`) instead.
// It needs 24 accumulators plus operands in registers, so it is used only on CPUs with the
// 32 AVX-512 registers (`fusedAttentionFits`); elsewhere `tiledSoftmaxAttention` takes the
// BLAS kernel. Both are tested on every machine.

/// True when this CPU has AVX-512 (`avx512f` in /proc/cpuinfo): Compute is built for the
/// machine it runs on (`-target-cpu native`), and only then do the 24 accumulators of the
/// fused kernel fit in registers.
let fusedAttentionFits: Bool = {
    guard let f = fopen("/proc/cpuinfo", "r") else { return false }
    defer { fclose(f) }
    var line = [CChar](repeating: 0, count: 8192)
    while fgets(&line, Int32(line.count), f) != nil {
        let text = String(cString: line)
        if text.hasPrefix("flags") { return text.contains(" avx512f") }
    }
    return false
}()

/// Rows per micro-block of the fused kernel.
let fusedRows = 6

/// K (m×d, row-major) packed into ⌈m/W⌉ panels of W keys, W = 4 registers of T: panel p
/// holds K[pW + j, c] at p·W·d + c·W + j, zero for keys ≥ m. O(m·d) time and memory.
struct PackedKeys<T: Real>: @unchecked Sendable {
    static var width: Int { 4 * T.Vector.scalarCount }
    let panels: UnsafeMutablePointer<T>

    init(_ k: UnsafePointer<T>, rows m: Int, cols d: Int) {
        let w = Self.width
        let count = (m + w - 1) / w
        panels = .allocate(capacity: max(1, count * w * d))
        panels.initialize(repeating: 0, count: max(1, count * w * d))
        for j in 0..<m {
            let dst = panels + (j / w) * w * d + j % w
            let src = k + j * d
            for c in 0..<d { dst[c * w] = src[c] }
        }
    }

    func deallocate() { panels.deallocate() }
}

@inline(__always) private func load<T: Real>(_ p: UnsafePointer<T>) -> T.Vector {
    UnsafeRawPointer(p).loadUnaligned(as: T.Vector.self)
}

@inline(__always) private func store<T: Real>(_ x: T.Vector, _ p: UnsafeMutablePointer<T>) {
    UnsafeMutableRawPointer(p).storeBytes(of: x, as: T.Vector.self)
}

/// The 6×W accumulators of the fused kernel's products (W = 4 registers of T; 24 registers):
/// a_rx holds row r, columns x·L..<(x+1)·L of a 6×W block.
private struct Accumulators<T: Real> {
    typealias V = T.Vector
    var a00, a01, a02, a03: V
    var a10, a11, a12, a13: V
    var a20, a21, a22, a23: V
    var a30, a31, a32, a33: V
    var a40, a41, a42, a43: V
    var a50, a51, a52, a53: V

    /// All zero.
    @inline(__always) init() {
        a00 = V(); a01 = V(); a02 = V(); a03 = V()
        a10 = V(); a11 = V(); a12 = V(); a13 = V()
        a20 = V(); a21 = V(); a22 = V(); a23 = V()
        a30 = V(); a31 = V(); a32 = V(); a33 = V()
        a40 = V(); a41 = V(); a42 = V(); a43 = V()
        a50 = V(); a51 = V(); a52 = V(); a53 = V()
    }

    /// The 6×W block at p with row stride ld.
    @inline(__always) init(loading p: UnsafePointer<T>, _ ld: Int) {
        let l = V.scalarCount
        var o: UnsafePointer<T>
        o = p
        a00 = load(o); a01 = load(o + l); a02 = load(o + 2 &* l); a03 = load(o + 3 &* l)
        o = p + ld
        a10 = load(o); a11 = load(o + l); a12 = load(o + 2 &* l); a13 = load(o + 3 &* l)
        o = p + 2 &* ld
        a20 = load(o); a21 = load(o + l); a22 = load(o + 2 &* l); a23 = load(o + 3 &* l)
        o = p + 3 &* ld
        a30 = load(o); a31 = load(o + l); a32 = load(o + 2 &* l); a33 = load(o + 3 &* l)
        o = p + 4 &* ld
        a40 = load(o); a41 = load(o + l); a42 = load(o + 2 &* l); a43 = load(o + 3 &* l)
        o = p + 5 &* ld
        a50 = load(o); a51 = load(o + l); a52 = load(o + 2 &* l); a53 = load(o + 3 &* l)
    }

    /// Stores the block at p with row stride ld.
    @inline(__always) func write(to p: UnsafeMutablePointer<T>, _ ld: Int) {
        let l = V.scalarCount
        var o: UnsafeMutablePointer<T>
        o = p
        store(a00, o); store(a01, o + l); store(a02, o + 2 &* l); store(a03, o + 3 &* l)
        o = p + ld
        store(a10, o); store(a11, o + l); store(a12, o + 2 &* l); store(a13, o + 3 &* l)
        o = p + 2 &* ld
        store(a20, o); store(a21, o + l); store(a22, o + 2 &* l); store(a23, o + 3 &* l)
        o = p + 3 &* ld
        store(a30, o); store(a31, o + l); store(a32, o + 2 &* l); store(a33, o + 3 &* l)
        o = p + 4 &* ld
        store(a40, o); store(a41, o + l); store(a42, o + 2 &* l); store(a43, o + 3 &* l)
        o = p + 5 &* ld
        store(a50, o); store(a51, o + l); store(a52, o + 2 &* l); store(a53, o + 3 &* l)
    }

    /// The rank-one update a_r += s_r·(k0 k1 k2 k3): 24 fused multiply-adds.
    @inline(__always) mutating func add(_ s0: T, _ s1: T, _ s2: T, _ s3: T, _ s4: T, _ s5: T,
                                        times k0: V, _ k1: V, _ k2: V, _ k3: V) {
        var x: V
        x = V(repeating: s0); a00 = a00.addingProduct(x, k0); a01 = a01.addingProduct(x, k1); a02 = a02.addingProduct(x, k2); a03 = a03.addingProduct(x, k3)
        x = V(repeating: s1); a10 = a10.addingProduct(x, k0); a11 = a11.addingProduct(x, k1); a12 = a12.addingProduct(x, k2); a13 = a13.addingProduct(x, k3)
        x = V(repeating: s2); a20 = a20.addingProduct(x, k0); a21 = a21.addingProduct(x, k1); a22 = a22.addingProduct(x, k2); a23 = a23.addingProduct(x, k3)
        x = V(repeating: s3); a30 = a30.addingProduct(x, k0); a31 = a31.addingProduct(x, k1); a32 = a32.addingProduct(x, k2); a33 = a33.addingProduct(x, k3)
        x = V(repeating: s4); a40 = a40.addingProduct(x, k0); a41 = a41.addingProduct(x, k1); a42 = a42.addingProduct(x, k2); a43 = a43.addingProduct(x, k3)
        x = V(repeating: s5); a50 = a50.addingProduct(x, k0); a51 = a51.addingProduct(x, k1); a52 = a52.addingProduct(x, k2); a53 = a53.addingProduct(x, k3)
    }
}

/// out[r·ldo + j] = Σ_c q[r·d + c]·panel[c·W + j] for r < 6, j < W (W = 4 registers): the
/// unscaled scores of six query rows against one panel of keys. 24·d fused multiply-adds.
@inline(__always)
private func scoreKernel<T: Real>(_ q: UnsafePointer<T>, _ d: Int, _ panel: UnsafePointer<T>,
                                  _ out: UnsafeMutablePointer<T>, _ ldo: Int) {
    let l = T.Vector.scalarCount, w = 4 &* l
    let q0 = q, q1 = q + d, q2 = q + 2 &* d, q3 = q + 3 &* d, q4 = q + 4 &* d, q5 = q + 5 &* d
    var acc = Accumulators<T>()
    var p = panel
    for c in 0..<d {
        acc.add(q0[c], q1[c], q2[c], q3[c], q4[c], q5[c], times: load(p), load(p + l), load(p + 2 &* l), load(p + 3 &* l))
        p += w
    }
    acc.write(to: out, ldo)
}

/// o[r·ldo + c] += Σ_{j<len} p[r·ldp + j]·v[j·ldv + c] for r < 6, c < W (W = 4 registers):
/// six rows of P times a W-column strip of V. 24·len fused multiply-adds.
@inline(__always)
private func valueKernel<T: Real>(_ p: UnsafePointer<T>, _ ldp: Int, _ v: UnsafePointer<T>, _ ldv: Int, _ len: Int,
                                  _ out: UnsafeMutablePointer<T>, _ ldo: Int) {
    let l = T.Vector.scalarCount
    let p0 = p, p1 = p + ldp, p2 = p + 2 &* ldp, p3 = p + 3 &* ldp, p4 = p + 4 &* ldp, p5 = p + 5 &* ldp
    var acc = Accumulators<T>(loading: out, ldo)
    var vj = v
    for j in 0..<len {
        acc.add(p0[j], p1[j], p2[j], p3[j], p4[j], p5[j], times: load(vj), load(vj + l), load(vj + 2 &* l), load(vj + 3 &* l))
        vj += ldv
    }
    acc.write(to: out, ldo)
}

/// eˣ lane by lane for x within the fast range of `simdExp` (no range check).
@inline(__always) private func expInRange<V: SIMD>(_ x: V) -> V {
    if V.self == SIMD8<Double>.self {
        return unsafeBitCast(simdExpInRange(unsafeBitCast(x, to: SIMD8<Double>.self)), to: V.self)
    }
    precondition(V.self == SIMD16<Float>.self, "expInRange: unsupported vector type \(V.self)")
    return unsafeBitCast(simdExpInRange(unsafeBitCast(x, to: SIMD16<Float>.self)), to: V.self)
}

/// row[j] ← exp(scale·row[j] − shift) for j < count; returns their sum. The exponents must
/// lie in the fast range of `vectorExp` (they do under the Cauchy–Schwarz shift).
@inline(__always)
private func expRow<T: Real>(_ row: UnsafeMutablePointer<T>, _ count: Int, _ scale: T, _ shift: T) -> T {
    let l = T.Vector.scalarCount
    let sc = T.Vector(repeating: scale), ns = T.Vector(repeating: -shift)
    var acc0 = T.Vector(), acc1 = T.Vector()
    var j = 0
    while j &+ 2 &* l <= count {
        let e0 = expInRange(ns.addingProduct(load(row + j), sc))
        let e1 = expInRange(ns.addingProduct(load(row + (j &+ l)), sc))
        store(e0, row + j)
        store(e1, row + (j &+ l))
        acc0 += e0
        acc1 += e1
        j &+= 2 &* l
    }
    while j &+ l <= count {
        let e0 = expInRange(ns.addingProduct(load(row + j), sc))
        store(e0, row + j)
        acc0 += e0
        j &+= l
    }
    var total = (acc0 + acc1).sum()
    while j < count {
        let e = T.exp(scale * row[j] - shift)
        row[j] = e
        total += e
        j &+= 1
    }
    return total
}

/// Scratch memory of one fused worker.
struct FusedScratch<T: Real> {
    let scores: UnsafeMutablePointer<T>  // 6 × bc
    let partial: UnsafeMutablePointer<T>  // br × dvp (br a multiple of 6)
    let sums: UnsafeMutablePointer<T>  // br
    let padded: UnsafeMutablePointer<T>  // 6 × d, the last rows of a block padded with zeros

    init(br: Int, bc: Int, d: Int, dvp: Int) {
        scores = .allocate(capacity: fusedRows * bc)
        scores.initialize(repeating: 0, count: fusedRows * bc)
        partial = .allocate(capacity: br * dvp)
        sums = .allocate(capacity: br)
        padded = .allocate(capacity: max(1, fusedRows * d))
    }

    func deallocate() {
        scores.deallocate(); partial.deallocate(); sums.deallocate(); padded.deallocate()
    }
}

/// The fused kernel for query rows i0..<i0+rb (see the comment at the top of the file), row r
/// shifted by shifts[r] (its Cauchy–Schwarz bound, 2·shift within the fast exp range).
/// `keys` is K packed; `v` is m×dvp, dvp = dᵥ rounded up to W (padding columns finite);
/// `bc` is a multiple of W. Writes out[i0..<i0+rb, 0..<dv].
@_specialize(where T == Double)
@_specialize(where T == Float)
func fusedBlock<T: Real>(q: UnsafePointer<T>, keys: PackedKeys<T>, v: UnsafePointer<T>,
                         out: UnsafeMutablePointer<T>, m: Int, d: Int, dv: Int, dvp: Int, scale: T, causal: Bool,
                         i0: Int, rb: Int, bc: Int, shifts: UnsafePointer<T>, scratch: FusedScratch<T>) {
    let w = PackedKeys<T>.width
    let rbp = (rb + fusedRows - 1) / fusedRows * fusedRows
    let partial = scratch.partial, sums = scratch.sums, scores = scratch.scores
    partial.initialize(repeating: 0, count: rbp * dvp)
    sums.initialize(repeating: 0, count: rbp)
    let kEnd = causal ? min(m, i0 + rb) : m
    var j0 = 0
    while j0 < kEnd {
        let cb = min(bc, kEnd - j0)
        var mb = 0
        while mb < rb {
            let rows = min(fusedRows, rb - mb)
            // keys of this chunk seen by the micro-block (causal: up to its last row)
            let len = causal ? min(cb, i0 + mb + rows - j0) : cb
            if len > 0 {
                var qrows = q + (i0 + mb) * d
                if rows < fusedRows {
                    scratch.padded.initialize(repeating: 0, count: fusedRows * d)
                    scratch.padded.update(from: qrows, count: rows * d)
                    qrows = UnsafePointer(scratch.padded)
                }
                let firstPanel = j0 / w
                for p in 0..<((len + w - 1) / w) {
                    scoreKernel(qrows, d, keys.panels + (firstPanel + p) * w * d, scores + p * w, bc)
                }
                for r in 0..<rows {
                    let row = scores + r * bc
                    let seen = causal ? max(0, min(len, i0 + mb + r - j0 + 1)) : len
                    sums[mb + r] += expRow(row, seen, scale, shifts[mb + r])
                    for j in seen..<len { row[j] = 0 }
                }
                var g = 0
                while g < dvp {
                    valueKernel(scores, bc, v + j0 * dvp + g, dvp, len, partial + mb * dvp + g, dvp)
                    g += w
                }
            }
            mb += fusedRows
        }
        j0 += cb
    }
    for r in 0..<rb {
        let inv = 1 / sums[r]
        let src = partial + r * dvp, dst = out + (i0 + r) * dv
        for c in 0..<dv { dst[c] = src[c] * inv }
    }
}
