import Foundation
import PropertyBased
import Testing

@testable import AdvizCore

/// The reverse sweep as increments (`--accumulate`), and the course notes' recursive backward
/// passes (`--backward recursive|recursive-overwrite`).
@Suite struct BackwardPassTests {
    static let lecture = "log(x1*x2)+sin(x2)"

    /// Baydin et al.'s Table 3 by increments: the outputs are seeded, then each edge adds its
    /// share from the last node back; x2 (v₀) gets two increments, 0 → cos 5 → cos 5 + 0.2.
    @Test func lectureExampleIncrementsAsATapeRunsThem() throws {
        let trace = try Trace(expression: Self.lecture, at: "2,5")
        let steps = trace.accumulationSteps()
        #expect(steps.count == 1 + trace.graph.differentiableEdgeCount)
        #expect(steps[0].node == 5 && steps[0].term.source == .outputSeed(0) && steps[0].after == 1)
        let x2 = steps.filter { $0.node == 1 }
        #expect(x2.count == 2)
        #expect(x2[0].before == 0 && x2[0].term.source == .node(4) && x2[0].after == cos(5.0))
        #expect(x2[1].before == cos(5.0) && x2[1].term.source == .node(2))
        #expect(x2[1].after == trace.adjoints![1])
        #expect(Swift.abs(x2[1].after - (cos(5.0) + 0.2)) < 1e-15)
        let text = TraceReport(trace, source: Self.lecture).render(.text)
        #expect(!text.contains("as a tape runs it"))
        var report = TraceReport(trace, source: Self.lecture)
        report.accumulate = true
        let accumulated = report.render(.text)
        #expect(accumulated.contains("v̄₀ +=  v̄₁·∂v₁/∂v₀  = v̄₁·v₋₁     = 0.2837 + 0.1·2 = 0.4837"))
        #expect(accumulated.contains("v̄₄ +=  ȳ"))
    }

    /// On random programs, each node's last increment leaves exactly the sweep's adjoint, and
    /// every increment adds factor·partial to what was there.
    @Test func incrementsEndAtTheSweepsAdjointsBitForBit() async {
        await propertyCheck(count: 200, input: Gen.uint64(), Gen.double(in: -2...2)) { seed, x in
            var random = RandomExpression(state: seed)
            let text = "a = " + random.expression(depth: 4) + "\nb = a*x1 + " + random.expression(depth: 3)
            let graph = try Graph(parsing: text)
            let point = [Double](repeating: x, count: graph.inputCount)
            let trace = try Trace(graph, at: point, options: TraceOptions(mode: .reverse, outputSeed: [Double](repeating: 0.5, count: graph.outputCount)))
            var last: [Int: Double] = [:]
            for step in trace.accumulationSteps() {
                #expect(step.before.bitPattern == (last[step.node] ?? 0).bitPattern, "\(text): increments follow each other")
                last[step.node] = step.after
            }
            let live = trace.reachingSeededOutputs
            for i in graph.nodes.indices where !graph.isConstant(i) && live[i] {
                #expect(last[i]?.bitPattern == trace.adjoints![i].bitPattern, "\(text): v̄ of \(graph.label(i))")
            }
        }
    }

    /// The notes' `ReverseDiff.backward` with `self.grad = grad`: x2's second visit (through
    /// sin) overwrites the first (through the product), so ∂y/∂x2 comes out as cos 5 alone.
    @Test func overwritingRecursionGetsTheNotesWrongNumber() throws {
        let trace = try Trace(expression: Self.lecture, at: "2,5")
        let pass = RecursiveBackwardPass(trace.graph, trace.evaluation, outputSeed: [1], algorithm: .recursiveOverwrite)
        #expect(pass.visitCount == 7)
        #expect(pass.visits.map(\.node) == [5, 3, 2, 0, 1, 4, 1])
        let gradient = try #require(pass.gradient(inputs: 2))
        #expect(gradient[0] == 0.5)
        #expect(gradient[1] == cos(5.0))
        #expect(trace.gradient[1] != gradient[1])
        #expect(pass.visits.filter(\.overwrites).map(\.node) == [1])
        var report = TraceReport(trace, source: Self.lecture)
        report.backward = .recursiveOverwrite
        let text = report.render(.text)
        #expect(text.contains("overwrites 0.2: that path's share is lost"))
        #expect(text.contains("gradient by this pass: (0.5, 0.2837)"))
        #expect(text.contains("gradient by the tape:  (0.5, 0.4837)"))
        #expect(!text.contains("Reverse adjoint trace"))
        let json = report.json()
        guard case .object(let members) = json, case .object(let backward)? = members.first(where: { $0.0 == "backward" })?.1 else {
            Issue.record("no backward member in the JSON")
            return
        }
        #expect(backward.first { $0.0 == "gradient" }?.1 == .object([("x1", .number(0.5)), ("x2", .number(cos(5.0)))]))
        #expect(backward.first { $0.0 == "visits" }?.1 == .number(7))
    }

