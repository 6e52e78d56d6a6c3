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

    static func locate(_ messages: [Message], program: CodeGenerator.Program, document: Document,
                       generatedPath: String) -> [Located] {
        var out: [Located] = []
        for m in messages where m.severity == "error" {
            if m.file == program.articlePath {
                let unit = unitIndex(forArticleLine: m.line, byteColumn: m.column, program: program, document: document)
                var byteColumn = m.column
                if let u = unit, case .block(let b) = program.units[u] {
                    byteColumn += document.blocks[b].containerPrefix.utf8.count
                }
                let col = document.source.scalarColumn(line: m.line, byteColumn: byteColumn)
                let location = SourceLocation(line: m.line, column: col)
                var message = m
                if let u = unit, case .inline = program.units[u], m.details.count >= 2 {
                    // The compiler quoted the generated line (blanks, then the expression):
                    // quote the article's line instead, so the reader sees the sentence.
                    message.details = Diagnostic.quote(document.source, location) + m.details.dropFirst(2)
                }
                out.append(Located(location: location, unitIndex: unit, message: message))
            } else if m.file == generatedPath || m.file.hasSuffix("/" + FileIO.basename(generatedPath)) {
                let unit = program.generatedLines.firstIndex { $0.contains(m.line) }
                out.append(Located(location: unit.map { unitLocation(program.units[$0], document) } ?? SourceLocation(line: 1, column: 1),
                                   unitIndex: unit, message: m))
            } else {
                out.append(Located(location: SourceLocation(line: 1, column: 1), unitIndex: nil, message: m))
            }
        }
        return out
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
