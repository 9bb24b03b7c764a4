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

/// Polynomial fusion in the block interpreter: the table's polynomial rule, which stretches of a
/// tape fuse, and the fused interpreter's gradients against the scalar sweeps.
@Suite struct PolynomialFusionTests {
    /// Every operation with a polynomial rule computes, on polynomials, what it computes on their values.
    @Test func theTablesPolynomialRuleMatchesEvaluation() async {
        var ruled = Set<Op>()
        await propertyCheck(count: 200, input: Gen.uint64(), Gen.double(in: -2...2)) { seed, u in
            var random = SplitMix64(state: seed)
            func coefficient() -> Double { Double(Int(random.next() % 9) - 4) / 2 }
            let p = Polynomial((0..<3).map { _ in coefficient() })
            for op in Op.allCases where op.arity > 0 {
                // pow and div take a constant second argument; the others a polynomial.
                let q: Polynomial = op == .pow ? .constant(Double(random.next() % 4)) : op == .div ? .constant(coefficient()) : Polynomial([coefficient(), coefficient()])
                guard let r = op.polynomial(p, q) else { continue }
                ruled.insert(op)
                let expected = op.evaluate(p(u), q(u))
                #expect(Swift.abs(r(u) - expected) <= 1e-12 * Swift.max(1, Swift.abs(expected)), "\(op) of \(p.coefficients), \(q.coefficients) at \(u)")
            }
        }
        #expect(ruled == [.add, .sub, .mul, .neg, .div, .pow])
    }

    /// Polynomial arithmetic: derivative, powers and trimming.
    @Test func polynomialArithmetic() {
        let p = Polynomial([5, 0, -3, 2])  // 2u³ − 3u² + 5
        #expect(p.derivative == Polynomial([0, -6, 6]))
        #expect(p.power(2) == p * p)
        #expect((p - p).degree == -1)
        #expect(Polynomial([1, 2, 0, 0]).degree == 1)
        #expect(p(2) == 9)
    }

    /// The rule never expands what the tape computes factored, and never makes an infinite coefficient.
    @Test func nothingFactoredIsExpanded() throws {
        let xMinusOne = Polynomial([-1, 1])
        #expect(Op.pow.polynomial(xMinusOne, .constant(3)) == nil)  // (x−1)³ would lose its digits near 1
        #expect(Op.mul.polynomial(xMinusOne, Polynomial([1, 1])) == nil)  // a product of sums
        #expect(Op.sub.polynomial(Polynomial([1, 2, 1]), Polynomial([0, 0, 1])) == nil)  // (x+1)² − x²: the leading terms cancel
        #expect(Op.mul.polynomial(.variable, .constant(.infinity)) == nil)
        #expect(Op.div.polynomial(.variable, .constant(Double.leastNormalMagnitude / 1024)) == nil)  // a subnormal, about 2e-311
        #expect(Op.mul.polynomial(Polynomial([0, 0, 2]), Polynomial([0, 3])) == Polynomial([0, 0, 0, 6]))  // monomials multiply exactly
        // Near the root the interpreter keeps the tape's accuracy.
        let graph = try Graph(parsing: "(x-1)^3")
        let xs = [1 + 1e-6, 1 - 1e-5, 1 + 1e-4]
        let result = try GradientEngine(graph, choice: .interpreted, threads: 1).gradient(at: PointColumns(columns: [xs]))
        for (i, x) in xs.enumerated() {
            let (value, slope) = ((x - 1) * (x - 1) * (x - 1), 3 * (x - 1) * (x - 1))
            #expect(Swift.abs(result.values[i] - value) <= 1e-9 * Swift.abs(value), "value at \(x)")
            #expect(Swift.abs(result.gradients[0][i] - slope) <= 1e-9 * Swift.abs(slope), "slope at \(x)")
        }
    }

    /// Signs of zero survive a fused product (−0·3 is −0, as the tape has it).
    @Test func signedZerosSurvive() throws {
        let graph = try Graph(parsing: "1/(3*x)")
        let result = try GradientEngine(graph, choice: .interpreted, threads: 1).gradient(at: PointColumns(columns: [[-0.0, 0.0]]))
        #expect(result.values[0] == -.infinity && result.values[1] == .infinity)
    }

    /// An output that is an input itself, and a run that asks for the gradient alone.
    @Test func outputIsAnInputAndGradientAlone() throws {
        let engine = try GradientEngine(try Graph(parsing: "y = x1; z = x1*x2"), choice: .interpreted, threads: 1)
        let points = PointColumns(columns: [[1, 2, 3], [4, 5, 6]])
        let result = try engine.gradient(at: points)
        #expect(result.gradients[0] == [1, 1, 1] && result.gradients[1] == [0, 0, 0])
        let poly = try GradientEngine(try Graph(parsing: DerivativeRace.cases[1].program), choice: .interpreted, threads: 1)
        let xs = PointColumns(columns: [stride(from: -1.5, through: 1.5, by: 0.1).map { $0 }])
        for method in [DerivativeMethod.reverse, .forward] {
            #expect(try poly.gradient(at: xs, method: method, values: false).gradients == poly.gradient(at: xs, method: method).gradients)
        }
    }

    /// The notes' nested polynomial is three fused polynomials: 15 of its 18 steps are absorbed.
    @Test func theNestedPolynomialFusesToThree() throws {
        let graph = try Graph(parsing: DerivativeRace.cases[1].program)
        let interpreter = BlockInterpreter(graph)
        #expect(interpreter.fusedSteps == 15)
        #expect(interpreter.instructions.count == 3)
        #expect(interpreter.instructions.allSatisfy { $0.form == .polynomial })
    }

