/// A point in SVG pixel coordinates (y grows downwards).
struct PixelPoint: Sendable, Equatable {
    var x: Double
    var y: Double
}

/// An axis-aligned rectangle in pixels.
struct PixelRect: Sendable, Equatable {
    var x: Double
    var y: Double
    var width: Double
    var height: Double

    var maxX: Double { x + width }
    var maxY: Double { y + height }

    func contains(_ p: PixelPoint, tolerance: Double = 0) -> Bool {
        p.x >= x - tolerance && p.x <= maxX + tolerance && p.y >= y - tolerance && p.y <= maxY + tolerance
    }

    func intersects(_ other: PixelRect) -> Bool {
        x < other.maxX && other.x < maxX && y < other.maxY && other.y < maxY
    }

    func insetBy(_ d: Double) -> PixelRect {
        PixelRect(x: x + d, y: y + d, width: width - 2 * d, height: height - 2 * d)
    }
}

enum PlotGeometry {
    /// Liang–Barsky clipping of the segment a→b to `r`: the parameters t0 ≤ t1 in [0, 1]
    /// of the visible part, or nil. (Liang & Barsky, "A new concept and method for line
    /// clipping", ACM TOG 3(1), 1984.) O(1).
    static func clip(_ a: PixelPoint, _ b: PixelPoint, to r: PixelRect) -> (t0: Double, t1: Double)? {
        let dx = b.x - a.x, dy = b.y - a.y
        var t0 = 0.0, t1 = 1.0
        for (p, q) in [(-dx, a.x - r.x), (dx, r.maxX - a.x), (-dy, a.y - r.y), (dy, r.maxY - a.y)] {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let t = q / p
                if p < 0 {
                    if t > t1 { return nil }
                    if t > t0 { t0 = t }
                } else {
                    if t < t0 { return nil }
                    if t < t1 { t1 = t }
                }
            }
        }
        return (t0, t1)
    }

    /// Clips a polyline to `r`; returns the visible pieces as polylines (≥ 2 points each).
    /// O(n).
    static func clipPolyline(_ points: [PixelPoint], to r: PixelRect) -> [[PixelPoint]] {
        guard points.count >= 2 else { return [] }
        var pieces: [[PixelPoint]] = []
        var current: [PixelPoint] = []
        for i in 1..<points.count {
            let a = points[i - 1], b = points[i]
            guard let (t0, t1) = clip(a, b, to: r) else {
                if current.count >= 2 { pieces.append(current) }
                current = []
                continue
            }
            let start = t0 == 0 ? a : PixelPoint(x: a.x + t0 * (b.x - a.x), y: a.y + t0 * (b.y - a.y))
            let end = t1 == 1 ? b : PixelPoint(x: a.x + t1 * (b.x - a.x), y: a.y + t1 * (b.y - a.y))
            if t0 != 0 || current.isEmpty {
                if current.count >= 2 { pieces.append(current) }
                current = [start]
            }
            current.append(end)
            if t1 != 1 {
                pieces.append(current)
                current = []
            }
        }
        if current.count >= 2 { pieces.append(current) }
        return pieces
    }

    /// Ramer–Douglas–Peucker simplification: drops points closer than `tolerance` pixels
    /// to the chord of their neighbours (invisible at that tolerance). Iterative; worst
    /// case O(n²), typically O(n log n). (Douglas & Peucker, Cartographica 10(2), 1973.)
    static func simplify(_ points: [PixelPoint], tolerance: Double) -> [PixelPoint] {
        guard points.count > 2 else { return points }
        var keep = [Bool](repeating: false, count: points.count)
        keep[0] = true
        keep[points.count - 1] = true
        var stack: [(Int, Int)] = [(0, points.count - 1)]
        let tol2 = tolerance * tolerance
        while let (first, last) = stack.popLast() {
            guard last - first > 1 else { continue }
            let a = points[first], b = points[last]
            let dx = b.x - a.x, dy = b.y - a.y
            let len2 = dx * dx + dy * dy
            var worst = -1.0, worstIndex = first
            for i in (first + 1)..<last {
                let p = points[i]
                var d2: Double
                if len2 == 0 {
                    d2 = (p.x - a.x) * (p.x - a.x) + (p.y - a.y) * (p.y - a.y)
                } else {
                    // Distance to the segment (not the infinite line), so back-tracking
                    // paths keep their turning points.
                    let t = Swift.max(0, Swift.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2))
                    let qx = a.x + t * dx - p.x, qy = a.y + t * dy - p.y
                    d2 = qx * qx + qy * qy
                }
                if d2 > worst {
                    worst = d2
                    worstIndex = i
                }
            }
            if worst > tol2 {
                keep[worstIndex] = true
                stack.append((first, worstIndex))
                stack.append((worstIndex, last))
            }
        }
        var out: [PixelPoint] = []
        out.reserveCapacity(points.count)
        for (i, p) in points.enumerated() where keep[i] { out.append(p) }
        return out
    }

    /// Whether the segment a→b meets the rectangle.
    static func segmentMeets(_ a: PixelPoint, _ b: PixelPoint, _ r: PixelRect) -> Bool {
        clip(a, b, to: r) != nil
    }
}
