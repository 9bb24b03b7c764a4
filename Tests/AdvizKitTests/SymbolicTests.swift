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

@Suite struct SymbolicTests {
    func derivative(_ text: String, _ variable: String = "x", simplify: Bool = true) throws -> SymbolicDerivative {
        try SymbolicDerivative(Graph(parsing: text), variable: variable, simplify: simplify)
    }

    @Test(arguments: [
        ("x^2", "2·x"),
        ("x*x", "2·x"),
        ("3*x + 2*x", "5"),
        ("sin(x)", "cos(x)"),
        ("exp(2*x)", "2·exp(2·x)"),
        ("log(x)", "1/x"),
        ("x^3*sin(x)", "3·x²·sin(x) + x³·cos(x)"),
        ("abs(x)", "sign(x)"),
        ("-(-x)", "1"),
        ("5 + 0*x", "0"),
    ])
    func closedForms(text: String, expected: String) throws {
        let d = try derivative(text)
        #expect(d.arena.render(d.derivative) == expected, "d/dx \(text)")
    }

    @Test func simplifiesQuotientsAndProducts() throws {
        let d = try SymbolicDerivative(Graph(parsing: "log(x1*x2)"), variable: "x1")
        #expect(d.arena.render(d.derivative) == "1/x1")
    }

    @Test func noSimplifyShowsTheRawRules() throws {
        let raw = try derivative("x^2", simplify: false)
        let text = try #require(raw.arena.render(raw.derivative))
        #expect(text.contains("log(x)"), "the raw power rule carries the exponent's term: \(text)")
        #expect(raw.value(at: ["x": 3]) == 6)
    }

    /// Symbolic derivatives agree with reverse-mode AD at random points of random expressions.
    @Test func agreesWithAutomaticDifferentiation() async {
        // Partials where AD or the symbolic value is not finite say nothing: counted, and bounded.
        var discarded = 0, compared = 0
        await propertyCheck(
            count: 150, input: ExpressionTree.generator(depth: 3), Gen.double(in: -1.2...1.2), Gen.double(in: -1.2...1.2), Gen.double(in: -1.2...1.2)
        ) { tree, a, b, c in
            let graph = try Graph(parsing: tree.description)
            let point = graph.inputNames.map { ["x1": a, "x2": b, "x3": c][$0]! }
            let trace = try Trace(graph, at: point, options: TraceOptions(mode: .reverse))
            for (j, name) in graph.inputNames.enumerated() {
                let d = try SymbolicDerivative(graph, variable: name)
                let symbolic = d.value(at: Dictionary(uniqueKeysWithValues: zip(graph.inputNames, point)))
                let ad = trace.gradient[j]
                guard ad.isFinite, symbolic.isFinite else {
                    discarded += 1
                    continue
                }
                compared += 1
                #expect(Swift.abs(symbolic - ad) <= 1e-9 * (1 + Swift.abs(ad)), "\(tree) ∂/∂\(name): symbolic \(symbolic), AD \(ad)")
            }
        }
        #expect(discarded * 10 <= compared, "\(discarded) partials discarded (not finite), \(compared) compared")
    }

    /// Simplifying is idempotent: rebuilding a simplified expression through the simplifier changes nothing.
    @Test func simplifierIsIdempotent() async {
        var discarded = 0
        await propertyCheck(count: 100, input: ExpressionTree.generator(depth: 3)) { tree in
            let graph = try Graph(parsing: tree.description)
            guard let name = graph.inputNames.first else {
                discarded += 1  // a constant expression: no variable to differentiate by
                return
            }
            let d = try SymbolicDerivative(graph, variable: name)
            var again = SymbolicArena(simplifies: true)
            var map = [Int](repeating: -1, count: d.arena.terms.count)
            for (id, term) in d.arena.terms.enumerated() {
                switch term {
                case .variable(let v): map[id] = again.variable(v)
                case .number(let x): map[id] = again.number(x)
                case .apply(let op, let a, let b): map[id] = again.apply(op, map[a], b >= 0 ? map[b] : -1)
                }
            }
            #expect(again.render(map[d.derivative]) == d.arena.render(d.derivative), "\(tree)")
        }
        // About one expression in seven is a constant (15 of 100 when this was written).
        #expect(discarded <= 25, "\(discarded) of 100 expressions had no input")
    }

    /// The notes' polynomial nested 1…6 times: the raw rules' derivative written out swells about
    /// threefold per level, as SymPy's does (its tree sizes, by `preorder_traversal`, are 9, 49, 173,
    /// 509, 1357 for depths 1–5 with SymPy 1.14); simplified, with the chain rule's factor f′(inner)
    /// pulled out as a teacher writes it, it is never longer than SymPy's and still swells about
    /// twofold per level, as f written out does; with sharing, and on the tape, growth is linear.
    @Test func swellOfTheNotesPolynomial() throws {
        let rows = try ExpressionSwell.measure(maxDepth: 6)
        let sympy: [Double] = [9, 49, 173, 509, 1357]
        for (row, reference) in zip(rows, sympy) {
            #expect(row.derivativeTree <= 1.3 * reference, "depth \(row.depth): \(row.derivativeTree) vs SymPy \(reference)")
            #expect(row.rawDerivativeTree >= reference, "depth \(row.depth): raw \(row.rawDerivativeTree) vs SymPy \(reference)")
        }
        for k in 2..<rows.count {
            let growth = rows[k].derivativeTree / rows[k - 1].derivativeTree
            #expect(growth > 1.9 && growth < 3.6, "tree growth \(growth) at depth \(rows[k].depth)")
            let raw = rows[k].rawDerivativeTree / rows[k - 1].rawDerivativeTree
            #expect(raw > 2.4 && raw < 4.6, "raw tree growth \(raw) at depth \(rows[k].depth)")
            #expect(rows[k].derivativeDAG - rows[k - 1].derivativeDAG == rows[1].derivativeDAG - rows[0].derivativeDAG || rows[k].derivativeDAG < 20 * rows[k].depth)
            #expect(rows[k].tapeSteps - rows[k - 1].tapeSteps == rows[1].tapeSteps - rows[0].tapeSteps)
        }
        // The derivative's value is right: f(f(x)) at x = 0.7, by the chain rule by hand.
        let graph = try Graph(parsing: ExpressionSwell.nested(ExpressionSwell.notesPolynomial, depth: 2))
        let d = try SymbolicDerivative(graph, variable: "x")
        let f = { (x: Double) in 2 * x * x * x - 3 * x * x + 5 }, fp = { (x: Double) in 6 * x * x - 6 * x }
        #expect(d.value(at: ["x": 0.7]).isApproximately(fp(f(0.7)) * fp(0.7)))
    }

    @Test func deepExpressionsPrintWithoutRecursion() throws {
        let chain = String(repeating: "sin(", count: 20_000) + "x" + String(repeating: ")", count: 20_000)
        let d = try SymbolicDerivative(Graph(parsing: chain), variable: "x")
        #expect(d.arena.dagSize(d.derivative) > 20_000)
        #expect(d.arena.render(d.derivative, limit: 100) == nil)  // too long: measured, not printed
        #expect(d.arena.render(d.function, limit: 1_000_000) != nil)
    }
}
