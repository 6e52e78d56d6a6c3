/// The CommonMark tree of a document, stored flat for speed: nodes in pre-order in
/// one array, strings in one byte arena. Value type; no pointers, no C memory.
///
/// Children of node `i` are `firstChild[i]`, then `nextSibling` links; `-1` means none.
public struct NodeTree: Sendable {
    public enum Kind: UInt8, Sendable {
        case document, blockQuote, list, item, codeBlock, htmlBlock, paragraph, heading, thematicBreak
        case text, softBreak, lineBreak, code, htmlInline, emph, strong, link, image
        /// A math span; `Node.index` is its index in `Document.math`.
        case math
        /// An inline ``{swift} …`` span; `Node.index` is its index in `Document.inlines`.
        case inlineExpression
        /// An executable block (a code block whose info starts with `{swift}`);
        /// `Node.index` is its index in `Document.blocks`.
        case executableBlock
        /// `@fig-…`/`@tbl-…`/`@eq-…`; `Node.index` is its index in `Document.references`.
        case crossReference

        public var isBlock: Bool { rawValue <= Kind.thematicBreak.rawValue || self == .executableBlock }
    }

    public struct Node: Sendable {
        public var kind: Kind
        /// Heading level; list: 1 = bullet, 2 = ordered; math/inline/block/ref: index.
        public var index: Int32 = 0
        /// List start number (ordered lists).
        public var start: Int32 = 0
        /// List: tight. Code block: fenced. Link/image: has a title, maybe empty
        /// (`[a](/u "")`; cmark writes `title=""` for it).
        public var flag: Bool = false
        public var parent: Int32 = -1
        public var firstChild: Int32 = -1
        public var lastChild: Int32 = -1
        public var nextSibling: Int32 = -1
        /// Literal text (text, code, html, code block content) in the arena.
        public var literal: ArenaRange = .empty
        /// Link/image URL; code block info string.
        public var url: ArenaRange = .empty
        /// Link/image title.
        public var title: ArenaRange = .empty
        /// Source byte range (blocks only; `-1..<-1` when unknown).
        public var sourceStart: Int32 = -1
        public var sourceEnd: Int32 = -1

        public init(kind: Kind) { self.kind = kind }
    }

    public struct ArenaRange: Sendable, Hashable {
        public var start: Int32
        public var count: Int32
        public init(start: Int32, count: Int32) {
            self.start = start
            self.count = count
        }
        public static let empty = ArenaRange(start: 0, count: 0)
        public var isEmpty: Bool { count == 0 }
    }

    public var nodes: [Node] = []
    public var arena: [UInt8] = []

    public init() {}

    /// Appends `bytes` to the arena.
    public mutating func store(_ bytes: UnsafeBufferPointer<UInt8>) -> ArenaRange {
        if bytes.isEmpty { return .empty }
        let start = arena.count
        arena.append(contentsOf: bytes)
        return ArenaRange(start: Int32(start), count: Int32(bytes.count))
    }

    public mutating func store(_ string: String) -> ArenaRange {
        var s = string
        return s.withUTF8 { store($0) }
    }

    /// Adds a node as the last child of `parent` (or as the root when `parent < 0`).
    @discardableResult
    public mutating func append(_ node: Node, to parent: Int) -> Int {
        var n = node
        let id = nodes.count
        n.parent = Int32(parent)
        nodes.append(n)
        if parent >= 0 {
            let last = nodes[parent].lastChild
            if last < 0 {
                nodes[parent].firstChild = Int32(id)
            } else {
                nodes[Int(last)].nextSibling = Int32(id)
            }
            nodes[parent].lastChild = Int32(id)
        }
        return id
    }

    /// The children of node `i`, in order.
    public func children(of i: Int) -> [Int] {
        var out: [Int] = []
        var c = nodes[i].firstChild
        while c >= 0 {
            out.append(Int(c))
            c = nodes[Int(c)].nextSibling
        }
        return out
    }

    /// The string stored at `r`.
    public func string(_ r: ArenaRange) -> String {
        if r.count == 0 { return "" }
        return arena.withUnsafeBufferPointer { p in
            String(decoding: UnsafeBufferPointer(rebasing: p[Int(r.start)..<Int(r.start + r.count)]), as: UTF8.self)
        }
    }

    public func literal(_ i: Int) -> String { string(nodes[i].literal) }

    /// Plain text of a subtree (text, code and math source), for titles and anchors.
    /// Walks the subtree without recursion: emphasis can nest a hundred thousand deep.
    public func plainText(_ i: Int, math: [MathSpan] = []) -> String {
        var out = ""
        var n = i
        while true {
            let node = nodes[n]
            switch node.kind {
            case .text, .code: out += string(node.literal)
            case .softBreak, .lineBreak: out += " "
            case .math: out += Int(node.index) < math.count ? math[Int(node.index)].tex : ""
            default: break
            }
            // The next node in document order within the subtree of `i`.
            if node.firstChild >= 0 {
                n = Int(node.firstChild)
                continue
            }
            var m = n
            while m != i && nodes[m].nextSibling < 0 { m = Int(nodes[m].parent) }
            if m == i { break }
            n = Int(nodes[m].nextSibling)
        }
        return out
    }

    /// Text of the first heading, if any.
    public func firstHeadingText() -> String? {
        for (i, n) in nodes.enumerated() where n.kind == .heading {
            return plainText(i).trimmingSpaces()
        }
        return nil
    }
}

extension String {
    /// The string without leading and trailing ASCII whitespace.
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
