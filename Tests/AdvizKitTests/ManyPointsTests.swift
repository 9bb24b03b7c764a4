import Foundation
import PropertyBased
import Testing

@testable import AdvizBench
@testable import AdvizCore
@testable import AdvizEngines
@testable import AdvizFigures
@testable import AdvizKit
@testable import AdvizLessons
@testable import AdvizPlots
@testable import AdvizSymbolic

/// The many-point engines (compiled kernels, the block interpreter) against the scalar sweeps.
@Suite(.serialized) struct ManyPointsTests {
    /// Every operation of the table, in expressions smooth enough for central differences at the test points.
    static let expressions = [
        "log(x1*x2)+sin(x2)",
        "x1*x1 + x2^3 - x1/x2",
        "exp(tanh(x1)) * cos(x2) - tan(0.3*x1)",
        "sqrt(1 + x1^2) + sigmoid(x2) + abs(x1 - 3) + relu(x2) + max(x1, x2) - min(x1, 2*x2)",
        "pow(x1, 2.5) + x2^x1 - (-x1)",
        "p1 = 2*x1^3 - 3*x1^2 + 5; y = 2*p1^3 - 3*p1^2 + 5 + 0*x2",
    ]

    /// Points away from kinks and ties, where every method should agree.
    static func points(_ count: Int) -> PointColumns {
        var random = SplitMix64(state: 7)
        func next() -> Double { 0.3 + Double(random.next() % 10_000) / 10_000 * 1.4 }
        let x1 = (0..<count).map { _ in next() }
        let x2 = (0..<count).map { _ in next() + 0.11 }
        return PointColumns(columns: [x1, x2])
    }

    /// The scalar sweeps at one point: the reference everything else is held to.
    static func reference(_ graph: Graph, _ point: [Double]) -> (value: Double, gradient: [Double]) {
        let evaluation = PrimalSweep.run(graph, at: point)
        let adjoints = ReverseSweep.adjoints(graph, evaluation, outputSeed: ReverseSweep.unitSeed(0, outputs: graph.outputCount))
        return (evaluation.values[graph.outputs[0].node], Array(adjoints[0..<graph.inputCount]))
    }

