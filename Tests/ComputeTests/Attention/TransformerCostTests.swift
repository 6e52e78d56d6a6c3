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
