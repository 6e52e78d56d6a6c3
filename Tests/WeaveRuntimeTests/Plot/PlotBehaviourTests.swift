import Testing
@testable import WeaveRuntime

/// The `d` attribute of every `<path>` whose stroke is `color` (data series).
private func paths(_ svg: String, stroke color: String) -> [String] {
    svg.split(separator: "\n").filter { $0.hasPrefix("<path d=") && $0.contains("stroke=\"\(color)\"") }.map { line in
        let start = line.range(of: "d=\"")!.upperBound
        let end = line[start...].firstIndex(of: "\"")!
        return String(line[start..<end])
    }
}

private func count(_ needle: Character, in s: String) -> Int { s.filter { $0 == needle }.count }

@Suite("Plot data handling")
struct PlotDataTests {
    @Test("NaN and ±infinity are dropped, break the line, and are reported once")
    func nonFinite() {
        var p = Plot()
        p.line([1, 2, 3, 4, 5, 6, 7], [1, 2, .nan, 4, 5, .infinity, 7], label: "x")
        p.legend = .hidden
        #expect(p.warnings == ["dropped 2 non-finite points from series 'x'"])
        let d = paths(p.svg(), stroke: "#0072b2")
        #expect(d.count == 1)
        // Runs: (1,2) and (4,5); the lone point 7 draws no line.
        #expect(count("M", in: d[0]) == 2)
        #expect(count("L", in: d[0]) == 2)
    }

    @Test("non-finite x values and unlabelled series are named by number")
    func unlabelled() {
        var p = Plot()
        p.line([0, 1], [0, 1])
        p.scatter([Double.nan, 1, -Double.infinity], [1, 1, 1])
        #expect(p.warnings == ["dropped 2 non-finite points from series 2"])
    }

    @Test("log axes drop non-positive values with a warning naming the axis")
    func logDrops() {
        var p = Plot(yScale: .log)
        p.line([1, 2, 3, 4], [0, 1, -5, 10], label: "err")
        #expect(p.warnings == ["dropped 2 non-positive points from series 'err' (log y axis)"])
        var q = Plot(xScale: .log, yScale: .log)
        q.scatter([0, 1, 10], [1, 1, 1])
        #expect(q.warnings == ["dropped 1 non-positive point from series 1 (log axes)"])
        // The same data on linear axes is fine.
        var r = Plot()
        r.line([1, 2, 3, 4], [0, 1, -5, 10])
        #expect(r.warnings.isEmpty)
    }

    @Test("a series with nothing to draw, an empty plot")
    func empty() {
        var p = Plot(title: "empty")
        p.line([Double](), [Double](), label: "e")
        #expect(p.warnings == ["series 'e' has no points to draw", "the plot has no data to draw"])
        let svg = p.svg()
        #expect(xmlProblems(svg).isEmpty)
        #expect(svg.contains(">0.0</text>") && svg.contains(">1.0</text>"))  // default 0…1 axes
    }

    @Test("a single point gets a padded range with good ticks")
    func singlePoint() {
        var p = Plot()
        p.scatter([3], [5])
        #expect(p.warnings.isEmpty)
        let svg = p.svg()
        // y: 4.5…5.5 → ticks 4.6 … 5.4; x: 2.7…3.3 → 2.8, 3.0, 3.2 (steps of 0.1 or 0.2).
        #expect(svg.contains(">5.0</text>"))
        #expect(svg.contains(">3.0</text>"))
        #expect(xmlProblems(svg).isEmpty)
    }

    @Test("a zero-width user range is padded; tiny data ranges keep distinct labels")
    func tinyRanges() {
        var p = Plot()
        p.line([1.0000001, 1.00000015, 1.0000002], [1, 2, 3])
        p.yRange = 2...2
        let svg = p.svg()
        #expect(svg.contains(">1.00000012</text>"))
        #expect(svg.contains(">2.00</text>"))  // 1.8…2.2 in steps of 0.05
    }

    @Test("log axis over 1e-12…1 labels every few decades")
    func logTwelve() {
        var p = Plot(yScale: .log)
        p.line([0, 1, 2], [1e-12, 1e-6, 1])
        let svg = p.svg()
        #expect(svg.contains(">1e\u{2212}12</text>"))
        #expect(svg.contains(">1e\u{2212}6</text>") || svg.contains(">1e\u{2212}8</text>"))
        #expect(svg.contains(">1</text>"))
    }

