import Foundation
import Testing
@testable import Weave

struct ResultCacheTests {
    func parts(_ program: String, kit: String = "k", units: [String] = ["a"]) -> ResultCache.KeyParts {
        ResultCache.KeyParts(program: program, kit: kit, swift: "6.3", flags: "-Onone",
                             units: units.enumerated().map { .init(label: "block \($0.offset + 1)", line: 10 * $0.offset + 1, hash: $0.element) })
    }

    @Test func storeLookupAndStaleReasons() throws {
        let dir = NSTemporaryDirectory() + "/weave-cache-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cache = ResultCache(directory: dir)
        let r = ArticleResults(blocks: [BlockResult(status: .ok, items: [.text("1\n")])])
        guard case .miss(let why) = cache.lookup(parts("p1"), article: "a.md") else { Issue.record("hit in empty cache"); return }
        #expect(why == "not run before")
        cache.store(r, parts: parts("p1"), article: "a.md")
        guard case .hit(let back) = cache.lookup(parts("p1"), article: "a.md") else { Issue.record("miss after store"); return }
        #expect(back == r)
        guard case .miss(let changed) = cache.lookup(parts("p2", units: ["b"]), article: "a.md") else { Issue.record("hit"); return }
        #expect(changed == "changed: block 1 at line 1")
        guard case .miss(let kit) = cache.lookup(parts("p1", kit: "k2"), article: "a.md") else { Issue.record("hit"); return }
        #expect(kit == "Compute or WeaveRuntime was rebuilt")
    }

    @Test func keysDependOnEveryPart() {
        let base = parts("p")
        var other = base; other.swift = "6.4"
        var flags = base; flags.flags = "-O"
        #expect(Set([base.key, parts("q").key, parts("p", kit: "z").key, other.key, flags.key]).count == 5)
        #expect(base.key.count == 64)
    }
}
