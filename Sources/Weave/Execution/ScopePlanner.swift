import SwiftParser
import SwiftSyntax

/// Decides where each top-level item of an article's blocks goes in the generated program
/// (issue 16: no use before definition).
///
/// Statements, variables and inline expressions run in document order inside the body of
/// one function, so Swift's local-scope rules make reading a name before the block that
/// defines it a compile error ("use of local variable before its declaration", "closure
/// captures … before it is declared") instead of a silent zero, which is what Swift's
/// top-level code gives. Declarations that cannot capture the blocks' state are hoisted to
/// file scope, so they stay usable before their block, as in Swift:
/// - types, extensions, protocols, type aliases, operators, precedence groups, imports;
/// - functions that read no variable of the blocks (directly or through another function
///   that stays local). A function that reads the blocks' state stays a local function
///   in the body: it may be used before its block only while everything it reads is
///   already defined (Swift's rule for local functions).
///
/// Items are classified with swift-syntax, never by text. Each block keeps its lines and
/// columns: the file-scope part and the body part are the block's code with the other
/// part's bytes blanked (newlines kept), each under the block's `#sourceLocation`.
enum ScopePlanner {
    /// Where one block's code goes.
    struct Partition: Equatable {
        /// The block's code with only its file-scope declarations left, or nil when it has none.
        var fileScope: String?
        /// The block's code with its file-scope declarations blanked, and access-level
        /// modifiers (`private`, `public`, …) of the items that become local blanked too
        /// (they are not allowed on local declarations).
        var body: String
        /// The body part uses `await` outside closures: the article function must be `async`.
        var usesAwait: Bool
    }

    /// The partitions of the blocks, and the names that live in the article function's
    /// body (variables, guard bindings, local functions): a file-scope declaration that
    /// reads one of them does not compile.
    struct Plan: Equatable {
        var partitions: [Partition]
        var localNames: Set<String>
    }

    /// Partitions the code of each block (in program order). The decision for a
    /// function depends on the variables of all the given blocks.
    static func plan(_ codes: [String]) -> Plan {
        let parsed = codes.map { code -> [Item]? in
            let tree = Parser.parse(source: code)
            // Code that does not parse stays whole in the body: the compiler reports its
            // syntax errors at the article's lines, as for any block.
            return tree.hasError ? nil : tree.statements.map(Item.init)
        }
        // Names that live in the body: variables and guard bindings of every block, and
        // the functions that stay local (grown to a fixed point below).
        var local = Set<String>()
        for items in parsed {
            for item in items ?? [] where item.kind == .body { local.formUnion(item.declaredNames) }
        }
        var hoisted = Set<Int>()  // (block << 32 | item) of the functions that go to file scope
        var candidates: [(key: Int, item: Item)] = []
        for (b, items) in parsed.enumerated() {
            for (i, item) in (items ?? []).enumerated() where item.kind == .function {
                candidates.append((b << 32 | i, item))
            }
        }
        var changed = true
        var remaining = candidates
        while changed {
            changed = false
            remaining.removeAll { c in
                if !c.item.freeNames.isDisjoint(with: local) {
                    local.formUnion(c.item.declaredNames)
                    changed = true
                    return true
                }
                return false
            }
        }
        for c in remaining { hoisted.insert(c.key) }

        let partitions = codes.enumerated().map { b, code -> Partition in
            guard let items = parsed[b] else {
                return Partition(fileScope: nil, body: code, usesAwait: false)
            }
            let bytes = Array(code.utf8)
            var fileMask = [Bool](repeating: false, count: bytes.count)  // bytes kept at file scope
            var blankInBody: [Range<Int>] = []
            var usesAwait = false
            for (i, item) in items.enumerated() {
                let atFileScope = item.kind == .declaration || (item.kind == .function && hoisted.contains(b << 32 | i))
                if atFileScope {
                    for k in item.range where k < bytes.count { fileMask[k] = true }
                    blankInBody.append(item.fullRange)
                } else {
                    blankInBody += item.accessModifiers
                    usesAwait = usesAwait || item.usesAwait
                }
            }
            var body = bytes
            for r in blankInBody { blank(&body, r) }
            var file = bytes
            for k in file.indices where !fileMask[k] && file[k] != 0x0A && file[k] != 0x0D { file[k] = 0x20 }
            return Partition(fileScope: fileMask.contains(true) ? String(decoding: file, as: UTF8.self) : nil,
                             body: String(decoding: body, as: UTF8.self), usesAwait: usesAwait)
        }
        return Plan(partitions: partitions, localNames: local)
    }

