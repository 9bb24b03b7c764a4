import Foundation
import Testing

/// Runs the built `adviz` binary as a user would: arguments in, stdout, stderr and exit code out.
struct AdvizRun {
    var stdout: String
    var stderr: String
    var status: Int32

    /// The binary built beside this test bundle.
    static let executable: URL = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("adviz"),
            Bundle.main.bundleURL.appendingPathComponent("adviz"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("adviz"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }()

    init(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:], directory: URL? = nil) throws {
        let process = Process()
        process.executableURL = Self.executable
        if let directory { process.currentDirectoryURL = directory }
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = nil
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes before waiting, so a large output cannot block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        stdout = String(decoding: outData, as: UTF8.self)
        stderr = String(decoding: errData, as: UTF8.self)
        status = process.terminationStatus
    }
}

@Suite struct CLITests {
    @Test func builtInExampleRunsWithNoArguments() throws {
        let run = try AdvizRun([])
        #expect(run.status == 0)
        #expect(run.stdout.contains("v̄₀  = v̄₃·∂v₃/∂v₀ + v̄₁·∂v₁/∂v₀ = 1·cos(5) + 0.1·2 = 0.4837"))
        #expect(run.stdout.contains("∇y = (∂y/∂x1, ∂y/∂x2) = (0.5, 0.4837)"))
        #expect(!run.stdout.contains("\u{1B}["), "no colour when piped")
        #expect(try AdvizRun(["trace"]).stdout == run.stdout)
    }

    @Test func colourOnlyWhenAskedOrOnATerminal() throws {
        #expect(try AdvizRun(["--color", "always"]).stdout.contains("\u{1B}[1m"))
        #expect(!(try AdvizRun(["--color", "auto"], environment: ["NO_COLOR": "1"]).stdout.contains("\u{1B}[")))
    }

