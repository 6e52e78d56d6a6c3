import CCmark
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The only file that talks to cmark (DESIGN.md §5): parses the protected text,
/// walks the cmark tree once, copies every string into a `NodeTree`, restores the
/// placeholders of the source scanner, and frees all C memory in a `defer`.
enum CmarkConverter {
    static func convert(_ scan: SourceScanner.Result, source: SourceText) -> NodeTree {
        convertAudited(scan, source: source).tree
    }

    /// `convert`, plus where each placeholder was put back (`PlaceholderAudit`).
    static func convertAudited(_ scan: SourceScanner.Result, source: SourceText) -> (tree: NodeTree, audit: PlaceholderAudit) {
        var tree = NodeTree()
        tree.nodes.reserveCapacity(scan.protected.count / 12 + 16)
        tree.arena.reserveCapacity(scan.protected.count + scan.protected.count / 8)

        // cmark's tree lives in an arena released at once when this function returns (see
        // `CmarkArena`): a million small frees cost as much as the parse.
        let arena = CmarkArena.install()
        defer { arena.uninstall() }
        let root: OpaquePointer? = scan.protected.withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(p.count, 1)) { c in
                guard let parser = cmark_parser_new_with_mem(CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8, CmarkArena.allocator)
                else { return nil }
                defer { cmark_parser_free(parser) }
                cmark_parser_feed(parser, c, p.count)
                return cmark_parser_finish(parser)
            }
        }
        guard let doc = root, let iter = cmark_iter_new(doc) else {
            tree.append(NodeTree.Node(kind: .document), to: -1)
            return (tree, PlaceholderAudit(scan: scan, counts: []))
        }

        let mapper = PositionMapper(scan: scan, source: source)
        // cmark returns the same static "" for every link without a title, and its own
        // copy for an empty one (`[a](/u "")`, which its HTML keeps as `title=""`).
        let noTitle: UnsafePointer<CChar>? = {
            guard let probe = cmark_node_new(CMARK_NODE_LINK) else { return nil }
            defer { cmark_node_free(probe) }
            return cmark_node_get_title(probe)
        }()
        var restorer = Restorer(scan: scan, source: source)
        var stack: [Int] = []
        stack.reserveCapacity(64)

        while true {
            let ev = cmark_iter_next(iter)
            if ev == CMARK_EVENT_DONE { break }
            guard let node = cmark_iter_get_node(iter) else { continue }
            if ev == CMARK_EVENT_EXIT {
                _ = stack.popLast()
                continue
            }
            let parent = stack.last ?? -1
            let type = cmark_node_get_type(node)
            var n: NodeTree.Node
            var isContainer = false
            switch type {
            case CMARK_NODE_DOCUMENT: n = .init(kind: .document); isContainer = true
            case CMARK_NODE_BLOCK_QUOTE: n = .init(kind: .blockQuote); isContainer = true
            case CMARK_NODE_LIST:
                n = .init(kind: .list)
                n.index = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST ? 2 : 1
                n.start = Int32(cmark_node_get_list_start(node))
                n.flag = cmark_node_get_list_tight(node) != 0
                isContainer = true
            case CMARK_NODE_ITEM: n = .init(kind: .item); isContainer = true
            case CMARK_NODE_PARAGRAPH: n = .init(kind: .paragraph); isContainer = true
            case CMARK_NODE_HEADING:
                n = .init(kind: .heading)
                n.index = Int32(cmark_node_get_heading_level(node))
                isContainer = true
            case CMARK_NODE_THEMATIC_BREAK: n = .init(kind: .thematicBreak)
            case CMARK_NODE_CODE_BLOCK:
                n = .init(kind: .codeBlock)
                let info = cString(cmark_node_get_fence_info(node))
                n.url = restorer.restoreLiteral(info, into: &tree, spaces: false, context: .infoString)
                n.literal = restorer.restoreLiteral(cString(cmark_node_get_literal(node)), into: &tree, spaces: false, context: .codeBlock)
                // Fenced blocks have a fence line; indented ones start with content.
                n.flag = isFenced(node, mapper: mapper, source: source)
            case CMARK_NODE_HTML_BLOCK:
                n = .init(kind: .htmlBlock)
                n.literal = restorer.restoreLiteral(cString(cmark_node_get_literal(node)), into: &tree, spaces: false, context: .html)
            case CMARK_NODE_TEXT:
                restorer.appendText(cString(cmark_node_get_literal(node)), parent: parent, into: &tree)
                continue
            case CMARK_NODE_SOFTBREAK: n = .init(kind: .softBreak)
            case CMARK_NODE_LINEBREAK: n = .init(kind: .lineBreak)
            case CMARK_NODE_CODE:
                n = .init(kind: .code)
                n.literal = restorer.restoreLiteral(cString(cmark_node_get_literal(node)), into: &tree, spaces: true, context: .codeSpan)
            case CMARK_NODE_HTML_INLINE:
                n = .init(kind: .htmlInline)
                n.literal = restorer.restoreLiteral(cString(cmark_node_get_literal(node)), into: &tree, spaces: false, context: .html)
            case CMARK_NODE_EMPH: n = .init(kind: .emph); isContainer = true
            case CMARK_NODE_STRONG: n = .init(kind: .strong); isContainer = true
            case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
                n = .init(kind: type == CMARK_NODE_LINK ? .link : .image)
                n.url = restorer.restoreLiteral(cString(cmark_node_get_url(node)), into: &tree, spaces: false, context: .linkDestination)
                let title = cmark_node_get_title(node)
                n.title = restorer.restoreLiteral(cString(title), into: &tree, spaces: false, context: .linkTitle)
                n.flag = title != nil && title != noTitle
                isContainer = true
            default:
                // Custom nodes do not occur in parsed documents; keep the walk balanced.
                n = .init(kind: .htmlInline)
                if ev == CMARK_EVENT_ENTER && cmark_node_first_child(node) != nil { isContainer = true }
            }
            if n.kind.isBlock {
                let r = mapper.range(
                    startLine: Int(cmark_node_get_start_line(node)), startColumn: Int(cmark_node_get_start_column(node)),
                    endLine: Int(cmark_node_get_end_line(node)), endColumn: Int(cmark_node_get_end_column(node)))
                n.sourceStart = Int32(r.lowerBound)
                n.sourceEnd = Int32(r.upperBound)
            }
            let id = tree.append(n, to: parent)
            if isContainer { stack.append(id) }
        }
        return (tree, PlaceholderAudit(scan: scan, counts: restorer.counts))
    }

    /// A cmark string as a buffer (cmark strings are NUL-terminated; NULs in the input
    /// were replaced by U+FFFD while parsing).
    @inline(__always)
    private static func cString(_ s: UnsafePointer<CChar>?) -> UnsafeBufferPointer<UInt8> {
        guard let s else { return UnsafeBufferPointer(start: nil, count: 0) }
        let len = strlen(s)
        return s.withMemoryRebound(to: UInt8.self, capacity: len) { UnsafeBufferPointer(start: $0, count: len) }
    }

    private static func isFenced(_ node: OpaquePointer, mapper: PositionMapper, source: SourceText) -> Bool {
        let line = Int(cmark_node_get_start_line(node))
        let col = Int(cmark_node_get_start_column(node))
        let o = mapper.origOffset(line: line, column: col)
        // Skip container markers/indentation that cmark may include in the column.
        var i = o
        let b = source.bytes
        while i < b.count && (b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x3E) { i += 1 }
        if i + 2 < b.count && (b[i] == 0x60 || b[i] == 0x7E) && b[i + 1] == b[i] && b[i + 2] == b[i] { return true }
        return false
    }
}


