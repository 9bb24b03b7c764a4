import Foundation
import Testing

@testable import AdvizCore
@testable import AdvizEngines
@testable import AdvizSymbolic

/// Every operation in `Op.allCases`, through every engine, against central differences.
///
/// The points include ones near kinks and domain edges (a thousandth away: far enough for a
/// central difference with h = 1e-6, near enough that a wrong rule there shows). The switches
/// below are exhaustive: a new operation without points is a compile error, so a missing or
/// wrong rule fails a test, not a review.
@Suite struct EveryOperationTests {
    /// The operations a program can write (inputs and constants are leaves).
    static let operations = Op.allCases.filter { $0.arity > 0 }

    /// The operation applied to x1 (and x2), as a student types it.
    static func program(_ op: Op) -> String {
        switch op.notation {
        case .leaf: return "y = x1"
        case .prefix: return "y = -x1"
        case .infix:
            let symbol = [Op.add: "+", .sub: "-", .mul: "*", .div: "/", .pow: "^"][op]!
            return "y = x1 \(symbol) x2"
        case .function(let name, _):
            return op.arity == 2 ? "y = \(name)(x1, x2)" : "y = \(name)(x1)"
        }
    }

    /// Smooth points, several near a kink or a domain edge.
    static func points(_ op: Op) -> [[Double]] {
        switch op {
        case .input, .constant: return []
        case .add, .sub, .mul, .max, .min: return [[0.3, 1.2], [-0.7, 0.4], [1, 1.001], [1.001, 1]]
        case .div: return [[0.3, 1.2], [-0.7, 0.01], [2, -3]]
        case .pow: return [[0.3, 1.2], [2, -0.5], [1.5, 3], [0.001, 2]]
        case .atan2: return [[1, 2], [0.001, -1], [-0.001, -1], [-2, 0.5], [1, 0.001]]
        case .hypot: return [[3, 4], [0.001, -0.001], [-2, 0.5], [1e-3, 0]]
        case .neg, .sin, .cos, .exp, .tanh, .sigmoid, .atan, .sinh, .cosh, .asinh, .erf, .expm1:
            return [[-1.3], [0.4], [2.2], [1e-4]]
        case .tan: return [[0.4], [-1.2], [1.57]]
        case .log, .log10, .log2, .sqrt: return [[0.01], [0.7], [30]]
        case .log1p: return [[-0.99], [0.3], [5], [1e-9]]
        case .abs, .relu, .sign, .step: return [[-0.5], [0.001], [-0.001], [2]]
        case .asin, .acos, .atanh: return [[-0.99], [0.2], [0.995], [-0.001]]
        case .acosh: return [[1.01], [2], [10]]
        case .cbrt: return [[-8], [0.001], [-0.001], [3]]
        case .floor, .ceil: return [[2.3], [-0.7], [1.999], [2.001]]
        case .round: return [[2.3], [2.49], [-0.51], [2.51]]
        }
    }

    /// Points on a kink, a jump or a domain edge, where the trace must warn.
    static func kinkPoints(_ op: Op) -> [[Double]] {
        switch op {
        case .input, .constant, .add, .sub, .mul, .neg, .sin, .cos, .exp, .tanh, .sigmoid, .atan, .sinh, .cosh, .asinh,
            .erf, .expm1:
            return []
        case .div: return [[1, 0]]
        case .pow: return [[0, 0.5], [-2, 0.5]]
        case .max, .min: return [[1, 1]]
        case .atan2: return [[0, 0], [0, -1]]
        case .hypot: return [[0, 0]]
        case .tan: return [[Double.pi / 2]]
        case .log, .log10, .log2, .sqrt: return [[0], [-1]]
        case .log1p: return [[-1], [-2]]
        case .abs, .relu, .sign, .step, .cbrt: return [[0]]
        case .asin, .acos: return [[1], [-1], [1.5]]
        case .atanh: return [[1], [-1.5]]
        case .acosh: return [[1], [0.5]]
        case .floor, .ceil: return [[2], [-3]]
        case .round: return [[2.5], [-0.5]]
        }
    }

