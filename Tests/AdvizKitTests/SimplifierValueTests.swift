import Foundation
import Testing

@testable import AdvizCore
@testable import AdvizSymbolic

/// The simplifier writes what a teacher writes and never changes a value.
@Suite struct SimplifierValueTests {
    static let expressions = [
        "2*x^3 - 3*x^2 + 5", "sqrt(x^2 + 1)", "1/(1 + exp(-x))", "x*exp(-x^2/2)", "cos(x)^2 + sin(x)^2",
        "sin(x)*exp(2*x)", "x^3*sin(x)", "log(x)*x^2 - x/3", "tanh(3*x - 1)^2", "(x^2)^3 - x^0.5",
        "abs(x)*x - relu(x)", "max(x, 2*x)/(x^2 + 2)", "exp(x)/(2*x) - (-6)*x", "sin(cos(x))*-x",
        "x^2*exp(-x)", "exp(x)*sin(x) + exp(x)*cos(x)", "exp(-x)*cos(x)", "(x^2 + 1)*exp(x)", "x*exp(-x^2)",
        "sin(x)/x + cos(x)/x", "log(x^2 + 1)*exp(x) - exp(x)", "u = 2*x^3 - 3*x^2 + 5; y = 2*u^3 - 3*u^2 + 5",
    ]

    /// Property: at many points, the simplified derivative has AD's value (to rounding) wherever
    /// AD's is finite, and is NaN where f's steps are (simplifying never turns NaN into a number).
    /// The raw rules are no reference: their pow rule multiplies 0 by log of a negative base.
    @Test(arguments: expressions)
    func simplifyingNeverChangesAValue(_ expression: String) throws {
        let graph = try Graph(parsing: expression)
        let simplified = try SymbolicDerivative(graph, variable: "x", simplify: true)
        var generator = SystemRandomNumberGenerator()
        let points = [-2.5, -1, -0.5, 0, 0.25, 1, 1.5, 3] + (0..<40).map { _ in Double.random(in: -4...4, using: &generator) }
        for x in points {
            let a = simplified.value(at: ["x": x]), b = try Trace(graph, at: [x]).gradient[0]
            if b.isNaN {
                #expect(a.isNaN, "\(expression) at \(x): AD NaN, simplified \(a)")
            } else if b.isFinite, a.isFinite {
                #expect(abs(a - b) <= 1e-9 * max(1, abs(b)), "\(expression) at \(x): simplified \(a), raw \(b)")
            }
        }
    }

    /// `diff --format json`'s `program` is the derivative in adviz's own syntax: parsed back by
    /// adviz, it evaluates to the simplified derivative's value, bit for bit, at every point.
    @Test(arguments: expressions + ["x1*x2*x1 - atan2(x1, x2)", "hypot(x1, 3*x2)/x1"])
    func theDerivativeAsAProgramParsesBackToTheSameValues(_ expression: String) throws {
        let graph = try Graph(parsing: expression)
        let json = DiffReport.render(
            try graph.inputNames.map { try SymbolicDerivative(graph, variable: $0) }, graph: graph, source: expression, style: .text, json: true)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let derivatives = try #require(object["derivatives"] as? [[String: Any]])
        #expect(derivatives.count == graph.inputCount)
        for entry in derivatives {
            let variable = try #require(entry["wrt"] as? String)
            let program = try #require(entry["program"] as? String, "\(expression): no program for ∂/∂\(variable)")
            let derivative = try SymbolicDerivative(graph, variable: variable)
            let reparsed = try Graph(parsing: program)
            for k in 0..<12 {
                let point = graph.inputNames.indices.map { j in -2.7 + 0.61 * Double(k) + 0.37 * Double(j) }
                let bindings = Dictionary(uniqueKeysWithValues: zip(graph.inputNames, point))
                let expected = derivative.value(at: bindings)
                // The program may not use every input (d/dx of x² is 2·x); bind only those it has.
                let at = reparsed.inputNames.map { bindings[$0]! }
                let actual = PrimalSweep.run(reparsed, at: at).values[reparsed.outputs[0].node]
                #expect(actual == expected || (actual.isNaN && expected.isNaN), "\(expression) ∂/∂\(variable) at \(point): \(program) gives \(actual), expected \(expected)")
            }
        }
    }

    /// What a teacher writes on a problem sheet.
    @Test(arguments: [
        ("2*x^3 - 3*x^2 + 5", "6·x² - 6·x"),
        ("sqrt(x^2 + 1)", "x/sqrt(x² + 1)"),
        ("cos(x)^2 + sin(x)^2", "0"),
        ("x^3*sin(x)", "3·x²·sin(x) + x³·cos(x)"),
        // A common factor comes out where that shortens; a polynomial stays expanded.
        ("sin(x)*exp(2*x)", "exp(2·x)·(cos(x) + 2·sin(x))"),
        ("x*exp(x)", "exp(x)·(1 + x)"),
        ("x*exp(-x^2)", "exp(-x²)·(1 - 2·x²)"),
        ("exp(-x)*cos(x)", "-(exp(-x)·(cos(x) + sin(x)))"),
        ("exp(x)*sin(x) + exp(x)*cos(x)", "2·exp(x)·cos(x)"),
        ("u = 2*x^3 - 3*x^2 + 5; y = 2*u^3 - 3*u^2 + 5", "(6·x² - 6·x)·(6·(2·x³ - 3·x² + 5)² - 6·(2·x³ - 3·x² + 5))"),
    ])
    func derivativesReadAsATeacherWritesThem(_ expression: String, _ expected: String) throws {
        let derivative = try SymbolicDerivative(try Graph(parsing: expression), variable: "x")
        #expect(derivative.arena.render(derivative.derivative) == expected)
    }

    /// A variable met again further along a product joins its power: 2·x1·x2·x1 is 2·x1²·x2.
    @Test func aRepeatedFactorBecomesAPower() throws {
        let graph = try Graph(parsing: "2*x1*x2*x1")
        let d1 = try SymbolicDerivative(graph, variable: "x1"), d2 = try SymbolicDerivative(graph, variable: "x2")
        #expect(d1.arena.render(d1.function) == "2·x1²·x2")
        #expect(d2.arena.render(d2.derivative) == "2·x1²")
        #expect(d1.arena.render(d1.derivative) == "4·x1·x2")
        let both = try SymbolicDerivative(try Graph(parsing: "x1*x2*x1*x2"), variable: "x2")
        #expect(both.arena.render(both.derivative) == "2·x1²·x2", "x1²·x2 + x1·x2·x1 collects once both are x1²·x2")
    }
}
