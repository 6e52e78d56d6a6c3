/// Where the converter put each placeholder of the source scanner back: as a math,
/// inline-expression or cross-reference node, or literally (its original bytes) inside
/// a code span, code block, info string, raw HTML, or a link/image destination or title.
///
/// Not part of the public API: the fuzzer (`Fuzz/WeaveFuzz`) and the regression tests
/// check it through `RenderInvariants` (a protected span must come back exactly once,
/// except inside link reference definitions, which cmark copies to each use).
package struct PlaceholderAudit: Sendable {
    package enum Context: Sendable {
        case node, codeSpan, codeBlock, infoString, html, linkDestination, linkTitle
    }

    /// Restorations of one token by context.
    package struct Counts: Sendable, Equatable {
        package var node: UInt32 = 0
        /// Literal restorations into code spans, code blocks, info strings or raw HTML.
        package var literal: UInt32 = 0
        /// Literal restorations into link/image destinations.
        package var destination: UInt32 = 0
        /// Literal restorations into link/image titles.
        package var title: UInt32 = 0

        package init() {}

        @inline(__always)
        mutating func record(_ context: Context) {
            switch context {
            case .node: node &+= 1
            case .linkDestination: destination &+= 1
            case .linkTitle: title &+= 1
            case .codeSpan, .codeBlock, .infoString, .html: literal &+= 1
            }
        }
    }

    package enum TokenKind: Sendable, Equatable {
        case math, inline, reference
    }

    /// For each placeholder (in source order): what it stands for and its index in
    /// `Document.math`, `Document.inlines` or `Document.references`.
    package var tokens: [(kind: TokenKind, index: Int)]
    /// The source range each placeholder replaced.
    package var ranges: [Range<Int>]
    /// Restorations per placeholder (same order as `tokens`).
    package var counts: [Counts]
    /// The placeholder start marker (UTF-8 of a private-use scalar absent from the source).
    package var markerStart: [UInt8]

    init(scan: SourceScanner.Result, counts: [Counts]) {
        tokens = scan.tokens.map {
            switch $0 {
            case .math(let i): return (.math, i)
            case .inline(let i): return (.inline, i)
            case .reference(let i): return (.reference, i)
            }
        }
        ranges = scan.tokenRanges
        self.counts = counts.count == scan.tokens.count ? counts : [Counts](repeating: Counts(), count: scan.tokens.count)
        markerStart = scan.marker.start
    }
}