    /// ∂y/∂x_j by central differences with h = 1e-6·max(1, |x_j|).
    static func central(_ graph: Graph, _ point: [Double], _ j: Int) -> Double {
        let h = 1e-6 * Swift.max(1, Swift.abs(point[j]))
        var plus = point, minus = point
        plus[j] += h
        minus[j] -= h
        let node = graph.outputs[0].node
        return (PrimalSweep.run(graph, at: plus).values[node] - PrimalSweep.run(graph, at: minus).values[node]) / (2 * h)
    }

    /// Close to a central difference: within 1e-5 of the larger of 1 and its size.
    static func close(_ value: Double, _ reference: Double) -> Bool {
        Swift.abs(value - reference) <= 1e-5 * Swift.max(1, Swift.abs(reference))
    }

    @Test(arguments: operations)
    func everyOperationHasPointsAndItsPointsAreSmooth(_ op: Op) throws {
        let graph = try Graph(parsing: Self.program(op))
        #expect(graph.nodes.contains { $0.op == op }, "`\(Self.program(op))` records \(op)")
        #expect(Self.points(op).count >= 3)
        for point in Self.points(op) {
            #expect(PrimalSweep.run(graph, at: point).warnings.isEmpty, "\(op) at \(point) should be smooth")
        }
        #expect(op.hasKinks == !Self.kinkPoints(op).isEmpty, "\(op): hasKinks and the kink points agree")
        for point in Self.kinkPoints(op) {
            let warnings = PrimalSweep.run(graph, at: point).warnings
            #expect(!warnings.isEmpty, "\(op) at \(point) must warn")
        }
    }

    @Test(arguments: operations)
    func traceForwardReverseSymbolicAndComplexStepAgreeWithCentralDifferences(_ op: Op) throws {
        let graph = try Graph(parsing: Self.program(op))
        let output = graph.outputs[0].node
        let symbolic = try graph.inputNames.map { try SymbolicDerivative(graph, variable: $0) }
        for point in Self.points(op) {
            let evaluation = PrimalSweep.run(graph, at: point)
            let adjoints = ReverseSweep.adjoints(graph, evaluation, outputSeed: [1])
            for j in 0..<graph.inputCount {
                let reference = Self.central(graph, point, j)
                let tangent = ForwardSweep.tangents(graph, evaluation, seed: ForwardSweep.unitSeed(j, inputs: graph.inputCount))[output]
                let bindings = Dictionary(uniqueKeysWithValues: zip(graph.inputNames, point))
                let complexStep = FiniteDifference.complexStep.derivative(graph, at: point, input: j, h: 1e-20)
                let partial = (j == 0 ? evaluation.partialA : evaluation.partialB)[output]
                for (engine, value) in [("reverse", adjoints[j]), ("forward", tangent), ("symbolic", symbolic[j].value(at: bindings)),
                                        ("complex step", complexStep), ("partial", partial)] {
                    #expect(Self.close(value, reference), "\(op) \(engine) ∂/∂x\(j + 1) at \(point): \(value), central difference \(reference)")
                }
                // The printed formula is the rule: evaluated at the point it gives the sweep's number.
                let printed = op.partialFormula(j).evaluate(point.count == 1 ? point + [0] : point)
                #expect(Self.close(printed, reference), "\(op) partialFormula(\(j)) at \(point): \(printed), central difference \(reference)")
            }
        }
    }

