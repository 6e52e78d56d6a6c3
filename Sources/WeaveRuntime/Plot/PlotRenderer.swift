#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Maps data values of one axis to pixels.
struct AxisMap: Sendable {
    var lo: Double
    var hi: Double
    var scale: AxisScale
    /// Pixel positions of `lo` and `hi` (for y, `p0` is the bottom of the plot area).
    var p0: Double
    var p1: Double

    /// Position of `v` in [0, 1] along the axis (outside for values out of range).
    func fraction(_ v: Double) -> Double {
        switch scale {
        case .linear: return (v / 2 - lo / 2) / (hi / 2 - lo / 2)
        case .log: return (log10(v) - log10(lo)) / (log10(hi) - log10(lo))
        }
    }

    func px(_ v: Double) -> Double { p0 + fraction(v) * (p1 - p0) }

    /// d(pixel)/d(value) at `v`.
    func derivative(at v: Double) -> Double {
        switch scale {
        case .linear: return (p1 - p0) / 2 / (hi / 2 - lo / 2)
        case .log: return (p1 - p0) / ((log10(hi) - log10(lo)) * v * M_LN10)
        }
    }
}

/// Everything `Plot.svg()` computes: valid data, warnings, ranges, layout, SVG text.
struct PlotRenderer {
    // MARK: Style constants (pixels)
    static let fontStack = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"
    static let outer = 10.0
    static let tickLength = 5.0
    static let minorTickLength = 3.0
    static let tickFont = 11.0
    static let labelFont = 12.0
    static let titleFont = 14.0
    static let legendFont = 11.0
    static let legendRow = 18.0
    static let legendPad = 8.0
    static let legendSample = 28.0
    static let inkColor = "#333333"
    static let frameColor = "#4d4d4d"
    static let gridColor = "#e6e6e6"
    static let minorGridColor = "#f2f2f2"
    static let quiverColor = PlotColor(hex: "#8c8c8c")

    enum Prepared {
        case series(PlotSeries, color: PlotColor, runs: [[(Double, Double)]])
        case quiver(QuiverField, color: PlotColor, nodes: [QuiverField.Node])
        case reference(ReferenceLine)
        case text(TextAnnotation)
    }

    let plot: Plot
    private(set) var warnings: [String] = []
    private(set) var prepared: [Prepared] = []

    init(plot: Plot) {
        self.plot = plot
        prepare()
    }

    // MARK: - Data validation

    private func valid(_ v: Double, _ scale: AxisScale) -> Bool {
        v.isFinite && (scale == .linear || v > 0)
    }

    private static func plural(_ n: Int, _ word: String) -> String {
        "\(n) \(word)\(n == 1 ? "" : "s")"
    }

    private var logAxesName: String {
        switch (plot.xScale, plot.yScale) {
        case (.log, .log): return "log axes"
        case (.log, _): return "log x axis"
        default: return "log y axis"
        }
    }

    private mutating func prepare() {
        var paletteIndex = 0
        var dataPoints = 0
        for element in plot.elements {
            switch element {
            case .series(let s):
                var runs: [[(Double, Double)]] = []
                var run: [(Double, Double)] = []
                var nonFinite = 0, nonPositive = 0
                for i in 0..<s.xs.count {
                    let x = s.xs[i], y = s.ys[i]
                    if !x.isFinite || !y.isFinite {
                        nonFinite += 1
                    } else if !valid(x, plot.xScale) || !valid(y, plot.yScale) {
                        nonPositive += 1
                    } else {
                        run.append((x, y))
                        continue
                    }
                    if !run.isEmpty { runs.append(run) }
                    run = []
                }
                if !run.isEmpty { runs.append(run) }
                if nonFinite > 0 {
                    warnings.append("dropped \(Self.plural(nonFinite, "non-finite point")) from \(s.name)")
                }
                if nonPositive > 0 {
                    warnings.append("dropped \(Self.plural(nonPositive, "non-positive point")) from \(s.name) (\(logAxesName))")
                }
                if runs.isEmpty { warnings.append("\(s.name) has no points to draw") }
                dataPoints += runs.count
                let color: PlotColor
                var s = s
                if let c = s.color {
                    color = c
                } else {
                    let cycle = paletteIndex / PlotColor.palette.count
                    color = PlotColor.palette[paletteIndex % PlotColor.palette.count]
                    if s.style == nil { s.style = LineStyle.allCases[cycle % LineStyle.allCases.count] }
                    paletteIndex += 1
                }
                prepared.append(.series(s, color: color, runs: runs))
            case .quiver(let q):
                var nodes: [QuiverField.Node] = []
                var nonFinite = 0, offAxis = 0
                for n in q.nodes {
                    if !valid(n.x, plot.xScale) || !valid(n.y, plot.yScale) {
                        offAxis += 1
                    } else if !n.u.isFinite || !n.v.isFinite {
                        nonFinite += 1
                    } else {
                        nodes.append(n)
                    }
                }
                if nonFinite > 0 {
                    warnings.append("quiver: skipped \(Self.plural(nonFinite, "grid node")) where the field is not finite")
                }
                if offAxis > 0 {
                    warnings.append("quiver: skipped \(Self.plural(offAxis, "grid node")) at non-positive coordinates (\(logAxesName))")
                }
                dataPoints += nodes.count
                prepared.append(.quiver(q, color: q.color ?? Self.quiverColor, nodes: nodes))
            case .reference(let r):
                let scale = r.horizontal ? plot.yScale : plot.xScale
                if valid(r.value, scale) {
                    prepared.append(.reference(r))
                    dataPoints += 1
                } else {
                    warnings.append("\(r.horizontal ? "hline" : "vline") at \(formatValue(r.value)) skipped: not on the \(scale == .log ? "log " : "")axis")
                }
            case .text(let t):
                if valid(t.x, plot.xScale) && valid(t.y, plot.yScale) {
                    prepared.append(.text(t))
                } else {
                    warnings.append("text '\(t.text)' skipped: its point (\(formatValue(t.x)), \(formatValue(t.y))) is not on the axes")
                }
            }
        }
        if dataPoints == 0 { warnings.append("the plot has no data to draw") }
        if plot.equalAspect && (plot.xScale == .log || plot.yScale == .log) {
            warnings.append("equalAspect ignored: it needs two linear axes")
        }
        for (name, range, scale) in [("xRange", plot.xRange, plot.xScale), ("yRange", plot.yRange, plot.yScale)] {
            guard let range else { continue }
            if !range.lowerBound.isFinite || !range.upperBound.isFinite {
                warnings.append("\(name) ignored: it is not finite")
            } else if scale == .log && range.lowerBound <= 0 {
                warnings.append("\(name) \(formatValue(range.lowerBound))…\(formatValue(range.upperBound)) ignored: a log axis needs positive limits")
            }
        }
    }

