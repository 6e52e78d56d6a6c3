import Foundation
import Testing
@testable import Weave

/// The allocator behind cmark's tree (`CmarkArena`): its contract, and documents that drive
/// every path of it through cmark, compared with cmark on its default allocator.
struct CmarkArenaTests {
    @Test func callocReallocAndFreeKeepTheirContract() {
        let arena = CmarkArena.install()
        defer { arena.uninstall() }
        do {
            // calloc: zeroed, also when a freed chunk of the same class is reused
            let a = arena.allocate(100).assumingMemoryBound(to: UInt8.self)
            #expect((0..<100).allSatisfy { a[$0] == 0 })
            a.update(repeating: 0xAB, count: 100)
            arena.free(a)
            let b = arena.allocate(90).assumingMemoryBound(to: UInt8.self)
            #expect(b == a, "a freed chunk of the same class is reused")
            #expect((0..<90).allSatisfy { b[$0] == 0 })
            // realloc within the class keeps the chunk, across classes keeps the bytes
            b.update(repeating: 7, count: 90)
            #expect(arena.reallocate(b, 100).assumingMemoryBound(to: UInt8.self) == b)
            let c = arena.reallocate(b, 5000).assumingMemoryBound(to: UInt8.self)
            #expect(c != b && (0..<90).allSatisfy { c[$0] == 7 })
            // large chunks: zeroed, grown in place or moved with their bytes, shrunk into a class
            let big = arena.allocate(200_000).assumingMemoryBound(to: UInt8.self)
            #expect((0..<200_000).allSatisfy { big[$0] == 0 })
            for i in 0..<200_000 { big[i] = UInt8(truncatingIfNeeded: i) }
            let bigger = arena.reallocate(big, 500_000).assumingMemoryBound(to: UInt8.self)
            #expect((0..<200_000).allSatisfy { bigger[$0] == UInt8(truncatingIfNeeded: $0) })
            let small = arena.reallocate(bigger, 1000).assumingMemoryBound(to: UInt8.self)
            #expect((0..<1000).allSatisfy { small[$0] == UInt8(truncatingIfNeeded: $0) })
            let grown = arena.reallocate(small, 300_000).assumingMemoryBound(to: UInt8.self)
            #expect((0..<1000).allSatisfy { grown[$0] == UInt8(truncatingIfNeeded: $0) })
            arena.free(grown)
            arena.free(nil)
            // realloc(NULL, n) is calloc
            let d = arena.reallocate(nil, 64).assumingMemoryBound(to: UInt8.self)
            #expect((0..<64).allSatisfy { d[$0] == 0 })
        }
    }

    /// A document with lines longer than the largest size class (200 KB paragraph, 150 KB
    /// code block), thousands of nodes, links with titles and nested containers.
    static func bigDocument(_ seed: Int) -> String {
        var s = "# Title \(seed)\n\n"
        s += (0..<30_000).map { "w\($0 % 97)" }.joined(separator: " ") + "\n\n"
        s += "```\n" + String(repeating: "code \(seed) ", count: 20_000) + "\n```\n\n"
        for i in 0..<3000 {
            s += "- item *\(i)* with [a link](/u\(i) \"title \(i)\") and `code`\n"
        }
        s += "\n" + (0..<200).map { "> level \($0) **bold**\n" }.joined() + "\n"
        s += String(repeating: "Text with &amp; entities and <span>html</span>.\n\n", count: 500)
        return s
    }

    @Test func longLinesAndManyNodesRenderAsCmarkDoes() {
        let doc = Self.bigDocument(1)
        #expect(htmlBody(doc, compatible: true) == CommonMarkConformanceTests.cmarkHTML(doc))
    }

    @Test func concurrentParsesUseTheirOwnArenas() {
        let docs = (0..<6).map { Self.bigDocument($0) }
        let expected = docs.map { htmlBody($0, compatible: true) }
        let results = Results(count: 12)
        DispatchQueue.concurrentPerform(iterations: 12) { i in
            results.set(i, htmlBody(docs[i % 6], compatible: true))
        }
        for i in 0..<12 { #expect(results.get(i) == expected[i % 6], "parse \(i)") }
    }

    final class Results: @unchecked Sendable {
        private var values: [String]
        private let lock = NSLock()
        init(count: Int) { values = Array(repeating: "", count: count) }
        func set(_ i: Int, _ v: String) { lock.lock(); values[i] = v; lock.unlock() }
        func get(_ i: Int) -> String { lock.lock(); defer { lock.unlock() }; return values[i] }
    }
}