/// Maps cmark's (line, byte column) in the protected text to byte offsets of the
/// original source, through the scanner's substitutions.
struct PositionMapper {
    let protLineStarts: [Int]
    let subs: [SourceScanner.Substitution]

    init(scan: SourceScanner.Result, source: SourceText) {
        var starts = [0]
        scan.protected.withUnsafeBufferPointer { p in
            var i = 0
            let n = p.count
            while i < n {
                let c = p[i]
                if c == 0x0A { starts.append(i + 1) } else if c == 0x0D {
                    if i + 1 < n && p[i + 1] == 0x0A { i += 1 }
                    starts.append(i + 1)
                }
                i += 1
            }
        }
        protLineStarts = starts
        subs = scan.substitutions
    }

    func protOffset(line: Int, column: Int) -> Int {
        guard line >= 1 else { return 0 }
        let l = min(line, protLineStarts.count)
        return protLineStarts[l - 1] + max(0, column - 1)
    }

    /// The original offset of a protected offset.
    func orig(_ prot: Int) -> Int {
        // Last substitution with prot.lowerBound <= offset.
        var lo = 0, hi = subs.count - 1, best = -1
        while lo <= hi {
            let mid = (lo + hi) / 2
            if subs[mid].prot.lowerBound <= prot { best = mid; lo = mid + 1 } else { hi = mid - 1 }
        }
        guard best >= 0 else { return prot }
        let s = subs[best]
        if prot < s.prot.upperBound { return s.orig.lowerBound }
        return s.orig.upperBound + (prot - s.prot.upperBound)
    }

