import Foundation
import Testing
@testable import WeaveRuntime

// Golden SVGs live in Tests/WeaveRuntimeTests/Plot/Golden/. They are compared byte for
// byte; to accept a deliberate change, look at the new rendering first, then run
//   WEAVE_UPDATE_GOLDEN=1 swift test --skip-build --filter PlotGoldenTests
// which rewrites the files (and passes). Without the variable a missing golden fails.
// The goldens are read from the source tree (so an update is seen without a rebuild),
// or, when the source tree is not there, from the test bundle's copy
// (`resources: [.copy("Plot/Golden")]`).
//
// Checked by hand (2026-11-29, and again after each golden update): every golden parses
// with python3's `xml.dom.minidom.parseString`, and `rsvg-convert -z 1.5 X.svg -o X.png`
// renders it; the PNGs were inspected by eye (axes, ticks, legend clear of the data,
// arrows visible). Command:
//   for f in Tests/WeaveRuntimeTests/Plot/Golden/*.svg; do
//     python3 -c "import sys, xml.dom.minidom as m; m.parseString(open(sys.argv[1], 'rb').read())" "$f"
//     rsvg-convert -z 1.5 "$f" -o "/tmp/$(basename "$f" .svg).png"; done

enum Golden {
    static func check(_ name: String, _ svg: String, filePath: String = #filePath) throws {
        let dir = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Golden")
        let url = dir.appendingPathComponent(name + ".svg")
        if ProcessInfo.processInfo.environment["WEAVE_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data(svg.utf8).write(to: url, options: .atomic)
            return
        }
        // The bundle copy is only for a build whose source tree is gone.
        let source = FileManager.default.fileExists(atPath: dir.path)
        let bundled = Bundle.module.url(forResource: "Golden", withExtension: nil)?.appendingPathComponent(name + ".svg")
        guard let data = source ? FileManager.default.contents(atPath: url.path) : bundled.flatMap({ FileManager.default.contents(atPath: $0.path) }) else {
            Issue.record("missing golden \(url.path); create it with WEAVE_UPDATE_GOLDEN=1")
            return
        }
        let expected = String(decoding: data, as: UTF8.self)
        #expect(svg == expected, "\(name).svg differs from its golden; inspect, then WEAVE_UPDATE_GOLDEN=1")
    }
}

/// A minimal XML well-formedness check for our SVG: balanced tags, quoted attributes,
/// no raw `<` or stray `&` in text. Returns the problems found (empty when fine).
func xmlProblems(_ s: String) -> [String] {
    var problems: [String] = []
    var stack: [String] = []
    let chars = Array(s.unicodeScalars)
    var i = 0
    func isNameChar(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "-" || c == ":" || c == "_"
    }
    func checkEntities(_ text: [Unicode.Scalar]) {
        var k = 0
        while k < text.count {
            if text[k] == "&" {
                let rest = String(String.UnicodeScalarView(text[k...].prefix(7)))
                if !["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].contains(where: { rest.hasPrefix($0) }) {
                    problems.append("stray & near \(rest)")
                }
            }
            k += 1
        }
    }
    var text: [Unicode.Scalar] = []
    while i < chars.count {
        if chars[i] != "<" {
            text.append(chars[i])
            i += 1
            continue
        }
        checkEntities(text)
        text = []
        guard let close = chars[i...].firstIndex(of: ">") else {
            problems.append("unterminated tag")
            break
        }
        let tag = Array(chars[(i + 1)..<close])
        i = close + 1
        if tag.first == "/" {
            let name = String(String.UnicodeScalarView(tag.dropFirst()))
            if stack.popLast() != name { problems.append("unbalanced </\(name)>") }
            continue
        }
        let selfClosing = tag.last == "/"
        var j = 0
        while j < tag.count && isNameChar(tag[j]) { j += 1 }
        let name = String(String.UnicodeScalarView(tag[..<j]))
        if name.isEmpty { problems.append("empty tag name") }
        // Attributes: name="value" pairs; values contain no '<' or raw '"'.
        let body = Array(tag[j..<(selfClosing ? tag.count - 1 : tag.count)])
        var k = 0
        while k < body.count {
            if body[k] == " " { k += 1; continue }
            var n = k
            while n < body.count && isNameChar(body[n]) { n += 1 }
            guard n > k, n + 1 < body.count, body[n] == "=", body[n + 1] == "\"" else {
                problems.append("bad attribute in <\(name)>")
                break
            }
            guard let end = body[(n + 2)...].firstIndex(of: "\"") else {
                problems.append("unterminated attribute in <\(name)>")
                break
            }
            let value = Array(body[(n + 2)..<end])
            if value.contains("<") { problems.append("'<' in attribute of <\(name)>") }
            checkEntities(value)
            k = end + 1
        }
        if !selfClosing { stack.append(name) }
    }
    checkEntities(text)
    if !stack.isEmpty { problems.append("unclosed: \(stack)") }
    return problems
}