    // MARK: - Ranges

    /// Extent of the valid data on one axis, or nil without data.
    private func extent(horizontal: Bool) -> (Double, Double)? {
        var lo = Double.infinity, hi = -Double.infinity
        func include(_ v: Double) {
            lo = Swift.min(lo, v)
            hi = Swift.max(hi, v)
        }
        let scale = horizontal ? plot.xScale : plot.yScale
        for p in prepared {
            switch p {
            case .series(_, _, let runs):
                for run in runs { for (x, y) in run { include(horizontal ? x : y) } }
            case .quiver(let q, _, let nodes):
                guard !nodes.isEmpty || !q.nodes.isEmpty else { continue }
                let r = horizontal ? q.xRange : q.yRange
                let n = horizontal ? q.nx : q.ny
                let half = (r.upperBound - r.lowerBound) / Double(n - 1) / 2
                let a = r.lowerBound - half, b = r.upperBound + half
                if valid(a, scale) { include(a) } else if valid(r.lowerBound, scale) { include(r.lowerBound) }
                if valid(b, scale) { include(b) }
            case .reference(let r):
                if r.horizontal != horizontal { include(r.value) }
            case .text:
                break
            }
        }
        return lo <= hi ? (lo, hi) : nil
    }

    /// The axis range: the user's (if usable) or the padded data extent.
    func range(horizontal: Bool) -> (Double, Double) {
        let scale = horizontal ? plot.xScale : plot.yScale
        let user = horizontal ? plot.xRange : plot.yRange
        if let user, user.lowerBound.isFinite, user.upperBound.isFinite, scale == .linear || user.lowerBound > 0 {
            if user.lowerBound < user.upperBound { return (user.lowerBound, user.upperBound) }
            return Self.padDegenerate(user.lowerBound, scale)
        }
        guard let (lo, hi) = extent(horizontal: horizontal) else {
            return scale == .linear ? (0, 1) : (1, 10)
        }
        if lo == hi { return Self.padDegenerate(lo, scale) }
        switch scale {
        case .linear:
            let (a, b) = TickMath.widened(lo, hi)
            let pad = (b / 2 - a / 2) * 0.08
            let big = Double.greatestFiniteMagnitude
            return (Swift.max(a - pad, -big), Swift.min(b + pad, big))
        case .log:
            let l0 = log10(lo), l1 = log10(hi)
            var pad = (l1 - l0) * 0.04
            if l1 - l0 < 1e-9 { pad = 0.02 }
            return (Swift.max(pow(10, l0 - pad), Double.leastNonzeroMagnitude), Swift.min(pow(10, l1 + pad), Double.greatestFiniteMagnitude))
        }
    }

    /// A single value gets ±10% (±1 around 0) on a linear axis, half a decade on a log axis.
    static func padDegenerate(_ v: Double, _ scale: AxisScale) -> (Double, Double) {
        switch scale {
        case .linear:
            let d = v == 0 ? 1 : v.magnitude * 0.1
            return (v - d, v + d)
        case .log:
            return (v / 10.0.squareRoot(), v * 10.0.squareRoot())
        }
    }

    // MARK: - Layout

    struct Layout {
        var rect: PixelRect
        var x: AxisMap
        var y: AxisMap
        var xTicks: AxisTicks
        var yTicks: AxisTicks
        var legendOutside: Bool
    }

    private func tickLabelWidth(_ label: String) -> Double {
        SVGText.textWidth(Self.typographic(label), fontSize: Self.tickFont)
    }

    /// Tick labels with U+2212 MINUS SIGN instead of hyphen-minus.
    static func typographic(_ label: String) -> String {
        String(String.UnicodeScalarView(label.unicodeScalars.map { $0 == "-" ? "\u{2212}" : $0 }))
    }

