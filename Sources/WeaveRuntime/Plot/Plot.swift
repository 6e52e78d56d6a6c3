#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A number a plot accepts as a coordinate: `Double`, `Float`, and the integer types.
public protocol PlotNumber {
    /// The value as a double.
    var plotValue: Double { get }
}

extension Double: PlotNumber { public var plotValue: Double { self } }
extension Float: PlotNumber { public var plotValue: Double { Double(self) } }
extension Int: PlotNumber { public var plotValue: Double { Double(self) } }
extension Int32: PlotNumber { public var plotValue: Double { Double(self) } }
extension Int64: PlotNumber { public var plotValue: Double { Double(self) } }
extension UInt: PlotNumber { public var plotValue: Double { Double(self) } }
extension UInt32: PlotNumber { public var plotValue: Double { Double(self) } }
extension UInt64: PlotNumber { public var plotValue: Double { Double(self) } }

/// A 2-D plot rendered to a self-contained SVG: line, scatter, trajectory and quiver
/// series, reference lines and text, on linear or log axes, with a legend.
///
/// ```swift
/// var p = Plot(title: "Global error", xLabel: "steps n", yLabel: "error",
///              xScale: .log, yScale: .log)
/// p.line(ns, errEuler, label: "Euler", marker: .circle)
/// p.line(ns, errRK4, label: "RK4", style: .dashed, marker: .square)
/// p.hline(1e-12, label: "round-off")
/// show(p)           // or p.svg()
/// ```
/// Phase portrait:
/// ```swift
/// var q = Plot(title: "Dirac GAN", xLabel: "φ", yLabel: "θ", equalAspect: true)
/// q.quiver(xRange: -1...1, yRange: -1...1, grid: 17) { x, y in (-y, x) }
/// q.trajectory(phis, thetas, label: "simultaneous GD")
/// ```
///
/// Data rules: NaN and ±∞ points are dropped and break lines; on a log axis values ≤ 0
/// are dropped too; each drop is reported once per series in `warnings` (nothing is
/// printed). A single point or a zero-width range gets a padded range; automatic ranges
/// are the data's extent plus 4% on each side (in log space on log axes).
///
/// Output: `svg()` is a pure function of the plot: the same plot gives the same bytes
/// (no ids, timestamps or randomness; coordinates rounded to 2 decimals).
public struct Plot: Sendable {
    /// Title drawn above the plot and used as the SVG `<title>` (accessible name).
    public var title: String?
    /// Label under the x axis.
    public var xLabel: String?
    /// Label left of the y axis (rotated).
    public var yLabel: String?
    /// Scale of the x axis.
    public var xScale: AxisScale
    /// Scale of the y axis.
    public var yScale: AxisScale
    /// Width of the SVG in CSS pixels (the page may scale it down to its column).
    public var width: Double
    /// Height of the SVG in CSS pixels.
    public var height: Double
    /// Fixed x range (no padding); `nil` for automatic.
    public var xRange: ClosedRange<Double>?
    /// Fixed y range (no padding); `nil` for automatic.
    public var yRange: ClosedRange<Double>?
    /// Legend placement (only labelled elements appear in it).
    public var legend: LegendPosition
    /// Light grid lines at the major ticks (and log minor ticks).
    public var grid: Bool
    /// One data unit has the same length on both axes (circles look round); the axis
    /// with room to spare is widened around its centre. Linear axes only.
    public var equalAspect: Bool

    var elements: [PlotElement] = []
    var seriesCount = 0

    /// A plot with no data yet. `width`/`height` in CSS pixels (default 640 × 400).
    public init(title: String? = nil, xLabel: String? = nil, yLabel: String? = nil,
                xScale: AxisScale = .linear, yScale: AxisScale = .linear,
                width: Double = 640, height: Double = 400, equalAspect: Bool = false) {
        precondition(width >= 120 && height >= 100 && width.isFinite && height.isFinite,
                     "Plot: size must be at least 120 × 100 pixels, got \(width) × \(height)")
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.yScale = yScale
        self.width = width
        self.height = height
        self.legend = .automatic
        self.grid = true
        self.equalAspect = equalAspect
    }

