import Foundation
import Testing
@testable import Weave

/// The numeric settings (issue 15, item 4): exact edge cases, a fuzz run against a
/// regular-expression oracle, and the settings' errors in front matter, block options and
/// `weave.yml` at their lines.
struct SettingRulesTests {
    @Test func timeoutEdgeCases() {
        let accepted: [(String, Double)] = [
            ("60", 60), ("2.5", 2.5), ("1e3", 1000), (" 5 ", 5), ("+5", 5), (".5", 0.5), ("5.", 5),
            ("86400", 86_400), ("8.64e4", 86_400), ("1e-300", 1e-300), ("0.001", 0.001), ("\t7\t", 7),
        ]
        for (text, value) in accepted { #expect(SettingRules.timeout.parse(text) == value, "\(text)") }
        let refused = ["", " ", "0", "-0", "+0", "0.0", "-1", "-0.5", "nan", "NaN", "-nan", "inf", "+inf", "-inf",
                       ".inf", "infinity", "1e309", "1e300", "86400.0001", "86401", "0x10", "0X1p3", "9223372036854775808",
                       "4G", "1_000", "1,5", "٣", "３", "1e", "e5", ".", "+", "1e+", "5 s", "1e-400", "--5", "1.2.3",
                       "5\u{0}", String(repeating: "1", count: 70)]
        for text in refused { #expect(SettingRules.timeout.parse(text) == nil, "\(text.debugDescription)") }
    }

    @Test func countEdgeCases() {
        #expect(SettingRules.jobs.parse("4") == 4)
        #expect(SettingRules.jobs.parse("+4") == 4)
        #expect(SettingRules.jobs.parse("1") == 1)
        #expect(SettingRules.jobs.parse("1024") == 1024)
        #expect(SettingRules.processes.parse("65536") == 65_536)
        for text in ["0", "-1", "-0", "1025", "4.0", "1e3", "nan", "inf", "0x10", "9223372036854775808",
                     "99999999999999999999", "٣", "４", "", "4 jobs", "many"] {
            #expect(SettingRules.jobs.parse(text) == nil, "\(text)")
        }
        #expect(SettingRules.processes.parse("65537") == nil)
        #expect(SettingRules.processes.parse("0") == nil)
    }

    @Test func memoryEdgeCases() {
        let accepted: [(String, Int)] = [
            ("4G", 4 << 30), ("4g", 4 << 30), ("4GB", 4 << 30), ("4GiB", 4 << 30), ("512M", 512 << 20),
            ("64M", 64 << 20), ("1T", 1 << 40), ("4.5G", 4_831_838_208), ("1e3G", 1000 << 30),
            ("68719476736", 68_719_476_736), ("65536K", 64 << 20),
        ]
        for (text, value) in accepted { #expect(SettingRules.memory.parse(text) == value, "\(text)") }
        for text in ["63M", "1.5T", "2T", "1e30G", "nanG", "infG", "-4G", "0x10G", "G", "GB", "4X", "0", "4P",
                     "9223372036854775808", "1e300", "", "٣G", "4.5.6G", "100K"] {
            #expect(SettingRules.memory.parse(text) == nil, "\(text)")
        }
    }

    /// Thousands of random and near-valid strings: the parsers never trap, accept only
    /// in-range values, and agree with an independent oracle (a regular expression and
    /// the standard library's conversion) on which strings are valid.
    @Test func fuzzAgainstOracle() throws {
        let decimalPattern = try NSRegularExpression(pattern: "^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?\\z")
        let countPattern = try NSRegularExpression(pattern: "^\\+?[0-9]{1,18}\\z")
        func matches(_ r: NSRegularExpression, _ s: String) -> Bool {
            r.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
        }
        let tokens = ["0", "1", "2", "5", "9", "86400", "1024", "65536", ".", "e", "E", "+", "-", "x", "0x", "n", "a", "i",
                      "f", "nan", "inf", "G", "M", "K", "T", "B", "iB", " ", "\t", "٣", "１", "\u{0}", "_", ",", "1e309",
                      "9223372036854775808", "e-", "e+3", "ﬀ", "\n", "'"]
        var rng = SettingsFuzzGenerator(seed: 0x5EED_1234)
        var strings: [String] = []
        for _ in 0..<6000 {
            let n = Int(rng.next() % 8)
            strings.append((0..<n).map { _ in tokens[Int(rng.next() % UInt64(tokens.count))] }.joined())
        }
        // Near-valid numbers, so that the accepted side is exercised too.
        for _ in 0..<4000 {
            let mantissa = String(rng.next() % 200_000)
            let frac = rng.next() % 2 == 0 ? "" : "." + String(rng.next() % 1000)
            let exp = rng.next() % 3 == 0 ? "e" + String(Int(rng.next() % 12) - 6) : ""
            let sign = ["", "+", "-"][Int(rng.next() % 3)]
            let unit = ["", "K", "M", "G", "T", "GB"][Int(rng.next() % 6)]
            strings.append(sign + mantissa + frac + exp + unit)
        }
        var acceptedTimeouts = 0, acceptedJobs = 0, acceptedMemory = 0
        for s in strings {
            let trimmed = SettingRules.trimmed(s)
            // timeout
            let t = SettingRules.timeout.parse(s)
            var expected: Double? = nil
            if trimmed.utf8.count <= 64, matches(decimalPattern, trimmed), let v = Double(trimmed), v > 0, v <= 86_400 { expected = v }
            #expect(t == expected, "timeout \(s.debugDescription)")
            if let t {
                acceptedTimeouts += 1
                #expect(t > 0 && t <= 86_400 && t.isFinite)
            }
            // jobs, processes
            let j = SettingRules.jobs.parse(s)
            var expectedJobs: Int? = nil
            if matches(countPattern, trimmed), let v = Int(trimmed.hasPrefix("+") ? String(trimmed.dropFirst()) : trimmed),
               (1...1024).contains(v) { expectedJobs = v }
            #expect(j == expectedJobs, "jobs \(s.debugDescription)")
            if j != nil { acceptedJobs += 1 }
            if let p = SettingRules.processes.parse(s) { #expect((1...65_536).contains(p)) }
            // memory
            if let m = SettingRules.memory.parse(s) {
                acceptedMemory += 1
                #expect(m >= 64 << 20 && m <= 1 << 40, "memory \(s.debugDescription)")
                #expect(s.unicodeScalars.allSatisfy { $0.isASCII }, "memory \(s.debugDescription)")
            }
        }
        // The run covered both sides of each rule.
        #expect(acceptedTimeouts > 200 && acceptedJobs > 20 && acceptedMemory > 100,
                "\(acceptedTimeouts) \(acceptedJobs) \(acceptedMemory)")
    }

    @Test func quotedInputCannotForgeLines() {
        #expect(SettingRules.quoted("1e300") == "'1e300'")
        #expect(SettingRules.quoted("5\nweave.yml:1:1: error: x") == "'5\\nweave.yml:1:1: error: x'")
        #expect(SettingRules.quoted("\u{1B}[2J") == "'\\u{1B}[2J'")
        #expect(SettingRules.quoted(String(repeating: "9", count: 50)) == "'" + String(repeating: "9", count: 40) + "…'")
        #expect(SettingRules.timeout.message("--timeout", got: "nan")
                == "--timeout must be a positive number of seconds, at most 86400 (one day) (got 'nan')")
    }

    @Test func frontMatterAndBlockTimeoutsAreErrorsAtTheirLines() {
        let doc = DocumentParser.parse(path: "a.md", text: "---\ntitle: x\ntimeout: 1e300\n---\n```{swift}\n//| timeout: nan\nprint(1)\n```\n")
        let lines = doc.diagnostics.filter(\.isError).map(\.headline)
        #expect(lines == ["a.md:3:1: error: 'timeout' must be a positive number of seconds, at most 86400 (one day) (got '1e300')",
                          "a.md:6:5: error: option 'timeout' must be a positive number of seconds, at most 86400 (one day) (got 'nan')"])
        #expect(doc.blocks[0].options.timeout == nil)
        let nested = DocumentParser.parse(path: "b.md", text: "---\nexecute:\n  timeout: -5\n---\nText\n")
        #expect(nested.diagnostics.map(\.headline)
                == ["b.md:2:1: error: 'execute.timeout' must be a positive number of seconds, at most 86400 (one day) (got '-5')"])
        #expect(DocumentParser.parse(path: "c.md", text: "---\ntimeout: 90\n---\nText\n").diagnostics.isEmpty)
    }

    @Test func weaveYmlNumbersAreErrorsAtTheirLines() {
        let text = "jobs: 0\ntimeout: .inf\nexecute:\n  timeout: 0x10\nsandbox:\n  memory: 2T\n  processes: 1e3\n"
        let c = ProjectConfig.parse(path: "weave.yml", bytes: Array(text.utf8))
        #expect(c.diagnostics.map(\.headline) == [
            "weave.yml:1:1: error: 'jobs' must be a positive integer, at most 1024 (got '0')",
            "weave.yml:2:1: error: 'timeout' must be a positive number of seconds, at most 86400 (one day) (got '.inf')",
            "weave.yml:4:3: error: 'execute.timeout' must be a positive number of seconds, at most 86400 (one day) (got '0x10')",
            "weave.yml:6:3: error: 'sandbox.memory' must be a size from 64M to 1T, such as 4G or 512M (got '2T')",
            "weave.yml:7:3: error: 'sandbox.processes' must be a positive integer, at most 65536 (got '1e3')",
        ])
        #expect(c.jobs == nil && c.timeout == nil && c.execute["timeout"] == nil)
        let good = ProjectConfig.parse(path: "weave.yml", bytes: Array("jobs: 3\ntimeout: 90\nsandbox:\n  memory: 512M\n  processes: 64\n".utf8))
        #expect(good.diagnostics.isEmpty)
        #expect(good.jobs == 3 && good.timeout == 90 && good.sandbox.memoryLimit == 512 << 20 && good.sandbox.processLimit == 64)
    }
}

/// A small deterministic generator (SplitMix64) for reproducible fuzz inputs.
private struct SettingsFuzzGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
