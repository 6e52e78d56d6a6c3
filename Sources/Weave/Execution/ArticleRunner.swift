import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Options for running articles.
public struct ExecutionOptions: Sendable {
    /// Wall-clock limit for one article's run, in seconds, when neither the command
    /// line nor the article's front matter sets one (`weave.yml` may).
    public var timeout: Double = 300
    /// `--timeout`: overrides the front matter.
    public var timeoutOverride: Double? = nil
    /// Cap on what a program may print (standard output and error together), bytes.
    public var outputCap: Int = 10_000_000
    public var useCache: Bool = true
    public var cacheDirectory: String = ".weave-cache"
    /// The key that authenticates cache entries (HMAC-SHA-256), from `WEAVE_CACHE_KEY`;
    /// nil or empty: entries are not authenticated (the cache must come from trusted runs).
    public var cacheAuthenticationKey: String? = ProcessInfo.processInfo.environment["WEAVE_CACHE_KEY"]
    /// Extra environment for article programs.
    public var environment: [String: String] = [:]
    /// The sandbox article programs run in (issue 9); `--no-sandbox` disables it.
    public var sandbox = Sandbox()
    /// `OPENBLAS_CORETYPE` for article programs: Debian's OpenBLAS 0.3.21 does not know
    /// CPUs newer than itself (Zen 4/5) and falls back to its AVX2 kernels; on a CPU with
    /// AVX-512 the SkylakeX kernels are about 1.6× faster (Benchmarks/attention). An
    /// explicit `OPENBLAS_CORETYPE` in the environment wins.
    public var blasCoreType: String? = ExecutionOptions.detectBLASCoreType()

    public init() {}

    static func detectBLASCoreType() -> String? {
        if let v = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] { return v.isEmpty ? nil : v }
        guard let info = try? FileIO.read("/proc/cpuinfo") else { return nil }
        let text = String(decoding: info.prefix(64 * 1024), as: UTF8.self)
        guard let flags = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return nil }
        let set = Set(flags.split(separator: " "))
        return set.contains("avx512f") && set.contains("avx512vl") && set.contains("avx512bw") && set.contains("avx512dq") ? "SkylakeX" : nil
    }
}

/// Compiles and runs one article (DESIGN.md §3): one Swift program per article,
/// compiled against the prebuilt kit, run in its own process group with a timeout and
/// an output cap; a block that fails is a result, not a crash of Weave.
public struct ArticleRunner: Sendable {
    public let toolchain: Toolchain
    public let options: ExecutionOptions
    let cache: ResultCache

    public init(toolchain: Toolchain, options: ExecutionOptions) {
        self.toolchain = toolchain
        self.options = options
        self.cache = ResultCache(directory: options.cacheDirectory, authenticationKey: options.cacheAuthenticationKey)
    }

    public struct Outcome: Sendable {
        public enum Status: Sendable, Equatable {
            /// Taken from the cache; nothing compiled or run.
            case cached
            /// Compiled and run (`seconds` of wall time), because `reason`.
            case ran(seconds: Double, reason: String)
            /// The article has no code to run.
            case nothingToRun
        }

        public var results: ArticleResults
        public var status: Status
    }

