import Foundation
import Testing

/// A tool on PATH (`clang`, `pdflatex`), for tests that need one: they are skipped without it.
func toolOnPath(_ name: String) -> String? {
    (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// Runs `executable` with `arguments` (in `folder`, if given, its standard output to `output` or
/// discarded) and returns its exit status and what it wrote to standard error.
func runTool(_ executable: URL, _ arguments: [String], in folder: URL? = nil, output: FileHandle = .nullDevice) throws -> (status: Int32, errors: String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let folder { process.currentDirectoryURL = folder }
    process.standardOutput = output
    let errors = Pipe()
    process.standardError = errors
    try process.run()
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, message)
}

/// The JSON object `adviz … --format json` printed.
func jsonObject(_ run: AdvizRun) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stderr)")
}

/// Each case where adviz once answered another question than the one asked, with its answer now.
@Suite struct NoSilentWrongAnswerTests {
    // MARK: Programs mean what they look like

    @Test func aLineThatStartsWithAnOperatorContinuesTheStatement() throws {
        let json = try jsonObject(try AdvizRun(["trace", "f = x^2\n  - 3*x", "--at", "2", "--format", "json"]))
        #expect(json["value"] as? Double == -2)
        #expect((json["gradient"] as? [String: Double])?["x"] == 1)
        let text = try AdvizRun(["trace", "f = x^2\n  - 3*x", "--at", "2"])
        #expect(text.stdout.hasPrefix("program: f = x^2 - 3*x  at x = 2  (output: f)"))
        // A line ending in an operator continued already; a comment line between does not break it.
        let commented = try jsonObject(try AdvizRun(["trace", "f = x^2 # the square\n# then\n  - 3*x", "--at", "2", "--format", "json"]))
        #expect(commented["value"] as? Double == -2)
    }

    @Test func theOutputsAreTheStatementsNothingReads() throws {
        let json = try jsonObject(try AdvizRun(["trace", "y_hat = w*x + b; loss = (y_hat - t)^2", "--at", "w=2,x=3,b=1,t=5", "--format", "json"]))
        #expect((json["outputs"] as? [String: Double]).map { Array($0.keys) } == ["loss"])
        #expect(json["value"] as? Double == 4)
        #expect((json["gradient"] as? [String: Double])?["w"] == 12)  // 2·(y_hat − t)·x = 2·2·3
        let text = try AdvizRun(["trace", "y_hat = w*x + b; loss = (y_hat - t)^2", "--at", "w=2,x=3,b=1,t=5"])
        #expect(text.stdout.contains("(output: loss)"))
    }

    @Test func aStatementWithNoEffectIsAWarningThatPointsAtIt() throws {
        let run = try AdvizRun(["trace", "a = x*2; a+1; b = a*3", "--at", "1"])
        #expect(run.status == 0)
        #expect(run.stderr.contains("warning: this statement has no effect"))
        #expect(run.stderr.contains("1 | a = x*2; a+1; b = a*3\n  |          ^^^"))
        #expect(run.stdout.contains("(output: b)"))
    }

    // MARK: One answer per question, whatever the engine

    @Test func gradGivesTheTracesNumbersOnCancellationAndZeroTimesInfinity() throws {
        for engine in ["interpreted"] + (toolOnPath("clang") != nil ? ["compiled"] : []) {
            let cancel = try AdvizRun(["grad", "(x + 1e16)*x - 1e16*x", "--grid", "1:1:1", "--engine", engine])
            #expect(cancel.stdout == "x,y,dy/dx\n1.0,0.0,1.0\n", "\(engine): \(cancel.stderr)")
            let zero = try AdvizRun(["grad", "x + 0*sqrt(x)", "--grid", "0:0:1", "--engine", engine])
            #expect(zero.stdout == "x,y,dy/dx\n0.0,0.0,nan\n", "\(engine)")
        }
    }

    @Test(arguments: ["min(log(x), 5)", "max(log(x), 5)", "relu(log(x))", "abs(log(x))", "sign(log(x))", "step(log(x))"])
    func nanIsNeverHidden(program: String) throws {
        let json = try jsonObject(try AdvizRun(["trace", program, "--at", "-1", "--format", "json"]))
        #expect(json["value"] is NSNull, "\(program): the value is NaN")
        #expect((json["gradient"] as? [String: Any])?["x"] is NSNull, "\(program): so is the gradient")
        let grad = try AdvizRun(["grad", program, "--grid", "-1:-1:1", "--engine", "interpreted"])
        #expect(grad.stdout == "x,y,dy/dx\n-1.0,nan,nan\n", "\(program)")
    }

