import Testing
@testable import Weave

/// Inputs on which the fuzzer (Fuzz/run.sh) or the review of bounded parse time found a
/// bug. Every one must now satisfy all of `RenderInvariants` (Fuzz/README.md), and each
/// fix has its own test of the behaviour it restored.
struct FuzzRegressionTests {
    /// The minimised failing inputs, oldest first (Fuzz/make_corpus.py adds them to the
    /// seed corpus, so keep them string literals).
    static let inputs: [String] = [
        // 1. A numeric character reference to the placeholder marker forged a placeholder
        //    in a link destination / an info string: `$x$` came back twice.
        "$x$ [a](&#xE000;0&#xE001;)\n",
        "$x$\n\n```&#xE000;0&#xE001;\ncode\n```\n",
        "$x$ [a](&#x0000E000;0&#57345;)\n",
        // 2. `~` in a link destination was percent-encoded; cmark keeps it.
        "[a](https://example.com/~user)\n",
        // 3. Math inside an autolink: the placeholder went into both its destination and
        //    its text (math restored twice); math crossing its '>' broke the autolink.
        "<ht:$=$>\n",
        "See <https://example.com/q?$filter=a$b> and <$x$@example.com>.\n",
        "<ht:$a>$ and <ht:@fig-x> @fig-x\n",
        //    A NUL in an autolink (cmark reads it as U+FFFD, which autolinks allow).
        "<hp:$\u{0}$>\n",
    ]

    @Test(arguments: inputs)
    func invariantsHold(_ input: String) {
        let violations = RenderInvariants.check(Array(input.utf8))
        #expect(violations.isEmpty, "\(input.debugDescription): \(violations)")
    }

    // MARK: 1. Forged placeholders

    @Test func characterReferencesToTheMarkerStayText() {
        #expect(htmlBody("$x$ [a](&#xE000;0&#xE001;)\n")
            == "<p><span class=\"math inline\">\\(x\\)</span> <a href=\"%EE%80%800%EE%80%81\">a</a></p>\n")
        #expect(htmlBody("$x$\n\n```&#xE000;0&#xE001;\ncode\n```\n")
            == "<p><span class=\"math inline\">\\(x\\)</span></p>\n<pre><code class=\"language-\u{E000}0\u{E001}\">code\n</code></pre>\n")
    }

    @Test func markerAvoidsEveryPrivateUseScalarOfTheSource() {
        // The first 32 marker pairs of the old scheme all used: the marker moves on.
        var text = ""
        for k in 0..<64 { text.unicodeScalars.append(Unicode.Scalar(0xE000 + UInt32(k))!) }
        text += " and &#xE040; &#57409; then \u{E000}0\u{E001} and $x$.\n"
        let marker = SourceScanner.chooseMarker(Array(text.utf8))
        #expect(marker.start == Array("\u{E042}".utf8) && marker.end == Array("\u{E043}".utf8))
        #expect(RenderInvariants.check(Array(text.utf8)).isEmpty)
        #expect(parse(text).math.count == 1)
    }

    // MARK: 2. Link destinations

    @Test func tildeInDestinationIsKept() {
        #expect(htmlBody("[a](https://example.com/~user)\n", compatible: true)
            == "<p><a href=\"https://example.com/~user\">a</a></p>\n")
    }

    // MARK: 3. Autolinks

    @Test func autolinksHoldNoMath() {
        #expect(htmlBody("<ht:$=$>\n") == "<p><a href=\"ht:$=$\">ht:$=$</a></p>\n")
        #expect(htmlBody("<$x$@example.com> $y$\n")
            == "<p><a href=\"mailto:$x$@example.com\">$x$@example.com</a> <span class=\"math inline\">\\(y\\)</span></p>\n")
        let doc = parse("<ht:$a>$ and $b$\n")
        #expect(doc.math.map(\.tex) == ["b"])
        #expect(htmlBody("<ht:$a>$ and $b$\n").hasPrefix("<p><a href=\"ht:$a\">ht:$a</a>$ and "))
        let bytes = Array("See <https://example.com/q?$filter=a$b>.\n".utf8)
        #expect(markdownOutput(bytes) == bytes)
    }
}
