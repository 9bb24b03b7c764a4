import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Issue 29's findings 6, 7, 9, 11, 13, 15–17 and issue 27's hand list of flags, tried through
/// the built binary as a stranger would.
@Suite struct RobustCLITests {
    /// A fresh folder, removed by the caller.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-robust-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    // MARK: finding 7 (issue 27): options from the parser's own definitions

    /// Every command path (`["trace"]`, `["lesson", "build"]`) with its options, read from
    /// `adviz --experimental-dump-help` as swift-argument-parser describes them.
    static func commands() throws -> [(path: [String], flags: Set<String>, valued: Set<String>)] {
        var found: [(path: [String], flags: Set<String>, valued: Set<String>)] = []
        func visit(_ command: [String: Any], _ path: [String]) {
            var flags = Set<String>(), valued = Set<String>()
            for argument in command["arguments"] as? [[String: Any]] ?? [] where argument["kind"] as? String != "positional" {
                for name in argument["names"] as? [[String: Any]] ?? [] {
                    let spelled = (name["kind"] as? String == "long" ? "--" : "-") + (name["name"] as? String ?? "")
                    if argument["kind"] as? String == "flag" { flags.insert(spelled) } else { valued.insert(spelled) }
                }
            }
            if !path.isEmpty { found.append((path, flags, valued)) }
            for sub in command["subcommands"] as? [[String: Any]] ?? [] { visit(sub, path + [sub["commandName"] as? String ?? ""]) }
        }
        let root = try json(try AdvizRun(["--experimental-dump-help"]).stdout)
        visit(try #require(root["command"] as? [String: Any]), [])
        return found
    }

    @Test func optionListsComeFromEachCommandsDumpHelp() throws {
        let commands = try Self.commands()
        #expect(commands.count >= 14, "every command and lesson's subcommands")
        for command in commands where command.path != ["help"] {
            // The command's own `--experimental-dump-help`, as a user would ask for it.
            let own = try Self.json(try AdvizRun(command.path + ["--experimental-dump-help"]).stdout)
            let arguments = try #require((own["command"] as? [String: Any])?["arguments"] as? [[String: Any]])
            let names = Set(arguments.filter { $0["kind"] as? String != "positional" }.flatMap { argument in
                (argument["names"] as? [[String: Any]] ?? []).map { ($0["kind"] as? String == "long" ? "--" : "-") + ($0["name"] as? String ?? "") }
            })
            let shown = try Self.json(try AdvizRun(command.path + ["x"], environment: ["ADVIZ_SHOW_ARGUMENTS": "1"]).stdout)
            let flags = Set(shown["flags"] as? [String] ?? []), valued = Set(shown["valued"] as? [String] ?? [])
            #expect(shown["command"] as? [String] == command.path)
            #expect(flags.union(valued) == names, "\(command.path): adviz's table and the command's dump-help differ")
            #expect(flags == command.flags && valued == command.valued, "\(command.path)")
        }
    }

    @Test func everyFlagFollowedByANegativeExpression() throws {
        // Each command line and the words the parser must get from it.
        var cases: [(words: [String], expected: [String])] = []
        for command in try Self.commands() where command.path != ["help"] {
            for flag in command.flags.sorted() {
                cases.append((command.path + [flag, "-x1^2", "--at", "3"], command.path + [flag, "--at", "3", "--", "-x1^2"]))
            }
            for option in command.valued.sorted() {
                // The word after an option that takes a value is that value, minus and all.
                let words = command.path + [option, "-3"]
                cases.append((words, words))
            }
        }
        // The default command reads as trace.
        cases.append((["--gradient-graph", "-x1^2", "--at", "3"], ["--gradient-graph", "--at", "3", "--", "-x1^2"]))
        #expect(cases.count > 150)
        // One run of the binary reads every command line (a line each) as it reads its own.
        let lines = try cases.map { String(decoding: try JSONEncoder().encode($0.words), as: UTF8.self) }
        let run = try AdvizRun([], stdin: lines.joined(separator: "\n") + "\n", environment: ["ADVIZ_SHOW_ARGUMENTS": "lines"])
        let reports = run.stdout.split(separator: "\n").map(String.init)
        try #require(reports.count == cases.count, "\(reports.count) reports for \(cases.count) command lines: \(run.stderr)")
        for (report, (words, expected)) in zip(reports, cases) {
            #expect(try Self.json(report)["arguments"] as? [String] == expected, "\(words)")
        }
        // And each way of running agrees: the first and the last command line on their own.
        for (words, expected) in [cases[0], cases[cases.count - 2]] {
            let alone = try Self.json(try AdvizRun(words, environment: ["ADVIZ_SHOW_ARGUMENTS": "1"]).stdout)
            #expect(alone["arguments"] as? [String] == expected, "\(words)")
        }
    }

    /// The argument parser's own errors read as adviz's do: `error:` and a lowercase reason, the
    /// usage line after, exit 64; help and the version are unchanged.
    @Test func parserErrorsReadAsAdvizErrors() throws {
        let cases: [([String], String)] = [
            (["trace", "x", "--at", "1", "--precision", "0"], "error: --precision must be between 1 and 17, got 0"),
            (["trace", "x", "--at", "1", "--fromat", "json"], "error: unknown option '--fromat'"),
            (["plot", "x", "--from", "1", "--to", "0", "-o", "/tmp/never.svg"], "error: --from must be below --to"),
        ]
        for (arguments, expected) in cases {
            let run = try AdvizRun(arguments)
            #expect(run.status == 64, "\(arguments): \(run.status)")
            #expect(run.stderr.hasPrefix(expected), "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains("Usage: adviz"), "\(arguments): \(run.stderr)")
            #expect(!run.stderr.contains("Error:"), "\(arguments): \(run.stderr)")
        }
        let help = try AdvizRun(["trace", "--help"])
        #expect(help.status == 0 && help.stdout.contains("USAGE: adviz trace") && help.stderr.isEmpty)
        let version = try AdvizRun(["--version"])
        #expect(version.status == 0 && version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
    }

    @Test func traceFlagsBeforeANegativeExpressionRun() throws {
        let trace = try #require(try Self.commands().first { $0.path == ["trace"] })
        #expect(trace.flags.contains("--gradient-graph"))
        for flag in trace.flags.sorted() where !["--help", "-h", "--version"].contains(flag) {
            // `--standalone` needs `--format latex`; every flag is tried where it applies.
            let run = try AdvizRun(["trace", flag, "-x1^2", "--at", "3"] + (flag == "--standalone" ? ["--format", "latex"] : []))
            #expect(run.status == 0, "trace \(flag) -x1^2: \(run.stderr)")
            #expect(!run.stderr.lowercased().contains("unknown option"))
        }
        let graph = try AdvizRun(["trace", "--gradient-graph", "-x1^2", "--at", "3", "--format", "json"])
        #expect(graph.status == 0, "\(graph.stderr)")
    }

    // MARK: finding 6: plot's sample grid

    @Test func plotOnAnIntervalOfOneUlp() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (from, to) in [("1", "1.0000000000000002"), ("100", "100.00000000000001"), ("1e15", "1000000000000000.125")] {
            let path = folder.appendingPathComponent("a.svg").path
            let run = try AdvizRun(["plot", "x^2", "--from", from, "--to", to, "-o", path])
            #expect(run.status == 65, "\(from): \(run.stderr)")
            #expect(run.stderr.contains("holds 2 doubles, fewer than the 400 samples"), "\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let two = try AdvizRun(["plot", "x^2", "--from", from, "--to", to, "--samples", "2", "-o", path])
            #expect(two.status == 0, "\(two.stderr)")
            #expect(try String(contentsOfFile: path, encoding: .utf8).contains("</svg>"))
        }
    }