    /// The first place `code` reads `name` as an identifier (not a member `a.name`), as a
    /// 1-based line and byte column within `code`.
    static func firstReference(to name: String, in code: String) -> (line: Int, column: Int)? {
        let tree = Parser.parse(source: code)
        let finder = ReferenceFinder(name: name)
        finder.walk(tree)
        guard let position = finder.found else { return nil }
        let location = SourceLocationConverter(fileName: "", tree: tree).location(for: position)
        return (location.line, location.column)
    }

    /// Finds the first read of one name.
    final class ReferenceFinder: SyntaxVisitor {
        let name: String
        var found: AbsolutePosition?
        init(name: String) {
            self.name = name
            super.init(viewMode: .sourceAccurate)
        }
        override func visit(_ node: DeclReferenceExprSyntax) -> SyntaxVisitorContinueKind {
            if found == nil, node.baseName.text == name,
               node.parent?.as(MemberAccessExprSyntax.self)?.declName.id != node.id {
                found = node.positionAfterSkippingLeadingTrivia
            }
            return .skipChildren
        }
    }

    /// Replaces every byte in `r` by a space, except line breaks (so lines and byte
    /// columns stay those of the article).
    static func blank(_ bytes: inout [UInt8], _ r: Range<Int>) {
        for k in r where k < bytes.count && bytes[k] != 0x0A && bytes[k] != 0x0D { bytes[k] = 0x20 }
    }

    /// One top-level item of a block.
    struct Item {
        enum Kind { case declaration, function, body }
        var kind: Kind
        /// Bytes of the item's syntax without its leading and trailing trivia.
        var range: Range<Int>
        /// `range` plus a trailing `;`.
        var fullRange: Range<Int>
        /// Names the item declares in the scope it lands in.
        var declaredNames: Set<String>
        /// Identifiers the item reads that it does not declare itself (functions only).
        var freeNames: Set<String>
        /// Access-level modifiers, blanked when the item becomes local.
        var accessModifiers: [Range<Int>]
        var usesAwait: Bool

        init(_ node: CodeBlockItemSyntax) {
            range = node.item.positionAfterSkippingLeadingTrivia.utf8Offset..<node.item.endPositionBeforeTrailingTrivia.utf8Offset
            fullRange = range.lowerBound..<max(range.upperBound, node.endPositionBeforeTrailingTrivia.utf8Offset)
            declaredNames = []
            freeNames = []
            accessModifiers = []
            usesAwait = false
            switch node.item {
            case .decl(let decl):
                if Item.fileScopeKinds.contains(decl.kind) {
                    kind = .declaration
                } else if let f = decl.as(FunctionDeclSyntax.self) {
                    kind = .function
                    declaredNames = [f.name.text]
                    let names = NameCollector(viewMode: .sourceAccurate)
                    names.walk(f)
                    freeNames = names.read.subtracting(names.bound)
                    accessModifiers = Item.accessRanges(f.modifiers)
                } else {
                    kind = .body
                    if let v = decl.as(VariableDeclSyntax.self) {
                        for binding in v.bindings { declaredNames.formUnion(PatternNames.of(binding.pattern)) }
                        accessModifiers = Item.accessRanges(v.modifiers)
                    }
                }
            case .stmt(let stmt):
                kind = .body
                if let g = stmt.as(GuardStmtSyntax.self) {
                    for c in g.conditions {
                        if let o = c.condition.as(OptionalBindingConditionSyntax.self) {
                            declaredNames.formUnion(PatternNames.of(o.pattern))
                        } else if let m = c.condition.as(MatchingPatternConditionSyntax.self) {
                            declaredNames.formUnion(PatternNames.of(m.pattern))
                        }
                    }
                }
            case .expr:
                kind = .body
            }
            if kind != .declaration {
                let awaits = AwaitFinder(viewMode: .sourceAccurate)
                awaits.walk(node)
                usesAwait = kind == .body && awaits.found
            }
        }