    @Test func theInterpreterAgreesWithCentralDifferences() throws {
        for op in Self.operations {
            let graph = try Graph(parsing: Self.program(op))
            let points = Self.points(op)
            let columns = PointColumns(columns: (0..<graph.inputCount).map { j in points.map { $0[j] } })
            let engine = try GradientEngine(graph, choice: .interpreted, threads: 1)
            for method in [DerivativeMethod.reverse, .forward] {
                let result = try engine.gradient(at: columns, method: method)
                for (i, point) in points.enumerated() {
                    let value = PrimalSweep.run(graph, at: point).values[graph.outputs[0].node]
                    #expect(Self.close(result.values[i], value), "interpreter \(op) value at \(point): \(result.values[i]), trace \(value)")
                    for j in 0..<graph.inputCount {
                        let reference = Self.central(graph, point, j)
                        #expect(Self.close(result.gradients[j][i], reference), "interpreter \(method) \(op) ∂/∂x\(j + 1) at \(point): \(result.gradients[j][i]), central \(reference)")
                    }
                }
            }
        }
    }

    /// A kernel cache holding every operation's strict kernel, compiled once (a tenth of a second
    /// each) for the two tests that run them all; each test loads them from it as adviz does.
    static let everyOperationsKernels: String = {
        let folder = NSTemporaryDirectory() + "/adviz-every-op-\(getpid())"
        let compiler = KernelCompiler(environment: ["ADVIZ_CACHE_DIR": folder, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? ""])
        for op in operations {
            // A failure here shows again, with its reason, in the test that asked for the kernel.
            if let graph = try? Graph(parsing: program(op)) { _ = try? GradientEngine(graph, choice: .compiled, threads: 1, compiler: compiler) }
        }
        return folder
    }()

    @Test(.enabled(if: KernelCompiler.shared.compiler != nil, "needs a C compiler (the clang beside swift)"))
    func compiledKernelsAgreeWithCentralDifferences() throws {
        let compiler = KernelCompiler(environment: ["ADVIZ_CACHE_DIR": Self.everyOperationsKernels, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? ""])
        for op in Self.operations {
            let graph = try Graph(parsing: Self.program(op))
            let points = Self.points(op)
            let columns = PointColumns(columns: (0..<graph.inputCount).map { j in points.map { $0[j] } })
            let engine = try GradientEngine(graph, choice: .compiled, threads: 1, compiler: compiler)
            #expect(engine.engineName == "compiled")
            for method in [DerivativeMethod.reverse, .forward] {
                let result = try engine.gradient(at: columns, method: method)
                for (i, point) in points.enumerated() {
                    let value = PrimalSweep.run(graph, at: point).values[graph.outputs[0].node]
                    #expect(Self.close(result.values[i], value), "kernel \(method) \(op) value at \(point): \(result.values[i]), trace \(value)")
                    for j in 0..<graph.inputCount {
                        let reference = Self.central(graph, point, j)
                        #expect(Self.close(result.gradients[j][i], reference), "kernel \(method) \(op) ∂/∂x\(j + 1) at \(point): \(result.gradients[j][i]), central \(reference)")
                    }
                }
            }
        }
    }