    /// With `+=` the recursion is right, at one visit per path: a chain of k squarings
    /// (each node read twice by the next) takes 2^(k+1) − 1 visits against the tape's 2k edges.
    @Test func summingRecursionIsRightAtExponentialCost() throws {
        for k in 1...12 {
            var lines = ["a1 = x*x"]
            for i in stride(from: 2, through: k, by: 1) { lines.append("a\(i) = a\(i - 1)*a\(i - 1)") }
            let trace = try Trace(expression: lines.joined(separator: "\n"), at: "1.01")
            let pass = RecursiveBackwardPass(trace.graph, trace.evaluation, outputSeed: [1], algorithm: .recursive)
            #expect(pass.visitCount == Double((1 << (k + 1)) - 1))
            #expect(pass.visits.count == (1 << (k + 1)) - 1)
            #expect(pass.tapeEdgeVisits == 2 * k)
            let gradient = try #require(pass.gradient(inputs: 1)?[0])
            #expect(Swift.abs(gradient - trace.gradient[0]) <= 1e-12 * Swift.abs(trace.gradient[0]), "k = \(k)")
            let overwrite = RecursiveBackwardPass(trace.graph, trace.evaluation, outputSeed: [1], algorithm: .recursiveOverwrite)
            // Each squaring's two visits overwrite each other: x keeps one path's share, 2^-k of the truth.
            let wrong = try #require(overwrite.gradient(inputs: 1)?[0])
            #expect(Swift.abs(wrong * Double(1 << k) - trace.gradient[0]) <= 1e-9 * Swift.abs(trace.gradient[0]), "k = \(k)")
        }
    }

    /// Past the run limit the visits are counted, not walked, and the report says so.
    @Test func tooManyPathsAreCountedNotWalked() throws {
        var lines = ["a1 = x*x"]
        for i in 2...30 { lines.append("a\(i) = a\(i - 1)*a\(i - 1)") }
        let trace = try Trace(expression: lines.joined(separator: "\n"), at: "1")
        let pass = RecursiveBackwardPass(trace.graph, trace.evaluation, outputSeed: [1], algorithm: .recursive)
        #expect(!pass.isComplete)
        #expect(pass.visitCount == Double((1 << 31) - 1))
        var report = TraceReport(trace)
        report.backward = .recursive
        #expect(report.render(.text).contains("not run: more than 2000000 visits"))
    }

    /// Inputs the output never reaches keep Python's `None`; zero-seeded outputs are not called.
    @Test func unreachedInputsStayNone() throws {
        let trace = try Trace(expression: "y1 = sin(x1)\ny2 = x2*x2", at: "1,3", options: TraceOptions(outputSeed: [1, 0]))
        let pass = RecursiveBackwardPass(trace.graph, trace.evaluation, outputSeed: [1, 0], algorithm: .recursiveOverwrite)
        let gradient = try #require(pass.gradient(inputs: 2))
        #expect(gradient[0] == cos(1.0))
        #expect(gradient[1] == nil)
        for format in ReportFormat.allCases {
            var report = TraceReport(trace, source: "y1 = sin(x1)\ny2 = x2*x2")
            report.backward = .recursive
            report.accumulate = true
            #expect(!report.render(format).isEmpty)
        }
    }
}