    static func close(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool {
        Swift.abs(a - b) <= tolerance * Swift.max(1, Swift.abs(b))
    }

    static func check(_ engine: GradientEngine, _ graph: Graph, method: DerivativeMethod, tolerance: Double, count: Int = 1500) throws {
        let points = points(count)
        let result = try engine.gradient(at: points, method: method)
        for i in stride(from: 0, to: count, by: 7) {
            let point = points.columns.map { $0[i] }
            let (value, gradient) = reference(graph, point)
            if !result.values.isEmpty { #expect(close(result.values[i], value, 1e-12), "value at \(point)") }
            for j in 0..<graph.inputCount {
                #expect(close(result.gradients[j][i], gradient[j], tolerance), "∂/∂x\(j + 1) by \(method) at \(point): \(result.gradients[j][i]) vs \(gradient[j])")
            }
        }
    }

    @Test(arguments: expressions)
    func interpreterAgreesWithTheScalarSweeps(_ text: String) throws {
        let graph = try Graph(parsing: text)
        let engine = try GradientEngine(graph, choice: .interpreted, symbolic: true, threads: 2)
        try Self.check(engine, graph, method: .reverse, tolerance: 1e-12)
        try Self.check(engine, graph, method: .forward, tolerance: 1e-12)
        try Self.check(engine, graph, method: .symbolic, tolerance: 1e-9)
        try Self.check(engine, graph, method: .central, tolerance: 1e-5)
    }

    /// Whether a C compiler is found (the clang beside swift): tests of compiled kernels need one,
    /// and are reported skipped without it, never passed.
    static let hasCompiler = KernelCompiler.shared.compiler != nil

    @Test(.enabled(if: hasCompiler, "needs a C compiler (the clang beside swift)"), arguments: expressions)
    func compiledKernelAgreesWithTheScalarSweeps(_ text: String) throws {
        let compiler = KernelCompiler(environment: ["ADVIZ_CACHE_DIR": Self.cache, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? ""])
        let graph = try Graph(parsing: text)
        let engine = try GradientEngine(graph, choice: .compiled, symbolic: true, threads: 2, compiler: compiler)
        #expect(engine.engineName == "compiled")
        // clang may reassociate (see KernelCompiler.flags): agreement to 1e-10, not to the bit.
        try Self.check(engine, graph, method: .reverse, tolerance: 1e-10)
        try Self.check(engine, graph, method: .forward, tolerance: 1e-10)
        try Self.check(engine, graph, method: .symbolic, tolerance: 1e-9)
        try Self.check(engine, graph, method: .central, tolerance: 1e-5)
    }

    /// Random expressions: the interpreter and the compiled kernel give the scalar reverse sweep's gradient.
    @Test func randomExpressionsAgreeEverywhere() async throws {
        let compiler = KernelCompiler(environment: ["ADVIZ_CACHE_DIR": Self.cache, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? ""])
        await propertyCheck(count: 12, input: ExpressionTree.generator(depth: 4), Gen.uint64()) { tree, seed in
            let text = tree.description + " + 0*x1*x2*x3"
            let graph = try Graph(parsing: text)
            let count = 300
            var generator = SplitMix64(state: seed)
            let columns = (0..<3).map { _ in (0..<count).map { _ in Double(generator.next() % 3000) / 1000 - 1.5 } }
            let points = PointColumns(columns: columns)
            var engines = [try GradientEngine(graph, choice: .interpreted, threads: 1)]
            if compiler.compiler != nil { engines.append(try GradientEngine(graph, choice: .compiled, threads: 2, compiler: compiler)) }
            for engine in engines {
                let result = try engine.gradient(at: points)
                for i in stride(from: 0, to: count, by: 11) {
                    let (value, gradient) = Self.reference(graph, columns.map { $0[i] })
                    #expect(Self.close(result.values[i], value, 1e-9), "\(engine.engineName): \(text)")
                    for j in 0..<3 { #expect(Self.close(result.gradients[j][i], gradient[j], 1e-8), "\(engine.engineName) ∂/∂x\(j + 1): \(text)") }
                }
            }
        }
    }

    /// NaN and infinities keep their IEEE meaning in both engines (log of a negative number is NaN).
    @Test func ieeeResultsSurviveTheFastPaths() throws {
        let graph = try Graph(parsing: "log(x) + 1/x")
        let points = PointColumns(columns: [[-1, 0, 2]])
        var engines = [try GradientEngine(graph, choice: .interpreted)]
        let compiler = KernelCompiler(environment: ["ADVIZ_CACHE_DIR": Self.cache, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? ""])
        if compiler.compiler != nil { engines.append(try GradientEngine(graph, choice: .compiled, compiler: compiler)) }
        for engine in engines {
            let result = try engine.gradient(at: points)
            #expect(result.values[0].isNaN, "\(engine.engineName)")
            #expect(result.gradients[0][0].isNaN || result.gradients[0][0] == -2, "\(engine.engineName): \(result.gradients[0][0])")
            #expect(result.values[2] == Foundation.log(2) + 0.5)
            #expect(result.gradients[0][2] == 0.5 - 0.25)
        }
    }

    static let cache = NSTemporaryDirectory() + "/adviz-test-kernels-\(ProcessInfo.processInfo.processIdentifier)"

    @Test(.enabled(if: hasCompiler, "needs a C compiler (the clang beside swift)"))
    func theKernelCacheIsReusedCheckedAndBypassedWhenReadOnly() throws {
        let folder = NSTemporaryDirectory() + "/adviz-cache-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let first = KernelCompiler(environment: ["ADVIZ_CACHE_DIR": folder, "PATH": path])
        #expect(first.compiler != nil)
        let source = KernelSource(try Graph(parsing: "sin(x)*x"))
        let built = try first.kernel(for: source)
        #expect(built.compileSeconds > 0)
        // A new process (a new compiler object) finds it in the cache.
        let second = KernelCompiler(environment: ["ADVIZ_CACHE_DIR": folder, "PATH": path])
        #expect(try second.kernel(for: source).compileSeconds == 0)
        // A stored source that is not ours (stale, or tampered with) is never loaded: it is rebuilt.
        let stored = try FileManager.default.contentsOfDirectory(atPath: folder).first { $0.hasSuffix(".c") }!
        try "/* not what adviz wrote */".write(toFile: folder + "/" + stored, atomically: true, encoding: .utf8)
        let third = KernelCompiler(environment: ["ADVIZ_CACHE_DIR": folder, "PATH": path])
        #expect(try third.kernel(for: source).compileSeconds > 0)
        // A read-only cache is noted once and bypassed.
        chmod(folder, 0o500)
        defer { chmod(folder, 0o700) }
        if getuid() != 0 {
            let readOnly = KernelCompiler(environment: ["ADVIZ_CACHE_DIR": folder, "PATH": path])
            #expect(readOnly.cacheFolder == nil)
            var notes: [String] = []
            let kernel = try readOnly.kernel(for: KernelSource(try Graph(parsing: "cos(x)*x"))) { notes.append($0) }
            #expect(kernel.compileSeconds > 0)
            #expect(notes.count == 1 && notes[0].contains("read-only"))
        }
        // A cache others can write to is refused: what is in it might not be adviz's.
        chmod(folder, 0o777)
        #expect(KernelCompiler(environment: ["ADVIZ_CACHE_DIR": folder, "PATH": path]).cacheFolder == nil)
    }

    @Test func withoutACompilerAutoFallsBackToTheInterpreter() throws {
        let compiler = KernelCompiler(environment: ["ADVIZ_CC": "", "ADVIZ_CACHE_DIR": Self.cache])
        #expect(compiler.compiler == nil)
        var notes: [String] = []
        let engine = try GradientEngine(try Graph(parsing: "x^2"), choice: .auto, compiler: compiler) { notes.append($0) }
        #expect(engine.engineName == "interpreted")
        #expect(notes == ["note: no C compiler found; using the vectorised interpreter"])
        #expect(throws: AdvizError.self) { try GradientEngine(try Graph(parsing: "x^2"), choice: .compiled, compiler: compiler) }
    }

    @Test func aFailingCompilerIsReportedAndAutoFallsBack() throws {
        let compiler = KernelCompiler(environment: ["ADVIZ_CC": "/bin/false", "ADVIZ_CACHE_DIR": Self.cache + "-failing"])
        var notes: [String] = []
        let engine = try GradientEngine(try Graph(parsing: "x^2 + 1"), choice: .auto, compiler: compiler) { notes.append($0) }
        #expect(engine.engineName == "interpreted")
        #expect(notes.first?.contains("compiling the kernel failed") == true)
    }

    @Test func gridsAndCSV() throws {
        let grid = try PointGrid.points(grids: ["0:1:3", "x2=10:20:2"], inputs: ["x1", "x2"])
        #expect(grid.columns == [[0, 0, 0.5, 0.5, 1, 1], [10, 20, 10, 20, 10, 20]])
        #expect(PointGrid.linspace(-5, 5, 1_000_001).last == 5)
        #expect(throws: AdvizError.self) { try PointGrid.points(grids: ["0:1"], inputs: ["x"]) }
        #expect(throws: AdvizError.self) { try PointGrid.points(grids: ["0:1:0"], inputs: ["x"]) }
        #expect(throws: AdvizError.self) { try PointGrid.points(grids: ["0:1:3"], inputs: ["x1", "x2"]) }
        let csv = try PointGrid.points(csv: "x2, x1\n1,2\n# a comment\n3, 4\n", path: "p.csv", inputs: ["x1", "x2"])
        #expect(csv.columns == [[2, 4], [1, 3]])
        do {
            _ = try PointGrid.points(csv: "x1\n1\n2x\n", path: "p.csv", inputs: ["x1"])
            Issue.record("a bad number must be an error")
        } catch {
            let message = error.rendered
            #expect(message.contains("p.csv:3:1"), "\(message)")
            #expect(message.contains("`2x` is not a number"))
        }
    }
}

/// The derivative program `adviz codegen` writes: readable, and correct when compiled.
@Suite struct CodegenTests {
    @Test func theReverseProgramIsTheAdjointTrace() throws {
        let graph = try Graph(parsing: "log(x1*x2)+sin(x2)")
        let c = DerivativeProgram.write(graph, mode: .reverse, language: .c)
        #expect(c.contains("const double vb0 = vb3 * cos(v0) + vb1 * vm1;"))
        #expect(c.contains("/* v̄0 = v̄3·∂v3/∂v0 + v̄1·∂v1/∂v0 */"))
        #expect(c.contains("const double v1 = vm1 * v0;"))
        let swift = DerivativeProgram.write(graph, mode: .forward, language: .swift)
        // A term from an argument that other inputs reach is taken only where their xdot is nonzero.
        #expect(swift.contains("let vd1 = (xdot[0] != 0.0 ? v0 * vdm1 : 0.0) + (xdot[1] != 0.0 ? vm1 * vd0 : 0.0)"))
    }

    /// The Swift program type-checks (every op's Swift spelling is valid Swift).
    static let swiftc = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { String($0) + "/swiftc" }
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: swiftc != nil, "needs swiftc on PATH"))
    func theGeneratedSwiftTypeChecks() throws {
        let swiftc = try #require(Self.swiftc)
        let graph = try Graph(parsing: ManyPointsTests.expressions[3] + " + " + ManyPointsTests.expressions[2] + " + step(x1) + sign(x2) + x1^x2")
        let file = NSTemporaryDirectory() + "/adviz-codegen-\(UUID().uuidString).swift"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let forward = DerivativeProgram.write(graph, mode: .forward, language: .swift).replacingOccurrences(of: "import Foundation\n", with: "")
        try (DerivativeProgram.write(graph, mode: .reverse, language: .swift) + forward).write(toFile: file, atomically: true, encoding: .utf8)
        let check = Process()
        check.executableURL = URL(fileURLWithPath: swiftc)
        check.arguments = ["-typecheck", file]
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0)
    }

