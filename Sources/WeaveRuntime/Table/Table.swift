/// Horizontal alignment of a table column.
public enum TableAlignment: String, Sendable, Hashable, Codable, CaseIterable {
    case left, center, right
}

/// A table under construction: columns with a header, cells, a `NumberFormat` and an
/// alignment, plus an optional caption. `build()` formats every cell into `TableData`.
///
/// Build it by columns:
/// ```swift
/// var t = Table(caption: "Cost of one layer")
/// t.column("n", ns)                                   // [Int]
/// t.column("attention", att, format: .scientific(3))  // [Double]
/// t.column("share", share, format: .percent(1))
/// ```
/// or by rows:
/// ```swift
/// var t = Table(headers: ["method", "error", "steps"],
///               formats: [.automatic, .scientific(2), .integer(grouping: true)])
/// t.addRow("RK4", 2.41e-3, 1200)
/// t.addRow("Euler", err, steps)
/// ```
/// Alignment defaults to right for a column whose non-empty cells are all numbers and
/// to left otherwise (text, mixed or empty columns); set it per column to override.
/// Misuse (ragged rows, columns of different lengths, format counts that do not match
/// the headers) traps with a precondition message naming the column.
public struct Table: Sendable, Equatable {
    /// One column: header, cells (unformatted), format and alignment (`nil`: automatic).
    public struct Column: Sendable, Equatable {
        public var header: String
        public var cells: [TableCell]
        public var format: NumberFormat
        public var alignment: TableAlignment?

        public init(header: String, cells: [TableCell], format: NumberFormat = .automatic, alignment: TableAlignment? = nil) {
            self.header = header
            self.cells = cells
            self.format = format
            self.alignment = alignment
        }

        /// The alignment used when rendering: the explicit one, else right for an
        /// all-numeric non-empty column, else left.
        public var resolvedAlignment: TableAlignment {
            if let alignment { return alignment }
            let filled = cells.filter { $0 != .empty }
            return !filled.isEmpty && filled.allSatisfy(\.isNumeric) ? .right : .left
        }
    }

    /// The columns, left to right.
    public var columns: [Column]
    /// An optional caption (numbered and placed by the page renderer).
    public var caption: String?

    /// An empty table; add columns with `column(_:_:format:align:)` or headers with
    /// `init(headers:formats:alignments:caption:)`.
    public init(caption: String? = nil) {
        self.columns = []
        self.caption = caption
    }

    /// A table with the given headers and no rows yet (add them with `addRow`).
    /// `formats` / `alignments`, when given, have one entry per header.
    public init(headers: [String], formats: [NumberFormat]? = nil, alignments: [TableAlignment]? = nil, caption: String? = nil) {
        if let formats {
            precondition(formats.count == headers.count, "Table: \(formats.count) formats for \(headers.count) headers")
        }
        if let alignments {
            precondition(alignments.count == headers.count, "Table: \(alignments.count) alignments for \(headers.count) headers")
        }
        self.columns = headers.enumerated().map { i, h in
            Column(header: h, cells: [], format: formats?[i] ?? .automatic, alignment: alignments?[i])
        }
        self.caption = caption
    }

    /// A table from rows: `rows[r][c]` is the cell of row `r` in column `c`; every row has
    /// `headers.count` cells. Heterogeneous literal rows work: `[[512, 1.2e9, "x"]]`.
    public init(headers: [String], rows: [[any TableCellConvertible]], formats: [NumberFormat]? = nil, alignments: [TableAlignment]? = nil, caption: String? = nil) {
        self.init(headers: headers, formats: formats, alignments: alignments, caption: caption)
        for row in rows { addRow(row) }
    }

    /// The number of rows (0 for a table without columns).
    public var rowCount: Int { columns.first?.cells.count ?? 0 }

    /// Appends a column. Its length must equal `rowCount` unless the table has no
    /// columns yet. O(values).
    public mutating func column<S: Sequence>(_ header: String, _ values: S, format: NumberFormat = .automatic, align: TableAlignment? = nil) where S.Element: TableCellConvertible {
        let cells = values.map(\.tableCell)
        if !columns.isEmpty {
            precondition(cells.count == rowCount, "Table.column: column '\(header)' has \(cells.count) values but the table has \(rowCount) rows")
        }
        columns.append(Column(header: header, cells: cells, format: format, alignment: align))
    }

    /// Appends a column of mixed values: `t.column("value", cells: [1, 2.5, "n/a"])`.
    public mutating func column(_ header: String, cells: [any TableCellConvertible], format: NumberFormat = .automatic, align: TableAlignment? = nil) {
        column(header, cells.map(\.tableCell), format: format, align: align)
    }

    /// Appends a row; it must have one cell per column. O(columns).
    public mutating func addRow(_ cells: [any TableCellConvertible]) {
        precondition(!columns.isEmpty, "Table.addRow: define the headers first (Table(headers:) or column(_:_:))")
        precondition(cells.count == columns.count, "Table.addRow: row \(rowCount + 1) has \(cells.count) cells but the table has \(columns.count) columns")
        for (i, cell) in cells.enumerated() { columns[i].cells.append(cell.tableCell) }
    }

    /// Appends a row given as arguments: `t.addRow("RK4", 2.41e-3, 1200)`.
    public mutating func addRow(_ cells: any TableCellConvertible...) {
        addRow(cells)
    }

    /// Sets the format of the column with this header (the first one if repeated).
    public mutating func setFormat(_ format: NumberFormat, forColumn header: String) {
        guard let i = columns.firstIndex(where: { $0.header == header }) else {
            preconditionFailure("Table.setFormat: no column '\(header)'")
        }
        columns[i].format = format
    }

    /// Sets the alignment of the column with this header (the first one if repeated).
    public mutating func setAlignment(_ alignment: TableAlignment, forColumn header: String) {
        guard let i = columns.firstIndex(where: { $0.header == header }) else {
            preconditionFailure("Table.setAlignment: no column '\(header)'")
        }
        columns[i].alignment = alignment
    }

    /// Formats every cell with its column's format and resolves the alignments.
    /// O(cells × digits). Deterministic.
    public func build() -> TableData {
        precondition(!columns.isEmpty, "Table.build: the table has no columns")
        let formatted = columns.map { column in column.cells.map { $0.formatted(column.format) } }
        let rows = (0..<rowCount).map { r in formatted.map { $0[r] } }
        return TableData(headers: columns.map(\.header), alignments: columns.map(\.resolvedAlignment), rows: rows, caption: caption)
    }

    /// `build().markdown()`.
    public func markdown() -> String { build().markdown() }

    /// `build().html()`.
    public func html() -> String { build().html() }
}