    func origOffset(line: Int, column: Int) -> Int { orig(protOffset(line: line, column: column)) }

    func range(startLine: Int, startColumn: Int, endLine: Int, endColumn: Int) -> Range<Int> {
        let s = origOffset(line: startLine, column: startColumn)
        let e = orig(protOffset(line: endLine, column: endColumn) + 1)
        return s..<max(s, e)
    }
}

/// Puts the original bytes back where the scanner left placeholders.
struct Restorer {
    let marker: SourceScanner.Marker
    let tokens: [SourceScanner.Token]
    let tokenRanges: [Range<Int>]
    let source: [UInt8]
    /// How many times, and where, each token was restored (see `PlaceholderAudit`).
    var counts: [PlaceholderAudit.Counts]

    init(scan: SourceScanner.Result, source: SourceText) {
        marker = scan.marker
        tokens = scan.tokens
        tokenRanges = scan.tokenRanges
        self.source = source.bytes
        counts = [PlaceholderAudit.Counts](repeating: PlaceholderAudit.Counts(), count: scan.tokens.count)
    }

    /// Finds the next placeholder in `s` at or after `from`: (start, end, token index).
    @inline(__always)
    func nextPlaceholder(_ s: UnsafeBufferPointer<UInt8>, from: Int) -> (Int, Int, Int)? {
        let start = marker.start, end = marker.end
        let m0 = start[0]
        var i = from
        let n = s.count
        @inline(__always) func matches(_ m: [UInt8], at k: Int) -> Bool {
            guard k + m.count <= n else { return false }
            for t in 0..<m.count where s[k + t] != m[t] { return false }
            return true
        }
        while i + start.count < n {
            if s[i] == m0 && matches(start, at: i) {
                var j = i + start.count
                var value = 0
                var digits = 0
                while j < n && s[j] >= 0x30 && s[j] <= 0x39 && digits < 9 {
                    value = value * 10 + Int(s[j] - 0x30)
                    j += 1
                    digits += 1
                }
                // The scanner puts a space before END in some placeholders.
                if j < n && s[j] == 0x20 { j += 1 }
                if digits > 0, matches(end, at: j), value < tokens.count {
                    return (i, j + end.count, value)
                }
            }
            i += 1
        }
        return nil
    }

    /// A literal with placeholders replaced by their original bytes (`spaces`: line
    /// breaks in restored bytes become spaces, as in code spans).
    mutating func restoreLiteral(_ s: UnsafeBufferPointer<UInt8>, into tree: inout NodeTree, spaces: Bool,
                                 context: PlaceholderAudit.Context) -> NodeTree.ArenaRange {
        guard s.count > 0 else { return .empty }
        guard var ph = nextPlaceholder(s, from: 0) else { return tree.store(s) }
        let start = tree.arena.count
        var from = 0
        while true {
            tree.arena.append(contentsOf: UnsafeBufferPointer(rebasing: s[from..<ph.0]))
            let r = tokenRanges[ph.2]
            counts[ph.2].record(context)
            if spaces {
                for b in source[r] { tree.arena.append(b == 0x0A || b == 0x0D ? 0x20 : b) }
            } else {
                tree.arena.append(contentsOf: source[r])
            }
            from = ph.1
            guard let next = nextPlaceholder(s, from: from) else { break }
            ph = next
        }
        tree.arena.append(contentsOf: UnsafeBufferPointer(rebasing: s[from..<s.count]))
        return NodeTree.ArenaRange(start: Int32(start), count: Int32(tree.arena.count - start))
    }