    /// Compiles the readable C with a driver and checks it against the scalar sweeps.
    @Test(.enabled(if: ManyPointsTests.hasCompiler, "needs a C compiler (the clang beside swift)"), arguments: ManyPointsTests.expressions.prefix(5))
    func theGeneratedCComputesTheGradient(_ text: String) throws {
        let graph = try Graph(parsing: text)
        let point = [0.7, 1.9]
        let driver = """
            #include <stdio.h>
            void f_reverse(const double x[2], const double ybar[1], double y[1], double grad[2]);
            void f_forward(const double x[2], const double xdot[2], double y[1], double ydot[1]);
            int main(void) {
                double x[2] = {\(point[0]), \(point[1])}, ybar[1] = {1}, y[1], g[2], xdot[2] = {0, 1}, ydot[1];
                f_reverse(x, ybar, y, g);
                f_forward(x, xdot, y, ydot);
                printf("%.17g %.17g %.17g %.17g\\n", y[0], g[0], g[1], ydot[0]);
                return 0;
            }
            """
        let forward = DerivativeProgram.write(graph, mode: .forward, language: .c)
        let output = try CProgram.run(
            ["main.c": driver, "reverse.c": DerivativeProgram.write(graph, mode: .reverse, language: .c), "forward.c": forward],
            flags: ["-Wno-unused-variable"])
        let numbers = output.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        let (value, gradient) = ManyPointsTests.reference(graph, point)
        #expect(numbers.count == 4)
        #expect(ManyPointsTests.close(numbers[0], value, 1e-14))
        #expect(ManyPointsTests.close(numbers[1], gradient[0], 1e-13))
        #expect(ManyPointsTests.close(numbers[2], gradient[1], 1e-13))
        #expect(ManyPointsTests.close(numbers[3], gradient[1], 1e-13), "forward mode with ẋ = (0, 1) gives ∂y/∂x2")
    }
}
