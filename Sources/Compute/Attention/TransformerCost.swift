/// Multiplication and FLOP counts of one Transformer layer (Su, "线性Transformer应该不是你要等的
/// 那个模型", kexue.fm/archives/8610), with the convention that an a×b by b×c product costs
/// abc multiplications (and 2abc FLOPs, one multiply and one add each).
///
/// For sequence length n, h heads of size d (model width D = hd) and FFN hidden width
/// F = ffnRatio·D:
/// - projections Q, K, V, O: 4·n·D² = 4nh²d²;
/// - scores QKᵀ per head n·n·d: n²hd;   attention-weighted values AV: n²hd;
/// - FFN, two matrices D×F and F×D: 2nDF = 8nh²d² for ffnRatio 4.
/// So self-attention costs 4nh²d² + 2n²hd and the FFN 8nh²d²; softmax, layer norms and biases
/// are lower order and not counted. All counts are exact integers (`Int`, overflow traps).
public struct TransformerCost: Sendable, Equatable {
    /// Sequence length n.
    public let n: Int
    /// Number of heads h.
    public let h: Int
    /// Head size d.
    public let d: Int
    /// FFN hidden width over model width (4 in BERT and the original Transformer).
    public let ffnRatio: Int

    /// A layer with n ≥ 0 tokens, h ≥ 1 heads of size d ≥ 1 and an FFN of width ffnRatio·h·d (ffnRatio ≥ 1).
    public init(n: Int, h: Int, d: Int, ffnRatio: Int = 4) {
        precondition(n >= 0 && h >= 1 && d >= 1 && ffnRatio >= 1, "TransformerCost: need n ≥ 0, h, d, ffnRatio ≥ 1")
        self.n = n
        self.h = h
        self.d = d
        self.ffnRatio = ffnRatio
    }

    /// BERT-base: h = 12, d = 64 (D = 768), FFN 3072.
    public static func bertBase(n: Int) -> TransformerCost { TransformerCost(n: n, h: 12, d: 64) }

    /// Model width D = hd.
    public var modelWidth: Int { h * d }
    /// Q, K, V and output projections: 4nD².
    public var projectionMultiplications: Int { 4 * n * modelWidth * modelWidth }
    /// QKᵀ over all heads: n²hd.
    public var scoreMultiplications: Int { n * n * h * d }
    /// Attention weights times values over all heads: n²hd.
    public var valueMultiplications: Int { n * n * h * d }
    /// The quadratic part of self-attention, QKᵀ and AV: 2n²hd.
    public var quadraticMultiplications: Int { scoreMultiplications + valueMultiplications }
    /// Self-attention: projections + QKᵀ + AV = 4nh²d² + 2n²hd.
    public var attentionMultiplications: Int { projectionMultiplications + quadraticMultiplications }
    /// FFN: 2nD·(ffnRatio·D) (= 8nh²d² for ratio 4).
    public var ffnMultiplications: Int { 2 * n * modelWidth * ffnRatio * modelWidth }
    /// The whole layer: attention + FFN.
    public var totalMultiplications: Int { attentionMultiplications + ffnMultiplications }

    /// FLOPs (2 per multiplication) of the projections.
    public var projectionFLOPs: Int { 2 * projectionMultiplications }
    /// FLOPs of QKᵀ.
    public var scoreFLOPs: Int { 2 * scoreMultiplications }
    /// FLOPs of AV.
    public var valueFLOPs: Int { 2 * valueMultiplications }
    /// FLOPs of self-attention.
    public var attentionFLOPs: Int { 2 * attentionMultiplications }
    /// FLOPs of the FFN.
    public var ffnFLOPs: Int { 2 * ffnMultiplications }
    /// FLOPs of the layer.
    public var totalFLOPs: Int { 2 * totalMultiplications }

    /// The length n* = (ffnRatio − 2)·hd at which self-attention and FFN cost the same:
    /// 4nD² + 2n²D > 2·ffnRatio·nD² ⇔ n > (ffnRatio − 2)·D. Attention costs more exactly for
    /// n > n* (never less than 0; BERT-base: 1536 = 2hd).
    public static func attentionExceedsFFNLength(h: Int, d: Int, ffnRatio: Int = 4) -> Int {
        max(0, (ffnRatio - 2) * h * d)
    }

    /// The length n* = (ffnRatio + 2)·hd at which the quadratic term 2n²hd equals the rest of
    /// the layer, 4nh²d² + 2·ffnRatio·nh²d²; it dominates exactly for n > n* (BERT-base: 4608 = 6hd).
    public static func quadraticDominatesLength(h: Int, d: Int, ffnRatio: Int = 4) -> Int {
        (ffnRatio + 2) * h * d
    }

    /// The share of the quadratic term 2n²hd (QKᵀ and AV) in the layer's multiplications,
    /// as an exact reduced fraction. Since the rest of the layer is (4 + 2·ffnRatio)·nh²d²,
    ///
    ///     share(n) = 2n²hd / (2n²hd + (4 + 2·ffnRatio)·nh²d²) = n / (n + n*),
    ///
    /// with n* = (ffnRatio + 2)·hd = `quadraticDominatesLength` (so the share is 1/2 at n = n*).
    /// Exact for every n (integer arithmetic; the denominator n + n* ≥ 3 > 0). At n = 0 the
    /// layer costs nothing and the share is 0/1. Reference: the counts above (Su, kexue.fm/archives/8610).
    public var quadraticShareFraction: (numerator: Int, denominator: Int) {
        let nStar = Self.quadraticDominatesLength(h: h, d: d, ffnRatio: ffnRatio)
        let num = n, den = n + nStar
        let g = transformerCostGCD(num, den)
        return (num / g, den / g)
    }

