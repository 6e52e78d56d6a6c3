import Foundation

/// The article `weave new NAME` creates: front matter, a block, an inline value, a
/// claim and a plot — it renders and checks green as it is.
public enum ArticleTemplate {
    public static func text(title: String, date: String) -> String {
        let safeTitle = title.replacingOccurrences(of: "\"", with: "\\\"")
        return """
        ---
        title: "\(safeTitle)"
        date: \(date)
        description: A new Weave article.
        ---

        Write prose with math such as $\\sum_{k=1}^{n} k^2 = \\frac{n(n+1)(2n+1)}{6}$, and
        Swift that computes what the prose states:

        ```{swift}
        let n = 10
        let squares = (1...n).map { $0 * $0 }
        let total = squares.reduce(0, +)
        print("sum of the first \\(n) squares:", total)
        claim(total == n * (n + 1) * (2 * n + 1) / 6, "the closed form for the sum of squares")
        ```

        The sum is `{swift} total`, and the closed form gives `{swift} n * (n + 1) * (2 * n + 1) / 6 == 385`.

        ```{swift}
        //| label: fig-squares
        //| caption: The first ten squares.
        var plot = Plot(title: "Squares", xLabel: "k", yLabel: "k²")
        plot.line(Array(1...n), squares, label: "k²", marker: .circle)
        show(plot)
        ```

        @fig-squares shows them growing quadratically.

        """
    }

    /// `NAME` → `NAME.md`; refuses to overwrite.
    public static func create(name: String, date: Date = Date()) throws -> String {
        let path = name.hasSuffix(".md") ? name : name + ".md"
        if FileIO.exists(path) {
            throw UsageError("'\(path)' already exists; choose another name or delete it first")
        }
        let base = FileIO.basename(path).dropLast(3)
        let title = base.split(whereSeparator: { $0 == "-" || $0 == "_" }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.locale = Locale(identifier: "en_US_POSIX")
        try FileIO.writeAtomically(Array(text(title: title.isEmpty ? "New article" : title, date: f.string(from: date)).utf8), to: path)
        return path
    }
}