    func makeLayout(x xr: (Double, Double), y yr: (Double, Double), legendWidth: Double?) -> Layout {
        let W = plot.width, H = plot.height
        let top = Self.outer + (plot.title != nil ? Self.titleFont + 10 : 2)
        let bottom = Self.outer + Self.tickLength + 3 + Self.tickFont + (plot.xLabel != nil ? 8 + Self.labelFont : 0)
        let plotH = Swift.max(20, H - top - bottom)
        let yCount = Swift.min(10, Swift.max(2, Int(plotH / 38)))
        let yTicks = axisTicks(min: yr.0, max: yr.1, scale: plot.yScale, maxCount: yCount)
        let yTickWidth = yTicks.labels.map(tickLabelWidth).max() ?? 0
        let left = Self.outer + (plot.yLabel != nil ? Self.labelFont + 8 : 0) + yTickWidth + 4 + Self.tickLength
        var right = Self.outer + 6 + (legendWidth.map { $0 + 12 } ?? 0)
        var plotW = 0.0
        var xTicks = AxisTicks(major: [], labels: [])
        for _ in 0..<2 {
            plotW = Swift.max(20, W - left - right)
            var count = Swift.min(10, Swift.max(2, Int(plotW / 55)))
            while true {
                xTicks = axisTicks(min: xr.0, max: xr.1, scale: plot.xScale, maxCount: count)
                let map = AxisMap(lo: xr.0, hi: xr.1, scale: plot.xScale, p0: left, p1: left + plotW)
                var overlaps = false
                for i in 1..<Swift.max(1, xTicks.major.count) {
                    let gap = map.px(xTicks.major[i]) - map.px(xTicks.major[i - 1])
                    if gap < (tickLabelWidth(xTicks.labels[i]) + tickLabelWidth(xTicks.labels[i - 1])) / 2 + 10 { overlaps = true }
                }
                if !overlaps || count == 2 { break }
                count -= 1
            }
            // Keep the last x label inside the canvas.
            guard legendWidth == nil, let last = xTicks.major.last, let label = xTicks.labels.last else { break }
            let map = AxisMap(lo: xr.0, hi: xr.1, scale: plot.xScale, p0: left, p1: left + plotW)
            let overflow = map.px(last) + tickLabelWidth(label) / 2 - (W - 3)
            if overflow <= 0 { break }
            right += overflow
        }
        let rect = PixelRect(x: left, y: top, width: plotW, height: plotH)
        return Layout(rect: rect,
                      x: AxisMap(lo: xr.0, hi: xr.1, scale: plot.xScale, p0: rect.x, p1: rect.maxX),
                      y: AxisMap(lo: yr.0, hi: yr.1, scale: plot.yScale, p0: rect.maxY, p1: rect.y),
                      xTicks: xTicks, yTicks: yTicks, legendOutside: legendWidth != nil)
    }

    /// Layout with the equal-aspect adjustment (a few passes: margins depend on labels).
    func layout(legendWidth: Double?) -> Layout {
        let baseX = range(horizontal: true), baseY = range(horizontal: false)
        var layout = makeLayout(x: baseX, y: baseY, legendWidth: legendWidth)
        guard plot.equalAspect && plot.xScale == .linear && plot.yScale == .linear else { return layout }
        for _ in 0..<3 {
            let ux = (baseX.1 - baseX.0) / layout.rect.width
            let uy = (baseY.1 - baseY.0) / layout.rect.height
            let u = Swift.max(ux, uy)
            func widen(_ r: (Double, Double), _ pixels: Double) -> (Double, Double) {
                let mid = r.0 / 2 + r.1 / 2, half = u * pixels / 2
                return (mid - half, mid + half)
            }
            let x = ux < u ? widen(baseX, layout.rect.width) : baseX
            let y = uy < u ? widen(baseY, layout.rect.height) : baseY
            let next = makeLayout(x: x, y: y, legendWidth: legendWidth)
            let stable = next.rect == layout.rect && next.x.lo == layout.x.lo && next.y.lo == layout.y.lo
            layout = next
            if stable { break }
        }
        return layout
    }

    // MARK: - Scene (pixel geometry)

    struct SeriesScene {
        var polylines: [[PixelPoint]] = []
        var markers: [PixelPoint] = []
        var start: PixelPoint?
        var end: PixelPoint?
        var arrowheads: [(tip: PixelPoint, direction: PixelPoint)] = []
    }

    struct QuiverScene {
        var arrows: [(tail: PixelPoint, tip: PixelPoint)] = []
        var dots: [PixelPoint] = []
    }

    enum SceneItem {
        case series(PlotSeries, PlotColor, SeriesScene)
        case quiver(QuiverField, PlotColor, QuiverScene)
        case reference(ReferenceLine, PixelPoint, PixelPoint)
        case text(TextAnnotation, PixelPoint)
    }

    func scene(_ layout: Layout) -> [SceneItem] {
        let rect = layout.rect
        let clipRect = rect.insetBy(-0.5)
        func pixel(_ x: Double, _ y: Double) -> PixelPoint { PixelPoint(x: layout.x.px(x), y: layout.y.px(y)) }
        var items: [SceneItem] = []
        for p in prepared {
            switch p {
            case .series(let s, let color, let runs):
                var sc = SeriesScene()
                let pixelRuns = runs.map { run in run.map { pixel($0.0, $0.1) } }
                if s.kind != .scatter {
                    for run in pixelRuns {
                        for piece in PlotGeometry.clipPolyline(run, to: clipRect) {
                            sc.polylines.append(PlotGeometry.simplify(piece, tolerance: 0.1))
                        }
                    }
                }
                if s.kind == .scatter || (s.kind == .line && s.marker != nil) {
                    sc.markers = pixelRuns.flatMap { $0 }.filter { clipRect.contains($0) }
                }
                if s.kind == .trajectory {
                    if s.startMarker, let first = pixelRuns.first?.first, clipRect.contains(first) { sc.start = first }
                    if s.marker != nil, let last = pixelRuns.last?.last, clipRect.contains(last) { sc.end = last }
                    sc.arrowheads = Self.arrowPositions(pixelRuns, count: s.arrows).filter { clipRect.contains($0.tip) }
                }
                items.append(.series(s, color, sc))
            case .quiver(let q, let color, let nodes):
                items.append(.quiver(q, color, quiverScene(q, nodes: nodes, layout: layout)))
            case .reference(let r):
                if r.horizontal {
                    let y = layout.y.px(r.value)
                    if y >= clipRect.y && y <= clipRect.maxY {
                        items.append(.reference(r, PixelPoint(x: rect.x, y: y), PixelPoint(x: rect.maxX, y: y)))
                    }
                } else {
                    let x = layout.x.px(r.value)
                    if x >= clipRect.x && x <= clipRect.maxX {
                        items.append(.reference(r, PixelPoint(x: x, y: rect.maxY), PixelPoint(x: x, y: rect.y)))
                    }
                }
            case .text(let t):
                items.append(.text(t, pixel(t.x, t.y)))
            }
        }
        return items
    }