    public func run(_ document: Document) -> Outcome {
        let generator = CodeGenerator(document: document)
        let units = generator.units()
        guard !units.isEmpty else {
            return Outcome(results: emptyResults(document), status: .nothingToRun)
        }
        let timeouts: (Int) -> Int = { i in document.blocks[i].options.timeout.map { Int($0.rounded(.up)) } ?? 0 }
        let program = generator.generate(blockTimeout: timeouts)
        let optimize = document.executeFlag("optimize", default: false)
        let args = toolchain.compileArguments(optimize: optimize)
        // The key covers everything the run can read (DESIGN.md §3): the data folders by
        // content (past RunInputs' bounds the run is not cached) and the environment
        // values passed through.
        var reason = "--no-cache"
        var useCache = options.useCache
        var data = ""
        if useCache {
            do { data = try RunInputs.dataDigest(dataFolders(document)) } catch {
                useCache = false
                reason = "\(error)"
            }
        }
        let envNames = passedEnvironmentNames()
        let parts = ResultCache.KeyParts(
            program: Toolchain.sha256([program.source]), kit: toolchain.kitFingerprint, swift: toolchain.swiftVersion,
            flags: args.dropFirst().joined(separator: " ") + " timeout=\(articleTimeout(document)) cap=\(options.outputCap) \(options.sandbox.fingerprint) blas=\(options.blasCoreType ?? "auto")/\(ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "1")",
            data: data, environment: RunInputs.environmentDigest(envNames, environment: programEnvironment()),
            environmentNames: envNames, units: unitHashes(program, document))
        if useCache {
            switch cache.lookup(parts, article: document.path) {
            case .hit(let r): return Outcome(results: r, status: .cached)
            case .miss(let why): reason = why
            }
        }
        let start = Date()
        var (results, cacheable) = compileAndRun(document, generator: generator, program: program, args: args, timeouts: timeouts)
        if Subprocess.wasInterrupted && results.environmentFailure != true {
            (results, cacheable) = environmentFailure(document, "the run was interrupted (Ctrl-C or SIGTERM)", details: [])
        }
        // A run that Weave itself stopped (Ctrl-C) or that something killed says nothing
        // about the program: never cache it.
        if useCache && cacheable && !Subprocess.wasInterrupted {
            cache.store(results, parts: parts, article: document.path)
        }
        return Outcome(results: results, status: .ran(seconds: Date().timeIntervalSince(start), reason: reason))
    }

    /// The data folders a run of `document` may read (`weave.yml` `sandbox.data`, relative
    /// to the article's folder as the sandbox binds them, and the front matter's `data:`),
    /// absolute.
    func dataFolders(_ document: Document) -> [String] {
        let dir = FileIO.dirname(document.path)
        let cwd = dir.isEmpty ? FileManager.default.currentDirectoryPath : absolute(dir)
        return options.sandbox.dataFolders.map { $0.hasPrefix("/") ? $0 : cwd + "/" + $0 }
            + ProjectRoot.allowedDataFolders(document, cwd: cwd, root: options.sandbox.projectRoot)
    }

    /// The environment variables whose values reach the program: the sandbox's allow-list
    /// (the fixed one and `sandbox.env`) and the runner's extra variables.
    func passedEnvironmentNames() -> [String] {
        Array(Set(options.sandbox.environmentAllowList + ["LANG"] + options.environment.keys)).sorted()
    }