        /// Declarations that never capture the blocks' state and go to file scope.
        static let fileScopeKinds: Set<SyntaxKind> = [
            .structDecl, .classDecl, .enumDecl, .actorDecl, .protocolDecl, .extensionDecl, .typeAliasDecl,
            .operatorDecl, .precedenceGroupDecl, .importDecl,
        ]

        static func accessRanges(_ modifiers: DeclModifierListSyntax) -> [Range<Int>] {
            let access: Set<String> = ["private", "fileprivate", "internal", "public", "package", "open"]
            return modifiers.filter { access.contains($0.name.text) }.map {
                $0.positionAfterSkippingLeadingTrivia.utf8Offset..<$0.endPositionBeforeTrailingTrivia.utf8Offset
            }
        }
    }

    /// The identifiers a function reads (`x`, not the member of `a.x`) and the names it
    /// binds itself (parameters, generic parameters, local variables, closure parameters).
    /// Scope-insensitive: a name bound anywhere in the function counts as its own.
    final class NameCollector: SyntaxVisitor {
        var read = Set<String>()
        var bound = Set<String>()

        override func visit(_ node: DeclReferenceExprSyntax) -> SyntaxVisitorContinueKind {
            if let parent = node.parent?.as(MemberAccessExprSyntax.self), parent.declName.id == node.id {
                return .skipChildren
            }
            read.insert(node.baseName.text)
            return .skipChildren
        }
        override func visit(_ node: FunctionParameterSyntax) -> SyntaxVisitorContinueKind {
            bound.insert((node.secondName ?? node.firstName).text)
            return .visitChildren
        }
        override func visit(_ node: ClosureParameterSyntax) -> SyntaxVisitorContinueKind {
            bound.insert((node.secondName ?? node.firstName).text)
            return .visitChildren
        }
        override func visit(_ node: ClosureShorthandParameterSyntax) -> SyntaxVisitorContinueKind {
            bound.insert(node.name.text)
            return .visitChildren
        }
        override func visit(_ node: IdentifierPatternSyntax) -> SyntaxVisitorContinueKind {
            bound.insert(node.identifier.text)
            return .visitChildren
        }
        override func visit(_ node: GenericParameterSyntax) -> SyntaxVisitorContinueKind {
            bound.insert(node.name.text)
            return .visitChildren
        }
        override func visit(_ node: FunctionDeclSyntax) -> SyntaxVisitorContinueKind {
            bound.insert(node.name.text)  // itself (recursion) and nested functions
            return .visitChildren
        }
    }

    /// The identifiers a pattern binds (`let (a, b) = …`, `let x: Int`).
    final class PatternNames: SyntaxVisitor {
        var names = Set<String>()
        static func of(_ pattern: PatternSyntax) -> Set<String> {
            let v = PatternNames(viewMode: .sourceAccurate)
            v.walk(pattern)
            return v.names
        }
        override func visit(_ node: IdentifierPatternSyntax) -> SyntaxVisitorContinueKind {
            names.insert(node.identifier.text)
            return .skipChildren
        }
    }

    /// Whether code awaits outside closures and nested functions.
    final class AwaitFinder: SyntaxVisitor {
        var found = false
        override func visit(_ node: AwaitExprSyntax) -> SyntaxVisitorContinueKind {
            found = true
            return .skipChildren
        }
        override func visit(_ node: ForStmtSyntax) -> SyntaxVisitorContinueKind {
            if node.awaitKeyword != nil { found = true }
            return .visitChildren
        }
        override func visit(_ node: ClosureExprSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
        override func visit(_ node: FunctionDeclSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    }
}
