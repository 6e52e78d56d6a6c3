import Testing
@testable import Weave

struct RunTranscriptTests {
    @Test func splitsOutputByBlockAndInterleavesRichItems() {
        let output = Array("hello\ntable follows\nafter\nsecond\npartial".utf8)
        let channel = """
        {"t":"start","out":0}
        {"t":"begin","block":0,"out":0}
        {"t":"table","block":0,"out":20,"headers":["n"],"align":["right"],"rows":[["1"]]}
        {"t":"end","block":0,"out":26}
        {"t":"inline","index":0,"value":"42"}
        {"t":"begin","block":1,"out":26}
        {"t":"figure","block":1,"out":33,"svg":"<svg/>","alt":"t"}
        {"t":"torn
        """
        let t = RunTranscript(channel: Array(channel.utf8), output: output)
        let (traces, running) = t.blocks(count: 2)
        #expect(running == 1)
        #expect(traces[0].ended)
        #expect(traces[0].items == [.text("hello\ntable follows\n"), .table(TableOutput(headers: ["n"], alignments: [.right], rows: [["1"]])), .text("after\n")])
        #expect(traces[1].began && !traces[1].ended)
        #expect(traces[1].items == [.text("second\n"), .figure(FigureOutput(svg: "<svg/>", alt: "t")), .text("partial")])
        #expect(t.inlineValues == [0: "42"])
        #expect(!t.finished)
    }

    @Test func crashReportSeparatesRuntimeLines() {
        let (user, runtime) = CrashReport.split("before\nSwift/Array.swift:1: Fatal error: Index out of range\n\n*** Signal 4: Backtracing from 0x1... done ***\n")
        #expect(user == "before\n")
        #expect(runtime == ["Swift/Array.swift:1: Fatal error: Index out of range", "*** Signal 4: Backtracing from 0x1... done ***"])
        #expect(CrashReport.message(runtimeLines: runtime, backtrace: "") == "Index out of range")
        let bt = "  2 [ra] 0x1 specialized Array.subscript.getter + 84 in libswiftSwiftOnoneSupport.so\n  3 [ra] 0x2 main + 510 in article at /tmp/wt/notes/d.md:8:9\n"
        #expect(CrashReport.articleLocation(backtrace: bt, articlePath: "notes/d.md")! == (8, 9))
        #expect(CrashReport.articleLocation(backtrace: bt, articlePath: "other.md") == nil)
    }
}
