/// Parses `swiftc -diagnostic-style llvm` output and maps each message to the
/// article: messages already in the article's coordinates (thanks to
/// `#sourceLocation`) keep their line; messages in Weave's generated glue are moved to
/// the block or inline expression they belong to.
struct CompilerDiagnostics {
    struct Message: Equatable {
        var file: String
        var line: Int
        var column: Int
        var severity: String
        var text: String
        var details: [String]
    }

    /// The messages of a compiler run, with their detail lines (source excerpt, caret).
    static func parse(_ output: String) -> [Message] {
        var out: [Message] = []
        for raw in output.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            // The driver's summary of a failed frontend job repeats nothing useful.
            if line.contains("command failed with exit code") && line.contains("use -v to see invocation") { continue }
            if let m = header(line) {
                out.append(m)
            } else if !out.isEmpty, !line.isEmpty {
                out[out.count - 1].details.append(line)
            } else if line.contains("error:") {
                // A message without a location (e.g. from the linker).
                out.append(Message(file: "", line: 0, column: 0, severity: "error",
                                   text: line.components(separatedBy: "error:").last!.trimmingSpaces(), details: []))
            }
        }
        return out
    }

    /// `path:line:col: severity: text`
    static func header(_ s: String) -> Message? {
        for sev in ["error", "warning", "note"] {
            guard let r = s.range(of: ": \(sev): ") else { continue }
            let loc = s[..<r.lowerBound]
            let parts = loc.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 3, let l = Int(parts[parts.count - 2]), let c = Int(parts[parts.count - 1]) else { continue }
            let file = parts.dropLast(2).joined(separator: ":")
            return Message(file: file, line: l, column: c, severity: sev, text: String(s[r.upperBound...]), details: [])
        }
        return nil
    }

    /// Where a compiler message points in the article, and which unit it belongs to.
    struct Located {
        var location: SourceLocation
        var unitIndex: Int?
        var message: Message
    }

    /// Maps each error (with the notes that follow it) to the article. Errors about the
    /// definition order of the blocks (issue 16) are restated in the article's terms.
    static func locate(_ messages: [Message], program: CodeGenerator.Program, document: Document,
                       generatedPath: String) -> [Located] {
        var out: [Located] = []
        for (k, m) in messages.enumerated() where m.severity == "error" {
            let notes = messages[(k + 1)...].prefix { $0.severity == "note" }
            if let order = definitionOrder(m, notes: Array(notes), program: program, document: document) {
                out.append(order)
            } else if m.file == program.articlePath {
                let (location, unit) = articleLocation(line: m.line, byteColumn: m.column, program: program, document: document)
                var message = m
                if let u = unit, case .inline = program.units[u], m.details.count >= 2 {
                    // The compiler quoted the generated line (blanks, then the expression):
                    // quote the article's line instead, so the reader sees the sentence.
                    message.details = Diagnostic.quote(document.source, location) + m.details.dropFirst(2)
                }
                if let name = quotedName(m.text, prefix: "cannot find '"), program.localNames.contains(name) {
                    message.details.append("'\(name)' is defined by the article's blocks, but this declaration is compiled outside them "
                        + "(types, extensions and functions that read no block variable are): pass '\(name)' as a parameter instead")
                }
                out.append(Located(location: location, unitIndex: unit, message: message))
            } else if m.file == generatedPath || m.file.hasSuffix("/" + FileIO.basename(generatedPath)) {
                let unit = program.unitIndex(forGeneratedLine: m.line)
                let location = unit.map { unitLocation(program.units[$0], document) } ?? SourceLocation(line: 1, column: 1)
                var message = m
                if let u = unit, case .inline(let i) = program.units[u] {
                    message = inlineGlueMessage(m, notes: Array(notes), expression: document.inlines[i], location: location,
                                                document: document)
                }
                out.append(Located(location: location, unitIndex: unit, message: message))
            } else {
                out.append(Located(location: SourceLocation(line: 1, column: 1), unitIndex: nil, message: m))
            }
        }
        return out
    }

    /// An article position (line, byte column within the block's code or the line) as a
    /// location in scalars, and the unit it belongs to.
    static func articleLocation(line: Int, byteColumn: Int, program: CodeGenerator.Program,
                                document: Document) -> (SourceLocation, Int?) {
        let unit = unitIndex(forArticleLine: line, byteColumn: byteColumn, program: program, document: document)
        var column = byteColumn
        if let u = unit, case .block(let b) = program.units[u] {
            column += document.blocks[b].containerPrefix.utf8.count
        }
        return (SourceLocation(line: line, column: document.source.scalarColumn(line: line, byteColumn: column)), unit)
    }

    /// Swift's errors for reading a local name before its declaration, restated as what
    /// they mean in an article: the name is used before the block that defines it has run.
    /// - `use of local variable 'x' before its declaration` (+ note `'x' declared here`):
    ///   reported where `x` is read.
    /// - `closure captures 'x' before it is declared` (+ notes `captured value declared
    ///   here`, `captured here`): a closure or local function that reads `x` is used
    ///   before `x` is defined; reported where it reads `x` (for an inline expression the
    ///   compiler's own location is Weave's wrapper, not the article).
    static func definitionOrder(_ m: Message, notes: [Message], program: CodeGenerator.Program,
                                document: Document) -> Located? {
        let name: String
        let use: Message
        let declaration: Message
        var viaCapture = false
        if let n = quotedName(m.text, prefix: "use of local variable '"), m.text.hasSuffix("' before its declaration"),
           m.file == program.articlePath,
           let d = notes.first(where: { $0.file == program.articlePath && $0.text == "'\(n)' declared here" }) {
            (name, use, declaration) = (n, m, d)
        } else if let n = quotedName(m.text, prefix: "closure captures '"), m.text.hasSuffix("' before it is declared"),
                  let u = notes.first(where: { $0.file == program.articlePath && $0.text == "captured here" }),
                  let d = notes.first(where: { $0.file == program.articlePath && $0.text == "captured value declared here" }) {
            (name, use, declaration) = (n, u, d)
            viaCapture = true
        } else {
            return nil
        }
        let (location, unit) = articleLocation(line: use.line, byteColumn: use.column, program: program, document: document)
        let (_, definingUnit) = articleLocation(line: declaration.line, byteColumn: declaration.column, program: program, document: document)
        if viaCapture, m.file == program.articlePath, let function = identifier(at: m, program: program, document: document),
           let reader = unit, let defining = definingUnit,
           let call = earlierUse(of: function, before: min(reader, defining), program: program, document: document) {
            // A local function that reads `name` is called before its own block (and before
            // `name`'s): report the call.
            var details = Diagnostic.quote(document.source, call.location)
            details.append("'\(function)' reads '\(name)' (line \(use.line)), defined at line \(declaration.line); "
                + "blocks run top to bottom: call '\(function)' after that block")
            return Located(location: call.location, unitIndex: call.unit,
                           message: Message(file: program.articlePath, line: call.location.line, column: call.location.column,
                                            severity: "error", text: "'\(function)' is used before the block that defines it (line \(m.line)) has run",
                                            details: details))
        }
        let sameUnit = definingUnit != nil && definingUnit == unit
        var text = sameUnit
            ? "'\(name)' is used before its definition at line \(declaration.line)"
            : "'\(name)' is used before the block that defines it (line \(declaration.line)) has run"
        if m.file == program.articlePath && (use.line != m.line || use.column != m.column) {
            // The header points at the closure or local function, not at Weave's wrapper
            // of an inline expression.
            text += "; it is read here by a closure or function that is used before " + (sameUnit ? "that line" : "that block")
        }
        var details = Diagnostic.quote(document.source, location)
        details.append("blocks run top to bottom: move this use below line \(declaration.line), or the definition of '\(name)' above it")
        return Located(location: location, unitIndex: unit,
                       message: Message(file: program.articlePath, line: use.line, column: use.column, severity: "error",
                                        text: text, details: details))
    }

    /// An error in Weave's wrapper of an inline expression (the call that records a claim
    /// or a value), restated with the author's expression: the compiler's text names
    /// Weave's internal functions and quotes generated code.
    static func inlineGlueMessage(_ m: Message, notes: [Message], expression e: InlineExpression,
                                  location: SourceLocation, document: Document) -> Message {
        // "candidate requires that 'String' conform to 'BinaryFloatingPoint' …"
        let type = notes.lazy.compactMap { quotedName($0.text, prefix: "candidate requires that '") }.first { $0 != "()" }
        let typeText = type.map { " (its type is '\($0)')" } ?? ""
        var message = m
        switch e.kind {
        case .approx(let literal):
            message.text = "'\(e.expression)' is not a number\(typeText): '≈ \(literal)' needs an integer or floating-point value"
            message.details = Diagnostic.quote(document.source, location)
                + ["show a non-numeric value with `{swift} \(e.expression)`, or check it with `==` or claim(_:equals:_:) in a block"]
        case .exact(let literal):
            message.text = "'\(e.expression) == \(literal)' cannot be checked\(typeText): both sides must be values of one Equatable type"
            message.details = Diagnostic.quote(document.source, location)
                + ["a function or tuple cannot be compared; compare a value it computes"]
        case .value:
            message.text = "'\(e.expression)' cannot be shown: \(m.text)"
            message.details = Diagnostic.quote(document.source, location)
        }
        return message
    }

    /// The identifier that starts at a message's article location (a local function's
    /// name, where Swift reports what it captures), or nil (e.g. a closure's `{`).
    static func identifier(at m: Message, program: CodeGenerator.Program, document: Document) -> String? {
        let bytes = Array(document.source.lineText(m.line).utf8)
        var column = m.column
        if let u = unitIndex(forArticleLine: m.line, byteColumn: m.column, program: program, document: document),
           case .block(let b) = program.units[u] {
            column += document.blocks[b].containerPrefix.utf8.count
        }
        guard column >= 1, column <= bytes.count else { return nil }
        let word = bytes[(column - 1)...].prefix { $0 == 0x5F || ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) }
        return word.isEmpty ? nil : String(decoding: word, as: UTF8.self)
    }

    /// The first read of `name` in a unit before `unit` (the first of the unit that
    /// declares the local function `name` and the unit that defines what it reads): a call
    /// of the function before those blocks have run.
    static func earlierUse(of name: String, before unit: Int, program: CodeGenerator.Program,
                           document: Document) -> (location: SourceLocation, unit: Int)? {
        for k in 0..<unit {
            switch program.units[k] {
            case .block(let b):
                let block = document.blocks[b]
                guard let r = ScopePlanner.firstReference(to: name, in: block.code) else { continue }
                let line = block.codeFirstLine + r.line - 1
                return (articleLocation(line: line, byteColumn: r.column, program: program, document: document).0, k)
            case .inline(let i):
                let e = document.inlines[i]
                guard let r = ScopePlanner.firstReference(to: name, in: e.expression), r.line == 1 else { continue }
                let column = document.source.scalarColumn(line: e.location.line, byteColumn: e.byteColumn + r.column - 1)
                return (SourceLocation(line: e.location.line, column: column), k)
            }
        }
        return nil
    }

    /// The name in `PREFIX name' …`, when `text` starts with `prefix`.
    static func quotedName(_ text: String, prefix: String) -> String? {
        guard text.hasPrefix(prefix) else { return nil }
        let rest = text.dropFirst(prefix.count)
        guard let end = rest.firstIndex(of: "'") else { return nil }
        return String(rest[..<end])
    }

    static func unitIndex(forArticleLine line: Int, byteColumn: Int, program: CodeGenerator.Program, document: Document) -> Int? {
        // Several inline expressions may share a line: prefer the one whose columns match.
        for (k, u) in program.units.enumerated() {
            if case .inline(let i) = u {
                let e = document.inlines[i]
                if e.location.line == line && byteColumn >= e.byteColumn && byteColumn <= e.byteColumn + e.expression.utf8.count {
                    return k
                }
                if let literal = e.literal, e.literalLine == line, byteColumn >= e.literalByteColumn,
                   byteColumn <= e.literalByteColumn + literal.utf8.count {
                    return k
                }
            }
        }
        for (k, u) in program.units.enumerated() {
            switch u {
            case .block(let b):
                let block = document.blocks[b]
                let count = max(1, block.code.split(separator: "\n", omittingEmptySubsequences: false).count)
                if line >= block.codeFirstLine && line < block.codeFirstLine + count { return k }
            case .inline(let i):
                if document.inlines[i].location.line == line { return k }
            }
        }
        return nil
    }

    static func unitLocation(_ u: CodeGenerator.Unit, _ document: Document) -> SourceLocation {
        switch u {
        case .block(let b): return SourceLocation(line: document.blocks[b].codeFirstLine, column: 1)
        case .inline(let i): return document.inlines[i].location
        }
    }
}