    // MARK: finding 9: the symbolic derivative's size

    @Test func deepSymbolicSecondDerivativeEndsInALimit() throws {
        let program = String(repeating: "1.0000001^(", count: 10_000) + "x" + String(repeating: ")", count: 10_000)
        // The limit is a million nodes unless --max-nodes says otherwise; a tenth of it here, the
        // same refusal in a tenth of the time (building a million nodes takes seconds in a debug build).
        let help = try AdvizRun(["diff", "--help"])
        #expect(help.stdout.replacingOccurrences(of: "\n", with: " ").contains("(default: 1000000)"), "\(help.stdout)")
        let run = try AdvizRun(["diff", "-", "--order", "2", "--max-nodes", "100000"], stdin: program)
        #expect(run.status == 70, "\(run.stderr)")
        #expect(run.stderr.contains("would exceed 100000 nodes"), "\(run.stderr)")
        #expect(run.stderr.contains("AD's trace has"))
        let zero = try AdvizRun(["diff", "x", "--max-nodes", "0"])
        #expect(zero.status == 64 && zero.stderr.contains("--max-nodes must be at least 1"), "\(zero.stderr)")
        // The first derivative of the same program stays small (the chain rule's product, shared).
        let first = try AdvizRun(["diff", "-"], stdin: program)
        #expect(first.status == 0, "\(first.stderr)")
    }