    /// Outside a function's domain its value is NaN, and so is its derivative, in every engine
    /// (the table's 1/x would say −1 for log at −1).
    @Test(arguments: ["log(x)", "0*log(x)", "log(x) - log(x)", "sqrt(x)*0 + x"])
    func undefinedMeansNoDerivative(program: String) throws {
        let json = try jsonObject(try AdvizRun(["trace", program, "--at", "-1", "--format", "json"]))
        #expect((json["gradient"] as? [String: Any])?["x"] is NSNull, "\(program)")
        for method in ["reverse", "forward", "symbolic"] {
            let grad = try AdvizRun(["grad", program, "--grid", "-1:-1:1", "--method", method, "--engine", "interpreted"])
            #expect(grad.stdout == "x,y,dy/dx\n-1.0,nan,nan\n", "\(program) \(method): \(grad.stdout)")
        }
        let diff = try AdvizRun(["diff", program, "--at", "-1"])
        #expect(diff.stdout.contains("∂f/∂x = NaN"), "\(program): \(diff.stdout)")
    }

    @Test func diffGivesTheValueTheTapeComputes() throws {
        let run = try AdvizRun(["diff", "x/x", "--at", "0"])
        #expect(run.stdout.contains("at x = 0:\n  f = NaN\n  ∂f/∂x = NaN"), "\(run.stdout)")
    }

    @Test func structuralZerosAreNotWrittenAsZeroTimesInfinity() throws {
        let forward = try AdvizRun(["trace", "x*sqrt(y)", "--at", "2,0", "--mode", "forward"])
        #expect(!forward.stdout.contains("0/(2·sqrt(0))"))
        #expect(forward.stdout.contains("v̇₂  = v̇₋₁·v₁ + v̇₁·v₋₁ = 1·0 + 0·2 = 0"), "a finite partial keeps its product")
        let reverse = try AdvizRun(["trace", "y1 = sqrt(y)*x; y2 = x+y", "--at", "2,0", "--ybar", "0,1", "--mode", "reverse"])
        #expect(reverse.stdout.contains("v̄₀  = v̄₃·∂v₃/∂v₀ + v̄₁·∂v₁/∂v₀   = 1·1 + 0   = 1"), "\(reverse.stdout)")
    }

    @Test func forwardAndReverseSayWhenRoundingParts() throws {
        let run = try AdvizRun(["trace", "(x + 1e16)*x - 1e16*x", "--at", "1"])
        #expect(run.stdout.contains("the two Jacobians differ by up to 1"))
        #expect(!run.stdout.contains("both give the same Jacobian"))
    }

    @Test(.enabled(if: FileManager.default.isWritableFile(atPath: "/dev/full"), "needs /dev/full"))
    func aStandardOutputThatCannotBeWrittenIsExit74() throws {
        for arguments in [["trace", "x", "--at", "1"], ["grad", "x", "--grid", "0:1:3"], ["codegen", "x"]] {
            let full = try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/full"))
            let (status, message) = try runTool(AdvizRun.executable, arguments, output: full)
            #expect(status == 74, "\(arguments): \(message)")
            #expect(message.hasPrefix("error: cannot write to standard output"))
        }
    }

    @Test func outputToALinkReplacesItsTargetAndKeepsTheLink() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-link-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("target.csv"), link = folder.appendingPathComponent("link.csv")
        try "old".write(to: target, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        #expect(try AdvizRun(["grad", "x", "--grid", "0:1:2", "-o", link.path]).status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == target.path)
        #expect(try String(contentsOf: target, encoding: .utf8).hasPrefix("x,y,dy/dx"))
    }

    @Test func warningsDoNotContradictTheResult() throws {
        let run = try AdvizRun(["trace", "x^x", "--at", "0"])
        #expect(run.stdout.contains("∇y = (∂y/∂x) = (-inf)"))
        #expect(run.stderr.contains("0^0: taken as 1 (IEEE pow); ∂v₁/∂v₀ (by the first argument) = 0; ∂v₁/∂v₀ (by the second) = −inf (ln 0)"))
        // A constant's partial is not spoken of: 0^x at 0 has only ∂/∂x.
        let constantBase = try AdvizRun(["trace", "0^x", "--at", "0"])
        #expect(constantBase.stderr.contains("0^0: taken as 1 (IEEE pow); ∂v₁/∂v₀ = −inf (ln 0)"), "\(constantBase.stderr)")
        // A square at 0 says nothing of the exponent.
        #expect(try AdvizRun(["trace", "x^2", "--at", "0"]).stderr.isEmpty)
    }

    // MARK: Every output everywhere