    /// Width ÷ height; setting it keeps the width and changes the height.
    public var aspectRatio: Double {
        get { width / height }
        set {
            precondition(newValue > 0 && newValue.isFinite, "Plot.aspectRatio must be positive, got \(newValue)")
            height = (width / newValue).rounded()
        }
    }

    // MARK: - Series

    /// A line through the points (xs[i], ys[i]) in order; `xs` and `ys` have equal length.
    /// Non-finite points (and non-positive ones on log axes) are dropped and break the
    /// line. `marker` also draws a marker at every point. `style` nil: solid, or dashed,
    /// dotted, dash-dot for the 9th–16th, 17th–24th, … series that take palette colours
    /// (so series stay distinguishable after the 8 colours repeat). O(n).
    public mutating func line<XS: Sequence, YS: Sequence>(
        _ xs: XS, _ ys: YS, label: String? = nil, style: LineStyle? = nil,
        color: PlotColor? = nil, width: Double = 1.75, marker: Marker? = nil, markerSize: Double = 3.5
    ) where XS.Element: PlotNumber, YS.Element: PlotNumber {
        addSeries(.line, xs, ys, label: label, color: color, style: style, width: width,
                  marker: marker, markerSize: markerSize, arrows: 0, startMarker: false, function: "line")
    }

    /// The graph of `f` over `range`, sampled at `samples` points (evenly, or
    /// geometrically when `xScale` is `.log` at the time of the call). O(samples).
    public mutating func function(
        over range: ClosedRange<Double>, samples: Int = 200, label: String? = nil,
        style: LineStyle? = nil, color: PlotColor? = nil, width: Double = 1.75,
        _ f: (Double) -> Double
    ) {
        precondition(samples >= 2, "Plot.function: samples must be at least 2, got \(samples)")
        precondition(range.lowerBound.isFinite && range.upperBound.isFinite, "Plot.function: range must be finite")
        let geometric = xScale == .log && range.lowerBound > 0
        var xs: [Double] = []
        xs.reserveCapacity(samples)
        for i in 0..<samples {
            let t = Double(i) / Double(samples - 1)
            if geometric {
                let l0 = log(range.lowerBound), l1 = log(range.upperBound)
                xs.append(i == samples - 1 ? range.upperBound : exp(l0 + t * (l1 - l0)))
            } else {
                xs.append(i == samples - 1 ? range.upperBound : range.lowerBound + t * (range.upperBound - range.lowerBound))
            }
        }
        line(xs, xs.map(f), label: label, style: style, color: color, width: width)
    }

    /// Markers at the points (xs[i], ys[i]); `markerSize` is the marker's radius in pixels.
    /// Non-finite points (and non-positive ones on log axes) are dropped. O(n).
    public mutating func scatter<XS: Sequence, YS: Sequence>(
        _ xs: XS, _ ys: YS, label: String? = nil, marker: Marker = .circle,
        color: PlotColor? = nil, markerSize: Double = 3.5
    ) where XS.Element: PlotNumber, YS.Element: PlotNumber {
        addSeries(.scatter, xs, ys, label: label, color: color, style: nil, width: 1.5,
                  marker: marker, markerSize: markerSize, arrows: 0, startMarker: false, function: "scatter")
    }

    /// A trajectory of a dynamical system: a line with a filled disc at its first point
    /// and `arrows` arrowheads spaced evenly along its length (on screen) pointing in the
    /// direction of travel; `endMarker` optionally marks the last point. `style` as in
    /// `line`. O(n).
    public mutating func trajectory<XS: Sequence, YS: Sequence>(
        _ xs: XS, _ ys: YS, label: String? = nil, color: PlotColor? = nil,
        style: LineStyle? = nil, width: Double = 1.75, arrows: Int = 3,
        startMarker: Bool = true, endMarker: Marker? = nil
    ) where XS.Element: PlotNumber, YS.Element: PlotNumber {
        precondition(arrows >= 0, "Plot.trajectory: arrows must be non-negative, got \(arrows)")
        addSeries(.trajectory, xs, ys, label: label, color: color, style: style, width: width,
                  marker: endMarker, markerSize: 3.5, arrows: arrows, startMarker: startMarker, function: "trajectory")
    }