    /// Parses a generated program's lines `case point grad1 grad2`.
    static func gradients(from output: String) -> [String: [Double]] {
        var found: [String: [Double]] = [:]
        for line in output.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count >= 3 else { continue }
            found["\(words[0]) \(words[1])"] = words.dropFirst(2).map { Double(String($0)) ?? .nan }
        }
        return found
    }

    /// Runs a command, its output and errors together.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A number as a C and Swift literal (Swift's description round-trips).
    static func literal(_ x: Double) -> String { "\(x)" }

    @Test(.enabled(if: KernelCompiler.shared.compiler != nil, "needs a C compiler (the clang beside swift)"))
    func generatedCAgreesWithCentralDifferences() throws {
        var source = "#include <stdio.h>\n"
        var calls = "int main(void) {\n    double y[1], g[2];\n"
        for (k, op) in Self.operations.enumerated() {
            let graph = try Graph(parsing: Self.program(op))
            source += DerivativeProgram.write(graph, mode: .reverse, language: .c).replacingOccurrences(of: "f_reverse", with: "f\(k)_reverse")
            source += DerivativeProgram.write(graph, mode: .forward, language: .c).replacingOccurrences(of: "f_forward", with: "f\(k)_forward")
                .replacingOccurrences(of: "#include <math.h>\n", with: "")
            for (i, point) in Self.points(op).enumerated() {
                let x = point.map(Self.literal).joined(separator: ", ")
                let n = point.count
                calls += "    { const double x[] = {\(x)}; const double yb[1] = {1.0}; f\(k)_reverse(x, yb, y, g); printf(\"\(k) \(i)"
                calls += String(repeating: " %.17g", count: n + 1) + "\\n\", y[0]" + (0..<n).map { ", g[\($0)]" }.joined() + "); }\n"
                // Forward mode: one sweep per unit direction.
                calls += "    { const double x[] = {\(x)}; double xd[\(n)], yd[1]; for (int j = 0; j < \(n); j++) { for (int m = 0; m < \(n); m++) xd[m] = m == j; "
                calls += "f\(k)_forward(x, xd, y, yd); g[j] = yd[0]; } printf(\"F\(k) \(i)"
                calls += String(repeating: " %.17g", count: n + 1) + "\\n\", y[0]" + (0..<n).map { ", g[\($0)]" }.joined() + "); }\n"
            }
        }
        let directory = NSTemporaryDirectory() + "adviz-every-op-c-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try (source + calls + "    return 0;\n}\n").write(toFile: directory + "/all.c", atomically: true, encoding: .utf8)
        let compiled = try Self.run([KernelCompiler.shared.compiler!, "-O1", "-ffp-contract=off", directory + "/all.c", "-lm", "-o", directory + "/all"])
        try #require(compiled.status == 0, "\(compiled.output)")
        let ran = try Self.run([directory + "/all"])
        let found = Self.gradients(from: ran.output)
        try Self.check(found, engine: "generated C")
        try Self.check(found, engine: "generated C forward", key: "F")
    }

    /// The `swiftc` on `PATH`, if any.
    static let swiftc: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        .map { "\($0)/swiftc" }.first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: swiftc != nil, "needs swiftc"))
    func generatedSwiftAgreesWithCentralDifferences() throws {
        var source = "import Foundation\n"
        for (k, op) in Self.operations.enumerated() {
            let graph = try Graph(parsing: Self.program(op))
            source += DerivativeProgram.write(graph, mode: .reverse, language: .swift)
                .replacingOccurrences(of: "import Foundation\n", with: "")
                .replacingOccurrences(of: "func fReverse(", with: "func f\(k)Reverse(")
            source += DerivativeProgram.write(graph, mode: .forward, language: .swift)
                .replacingOccurrences(of: "import Foundation\n", with: "")
                .replacingOccurrences(of: "func fForward(", with: "func f\(k)Forward(")
            for (i, point) in Self.points(op).enumerated() {
                let x = point.map(Self.literal).joined(separator: ", ")
                source += "do { let r = f\(k)Reverse([\(x)], ybar: [1.0]); let numbers: [Double] = r.y + r.grad; "
                source += "print(\"\(k) \(i) \" + numbers.map { String(format: \"%.17g\", $0) }.joined(separator: \" \")) }\n"
                source += "do { let n = \(point.count); let g = (0..<n).map { j in f\(k)Forward([\(x)], xdot: (0..<n).map { $0 == j ? 1.0 : 0.0 }).ydot[0] }; "
                source += "let numbers: [Double] = f\(k)Forward([\(x)], xdot: [Double](repeating: 0, count: n)).y + g; "
                source += "print(\"F\(k) \(i) \" + numbers.map { String(format: \"%.17g\", $0) }.joined(separator: \" \")) }\n"
            }
        }
        let directory = NSTemporaryDirectory() + "adviz-every-op-swift-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try source.write(toFile: directory + "/main.swift", atomically: true, encoding: .utf8)
        let compiled = try Self.run([Self.swiftc!, "-Onone", directory + "/main.swift", "-o", directory + "/all"])
        try #require(compiled.status == 0, "\(compiled.output)")
        let ran = try Self.run([directory + "/all"])
        let found = Self.gradients(from: ran.output)
        try Self.check(found, engine: "generated Swift")
        try Self.check(found, engine: "generated Swift forward", key: "F")
    }

    /// Checks a generated program's values and gradients, keyed `case point` (after `prefix`:
    /// `F` for the forward programs), against the trace's value and central differences.
    static func check(_ found: [String: [Double]], engine: String, key prefix: String = "") throws {
        for (k, op) in operations.enumerated() {
            let graph = try Graph(parsing: program(op))
            for (i, point) in points(op).enumerated() {
                let printed = try #require(found["\(prefix)\(k) \(i)"], "\(engine) printed no gradient for \(op) at \(point)")
                try #require(printed.count == graph.inputCount + 1)
                let value = PrimalSweep.run(graph, at: point).values[graph.outputs[0].node]
                #expect(close(printed[0], value), "\(engine) \(op) value at \(point): \(printed[0]), trace \(value)")
                let gradient = Array(printed.dropFirst())
                for j in 0..<graph.inputCount {
                    let reference = central(graph, point, j)
                    #expect(close(gradient[j], reference), "\(engine) \(op) ∂/∂x\(j + 1) at \(point): \(gradient[j]), central \(reference)")
                }
            }
        }
    }

    /// The points where conventions decide: the kinks, jumps and domain edges, and NaN, ±∞ and
    /// ±0 in each argument.
    static func awkwardPoints(_ op: Op) -> [[Double]] {
        let specials: [Double] = [.nan, .infinity, -.infinity, 0, -0.0]
        let smooth = points(op)[0]
        var result = kinkPoints(op)
        for j in 0..<op.arity {
            for x in specials {
                var point = smooth
                point[j] = x
                result.append(point)
            }
        }
        return result
    }

    /// At every kink, jump, domain edge, NaN and infinity, the interpreter (whose loops inline the
    /// rules through `Op.evaluate` and `Op.partials`) and the strict compiled kernels (whose code
    /// is the rules' `code` and `partialCode`) give the trace's numbers: NaN where it is NaN, its
    /// infinity, its convention at a kink (to a few ulps: a kernel writes tan′ as 1/cos², the
    /// sweeps as 1 + v², which differ in the last bit at the pole).
    @Test func atKinksAndEdgesEveryEngineGivesTheTracesNumbers() throws {
        let compiler: KernelCompiler? = KernelCompiler.shared.compiler == nil ? nil : KernelCompiler(environment: [
            "ADVIZ_CACHE_DIR": Self.everyOperationsKernels, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "",
        ])
        var found: [String] = []
        for op in Self.operations {
            let graph = try Graph(parsing: Self.program(op))
            let points = Self.awkwardPoints(op)
            let expected = EngineAgreementTests.reference(graph, points)
            let columns = PointColumns(columns: (0..<graph.inputCount).map { j in points.map { $0[j] } })
            var engines = [("interpreter", try GradientEngine(graph, choice: .interpreted, threads: 1))]
            if let compiler { engines.append(("kernel", try GradientEngine(graph, choice: .compiled, threads: 1, compiler: compiler))) }
            for (name, engine) in engines {
                for method in [DerivativeMethod.reverse, .forward] {
                    let result = try engine.gradient(at: columns, method: method)
                    for (i, want) in expected.enumerated() {
                        if !EngineAgreementTests.same(result.values[i], want.value, scale: want.scale) {
                            found.append("\(name) \(method) \(op) value at \(points[i]): \(result.values[i]), trace \(want.value)")
                        }
                        let wanted = method == .reverse ? want.reverse : want.forward
                        for j in 0..<graph.inputCount where !EngineAgreementTests.same(result.gradients[j][i], wanted[j], scale: want.scale) {
                            found.append("\(name) \(method) \(op) ∂/∂x\(j + 1) at \(points[i]): \(result.gradients[j][i]), trace \(wanted[j])")
                        }
                    }
                }
            }
        }
        #expect(found.isEmpty, "\(found.count) disagreements:\n\(found.prefix(20).joined(separator: "\n"))")
    }
}