    @Test func gradWritesEveryOutput() throws {
        let run = try AdvizRun(["grad", "a = x1*x2; y1 = sin(a); y2 = a^2", "--grid", "1:1:1", "--grid", "2:2:1"])
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.first == "x1,x2,y1,dy1/dx1,dy1/dx2,y2,dy2/dx1,dy2/dx2")
        let cells = lines[1].split(separator: ",").map { Double($0)! }
        #expect(cells[5] == 4 && cells[6] == 8 && cells[7] == 4)
        #expect(abs(cells[3] - 2 * cos(2)) < 1e-15)
    }

    @Test func everyMethodWritesTheValueColumn() throws {
        for method in ["reverse", "forward", "central", "symbolic"] {
            let run = try AdvizRun(["grad", "x^2", "--grid", "3:3:1", "--method", method, "--engine", "interpreted"])
            #expect(run.stdout.hasPrefix("x,y,dy/dx\n3.0,9.0,"), "\(method): \(run.stdout)")
        }
    }

    @Test func diffCompareCodegenAndPlotTakeEveryOutput() throws {
        let program = "a = x1*x2; y1 = sin(a); y2 = a^2"
        let diff = try AdvizRun(["diff", program])
        #expect(diff.stdout.contains("∂y1/∂x1 = x2·cos(x1·x2)"))
        #expect(diff.stdout.contains("∂y2/∂x2 = 2·x1²·x2"))
        let only = try AdvizRun(["diff", program, "--output", "y2"])
        #expect(!only.stdout.contains("y1") && only.stdout.contains("∂f/∂x1"))
        let compare = try AdvizRun(["compare", program, "--at", "1,2"])
        #expect(compare.stdout.contains("Output y1 (1 of 2)") && compare.stdout.contains("Output y2 (2 of 2)"))
        let kernels = try AdvizRun(["codegen", program, "--kernel"])
        #expect(kernels.stdout.contains("/* output y1 */") && kernels.stdout.contains("/* output y2 */"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-plot-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let plot = try AdvizRun(["plot", program, "--at", "1,2", "-o", folder.appendingPathComponent("p.svg").path])
        #expect(plot.status == 0, "\(plot.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("p-y1.svg").path))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("p-y2.svg").path))
    }

    @Test func diffEvaluatesAtAPointAndKnowsAConstant() throws {
        let run = try AdvizRun(["diff", "x1^2*x2", "--at", "3,2"])
        #expect(run.stdout.contains("at x1 = 3, x2 = 2:\n  f = 18\n  ∂f/∂x1 = 12\n  ∂f/∂x2 = 9"))
        let constant = try AdvizRun(["diff", "pi"])
        #expect(constant.status == 0)
        #expect(constant.stdout.contains("has no inputs: it is a constant, and its derivative is 0"))
    }

    // MARK: True partials, and NaN written as nan

    @Test func jsonPartialsIncludeConstantArguments() throws {
        let json = try jsonObject(try AdvizRun(["trace", "exp(1)*x", "--at", "2", "--format", "json"]))
        let nodes = try #require(json["nodes"] as? [[String: Any]])
        let exp = try #require(nodes.first { $0["op"] as? String == "exp" })
        #expect(exp["partials"] as? [Double] == [M_E])
    }

    // MARK: Generated code is clean

    @Test(.enabled(if: toolOnPath("clang") != nil, "needs clang"))
    func generatedCCompilesWithWarningsAsErrors() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-cg-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for program in ["log(x1*x2)+sin(x2) # a */ tricky /* comment", "a = x*2; a+1; b = a*3", "y = 2*pi", "max(x, 0)*step(x) + x^x"] {
            for mode in ["reverse", "forward"] {
                let source = try AdvizRun(["codegen", program, "--mode", mode])
                let opened = source.stdout.components(separatedBy: "/*").count, closed = source.stdout.components(separatedBy: "*/").count
                #expect(opened == closed, "every comment closes where it should")
                let file = folder.appendingPathComponent("g.c")
                try source.stdout.write(to: file, atomically: true, encoding: .utf8)
                let (status, message) = try runTool(
                    URL(fileURLWithPath: toolOnPath("clang")!),
                    ["-std=c99", "-Wall", "-Wextra", "-Werror", "-c", file.path, "-o", folder.appendingPathComponent("g.o").path])
                #expect(status == 0, "`\(program)` \(mode): \(message)")
            }
        }
    }

    @Test(.enabled(if: toolOnPath("swiftc") != nil, "needs swiftc"))
    func generatedSwiftHasNoWarnings() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-cg-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for program in ["a = x*2; a+1; b = a*3", "y = 2*pi", "max(x, 0)*step(x) + sign(x)"] {
            let source = try AdvizRun(["codegen", program, "--lang", "swift"])
            let file = folder.appendingPathComponent("g.swift")
            try source.stdout.write(to: file, atomically: true, encoding: .utf8)
            let (status, message) = try runTool(
                URL(fileURLWithPath: toolOnPath("swiftc")!), ["-parse-as-library", "-warnings-as-errors", "-typecheck", file.path])
            #expect(status == 0, "`\(program)`: \(message)")
        }
    }

    // MARK: The command line

    @Test func anExpressionMayStartWithAMinus() throws {
        let run = try AdvizRun(["trace", "-x^2", "--at", "3"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("f = -x^2  at x = 3"))
        #expect(run.stdout.contains("∇y = (∂y/∂x) = (-6)"))
        #expect(try AdvizRun(["--at", "-1", "-x"]).stdout.hasPrefix("f = -x  at x = -1"))
        #expect(try AdvizRun(["trace", "--at", "3", "--", "-x^2"]).stdout == run.stdout)
    }

    @Test func aMistypedCommandIsAnError() throws {
        let run = try AdvizRun(["rendr"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("`rendr` is not a command; did you mean `render`?"))
        // A program that happens to look like a word still runs when it has its point.
        #expect(try AdvizRun(["trace", "rendr", "--at", "2"]).status == 0)
    }

    @Test func gradRefusesAPoint() throws {
        let run = try AdvizRun(["grad", "x^2", "--at", "1", "--grid", "1:1:1"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("grad takes many points, not --at"))
    }

    @Test func seedsByNameSetTheRestToZero() throws {
        let run = try AdvizRun(["trace", "w1*x + w2", "--at", "1,2,3", "--seed", "w1=1"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("(ẇ1 = 1, ẇ2 = 0, ẋ = 0)"), "inputs in the documented order: w1, w2, then x")
        let ybar = try AdvizRun(["trace", "a = x*2; y1 = a; y2 = a^2", "--at", "1", "--ybar", "y2=1", "--mode", "reverse"])
        #expect(ybar.stdout.contains("ȳ1 = 0, ȳ2 = 1"))
    }

    @Test func wrtOnAProgramWithNoInputsSaysSo() throws {
        let run = try AdvizRun(["trace", "pi*2", "--wrt", "x"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("the program has no inputs"))
    }

    @Test func compareScalesAStepThatLeavesTheDomain() throws {
        let run = try AdvizRun(["compare", "log(x)", "--at", "1e-9"])
        #expect(run.stdout.contains("central at x = 1e-9: the step h = 6.1e-6 leaves the domain of f"))
        #expect(run.stdout.contains("h is scaled to |x|"))
        let central = try #require(run.stdout.split(separator: "\n").first { $0.hasPrefix("  central") })
        #expect(central.contains("1000000000"), "the scaled step gives the derivative 1e9: \(central)")
    }

    @Test func countsAreSingularForOne() throws {
        let run = try AdvizRun(["trace", "sin(x)", "--at", "1"])
        #expect(run.stdout.contains("1 multiply-add per sweep"))
        #expect(run.stdout.contains("1 sweep × 1 multiply-add = 1"))
    }

    @Test func theHelpMentionsTheDoubleDash() throws {
        #expect(try AdvizRun(["trace", "--help"]).stdout.contains("after `--`"))
    }

    // MARK: LaTeX

    @Test(.enabled(if: toolOnPath("pdflatex") != nil, "needs pdflatex (Debian's texlive-latex-base)"))
    func standaloneLatexCompiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-tex-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, arguments) in [("mission", ["trace"]), ("outputs", ["trace", "a = x1*x2; y1 = sin(a) + x3; y2 = a^2", "--at", "1,2,3"]),
                                  ("kinks", ["trace", "loss = relu(w1) + abs(x1) + max(w1, x1) + sigmoid(x1)^2", "--at", "0,0"])] {
            let run = try AdvizRun(arguments + ["--format", "latex", "--standalone"])
            #expect(run.stdout.contains("\\begin{document}") && run.stdout.contains("\\textbf{Result}") && run.stdout.contains("Cost of the whole Jacobian"))
            try run.stdout.write(to: folder.appendingPathComponent("\(name).tex"), atomically: true, encoding: .utf8)
            let (status, _) = try runTool(
                URL(fileURLWithPath: toolOnPath("pdflatex")!), ["-interaction=nonstopmode", "-halt-on-error", "\(name).tex"], in: folder)
            #expect(status == 0, "\(name).tex does not compile")
        }
    }
}