    @Test("quiver: non-finite field values are skipped with a warning; zero vectors are dots")
    func quiverWarnings() {
        var p = Plot()
        p.quiver(xRange: -1...1, yRange: -1...1, grid: 3) { x, y in
            x == 1 && y == 1 ? (.nan, 0) : (x, y)
        }
        #expect(p.warnings == ["quiver: skipped 1 grid node where the field is not finite"])
        let svg = p.svg()
        #expect(svg.contains("a1.25 1.25 0 1 0 2.5 0"))  // the dot at the origin
        #expect(xmlProblems(svg).isEmpty)
    }

    @Test("reference lines and text that cannot be placed are reported")
    func invalidAnnotations() {
        var p = Plot(yScale: .log)
        p.line([1, 2], [1, 10])
        p.hline(0)
        p.vline(.nan)
        p.text("here", x: 1, y: -1)
        #expect(p.warnings == [
            "hline at 0 skipped: not on the log axis",
            "vline at nan skipped: not on the axis",
            "text 'here' skipped: its point (1, -1) is not on the axes",
        ])
    }

    @Test("options that cannot apply are reported, not trapped")
    func inapplicableOptions() {
        var p = Plot(xScale: .log, equalAspect: true)
        p.line([1, 10], [1, 2])
        p.xRange = 0...10
        #expect(p.warnings == ["equalAspect ignored: it needs two linear axes",
                               "xRange 0…10 ignored: a log axis needs positive limits"])
        #expect(xmlProblems(p.svg()).isEmpty)
    }

    @Test("integer and Float inputs")
    func genericInputs() {
        var p = Plot()
        p.line([1, 2, 3], [Float(1), 4, 9])
        p.scatter([Int32(1), 2], [UInt64(3), 4])
        #expect(p.warnings.isEmpty)
    }

    @Test("trajectory from multi-variable states picks the requested components")
    func trajectoryStates() {
        var p = Plot()
        p.trajectory(states: [[1, 2, 3, 4], [5, 6, 7, 8]], components: (0, 2))
        guard case .series(let s) = p.elements[0] else { Issue.record("no series"); return }
        #expect(s.xs == [1, 5] && s.ys == [3, 7])
        var q = Plot()
        q.trajectory([(1.0, 2.0), (3.0, 4.0)])
        guard case .series(let t) = q.elements[0] else { Issue.record("no series"); return }
        #expect(t.xs == [1, 3] && t.ys == [2, 4])
    }

    @Test("function sampling: evenly on linear axes, geometrically on log axes")
    func functionSampling() {
        var p = Plot()
        p.function(over: 0...1, samples: 5) { $0 * $0 }
        guard case .series(let s) = p.elements[0] else { Issue.record("no series"); return }
        #expect(s.xs == [0, 0.25, 0.5, 0.75, 1])
        #expect(s.ys == [0, 0.0625, 0.25, 0.5625, 1])
        var q = Plot(xScale: .log)
        q.function(over: 1...100, samples: 3) { $0 }
        guard case .series(let t) = q.elements[0] else { Issue.record("no series"); return }
        #expect(t.xs.count == 3 && t.xs[0] == 1 && t.xs[2] == 100 && abs(t.xs[1] - 10) < 1e-12)
    }
}

@Suite("Plot output")
struct PlotOutputTests {
    @Test("deterministic: same plot, same bytes; a rebuilt plot gives the same bytes")
    func deterministic() {
        for name in ["line", "loglog", "scatter", "phase"] {
            let a = GoldenPlots.named(name)!, b = GoldenPlots.named(name)!
            let first = a.svg()
            #expect(first == a.svg())
            #expect(first == b.svg())
        }
    }

