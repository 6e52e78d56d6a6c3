import Foundation
import Testing
@testable import Weave

struct DurationLogTests {
    func tempDir() -> String {
        let d = NSTemporaryDirectory() + "weave-durations-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    func articles(_ names: [String]) -> [Article] { names.map { Article(path: $0, outputName: $0) } }

    @Test func unknownFirstThenLongestFirst() {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var log = DurationLog(directory: dir)
        #expect(log.schedule(articles(["a", "b", "c"])) == [0, 1, 2])  // nothing recorded: document order
        log.record(["a": 1.5, "b": 8.0, "d": 4.0])
        let reread = DurationLog(directory: dir)
        #expect(reread.seconds == ["a": 1.5, "b": 8.0, "d": 4.0])
        // c is new (first), then b (8 s), d (4 s), a (1.5 s).
        #expect(reread.schedule(articles(["a", "b", "c", "d"])) == [2, 1, 3, 0])
    }

    @Test func tiesKeepDocumentOrderAndWritersMerge() {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var one = DurationLog(directory: dir)
        var two = DurationLog(directory: dir)
        one.record(["x": 2.0, "y": 2.0])
        two.record(["z": 2.0, "x": 3.0])  // re-reads before writing: y survives, x updated
        let log = DurationLog(directory: dir)
        #expect(log.seconds == ["x": 3.0, "y": 2.0, "z": 2.0])
        #expect(log.schedule(articles(["z", "y", "x"])) == [2, 0, 1])
    }

    @Test func garbledFileMeansNoTimings() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Array("nan\ta\n-1\tb\nnot a number\tc\n\t\n2.5\n3.25\tgood path.md\n".utf8).withUnsafeBytes {
            try Data($0).write(to: URL(fileURLWithPath: dir + "/durations.tsv"))
        }
        let log = DurationLog(directory: dir)
        #expect(log.seconds == ["good path.md": 3.25])
    }
}
