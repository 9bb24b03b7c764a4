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

/// Random smooth expressions in x1, x2, x3, made from a seed.
///
/// Every operation is used where it is smooth: log and sqrt of 1 + u², division by
/// 2 + sin(u), exp of tanh(u), so that central differences are a fair referee.
struct RandomExpression {
    /// The library's seeded generator, so a seed names an expression forever.
    var generator: SplitMix64

    init(state: UInt64) { generator = SplitMix64(state: state) }

    mutating func next() -> UInt64 { generator.next() }

    mutating func pick(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    mutating func expression(depth: Int) -> String {
        if depth == 0 || pick(4) == 0 {
            switch pick(5) {
            case 0: return "x1"
            case 1: return "x2"
            case 2: return "x3"
            case 3: return ["0.5", "2", "3", "pi"][pick(4)]
            default: return ["x1", "x2", "x3"][pick(3)]
            }
        }
        let a = expression(depth: depth - 1)
        let b = expression(depth: depth - 1)
        return Self.compose(pick(Self.formCount), a, b)
    }

    /// How many forms ``compose(_:_:_:)`` knows.
    static let formCount = 17

    /// Whether form `form` reads its second argument.
    static func formReadsB(_ form: Int) -> Bool { [0, 1, 2, 3, 13, 16].contains(form) }

    /// Form `form` applied to the expressions `a` and `b`.
    static func compose(_ form: Int, _ a: String, _ b: String) -> String {
        switch form {
        case 0: return "(\(a) + \(b))"
        case 1: return "(\(a) - \(b))"
        case 2: return "(\(a) * \(b))"
        case 3: return "(\(a) / (2 + sin(\(b))))"
        case 4: return "sin(\(a))"
        case 5: return "cos(\(a))"
        case 6: return "exp(tanh(\(a)))"
        case 7: return "log(1 + (\(a))^2)"
        case 8: return "sqrt(1 + (\(a))^2)"
        case 9: return "tanh(\(a))"
        case 10: return "sigmoid(\(a))"
        case 11: return "tan(0.5*tanh(\(a)))"
        case 12: return "-(\(a))"
        case 13: return "(1 + (\(a))^2)^sigmoid(\(b))"
        case 14: return "pow(\(a), 2)"
        case 15: return "(\(a))^3"
        default: return "(\(a) * x1 + \(b))"
        }
    }
}

@Suite struct PropertyTests {
    /// Reverse mode, forward mode and central differences agree on random expressions.
    ///
    /// Tolerances: reverse and forward mode do the same multiplications in another order,
    /// so they agree to a few ulps of the largest term (1e-9 relative is generous). Central
    /// differences with h = 1e-5 have truncation error h²·|f'''|/6 ≈ 1e-10·|f'''| and
    /// rounding error ε·|f|/h ≈ 2e-11·|f|; 1e-6 relative to the size of f and ∇f covers
    /// both with room for the larger third derivatives of nested expressions.
    @Test func reverseEqualsForwardEqualsCentralDifferences() async {
        // Cases where the property says nothing (no inputs, or f not finite or huge), counted:
        // a generator that discarded most cases would test nothing.
        var discarded = 0, checked = 0
        await propertyCheck(
            count: 300, input: ExpressionTree.generator(depth: 4), Gen.double(in: -1.5...1.5), Gen.double(in: -1.5...1.5), Gen.double(in: -1.5...1.5)
        ) { tree, a, b, c in
            let text = tree.description
            let graph = try Graph(parsing: text)
            guard graph.inputCount > 0 else {
                discarded += 1
                return
            }
            let point = graph.inputNames.map { ["x1": a, "x2": b, "x3": c][$0]! }
            let evaluation = PrimalSweep.run(graph, at: point)
            let f = evaluation.outputValues(of: graph)[0]
            guard f.isFinite, Swift.abs(f) < 1e6 else {
                discarded += 1
                return
            }
            checked += 1
            let reverse = Jacobian.byReverseMode(graph, evaluation).matrix[0]
            let forward = Jacobian.byForwardMode(graph, evaluation).matrix[0]
            let scale = 1 + Swift.abs(f) + reverse.map(Swift.abs).max()!
            for j in 0..<graph.inputCount {
                #expect(Swift.abs(reverse[j] - forward[j]) <= 1e-9 * scale, "\(text) at \(point): ∂/∂\(graph.inputNames[j])")
                func central(_ h: Double) -> Double {
                    var up = point, down = point
                    up[j] += h
                    down[j] -= h
                    let fUp = PrimalSweep.run(graph, at: up).outputValues(of: graph)[0]
                    return (fUp - PrimalSweep.run(graph, at: down).outputValues(of: graph)[0]) / (2 * h)
                }
                // The referee's own error, estimated Richardson's way: doubling h quadruples the
                // O(h²) truncation, so |D(2h) − D(h)| bounds it where the third derivative is huge.
                let coarse = central(2e-5), fine = central(1e-5)
                let refereeError = Swift.abs(coarse - fine)
                #expect(Swift.abs(fine - reverse[j]) <= 1e-6 * scale + refereeError, "\(text) at \(point): AD \(reverse[j]), central \(fine)")
            }
        }
        // About one case in seven has no input or a huge f (43 of 300 when this was written).
        #expect(discarded * 4 <= discarded + checked, "\(discarded) of \(discarded + checked) cases discarded (no input, or f not finite or above 10⁶)")
    }