    /// Points at equal arc-length fractions k/(count+1) of the polyline runs, with the
    /// direction of travel there (unit vector in pixels).
    static func arrowPositions(_ runs: [[PixelPoint]], count: Int) -> [(tip: PixelPoint, direction: PixelPoint)] {
        guard count > 0 else { return [] }
        var segments: [(PixelPoint, PixelPoint, Double)] = []
        var total = 0.0
        for run in runs where run.count >= 2 {
            for i in 1..<run.count {
                let a = run[i - 1], b = run[i]
                let len = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
                if len > 0 && len.isFinite {
                    segments.append((a, b, len))
                    total += len
                }
            }
        }
        guard total > 0 else { return [] }
        var out: [(tip: PixelPoint, direction: PixelPoint)] = []
        var index = 0, before = 0.0
        for k in 1...count {
            let target = total * Double(k) / Double(count + 1)
            while index < segments.count - 1 && before + segments[index].2 < target {
                before += segments[index].2
                index += 1
            }
            let (a, b, len) = segments[index]
            let t = Swift.min(1, Swift.max(0, (target - before) / len))
            let d = PixelPoint(x: (b.x - a.x) / len, y: (b.y - a.y) / len)
            out.append((PixelPoint(x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y)), d))
        }
        return out
    }

    func quiverScene(_ q: QuiverField, nodes: [QuiverField.Node], layout: Layout) -> QuiverScene {
        var sc = QuiverScene()
        guard !nodes.isEmpty else { return sc }
        // Grid spacing on screen: the smallest distance between neighbouring nodes.
        func spacing(_ map: AxisMap, _ r: ClosedRange<Double>, _ n: Int) -> Double {
            var best = Double.infinity
            var previous: Double?
            for i in 0..<n {
                let v = i == n - 1 ? r.upperBound : r.lowerBound + Double(i) * (r.upperBound - r.lowerBound) / Double(n - 1)
                guard map.scale == .linear || v > 0 else { continue }
                let p = map.px(v)
                if let previous { best = Swift.min(best, abs(p - previous)) }
                previous = p
            }
            return best
        }
        let cell = Swift.min(spacing(layout.x, q.xRange, q.nx), spacing(layout.y, q.yRange, q.ny))
        guard cell.isFinite && cell > 0 else { return sc }
        let vectors = nodes.map { n in
            (PixelPoint(x: layout.x.px(n.x), y: layout.y.px(n.y)),
             PixelPoint(x: n.u * layout.x.derivative(at: n.x), y: n.v * layout.y.derivative(at: n.y)))
        }
        let lengths = vectors.map { ($0.1.x * $0.1.x + $0.1.y * $0.1.y).squareRoot() }
        let longest = lengths.filter(\.isFinite).max() ?? 0
        let rect = layout.rect.insetBy(-0.5)
        for (i, (p, v)) in vectors.enumerated() where rect.contains(p) {
            let m = lengths[i]
            let length: Double
            switch q.scaling {
            case .magnitude: length = longest > 0 ? 0.9 * cell * m / longest : 0
            case .uniform: length = m > 0 ? 0.7 * cell : 0
            }
            guard length >= 0.5, m.isFinite, m > 0 else {
                sc.dots.append(p)
                continue
            }
            let ux = v.x / m, uy = v.y / m
            sc.arrows.append((PixelPoint(x: p.x - ux * length / 2, y: p.y - uy * length / 2),
                              PixelPoint(x: p.x + ux * length / 2, y: p.y + uy * length / 2)))
        }
        return sc
    }

    // MARK: - Legend

    enum LegendSample {
        case line(LineStyle, Double, Marker?, Double)
        case scatter(Marker, Double)
        case trajectory(LineStyle, Double)
        case arrow
    }

    struct LegendEntry {
        var label: String
        var color: PlotColor
        var sample: LegendSample
    }

    var legendEntries: [LegendEntry] {
        var out: [LegendEntry] = []
        for p in prepared {
            switch p {
            case .series(let s, let color, _):
                guard let label = s.label else { continue }
                switch s.kind {
                case .line: out.append(LegendEntry(label: label, color: color, sample: .line(s.lineStyle, s.lineWidth, s.marker, s.markerSize)))
                case .scatter: out.append(LegendEntry(label: label, color: color, sample: .scatter(s.marker ?? .circle, s.markerSize)))
                case .trajectory: out.append(LegendEntry(label: label, color: color, sample: .trajectory(s.lineStyle, s.lineWidth)))
                }
            case .quiver(let q, let color, _):
                if let label = q.label { out.append(LegendEntry(label: label, color: color, sample: .arrow)) }
            case .reference(let r):
                if let label = r.label { out.append(LegendEntry(label: label, color: r.color, sample: .line(r.style, r.width, nil, 0))) }
            case .text:
                break
            }
        }
        return out
    }

    static func legendSize(_ entries: [LegendEntry]) -> (width: Double, height: Double) {
        let text = entries.map { SVGText.textWidth($0.label, fontSize: legendFont) }.max() ?? 0
        return (legendPad + legendSample + 6 + text + legendPad, 6 + Double(entries.count) * legendRow + 2)
    }

    /// How much drawn data a legend box at `box` would cover (0 = free).
    static func coverage(_ box: PixelRect, _ items: [SceneItem]) -> Int {
        let r = box.insetBy(-3)
        var score = 0
        for item in items {
            switch item {
            case .series(let s, _, let sc):
                for line in sc.polylines where line.count >= 2 {
                    for i in 1..<line.count where PlotGeometry.segmentMeets(line[i - 1], line[i], r) { score += 1 }
                }
                let pad = s.markerSize
                score += sc.markers.filter { r.contains($0, tolerance: pad) }.count
                if let p = sc.start, r.contains(p, tolerance: 4) { score += 1 }
            case .quiver(_, _, let sc):
                score += sc.arrows.filter { PlotGeometry.segmentMeets($0.tail, $0.tip, r) }.count
                score += sc.dots.filter { r.contains($0) }.count
            case .reference(_, let a, let b):
                if PlotGeometry.segmentMeets(a, b, r) { score += 1 }
            case .text(let t, let p):
                let w = SVGText.textWidth(t.text, fontSize: t.fontSize)
                let x0 = t.anchor == .start ? p.x : (t.anchor == .middle ? p.x - w / 2 : p.x - w)
                if PixelRect(x: x0, y: p.y - t.fontSize, width: w, height: t.fontSize * 1.2).intersects(r) { score += 1 }
            }
        }
        return score
    }

    // MARK: - Render

    func render() -> String {
        let entries = plot.legend == .hidden ? [] : legendEntries
        let size = Self.legendSize(entries)
        var layout: Layout
        var items: [SceneItem]
        var legendBox: PixelRect?
        /// A legend box inside `rect`; `h`, `v` ∈ {0, 0.5, 1}: left/centre/right, top/middle/bottom.
        func box(_ h: Double, _ v: Double, _ rect: PixelRect) -> PixelRect {
            let inset = 8.0
            let x = rect.x + inset + h * (rect.width - 2 * inset - size.width)
            let y = rect.y + inset + v * (rect.height - 2 * inset - size.height)
            return PixelRect(x: x, y: y, width: size.width, height: size.height)
        }
        func corner(_ position: LegendPosition, _ rect: PixelRect) -> PixelRect {
            switch position {
            case .topLeft: return box(0, 0, rect)
            case .bottomLeft: return box(0, 1, rect)
            case .bottomRight: return box(1, 1, rect)
            default: return box(1, 0, rect)
            }
        }
        if entries.isEmpty || plot.legend == .outside {
            layout = self.layout(legendWidth: entries.isEmpty ? nil : size.width)
            items = scene(layout)
            if !entries.isEmpty {
                legendBox = PixelRect(x: layout.rect.maxX + 12, y: layout.rect.y, width: size.width, height: size.height)
            }
        } else {
            layout = self.layout(legendWidth: nil)
            items = scene(layout)
            switch plot.legend {
            case .automatic:
                // Corners first, then the middles of the edges (matplotlib's "best" order).
                let spots: [(Double, Double)] = [(1, 0), (0, 0), (1, 1), (0, 1), (0.5, 0), (0.5, 1), (1, 0.5), (0, 0.5)]
                let fits = size.width + 16 <= layout.rect.width && size.height + 16 <= layout.rect.height
                if fits, let free = spots.first(where: { Self.coverage(box($0.0, $0.1, layout.rect), items) == 0 }) {
                    legendBox = box(free.0, free.1, layout.rect)
                } else {
                    layout = self.layout(legendWidth: size.width)
                    items = scene(layout)
                    legendBox = PixelRect(x: layout.rect.maxX + 12, y: layout.rect.y, width: size.width, height: size.height)
                }
            default:
                legendBox = corner(plot.legend, layout.rect)
            }
        }
        var w = SVGWriter()
        writeDocument(&w, layout: layout, items: items, entries: entries, legendBox: legendBox)
        return w.text
    }

    private var accessibleTitle: String {
        if let title = plot.title, !title.isEmpty { return title }
        switch (plot.xLabel, plot.yLabel) {
        case let (x?, y?): return "Plot of \(y) against \(x)"
        case let (nil, y?): return "Plot of \(y)"
        case let (x?, nil): return "Plot against \(x)"
        default: return "Plot"
        }
    }

    private func writeDocument(_ w: inout SVGWriter, layout: Layout, items: [SceneItem], entries: [LegendEntry], legendBox: PixelRect?) {
        let W = SVGText.number(plot.width), H = SVGText.number(plot.height)
        let rect = layout.rect
        w.line("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(W)\" height=\"\(H)\" viewBox=\"0 0 \(W) \(H)\" style=\"max-width:100%;height:auto\" font-family=\"\(Self.fontStack)\" role=\"img\">")
        w.line("<title>\(SVGText.escape(accessibleTitle))</title>")
        w.line("<rect width=\"\(W)\" height=\"\(H)\" fill=\"#ffffff\"/>")

        // Grid.
        if plot.grid {
            var minor = PathBuilder(), major = PathBuilder()
            for v in layout.xTicks.minor { minor.vertical(x: layout.x.px(v), from: rect.y, to: rect.maxY) }
            for v in layout.yTicks.minor { minor.horizontal(y: layout.y.px(v), from: rect.x, to: rect.maxX) }
            for v in layout.xTicks.major { major.vertical(x: layout.x.px(v), from: rect.y, to: rect.maxY) }
            for v in layout.yTicks.major { major.horizontal(y: layout.y.px(v), from: rect.x, to: rect.maxX) }
            if !minor.isEmpty { w.line("<path d=\"\(minor.data)\" fill=\"none\" stroke=\"\(Self.minorGridColor)\" stroke-width=\"1\"/>") }
            if !major.isEmpty { w.line("<path d=\"\(major.data)\" fill=\"none\" stroke=\"\(Self.gridColor)\" stroke-width=\"1\"/>") }
        }

        // Data, in the order it was added (quiver fields first when added first).
        for item in items {
            switch item {
            case .reference(let r, let a, let b):
                var path = PathBuilder()
                path.polyline([a, b])
                w.line("<path d=\"\(path.data)\"\(Self.strokeAttributes(r.color, r.width, r.style))/>")
            case .quiver(_, let color, let sc):
                writeQuiver(&w, sc, color: color)
            case .series(let s, let color, let sc):
                writeSeries(&w, s, color: color, sc)
            case .text:
                break
            }
        }
        for item in items {
            if case .text(let t, let p) = item {
                // A white halo (stroke painted under the fill) keeps the text legible over data.
                w.line("<text x=\"\(SVGText.number(p.x))\" y=\"\(SVGText.number(p.y))\" text-anchor=\"\(t.anchor.rawValue)\" font-size=\"\(SVGText.number(t.fontSize))\" fill=\"\(t.color.hex)\" stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\">\(SVGText.escape(t.text))</text>")
            }
        }

        // Frame and ticks.
        w.line("<rect x=\"\(SVGText.number(rect.x))\" y=\"\(SVGText.number(rect.y))\" width=\"\(SVGText.number(rect.width))\" height=\"\(SVGText.number(rect.height))\" fill=\"none\" stroke=\"\(Self.frameColor)\" stroke-width=\"1\"/>")
        var ticks = PathBuilder()
        for v in layout.xTicks.major { ticks.vertical(x: layout.x.px(v), from: rect.maxY, to: rect.maxY + Self.tickLength) }
        for v in layout.xTicks.minor { ticks.vertical(x: layout.x.px(v), from: rect.maxY, to: rect.maxY + Self.minorTickLength) }
        for v in layout.yTicks.major { ticks.horizontal(y: layout.y.px(v), from: rect.x - Self.tickLength, to: rect.x) }
        for v in layout.yTicks.minor { ticks.horizontal(y: layout.y.px(v), from: rect.x - Self.minorTickLength, to: rect.x) }
        if !ticks.isEmpty { w.line("<path d=\"\(ticks.data)\" fill=\"none\" stroke=\"\(Self.frameColor)\" stroke-width=\"1\"/>") }

        let tickFont = SVGText.number(Self.tickFont)
        if !layout.xTicks.major.isEmpty {
            w.line("<g font-size=\"\(tickFont)\" fill=\"\(Self.inkColor)\" text-anchor=\"middle\">")
            let y = SVGText.number(rect.maxY + Self.tickLength + 3 + Self.tickFont * 0.8)
            for (v, label) in zip(layout.xTicks.major, layout.xTicks.labels) {
                w.line("<text x=\"\(SVGText.number(layout.x.px(v)))\" y=\"\(y)\">\(SVGText.escape(Self.typographic(label)))</text>")
            }
            w.line("</g>")
        }
        if !layout.yTicks.major.isEmpty {
            w.line("<g font-size=\"\(tickFont)\" fill=\"\(Self.inkColor)\" text-anchor=\"end\">")
            let x = SVGText.number(rect.x - Self.tickLength - 4)
            for (v, label) in zip(layout.yTicks.major, layout.yTicks.labels) {
                w.line("<text x=\"\(x)\" y=\"\(SVGText.number(layout.y.px(v) + Self.tickFont * 0.35))\">\(SVGText.escape(Self.typographic(label)))</text>")
            }
            w.line("</g>")
        }

        // Axis labels and title.
        if let xLabel = plot.xLabel {
            let y = rect.maxY + Self.tickLength + 3 + Self.tickFont + 8 + Self.labelFont * 0.8
            w.line("<text x=\"\(SVGText.number(rect.x + rect.width / 2))\" y=\"\(SVGText.number(y))\" text-anchor=\"middle\" font-size=\"\(SVGText.number(Self.labelFont))\" fill=\"\(Self.inkColor)\">\(SVGText.escape(xLabel))</text>")
        }
        if let yLabel = plot.yLabel {
            let x = SVGText.number(Self.outer + Self.labelFont * 0.8)
            let y = SVGText.number(rect.y + rect.height / 2)
            w.line("<text x=\"\(x)\" y=\"\(y)\" transform=\"rotate(-90 \(x) \(y))\" text-anchor=\"middle\" font-size=\"\(SVGText.number(Self.labelFont))\" fill=\"\(Self.inkColor)\">\(SVGText.escape(yLabel))</text>")
        }
        if let title = plot.title {
            let (text, size, width) = Self.fitTitle(title, available: plot.width - 2 * Self.outer)
            // Centred over the plot area, shifted to stay inside the canvas.
            let cx = Swift.min(Swift.max(rect.x + rect.width / 2, Self.outer + width / 2), plot.width - Self.outer - width / 2)
            w.line("<text x=\"\(SVGText.number(cx))\" y=\"\(SVGText.number(Self.outer + Self.titleFont * 0.8))\" text-anchor=\"middle\" font-size=\"\(SVGText.number(size))\" font-weight=\"600\" fill=\"#111111\">\(SVGText.escape(text))</text>")
        }

        if let box = legendBox, !entries.isEmpty {
            writeLegend(&w, entries, box)
        }
        w.line("</svg>")
    }

    /// The title's text, font size and estimated width: shrunk down to 10 px to fit
    /// `available`, then cut with "…" if still too wide (bold text is up to ~20% wider).
    static func fitTitle(_ title: String, available: Double) -> (String, Double, Double) {
        func width(_ s: String, _ size: Double) -> Double { SVGText.textWidth(s, fontSize: size) * 1.2 }
        let full = width(title, titleFont)
        if full <= available { return (title, titleFont, full) }
        let size = Swift.max(10, (titleFont * available / full * 10).rounded(.down) / 10)
        var scalars = Array(title.unicodeScalars)
        var text = title
        while width(text, size) > available && !scalars.isEmpty {
            scalars.removeLast()
            text = String(String.UnicodeScalarView(scalars)) + "…"
        }
        return (text, size, width(text, size))
    }

    // MARK: - Element writers

    static func strokeAttributes(_ color: PlotColor, _ width: Double, _ style: LineStyle) -> String {
        var s = " fill=\"none\" stroke=\"\(color.hex)\" stroke-width=\"\(SVGText.number(width))\" stroke-linejoin=\"round\" stroke-linecap=\"round\""
        if let dash = style.dashArray(width: width) { s += " stroke-dasharray=\"\(dash)\"" }
        return s
    }

    private func writeSeries(_ w: inout SVGWriter, _ s: PlotSeries, color: PlotColor, _ sc: SeriesScene) {
        if !sc.polylines.isEmpty {
            var path = PathBuilder()
            for line in sc.polylines { path.polyline(line) }
            w.line("<path d=\"\(path.data)\"\(Self.strokeAttributes(color, s.lineWidth, s.lineStyle))/>")
        }
        if let marker = s.marker, !sc.markers.isEmpty {
            Self.writeMarkers(&w, marker, sc.markers, size: s.markerSize, color: color)
        }
        if !sc.arrowheads.isEmpty {
            var path = PathBuilder()
            let length = 4 + 5 * s.lineWidth.squareRoot()
            for a in sc.arrowheads {
                let tip = PixelPoint(x: a.tip.x + a.direction.x * length / 2, y: a.tip.y + a.direction.y * length / 2)
                path.arrowhead(tip: tip, direction: a.direction, length: length, halfWidth: 0.42 * length)
            }
            w.line("<path d=\"\(path.data)\" fill=\"\(color.hex)\"/>")
        }
        if let end = sc.end, let marker = s.marker {
            Self.writeMarkers(&w, marker, [end], size: s.markerSize, color: color)
        }
        if let start = sc.start {
            let r = 1.5 + s.lineWidth
            w.line("<circle cx=\"\(SVGText.number(start.x))\" cy=\"\(SVGText.number(start.y))\" r=\"\(SVGText.number(r))\" fill=\"\(color.hex)\" stroke=\"#ffffff\" stroke-width=\"1\"/>")
        }
    }

    private func writeQuiver(_ w: inout SVGWriter, _ sc: QuiverScene, color: PlotColor) {
        guard !sc.arrows.isEmpty || !sc.dots.isEmpty else { return }
        var shafts = PathBuilder(), heads = PathBuilder()
        for a in sc.arrows {
            let dx = a.tip.x - a.tail.x, dy = a.tip.y - a.tail.y
            let len = (dx * dx + dy * dy).squareRoot()
            let d = PixelPoint(x: dx / len, y: dy / len)
            let head = Swift.min(0.38 * len, 6.5)
            let shaftEnd = PixelPoint(x: a.tip.x - d.x * head * 0.7, y: a.tip.y - d.y * head * 0.7)
            shafts.polyline([a.tail, shaftEnd])
            heads.arrowhead(tip: a.tip, direction: d, length: head, halfWidth: 0.45 * head)
        }
        for p in sc.dots { heads.marker(.circle, at: p, size: 1.25) }
        if !shafts.isEmpty { w.line("<path d=\"\(shafts.data)\" fill=\"none\" stroke=\"\(color.hex)\" stroke-width=\"1.1\" stroke-linecap=\"round\"/>") }
        if !heads.isEmpty { w.line("<path d=\"\(heads.data)\" fill=\"\(color.hex)\"/>") }
    }

    static func writeMarkers(_ w: inout SVGWriter, _ marker: Marker, _ points: [PixelPoint], size: Double, color: PlotColor) {
        var path = PathBuilder()
        for p in points { path.marker(marker, at: p, size: size) }
        switch marker {
        case .cross, .plus:
            w.line("<path d=\"\(path.data)\" fill=\"none\" stroke=\"\(color.hex)\" stroke-width=\"1.5\" stroke-linecap=\"round\"/>")
        default:
            w.line("<path d=\"\(path.data)\" fill=\"\(color.hex)\" stroke=\"#ffffff\" stroke-width=\"0.6\"/>")
        }
    }

    private func writeLegend(_ w: inout SVGWriter, _ entries: [LegendEntry], _ box: PixelRect) {
        w.line("<g font-size=\"\(SVGText.number(Self.legendFont))\" fill=\"\(Self.inkColor)\">")
        w.line("<rect x=\"\(SVGText.number(box.x))\" y=\"\(SVGText.number(box.y))\" width=\"\(SVGText.number(box.width))\" height=\"\(SVGText.number(box.height))\" rx=\"3\" fill=\"#ffffff\" fill-opacity=\"0.9\" stroke=\"#cccccc\" stroke-width=\"1\"/>")
        for (i, e) in entries.enumerated() {
            let cy = box.y + 6 + (Double(i) + 0.5) * Self.legendRow
            let x0 = box.x + Self.legendPad, x1 = x0 + Self.legendSample
            let mid = PixelPoint(x: (x0 + x1) / 2, y: cy)
            switch e.sample {
            case .line(let style, let width, let marker, let size):
                var path = PathBuilder()
                path.polyline([PixelPoint(x: x0, y: cy), PixelPoint(x: x1, y: cy)])
                w.line("<path d=\"\(path.data)\"\(Self.strokeAttributes(e.color, width, style))/>")
                if let marker { Self.writeMarkers(&w, marker, [mid], size: size, color: e.color) }
            case .scatter(let marker, let size):
                Self.writeMarkers(&w, marker, [mid], size: size, color: e.color)
            case .trajectory(let style, let width):
                var path = PathBuilder()
                path.polyline([PixelPoint(x: x0, y: cy), PixelPoint(x: x1 - 4, y: cy)])
                w.line("<path d=\"\(path.data)\"\(Self.strokeAttributes(e.color, width, style))/>")
                var head = PathBuilder()
                let length = 4 + 5 * width.squareRoot()
                head.arrowhead(tip: PixelPoint(x: x1, y: cy), direction: PixelPoint(x: 1, y: 0), length: length, halfWidth: 0.42 * length)
                w.line("<path d=\"\(head.data)\" fill=\"\(e.color.hex)\"/>")
                w.line("<circle cx=\"\(SVGText.number(x0))\" cy=\"\(SVGText.number(cy))\" r=\"\(SVGText.number(1.5 + width))\" fill=\"\(e.color.hex)\" stroke=\"#ffffff\" stroke-width=\"1\"/>")
            case .arrow:
                var shaft = PathBuilder(), head = PathBuilder()
                shaft.polyline([PixelPoint(x: x0, y: cy), PixelPoint(x: x1 - 4, y: cy)])
                head.arrowhead(tip: PixelPoint(x: x1, y: cy), direction: PixelPoint(x: 1, y: 0), length: 6.5, halfWidth: 3)
                w.line("<path d=\"\(shaft.data)\" fill=\"none\" stroke=\"\(e.color.hex)\" stroke-width=\"1.1\" stroke-linecap=\"round\"/>")
                w.line("<path d=\"\(head.data)\" fill=\"\(e.color.hex)\"/>")
            }
            w.line("<text x=\"\(SVGText.number(x1 + 6))\" y=\"\(SVGText.number(cy + Self.legendFont * 0.35))\">\(SVGText.escape(e.label))</text>")
        }
        w.line("</g>")
    }
}

