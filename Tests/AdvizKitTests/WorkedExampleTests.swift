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

/// The worked examples, row by row, against published numbers.
@Suite struct WorkedExampleTests {
    /// Baydin et al. (2018), Table 2 and Table 3: f(x1, x2) = ln(x1) + x1·x2 − sin(x2) at (2, 5),
    /// written in the paper's own order so the node numbers match v1 … v5.
    @Test func baydinTablesRowByRow() throws {
        let program = "v1 = ln(x1); v2 = x1*x2; v3 = sin(x2); v4 = v1 + v2; y = v4 - v3"
        let trace = try Trace(expression: program, at: "2,5")
        let primal = trace.rendered(trace.primalRows())
        // Table 2, forward primal trace (the paper rounds to three decimals).
        let published: [(String, Double)] = [
            ("v₋₁", 2), ("v₀", 5), ("v₁", 0.693), ("v₂", 10), ("v₃", -0.959), ("v₄", 10.693), ("v₅", 11.652),
        ]
        #expect(primal.map(\.label) == published.map(\.0))
        for (row, (_, value)) in zip(trace.primalRows(), published) {
            #expect(abs(row.value - value) < 5e-4, "\(row.node) = \(row.value), paper: \(value)")
        }
        // Table 2, forward tangent trace with ẋ1 = 1, ẋ2 = 0.
        let tangents: [Double] = [1, 0, 0.5, 5, 0, 5.5, 5.5]
        for (row, value) in zip(trace.tangentRows(), tangents) {
            #expect(abs(row.value - value) < 5e-4, "v̇ of node \(row.node) = \(row.value), paper: \(value)")
        }
        // Table 3, reverse adjoint trace from ȳ = v̄5 = 1, listed from v̄5 down to v̄-1.
        let adjoints: [(String, Double)] = [
            ("v̄₅", 1), ("v̄₄", 1), ("v̄₃", -1), ("v̄₂", 1), ("v̄₁", 1), ("v̄₀", 1.716), ("v̄₋₁", 5.5),
        ]
        let rows = trace.rendered(trace.adjointRows())
        #expect(rows.map(\.label) == adjoints.map(\.0))
        for (row, (_, value)) in zip(trace.adjointRows(), adjoints) {
            #expect(abs(row.value - value) < 5e-4, "v̄ of node \(row.node) = \(row.value), paper: \(value)")
        }
        // v̄₀ has two consumers, v₃ (sin) and v₂ (the product): the paper's −0.284 + 2.
        let v0 = try #require(rows.first { $0.label == "v̄₀" })
        #expect(v0.definition == "v̄₃·∂v₃/∂v₀ + v̄₂·∂v₂/∂v₀")
        #expect(v0.formula == "v̄₃·cos(v₀) + v̄₂·v₋₁")
        #expect(v0.substituted == "(-1)·cos(5) + 1·2")
        #expect(trace.outputValues[0].isApproximately(log(2) + 10 - sin(5)))
        #expect(trace.gradient[0].isApproximately(5.5))
        #expect(trace.gradient[1].isApproximately(2 - cos(5)))
    }

    /// The same function written as one expression gives the same values and gradient.
    @Test func baydinAsOneExpression() throws {
        let trace = try Trace(expression: "ln(x1) + x1*x2 - sin(x2)", at: "2,5")
        #expect(trace.graph.stepCount == 5)
        #expect(trace.outputValues[0].isApproximately(11.652071455223084))
        #expect(trace.gradient[0].isApproximately(5.5))
        #expect(trace.gradient[1].isApproximately(1.7163378145367738))
    }