    @Test func programFromFileAndStdin() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-test-\(UUID()).adv")
        try "a = x1*x2\ny = log(a) + sin(x2)\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let fromFile = try AdvizRun(["trace", "-f", file.path, "--at", "2,5", "--format", "json"])
        #expect(fromFile.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(fromFile.stdout.utf8)) as? [String: Any])
        #expect(abs((json["value"] as! Double) - (log(10) + sin(5))) < 1e-15)
        let fromStdin = try AdvizRun(["trace", "-", "--at", "2,5", "--format", "json"], stdin: "a = x1*x2\ny = log(a) + sin(x2)\n")
        #expect(fromStdin.status == 0)
        let stdinJSON = try #require(try JSONSerialization.jsonObject(with: Data(fromStdin.stdout.utf8)) as? [String: Any])
        #expect(stdinJSON["gradient"] as? [String: Double] == json["gradient"] as? [String: Double])
    }

    /// The JSON contract: value, gradient, nodes in tape order with id, op, inputs, partials, value, adjoint, tangent.
    @Test func jsonContract() throws {
        let run = try AdvizRun(["trace", "log(x1*x2)+sin(x2)", "--at", "x2=5,x1=2", "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let gradient = try #require(json["gradient"] as? [String: Double])
        #expect(gradient["x1"] == 0.5)
        #expect(abs(gradient["x2"]! - (0.2 + cos(5))) < 1e-15)
        let nodes = try #require(json["nodes"] as? [[String: Any]])
        #expect(nodes.map { $0["id"] as! String } == ["v-1", "v0", "v1", "v2", "v3", "v4"])
        #expect(nodes.map { $0["op"] as! String } == ["input", "input", "mul", "log", "sin", "add"])
        let v1 = nodes[2]
        #expect(v1["inputs"] as? [String] == ["v-1", "v0"])
        #expect(v1["partials"] as? [Double] == [5, 2])
        #expect(v1["value"] as? Double == 10)
        #expect(v1["adjoint"] as? Double == 0.1)
        #expect(v1["tangent"] as? Double == 5)
        #expect((json["warnings"] as? [Any])?.isEmpty == true)
        let several = try AdvizRun(["trace", "a = x1*x2; y1 = sin(a); y2 = a^2", "--at", "1,2", "--format", "json", "--mode", "reverse"])
        let multi = try #require(try JSONSerialization.jsonObject(with: Data(several.stdout.utf8)) as? [String: Any])
        #expect(multi["value"] == nil)
        #expect((multi["outputs"] as? [String: Double])?["y2"] == 4)
        #expect((multi["jacobian"] as? [String: [String: Double]])?["y2"]?["x1"] == 8)
        #expect(((multi["nodes"] as? [[String: Any]])?.first)?["tangent"] == nil)
    }

    @Test func formats() throws {
        let markdown = try AdvizRun(["--format", "markdown"])
        #expect(markdown.stdout.contains("| v̄₀ | v̄₃·∂v₃/∂v₀ + v̄₁·∂v₁/∂v₀ | v̄₃·cos(v₀) + v̄₁·v₋₁ | 1·cos(5) + 0.1·2 | 0.4837 |"))
        let latex = try AdvizRun(["--format", "latex"])
        #expect(latex.stdout.contains("\\bar{v}_{0}"))
        #expect(latex.stdout.contains("\\begin{tabular}"))
    }

    @Test func syntaxErrorExits65WithCaret() throws {
        let run = try AdvizRun(["trace", "log(sine(x2))", "--at", "1"])
        #expect(run.status == 65)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr == """
            error: unknown function `sine`
             --> <expression>:1:5
              |
            1 | log(sine(x2))
              |     ^^^^
              = hint: did you mean `sin`?

            """)
    }

    @Test(arguments: [
        (["trace", "x1+x2", "--at", "1"], "error: --at has 1 value; expected 2 values, for `x1`, `x2` in that order (missing: `x2`)"),
        (["trace", "x1+x2", "--at", "1,2,3"], "error: --at has 3 values, 1 too many; expected 2 values, for `x1`, `x2` in that order"),
        (["trace", "x1+x2", "--at", "x1=1,x3=2"], "error: --at names `x3`, which is not an input; did you mean `x1`? (the inputs are `x1`, `x2`)"),
        (["trace", "x1+x2", "--at", "1,abc"], "error: --at value `abc` for `x2` is not a number"),
        (["trace", "x1+x2", "--at", "1,inf"], "error: --at value `inf` for `x2` is infinite; expected a finite number"),
        (["trace", "x1+x2", "--at", "1,nan"], "error: --at value `nan` for `x2` is NaN; expected a finite number"),
        (["trace", "x1+x2"], "error: --at is missing: give a value for `x1`, `x2`, e.g. --at 1,1"),
        (["trace", "x1+x2", "--at", "1,2", "--wrt", "x3"], "error: --wrt `x3` is not an input; did you mean `x1`? the inputs are `x1`, `x2`"),
        (["trace", "x1+x2", "--at", "1,2", "--seed", "1"], "error: --seed has 1 value; expected 2 values, for `x1`, `x2` in that order (missing: `x2`)"),
        (["trace", "a = x1; b = a", "--at", "1", "--output", "c"], "error: unknown output `c`; the program's statements are `a`, `b`"),
    ] as [([String], String)])
    func usageErrorsExit64AndNameTheVariable(arguments: [String], message: String) throws {
        let run = try AdvizRun(arguments)
        #expect(run.status == 64, "\(arguments)")
        #expect(run.stderr.trimmingCharacters(in: .whitespacesAndNewlines) == message)
        #expect(run.stdout.isEmpty)
    }

    @Test func missingFileExits66() throws {
        let run = try AdvizRun(["trace", "-f", "/nonexistent/prog.adv"])
        #expect(run.status == 66)
        #expect(run.stderr.contains("error: cannot read `/nonexistent/prog.adv`: no such file"))
    }

    @Test func badOptionsExit64() throws {
        #expect(try AdvizRun(["trace", "--mode", "sideways"]).status == 64)
        #expect(try AdvizRun(["trace", "--precision", "40"]).status == 64)
    }

    @Test func warningsGoToStderrAndExitZero() throws {
        let run = try AdvizRun(["trace", "log(x1) + abs(x2)", "--at", "-1,0"])
        #expect(run.status == 0)
        #expect(run.stderr.contains("warning: v₁ = log(v₋₁) at v₋₁ = -1: log of a negative number: NaN"))
        #expect(run.stderr.contains("warning: v₂ = abs(v₀) at v₀ = 0: abs at its kink 0: subgradient 0 used"))
    }

    @Test func helpHasExamplesAndCompletionsExist() throws {
        let help = try AdvizRun(["trace", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("adviz trace \"log(x1*x2)+sin(x2)\" --at 2,5"))
        let completion = try AdvizRun(["--generate-completion-script", "bash"])
        #expect(completion.status == 0 && completion.stdout.contains("adviz"))
    }
}

@Suite struct RenderCLITests {
    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-cli-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func rendersEachFormatByExtension() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for ext in ["svg", "png", "pdf", "dot"] {
            let path = folder.appendingPathComponent("graph.\(ext)").path
            let run = try AdvizRun(["render", "log(x1*x2)+sin(x2)", "--at", "2,5", "-o", path])
            #expect(run.status == 0, "\(ext): \(run.stderr)")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            switch ext {
            case "svg": #expect(String(decoding: bytes, as: UTF8.self).contains("<svg"))
            case "png": #expect(bytes.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
            case "pdf": #expect(bytes.prefix(5) == Data("%PDF-".utf8))
            default: #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("digraph"))
            }
        }
        // Nothing half-written is left beside the results.
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(Set(names) == ["graph.svg", "graph.png", "graph.pdf", "graph.dot"])
    }

    @Test func framesFolderWithPlayer() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try AdvizRun(["render", "--frames", folder.appendingPathComponent("frames").path])
        #expect(run.status == 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("frames").path)
        #expect(names.filter { $0.hasPrefix("frame-") }.count == 12)
        #expect(names.contains("index.html"))
    }

    @Test func outputErrorsFollowSysexits() throws {
        let missing = try AdvizRun(["render", "-o", "/nonexistent-folder/graph.svg"])
        #expect(missing.status == 73)
        #expect(missing.stderr.contains("error: cannot create `/nonexistent-folder/graph.svg`: the folder `/nonexistent-folder` does not exist"))
        #expect(try AdvizRun(["render", "--step", "99", "-o", "/tmp/x.svg"]).status == 64)
        #expect(try AdvizRun(["render", "-o", "graph.gif"]).status == 64)
        #expect(try AdvizRun(["render", "--theme", "neon"]).status == 64)
        #expect(try AdvizRun(["render", "x1*x2", "--at", "1,2", "--collapse", "h", "-o", "/tmp/x.svg"]).status == 64)
    }
}

@Suite struct AnalysisCLITests {
    @Test func diffCompareAndPlot() throws {
        let diff = try AdvizRun(["diff", "x^3*sin(x)"])
        #expect(diff.status == 0 && diff.stdout.contains("∂f/∂x = 3·x²·sin(x) + x³·cos(x)"))
        let compare = try AdvizRun(["compare", "x^2", "--at", "3", "--format", "json"])
        #expect(compare.status == 0)
        #expect(((try JSONSerialization.jsonObject(with: Data(compare.stdout.utf8)) as? [String: Any])?["rows"] as? [Any])?.count == 8)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-plot-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("p.svg").path
        let plot = try AdvizRun(["plot", "relu(x)", "--from", "-1", "--to", "1", "-o", path])
        #expect(plot.status == 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("<svg"))
        #expect(try AdvizRun(["plot", "x", "--from", "1", "--to", "-1"]).status == 64)
        #expect(try AdvizRun(["plot", "x1*x2", "-o", path]).status == 64)  // which input stays where?
        #expect(try AdvizRun(["diff", "x", "--wrt", "y"]).status == 64)
    }
}

@Suite struct SpeedCommandTests {
    @Test func gradOnAGridWritesCSV() throws {
        let run = try AdvizRun(["grad", "x^2", "--grid", "-1:1:3"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "x,y,dy/dx\n-1.0,1.0,-2.0\n0.0,0.0,0.0\n1.0,1.0,2.0\n")
        for engine in ["compiled", "interpreted"] {
            let other = try AdvizRun(["grad", "x^2", "--grid", "-1:1:3", "--engine", engine])
            if engine == "compiled", other.status != 0 { continue }  // no compiler on this machine
            #expect(other.stdout == run.stdout, "\(engine)")
        }
        let summary = try AdvizRun(["grad", "log(x1*x2)+sin(x2)", "--grid", "1:2:100", "--grid", "4:5:100", "--summary"])
        #expect(summary.stdout.contains("points  10000"))
        #expect(summary.stdout.contains("method  reverse"))
    }

    @Test func gradReadsCSVAndPointsAtBadRows() throws {
        let folder = NSTemporaryDirectory() + "/adviz-grad-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "x2,x1\n5,2\n".write(toFile: folder + "/p.csv", atomically: true, encoding: .utf8)
        let run = try AdvizRun(["grad", "log(x1*x2)+sin(x2)", "--input", folder + "/p.csv"])
        #expect(run.stdout.hasPrefix("x1,x2,y,dy/dx1,dy/dx2\n2.0,5.0,"))
        #expect(run.stdout.contains(",0.5,0.4836621854632262"))
        try "x\n1\nfoo\n".write(toFile: folder + "/bad.csv", atomically: true, encoding: .utf8)
        let bad = try AdvizRun(["grad", "x^2", "--input", folder + "/bad.csv"])
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("bad.csv:3:1"))
        #expect(try AdvizRun(["grad", "x^2", "--input", folder + "/missing.csv"]).status == 66)
        #expect(try AdvizRun(["grad", "x^2", "--grid", "1:2"]).status == 64)
        #expect(try AdvizRun(["grad", "x^2"]).status == 64)
    }

    @Test func codegenPrintsTheTraceAsCode() throws {
        let run = try AdvizRun(["codegen", "log(x1*x2)+sin(x2)"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("const double vb0 = vb3 * cos(v0) + vb1 * vm1;             /* v̄0 = v̄3·∂v3/∂v0 + v̄1·∂v1/∂v0 */"))
        #expect(run.stdout.contains("const double vb4 = (v4 != v4 ? NAN : ybar[0]);            /* v̄4 = ȳ */"), "where y is NaN, so is every adjoint")
        #expect(run.stdout.contains("grad[0] = (ybar[0] != 0.0 ? vbm1 : 0.0);"), "an output weighted 0 passes nothing back, as in the trace")
        let swift = try AdvizRun(["codegen", "x^2", "--lang", "swift", "--mode", "forward"])
        #expect(swift.stdout.contains("func fForward(_ x: [Double], xdot: [Double]) -> (y: [Double], ydot: [Double])"))
        #expect(try AdvizRun(["codegen", "x^2", "--kernel"]).stdout.contains("void adviz_reverse(long begin, long end"))
        #expect(try AdvizRun(["codegen", "x^", "--kernel"]).status == 65)
    }

    /// The JSON of `adviz bench` is a contract: these keys, these values.
    @Test func benchJSONKeepsItsContract() throws {
        let run = try AdvizRun(["bench", "--suite", "race", "--points", "2000", "--repetitions", "1", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        #expect(json["machine"] is String)
        let rows = json["rows"] as! [[String: Any]]
        #expect(Set(rows.map { $0["case"] as! String }) == ["x^2", "poly3"])
        #expect(Set(rows.map { $0["method"] as! String }) == ["symbolic", "central", "forward", "reverse"])
        #expect(Set(rows.map { $0["engine"] as! String }).isSubset(of: ["compiled", "compiled fast-math", "interpreted"]))
        for row in rows {
            #expect(row["points"] as? Int == 2000)
            for key in ["min_ms", "median_ms", "max_error"] { #expect(row[key] is Double || row[key] is Int, "\(key)") }
            let error = (row["max_error"] as? Double) ?? 0
            #expect(error < (row["method"] as! String == "central" ? 1e-2 : 1e-9), "\(row)")
        }
        let scaling = try AdvizRun(["bench", "--suite", "scaling", "--inputs", "100", "--repetitions", "1", "--format", "json"])
        let table = (try JSONSerialization.jsonObject(with: Data(scaling.stdout.utf8)) as! [String: Any])["scaling"] as! [[String: Any]]
        #expect(table.count == 1)
        #expect((table[0]["max_error"] as! Double) < 1e-12)
    }
}