    // MARK: finding 11: default names

    @Test func defaultNamesDoNotCollide() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let programs = ["x-2", "x^2", "x/2", "x*2", "x+2", "x**2"]
        var written: [String] = []
        for program in programs {
            let run = try AdvizRun(["render", program], directory: folder)
            #expect(run.status == 0, "\(run.stderr)")
            written.append(run.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(Set(written).count == programs.count, "\(written)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("output").path)
        #expect(files.count == programs.count, "\(files)")
        // The same program again: the same name.
        #expect(try AdvizRun(["render", "x^2"], directory: folder).stderr.trimmingCharacters(in: .whitespacesAndNewlines) == written[1])
        let plots = try ["x-2", "x^2"].map { try AdvizRun(["plot", $0], directory: folder).stderr }
        #expect(plots[0] != plots[1] && plots.allSatisfy { $0.contains("-plot.svg") }, "\(plots)")
    }

    // MARK: finding 13: attributes and Graphviz's errors

    @Test func fontAndTitleCannotBreakTheSVG() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("f.svg").path
        let font = try AdvizRun(["render", "x^2", "--font", "Sans\" onload=\"alert(1)", "-o", path])
        #expect(font.status == 64)
        #expect(font.stderr.contains("--font"), "\(font.stderr)")
        let title = try AdvizRun(["render", "x^2", "--title", "a\u{01}b", "-o", path])
        #expect(title.status == 64)
        #expect(title.stderr.contains("--title") && title.stderr.contains("control character"), "\(title.stderr)")
        #expect(try AdvizRun(["plot", "x^2", "--title", "a\u{01}b", "-o", path]).status == 64)
        #expect(!FileManager.default.fileExists(atPath: path))
        // Quotes, ampersands and angle brackets in a title are text, escaped.
        let fine = try AdvizRun(["render", "x^2", "--at", "3", "--title", "\"a\" & <b> 'c'", "-o", path])
        #expect(fine.status == 0, "\(fine.stderr)")
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        #expect(svg.contains("&amp;") && !svg.contains("<b>"))
        #expect(try XMLDocument(data: Data(svg.utf8)).rootElement() != nil)
    }

    // MARK: finding 15: pipes, /dev/stdin, `-`

    @Test func programsAndPointsFromPipes() throws {
        let fromDevice = try AdvizRun(["trace", "-f", "/dev/stdin", "--at", "1", "--format", "json"], stdin: "x^2\n")
        #expect(fromDevice.status == 0, "\(fromDevice.stderr)")
        #expect(try Self.json(fromDevice.stdout)["value"] as? Double == 1)
        let dash = try AdvizRun(["trace", "-f", "-", "--at", "3", "--format", "json"], stdin: "x^2\n")
        #expect(try Self.json(dash.stdout)["value"] as? Double == 9)
        let empty = try AdvizRun(["trace", "-f", "/dev/null", "--at", "1"])
        #expect(empty.status == 65, "an empty program, not a file that cannot be read: \(empty.stderr)")
        #expect(!empty.stderr.contains("permission"))
        let points = try AdvizRun(["grad", "x^2", "--input", "-"], stdin: "x\n1\n2\n")
        #expect(points.status == 0, "\(points.stderr)")
        #expect(points.stdout.contains("2.0,4.0,4.0"), "\(points.stdout)")
        let missing = try AdvizRun(["grad", "x^2", "--input", "/nonexistent/p.csv"])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("cannot read `/nonexistent/p.csv`: no such file"), "\(missing.stderr)")
        let folder = try AdvizRun(["trace", "-f", "/tmp", "--at", "1"])
        #expect(folder.status == 66 && folder.stderr.contains("it is a folder"), "\(folder.stderr)")
        #expect(try AdvizRun(["grad", "-", "--input", "-"], stdin: "x").status == 64)
    }