    /// The mission example: log(x1·x2) + sin(x2) at (2, 5), every row as the trace prints it.
    @Test func missionExampleRowByRow() throws {
        let trace = try Trace(expression: "log(x1*x2)+sin(x2)", at: "2,5")
        let primal = trace.rendered(trace.primalRows()).map { "\($0.label) = \($0.definition) = \($0.substituted)" }
        #expect(primal == [
            "v₋₁ = x1 = ", "v₀ = x2 = ", "v₁ = v₋₁·v₀ = 2·5", "v₂ = log(v₁) = log(10)",
            "v₃ = sin(v₀) = sin(5)", "v₄ = v₂ + v₃ = 2.303 + (-0.9589)",
        ])
        let adjoint = trace.rendered(trace.adjointRows()).map { "\($0.label) = \($0.definition) = \($0.substituted) = \($0.value)" }
        #expect(adjoint.contains("v̄₀ = v̄₃·∂v₃/∂v₀ + v̄₁·∂v₁/∂v₀ = 1·cos(5) + 0.1·2 = 0.4837"))
        #expect(adjoint.first == "v̄₄ = ȳ = 1 = 1")
        #expect(adjoint.last == "v̄₋₁ = v̄₁·∂v₁/∂v₋₁ = 0.1·5 = 0.5")
        #expect(trace.gradient[0].isApproximately(0.5))
        #expect(trace.gradient[1].isApproximately(0.2 + cos(5)))
    }

    /// A graph with two outputs: the Jacobian both ways, and the sweep counts n and m.
    @Test func jacobianBothWaysCountsSweeps() throws {
        let trace = try Trace(expression: "a = x1*x2; y1 = sin(a) + x3; y2 = a^2", at: "1,2,3")
        #expect(trace.graph.inputNames == ["x1", "x2", "x3"])
        #expect(trace.graph.outputs.map(\.name) == ["y1", "y2"])
        let f = try #require(trace.forwardJacobian), r = trace.reverseJacobian
        #expect(f.sweeps == 3 && r.sweeps == 2)
        #expect(f.multiplyAdds == 3 * trace.graph.differentiableEdgeCount)
        #expect(r.multiplyAdds == 2 * trace.graph.differentiableEdgeCount)
        let expected: [[Double]] = [[2 * cos(2), 1 * cos(2), 1], [2 * 2 * 2, 2 * 2 * 1, 0]]
        for k in 0..<2 {
            for j in 0..<3 {
                #expect(f.matrix[k][j].isApproximately(expected[k][j]))
                #expect(r.matrix[k][j].isApproximately(expected[k][j]))
            }
        }
    }

    /// Sharing: `x1*x2` written twice is one node; `--no-share` keeps two.
    @Test func sharingMakesADag() throws {
        let shared = try Graph(parsing: "sin(x1*x2) + cos(x1*x2)")
        let tree = try Graph(parsing: "sin(x1*x2) + cos(x1*x2)", options: GraphOptions(sharing: false))
        #expect(shared.stepCount == 4)
        #expect(tree.stepCount == 5)
        let a = try Trace(shared, at: [0.3, 0.7]), b = try Trace(tree, at: [0.3, 0.7])
        #expect(a.gradient[0].isApproximately(b.gradient[0]) && a.gradient[1].isApproximately(b.gradient[1]))
    }

    /// The operator-overloading front end records the same tape as the parser.
    @Test func tracedSwiftCodeMakesTheSameGraph() throws {
        let tape = try GraphTape(inputs: ["x1", "x2"])
        let x1 = tape.inputs[0], x2 = tape.inputs[1]
        let y = log(x1 * x2) + sin(x2)
        let recorded = tape.graph(output: y)
        let parsed = try Graph(parsing: "log(x1*x2)+sin(x2)")
        #expect(recorded.nodes == parsed.nodes)
        let fromSwift = try Trace(recorded, at: [2, 5]), fromText = try Trace(parsed, at: [2, 5])
        #expect(fromSwift.adjointRows() == fromText.adjointRows())
        #expect(TraceReport(fromSwift).render(.text) == TraceReport(fromText).render(.text))

        let neuron = try GraphTape(inputs: ["x1", "x2", "b", "w1", "w2"])
        let v = neuron.inputs
        let out = tanh(v[3] * v[0] + v[4] * v[1] + v[2])
        let loss = pow(out - 0.5, 2) * 0.5
        let text = try Graph(parsing: "0.5*(tanh(w1*x1 + w2*x2 + b) - 0.5)^2")
        let lossTrace = try Trace(neuron.graph(output: loss), at: [1, -2, 0.1, 0.3, 0.4])
        let textTrace = try Trace(text, at: [1, -2, 0.1, 0.3, 0.4])
        for (a, b) in zip(lossTrace.gradient, textTrace.gradient) { #expect(a.isApproximately(b)) }
    }

    /// Natural order of inputs: x1, x2, …, x10 first, then the others.
    @Test func inputsInNaturalOrder() throws {
        let graph = try Graph(parsing: "x10 + x2 + b + w10 + w2 + x1 + a")
        #expect(graph.inputNames == ["x1", "x2", "x10", "a", "b", "w2", "w10"])
        #expect(try PointBinding.bind("x10=3, x2=2, x1=1, a=4, b=5, w2=6, w10=7", to: graph.inputNames) == [1, 2, 3, 4, 5, 6, 7])
        #expect(try PointBinding.bind("pi/2, -1e-3, sqrt(4), 0, 1, 2, 3", to: graph.inputNames)[0].isApproximately(.pi / 2))
    }

    /// Outputs: those named with `--output`, else the sinks (named statements nothing later
    /// reads, and the last); an unnamed statement that is neither is a warning.
    @Test func outputSelection() throws {
        #expect(try Graph(parsing: "a = x1*2; b = a + 1").outputs.map(\.name) == ["b"])
        #expect(try Graph(parsing: "y1 = x1*2; z = y1 + 1; y2 = z*z").outputs.map(\.name) == ["y2"])
        #expect(try Graph(parsing: "y_hat = w*x + b; loss = (y_hat - t)^2").outputs.map(\.name) == ["loss"])
        #expect(try Graph(parsing: "a = x*2; y1 = sin(a); y2 = a^2").outputs.map(\.name) == ["y1", "y2"])
        let dead = try Graph(parsing: "a = x*2; a+1; b = a*3")
        #expect(dead.outputs.map(\.name) == ["b"])
        #expect(dead.warnings.map(\.message) == ["this statement has no effect: it has no name, is not the last, and nothing reads it"])
        #expect(dead.warnings.first?.span == SourceSpan(start: 9, length: 3))
        #expect(try Graph(parsing: "a = x*2; b = a*3").warnings.isEmpty)
        #expect(try Graph(parsing: "a = x1*2; b = a + 1", options: GraphOptions(outputs: ["a", "b"])).outputs.map(\.name) == ["a", "b"])
        #expect(try Graph(parsing: "x1*2").outputs.map(\.name) == ["y"])
    }
}

extension Double {
    /// Equal within a relative tolerance of 1e-12 (absolute near zero).
    func isApproximately(_ other: Double, tolerance: Double = 1e-12) -> Bool {
        if self == other { return true }
        return Swift.abs(self - other) <= tolerance * Swift.max(1, Swift.abs(self), Swift.abs(other))
    }
}