    /// `trajectory` from (x, y) pairs.
    public mutating func trajectory(
        _ points: [(Double, Double)], label: String? = nil, color: PlotColor? = nil,
        style: LineStyle? = nil, width: Double = 1.75, arrows: Int = 3,
        startMarker: Bool = true, endMarker: Marker? = nil
    ) {
        trajectory(points.map(\.0), points.map(\.1), label: label, color: color, style: style,
                   width: width, arrows: arrows, startMarker: startMarker, endMarker: endMarker)
    }

    /// `trajectory` through the states of a system with two or more variables: the point
    /// of each state is (state[components.0], state[components.1]); e.g. the (φ₁, θ₁)
    /// projection of a 4-variable solution is `components: (0, 2)`.
    public mutating func trajectory(
        states: [[Double]], components: (Int, Int) = (0, 1), label: String? = nil,
        color: PlotColor? = nil, style: LineStyle? = nil, width: Double = 1.75, arrows: Int = 3,
        startMarker: Bool = true, endMarker: Marker? = nil
    ) {
        let (i, j) = components
        precondition(i >= 0 && j >= 0, "Plot.trajectory: component indices must be non-negative")
        for (n, state) in states.enumerated() {
            precondition(state.count > Swift.max(i, j), "Plot.trajectory: state \(n) has \(state.count) components, needs \(Swift.max(i, j) + 1)")
        }
        trajectory(states.map { $0[i] }, states.map { $0[j] }, label: label, color: color, style: style,
                   width: width, arrows: arrows, startMarker: startMarker, endMarker: endMarker)
    }

    /// A vector field drawn as arrows on a `grid` × `gridY` lattice of nodes spanning
    /// `xRange` × `yRange` (ends included; `gridY` defaults to `grid`). `field(x, y)`
    /// returns the vector (dx, dy) in data units; each arrow is centred on its node and
    /// scaled to the grid spacing on screen (see `QuiverScaling`). Zero vectors show as a
    /// dot; non-finite vectors are skipped with a warning. The field is evaluated now,
    /// grid × gridY times. Default colour: grey.
    public mutating func quiver(
        xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, grid: Int = 15, gridY: Int? = nil,
        scaling: QuiverScaling = .magnitude, color: PlotColor? = nil, label: String? = nil,
        field: (Double, Double) -> (Double, Double)
    ) {
        let nx = grid, ny = gridY ?? grid
        precondition(nx >= 2 && ny >= 2 && nx <= 200 && ny <= 200, "Plot.quiver: grid must be in 2...200, got \(nx) × \(ny)")
        precondition(xRange.lowerBound.isFinite && xRange.upperBound.isFinite && yRange.lowerBound.isFinite && yRange.upperBound.isFinite,
                     "Plot.quiver: ranges must be finite")
        precondition(xRange.upperBound > xRange.lowerBound && yRange.upperBound > yRange.lowerBound,
                     "Plot.quiver: ranges must have positive width, got \(xRange) × \(yRange)")
        var q = QuiverField(nx: nx, ny: ny, xRange: xRange, yRange: yRange, scaling: scaling, color: color, label: label)
        for j in 0..<ny {
            let y = j == ny - 1 ? yRange.upperBound : yRange.lowerBound + Double(j) * (yRange.upperBound - yRange.lowerBound) / Double(ny - 1)
            for i in 0..<nx {
                let x = i == nx - 1 ? xRange.upperBound : xRange.lowerBound + Double(i) * (xRange.upperBound - xRange.lowerBound) / Double(nx - 1)
                let (u, v) = field(x, y)
                q.nodes.append(QuiverField.Node(x: x, y: y, u: u, v: v))
            }
        }
        elements.append(.quiver(q))
    }

    // MARK: - Reference lines and text

    /// A horizontal reference line across the plot at `y` (included in the y range).
    public mutating func hline(_ y: Double, label: String? = nil, style: LineStyle = .dashed,
                               color: PlotColor = .gray, width: Double = 1.25) {
        elements.append(.reference(ReferenceLine(horizontal: true, value: y, label: label, color: color, style: style, width: width)))
    }

