import Testing
@testable import WeaveRuntime

// Expected strings are written by hand from the GFM spec (§4.10, "Tables (extension)")
// and the HTML spec's escaping rules; the cell texts follow NumberFormat's tested rules.

@Suite("Table building")
struct TableBuildingTests {
    @Test("columns with formats; default alignment right for numbers, left for text")
    func byColumns() {
        var t = Table(caption: "Cost of one layer")
        t.column("n", [512, 1536, 4608])
        t.column("attention", [1.5e9, 1.2345e10, 9.0e10], format: .scientific(3))
        t.column("share", [0.25, 0.5, 0.6667], format: .percent(1))
        t.column("note", ["short", "equal", "quadratic"])
        let d = t.build()
        #expect(d.headers == ["n", "attention", "share", "note"])
        #expect(d.alignments == [.right, .right, .right, .left])
        #expect(d.rows == [
            ["512", "1.50e9", "25.0%", "short"],
            ["1536", "1.23e10", "50.0%", "equal"],
            ["4608", "9.00e10", "66.7%", "quadratic"],
        ])
        #expect(d.caption == "Cost of one layer")
    }

    @Test("rows of heterogeneous literals and variables")
    func byRows() {
        let err = 2.41e-3
        let steps = 1200
        var t = Table(headers: ["method", "error", "steps"],
                      rows: [["RK4", err, steps], ["Euler", 0.5, 12]],
                      formats: [.automatic, .fixed(4), .integer(grouping: true)])
        t.addRow("Heun", 1.0 / 3.0, 123_456)
        let d = t.build()
        #expect(d.rows == [
            ["RK4", "0.0024", "1,200"],
            ["Euler", "0.5000", "12"],
            ["Heun", "0.3333", "123,456"],
        ])
        #expect(d.alignments == [.left, .right, .right])
        #expect(d.caption == nil)
    }

    @Test("mixed, empty, optional and Bool cells; explicit alignment wins")
    func mixedCells() {
        var t = Table(headers: ["a", "b", "c", "d"])
        t.addRow(1, Optional<Double>.none, true, TableCell.empty)
        t.addRow("x", 2.5, false, TableCell.empty)
        t.setAlignment(.center, forColumn: "c")
        t.setFormat(.fixed(1), forColumn: "b")
        let d = t.build()
        #expect(d.rows == [["1", "", "true", ""], ["x", "2.5", "false", ""]])
        // a: mixed → left; b: numbers and an empty cell → right; c: explicit; d: empty → left
        #expect(d.alignments == [.left, .right, .center, .left])
    }

    @Test("integer cells print exactly; wide unsigned values become exact text")
    func integers() {
        var t = Table(caption: nil)
        t.column("big", [Int.max, -3])
        t.column("u", [UInt64.max, 7])
        let d = t.build()
        #expect(d.rows == [["9223372036854775807", "18446744073709551615"], ["-3", "7"]])
        #expect(d.alignments == [.right, .left])
    }

    @Test("a mixed column from existential cells")
    func mixedColumn() {
        var t = Table()
        t.column("value", cells: [1, 2.5, "n/a"], format: .fixed(1))
        let d = t.build()
        #expect(d.rows == [["1.0"], ["2.5"], ["n/a"]])
        #expect(d.alignments == [.left])
    }

    @Test("non-finite numbers")
    func nonFinite() {
        var t = Table()
        t.column("x", [Double.nan, .infinity, -.infinity], format: .fixed(2))
        #expect(t.build().rows == [["nan"], ["inf"], ["-inf"]])
    }

    @Test("TableCell literals and helpers")
    func cellLiterals() {
        let row: [TableCell] = [512, 1.5e-3, "RK4", .empty]
        #expect(row == [.integer(512), .number(1.5e-3), .text("RK4"), .empty])
        #expect(row.map(\.isNumeric) == [true, true, false, false])
        #expect(TableCell.number(0.125).formatted(.fixed(2)) == "0.12")
    }
}

