#if canImport(Glibc)
import Glibc
#endif

// The fused kernel of `tiledSoftmaxAttention`: scores, exponentials and the P·V product of
// six query rows at a time, in registers and a 6×tileCols buffer that stays in L1, instead of
// two BLAS calls per tile with a tile-sized matrix between them.
//
// Why: at n = 4096, d = 64 the two OpenBLAS calls per tile run at ≈ 85 GFLOP/s but spend a
// fifth of their time packing their operands (the 256×2048 probability tile is written by
// the first call, read and rewritten by the exponential pass, then copied again by the
// second call), and the tile does not fit in L2. Here:
//  - K is packed once, into panels of W = 4 registers of keys (32 Double, 64 Float):
//    panel p holds K[pW..<pW+W, c] contiguously for c = 0..<d;
//  - for a key chunk of `bc` keys (K and V chunks stay in L2) and each micro-block of 6
//    query rows, `scoreKernel` forms the 6×W scores of one panel in 24 accumulator
//    registers (d fused multiply-adds each, Q entries broadcast), writing them to a 6×bc
//    buffer; the exponential pass turns a row into exp(s·qᵢ·kⱼ − bᵢ) (one fma for scale and
//    shift) and adds its sum to ℓᵢ; `valueKernel` adds P·V_chunk to the 6×dᵥ partial output
//    (6×W accumulators per group of W output columns, P entries broadcast);
//  - no running maximum: every row is shifted by its Cauchy–Schwarz bound bᵢ (see
//    `flashWorker`), so partial outputs never need rescaling. Query blocks with a row whose
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
    let count: Int

    init(_ k: UnsafePointer<T>, rows m: Int, cols d: Int) {
        let w = Self.width
        count = (m + w - 1) / w
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

/// out[r·ldo + j] = Σ_c q[r·d + c]·panel[c·W + j] for r < 6, j < W (W = 4 registers): the
/// unscaled scores of six query rows against one panel of keys. 24·d fused multiply-adds.
@inline(__always)
private func scoreKernel<T: Real>(_ q: UnsafePointer<T>, _ d: Int, _ panel: UnsafePointer<T>,
                                  _ out: UnsafeMutablePointer<T>, _ ldo: Int) {
    let l = T.Vector.scalarCount, w = 4 &* l
    let q0 = q, q1 = q + d, q2 = q + 2 &* d, q3 = q + 3 &* d, q4 = q + 4 &* d, q5 = q + 5 &* d
    var s00 = T.Vector(), s01 = T.Vector(), s02 = T.Vector(), s03 = T.Vector()
    var s10 = T.Vector(), s11 = T.Vector(), s12 = T.Vector(), s13 = T.Vector()
    var s20 = T.Vector(), s21 = T.Vector(), s22 = T.Vector(), s23 = T.Vector()
    var s30 = T.Vector(), s31 = T.Vector(), s32 = T.Vector(), s33 = T.Vector()
    var s40 = T.Vector(), s41 = T.Vector(), s42 = T.Vector(), s43 = T.Vector()
    var s50 = T.Vector(), s51 = T.Vector(), s52 = T.Vector(), s53 = T.Vector()
    var p = panel
    for c in 0..<d {
        let k0: T.Vector = load(p), k1: T.Vector = load(p + l), k2: T.Vector = load(p + 2 &* l), k3: T.Vector = load(p + 3 &* l)
        var x = T.Vector(repeating: q0[c])
        s00 = s00.addingProduct(x, k0); s01 = s01.addingProduct(x, k1); s02 = s02.addingProduct(x, k2); s03 = s03.addingProduct(x, k3)
        x = T.Vector(repeating: q1[c])
        s10 = s10.addingProduct(x, k0); s11 = s11.addingProduct(x, k1); s12 = s12.addingProduct(x, k2); s13 = s13.addingProduct(x, k3)
        x = T.Vector(repeating: q2[c])
        s20 = s20.addingProduct(x, k0); s21 = s21.addingProduct(x, k1); s22 = s22.addingProduct(x, k2); s23 = s23.addingProduct(x, k3)
        x = T.Vector(repeating: q3[c])
        s30 = s30.addingProduct(x, k0); s31 = s31.addingProduct(x, k1); s32 = s32.addingProduct(x, k2); s33 = s33.addingProduct(x, k3)
        x = T.Vector(repeating: q4[c])
        s40 = s40.addingProduct(x, k0); s41 = s41.addingProduct(x, k1); s42 = s42.addingProduct(x, k2); s43 = s43.addingProduct(x, k3)
        x = T.Vector(repeating: q5[c])
        s50 = s50.addingProduct(x, k0); s51 = s51.addingProduct(x, k1); s52 = s52.addingProduct(x, k2); s53 = s53.addingProduct(x, k3)
        p += w
    }
    var o = out
    store(s00, o); store(s01, o + l); store(s02, o + 2 &* l); store(s03, o + 3 &* l); o += ldo
    store(s10, o); store(s11, o + l); store(s12, o + 2 &* l); store(s13, o + 3 &* l); o += ldo
    store(s20, o); store(s21, o + l); store(s22, o + 2 &* l); store(s23, o + 3 &* l); o += ldo
    store(s30, o); store(s31, o + l); store(s32, o + 2 &* l); store(s33, o + 3 &* l); o += ldo
    store(s40, o); store(s41, o + l); store(s42, o + 2 &* l); store(s43, o + 3 &* l); o += ldo
    store(s50, o); store(s51, o + l); store(s52, o + 2 &* l); store(s53, o + 3 &* l)
}

/// o[r·ldo + c] += Σ_{j<len} p[r·ldp + j]·v[j·ldv + c] for r < 6, c < W (W = 4 registers):
/// six rows of P times a W-column strip of V. 24·len fused multiply-adds.
@inline(__always)
private func valueKernel<T: Real>(_ p: UnsafePointer<T>, _ ldp: Int, _ v: UnsafePointer<T>, _ ldv: Int, _ len: Int,
                                  _ out: UnsafeMutablePointer<T>, _ ldo: Int) {
    let l = T.Vector.scalarCount
    let p0 = p, p1 = p + ldp, p2 = p + 2 &* ldp, p3 = p + 3 &* ldp, p4 = p + 4 &* ldp, p5 = p + 5 &* ldp
    let o0 = out, o1 = out + ldo, o2 = out + 2 &* ldo, o3 = out + 3 &* ldo, o4 = out + 4 &* ldo, o5 = out + 5 &* ldo
    var s00: T.Vector = load(o0), s01: T.Vector = load(o0 + l), s02: T.Vector = load(o0 + 2 &* l), s03: T.Vector = load(o0 + 3 &* l)
    var s10: T.Vector = load(o1), s11: T.Vector = load(o1 + l), s12: T.Vector = load(o1 + 2 &* l), s13: T.Vector = load(o1 + 3 &* l)
    var s20: T.Vector = load(o2), s21: T.Vector = load(o2 + l), s22: T.Vector = load(o2 + 2 &* l), s23: T.Vector = load(o2 + 3 &* l)
    var s30: T.Vector = load(o3), s31: T.Vector = load(o3 + l), s32: T.Vector = load(o3 + 2 &* l), s33: T.Vector = load(o3 + 3 &* l)
    var s40: T.Vector = load(o4), s41: T.Vector = load(o4 + l), s42: T.Vector = load(o4 + 2 &* l), s43: T.Vector = load(o4 + 3 &* l)
    var s50: T.Vector = load(o5), s51: T.Vector = load(o5 + l), s52: T.Vector = load(o5 + 2 &* l), s53: T.Vector = load(o5 + 3 &* l)
    var vj = v
    for j in 0..<len {
        let v0: T.Vector = load(vj), v1: T.Vector = load(vj + l), v2: T.Vector = load(vj + 2 &* l), v3: T.Vector = load(vj + 3 &* l)
        var x = T.Vector(repeating: p0[j])
        s00 = s00.addingProduct(x, v0); s01 = s01.addingProduct(x, v1); s02 = s02.addingProduct(x, v2); s03 = s03.addingProduct(x, v3)
        x = T.Vector(repeating: p1[j])
        s10 = s10.addingProduct(x, v0); s11 = s11.addingProduct(x, v1); s12 = s12.addingProduct(x, v2); s13 = s13.addingProduct(x, v3)
        x = T.Vector(repeating: p2[j])
        s20 = s20.addingProduct(x, v0); s21 = s21.addingProduct(x, v1); s22 = s22.addingProduct(x, v2); s23 = s23.addingProduct(x, v3)
        x = T.Vector(repeating: p3[j])
        s30 = s30.addingProduct(x, v0); s31 = s31.addingProduct(x, v1); s32 = s32.addingProduct(x, v2); s33 = s33.addingProduct(x, v3)
        x = T.Vector(repeating: p4[j])
        s40 = s40.addingProduct(x, v0); s41 = s41.addingProduct(x, v1); s42 = s42.addingProduct(x, v2); s43 = s43.addingProduct(x, v3)
        x = T.Vector(repeating: p5[j])
        s50 = s50.addingProduct(x, v0); s51 = s51.addingProduct(x, v1); s52 = s52.addingProduct(x, v2); s53 = s53.addingProduct(x, v3)
        vj += ldv
    }
    store(s00, o0); store(s01, o0 + l); store(s02, o0 + 2 &* l); store(s03, o0 + 3 &* l)
    store(s10, o1); store(s11, o1 + l); store(s12, o1 + 2 &* l); store(s13, o1 + 3 &* l)
    store(s20, o2); store(s21, o2 + l); store(s22, o2 + 2 &* l); store(s23, o2 + 3 &* l)
    store(s30, o3); store(s31, o3 + l); store(s32, o3 + 2 &* l); store(s33, o3 + 3 &* l)
    store(s40, o4); store(s41, o4 + l); store(s42, o4 + 2 &* l); store(s43, o4 + 3 &* l)
    store(s50, o5); store(s51, o5 + l); store(s52, o5 + 2 &* l); store(s53, o5 + 3 &* l)
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