    /// A vertical reference line across the plot at `x` (included in the x range).
    public mutating func vline(_ x: Double, label: String? = nil, style: LineStyle = .dashed,
                               color: PlotColor = .gray, width: Double = 1.25) {
        elements.append(.reference(ReferenceLine(horizontal: false, value: x, label: label, color: color, style: style, width: width)))
    }

    /// Text at the data point (x, y) (not clipped, not part of the automatic range).
    /// `anchor` says which end of the text sits at the point; the baseline is at y.
    public mutating func text(_ text: String, x: Double, y: Double, anchor: TextAnchor = .start,
                              color: PlotColor = PlotColor(hex: "#222222"), fontSize: Double = 11) {
        precondition(fontSize > 0, "Plot.text: fontSize must be positive")
        elements.append(.text(TextAnnotation(text: text, x: x, y: y, anchor: anchor, color: color, fontSize: fontSize)))
    }

    // MARK: - Output

    /// Problems found in the data, one sentence each (dropped points, empty series, an
    /// option that cannot apply). Computed from the current scales and data.
    public var warnings: [String] {
        PlotRenderer(plot: self).warnings
    }

    /// The plot as a standalone SVG document (UTF-8 text ending in a newline): `width`,
    /// `height` and `viewBox` set, `style="max-width:100%;height:auto"` so a page can
    /// scale it to its column, a `<title>`, a system font stack, text escaped for XML.
    /// Deterministic: equal plots give equal bytes. O(points + grid nodes).
    public func svg() -> String {
        PlotRenderer(plot: self).render()
    }

    // MARK: - Private

    private mutating func addSeries<XS: Sequence, YS: Sequence>(
        _ kind: PlotSeries.Kind, _ xs: XS, _ ys: YS, label: String?, color: PlotColor?,
        style: LineStyle?, width: Double, marker: Marker?, markerSize: Double, arrows: Int,
        startMarker: Bool, function: String
    ) where XS.Element: PlotNumber, YS.Element: PlotNumber {
        let x = xs.map(\.plotValue), y = ys.map(\.plotValue)
        precondition(x.count == y.count, "Plot.\(function): xs has \(x.count) values but ys has \(y.count)")
        precondition(width > 0 && width.isFinite, "Plot.\(function): width must be positive, got \(width)")
        precondition(markerSize > 0 && markerSize.isFinite, "Plot.\(function): markerSize must be positive, got \(markerSize)")
        seriesCount += 1
        elements.append(.series(PlotSeries(kind: kind, xs: x, ys: y, label: label, color: color, style: style,
                                           lineWidth: width, marker: marker, markerSize: markerSize, arrows: arrows,
                                           startMarker: startMarker, number: seriesCount)))
    }
}

// MARK: - Stored elements

enum PlotElement: Sendable {
    case series(PlotSeries)
    case quiver(QuiverField)
    case reference(ReferenceLine)
    case text(TextAnnotation)
}

struct PlotSeries: Sendable {
    enum Kind: Sendable { case line, scatter, trajectory }
    var kind: Kind
    var xs: [Double]
    var ys: [Double]
    var label: String?
    var color: PlotColor?
    /// nil: automatic (resolved by the renderer, see `Plot.line`).
    var style: LineStyle?
    var lineWidth: Double
    var marker: Marker?
    var markerSize: Double
    var arrows: Int
    var startMarker: Bool
    /// 1-based number among the plot's series (for warnings about unlabelled series).
    var number: Int

    /// The resolved style (solid when still automatic).
    var lineStyle: LineStyle { style ?? .solid }

    var name: String {
        if let label { return "series '\(label)'" }
        return "series \(number)"
    }
}

struct QuiverField: Sendable {
    struct Node: Sendable {
        var x, y, u, v: Double
    }
    var nx: Int
    var ny: Int
    var xRange: ClosedRange<Double>
    var yRange: ClosedRange<Double>
    var scaling: QuiverScaling
    var color: PlotColor?
    var label: String?
    var nodes: [Node] = []
}

struct ReferenceLine: Sendable {
    var horizontal: Bool
    var value: Double
    var label: String?
    var color: PlotColor
    var style: LineStyle
    var width: Double
}

struct TextAnnotation: Sendable {
    var text: String
    var x: Double
    var y: Double
    var anchor: TextAnchor
    var color: PlotColor
    var fontSize: Double
}