    /// The share of the quadratic term in the layer's multiplications, n / (n + (ffnRatio + 2)·hd)
    /// (see `quadraticShareFraction`), correctly rounded: one division of two exact integers
    /// below 2⁵³. In [0, 1); 0 at n = 0; BERT-base: 1/2 at n = 4608, 512/5120 = 0.1 at n = 512.
    public var quadraticShare: Double {
        let (num, den) = quadraticShareFraction
        return Double(num) / Double(den)
    }

    /// The smallest length n ≥ 0 at which the quadratic term's share reaches the rational
    /// `numerator/denominator` = s: share(n) = n/(n + n*) ≥ s ⇔ n·(q − p) ≥ p·n*, so
    /// n = ⌈p·n* / (q − p)⌉ with n* = (ffnRatio + 2)·hd. Exact (integer arithmetic; overflow traps).
    /// BERT-base: 1/2 → 4608, 9/10 → 41,472.
    /// - Precondition: 0 ≤ numerator < denominator (a share of 1 is never reached), h, d, ffnRatio ≥ 1.
    public static func quadraticShareLength(numerator: Int, denominator: Int, h: Int, d: Int, ffnRatio: Int = 4) -> Int {
        precondition(h >= 1 && d >= 1 && ffnRatio >= 1, "quadraticShareLength: need h, d, ffnRatio ≥ 1")
        precondition(denominator > 0 && numerator >= 0 && numerator < denominator,
                     "quadraticShareLength: the share \(numerator)/\(denominator) must lie in [0, 1)")
        let nStar = quadraticDominatesLength(h: h, d: d, ffnRatio: ffnRatio)
        let a = numerator * nStar, b = denominator - numerator
        return (a + b - 1) / b
    }

    /// The smallest length n ≥ 0 whose `quadraticShare` (the rounded Double) is ≥ `share`.
    /// Starts from the closed form n ≈ s·n*/(1 − s) and corrects by ±1 steps against the
    /// Double share itself, so the answer is exact for the value `quadraticShare` reports
    /// (e.g. 0.9 → 41,472 for BERT-base, like `quadraticShareLength(numerator: 9, denominator: 10, …)`).
    /// - Precondition: 0 ≤ share < 1 and finite; h, d, ffnRatio ≥ 1; the length is below 2⁵³.
    public static func quadraticShareLength(_ share: Double, h: Int, d: Int, ffnRatio: Int = 4) -> Int {
        precondition(h >= 1 && d >= 1 && ffnRatio >= 1, "quadraticShareLength: need h, d, ffnRatio ≥ 1")
        precondition(share.isFinite && share >= 0 && share < 1,
                     "quadraticShareLength: share must lie in [0, 1), got \(share)")
        let nStar = quadraticDominatesLength(h: h, d: d, ffnRatio: ffnRatio)
        let estimate = (share * Double(nStar) / (1 - share)).rounded(.up)
        precondition(estimate < 0x1p53, "quadraticShareLength: share \(share) needs a length above 2⁵³")
        func reaches(_ n: Int) -> Bool { Double(n) / Double(n + nStar) >= share }
        var n = Int(estimate)
        while n > 0 && reaches(n - 1) { n -= 1 }
        while !reaches(n) { n += 1 }
        return n
    }

    /// The smallest n ≥ 1 for which `predicate` holds, by exponential then binary search over
    /// n (assumes the predicate is monotone: false, …, false, true, …); `nil` if none ≤ limit.
    /// Lets a notebook check the closed forms above against the exact integer counts.
    public static func smallestLength(upTo limit: Int = 1 << 40, where predicate: (Int) -> Bool) -> Int? {
        var hi = 1
        while !predicate(hi) {
            if hi >= limit { return nil }
            hi = min(limit, hi * 2)
        }
        var lo = hi / 2  // predicate(lo) is false (or lo = 0)
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if predicate(mid) { hi = mid } else { lo = mid }
        }
        return hi
    }

    /// Multiplications of linear attention for one head: φ(K)ᵀV (D_φ·n·dᵥ) and φ(Q)(φ(K)ᵀV)
    /// (n·D_φ·dᵥ): 2n·D_φ·dᵥ (= 2nd² when D_φ = dᵥ = d). Denominators are lower order.
    public static func linearAttentionMultiplications(n: Int, featureDimension: Int, valueDimension: Int) -> Int {
        2 * n * featureDimension * valueDimension
    }

    /// Multiplications of softmax attention for one head of size d: QKᵀ and AV, 2n²d.
    public static func softmaxAttentionMultiplications(n: Int, d: Int) -> Int { 2 * n * n * d }

    /// The length n* = ⌊D_φ·dᵥ/d⌋: linear attention with feature dimension D_φ and value size dᵥ
    /// costs fewer multiplications than softmax attention with head size d exactly for n > n*
    /// (2n·D_φ·dᵥ < 2n²d ⇔ n > D_φdᵥ/d). With D_φ = dᵥ = 4d: 16d (1024 for d = 64).
    public static func linearAttentionPaysOffLength(d: Int, featureDimension: Int, valueDimension: Int) -> Int {
        precondition(d >= 1 && featureDimension >= 1 && valueDimension >= 1, "linearAttentionPaysOffLength: dimensions must be ≥ 1")
        return featureDimension * valueDimension / d
    }
}

/// Greatest common divisor of two non-negative integers (Euclid); gcd(0, b) = b.
private func transformerCostGCD(_ a: Int, _ b: Int) -> Int {
    var (x, y) = (a, b)
    while y != 0 { (x, y) = (y, x % y) }
    return x
}
