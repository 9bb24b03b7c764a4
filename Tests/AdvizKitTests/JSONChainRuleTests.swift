import Foundation
import Synchronization
import PropertyBased
import Testing

@testable import AdvizCore

/// `trace --format json` adds up: read as a reader reads it (the text, parsed), every node's
/// `adjoint` is the sum over its consumers of their `adjoint` times their `partials` towards it,
/// plus its output seed — constants included (issue 27, item 9).
@Suite struct JSONChainRuleTests {
    /// One node of the JSON: its arguments, their partials, and its adjoint (NaN for `null`).
    struct JSONNode {
        var inputs: [Int]
        var partials: [Double]
        var adjoint: Double
    }

    /// The nodes of a `--format json` text, in tape order, arguments as indices into it.
    static func nodes(ofJSON text: String) throws -> [JSONNode] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let nodes = try #require(object["nodes"] as? [[String: Any]])
        let index = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1["id"] as! String, $0) })
        func number(_ any: Any?) -> Double { (any as? NSNumber)?.doubleValue ?? .nan }
        return try nodes.map { node in
            let inputs = try #require(node["inputs"] as? [String]).map { index[$0]! }
            let partials = try #require(node["partials"] as? [Any]).map(number)
            return JSONNode(inputs: inputs, partials: partials, adjoint: number(node["adjoint"]))
        }
    }

    /// Checks the chain-rule identity at every node of `graph`'s JSON trace; returns how many
    /// constants were checked. A consumer that reaches no output with a nonzero seed passes
    /// nothing (a structural zero); `null` stands for a number that is not finite.
    static func checkSums(_ graph: Graph, at point: [Double], outputSeed: [Double], label: String) throws -> Int {
        let trace = try Trace(graph, at: point, options: TraceOptions(mode: .reverse, outputSeed: outputSeed))
        let nodes = try nodes(ofJSON: TraceReport(trace).render(.json))
        #expect(nodes.count == graph.nodes.count)
        var live = [Bool](repeating: false, count: nodes.count)
        var sums = [Double](repeating: 0, count: nodes.count)
        for (k, output) in graph.outputs.enumerated() {
            sums[output.node] += outputSeed[k]
            if outputSeed[k] != 0 { live[output.node] = true }
        }
        for j in nodes.indices.reversed() where live[j] {
            #expect(nodes[j].inputs.count == nodes[j].partials.count, "\(label): node \(j)")
            for (argument, partial) in zip(nodes[j].inputs, nodes[j].partials) {
                sums[argument] += nodes[j].adjoint * partial
                live[argument] = true
            }
        }
        for i in nodes.indices {
            let (sum, adjoint) = (sums[i], nodes[i].adjoint)
            if sum.isFinite {
                #expect(Swift.abs(sum - adjoint) <= 1e-13 * (1 + Swift.abs(sum)), "\(label): \(graph.label(i)) adjoint \(adjoint), sum \(sum)")
            } else {
                #expect(!adjoint.isFinite, "\(label): \(graph.label(i)) adjoint \(adjoint), sum of products not finite")
            }
            // (Foundation's JSONSerialization can read a number an ulp or two off: the text is exact.)
            if !graph.isConstant(i), let sweep = trace.adjoints?[i], sweep.isFinite {
                #expect(Swift.abs(adjoint - sweep) <= 1e-15 * (1 + Swift.abs(sweep)), "\(label): \(graph.label(i)) is the sweep's adjoint")
            }
        }
        return graph.nodes.indices.filter { graph.isConstant($0) }.count
    }

    /// The example: y = x1^3 at x1 = 2; ∂y/∂c = x1^c·ln x1 = 8·ln 2 for the exponent c = 3.
    @Test func exponentsAdjointIsItsTrueDerivative() throws {
        let trace = try Trace(expression: "x1^3", at: "2", options: TraceOptions(mode: .reverse))
        let nodes = try Self.nodes(ofJSON: TraceReport(trace).render(.json))
        let constant = try #require(trace.graph.nodes.indices.first { trace.graph.isConstant($0) })
        #expect(Swift.abs(nodes[constant].adjoint - 8 * log(2)) < 1e-14)
        #expect(try Self.checkSums(trace.graph, at: [2], outputSeed: [1], label: "x1^3") == 1)
        // At a negative base the exponent's derivative is not a number: null, and the sums agree.
        let negative = try Trace(expression: "x1^3", at: "-2", options: TraceOptions(mode: .reverse))
        #expect(try Self.nodes(ofJSON: TraceReport(negative).render(.json))[constant].adjoint.isNaN)
        #expect(negative.gradient == [12])
    }

    /// A constant read by two nodes, one of them an output nobody seeds: the seeded one's
    /// product alone, and a constant that is itself the output gets the seed.
    @Test func sharedConstantsAndConstantOutputs() throws {
        let graph = try Graph(parsing: "y1 = 3*x1; y2 = 3*sqrt(x2)")
        #expect(try Self.checkSums(graph, at: [2, 0], outputSeed: [1, 0], label: "two outputs") >= 1)
        let trace = try Trace(graph, at: [2, 0], options: TraceOptions(mode: .reverse, outputSeed: [1, 0]))
        let constant = try #require(graph.nodes.indices.first { graph.isConstant($0) })
        #expect(trace.adjointsWithConstants?[constant] == 2, "∂y1/∂c = x1; y2's infinite partial is not reached")
        let alone = try Graph(parsing: "y = 2.5")
        #expect(try Self.checkSums(alone, at: [], outputSeed: [1], label: "a constant output") == 1)
    }

    /// Random programs of two outputs, random output seeds, points where powers have negative
    /// bases: the identity holds at every node, and constants are checked on most programs.
    @Test func everyNodesAdjointIsItsConsumersSum() async {
        let checkedConstants = Mutex(0)
        await propertyCheck(
            count: 150, input: ExpressionTree.generator(depth: 4), ExpressionTree.generator(depth: 3),
            Gen.double(in: -2...2), Gen.double(in: -2...2), Gen.double(in: -2...2), Gen.int(in: 0...3)
        ) { first, second, a, b, c, seedKind in
            // Every case is checked (y2 reads x1, so no program lacks an input): none is discarded.
            let text = "y1 = \(first)\ny2 = \(second) * x1"
            let graph = try Graph(parsing: text)
            let point = graph.inputNames.map { ["x1": a, "x2": b, "x3": c][$0]! }
            let outputSeed = [[1.0, 0], [0, 1], [0.5, -2], [0, 0]][seedKind]
            let count = try Self.checkSums(graph, at: point, outputSeed: outputSeed, label: "\(text) at \(point), ȳ = \(outputSeed)")
            checkedConstants.withLock { $0 += count }
        }
        #expect(checkedConstants.withLock { $0 } > 150, "constants were checked")
    }
}
