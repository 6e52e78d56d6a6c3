import Foundation
import Testing
@testable import Weave

struct ResultCacheTests {
    func parts(_ program: String, kit: String = "k", data: String = "d", env: String = "e", units: [String] = ["a"]) -> ResultCache.KeyParts {
        ResultCache.KeyParts(program: program, kit: kit, swift: "6.3", flags: "-Onone", data: data, environment: env,
                             environmentNames: ["LANG", "TZ"], units: units.enumerated().map { .init(label: "block \($0.offset + 1)", line: 10 * $0.offset + 1, hash: $0.element) })
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
        guard case .miss(let data) = cache.lookup(parts("p1", data: "d2"), article: "a.md") else { Issue.record("hit"); return }
        #expect(data == "a file in the data folders changed")
        guard case .miss(let env) = cache.lookup(parts("p1", env: "e2"), article: "a.md") else { Issue.record("hit"); return }
        #expect(env == "the value of an environment variable passed to the program changed (one of LANG, TZ)")
    }

    @Test func withAKeyOnlyEntriesWithAValidMACAreTrusted() throws {
        let dir = NSTemporaryDirectory() + "/weave-cache-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = ArticleResults(blocks: [BlockResult(status: .ok, items: [.text("1\n")])])
        // Written without a key: a keyed reader does not trust it.
        ResultCache(directory: dir).store(r, parts: parts("p"), article: "a.md")
        guard case .miss(let why) = ResultCache(directory: dir, authenticationKey: "secret").lookup(parts("p"), article: "a.md") else {
            Issue.record("an unauthenticated entry was trusted"); return
        }
        #expect(why == "the cache entry is not authenticated (no MAC with WEAVE_CACHE_KEY); recomputed, not trusted")
        // Written with the key: trusted by the same key, not by another one.
        ResultCache(directory: dir, authenticationKey: "secret").store(r, parts: parts("p"), article: "a.md")
        guard case .hit = ResultCache(directory: dir, authenticationKey: "secret").lookup(parts("p"), article: "a.md") else {
            Issue.record("an authenticated entry was not trusted"); return
        }
        guard case .miss(let other) = ResultCache(directory: dir, authenticationKey: "other").lookup(parts("p"), article: "a.md") else {
            Issue.record("an entry was trusted under the wrong key"); return
        }
        #expect(other.contains("its MAC does not verify"))
    }

    @Test func keysDependOnEveryPart() {
        let base = parts("p")
        var other = base; other.swift = "6.4"
        var flags = base; flags.flags = "-O"
        #expect(Set([base.key, parts("q").key, parts("p", kit: "z").key, other.key, flags.key,
                     parts("p", data: "x").key, parts("p", env: "x").key]).count == 7)
        #expect(base.key.count == 64)
    }
}
