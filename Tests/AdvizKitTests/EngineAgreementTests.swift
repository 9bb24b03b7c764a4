import Foundation
import Testing

@testable import AdvizBench
@testable import AdvizCore
@testable import AdvizEngines
@testable import AdvizFigures
@testable import AdvizKit
@testable import AdvizLessons
@testable import AdvizPlots
@testable import AdvizSymbolic

/// One answer per question, whatever the engine: the trace's sweeps are the reference, and the
/// block interpreter, the compiled kernels (IEEE-strict) and the symbolic derivative must give
/// its numbers on random programs full of kinks, NaN, infinities and cancellation.
///
/// "The same number" means: both NaN, or the same infinity, or both finite and equal to a few
/// ulps of the larger magnitude seen on the way (the interpreter evaluates a fused polynomial by
/// Horner's rule and an integer power as products, so last bits may differ; a reassociated sum
/// such as `(x + 1e16)*x - 1e16*x` differs by far more, and fails).
@Suite struct EngineAgreementTests {
    /// Every operation as the language writes it, read off the primitive table (`Op.allCases`):
    /// an operation added to `Op` is raced here without touching this file. Plus `log(a, b)`, the
    /// language's two-argument logarithm (it parses to a quotient of logs).
    static var spellings: (unary: [String], binary: [String]) {
        var unary: [String] = [], binary: [String] = ["log"]
        for op in Op.allCases {
            switch op.notation {
            case .leaf: continue
            case .prefix(let text, _, _): unary.append(text)
            case .infix(let text, _, _): binary.append(text == "·" ? "*" : text)
            case .function(let name, _): if op.arity == 1 { unary.append(name) } else { binary.append(name) }
            }
        }
        return (unary, binary)
    }

    @Test func everyOperationIsRaced() {
        let (unary, binary) = Self.spellings
        #expect(unary.count + binary.count - 1 == Op.allCases.count - 2, "every operation but the input and the constant")
        #expect(Set(binary).isSuperset(of: ["+", "-", "*", "/", "^"]) && unary.contains("-") && unary.contains("tan"))
    }

