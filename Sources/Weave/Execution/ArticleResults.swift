/// What running an article produced: per block, per inline expression, per claim.
/// Renderers read it; the cache stores it (Codable).
public struct ArticleResults: Codable, Sendable, Hashable {
    public var blocks: [BlockResult]
    public var inlines: [InlineResult]
    public var claims: [ClaimResult]
    /// Problems of the run (compile errors, traps, timeouts, failed claims), already
    /// located in the article.
    public var problems: [Problem]
    /// True when the run failed because of the machine, not the article: the sandbox or
    /// the compiler could not start, or Weave was interrupted. Such results are never
    /// cached, their problem has no article location, and the command exits 2.
    public var environmentFailure: Bool? = nil

    public init(blocks: [BlockResult] = [], inlines: [InlineResult] = [], claims: [ClaimResult] = [], problems: [Problem] = []) {
        self.blocks = blocks
        self.inlines = inlines
        self.claims = claims
        self.problems = problems
    }

    /// A Codable form of a diagnostic.
    public struct Problem: Codable, Sendable, Hashable {
        public var severity: Diagnostic.Severity
        public var line: Int?
        public var column: Int?
        public var message: String
        public var details: [String]

        public init(severity: Diagnostic.Severity = .error, line: Int?, column: Int?, message: String, details: [String] = []) {
            self.severity = severity
            self.line = line
            self.column = column
            self.message = message
            self.details = details
        }

        public func diagnostic(path: String) -> Diagnostic {
            Diagnostic(severity, path: path, location: line.map { SourceLocation(line: $0, column: column ?? 1) },
                       message: message, details: details)
        }
    }

    public var failedClaims: Int { claims.filter { $0.status != .passed }.count }
    public var hasErrors: Bool { problems.contains { $0.severity == .error } }
}

public struct BlockResult: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable {
        /// Ran to the end.
        case ok
        /// Did not compile, trapped, or timed out; `error` says why.
        case failed
        /// Not run because an earlier block failed.
        case notRun
        /// `eval: false`.
        case skipped
    }

    public var status: Status
    public var items: [OutputItem]
    /// The message shown under the block when it failed.
    public var error: String?

    public init(status: Status, items: [OutputItem] = [], error: String? = nil) {
        self.status = status
        self.items = items
        self.error = error
    }
}

/// One piece of a block's output, in the order it was produced.
public enum OutputItem: Codable, Sendable, Hashable {
    /// Text the block printed (stdout and stderr, interleaved as written).
    case text(String)
    /// A table shown with `show(table)`.
    case table(TableOutput)
    /// A plot shown with `show(plot)`: SVG markup.
    case figure(FigureOutput)
}

public struct TableOutput: Codable, Sendable, Hashable {
    public enum Alignment: String, Codable, Sendable { case left, center, right }
    public var headers: [String]
    public var alignments: [Alignment]
    public var rows: [[String]]
    public var caption: String?

    public init(headers: [String], alignments: [Alignment], rows: [[String]], caption: String? = nil) {
        self.headers = headers
        self.alignments = alignments
        self.rows = rows
        self.caption = caption
    }
}

public struct FigureOutput: Codable, Sendable, Hashable {
    public var svg: String
    public var caption: String?
    /// Alternative text (the plot's title).
    public var alt: String?

    public init(svg: String, caption: String? = nil, alt: String? = nil) {
        self.svg = svg
        self.caption = caption
        self.alt = alt
    }
}

public struct InlineResult: Codable, Sendable, Hashable {
    /// The formatted value (for value expressions).
    public var text: String?
    /// Why there is no value (the expression did not compile or its block failed).
    public var error: String?

    public init(text: String? = nil, error: String? = nil) {
        self.text = text
        self.error = error
    }
}

public struct ClaimResult: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable { case passed, failed, notRun = "not-run" }
    public enum Kind: String, Codable, Sendable { case condition, near, approx, exact }

    public var kind: Kind
    public var line: Int
    public var column: Int
    /// The expression or condition as written.
    public var expression: String
    public var expected: String?
    public var actual: String?
    public var tolerance: String?
    public var message: String?
    public var status: Status

    public init(kind: Kind, line: Int, column: Int, expression: String, expected: String? = nil, actual: String? = nil,
                tolerance: String? = nil, message: String? = nil, status: Status) {
        self.kind = kind
        self.line = line
        self.column = column
        self.expression = expression
        self.expected = expected
        self.actual = actual
        self.tolerance = tolerance
        self.message = message
        self.status = status
    }
}