    /// Every node's adjoint is the chain-rule sum over its consumers: v̄ᵢ = Σⱼ v̄ⱼ·∂vⱼ/∂vᵢ.
    @Test func adjointIsTheChainRuleSumAtEveryNode() async {
        await propertyCheck(count: 200, input: ExpressionTree.generator(depth: 4), Gen.double(in: -1...1)) { tree, x in
            let text = tree.description
            let graph = try Graph(parsing: text)
            let point = [Double](repeating: x, count: graph.inputCount)
            let trace = try Trace(graph, at: point, options: TraceOptions(mode: .reverse))
            let adjoints = trace.adjoints!
            let consumers = graph.consumers()
            let ev = trace.evaluation
            for i in graph.nodes.indices where !graph.isConstant(i) {
                var sum = graph.outputs.contains { $0.node == i } ? 1.0 : 0
                for c in consumers[i] {
                    let node = graph.nodes[c]
                    if Int(node.a) == i { sum += adjoints[c] * ev.partialA[c] }
                    if node.op.arity == 2, Int(node.b) == i { sum += adjoints[c] * ev.partialB[c] }
                }
                #expect(Swift.abs(sum - adjoints[i]) <= 1e-12 * (1 + Swift.abs(sum)), "\(text): node \(graph.label(i))")
            }
        }
    }

    /// The directional derivative from one forward sweep equals ∇f · seed from one reverse sweep.
    @Test func tangentEqualsGradientDotSeed() async {
        await propertyCheck(count: 200, input: ExpressionTree.generator(depth: 3), Gen.double(in: -1...1), Gen.double(in: -2...2), Gen.double(in: -2...2)) { tree, x, s1, s2 in
            let graph = try Graph(parsing: tree.description + " + x1*x2*x3")
            let direction = [s1, s2, s1 - s2]
            let trace = try Trace(graph, at: [x, x / 2, -x], options: TraceOptions(seed: direction))
            let tangent = trace.tangents![graph.outputs[0].node]
            let dot = zip(trace.gradient, direction).map(*).reduce(0, +)
            #expect(Swift.abs(tangent - dot) <= 1e-9 * (1 + Swift.abs(dot)))
        }
    }

    /// Printing a parsed expression's graph and parsing it again gives the same values.
    @Test func formulaOfEveryPartialMatchesItsNumber() async {
        // The table gives each partial twice, as a number for the sweeps and as a formula for
        // printing; they must agree everywhere the operation is smooth.
        await propertyCheck(count: 300, input: Gen.double(in: 0.1...3), Gen.double(in: -3...3)) { a, b in
            for op in Op.allCases where op.arity > 0 {
                let x = op == .pow ? a : b, y = op == .pow ? b : a
                if op.kink(x, y) != nil { continue }
                let v = op.evaluate(x, y)
                let (pa, pb) = op.partials(x, y, v)
                let fa = op.partialFormula(0).evaluate([x, y])
                #expect(fa.isApproximately(pa, tolerance: 1e-12), "\(op) ∂/∂a at \(x), \(y)")
                if op.arity == 2 {
                    let fb = op.partialFormula(1).evaluate([x, y])
                    #expect(fb.isApproximately(pb, tolerance: 1e-12), "\(op) ∂/∂b at \(x), \(y)")
                }
            }
        }
    }

    /// The table's shortcuts agree with its rules: an operation without kinks never warns, and
    /// partials that do not read the result are the same whatever result they are given.
    @Test func theTablesShortcutsAgreeWithItsRules() async {
        await propertyCheck(count: 300, input: Gen.double(in: -3...3), Gen.double(in: -3...3)) { a, b in
            for op in Op.allCases where op.arity > 0 {
                for (x, y) in [(a, b), (0, b), (a, 0), (a, a)] {
                    if !op.hasKinks { #expect(op.kink(x, y) == nil, "\(op) at \(x), \(y)") }
                    guard !op.partialsReadValue else { continue }
                    let (pa, pb) = op.partials(x, y, op.evaluate(x, y))
                    let (qa, qb) = op.partials(x, y, 12345.5)
                    #expect(pa.bitPattern == qa.bitPattern && pb.bitPattern == qb.bitPattern, "\(op) at \(x), \(y)")
                }
            }
        }
    }
}

@Suite struct RandomExpressionTests {
    /// The generator makes varied, parseable expressions (so the properties above test something).
    @Test func generatorMakesVariedValidPrograms() throws {
        var sizes = Set<Int>()
        for seed in 0..<200 as Range<UInt64> {
            var random = RandomExpression(state: seed)
            let graph = try Graph(parsing: random.expression(depth: 4))
            sizes.insert(graph.stepCount)
        }
        #expect(sizes.count > 15)
        #expect(sizes.max()! > 20)
    }
}