    @Test func programFromAFIFO() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("p.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        // The writer opens the FIFO (blocking until adviz opens it to read), writes, closes.
        let writer = Thread {
            if let handle = FileHandle(forWritingAtPath: fifo) {
                handle.write(Data("x1*x2\n".utf8))
                try? handle.close()
            }
        }
        writer.start()
        let run = try AdvizRun(["trace", "-f", fifo, "--at", "2,5", "--format", "json"])
        // Had adviz not opened it, this releases the writer.
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        if reader >= 0 { close(reader) }
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Self.json(run.stdout)["value"] as? Double == 10)
    }

    // MARK: finding 16: CSV as spreadsheets write it

    @Test func gradReadsSpreadsheetCSV() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("p.csv").path
        try Data([0xEF, 0xBB, 0xBF] + Array("\"x2\",\"x1\"\r\n5,2\r\n".utf8)).write(to: URL(fileURLWithPath: path))
        let run = try AdvizRun(["grad", "log(x1*x2)+sin(x2)", "--input", path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.split(separator: "\n").count == 2, "\(run.stdout)")
        try "x1,x2\n1,2\n3,4,5\n".write(toFile: path, atomically: true, encoding: .utf8)
        let ragged = try AdvizRun(["grad", "x1*x2", "--input", path])
        #expect(ragged.status == 65)
        #expect(ragged.stderr.contains("row 2 (line 3) has 3 values; the header names 2 columns"), "\(ragged.stderr)")
    }

    // MARK: finding 17: one input order; non-UTF-8 files

    @Test func positionalPointFollowsTheDocumentedOrder() throws {
        let run = try AdvizRun(["trace", "b*w*x", "--at", "1,2,3", "--format", "json"])
        let gradient = try #require(try Self.json(run.stdout)["gradient"] as? [String: Double])
        // b = 1, w = 2, x = 3: ∂/∂b = w·x, ∂/∂w = b·x, ∂/∂x = b·w.
        #expect(gradient == ["b": 6, "w": 3, "x": 2])
    }

    /// Every `--help` example that binds a point by position binds a program whose inputs are
    /// x1, x2, … or one input; any other point is written by name, so no example reads wrong.
    @Test func helpExamplesBindPointsUnambiguously() throws {
        var examples = 0
        for command in try Self.commands() where command.path.count == 1 && command.path != ["help"] {
            let help = try AdvizRun(command.path + ["--help"]).stdout
            for line in help.split(separator: "\n") {
                let words = line.trimmingCharacters(in: .whitespaces)
                guard words.hasPrefix("adviz "), let at = words.range(of: "--at ") else { continue }
                let value = words[at.upperBound...].prefix { $0 != " " }
                guard !value.contains("="), let open = words.firstIndex(of: "\""), let close = words[words.index(after: open)...].firstIndex(of: "\"") else { continue }
                let program = String(words[words.index(after: open)..<close])
                let inputs = try Self.json(try AdvizRun(["trace", program, "--at", String(value), "--format", "json"]).stdout)["gradient"] as? [String: Double] ?? [:]
                examples += 1
                let unambiguous = inputs.count <= 1 || inputs.keys.allSatisfy { $0.first == "x" && $0.dropFirst().allSatisfy(\.isNumber) && $0.count > 1 }
                #expect(unambiguous, "`\(words)` binds \(inputs.keys.sorted()) by position")
            }
        }
        #expect(examples >= 10)
        // The neuron example of `render --help`, as it reads.
        let neuron = try AdvizRun(["trace", "y = tanh(w1*x1 + w2*x2 + b)", "--at", "x1=1,x2=2,w1=0.5,w2=-0.3,b=0.1", "--format", "json"])
        #expect(abs((try Self.json(neuron.stdout)["value"] as? Double ?? 0) - tanh(0.5 - 0.6 + 0.1)) < 1e-15)
    }

    @Test func notUTF8IsExit65Everywhere() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let program = folder.appendingPathComponent("p.adv"), lesson = folder.appendingPathComponent("l.md")
        try Data([0x78, 0x2A, 0xFF, 0x32]).write(to: program)
        try Data(Array("# Title\n\n## Step\n".utf8) + [0xC3, 0x28]).write(to: lesson)
        let trace = try AdvizRun(["trace", "-f", program.path, "--at", "1"])
        #expect(trace.status == 65)
        #expect(trace.stderr.contains("is not UTF-8 text: byte 2 (0xff)"), "\(trace.stderr)")
        let check = try AdvizRun(["lesson", "check", lesson.path])
        #expect(check.status == 65, "\(check.stderr)")
        #expect(check.stderr.contains("is not UTF-8 text: byte 17 (0xc3)"), "\(check.stderr)")
    }
}