/// Accumulates SVG lines.
struct SVGWriter {
    private(set) var text = ""
    mutating func line(_ s: String) {
        text += s
        text += "\n"
    }
}

/// Builds SVG path data with fixed-precision coordinates.
struct PathBuilder {
    private(set) var data = ""
    var isEmpty: Bool { data.isEmpty }

    private mutating func command(_ c: String, _ p: PixelPoint) {
        data += c + SVGText.number(p.x) + " " + SVGText.number(p.y)
    }

    mutating func polyline(_ points: [PixelPoint]) {
        guard let first = points.first else { return }
        command("M", first)
        var last = (SVGText.number(first.x), SVGText.number(first.y))
        for p in points.dropFirst() {
            let s = (SVGText.number(p.x), SVGText.number(p.y))
            if s == last { continue } // same pixel after rounding
            data += "L" + s.0 + " " + s.1
            last = s
        }
    }

    mutating func vertical(x: Double, from y0: Double, to y1: Double) {
        command("M", PixelPoint(x: x, y: y0))
        data += "V" + SVGText.number(y1)
    }

    mutating func horizontal(y: Double, from x0: Double, to x1: Double) {
        command("M", PixelPoint(x: x0, y: y))
        data += "H" + SVGText.number(x1)
    }

    /// A filled triangle with its tip at `tip`, pointing along the unit vector `direction`.
    mutating func arrowhead(tip: PixelPoint, direction d: PixelPoint, length: Double, halfWidth: Double) {
        let base = PixelPoint(x: tip.x - d.x * length, y: tip.y - d.y * length)
        let n = PixelPoint(x: -d.y, y: d.x)
        command("M", tip)
        command("L", PixelPoint(x: base.x + n.x * halfWidth, y: base.y + n.y * halfWidth))
        command("L", PixelPoint(x: base.x - n.x * halfWidth, y: base.y - n.y * halfWidth))
        data += "Z"
    }