    /// Random programs over x1, x2: a few statements, each an operation on earlier names,
    /// inputs and awkward constants (0, a huge number, a tiny one, a negative one).
    static func randomPrograms(count: Int, seed: UInt64) -> [String] {
        var random = SplitMix64(state: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        let (unary, binary) = spellings
        let constants = ["0", "1", "2", "0.5", "-3", "1e16", "1e-300", "3"]
        return (0..<count).map { _ in
            var names = ["x1", "x2"]
            var statements: [String] = []
            for k in 1...(2 + Int(random.next() % 4)) {
                let operand = { random.next() % 5 == 0 ? pick(constants) : pick(names) }
                let expression: String
                if random.next() % 2 == 0 {
                    let f = pick(unary)
                    expression = f == "-" ? "-(\(operand()))" : "\(f)(\(operand()))"
                } else {
                    let op = pick(binary)
                    let (a, b) = (pick(names), op == "^" ? pick(["2", "3", "0.5", "x2"]) : operand())
                    expression = op.count > 1 ? "\(op)(\(a), \(b))" : "(\(a)) \(op) (\(b))"
                }
                statements.append("a\(k) = \(expression)")
                names.append("a\(k)")
            }
            // The last statement reads every earlier one, so that all are on the way to the output.
            statements.append("y = " + names.dropFirst(2).joined(separator: " + ") + " + x1*x2")
            return statements.joined(separator: "; ")
        }
    }

    /// Points that hit kinks, domain edges, NaN and infinities.
    static let points: [[Double]] = [
        [2, 5], [0, 0], [-1, 0.5], [-0.0, 3], [1e16, 1], [0.5, -2], [.nan, 1], [1, .infinity], [-.infinity, 2], [1e-300, 0],
    ]

    /// True if `a` and `b` are the same answer: both NaN, the same infinity, or finite and within
    /// `ulps` units in the last place of `scale` (the largest magnitude involved).
    static func same(_ a: Double, _ b: Double, scale: Double, ulps: Double = 64) -> Bool {
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
        if a.isInfinite || b.isInfinite { return a == b }
        return Swift.abs(a - b) <= ulps * Swift.max(scale, Swift.abs(a), Swift.abs(b)).ulp
    }

    /// The trace's answers at every point: value, reverse gradient, forward gradient (unit seeds),
    /// and the largest magnitude among the nodes' values, partials and adjoints (for `same`).
    static func reference(_ graph: Graph, _ points: [[Double]]) -> [(value: Double, reverse: [Double], forward: [Double], scale: Double)] {
        points.map { point in
            let evaluation = PrimalSweep.run(graph, at: point)
            let adjoints = ReverseSweep.adjoints(graph, evaluation, outputSeed: [1])
            let output = graph.outputs[0].node
            let forward = (0..<graph.inputCount).map { j in
                ForwardSweep.tangents(graph, evaluation, seed: ForwardSweep.unitSeed(j, inputs: graph.inputCount))[output]
            }
            let magnitudes = (evaluation.values + evaluation.partialA + evaluation.partialB + adjoints).filter(\.isFinite).map(Swift.abs)
            return (evaluation.values[output], Array(adjoints.prefix(graph.inputCount)), forward, magnitudes.max() ?? 1)
        }
    }

    /// Compares an engine's columns with the trace, point by point; returns the disagreements.
    static func disagreements(
        _ graph: Graph, engine: GradientEngine, name: String, program: String
    ) throws -> [String] {
        let columns = PointColumns(columns: (0..<graph.inputCount).map { j in points.map { $0[j] } })
        let expected = reference(graph, points)
        var found: [String] = []
        for method in [DerivativeMethod.reverse, .forward] {
            let result = try engine.gradient(at: columns, method: method)
            for (i, want) in expected.enumerated() {
                if !same(result.values[i], want.value, scale: want.scale) {
                    found.append("\(name) \(method) value of `\(program)` at \(points[i]): \(result.values[i]), trace \(want.value)")
                }
                let wanted = method == .reverse ? want.reverse : want.forward
                for j in 0..<graph.inputCount where !same(result.gradients[j][i], wanted[j], scale: want.scale) {
                    found.append("\(name) \(method) ∂/∂\(graph.inputNames[j]) of `\(program)` at \(points[i]): \(result.gradients[j][i]), trace \(wanted[j])")
                }
            }
        }
        return found
    }

    @Test func theInterpreterGivesTheTracesNumbers() throws {
        var found: [String] = []
        for program in Self.randomPrograms(count: 400, seed: 7) {
            let graph = try Graph(parsing: program)
            found += try Self.disagreements(graph, engine: try GradientEngine(graph, choice: .interpreted, threads: 1), name: "interpreter", program: program)
        }
        #expect(found.isEmpty, "\(found.count) disagreements, first: \(found.prefix(5).joined(separator: "\n"))")
    }

    @Test(.enabled(if: KernelCompiler.shared.compiler != nil, "needs a C compiler (the clang beside swift)"))
    func strictKernelsGiveTheTracesNumbers() throws {
        var found: [String] = []
        let compiler = KernelCompiler(environment: ["ADVIZ_CACHE_DIR": NSTemporaryDirectory() + "/adviz-agreement-\(getpid())", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? ""])
        for program in Self.randomPrograms(count: 25, seed: 11) {
            let graph = try Graph(parsing: program)
            let engine = try GradientEngine(graph, choice: .compiled, threads: 1, compiler: compiler)
            #expect(engine.engineName == "compiled")
            found += try Self.disagreements(graph, engine: engine, name: "kernel", program: program)
        }
        #expect(found.isEmpty, "\(found.count) disagreements, first: \(found.prefix(5).joined(separator: "\n"))")
    }

    /// The symbolic derivative is algebra, not arithmetic: its formulas can meet 0·∞ where the
    /// table's rule takes a limit (∂(a^b)/∂b at a = 0), or ∞ − ∞ at infinite inputs. So it may be
    /// NaN where the trace is finite; it may never be another finite number (at finite points with
    /// no kink or domain warning), nor a number where the trace's derivative is NaN (at points
    /// with no infinite input and no warning: a NaN input, or NaN made on the way, stays NaN).
    @Test func theSymbolicDerivativeNeverGivesAnotherNumber() throws {
        var found: [String] = []
        for program in Self.randomPrograms(count: 600, seed: 3) {
            let graph = try Graph(parsing: program)
            let derivatives = try graph.inputNames.map { try SymbolicDerivative(graph, variable: $0) }
            for (point, want) in zip(Self.points, Self.reference(graph, Self.points)) {
                let evaluation = PrimalSweep.run(graph, at: point)
                let bindings = Dictionary(uniqueKeysWithValues: zip(graph.inputNames, point))
                for (j, d) in derivatives.enumerated() {
                    let symbolic = d.value(at: bindings)
                    if want.reverse[j].isNaN {
                        // A NaN from 0·∞ at a kink or a domain edge comes with the trace's warning; at
                        // an infinite input the formula's algebra (x/x = 1) may take another path.
                        if !symbolic.isNaN, evaluation.warnings.isEmpty, point.allSatisfy({ !$0.isInfinite }) { found.append("symbolic ∂/∂\(d.variable) of `\(program)` at \(point): \(symbolic), trace NaN") }
                    } else if symbolic.isNaN {
                        continue  // a formula's 0·∞ where the rule takes the limit: no number given, none hidden
                    } else if point.allSatisfy(\.isFinite), evaluation.warnings.isEmpty, want.reverse[j].isFinite, want.scale < 1e12,
                        !Self.same(symbolic, want.reverse[j], scale: want.scale, ulps: 1e6)
                    {
                        found.append("symbolic ∂/∂\(d.variable) of `\(program)` at \(point): \(symbolic), trace \(want.reverse[j])")
                    }
                }
            }
        }
        #expect(found.isEmpty, "\(found.count) disagreements, first: \(found.prefix(5).joined(separator: "\n"))")
    }

    /// The cases, each with its answer, through every engine available.
    @Test func theReportedCasesHaveOneAnswer() throws {
        let cases: [(program: String, point: [Double], value: Double, gradient: Double)] = [
            ("(x + 1e16)*x - 1e16*x", [1], 0, 1),
            ("x + 0*sqrt(x)", [0], 0, .nan),
            ("min(log(x), 5)", [-1], .nan, .nan),
            ("max(log(x), 5)", [-1], .nan, .nan),
            ("relu(log(x))", [-1], .nan, .nan),
            ("abs(log(x))", [-1], .nan, .nan),
            ("sign(log(x))", [-1], .nan, .nan),
            ("step(log(x))", [-1], .nan, .nan),
            ("step(x)", [.nan], .nan, .nan),
            ("x*sqrt(y)", [1, 0], 0, 0),  // ∂/∂x: √y = 0; the infinite ∂/∂y never multiplies into it
            ("log(x)", [-1], .nan, .nan),  // undefined: a step whose value is NaN has NaN partials (not 1/x = −1)
            ("0*log(x)", [-1], .nan, .nan),
            ("log(x) - log(x)", [-1], .nan, .nan),
            ("(x + 1e16) - 1e16 + x*0.5", [1], 0.5, 1.5),  // the value as the tape rounds it: constants that cancel are not collected
        ]
        var engines: [(String, (Graph) throws -> GradientEngine)] = [("interpreter", { try GradientEngine($0, choice: .interpreted, threads: 1) })]
        if KernelCompiler.shared.compiler != nil { engines.append(("kernel", { try GradientEngine($0, choice: .compiled, threads: 1) })) }
        for c in cases {
            let graph = try Graph(parsing: c.program)
            let trace = try Trace(graph, at: c.point)
            #expect(Self.same(trace.outputValues[0], c.value, scale: 1), "trace value of \(c.program)")
            #expect(Self.same(trace.gradient[0], c.gradient, scale: 1), "trace gradient of \(c.program): \(trace.gradient)")
            for (name, make) in engines {
                let result = try make(graph).gradient(at: PointColumns(columns: c.point.map { [$0] }))
                #expect(Self.same(result.values[0], c.value, scale: 1), "\(name) value of \(c.program): \(result.values[0])")
                #expect(Self.same(result.gradients[0][0], c.gradient, scale: 1), "\(name) gradient of \(c.program): \(result.gradients[0][0])")
            }
        }
    }

    /// Found by the property test: the simplifier once turned (x²)^0.5 into x, which is −2 at −2.
    @Test func powersOfPowersStayExact() throws {
        let graph = try Graph(parsing: "(x*x)^0.5")
        let d = try SymbolicDerivative(graph, variable: "x")
        #expect(d.value(at: ["x": -2]) == -1)
        #expect(d.arena.render(d.function) != "x")
        let square = try SymbolicDerivative(try Graph(parsing: "(x^2)^3"), variable: "x")
        #expect(square.arena.render(square.function) == "x⁶")
    }

    /// NaN in, NaN out: every partial of a kinked operation at a NaN argument is NaN.
    @Test func aNaNArgumentMakesEveryPartialNaN() {
        for op in [Op.max, .min] {
            let (a, b) = op.partials(.nan, 1, .nan)
            #expect(a.isNaN && b.isNaN, "\(op) at (NaN, 1)")
            let (c, d) = op.partials(1, .nan, .nan)
            #expect(c.isNaN && d.isNaN, "\(op) at (1, NaN)")
        }
        for op in [Op.abs, .relu, .sign, .step] {
            #expect(op.partials(.nan, 0, .nan).0.isNaN, "\(op) at NaN")
            #expect(op.evaluate(.nan, 0).isNaN, "\(op) value at NaN")
            #expect(!op.partials(0, 0, op.evaluate(0, 0)).0.isNaN, "\(op) at 0 keeps its convention")
        }
    }

    /// Fast-math kernels are an option, labelled, and may differ: on the cancelling program
    /// they differ from the trace where strict kernels do not.
    @Test(.enabled(if: KernelCompiler.shared.compiler != nil, "needs a C compiler (the clang beside swift)"))
    func fastMathIsLabelled() throws {
        let graph = try Graph(parsing: "(x + 1e16)*x - 1e16*x")
        let fast = try GradientEngine(graph, choice: .compiled, threads: 1, math: .fast)
        #expect(fast.engineName == "compiled fast-math")
        #expect(KernelCompiler.flags(.strict).contains("-ffp-contract=off"))
        #expect(!KernelCompiler.flags(.strict).contains { $0.contains("associative") || $0.contains("reciprocal") || $0.contains("signed-zeros") })
        #expect(KernelCompiler.flags(.fast).contains("-fassociative-math"))
    }
}