/// The plots of the golden files (deterministic data, no randomness).
enum GoldenPlots {
    /// A damped oscillator: two lines, a dashed envelope with markers, a reference line.
    static func line() -> Plot {
        var p = Plot(title: "Damped oscillator x″ + x′/2 + x = 0", xLabel: "time t", yLabel: "state")
        let ts = (0...200).map { Double($0) * 0.1 }
        let omega = (1 - 1.0 / 16).squareRoot()
        let x = ts.map { exp(-$0 / 4) * cos(omega * $0) }
        let v = ts.map { t in exp(-t / 4) * (-cos(omega * t) / 4 - omega * sin(omega * t)) }
        p.line(ts, x, label: "position x(t)")
        p.line(ts, v, label: "velocity x′(t)")
        let coarse = stride(from: 0.0, through: 20.0, by: 2.0).map { $0 }
        p.line(coarse, coarse.map { exp(-$0 / 4) }, label: "envelope e^(−t/4)", style: .dashed, marker: .circle)
        p.hline(0)
        return p
    }

    /// Convergence of three quadrature rules on a log-log plot, errors down to 1e-18.
    static func logLog() -> Plot {
        var p = Plot(title: "Error against number of steps", xLabel: "steps n", yLabel: "absolute error",
                     xScale: .log, yScale: .log)
        let ns = (0...10).map { 10.0 * pow(2, Double($0)) }
        p.line(ns, ns.map { 0.5 / $0 }, label: "Euler, O(1/n)", marker: .circle)
        p.line(ns, ns.map { 0.1 / ($0 * $0) }, label: "midpoint, O(1/n²)", marker: .square)
        p.line(ns, ns.map { 0.05 / pow($0, 4) }, label: "Simpson, O(1/n⁴)", style: .dashDot, marker: .triangle)
        p.hline(2.220446049250313e-16, label: "double epsilon", style: .dotted, color: .black)
        return p
    }

    /// Three clusters of points with different markers (a fixed LCG, Box–Muller).
    static func scatter() -> Plot {
        var p = Plot(title: "Samples from three clusters", xLabel: "feature 1", yLabel: "feature 2")
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (Double(state >> 11) + 0.5) / 9_007_199_254_740_992
        }
        func normal() -> Double { (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform()) }
        let centres: [(Double, Double, String, Marker)] = [(-2, 0, "cluster A", .circle), (1.5, 2, "cluster B", .square),
                                                           (2, -1.5, "cluster C", .triangle)]
        for (cx, cy, label, marker) in centres {
            let xs = (0..<40).map { _ in cx + 0.6 * normal() }
            let ys = (0..<40).map { _ in cy + 0.6 * normal() }
            p.scatter(xs, ys, label: label, marker: marker)
        }
        p.scatter([0], [0], label: "origin", marker: .cross, color: .black, markerSize: 5)
        return p
    }

    /// The linearised Dirac GAN with a gradient penalty: φ′ = −θ − 2λφ, θ′ = φ.
    static func phasePortrait() -> Plot {
        var p = Plot(title: "Dirac GAN: gradient descent–ascent", xLabel: "discriminator φ",
                     yLabel: "generator θ", height: 480, equalAspect: true)
        p.quiver(xRange: -1.5...1.5, yRange: -1.5...1.5, grid: 15) { phi, theta in (-theta - 0.2 * phi, phi) }
        for (lambda, label, steps) in [(0.0, "λ = 0: circles forever", 315), (0.1, "λ = 0.1: spirals in", 1500)] {
            var state = (1.2, 0.0)
            var phis = [state.0], thetas = [state.1]
            let h = 0.02
            func f(_ s: (Double, Double)) -> (Double, Double) { (-s.1 - 2 * lambda * s.0, s.0) }
            for _ in 0..<steps {
                let k1 = f(state)
                let k2 = f((state.0 + h / 2 * k1.0, state.1 + h / 2 * k1.1))
                let k3 = f((state.0 + h / 2 * k2.0, state.1 + h / 2 * k2.1))
                let k4 = f((state.0 + h * k3.0, state.1 + h * k3.1))
                state = (state.0 + h / 6 * (k1.0 + 2 * k2.0 + 2 * k3.0 + k4.0),
                         state.1 + h / 6 * (k1.1 + 2 * k2.1 + 2 * k3.1 + k4.1))
                phis.append(state.0)
                thetas.append(state.1)
            }
            p.trajectory(phis, thetas, label: label, arrows: 4)
        }
        p.scatter([0], [0], marker: .diamond, color: .black, markerSize: 4)
        p.text("equilibrium", x: 0.1, y: -0.15)
        return p
    }

    static func named(_ name: String) -> Plot? {
        switch name {
        case "line": return line()
        case "loglog": return logLog()
        case "scatter": return scatter()
        case "phase": return phasePortrait()
        default: return nil
        }
    }
}

@Suite("Plot goldens")
struct PlotGoldenTests {
    @Test("golden SVG", arguments: ["line", "loglog", "scatter", "phase"])
    func golden(_ name: String) throws {
        let plot = try #require(GoldenPlots.named(name))
        #expect(plot.warnings.isEmpty)
        let svg = plot.svg()
        #expect(xmlProblems(svg).isEmpty, "\(xmlProblems(svg))")
        try Golden.check(name, svg)
    }
}
