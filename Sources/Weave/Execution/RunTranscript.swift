import Foundation

/// What one run of an article program left behind: the channel messages and the
/// interleaved standard output/error, turned into per-block outputs, inline values
/// and claims.
struct RunTranscript {
    struct Message {
        var type: String
        var fields: [String: Any]
        func int(_ k: String) -> Int? { (fields[k] as? NSNumber)?.intValue ?? (fields[k] as? Int) }
        func string(_ k: String) -> String? { fields[k] as? String }
        func bool(_ k: String) -> Bool? { (fields[k] as? NSNumber)?.boolValue ?? (fields[k] as? Bool) }
        func strings(_ k: String) -> [String] { fields[k] as? [String] ?? [] }
        func rows(_ k: String) -> [[String]] { fields[k] as? [[String]] ?? [] }
    }

    var messages: [Message]
    var output: [UInt8]

    /// Parses the channel file (one JSON object per line; a torn last line is ignored).
    init(channel: [UInt8], output: [UInt8]) {
        var msgs: [Message] = []
        for line in channel.split(separator: 0x0A) {
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let t = obj["t"] as? String else { continue }
            msgs.append(Message(type: t, fields: obj))
        }
        messages = msgs
        self.output = output
    }

    func text(_ from: Int, _ to: Int) -> String {
        let a = max(0, min(from, output.count)), b = max(a, min(to, output.count))
        return String(decoding: output[a..<b], as: UTF8.self)
    }

    /// Per block: (status so far, items in order). A block that began but did not end
    /// is `running` — it is where the program stopped.
    struct BlockTrace {
        var began = false
        var ended = false
        var items: [OutputItem] = []
        var beginOffset = 0
        var lastOffset = 0
    }

    func blocks(count: Int) -> (traces: [BlockTrace], running: Int?) {
        var traces = [BlockTrace](repeating: BlockTrace(), count: count)
        var current: Int? = nil
        func flushText(_ b: Int, upTo offset: Int) {
            if offset > traces[b].lastOffset {
                let t = text(traces[b].lastOffset, offset)
                if !t.isEmpty { traces[b].items.append(.text(t)) }
                traces[b].lastOffset = offset
            }
        }
        for m in messages {
            switch m.type {
            case "begin":
                guard let b = m.int("block"), b >= 0, b < count else { continue }
                traces[b].began = true
                traces[b].beginOffset = m.int("out") ?? 0
                traces[b].lastOffset = traces[b].beginOffset
                current = b
            case "end":
                guard let b = m.int("block"), b >= 0, b < count else { continue }
                flushText(b, upTo: m.int("out") ?? traces[b].lastOffset)
                traces[b].ended = true
                current = nil
            case "table":
                guard let b = m.int("block"), b >= 0, b < count else { continue }
                flushText(b, upTo: m.int("out") ?? traces[b].lastOffset)
                let align = m.strings("align").map { TableOutput.Alignment(rawValue: $0) ?? .left }
                traces[b].items.append(.table(TableOutput(headers: m.strings("headers"), alignments: align, rows: m.rows("rows"), caption: m.string("caption"))))
            case "figure":
                guard let b = m.int("block"), b >= 0, b < count else { continue }
                flushText(b, upTo: m.int("out") ?? traces[b].lastOffset)
                traces[b].items.append(.figure(FigureOutput(svg: m.string("svg") ?? "", caption: m.string("caption"), alt: m.string("alt"))))
            default:
                break
            }
        }
        // The block that was running when the program stopped gets the rest of the output.
        if let b = current {
            flushText(b, upTo: output.count)
        }
        return (traces, current)
    }

    var inlineValues: [Int: String] {
        var out: [Int: String] = [:]
        for m in messages where m.type == "inline" {
            if let i = m.int("index"), let v = m.string("value") { out[i] = v }
        }
        return out
    }

    var claimMessages: [Message] { messages.filter { $0.type == "claim" } }
    var finished: Bool { messages.contains { $0.type == "done" } }
    /// The runtime's first message arrived: the program reached its first instruction.
    var started: Bool { messages.first?.type == "start" }
    /// The last inline expression that started (for locating a trap inside one).
    var lastInline: Int? { messages.last { $0.type == "inline" }?.int("index") }
}

/// Reads what the Swift runtime printed when the program trapped.
enum CrashReport {
    /// The runtime's own lines at the end of the output ("Fatal error: …", the
    /// backtracer's banner) are split from what the program printed.
    static func split(_ text: String) -> (userOutput: String, runtime: [String]) {
        var lines = text.components(separatedBy: "\n")
        var runtime: [String] = []
        if let first = lines.firstIndex(where: isRuntimeLine) {
            runtime = lines[first...].filter { !$0.trimmingSpaces().isEmpty }
            lines.removeSubrange(first...)
            // Keep the output's final line break.
            return (lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n"), runtime)
        }
        return (text, [])
    }

    static func isRuntimeLine(_ s: String) -> Bool {
        s.contains("Fatal error: ") || s.hasPrefix("*** Signal ") || s.hasPrefix("💣 Program crashed") || s.hasPrefix("*** Program crashed")
            || s.contains("Swift runtime failure:")
    }

    /// The message of a trap: the text after "Fatal error: ", or the runtime failure
    /// named in the backtrace.
    static func message(runtimeLines: [String], backtrace: String) -> String? {
        for l in runtimeLines {
            if let r = l.range(of: "Fatal error: ") { return String(l[r.upperBound...]).trimmingSpaces() }
        }
        for l in backtrace.components(separatedBy: "\n") {
            if let r = l.range(of: "Swift runtime failure: ") {
                var s = String(l[r.upperBound...])
                if let cut = s.range(of: " in ") ?? s.range(of: " + ") { s = String(s[..<cut.lowerBound]) }
                return s.trimmingSpaces()
            }
        }
        return nil
    }

    /// The first frame of the crashed thread that points into the article:
    /// `… at notebooks/x.md:43:10`.
    static func articleLocation(backtrace: String, articlePath: String) -> (line: Int, column: Int)? {
        // The debug info may record the path as given or made absolute.
        let relative = articlePath.hasPrefix("./") ? String(articlePath.dropFirst(2)) : articlePath
        for l in backtrace.components(separatedBy: "\n") {
            guard let r = l.range(of: " at ", options: .backwards) else { continue }
            let loc = l[r.upperBound...]
            let parts = loc.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 3, let line = Int(parts[parts.count - 2]),
                  let col = Int(parts[parts.count - 1].prefix(while: { $0.isNumber })) else { continue }
            let file = parts.dropLast(2).joined(separator: ":")
            if file == articlePath || file == relative || file.hasSuffix("/" + relative) {
                return (line, max(1, col))
            }
        }
        return nil
    }
}