    @Test("XML escaping of title, labels, legend and annotations")
    func escaping() {
        var p = Plot(title: "a<b & \"c\" 'd'", xLabel: "x > 0", yLabel: "f & g")
        p.line([0, 1], [0, 1], label: "<script>")
        p.text("p&q", x: 0.5, y: 0.5)
        let svg = p.svg()
        #expect(svg.contains("<title>a&lt;b &amp; &quot;c&quot; &apos;d&apos;</title>"))
        #expect(svg.contains(">x &gt; 0</text>"))
        #expect(svg.contains(">f &amp; g</text>"))
        #expect(svg.contains(">&lt;script&gt;</text>"))
        #expect(svg.contains(">p&amp;q</text>"))
        #expect(!svg.contains("<script>") && !svg.contains("<b "))
        #expect(xmlProblems(svg).isEmpty, "\(xmlProblems(svg))")
    }

    @Test("control characters, which XML forbids, are removed")
    func controlCharacters() {
        var p = Plot(title: "bell\u{7} and nul\u{0}")
        p.line([0, 1], [0, 1])
        #expect(p.svg().contains("<title>bell and nul</title>"))
    }

    @Test("document shape: size, viewBox, scalable style, title, font stack, trailing newline")
    func documentShape() {
        var p = Plot(title: "T", width: 500, height: 300)
        p.line([0, 1], [0, 1])
        let svg = p.svg()
        let first = svg.split(separator: "\n")[0]
        #expect(first == "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"500\" height=\"300\" viewBox=\"0 0 500 300\" style=\"max-width:100%;height:auto\" font-family=\"system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif\" role=\"img\">")
        #expect(svg.split(separator: "\n")[1] == "<title>T</title>")
        #expect(svg.hasSuffix("</svg>\n"))
        #expect(!svg.contains("id="))
    }

    @Test("accessible title falls back to the axis labels")
    func fallbackTitle() {
        var p = Plot(xLabel: "n", yLabel: "error")
        p.line([1, 2], [1, 2])
        #expect(p.svg().contains("<title>Plot of error against n</title>"))
        var q = Plot()
        q.line([1, 2], [1, 2])
        #expect(q.svg().contains("<title>Plot</title>"))
    }

    @Test("aspect ratio keeps the width")
    func aspect() {
        var p = Plot()
        p.aspectRatio = 1
        #expect(p.width == 640 && p.height == 640)
        p.aspectRatio = 16.0 / 9.0
        #expect(p.height == 360)
    }

    @Test("every coordinate has at most two decimals")
    func precision() {
        let svg = GoldenPlots.named("phase")!.svg()
        var digitsAfterPoint = 0, inNumber = false, afterPoint = false, worst = 0
        for c in svg {
            if c.isNumber {
                if afterPoint { digitsAfterPoint += 1; worst = max(worst, digitsAfterPoint) }
                inNumber = true
            } else if c == "." && inNumber {
                afterPoint = true
                digitsAfterPoint = 0
            } else {
                inNumber = false
                afterPoint = false
            }
        }
        #expect(worst == 2)
    }

    @Test("long lines are simplified and clipped to the plot area")
    func simplification() {
        var p = Plot()
        let xs = (0..<100_000).map { Double($0) / 100_000 }
        p.line(xs, xs.map { $0 * 2 }, label: "straight")
        p.legend = .hidden
        p.xRange = 0...0.5
        let d = paths(p.svg(), stroke: "#0072b2")
        #expect(d.count == 1)
        #expect(count("L", in: d[0]) <= 2)  // a straight line keeps its end points only
    }

    @Test("legend avoids data: data in the top right pushes it to the top left")
    func legendPlacement() {
        var p = Plot()
        p.scatter([0, 0.9, 1, 1, 0.95], [0, 0.9, 1, 0.95, 1], label: "points")
        let svg = p.svg()
        let legend = svg.split(separator: "\n").first { $0.contains("rx=\"3\"") }!
        let x = Double(legend.split(separator: "\"")[1])!
        #expect(x < 320)  // left half of a 640-px-wide plot
    }

