import Testing
@testable import Compute

@Suite struct TransformerCostTests {
    @Test func countsFollowTheFormulas() {
        let c = TransformerCost(n: 512, h: 12, d: 64)
        #expect(c.projectionMultiplications == 4 * 512 * 144 * 4096)
        #expect(c.quadraticMultiplications == 2 * 512 * 512 * 12 * 64)
        #expect(c.attentionMultiplications == 4 * 512 * 144 * 4096 + 2 * 512 * 512 * 768)
        #expect(c.ffnMultiplications == 8 * 512 * 144 * 4096)
        #expect(c.totalFLOPs == 2 * c.totalMultiplications)
        #expect(c.scoreMultiplications == c.valueMultiplications)
    }

    @Test func bertBaseCrossoversAreExact() {
        // Article 5: attention exceeds the FFN only for n > 2hd = 1536; the quadratic term
        // dominates the layer only for n > 6hd = 4608.
        #expect(TransformerCost.attentionExceedsFFNLength(h: 12, d: 64) == 1536)
        #expect(TransformerCost.quadraticDominatesLength(h: 12, d: 64) == 4608)
        let at = TransformerCost.bertBase(n: 1536), after = TransformerCost.bertBase(n: 1537)
        #expect(at.attentionMultiplications == at.ffnMultiplications)
        #expect(after.attentionMultiplications > after.ffnMultiplications)
        let q = TransformerCost.bertBase(n: 4608)
        #expect(q.quadraticMultiplications == q.projectionMultiplications + q.ffnMultiplications)
        // The closed forms agree with a search over the exact integer counts.
        let n1 = TransformerCost.smallestLength { TransformerCost.bertBase(n: $0).attentionMultiplications > TransformerCost.bertBase(n: $0).ffnMultiplications }
        #expect(n1 == 1537)
        let n2 = TransformerCost.smallestLength {
            let c = TransformerCost.bertBase(n: $0)
            return c.quadraticMultiplications > c.projectionMultiplications + c.ffnMultiplications
        }
        #expect(n2 == 4609)
    }

    @Test func otherShapesAgreeWithSearch() {
        for (h, d, r) in [(8, 32, 4), (16, 128, 2), (4, 16, 8), (1, 1, 3)] {
            let a = TransformerCost.smallestLength { TransformerCost(n: $0, h: h, d: d, ffnRatio: r).attentionMultiplications > TransformerCost(n: $0, h: h, d: d, ffnRatio: r).ffnMultiplications }
            #expect(a == TransformerCost.attentionExceedsFFNLength(h: h, d: d, ffnRatio: r) + 1)
            let b = TransformerCost.smallestLength {
                let c = TransformerCost(n: $0, h: h, d: d, ffnRatio: r)
                return c.quadraticMultiplications > c.projectionMultiplications + c.ffnMultiplications
            }
            #expect(b == TransformerCost.quadraticDominatesLength(h: h, d: d, ffnRatio: r) + 1)
        }
    }

    @Test func quadraticShareIsTheExactRatioOfCounts() {
        // Independent check: the share from the closed form n/(n + (r+2)hd) equals the ratio of
        // the exact integer counts, reduced by hand here with cross-multiplication.
        for (h, d, r) in [(12, 64, 4), (8, 32, 2), (1, 1, 1), (16, 128, 8)] {
            for n in [0, 1, 7, 512, 4608, 100_000] {
                let c = TransformerCost(n: n, h: h, d: d, ffnRatio: r)
                let (p, q) = c.quadraticShareFraction
                #expect(q > 0)
                if n == 0 { #expect(p == 0 && q == 1) } else {
                    #expect(p * c.totalMultiplications == q * c.quadraticMultiplications)
                }
                #expect(c.quadraticShare == Double(p) / Double(q))
            }
        }
        #expect(TransformerCost.bertBase(n: 512).quadraticShare == 0.1)
        #expect(TransformerCost.bertBase(n: 4608).quadraticShareFraction == (1, 2))
        #expect(TransformerCost.bertBase(n: 1536).quadraticShareFraction == (1, 4))
    }

    @Test func quadraticShareLengthMatchesSearchOverCounts() {
        #expect(TransformerCost.quadraticShareLength(numerator: 1, denominator: 2, h: 12, d: 64) == 4608)
        #expect(TransformerCost.quadraticShareLength(numerator: 9, denominator: 10, h: 12, d: 64) == 41_472)
        #expect(TransformerCost.quadraticShareLength(numerator: 0, denominator: 1, h: 12, d: 64) == 0)
        #expect(TransformerCost.quadraticShareLength(0.9, h: 12, d: 64) == 41_472)
        #expect(TransformerCost.quadraticShareLength(0.5, h: 12, d: 64) == 4608)
        #expect(TransformerCost.quadraticShareLength(0, h: 12, d: 64) == 0)
        for (h, d, r) in [(12, 64, 4), (8, 32, 2), (1, 1, 1), (3, 5, 7)] {
            for (p, q) in [(1, 3), (2, 3), (1, 2), (99, 100), (7, 11)] {
                // Smallest n whose exact counts give quadratic/total ≥ p/q.
                let searched = TransformerCost.smallestLength {
                    let c = TransformerCost(n: $0, h: h, d: d, ffnRatio: r)
                    return c.quadraticMultiplications * q >= p * c.totalMultiplications
                }
                #expect(TransformerCost.quadraticShareLength(numerator: p, denominator: q, h: h, d: d, ffnRatio: r) == searched)
                let s = Double(p) / Double(q)
                let n = TransformerCost.quadraticShareLength(s, h: h, d: d, ffnRatio: r)
                #expect(TransformerCost(n: n, h: h, d: d, ffnRatio: r).quadraticShare >= s)
                #expect(n == 0 || TransformerCost(n: n - 1, h: h, d: d, ffnRatio: r).quadraticShare < s)
            }
        }
    }

    @Test func linearAttentionCrossover() {
        // Per head 2nd² vs 2n²d; with the 4× larger d linear attention needs, n > 16d = 1024.
        #expect(TransformerCost.linearAttentionMultiplications(n: 100, featureDimension: 64, valueDimension: 64) == 2 * 100 * 64 * 64)
        #expect(TransformerCost.softmaxAttentionMultiplications(n: 100, d: 64) == 2 * 100 * 100 * 64)
        #expect(TransformerCost.linearAttentionPaysOffLength(d: 64, featureDimension: 256, valueDimension: 256) == 1024)
        let n = TransformerCost.smallestLength {
            TransformerCost.linearAttentionMultiplications(n: $0, featureDimension: 256, valueDimension: 256)
                < TransformerCost.softmaxAttentionMultiplications(n: $0, d: 64)
        }
        #expect(n == 1025)
        #expect(TransformerCost.linearAttentionPaysOffLength(d: 64, featureDimension: 64, valueDimension: 64) == 64)
    }
}
