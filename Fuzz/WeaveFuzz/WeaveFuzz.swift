// The fuzz target of the parse-and-render path (Fuzz/README.md).
//
// Built with `-D WEAVE_FUZZ -sanitize=fuzzer,address` (Fuzz/run.sh) this is a libFuzzer
// binary: every input is parsed and rendered to HTML and Markdown, and
// `RenderInvariants.check` must find nothing (a violation aborts, so libFuzzer saves the
// input as a crash). Built normally (`swift build`), it is a replay tool with the same
// checks: `WeaveFuzz FILE_OR_DIR…` checks every file and exits 1 if any fails.
import Weave

#if WEAVE_FUZZ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// SwiftPM links an executable target with `main` aliased to `WeaveFuzz_main` (the
// entry point it asks the compiler to emit): define it and hand over to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("WeaveFuzz_main")
public func weaveFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, weaveFuzzOneInput)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func weaveFuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    let violations = RenderInvariants.check(bytes)
    if !violations.isEmpty {
        for v in violations {
            var line = "WeaveFuzz: invariant violated: \(v)\n"
            line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
        }
        abort()
    }
    return 0
}

#else
import Foundation

@main
enum WeaveFuzzReplay {
    static func main() {
        var args = Array(CommandLine.arguments.dropFirst())
        if args.isEmpty || args.contains("-h") || args.contains("--help") {
            print("""
                usage: WeaveFuzz FILE_OR_DIR…         check RenderInvariants on every file (exit 1 if any fails)
                       WeaveFuzz --time FILE…         time parse, HTML and Markdown of each file (no checks)
                       WeaveFuzz --html FILE…         print the HTML body (--markdown: the Markdown)
                see Fuzz/README.md
                """)
            exit(args.isEmpty ? 2 : 0)
        }
        if args.first == "--time" {
            args.removeFirst()
            time(args)
            return
        }
        if args.first == "--html" || args.first == "--markdown" {
            let html = args.removeFirst() == "--html"
            for f in args {
                guard let data = FileManager.default.contents(atPath: f) else { continue }
                let doc = DocumentParser.parse(path: f, bytes: Array(data))
                let out = html ? HTMLRenderer(document: doc).renderBody() : MarkdownRenderer(document: doc, name: "t").render().markdown
                FileHandle.standardOutput.write(Data(out))
            }
            return
        }
        var files: [String] = []
        for a in args {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: a, isDirectory: &isDir) else {
                FileHandle.standardError.write("WeaveFuzz: no such file: \(a)\n".data(using: .utf8)!)
                exit(2)
            }
            if isDir.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: a)) ?? []
                files += names.sorted().filter { !$0.hasPrefix(".") }.map { a + "/" + $0 }
            } else {
                files.append(a)
            }
        }
        var failed = 0
        var slowest: (Duration, String) = (.zero, "")
        let clock = ContinuousClock()
        for f in files {
            guard let data = FileManager.default.contents(atPath: f) else { continue }
            var violations: [RenderInvariants.Violation] = []
            let t = clock.measure { violations = RenderInvariants.check(Array(data)) }
            if t > slowest.0 { slowest = (t, f) }
            if !violations.isEmpty {
                failed += 1
                print("FAIL \(f)")
                for v in violations { print("  \(v)") }
            }
        }
        print("WeaveFuzz: \(files.count) file(s), \(failed) failing; slowest \(slowest.1) (\(slowest.0))")
        exit(failed == 0 ? 0 : 1)
    }

    static func time(_ files: [String]) {
        let clock = ContinuousClock()
        func ms(_ d: Duration) -> String {
            let c = d.components
            return String(format: "%.1f ms", Double(c.seconds) * 1e3 + Double(c.attoseconds) / 1e15)
        }
        for f in files {
            guard let data = FileManager.default.contents(atPath: f) else {
                FileHandle.standardOutput.write("\(f): unreadable\n".data(using: .utf8)!)
                continue
            }
            let bytes = Array(data)
            var doc: Document? = nil
            let tParse = clock.measure { doc = DocumentParser.parse(path: f, bytes: bytes) }
            var html: [UInt8] = []
            let tHTML = clock.measure { html = HTMLRenderer(document: doc!).renderBody() }
            var md: [UInt8] = []
            let tMD = clock.measure { md = MarkdownRenderer(document: doc!, name: "t").render().markdown }
            let tRefs = clock.measure { _ = Numbering(document: doc!).unknownReferences(in: doc!) }
            let line = "\(f): \(bytes.count) bytes, \(doc!.math.count) math, \(doc!.diagnostics.count) diagnostics; "
                + "parse \(ms(tParse)), html \(ms(tHTML)) (\(html.count) bytes), markdown \(ms(tMD)) (\(md.count) bytes), "
                + "unknown refs \(ms(tRefs))\n"
            FileHandle.standardOutput.write(line.data(using: .utf8)!)
        }
    }
}
#endif
