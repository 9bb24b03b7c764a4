import Foundation
import Testing

@testable import AdvizCore
@testable import AdvizEngines
@testable import AdvizSymbolic

/// Issue 29's wrong numbers, one test each, and the property behind them: no engine gives a
/// number where another gives NaN or ±∞. References are mpmath's at 50 digits.
@Suite struct WrongNumbersTests {
    static func derivative(_ program: String, at point: [Double], _ scheme: FiniteDifference, h: Double = 1e-20) throws -> Double {
        scheme.derivative(try Graph(parsing: program), at: point, input: 0, h: h * Swift.max(1, Swift.abs(point[0])))
    }

    /// Finding 1: the complex step of a power at a negative point was −73478.8 for −6; where the
    /// real function is NaN it gave 3.95e20. Integer powers are products now, and a NaN real
    /// value (or a partial that is not a number) makes the complex step NaN.
    @Test func theComplexStepOfPowersAtNegativePoints() throws {
        #expect(try Self.derivative("x^2", at: [-3], .complexStep) == -6)
        #expect(try Self.derivative("x^3", at: [-2], .complexStep) == 12)
        #expect(try Self.derivative("x^-1", at: [-2], .complexStep) == -0.25)
        #expect(try Self.derivative("x^-3", at: [-0.5], .complexStep) == -48)
        let power = try Self.derivative("x^2.5", at: [2.5], .complexStep), exact = 2.5 * Foundation.pow(2.5, 1.5)
        #expect(Swift.abs(power - exact) <= 4 * exact.ulp, "x^2.5 at 2.5: \(power)")
        for (program, x) in [("x^2.5", -2.5), ("log(x,2)^2", -0.7), ("(-x)^0.5", 1.3), ("sqrt(x)", -1), ("(-2)^x", 3), ("sqrt(x)", 0)] {
            let complex = try Self.derivative(program, at: [x], .complexStep)
            let trace = try Trace(Graph(parsing: program), at: [x]).gradient[0]
            #expect(!complex.isFinite && !trace.isFinite, "\(program) at \(x): complex step \(complex), AD \(trace)")
        }
        // The error study: below h = 1e-8 (truncation h² gone) the complex step stays at rounding, never growing.
        for (program, x) in [("x^2", -3.0), ("x^3", -2.0), ("x^-1", -2.0), ("x^2.5", 2.5), ("x^x", 1.5)] {
            let study = try ErrorStudy(Graph(parsing: program), at: [x], input: 0)
            let errors = study.rows.map { $0.errors[.complexStep]! }
            #expect(errors.suffix(7).allSatisfy { $0 <= 4 * Swift.abs(study.exact).ulp }, "\(program) at \(x): \(errors)")
        }
    }

