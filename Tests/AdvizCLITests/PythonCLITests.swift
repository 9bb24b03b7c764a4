import Foundation
import Testing

/// The course's Python through the command line: the path rows of `trace`, `--function`, the
/// errors and their exit codes, many-point `grad` following each point's path, `compare`
/// differencing the function itself, and every other command reading the same file.
@Suite struct PythonCLITests {
    /// The course lab's functions as docs/python.md shows them: one file for the page and the tests.
    static let lab: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return (try? String(contentsOf: url.appendingPathComponent("docs/examples/lab.py"), encoding: .utf8)) ?? ""
    }()

    /// A file holding `text`, removed after `body`.
    static func withFile(_ text: String, suffix: String = ".py", _ body: (String) throws -> Void) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-python-\(UUID())\(suffix)")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        try body(file.path)
    }

    /// The number after the first `"key": ` in JSON text, read exactly.
    static func number(_ key: String, in text: String) -> Double? {
        guard let start = text.range(of: "\"\(key)\": ") else { return nil }
        let rest = text[start.upperBound...]
        return Double(rest.prefix { !",\n}".contains($0) })
    }

    @Test func traceShowsThePathAndTheLastFunctionByDefault() throws {
        try Self.withFile(Self.lab) { path in
            let run = try AdvizRun(["trace", "-f", path, "--function", "f_polynomial", "--at", "2"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("for i in range(3)  iteration 2 of 3  i = 1"))
            #expect(run.stdout.contains("program: x_1 = 2*x^3 - 3*x^2 + 5; x_2 = 2*x_1^3"))
            let json = try AdvizRun(["trace", "-f", path, "--at", "x=1,y=0.5", "--format", "json"])
            #expect(json.status == 0, "\(json.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect(object["value"] as? Double == 0.25)
            let python = try #require(object["python_path"] as? [String: Any])
            #expect(python["function"] as? String == "h")
            let decisions = try #require(python["decisions"] as? [[String: Any]])
            #expect(decisions.first?["outcome"] as? String == "taken")
            #expect(decisions.first?["detail"] as? String == "1 > 0.5")
        }
    }

    @Test func errorsExit65AndNameTheLine() throws {
        try Self.withFile("class A:\n    pass\n") { path in
            let run = try AdvizRun(["trace", "-f", path, "--at", "1"])
            #expect(run.status == 65)
            #expect(run.stderr.contains("adviz reads scalar Python: `class` is not part of it (line 1)"))
        }
        try Self.withFile(Self.lab) { path in
            let missing = try AdvizRun(["trace", "-f", path, "--function", "f_polynomal", "--at", "2"])
            #expect(missing.status == 64)
            #expect(missing.stderr.contains("did you mean `f_polynomial`?"))
            let branching = try AdvizRun(["explain", "-f", path, "--function", "dfdx_abs"])
            #expect(branching.status == 64)
            #expect(branching.stderr.contains("give one with --at"))
        }
    }

    /// Many-point `grad` runs the function at each point, and groups points by path: the
    /// numbers are those of the trace at each point.
    @Test func gradFollowsEachPointsPath() throws {
        try Self.withFile(Self.lab) { path in
            let run = try AdvizRun(["grad", "-f", path, "--grid", "-1:1:3", "--grid", "-1:1:3", "--engine", "interpreted"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("take 2 paths"))
            let rows = run.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
            #expect(rows.count == 9)
            for row in rows {
                let trace = try AdvizRun(["trace", "-f", path, "--at", "\(row[0]),\(row[1])", "--format", "json"]).stdout
                // The numbers read with Double(String): JSONSerialization may round the last digit.
                #expect(Self.number("value", in: trace) == row[2], "\(row)")
                let start = try #require(trace.range(of: "\"gradient\": {"))
                let gradient = String(trace[start.lowerBound...])
                #expect(Self.number("x", in: gradient) == row[3] && Self.number("y", in: gradient) == row[4], "\(row)")
            }
        }
    }

    /// At the boundary of a branch, `compare` differences the function itself (the steps land
    /// on both sides) and the kink warning names the other branch's derivative.
    @Test func compareAtABranchBoundary() throws {
        try Self.withFile("def my_abs(x):\n    if x > 0:\n        return x\n    else:\n        return -x\n") { path in
            let run = try AdvizRun(["compare", "-f", path, "--at", "0"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("The Python function itself, differenced"))
            #expect(run.stdout.contains("central   0"))
            #expect(run.stderr.contains("the other way it would be ∂/∂x = 1"))
        }
    }

    /// `diff` of a function that branches on its inputs: one derivative per path, with its conditions.
    @Test func diffIsPiecewise() throws {
        try Self.withFile("def my_abs(x):\n    if x > 0:\n        return x\n    else:\n        return -x\n") { path in
            let run = try AdvizRun(["diff", "-f", path])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("one derivative per path (2)"))
            #expect(run.stdout.contains("where x > 0:"))
            #expect(run.stdout.contains("where not (x > 0):"))
            #expect(run.stdout.contains("∂f/∂x = -1"))
        }
    }

    /// A file of plain statements stays a formula; the other commands read the Python file too.
    @Test func otherCommandsReadTheFile() throws {
        try Self.withFile("a = x1*x2\ny = log(a) + sin(x2)\n", suffix: ".adv") { path in
            let run = try AdvizRun(["trace", "-f", path, "--at", "2,5"])
            #expect(run.status == 0)
            #expect(!run.stdout.contains("python:"))
        }
        try Self.withFile(Self.lab) { path in
            for arguments in [
                ["diff", "-f", path, "--function", "f_polynomial"], ["hessian", "-f", path, "--at", "1,0.5"],
                ["explain", "-f", path, "--at", "1,0.5"], ["codegen", "-f", path, "--function", "f_polynomial_simple"],
            ] {
                let run = try AdvizRun(arguments)
                #expect(run.status == 0, "\(arguments): \(run.stderr)")
            }
        }
    }

    /// Without `--at`, `codegen` of a branching function writes C with its branches and loops;
    /// `grad` compiles it once and follows each point's path; `diff` drops branch combinations no
    /// input takes and writes its pieces as JSON.
    @Test func branchingFunctionsWithoutAPoint() throws {
        try Self.withFile(Self.lab) { path in
            let code = try AdvizRun(["codegen", "-f", path, "--function", "dfdx_abs"])
            #expect(code.status == 0, "\(code.stderr)")
            #expect(code.stdout.contains("void adviz_python("))
            #expect(code.stdout.contains("/* line 4: if x > 0: */"))
            let json = try AdvizRun(["diff", "-f", path, "--function", "h", "--format", "json"])
            #expect(json.status == 0, "\(json.stderr)")
            #expect(json.stdout.hasPrefix("{\"function\": \"h\""))
            #expect(json.stdout.contains("\"conditions\": [\"x > y\"]"))
        }
        let impossible = "def g(x):\n    if x > 0:\n        y = x\n    else:\n        y = -x\n    if x < -1:\n        return y * 2\n    return y\n"
        try Self.withFile(impossible) { path in
            let run = try AdvizRun(["diff", "-f", path])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("one derivative per path (3)"))
            #expect(run.stdout.contains("1 combination of branches dropped"))
            #expect(run.stdout.contains("x > 0 and x < -1 cannot hold together"))
            #expect(!run.stdout.contains("where x > 0 and x < -1:"))
            if CompileBudgetTests.hasCompiler {
                let grad = try AdvizRun(["grad", "-f", path, "--grid", "-2:2:9"])
                #expect(grad.status == 0, "\(grad.stderr)")
                #expect(grad.stderr.contains("one kernel keeps its loops and branches"))
                #expect(grad.stdout.contains("-2.0,4.0,-2.0"), "g(-2) = 4, g′(-2) = -2: \(grad.stdout)")
            }
        }
    }
}
