/// Scale of a plot axis.
public enum AxisScale: Sendable, Hashable {
    /// Values map linearly to positions; ticks are "nice" numbers (1, 2, 5 × 10^k).
    case linear
    /// log10(value) maps linearly to positions; non-positive values are dropped (with a
    /// warning); ticks at powers of ten with minor ticks at 2…9 × 10^k.
    case log
}

/// Stroke pattern of a line.
public enum LineStyle: Sendable, Hashable, CaseIterable {
    case solid, dashed, dotted, dashDot

    /// SVGText `stroke-dasharray` for a line of width `w` (nil for solid). Dash lengths
    /// scale with the width so thick dashed lines stay readable.
    func dashArray(width w: Double) -> String? {
        let k = max(1, w / 1.5)
        switch self {
        case .solid: return nil
        case .dashed: return SVGText.numbers([6 * k, 4 * k])
        case .dotted: return SVGText.numbers([1.5 * k, 3 * k])
        case .dashDot: return SVGText.numbers([8 * k, 3 * k, 1.5 * k, 3 * k])
        }
    }
}

/// Marker shape drawn at data points (scatter plots, line markers, legend samples).
public enum Marker: Sendable, Hashable, CaseIterable {
    /// Filled disc.
    case circle
    /// Filled square.
    case square
    /// Filled upward triangle.
    case triangle
    /// Filled diamond (square rotated by 45°).
    case diamond
    /// Diagonal cross "×" (stroked).
    case cross
    /// Upright cross "+" (stroked).
    case plus
}

/// An sRGB colour written as `#rrggbb` in the SVGText.
///
/// The default palette is Okabe & Ito's colour-blind-safe set ("Color Universal Design",
/// Okabe & Ito 2002, https://jfly.uni-koeln.de/color/), ordered so the first colours
/// contrast most on white; series without an explicit colour take them in turn.
public struct PlotColor: Sendable, Hashable, CustomStringConvertible {
    /// Red, green, blue in 0...255.
    public let red: UInt8, green: UInt8, blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// Parses `"#rrggbb"` or `"rrggbb"` (hex digits, either case). Traps on anything else.
    public init(hex: String) {
        var s = Substring(hex)
        if s.hasPrefix("#") { s = s.dropFirst() }
        precondition(s.count == 6, "PlotColor(hex:): expected #rrggbb, got '\(hex)'")
        guard let v = UInt32(s, radix: 16) else {
            preconditionFailure("PlotColor(hex:): expected #rrggbb, got '\(hex)'")
        }
        self.init(red: UInt8((v >> 16) & 0xff), green: UInt8((v >> 8) & 0xff), blue: UInt8(v & 0xff))
    }

    /// `#rrggbb`, lower case.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "#")]
        for c in [red, green, blue] {
            out.append(digits[Int(c >> 4)])
            out.append(digits[Int(c & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { hex }

    public static let blue = PlotColor(hex: "#0072B2")
    public static let vermillion = PlotColor(hex: "#D55E00")
    public static let bluishGreen = PlotColor(hex: "#009E73")
    public static let orange = PlotColor(hex: "#E69F00")
    public static let reddishPurple = PlotColor(hex: "#CC79A7")
    public static let skyBlue = PlotColor(hex: "#56B4E9")
    public static let yellow = PlotColor(hex: "#F0E442")
    public static let black = PlotColor(hex: "#000000")
    public static let gray = PlotColor(hex: "#7f7f7f")
    public static let lightGray = PlotColor(hex: "#b0b0b0")

    /// The Okabe–Ito palette in the order series use it (yellow last: weakest on white).
    public static let palette: [PlotColor] = [.blue, .vermillion, .bluishGreen, .orange, .reddishPurple, .skyBlue, .black, .yellow]
}

/// Where the legend goes.
public enum LegendPosition: Sendable, Hashable {
    /// The first of top-right, top-left, bottom-right, bottom-left, top-centre,
    /// bottom-centre, right-middle, left-middle whose box covers no data (lines, markers,
    /// arrows, reference lines, text); if every spot covers data, outside to the right.
    case automatic
    case topRight, topLeft, bottomRight, bottomLeft
    /// To the right of the plot area (the plot area shrinks to make room).
    case outside
    /// No legend.
    case hidden
}

/// Horizontal anchor of a text annotation relative to its point.
public enum TextAnchor: String, Sendable, Hashable {
    case start, middle, end
}

/// How `Plot.quiver` scales its arrows.
public enum QuiverScaling: Sendable, Hashable {
    /// Length proportional to the field's magnitude (in screen units); the longest
    /// arrow is 0.9 of the grid spacing.
    case magnitude
    /// Every arrow is 0.7 of the grid spacing: a direction field.
    case uniform
}