    /// A shared polynomial is folded into every consumer that can take it: the nested polynomial's
    /// symbolic derivative (x², p1², p2² each read twice) runs as five polynomials and two products,
    /// and gives the derivative by hand.
    @Test func sharedPolynomialsFoldIntoEachConsumer() throws {
        let graph = try Graph(parsing: DerivativeRace.cases[1].program)
        let derivative = SymbolicDerivative.graph(of: [try SymbolicDerivative(graph, output: 0, variable: "x")], inputs: graph.inputNames)
        let interpreter = BlockInterpreter(derivative, output: nil)
        let kinds = interpreter.instructions.map { $0.form == .polynomial ? "p" : $0.op.name }
        #expect(kinds.filter { $0 == "p" }.count == 5, "\(kinds)")
        #expect(interpreter.instructions.count == 7, "\(kinds)")
        let xs = stride(from: -5.0, through: 5.0, by: 0.125).map { $0 }
        let result = interpreter.evaluate(at: PointColumns(columns: [xs]))[0]
        for (i, x) in xs.enumerated() {
            let exact = DerivativeRace.cases[1].exact(x)
            #expect(Swift.abs(result[i] - exact) <= 1e-13 * Swift.max(1, Swift.abs(exact)), "at \(x): \(result[i]) against \(exact)")
        }
        // A shared step folded into one consumer but not another is computed once for the other.
        let partly = try Graph(parsing: "s = x^2; y = (s + 1)*(s + 2) + s*s")
        let partlyInterpreter = try GradientEngine(partly, choice: .interpreted, threads: 1)
        let values = try partlyInterpreter.gradient(at: PointColumns(columns: [xs]), method: .reverse)
        for (i, x) in xs.enumerated() {
            let exact = 2 * x * (2 * x * x + 3) + 4 * x * x * x
            #expect(Swift.abs(values.gradients[0][i] - exact) <= 1e-13 * Swift.max(1, Swift.abs(exact)), "at \(x)")
        }
    }

    /// What must not fuse: two variables, a value used twice or named as an output, a cancellation to a constant.
    @Test func whatStaysOnTheTape() throws {
        #expect(BlockInterpreter(try Graph(parsing: "x*y + x")).fusedSteps == 0)
        let twice = try Graph(parsing: "a = x^2 + 1; y = a*a + a")  // a has two consumers, a*a and the sum
        #expect(BlockInterpreter(twice).instructions.count == 2)
        let named = try Graph(parsing: "y1 = x^2 + 1; y2 = 3*y1", options: GraphOptions(outputs: ["y1", "y2"]))
        #expect(BlockInterpreter(named, output: nil).instructions.count == 2)  // y1 is an output: computed on its own
        #expect(BlockInterpreter(try Graph(parsing: "(x - x)*sin(x)")).instructions.contains { $0.op == .sub && $0.form != .polynomial })
    }

    /// Fused and plain stretches of random polynomial-heavy expressions give the scalar sweeps' values
    /// and gradients, by reverse and forward mode, at high degrees too (the general Horner loops).
    @Test func fusedGradientsMatchTheSweeps() async throws {
        // The expression is a tree that shrinks; the 200 points are a seeded sample.
        await propertyCheck(count: 60, input: PolynomialTree.generator(depth: 4), Gen.uint64()) { tree, pointSeed in
            var random = SplitMix64(state: pointSeed)
            let text = tree.description + " + 0*x1*x2"
            let graph = try Graph(parsing: text)
            let count = 200
            let columns = (0..<2).map { _ in (0..<count).map { _ in Double(random.next() % 2000) / 1000 - 1 } }
            let engine = try GradientEngine(graph, choice: .interpreted, threads: 1)
            for method in [DerivativeMethod.reverse, .forward] {
                let result = try engine.gradient(at: PointColumns(columns: columns), method: method)
                for i in stride(from: 0, to: count, by: 13) {
                    let point = columns.map { $0[i] }
                    let evaluation = PrimalSweep.run(graph, at: point)
                    let adjoints = ReverseSweep.adjoints(graph, evaluation, outputSeed: [1])
                    let scale = 1 + adjoints[0..<2].map(Swift.abs).max()! + Swift.abs(evaluation.values[graph.outputs[0].node])
                    #expect(Swift.abs(result.values[i] - evaluation.values[graph.outputs[0].node]) <= 1e-12 * scale, "value of \(text)")
                    for j in 0..<2 { #expect(Swift.abs(result.gradients[j][i] - adjoints[j]) <= 1e-12 * scale, "\(method) ∂/∂x\(j + 1) of \(text)") }
                }
            }
        }
    }

    /// A polynomial of degree 6 runs through the general Horner loops (value, adjoint and tangent).
    @Test func highDegreeUsesTheGeneralLoops() throws {
        let graph = try Graph(parsing: "x^6 - 2*x^5 + 3*x^3 - x")
        let interpreter = BlockInterpreter(graph)
        #expect(interpreter.instructions.count == 1)
        let xs = stride(from: -2.0, through: 2.0, by: 0.25).map { $0 }
        let engine = try GradientEngine(graph, choice: .interpreted, threads: 1)
        for method in [DerivativeMethod.reverse, .forward] {
            let result = try engine.gradient(at: PointColumns(columns: [xs]), method: method)
            for (i, x) in xs.enumerated() {
                let exact = 6 * pow(x, 5) - 10 * pow(x, 4) + 9 * x * x - 1
                #expect(Swift.abs(result.gradients[0][i] - exact) <= 1e-12 * Swift.max(1, Swift.abs(exact)), "\(method) at \(x)")
            }
        }
    }
}