    @Test("legend outside when it cannot avoid data; hidden legend draws none")
    func legendOutsideAndHidden() {
        var p = Plot()
        // Rows of arrows 17 px apart leave no room for the 26-px-tall legend box.
        p.quiver(xRange: 0...1, yRange: 0...1, grid: 20, label: "field") { _, _ in (1, 0) }
        let svg = p.svg()
        let legend = svg.split(separator: "\n").first { $0.contains("rx=\"3\"") }!
        let frame = svg.split(separator: "\n").first { $0.hasPrefix("<rect x=") && $0.contains("fill=\"none\"") }!
        let legendX = Double(legend.split(separator: "\"")[1])!
        let fields = frame.split(separator: "\"")
        let frameRight = Double(fields[1])! + Double(fields[5])!
        #expect(legendX > frameRight)
        p.legend = .hidden
        #expect(!p.svg().contains("rx=\"3\""))
    }

    @Test("equal aspect: one data unit has the same length on both axes")
    func equalAspect() {
        var p = Plot(equalAspect: true)
        p.line([-1, 1], [-1, 1])
        let r = PlotRenderer(plot: p)
        let layout = r.layout(legendWidth: nil)
        let ux = (layout.x.hi - layout.x.lo) / layout.rect.width
        let uy = (layout.y.hi - layout.y.lo) / layout.rect.height
        #expect(abs(ux - uy) / ux < 1e-9)
    }
}

@Suite("Plot helpers")
struct PlotHelperTests {
    @Test("SVG numbers: two decimals, half away from zero, no -0, no exponent")
    func numbers() {
        #expect(SVGText.number(12.5) == "12.5")
        #expect(SVGText.number(3.14159) == "3.14")
        #expect(SVGText.number(2.004) == "2")
        #expect(SVGText.number(2.005) == "2.01")   // 2.005 × 100 rounds to 200.5, then away from 0
        #expect(SVGText.number(0.125) == "0.13")
        #expect(SVGText.number(-0.001) == "0")
        #expect(SVGText.number(-1.5) == "-1.5")
        #expect(SVGText.number(0.05) == "0.05")
        #expect(SVGText.number(100) == "100")
        #expect(SVGText.number(1e300) == "10000000")
        #expect(SVGText.number(.nan) == "0")
    }

    @Test("text width estimates use Helvetica metrics")
    func widths() {
        // "10": two digits of 556/1000 em at 10 px, times the 1.1 safety factor.
        #expect(abs(SVGText.textWidth("10", fontSize: 10) - 12.232) < 1e-9)
        #expect(SVGText.textWidth("中文", fontSize: 10) == 22)
    }

    @Test("Liang–Barsky clipping")
    func clipping() {
        let r = PixelRect(x: 0, y: 0, width: 10, height: 10)
        let c = PlotGeometry.clip(PixelPoint(x: -5, y: 5), PixelPoint(x: 15, y: 5), to: r)
        #expect(c?.t0 == 0.25 && c?.t1 == 0.75)
        #expect(PlotGeometry.clip(PixelPoint(x: -5, y: -5), PixelPoint(x: -1, y: 20), to: r) == nil)
        let pieces = PlotGeometry.clipPolyline([PixelPoint(x: 5, y: 5), PixelPoint(x: 15, y: 5), PixelPoint(x: 15, y: 8), PixelPoint(x: 5, y: 8)], to: r)
        #expect(pieces == [[PixelPoint(x: 5, y: 5), PixelPoint(x: 10, y: 5)], [PixelPoint(x: 10, y: 8), PixelPoint(x: 5, y: 8)]])
    }

    @Test("Douglas–Peucker keeps corners and drops collinear points")
    func simplify() {
        let pts = [PixelPoint(x: 0, y: 0), PixelPoint(x: 1, y: 0.01), PixelPoint(x: 2, y: 0), PixelPoint(x: 2, y: 5), PixelPoint(x: 0, y: 0)]
        let s = PlotGeometry.simplify(pts, tolerance: 0.1)
        #expect(s == [PixelPoint(x: 0, y: 0), PixelPoint(x: 2, y: 0), PixelPoint(x: 2, y: 5), PixelPoint(x: 0, y: 0)])
    }

    @Test("colours")
    func colours() {
        #expect(PlotColor(hex: "#0072B2").hex == "#0072b2")
        #expect(PlotColor(hex: "ff8000") == PlotColor(red: 255, green: 128, blue: 0))
        #expect(PlotColor.palette.count == 8)
        #expect(Set(PlotColor.palette).count == 8)
    }
}
