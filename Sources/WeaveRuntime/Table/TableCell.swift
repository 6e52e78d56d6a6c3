/// One cell of a `Table` before formatting: a number, an integer, text, or nothing.
///
/// Numbers and integers are formatted by their column's `NumberFormat` when the table
/// is built; text is kept as is; `.empty` becomes `""`. Literals work directly:
/// `let row: [TableCell] = [512, 1.5e-3, "RK4"]`.
public enum TableCell: Sendable, Hashable {
    /// A floating-point value (formatted by the column's `NumberFormat`).
    case number(Double)
    /// An integer value (printed exactly by `.automatic` / `.integer`).
    case integer(Int)
    /// Text, shown as is (escaped for the output format when rendered).
    case text(String)
    /// An empty cell.
    case empty

    /// True for `.number` and `.integer`: such columns are right-aligned by default.
    public var isNumeric: Bool {
        switch self {
        case .number, .integer: return true
        case .text, .empty: return false
        }
    }

    /// The cell's text under `format` (numbers) or as is (text). O(digits).
    public func formatted(_ format: NumberFormat) -> String {
        switch self {
        case .number(let x): return format.format(x)
        case .integer(let i): return format.format(i)
        case .text(let s): return s
        case .empty: return ""
        }
    }
}

extension TableCell: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral {
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .text(value) }
}

/// A value that can stand in a table cell: `Double`, `Float`, the integer types,
/// `String`, `Substring`, `Bool` (as text "true"/"false"), `TableCell`, and an
/// `Optional` of any of these (`nil` is an empty cell).
public protocol TableCellConvertible {
    /// The cell this value becomes.
    var tableCell: TableCell { get }
}

extension TableCell: TableCellConvertible {
    public var tableCell: TableCell { self }
}
extension Double: TableCellConvertible {
    public var tableCell: TableCell { .number(self) }
}
extension Float: TableCellConvertible {
    public var tableCell: TableCell { .number(Double(self)) }
}
extension String: TableCellConvertible {
    public var tableCell: TableCell { .text(self) }
}
extension Substring: TableCellConvertible {
    public var tableCell: TableCell { .text(String(self)) }
}
extension Bool: TableCellConvertible {
    public var tableCell: TableCell { .text(self ? "true" : "false") }
}
extension Optional: TableCellConvertible where Wrapped: TableCellConvertible {
    public var tableCell: TableCell { self?.tableCell ?? .empty }
}

/// Integers that fit in `Int` become `.integer`; wider values (a `UInt64` above
/// `Int.max`) become their exact digits as `.text` (so they count as text for the
/// column's default alignment and ignore its `NumberFormat`).
private func integerCell<T: BinaryInteger>(_ x: T) -> TableCell {
    if let i = Int(exactly: x) { return .integer(i) }
    return .text(String(x))
}

extension Int: TableCellConvertible { public var tableCell: TableCell { .integer(self) } }
extension Int8: TableCellConvertible { public var tableCell: TableCell { .integer(Int(self)) } }
extension Int16: TableCellConvertible { public var tableCell: TableCell { .integer(Int(self)) } }
extension Int32: TableCellConvertible { public var tableCell: TableCell { .integer(Int(self)) } }
extension Int64: TableCellConvertible { public var tableCell: TableCell { integerCell(self) } }
extension UInt: TableCellConvertible { public var tableCell: TableCell { integerCell(self) } }
extension UInt8: TableCellConvertible { public var tableCell: TableCell { .integer(Int(self)) } }
extension UInt16: TableCellConvertible { public var tableCell: TableCell { .integer(Int(self)) } }
extension UInt32: TableCellConvertible { public var tableCell: TableCell { .integer(Int(self)) } }
extension UInt64: TableCellConvertible { public var tableCell: TableCell { integerCell(self) } }