    /// Appends a text literal as text nodes, with math/inline/reference nodes where
    /// placeholders were.
    mutating func appendText(_ s: UnsafeBufferPointer<UInt8>, parent: Int, into tree: inout NodeTree) {
        var from = 0
        while let ph = nextPlaceholder(s, from: from) {
            if ph.0 > from {
                var t = NodeTree.Node(kind: .text)
                t.literal = tree.store(UnsafeBufferPointer(rebasing: s[from..<ph.0]))
                tree.append(t, to: parent)
            }
            counts[ph.2].record(.node)
            var node: NodeTree.Node
            switch tokens[ph.2] {
            case .math(let i): node = .init(kind: .math); node.index = Int32(i)
            case .inline(let i): node = .init(kind: .inlineExpression); node.index = Int32(i)
            case .reference(let i): node = .init(kind: .crossReference); node.index = Int32(i)
            }
            tree.append(node, to: parent)
            from = ph.1
        }
        if from < s.count {
            var t = NodeTree.Node(kind: .text)
            t.literal = tree.store(UnsafeBufferPointer(rebasing: s[from..<s.count]))
            tree.append(t, to: parent)
        }
    }
}

/// The memory of one cmark parse: cmark's allocator interface (`cmark_mem`) pointed at a
/// size-class allocator whose blocks are released at once, so that the tree's million small
/// chunks are never freed one by one. On the 10 MiB benchmark file, freeing the tree node by
/// node (and glibc merging the freed chunks) took about 15 % of `weave render`.
///
/// - Requests up to 64 KiB (with a 16-byte header) are rounded up to a size class, 2ᵖ or
///   3·2ᵖ⁻² (32, 48, 64, 96, …; at most a third wasted); a freed chunk goes onto its class's
///   free list and is reused (zeroed again, as `calloc` must); `realloc` within the chunk's
///   class returns the same chunk. Chunks are cut from 1 MiB blocks obtained with `calloc`.
/// - Larger requests (cmark's buffers for very long lines) get their own `calloc` block,
///   marked in the header, and are reallocated and freed for real.
/// - `cmark_mem` has no context argument, so the callbacks find the arena of the parse
///   running on their thread through a thread-specific key, set from `install` to
///   `uninstall`; articles are parsed concurrently under `--jobs`.
/// - `uninstall` frees every block. Nothing from the arena may be used after it: the
///   converter copies every string out of the tree before returning.
/// - Out of memory: like cmark's default allocator, the process stops with a message.
final class CmarkArena {
    private static let blockSize = 1 << 20
    private static let header = 16
    private static let smallestClass = 11  // 32 bytes (every chunk a multiple of 16 bytes)
    private static let largestClass = 33  // 64 KiB
    private static let largeFlag = Int.min

    private var blocks: [UnsafeMutableRawPointer] = []
    private var next: UnsafeMutableRawPointer? = nil
    private var remaining = 0
    private var freeLists = [UnsafeMutableRawPointer?](repeating: nil, count: largestClass + 1)
    private var large: Set<UnsafeMutableRawPointer> = []
    /// The arena this one replaced on its thread (restored by `uninstall`).
    private var previous: UnsafeMutableRawPointer? = nil