    /// The environment as the program gets it, before the sandbox filters it.
    func programEnvironment() -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in options.environment { env[k] = v }
        return env
    }

    func articleTimeout(_ document: Document) -> Double {
        if let t = options.timeoutOverride { return t }
        if let t = document.executeOption("timeout").flatMap(Double.init), t > 0 { return t }
        return options.timeout
    }

    func unitHashes(_ program: CodeGenerator.Program, _ document: Document) -> [ResultCache.KeyParts.UnitHash] {
        program.units.map { u in
            switch u {
            case .block(let b):
                let block = document.blocks[b]
                return .init(label: "block \(b + 1)", line: block.location.line, hash: Toolchain.sha256([block.code]).prefix(16).description)
            case .inline(let i):
                let e = document.inlines[i]
                return .init(label: "inline expression `\(e.expression)`", line: e.location.line,
                             hash: Toolchain.sha256([e.expression, e.literal ?? ""]).prefix(16).description)
            }
        }
    }

    /// A failure of the machine (the sandbox, the launcher or the compiler could not run,
    /// or Weave was interrupted), not of the article: reported without an article
    /// location, never cached (the second value is false), and `weave` exits 2.
    func environmentFailure(_ document: Document, _ message: String, details: [String]) -> (ArticleResults, Bool) {
        var r = emptyResults(document)
        for b in document.blocks.indices { r.blocks[b] = BlockResult(status: .notRun, error: "Not run: \(message).") }
        r.claims = notRunClaims(document, program: CodeGenerator(document: document).generate(), from: 0)
        r.problems = [.init(line: nil, column: nil, message: "environment error: " + message, details: details)]
        r.environmentFailure = true
        return (r, false)
    }

    func emptyResults(_ document: Document) -> ArticleResults {
        ArticleResults(blocks: document.blocks.map { _ in BlockResult(status: .skipped) },
                       inlines: document.inlines.map { _ in InlineResult() })
    }

    // MARK: - Compile and run

    /// Returns the results and whether they may be cached (timeouts and failures to
    /// launch the compiler are not: they depend on the machine, not the program).
    func compileAndRun(_ document: Document, generator: CodeGenerator, program: CodeGenerator.Program,
                       args: [String], timeouts: (Int) -> Int) -> (ArticleResults, Bool) {
        let tmp = makeTempDirectory()
        // WEAVE_KEEP_BUILD=1 keeps the generated program, binary and logs for debugging.
        let keep = ProcessInfo.processInfo.environment["WEAVE_KEEP_BUILD"] == "1"
        if keep { FileHandle.standardError.write(Data("weave: keeping build files of \(document.path) in \(tmp)\n".utf8)) }
        defer { if !keep { try? FileManager.default.removeItem(atPath: tmp) } }
        let mainPath = tmp + "/main.swift"
        let exe = tmp + "/article"

        switch compile(program, args: args, mainPath: mainPath, exe: exe) {
        case .failure(let infra):
            return environmentFailure(document, infra.message, details: infra.details)
        case .success(let compilerOutput?):
            // Compilation failed: find the first unit with an error, run the units
            // before it, and report the errors at the article's lines.
            let located = CompilerDiagnostics.locate(CompilerDiagnostics.parse(compilerOutput), program: program,
                                                     document: document, generatedPath: mainPath)
            // No error in the article's code (a module cache that cannot be written, a kit
            // that does not load): the compiler's environment failed, not the article.
            if !located.contains(where: { $0.unitIndex != nil || $0.message.file == program.articlePath }) {
                return environmentFailure(document, "the Swift compiler failed outside the article's code",
                                          details: compilerOutput.split(separator: "\n").suffix(20).map(String.init))
            }
            let failing = located.compactMap(\.unitIndex).min() ?? 0
            var results: ArticleResults
            var cacheable = true
            if failing > 0 {
                let prefix = generator.generate(prefix: failing, blockTimeout: timeouts)
                let prefixExe = tmp + "/article-prefix"
                if case .success(nil) = compile(prefix, args: args, mainPath: tmp + "/prefix.swift", exe: prefixExe) {
                    (results, cacheable) = execute(document, program: prefix, exe: prefixExe, tmp: tmp)
                } else {
                    results = emptyResults(document)
                }
            } else {
                results = emptyResults(document)
            }
            // The failing unit and everything after it.
            let errorsByUnit = Dictionary(grouping: located, by: { $0.unitIndex ?? failing })
            let failingText = (errorsByUnit[failing] ?? located).map { e in
                "\(document.path):\(e.location.line):\(e.location.column): error: \(e.message.text)"
            }.joined(separator: "\n")
            for k in failing..<program.units.count {
                switch program.units[k] {
                case .block(let b):
                    results.blocks[b] = k == failing
                        ? BlockResult(status: .failed, error: failingText)
                        : BlockResult(status: .notRun, error: nil)
                case .inline(let i):
                    results.inlines[i] = InlineResult(error: k == failing ? failingText : "not evaluated: the article stopped at an earlier error")
                }
            }
            results.problems += located.map { e in
                .init(line: e.location.line, column: e.location.column, message: e.message.text, details: e.message.details)
            }
            results.claims += notRunClaims(document, program: program, from: failing)
            return (finalize(results), cacheable)
        case .success(nil):
            let (results, cacheable) = execute(document, program: program, exe: exe, tmp: tmp)
            return (finalize(results), cacheable)
        }
    }

    struct InfrastructureError: Error {
        var message: String
        var details: [String]
    }

    /// Compiles; `.success(nil)` when it compiled, `.success(output)` when the compiler
    /// reported errors, `.failure` when the compiler could not be run.
    func compile(_ program: CodeGenerator.Program, args: [String], mainPath: String, exe: String) -> Result<String?, InfrastructureError> {
        do {
            try FileIO.writeAtomically(Array(program.source.utf8), to: mainPath)
        } catch {
            return .failure(InfrastructureError(message: "cannot write the generated program: \(error)", details: []))
        }
        let log = mainPath + ".log"
        do {
            let t = try Subprocess.run(args + [mainPath, "-o", exe], environment: ProcessInfo.processInfo.environment,
                                       outputPath: log, timeout: 900)
            let out = (try? FileIO.read(log)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            if t.succeeded { return .success(nil) }
            if t.timedOut || t.signal != nil || !out.contains("error:") {
                return .failure(InfrastructureError(message: "the Swift compiler failed (\(t))",
                                                    details: out.split(separator: "\n").suffix(20).map(String.init)))
            }
            return .success(out)
        } catch {
            return .failure(InfrastructureError(message: "\(error)", details: ["is swiftc installed and on PATH (or set WEAVE_SWIFTC)?"]))
        }
    }

    /// Runs a compiled program and turns what it left into results.
    func execute(_ document: Document, program: CodeGenerator.Program, exe: String, tmp: String) -> (ArticleResults, Bool) {
        let files: RunFiles
        do {
            files = try RunFiles(directory: tmp)
        } catch {
            return environmentFailure(document, "cannot prepare the run: \(error)", details: [])
        }
        var env = ProcessInfo.processInfo.environment
        for (k, v) in options.environment { env[k] = v }
        env["WEAVE_CHANNEL"] = nil
        env["WEAVE_CACHE_KEY"] = nil  // also without the sandbox: the program must not sign entries
        env["WEAVE_CHANNEL_FD"] = String(RunFiles.channelDescriptor)
        env["WEAVE_OUTPUT_CAP"] = String(options.outputCap)
        if let core = options.blasCoreType { env["OPENBLAS_CORETYPE"] = core }
        // One BLAS thread per article program unless the caller says otherwise: articles
        // run in parallel (--jobs), and results must not depend on how many run at once.
        // An article can still ask for more with `BLAS.threadCount = 2`.
        if env["OPENBLAS_NUM_THREADS"] == nil { env["OPENBLAS_NUM_THREADS"] = "1" }
        env["SWIFT_BACKTRACE"] = "enable=yes,interactive=no,color=no,threads=crashed,registers=none,images=none,sanitize=no,limit=48,top=8,output-to=\(files.backtracePath)"
        let dir = FileIO.dirname(document.path)
        let cwd = dir.isEmpty ? FileManager.default.currentDirectoryPath : absolute(dir)
        let limit = articleTimeout(document)
        let termination: Subprocess.Termination
        do {
            if options.sandbox.enabled {
                var sandbox = options.sandbox
                sandbox.dataFolders += ProjectRoot.allowedDataFolders(document, cwd: cwd, root: sandbox.projectRoot)
                let cmd = try sandbox.wrap(
                    exe: exe, cwd: cwd, runDirectory: tmp, writable: [files.backtracePath], kitDirectory: toolchain.kitDirectory,
                    toolchainRoot: toolchain.runtimeRoot, environment: env,
                    cpuSeconds: Int(min(limit, 1e9).rounded(.up)) + 5, outputCap: options.outputCap)
                if ProcessInfo.processInfo.environment["WEAVE_KEEP_BUILD"] == "1" {
                    try? FileIO.writeAtomically(Array((cmd.argv.joined(separator: " \\\n  ") + "\n").utf8), to: tmp + "/command.txt")
                }
                var t = try Subprocess.run(cmd.argv, environment: cmd.environment, outputPath: nil,
                                           timeout: limit, files: cmd.files, inherit: files.inherited)
                // bwrap reports a signal that ended the program as status 128 + N.
                if let code = t.exitCode, code > 128, code < 128 + 65 {
                    t.signal = code - 128
                    t.exitCode = nil
                }
                termination = t
            } else {
                termination = try Subprocess.run([exe], environment: env, cwd: cwd, outputPath: nil, timeout: limit,
                                                 inherit: files.inherited)
            }
        } catch {
            return environmentFailure(document, "cannot start the article program: \(error)", details: [])
        }
        let output = files.readOutput(cap: options.outputCap)
        let channelBytes = files.readChannel(cap: max(options.outputCap, 64 << 20))
        let backtrace = files.readBacktrace()
        let transcript = RunTranscript(channel: channelBytes, output: output)
        var results = emptyResults(document)
        let (traces, running) = transcript.blocks(count: document.blocks.count)
        let values = transcript.inlineValues

        // Blocks and inline values that ran.
        for u in program.units {
            switch u {
            case .block(let b):
                let t = traces[b]
                if t.ended { results.blocks[b] = BlockResult(status: .ok, items: t.items) }
                else if t.began { results.blocks[b] = BlockResult(status: .failed, items: t.items) }
                else { results.blocks[b] = BlockResult(status: .notRun) }
            case .inline(let i):
                if let v = values[i] { results.inlines[i] = InlineResult(text: v) }
            }
        }
        results.claims = claims(transcript, document: document)

        // A program that never reached its first instruction was not started by the
        // sandbox or the loader: the environment failed, not the article.
        if !transcript.started && !termination.timedOut {
            if Subprocess.wasInterrupted {
                return environmentFailure(document, "the run was interrupted", details: [])
            }
            var details = Sandbox.launcherMessage(output)
            if details.isEmpty { details = String(decoding: output.suffix(2000), as: UTF8.self).split(separator: "\n").suffix(10).map(String.init) }
            details.append("the launcher \(termination); this is a problem of the machine, not of the article (nothing was cached)")
            return environmentFailure(document, options.sandbox.enabled ? "the sandbox could not start the article program" : "the article program could not start",
                                      details: details)
        }

        // How the program ended.
        let stoppedUnit = stoppedUnitIndex(program: program, traces: traces, running: running, transcript: transcript, document: document)
        let complete = transcript.finished && termination.succeeded
        if !complete {
            let unitLoc = stoppedUnit.map { CompilerDiagnostics.unitLocation(program.units[$0], document) } ?? SourceLocation(line: 1, column: 1)
            var message: String
            var loc = unitLoc
            var details: [String] = []
            var cacheable = true
            if termination.timedOut {
                message = "timed out after \(Int(limit)) s; the article's program was stopped"
                details.append("raise the limit with 'timeout: SECONDS' in the front matter or --timeout, or make the code faster")
                cacheable = false
            } else if termination.signal == SIGALRM, let u = stoppedUnit, case .block(let b) = program.units[u] {
                message = "block timed out after \(timeouts(document, b)) s (its '//| timeout:' option)"
            } else if termination.signal == SIGXFSZ {
                message = "output exceeded the cap of \(options.outputCap / 1_000_000) MB; the program was stopped and its output cut"
                details.append("print less (or summarise with a table or plot)")
            } else if termination.exitCode == Sandbox.violationExitCode,
                      let m = transcript.messages.last(where: { $0.type == "sandbox" }) {
                message = "the sandbox stopped the program: it tried to open a network connection (articles run without network)"
                details.append("compute from data in the article's folder instead; see 'Trust model' in the README")
                if let l = Sandbox.locate(frames: m.fields["frames"] as? [String] ?? [], maps: m.fields["maps"] as? [String] ?? [],
                                          exe: exe, articlePath: document.path, symbolizer: toolchain.symbolizer) {
                    loc = SourceLocation(line: l.line, column: document.source.scalarColumn(line: l.line, byteColumn: l.column))
                }
            } else if termination.signal == SIGXCPU {
                message = "the program used more CPU time than its limit (\(Int(limit)) s)"
            } else if termination.signal == SIGSYS && options.sandbox.enabled {
                message = "the sandbox stopped the program: it made a system call through a foreign ABI (32-bit int 0x80 or x32), which articles may not use"
            } else if termination.signal == SIGKILL {
                message = "the program was killed (SIGKILL), perhaps for using too much memory"
                cacheable = false
            } else if let s = termination.signal {
                let split = lastBlockRuntimeLines(results, running: running)
                let msg = CrashReport.message(runtimeLines: split, backtrace: backtrace) ?? "crashed with \(Subprocess.signalName(s))"
                message = "runtime error: \(msg)"
                if options.sandbox.enabled && msg.contains("allocate") {
                    details.append("the sandbox limits memory to \(options.sandbox.memoryLimit >> 20) MB ('sandbox: {memory: 8G}' in weave.yml raises it)")
                }
                if let l = CrashReport.articleLocation(backtrace: backtrace, articlePath: document.path) {
                    loc = SourceLocation(line: l.line, column: document.source.scalarColumn(line: l.line, byteColumn: l.column))
                }
            } else if let code = termination.exitCode, code != 0 {
                message = "the program exited with status \(code)"
            } else {
                message = "the program stopped before the end of the article (exit() called?)"
            }
            // Separate the runtime's lines from the block's own partial output.
            if let b = running {
                var items = results.blocks[b].items
                if case .text(let t)? = items.last {
                    let (user, _) = CrashReport.split(t)
                    items.removeLast()
                    if !user.isEmpty { items.append(.text(user)) }
                }
                results.blocks[b].items = items
                let partial = items.compactMap { if case .text(let t) = $0 { return t } else { return nil } }.joined()
                if !partial.isEmpty {
                    let lines = partial.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
                    details.append("output of the block before the error:")
                    details += lines.suffix(10).map { "  | " + ($0.count > 160 ? String($0.prefix(157)) + "..." : $0) }
                }
                results.blocks[b].status = .failed
                results.blocks[b].error = "\(document.path):\(loc.line):\(loc.column): error: \(message)"
            } else if let u = stoppedUnit, case .inline(let i) = program.units[u] {
                results.inlines[i] = InlineResult(error: message)
            }
            results.problems.append(.init(line: loc.line, column: loc.column, message: message, details: details))
            notRunAfterFailure(&results, program: program, from: (stoppedUnit ?? 0) + 1, document: document)
            results.claims += notRunClaims(document, program: program, from: (stoppedUnit ?? 0) + 1, existing: results.claims)
            return (results, cacheable)
        }
        // Units that were in the document but not in this (prefix) program are handled by the caller.
        return (results, true)
    }

    func timeouts(_ document: Document, _ b: Int) -> Int {
        document.blocks[b].options.timeout.map { Int($0.rounded(.up)) } ?? 0
    }

    func lastBlockRuntimeLines(_ results: ArticleResults, running: Int?) -> [String] {
        guard let b = running, case .text(let t)? = results.blocks[b].items.last else { return [] }
        return CrashReport.split(t).runtime
    }

    /// The unit where the program stopped: the running block, or the inline
    /// expression after the last unit that completed.
    func stoppedUnitIndex(program: CodeGenerator.Program, traces: [RunTranscript.BlockTrace], running: Int?,
                          transcript: RunTranscript, document: Document) -> Int? {
        if let b = running { return program.units.firstIndex(of: .block(b)) }
        let values = transcript.inlineValues
        let claimed = Set(transcript.claimMessages.compactMap { $0.int("inline") })
        for (k, u) in program.units.enumerated() {
            switch u {
            case .block(let b): if !traces[b].ended { return k }
            case .inline(let i): if values[i] == nil && !claimed.contains(i) { return k }
            }
        }
        return nil
    }

    func notRunAfterFailure(_ results: inout ArticleResults, program: CodeGenerator.Program, from: Int, document: Document) {
        guard from < program.units.count else { return }
        for k in from..<program.units.count {
            switch program.units[k] {
            case .block(let b):
                if results.blocks[b].status != .failed {
                    results.blocks[b] = BlockResult(status: .notRun, error: "Not run: an earlier block or expression failed.")
                }
            case .inline(let i):
                if results.inlines[i].text == nil && results.inlines[i].error == nil {
                    results.inlines[i] = InlineResult(error: "not evaluated: the article stopped at an earlier error")
                }
            }
        }
    }

    // MARK: - Claims

    func claims(_ t: RunTranscript, document: Document) -> [ClaimResult] {
        var out: [ClaimResult] = []
        for m in t.claimMessages {
            let line = m.int("line") ?? 0
            let column = m.int("column") ?? 1
            let kind = ClaimResult.Kind(rawValue: m.string("kind") ?? "condition") ?? .condition
            var c = ClaimResult(kind: kind, line: line, column: column, expression: "", expected: m.string("expected"),
                                actual: m.string("actual"), tolerance: m.string("tolerance"), message: m.string("message"),
                                status: (m.bool("passed") ?? false) ? .passed : .failed)
            if let i = m.int("inline"), i >= 0, i < document.inlines.count {
                let e = document.inlines[i]
                c.expression = e.expression
                c.line = e.location.line
                c.column = e.location.column
                if kind == .approx, let lit = NumericLiteral(e.literal ?? ""), let actual = m.string("actual").flatMap(Double.init) {
                    c.tolerance = "±" + formatTolerance(lit.tolerance)
                    c.status = lit.accepts(actual) ? .passed : .failed
                }
            } else {
                // `#column` of a call is its opening parenthesis: point at `claim` instead.
                var byteColumn = column
                let lineText = Array(document.source.bytes[document.source.lineRange(line)])
                let name = Array("claim".utf8)
                if byteColumn - 1 - name.count >= 0, byteColumn - 1 <= lineText.count,
                   Array(lineText[(byteColumn - 1 - name.count)..<(byteColumn - 1)]) == name {
                    byteColumn -= name.count
                }
                c.expression = claimSource(document, line: line, column: byteColumn)
                c.column = document.source.scalarColumn(line: line, byteColumn: byteColumn)
            }
            out.append(c)
        }
        return out
    }

    /// The prose claims in units from `from` on that never ran.
    func notRunClaims(_ document: Document, program: CodeGenerator.Program, from: Int, existing: [ClaimResult] = []) -> [ClaimResult] {
        guard from < program.units.count else { return [] }
        var out: [ClaimResult] = []
        for u in program.units[from...] {
            guard case .inline(let i) = u else { continue }
            let e = document.inlines[i]
            guard let lit = e.literal else { continue }
            if existing.contains(where: { $0.line == e.location.line && $0.column == e.location.column }) { continue }
            let kind: ClaimResult.Kind
            if case .approx = e.kind { kind = .approx } else { kind = .exact }
            out.append(ClaimResult(kind: kind, line: e.location.line, column: e.location.column, expression: e.expression,
                                   expected: lit, status: .notRun))
        }
        return out
    }

    func formatTolerance(_ t: Double) -> String {
        var s = String(t)
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s
    }

    /// The text of a `claim(…)` call at a location (for the manifest).
    func claimSource(_ document: Document, line: Int, column: Int) -> String {
        let r = document.source.lineRange(line)
        let start = min(r.upperBound, r.lowerBound + max(0, column - 1))
        return document.source.text(start..<r.upperBound).trimmingSpaces()
    }

    /// Failed claims become problems, sorted by line.
    func finalize(_ r: ArticleResults) -> ArticleResults {
        var results = r
        for c in results.claims where c.status == .failed {
            results.problems.append(.init(line: c.line, column: c.column, message: claimFailureMessage(c)))
        }
        results.problems.sort { ($0.line ?? 0, $0.column ?? 0) < ($1.line ?? 0, $1.column ?? 0) }
        return results
    }

    func claimFailureMessage(_ c: ClaimResult) -> String {
        switch c.kind {
        case .approx:
            return "claim failed: \(c.expression) ≈ \(c.expected ?? "?") (computed \(c.actual ?? "?"), allowed \(c.tolerance ?? "?"))"
        case .exact:
            if let m = c.message { return "claim failed: \(m) (computed \(c.actual ?? "?"), expected \(c.expected ?? "?"))" }
            return "claim failed: \(c.expression) == \(c.expected ?? "?") (computed \(c.actual ?? "?"))"
        case .near:
            return "claim failed: \(c.message ?? c.expression) (computed \(c.actual ?? "?"), expected \(c.expected ?? "?") \(c.tolerance ?? ""))"
        case .condition:
            return "claim failed: \(c.message ?? c.expression)"
        }
    }

    // MARK: - Files

    func makeTempDirectory() -> String {
        var template = Array((NSTemporaryDirectory() + "/weave-run-XXXXXX").utf8CString)
        let dir = template.withUnsafeMutableBufferPointer { p -> String? in
            guard let r = mkdtemp(p.baseAddress!) else { return nil }
            return String(cString: r)
        }
        return dir ?? NSTemporaryDirectory() + "/weave-run-\(UUID().uuidString)"
    }

    func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