@Suite("Table rendering")
struct TableRenderingTests {
    static let sample = TableData(
        headers: ["method", "error", "steps", "status"],
        alignments: [.left, .right, .right, .center],
        rows: [
            ["RK4", "2.41e-3", "1,200", "ok"],
            ["Euler", "0.5", "12", "diverged"],
        ],
        caption: "Errors at t = 1")

    @Test("markdown: header, separator per alignment, padded columns")
    func markdown() {
        let expected = """
        | method |   error | steps |  status  |
        | :----- | ------: | ----: | :------: |
        | RK4    | 2.41e-3 | 1,200 |    ok    |
        | Euler  |     0.5 |    12 | diverged |

        """
        #expect(Self.sample.markdown() == expected)
    }

    @Test("markdown: minimum widths give :---, ---: and :---:")
    func markdownNarrow() {
        let d = TableData(headers: ["a", "b", "c"], alignments: [.left, .right, .center], rows: [["1", "2", "3"]])
        let expected = """
        | a    |    b |   c   |
        | :--- | ---: | :---: |
        | 1    |    2 |   3   |

        """
        #expect(d.markdown() == expected)
    }

    @Test("markdown: pipes escaped, newlines become spaces, width counts Unicode scalars")
    func markdownEscaping() {
        let d = TableData(headers: ["expr", "value"], alignments: [.left, .right],
                          rows: [["a|b", "1"], ["line1\nline2\r\nline3", "2"], ["αβγ", "3"], ["", "4"]])
        let expected = """
        | expr              | value |
        | :---------------- | ----: |
        | a\\|b              |     1 |
        | line1 line2 line3 |     2 |
        | αβγ               |     3 |
        |                   |     4 |

        """
        #expect(d.markdown() == expected)
    }

    @Test("markdown: no rows gives header and separator only")
    func markdownEmpty() {
        let d = TableData(headers: ["x"], alignments: [.right], rows: [])
        #expect(d.markdown() == "|    x |\n| ---: |\n")
    }

    @Test("html: caption, thead, tbody, inline alignment styles")
    func html() {
        let expected = """
        <table>
        <caption>Errors at t = 1</caption>
        <thead>
        <tr><th style="text-align: left">method</th><th style="text-align: right">error</th><th style="text-align: right">steps</th><th style="text-align: center">status</th></tr>
        </thead>
        <tbody>
        <tr><td style="text-align: left">RK4</td><td style="text-align: right">2.41e-3</td><td style="text-align: right">1,200</td><td style="text-align: center">ok</td></tr>
        <tr><td style="text-align: left">Euler</td><td style="text-align: right">0.5</td><td style="text-align: right">12</td><td style="text-align: center">diverged</td></tr>
        </tbody>
        </table>

        """
        #expect(Self.sample.html() == expected)
    }

    @Test("html: escapes & < > \" in cells, headers and caption; no caption element without caption")
    func htmlEscaping() {
        let d = TableData(headers: ["a<b"], alignments: [.left],
                          rows: [["x & \"y\" > z"], ["two\n\nlines"]], caption: nil)
        let expected = """
        <table>
        <thead>
        <tr><th style="text-align: left">a&lt;b</th></tr>
        </thead>
        <tbody>
        <tr><td style="text-align: left">x &amp; &quot;y&quot; &gt; z</td></tr>
        <tr><td style="text-align: left">two  lines</td></tr>
        </tbody>
        </table>

        """
        #expect(d.html() == expected)
        let captioned = TableData(headers: ["x"], alignments: [.left], rows: [], caption: "<T&C>")
        #expect(captioned.html().contains("<caption>&lt;T&amp;C&gt;</caption>\n"))
    }

    @Test("Table forwards to TableData")
    func forwarding() {
        var t = Table(headers: ["k", "v"])
        t.addRow("pi", 3.14159)
        #expect(t.markdown() == t.build().markdown())
        #expect(t.html() == t.build().html())
        #expect(t.markdown() == "| k    |       v |\n| :--- | ------: |\n| pi   | 3.14159 |\n")
    }
}