    /// A marker of "radius" `size` centred at `p` (areas roughly equal across shapes).
    mutating func marker(_ marker: Marker, at p: PixelPoint, size r: Double) {
        let n = SVGText.number
        switch marker {
        case .circle:
            command("M", PixelPoint(x: p.x - r, y: p.y))
            data += "a\(n(r)) \(n(r)) 0 1 0 \(n(2 * r)) 0a\(n(r)) \(n(r)) 0 1 0 \(n(-2 * r)) 0Z"
        case .square:
            let h = 0.9 * r
            command("M", PixelPoint(x: p.x - h, y: p.y - h))
            data += "h\(n(2 * h))v\(n(2 * h))h\(n(-2 * h))Z"
        case .triangle:
            let t = 1.3 * r
            command("M", PixelPoint(x: p.x, y: p.y - t))
            command("L", PixelPoint(x: p.x + 0.866 * t, y: p.y + 0.5 * t))
            command("L", PixelPoint(x: p.x - 0.866 * t, y: p.y + 0.5 * t))
            data += "Z"
        case .diamond:
            let t = 1.25 * r
            command("M", PixelPoint(x: p.x, y: p.y - t))
            command("L", PixelPoint(x: p.x + t, y: p.y))
            command("L", PixelPoint(x: p.x, y: p.y + t))
            command("L", PixelPoint(x: p.x - t, y: p.y))
            data += "Z"
        case .cross:
            let d = 0.9 * r
            command("M", PixelPoint(x: p.x - d, y: p.y - d))
            command("L", PixelPoint(x: p.x + d, y: p.y + d))
            command("M", PixelPoint(x: p.x - d, y: p.y + d))
            command("L", PixelPoint(x: p.x + d, y: p.y - d))
        case .plus:
            let d = 1.1 * r
            command("M", PixelPoint(x: p.x - d, y: p.y))
            data += "H" + n(p.x + d)
            command("M", PixelPoint(x: p.x, y: p.y - d))
            data += "V" + n(p.y + d)
        }
    }
}
