/// An infinite series Σ_{k >= start} a_k given lazily by its term function.
///
/// Nothing is evaluated until asked: `term(k)`, `terms(count)`, `partialSums(count)` or
/// iteration (a `Series` is an infinite `Sequence` of its terms; use `prefix`). Sum it
/// with `sum(of:)`, which picks an accelerator, or call an accelerator in `Acceleration`
/// directly on `terms(_:)` / `partialSums(_:)`.
///
/// Terms may be given exactly (`init(from:exact:)`): each is then computed as a `Rational`
/// and rounded once, correctly, to Double, so the only error in a term is half an ulp.
public struct Series: Sendable, Sequence {
    /// The index of the first term.
    public let start: Int
    let termFunction: @Sendable (Int) -> Double
    /// The exact term function, when the series was built from one.
    public let exactTerm: (@Sendable (Int) -> Rational)?

    /// The series Σ_{k >= start} term(k).
    public init(from start: Int = 0, _ term: @escaping @Sendable (Int) -> Double) {
        self.start = start
        self.termFunction = term
        self.exactTerm = nil
    }

    /// The series Σ_{k >= start} term(k) with exact terms, each rounded correctly to Double.
    public init(from start: Int = 0, exact term: @escaping @Sendable (Int) -> Rational) {
        self.start = start
        self.termFunction = { Double(term($0)) }
        self.exactTerm = term
    }

    /// a_k (k >= start is the caller's responsibility; the function is simply called).
    public func term(_ k: Int) -> Double { termFunction(k) }

    /// The first `count` terms a_start, …, a_(start+count-1).
    public func terms(_ count: Int) -> [Double] {
        precondition(count >= 0, "Series.terms: count must be non-negative (got \(count))")
        return (0..<count).map { termFunction(start + $0) }
    }

    /// The first `count` partial sums S_1 = a_start, S_2 = a_start + a_(start+1), …,
    /// accumulated in double-double (so the only error is the rounding of each S_j).
    public func partialSums(_ count: Int) -> [Double] {
        precondition(count >= 0, "Series.partialSums: count must be non-negative (got \(count))")
        var acc = DoubleDouble.zero
        return (0..<count).map { i in
            acc = acc + termFunction(start + i)
            return acc.value
        }
    }

    /// The exact partial sum a_start + … + a_(start+count-1).
    /// - Precondition: the series was built with exact terms.
    public func exactPartialSum(_ count: Int) -> Rational {
        guard let exact = exactTerm else {
            preconditionFailure("Series.exactPartialSum: this series has floating-point terms; build it with Series(from:exact:)")
        }
        var acc = Rational.zero
        for i in 0..<count { acc += exact(start + i) }
        return acc
    }

    /// The terms, forever.
    public struct Iterator: IteratorProtocol {
        let series: Series
        var k: Int
        public mutating func next() -> Double? {
            defer { k += 1 }
            return series.termFunction(k)
        }
    }

    public func makeIterator() -> Iterator { Iterator(series: self, k: start) }

    /// The partial sums as a lazy infinite sequence (S_1, S_2, …; double-double
    /// accumulation).
    public var lazyPartialSums: PartialSums { PartialSums(series: self) }

    /// Lazy partial sums of a `Series`.
    public struct PartialSums: Sequence, Sendable {
        let series: Series
        public struct Iterator: IteratorProtocol {
            let series: Series
            var k: Int
            var acc: DoubleDouble
            public mutating func next() -> Double? {
                acc = acc + series.termFunction(k)
                k += 1
                return acc.value
            }
        }
        public func makeIterator() -> Iterator { Iterator(series: series, k: series.start, acc: .zero) }
    }
}

/// A real sequence s_n, n >= start, given lazily by a function of n; find its limit with
/// `limit(of:)`.
///
/// Values may be given exactly (`init(from:exact:)`): each is computed as a `Rational`
/// and rounded once, correctly, to Double, and `Acceleration.richardson(exact:…)` can
/// extrapolate them without any rounding.
public struct RealSequence: Sendable, Sequence {
    /// The first index.
    public let start: Int
    let valueFunction: @Sendable (Int) -> Double
    /// The exact value function, when the sequence was built from one.
    public let exactValue: (@Sendable (Int) -> Rational)?

    /// The sequence n ↦ value(n) for n >= start.
    public init(from start: Int = 1, _ value: @escaping @Sendable (Int) -> Double) {
        self.start = start
        self.valueFunction = value
        self.exactValue = nil
    }

    /// The sequence n ↦ value(n) for n >= start, exact, rounded correctly to Double on use.
    public init(from start: Int = 1, exact value: @escaping @Sendable (Int) -> Rational) {
        self.start = start
        self.valueFunction = { Double(value($0)) }
        self.exactValue = value
    }

    /// The partial sums of a series: s_n = a_start + … + a_(start+n-1) for n >= 1
    /// (each one recomputed from scratch in double-double; prefer `sum(of:)` for series).
    public init(partialSumsOf series: Series) {
        self.start = 1
        self.valueFunction = { n in
            var acc = DoubleDouble.zero
            for i in 0..<n { acc = acc + series.term(series.start + i) }
            return acc.value
        }
        if let exact = series.exactTerm {
            self.exactValue = { n in
                var acc = Rational.zero
                for i in 0..<n { acc += exact(series.start + i) }
                return acc
            }
        } else {
            self.exactValue = nil
        }
    }

    /// s_n.
    public subscript(_ n: Int) -> Double { valueFunction(n) }

    /// s_n for n in the range.
    public func values(_ range: ClosedRange<Int>) -> [Double] { range.map { valueFunction($0) } }

    /// The values s_start, s_(start+1), …, forever.
    public struct Iterator: IteratorProtocol {
        let sequence: RealSequence
        var n: Int
        public mutating func next() -> Double? {
            defer { n += 1 }
            return sequence.valueFunction(n)
        }
    }

    public func makeIterator() -> Iterator { Iterator(sequence: self, n: start) }
}