    /// The thread-specific key under which `install` publishes the current arena.
    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        precondition(pthread_key_create(&k, nil) == 0, "CmarkArena: pthread_key_create failed")
        return k
    }()

    /// The allocator to hand to `cmark_parser_new_with_mem`; valid for the whole process.
    nonisolated(unsafe) static let allocator: UnsafeMutablePointer<cmark_mem> = {
        let m = UnsafeMutablePointer<cmark_mem>.allocate(capacity: 1)
        m.initialize(to: cmark_mem(
            calloc: { count, size in CmarkArena.current.allocate(count * size) },
            realloc: { p, size in CmarkArena.current.reallocate(p, size) },
            free: { p in CmarkArena.current.free(p) }))
        return m
    }()

    private static var current: CmarkArena {
        guard let p = pthread_getspecific(key) else { fatalError("CmarkArena: cmark allocated with no arena installed") }
        return Unmanaged<CmarkArena>.fromOpaque(p).takeUnretainedValue()
    }

    /// A new arena serving cmark's allocations on the calling thread until `uninstall`.
    static func install() -> CmarkArena {
        let arena = CmarkArena()
        arena.previous = pthread_getspecific(key)
        pthread_setspecific(key, Unmanaged.passUnretained(arena).toOpaque())
        return arena
    }

    /// The size class of a request of `size` bytes plus header: 2p for chunks of 3·2ᵖ⁻²
    /// bytes, 2p + 1 for chunks of 2ᵖ bytes (`chunkSize`).
    @inline(__always) private static func sizeClass(_ size: Int) -> Int {
        let total = size + header
        let p = Int.bitWidth - (total - 1).leadingZeroBitCount  // 2ᵖ ≥ total
        return max(smallestClass, total <= 3 << (p - 2) ? 2 * p : 2 * p + 1)
    }

    @inline(__always) private static func chunkSize(_ c: Int) -> Int {
        c & 1 == 1 ? 1 << (c / 2) : 3 << (c / 2 - 2)
    }

    func allocate(_ size: Int) -> UnsafeMutableRawPointer {
        let c = Self.sizeClass(size)
        if c > Self.largestClass {
            guard let p = Glibc.calloc(1, size + Self.header) else { fatalError("CmarkArena: out of memory (\(size) bytes)") }
            large.insert(p)
            p.storeBytes(of: size | Self.largeFlag, as: Int.self)
            return p + Self.header
        }
        if let chunk = freeLists[c] {
            freeLists[c] = (chunk + Self.header).load(as: UnsafeMutableRawPointer?.self)
            (chunk + Self.header).initializeMemory(as: UInt8.self, repeating: 0, count: size)
            return chunk + Self.header
        }
        let chunkSize = Self.chunkSize(c)
        if chunkSize > remaining {
            guard let b = Glibc.calloc(1, Self.blockSize) else { fatalError("CmarkArena: out of memory") }
            blocks.append(b)
            next = b
            remaining = Self.blockSize
        }
        let chunk = next!
        next = chunk + chunkSize
        remaining -= chunkSize
        chunk.storeBytes(of: c, as: Int.self)
        return chunk + Self.header
    }

    func reallocate(_ old: UnsafeMutableRawPointer?, _ size: Int) -> UnsafeMutableRawPointer {
        guard let old else { return allocate(size) }
        let start = old - Self.header
        let stored = start.load(as: Int.self)
        let capacity: Int
        if stored & Self.largeFlag != 0 {
            capacity = stored & ~Self.largeFlag
            if Self.sizeClass(size) > Self.largestClass {
                large.remove(start)
                guard let p = Glibc.realloc(start, size + Self.header) else { fatalError("CmarkArena: out of memory (\(size) bytes)") }
                large.insert(p)
                p.storeBytes(of: size | Self.largeFlag, as: Int.self)
                return p + Self.header
            }
        } else {
            capacity = Self.chunkSize(stored) - Self.header
            if size <= capacity { return old }
        }
        let new = allocate(size)
        new.copyMemory(from: old, byteCount: min(capacity, size))
        free(old)
        return new
    }

    func free(_ p: UnsafeMutableRawPointer?) {
        guard let p else { return }
        let start = p - Self.header
        let stored = start.load(as: Int.self)
        if stored & Self.largeFlag != 0 {
            large.remove(start)
            Glibc.free(start)
        } else {
            p.storeBytes(of: freeLists[stored], as: UnsafeMutableRawPointer?.self)
            freeLists[stored] = start
        }
    }

    /// Gives the thread back to the arena installed before this one and frees every block;
    /// the arena may not be used afterwards.
    func uninstall() {
        pthread_setspecific(Self.key, previous)
        for b in blocks { Glibc.free(b) }
        for b in large { Glibc.free(b) }
        blocks = []
        large = []
        freeLists = []
        next = nil
        remaining = 0
    }
}

extension CmarkConverter {
    /// cmark's own HTML for `bytes` (`CMARK_OPT_UNSAFE | CMARK_OPT_VALIDATE_UTF8`, the
    /// options Weave parses with): the oracle of `RenderInvariants` for documents
    /// without Weave syntax.
    static func referenceHTML(_ bytes: [UInt8]) -> [UInt8] {
        var input = bytes
        input.append(0)  // a valid pointer even for empty input; cmark reads `bytes.count` bytes
        let html: UnsafeMutablePointer<CChar>? = input.withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { c in
                cmark_markdown_to_html(c, bytes.count, CMARK_OPT_UNSAFE | CMARK_OPT_VALIDATE_UTF8)
            }
        }
        guard let html else { return [] }
        defer { free(html) }
        let n = strlen(html)
        return html.withMemoryRebound(to: UInt8.self, capacity: n) { Array(UnsafeBufferPointer(start: $0, count: n)) }
    }
}
