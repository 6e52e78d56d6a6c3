// Comparing spectra as multisets: every expected eigenvalue must be matched by its own
// computed one, so a double eigenvalue needs two computed values near it.

extension Spectrum {
    /// The bottleneck distance between two spectra of equal size, as multisets:
    /// min over one-to-one pairings π of max |computedᵢ − expected_π(i)|.
    ///
    /// Unlike `maxMatchingDistance` (greedy, order-dependent), this is the optimal pairing, so
    /// it respects multiplicity: {1, 1, 2} vs {1, 2, 2} is 1, not 0, and no pairing order can
    /// make a good match look bad. Method: the answer is one of the n² pairwise distances;
    /// binary search over them, testing each threshold for a perfect bipartite matching by
    /// augmenting paths (Kuhn's algorithm; Burkard, Dell'Amico & Martello, *Assignment
    /// Problems*, §6.2, bottleneck assignment). O(n³ log n); exact (no rounding beyond the
    /// distances themselves). Both empty → 0.
    /// - Precondition: equal counts; every value finite.
    public static func bottleneckDistance(_ computed: [ComplexNumber], _ expected: [ComplexNumber]) -> Double {
        precondition(computed.count == expected.count,
                     "Spectrum.bottleneckDistance: \(computed.count) computed vs \(expected.count) expected values")
        precondition(spectrumAllFinite(computed) && spectrumAllFinite(expected),
                     "Spectrum.bottleneckDistance: every eigenvalue must be finite")
        let n = computed.count
        if n == 0 { return 0 }
        var dist = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { dist[i * n + j] = computed[i].distance(to: expected[j]) } }
        let candidates = Array(Set(dist)).sorted()
        var lo = 0, hi = candidates.count - 1  // candidates[hi] always admits a matching
        while lo < hi {
            let mid = (lo + hi) / 2
            if spectrumPerfectMatching(n: n, dist: dist, threshold: candidates[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return candidates[lo]
    }

    /// Whether two spectra agree as multisets within `tolerance`: there is a one-to-one pairing
    /// with every |computed − expected| ≤ tolerance (equivalently `bottleneckDistance ≤ tolerance`).
    /// A value of multiplicity m must be listed m times in `expected` and is then matched by m
    /// distinct computed values. For a defective (non-diagonalisable) eigenvalue of
    /// multiplicity m, LAPACK's values scatter by about (ε‖A‖)^{1/m}, so choose the tolerance
    /// accordingly (e.g. about 1e-8 for a 2×2 Jordan block of norm 1). O(n³).
    /// - Precondition: tolerance ≥ 0 and finite; every value finite. Different counts are simply `false`.
    public static func matches(_ computed: [ComplexNumber], _ expected: [ComplexNumber], tolerance: Double) -> Bool {
        precondition(tolerance >= 0 && tolerance.isFinite, "Spectrum.matches: tolerance must be finite and ≥ 0, got \(tolerance)")
        precondition(spectrumAllFinite(computed) && spectrumAllFinite(expected),
                     "Spectrum.matches: every eigenvalue must be finite")
        guard computed.count == expected.count else { return false }
        let n = computed.count
        var dist = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { dist[i * n + j] = computed[i].distance(to: expected[j]) } }
        return spectrumPerfectMatching(n: n, dist: dist, threshold: tolerance)
    }
}

/// Whether the bipartite graph {(i, j) : dist[i·n + j] ≤ threshold} has a perfect matching
/// (Kuhn's augmenting-path algorithm, O(n³)).
private func spectrumPerfectMatching(n: Int, dist: [Double], threshold: Double) -> Bool {
    var owner = [Int](repeating: -1, count: n)  // owner[j] = computed index matched to expected j
    func augment(_ i: Int, _ seen: inout [Bool]) -> Bool {
        for j in 0..<n where !seen[j] && dist[i * n + j] <= threshold {
            seen[j] = true
            if owner[j] < 0 || augment(owner[j], &seen) {
                owner[j] = i
                return true
            }
        }
        return false
    }
    for i in 0..<n {
        var seen = [Bool](repeating: false, count: n)
        if !augment(i, &seen) { return false }
    }
    return true
}

/// Whether every real and imaginary part is finite.
private func spectrumAllFinite(_ values: [ComplexNumber]) -> Bool {
    values.allSatisfy { $0.re.isFinite && $0.im.isFinite }
}