/// Finding 7: compiling a long program's kernel — estimated, skipped under `auto`, stoppable.
@Suite struct CompileBudgetTests {
    /// A C compiler as adviz looks for one (clang or cc on PATH).
    static let hasCompiler: Bool = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains { folder in
        ["clang", "cc"].contains { FileManager.default.isExecutableFile(atPath: "\(folder)/\($0)") }
    }

    /// `a_i = sin(a_{i-1})*x + log(1 + a_{i-1}^2)`, `count` statements.
    static func chain(_ count: Int) -> String {
        (["a0 = x"] + (1...count).map { "a\($0) = sin(a\($0 - 1))*x + log(1 + a\($0 - 1)^2)" }).joined(separator: "\n") + "\n"
    }

    @Test(.enabled(if: hasCompiler)) func longProgramsAreInterpretedUnderAuto() throws {
        let cache = try RobustCLITests.folder()
        defer { try? FileManager.default.removeItem(at: cache) }
        let run = try AdvizRun(["grad", "-", "--grid", "0:1:11", "--summary"], stdin: Self.chain(300), environment: ["ADVIZ_CACHE_DIR": cache.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("would take about") && run.stderr.contains("the vectorised interpreter runs it instead"), "\(run.stderr)")
        #expect(run.stderr.contains("(--engine compiled to compile it anyway)"), "the command line names its flag: \(run.stderr)")
        #expect(run.stdout.contains("interpreted"), "the summary names the engine: \(run.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path).isEmpty, "nothing compiled")
        let tower = try AdvizRun(["grad", Array(repeating: "x", count: 1000).joined(separator: "^"), "--grid", "0.5:0.9:5", "--summary"],
                                 environment: ["ADVIZ_CACHE_DIR": cache.path])
        #expect(tower.status == 0 && tower.stdout.contains("interpreted"), "\(tower.stderr)")
        // A short program still compiles.
        let short = try AdvizRun(["grad", "x^2", "--grid", "0:1:11", "--summary"], environment: ["ADVIZ_CACHE_DIR": cache.path])
        #expect(short.stdout.contains("compiled"), "\(short.stdout) \(short.stderr)")
    }

    /// The state letter of a process (`R`, `S`, `Z` for a zombie), nil when it is gone.
    static func state(_ pid: Int32) -> Character? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ").first?.first
    }

    /// The processes whose parent is `pid`.
    static func children(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> Int32? in
            guard let child = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == pid ? child : nil
        }
    }

    @Test(.enabled(if: hasCompiler && FileManager.default.fileExists(atPath: "/proc/self/stat")))
    func terminatingAdvizStopsTheCompilerAndLeavesNoFiles() throws {
        let cache = try RobustCLITests.folder()
        defer { try? FileManager.default.removeItem(at: cache) }
        let process = Process()
        process.executableURL = AdvizRun.executable
        process.arguments = ["grad", Array(repeating: "x", count: 300).joined(separator: "^"), "--grid", "0.5:0.9:5", "--engine", "compiled"]
        var environment = ProcessInfo.processInfo.environment
        environment["ADVIZ_CACHE_DIR"] = cache.path
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait for the compiler to start (a condition, polled; the compile itself takes a minute).
        var compiler: [Int32] = []
        for _ in 0..<400 where compiler.isEmpty {
            compiler = Self.children(of: process.processIdentifier)
            if compiler.isEmpty { usleep(50_000) }
        }
        try #require(!compiler.isEmpty, "the compiler started")
        let started = compiler + compiler.flatMap { Self.children(of: $0) }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        // Ended by the signal (or, where the signal was blocked, with 128 + its number).
        #expect((process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGTERM) || process.terminationStatus == 128 + SIGTERM)
        for pid in started {
            let state = Self.state(pid)
            #expect(state == nil || state == "Z", "compiler process \(pid) still runs (\(String(describing: state)))")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path).isEmpty, "no partial .c or .so")
    }
}