    /// Finding 2: the generated reverse program seeded a NaN output whose weight is 0.
    @Test(.enabled(if: KernelCompiler.shared.compiler != nil, "needs a C compiler"))
    func generatedCodeWeighsOutputsAsTheTraceDoes() throws {
        let programs = ["y1 = sqrt(x); y2 = 3*x", "a = log(x1); y1 = a*x2; y2 = x1 + x2; y3 = 1/x2"]
            + EngineAgreementTests.randomPrograms(count: 12, seed: 29).map { $0.replacingOccurrences(of: "y = ", with: "y2 = x1 - x2; y = ") }
        let weights: [[Double]] = [[0, 1], [1, 0], [0, 0], [1, 1], [0, 0, 1], [1, 0, 0], [0, 1, 0]]
        let points: [[Double]] = [[-1], [-1, 2], [0, 0], [-0.0, 3], [0.5, -2], [2, 0]]
        for program in programs {
            let graph = try Graph(parsing: program)
            let n = graph.inputCount, m = graph.outputCount
            let cases = points.filter { $0.count == n } + (n == 2 ? [[-1, 0.5], [1e300, 1e-300]] : [])
            let seeds = weights.filter { $0.count == m }
            var driver = "#include <stdio.h>\nvoid f_reverse(const double *x, const double *ybar, double *y, double *grad);\nint main(void) {\n double y[\(m)], g[\(n)];\n"
            for point in cases {
                for seed in seeds {
                    driver += " { const double x[] = {\(point.map { "\($0)" }.joined(separator: ", "))}, w[] = {\(seed.map { "\($0)" }.joined(separator: ", "))};\n"
                    driver += "   f_reverse(x, w, y, g); for (int j = 0; j < \(n); j++) printf(\"%a \", g[j]); printf(\"\\n\"); }\n"
                }
            }
            driver += " return 0;\n}\n"
            let output = try Self.compileAndRun(driver, DerivativeProgram.write(graph, mode: .reverse, language: .c))
            let lines = output.split(separator: "\n")
            #expect(lines.count == cases.count * seeds.count, "\(program): \(output)")
            var line = 0
            for point in cases {
                for seed in seeds where line < lines.count {
                    let trace = try Trace(graph, at: point, options: TraceOptions(outputSeed: seed))
                    let adjoints = trace.adjointsForSeed
                    let got = lines[line].split(separator: " ").map { Double(String($0)) ?? .signalingNaN }
                    for j in 0..<n {
                        #expect(EngineAgreementTests.same(got[j], adjoints[j], scale: 1, ulps: 4),
                                "`\(program)` at \(point), ȳ = \(seed): generated code \(got[j]), trace \(adjoints[j])")
                    }
                    line += 1
                }
            }
        }
    }

    static func compileAndRun(_ driver: String, _ program: String) throws -> String {
        try CProgram.run(["main.c": driver, "reverse.c": program], flags: ["-O0"])
    }

    /// Finding 3: the simplifier dropped 0·(1/(0·x)), and the symbolic derivative said 0 where AD says NaN.
    @Test func theSymbolicDerivativeKeepsTheNaN() throws {
        for program in ["exp(log(0*x))", "erf(log(round(x)))", "atan(1/floor(x))", "0*sqrt(x-1)"] {
            let graph = try Graph(parsing: program)
            #expect(try Trace(graph, at: [0.1]).gradient[0].isNaN, "AD of \(program)")
            #expect(try SymbolicDerivative(graph, variable: "x").value(at: ["x": 0.1]).isNaN, "diff of \(program)")
            let engine = try GradientEngine(graph, choice: .interpreted, symbolic: true, threads: 1)
            #expect(try engine.gradient(at: PointColumns(columns: [[0.1]]), method: .symbolic).gradients[0][0].isNaN, "grad --method symbolic of \(program)")
        }
        // A statement that does not reach the output says nothing about its derivative.
        let unused = try Graph(parsing: "t = log(x); y = x", options: GraphOptions(outputs: ["y"]))
        #expect(try SymbolicDerivative(unused, variable: "x").value(at: ["x": -1]) == 1)
    }

    /// Finding 4: ∂√x at −0 is +∞, as the warning says (and log, log2, log10), in every engine.
    @Test func signedZeroTakesTheRightHandSlope() throws {
        for program in ["sqrt(x)", "log(x)", "log2(x)", "log10(x)"] {
            let graph = try Graph(parsing: program)
            #expect(try Trace(graph, at: [-0.0]).gradient[0] == .infinity, "\(program) at −0")
            var engines = [try GradientEngine(graph, choice: .interpreted, threads: 1)]
            if KernelCompiler.shared.compiler != nil { engines.append(try GradientEngine(graph, choice: .compiled, threads: 1)) }
            for engine in engines {
                for method in [DerivativeMethod.reverse, .forward] {
                    let result = try engine.gradient(at: PointColumns(columns: [[-0.0, 0.0]]), method: method)
                    #expect(result.gradients[0] == [.infinity, .infinity], "\(engine.engineName) \(method) of \(program)")
                }
            }
        }
    }

    /// Finding 5: partials in stable forms, against mpmath at 50 digits.
    @Test func stablePartialsGiveTheDigits() throws {
        let cases: [(String, [Double], Double)] = [
            ("tanh(x)", [15], 3.743049187535369e-13), ("tanh(x)", [20], 1.6993417021166355e-17),
            ("sigmoid(x)", [30], 9.357622968838423e-14), ("x/y", [1e305, 1e155], -9.999999999999999e-06),
        ]
        for (program, point, reference) in cases {
            let trace = try Trace(Graph(parsing: program), at: point)
            let d = trace.gradient[point.count - 1]
            #expect(Swift.abs(d - reference) <= 4 * reference.ulp, "\(program) at \(point): \(d), mpmath \(reference)")
        }
    }

    /// Property 1: on random programs at points that are negative, −0, kinks, poles and domain
    /// edges, no engine gives a finite number where the trace's reverse sweep gives NaN or ±∞:
    /// forward AD, the block interpreter, the symbolic derivative (at one point and as `grad
    /// --method symbolic`) and the complex step. (The converse is allowed for the symbolic
    /// derivative and the complex step: algebra may meet 0·∞ where the rule takes a limit, and
    /// the complex step is NaN where it cannot check, a NaN that hides no number.)
    @Test func noEngineGivesANumberWhereTheTraceHasNone() throws {
        let points: [[Double]] = [
            [2, 5], [0, 0], [-1, 0.5], [-0.0, 3], [-3, -2], [0.5, -2], [1, 0], [Double.pi / 2, 1], [-2.5, 2.5],
            [1e16, 1], [1e-300, 0], [-1, -0.0], [0.1, -0.7], [-1.3, 1],
        ]
        var found: [String] = [], checked = 0
        for program in EngineAgreementTests.randomPrograms(count: 250, seed: 2929) + ["exp(log(0*x1)) + x2", "erf(log(round(x1)))*x2", "x1^2.5 + x2^-1", "(-x1)^0.5 + log(x2, 2)^2"] {
            let graph = try Graph(parsing: program)
            let n = graph.inputCount
            let derivatives = try graph.inputNames.map { try SymbolicDerivative(graph, variable: $0) }
            let engine = try GradientEngine(graph, choice: .interpreted, symbolic: true, threads: 1)
            let columns = PointColumns(columns: (0..<n).map { j in points.map { $0[j] } })
            let interpreted = try engine.gradient(at: columns, method: .reverse)
            let symbolic = try engine.gradient(at: columns, method: .symbolic)
            for (i, point) in points.enumerated() {
                let trace = try Trace(graph, at: point)
                let bindings = Dictionary(uniqueKeysWithValues: zip(graph.inputNames, point))
                for j in 0..<n {
                    let ad = trace.gradient[j]
                    let others: [(String, Double)] = [
                        ("forward AD", trace.forwardJacobian?.matrix[0][j] ?? ad), ("interpreter", interpreted.gradients[j][i]),
                        ("symbolic", derivatives[j].value(at: bindings)), ("grad --method symbolic", symbolic.gradients[j][i]),
                        ("complex step", FiniteDifference.complexStep.derivative(graph, at: point, input: j, h: 1e-20 * Swift.max(1, Swift.abs(point[j])))),
                    ]
                    for (name, d) in others {
                        checked += 1
                        let exact = name == "forward AD" || name == "interpreter"
                        if d.isFinite && !ad.isFinite || exact && !d.isFinite && ad.isFinite {
                            found.append("\(name) ∂/∂\(graph.inputNames[j]) of `\(program)` at \(point): \(d), trace \(ad)")
                        }
                    }
                }
            }
        }
        #expect(checked > 10_000)
        #expect(found.isEmpty, "\(found.count) of \(checked): \(found.prefix(8).joined(separator: "\n"))")
    }
}

extension Trace {
    /// The inputs' adjoints for the trace's own output seed ȳ: ȳ·J.
    var adjointsForSeed: [Double] {
        ReverseSweep.adjoints(graph, evaluation, outputSeed: outputSeed).prefix(graph.inputCount).map { $0 }
    }
}
