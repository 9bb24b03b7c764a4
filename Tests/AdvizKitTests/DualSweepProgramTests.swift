import Foundation
import PropertyBased
import Testing

@testable import AdvizBench
@testable import AdvizCore

/// A graph's ``DualSweep/Program`` gives the numbers of ``DualSweep/run(_:at:seed:into:)`` over
/// the graph itself, bit for bit, with the same warnings: on random programs and their gradient
/// graphs, at kinks, poles, NaN, ±∞ and signed zeros, with seeds of every component nonzero (the
/// loop that reads no activity flag) and with zeros (the loop that does). The Hessian-vector
/// product that runs it gives the dense Hessian's columns for unit directions.
@Suite struct DualSweepProgramTests {
    /// Equal bits, or both NaN (the hardware may keep either operand's payload).
    static func sameBits(_ a: Double, _ b: Double) -> Bool { a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN) }

    /// Whether the program's sweep and the graph's sweep agree at `point` along `seed`: values,
    /// tangents and warnings. The program's buffers are `reused` (kept from earlier sweeps,
    /// possibly of another graph).
    static func agree(_ graph: Graph, _ point: [Double], _ seed: [Double], reusing reused: inout DualSweep.Buffers) -> Bool {
        var reference = DualSweep.Buffers()
        DualSweep.run(graph, at: point, seed: seed, into: &reference)
        DualSweep.run(DualSweep.Program(graph), at: point, seed: seed, into: &reused)
        return reference.values.count == reused.values.count
            && zip(reference.values, reused.values).allSatisfy(sameBits)
            && zip(reference.tangents, reused.tangents).allSatisfy(sameBits)
            && reference.warnings == reused.warnings
    }

    static let awkward: [Double] = [0, -0.0, 1, -1, 2, -3.5, 0.5, .infinity, -.infinity, .nan, 1e308, -0x1p-1030]

    @Test func randomProgramsAndTheirGradientGraphs() async {
        await propertyCheck(count: 150, input: ExpressionTree.generator(depth: 4), Gen.double(in: -2...2), Gen.double(in: -2...2), Gen.double(in: -2...2)) { tree, a, b, c in
            let random = tree.description
            let graph = try Graph(parsing: random)
            let gradientGraph = try GradientGraph(of: graph)
            let point = graph.inputNames.map { ["x1": a, "x2": b, "x3": c][$0]! }
            var buffers = DualSweep.Buffers()
            for direction in [[0.6, -1.7, 0.8], [0.6, 0, -0.8], [0, 0, 0]] {
                let seed = Array(direction.prefix(graph.inputCount))
                #expect(DualSweepProgramTests.agree(graph, point, seed, reusing: &buffers), "\(random) along \(seed)")
                #expect(DualSweepProgramTests.agree(gradientGraph.graph, point, seed, reusing: &buffers), "gradient graph of \(random) along \(seed)")
            }
        }
    }

    @Test(arguments: DualSweepTests.rough) func kinksPolesAndNaN(_ program: String) throws {
        let graph = try Graph(parsing: program)
        let gradientGraph = try GradientGraph(of: graph)
        var buffers = DualSweep.Buffers()
        var random = SplitMix64(state: 11)
        var sawWarning = false, sawNaN = false, sawEverySeeded = false
        func pick(_ values: [Double]) -> Double { values[Int(random.next() % UInt64(values.count))] }
        for round in 0..<240 {
            let point = (0..<graph.inputCount).map { _ in pick(DualSweepProgramTests.awkward) }
            // Half the seeds have no zero component (NaN and infinities included).
            let components: [Double] = round % 2 == 0 ? [1, -2.5, .infinity, -.infinity, .nan, 1e-300] : [0, -0.0, 1, -2.5, .infinity]
            let seed = (0..<graph.inputCount).map { _ in pick(components) }
            #expect(DualSweepProgramTests.agree(graph, point, seed, reusing: &buffers), "\(program) at \(point) along \(seed)")
            #expect(DualSweepProgramTests.agree(gradientGraph.graph, point, seed, reusing: &buffers), "gradient graph of \(program) at \(point) along \(seed)")
            sawWarning = sawWarning || !buffers.warnings.isEmpty
            sawNaN = sawNaN || buffers.tangents.contains { $0.isNaN }
            sawEverySeeded = sawEverySeeded || seed.allSatisfy { $0 != 0 }
        }
        #expect(sawWarning && sawNaN && sawEverySeeded, "the awkward points meet the kinks and NaN, with every input seeded")
    }

    /// One set of buffers for graphs of different sizes and for two graphs of the same size whose
    /// constants differ: every sweep writes the constants it reads.
    @Test func buffersMoveBetweenGraphs() throws {
        var buffers = DualSweep.Buffers()
        let programs = ["2*x1 + 3*x2", "5*x1 + 7*x2", "x1^3 * exp(x2) - 4", "5*x1 + 7*x2"]
        for text in programs {
            let graph = try Graph(parsing: text)
            #expect(DualSweepProgramTests.agree(graph, [1.5, -0.5], [1, 2], reusing: &buffers), "\(text)")
            #expect(DualSweepProgramTests.agree(graph, [1.5, -0.5], [0, 2], reusing: &buffers), "\(text)")
        }
    }

    /// H·eⱼ by the product that reuses its buffers is column j of the dense Hessian, bit for bit,
    /// and H·u along a direction with no zero is the graph's dual sweep's: on random programs and on
    /// the benchmark's function.
    @Test func hessianVectorProductsAreTheDenseHessiansColumns() async {
        await propertyCheck(count: 100, input: ExpressionTree.generator(depth: 4), Gen.double(in: -2...2), Gen.double(in: -2...2), Gen.double(in: -2...2)) { tree, a, b, c in
            let random = tree.description
            let graph = try Graph(parsing: random)
            let point = graph.inputNames.map { ["x1": a, "x2": b, "x3": c][$0]! }
            #expect(DualSweepProgramTests.columnsAgree(try GradientGraph(of: graph), point), "\(random)")
        }
    }

    @Test func theBenchmarksFunction() throws {
        let graph = try Graph(parsing: ScalingBenchmark.program(inputs: 60))
        var random = SplitMix64(state: 60)
        let point = (0..<graph.inputCount).map { _ in Double(random.next() % 2000) / 1000 - 1 }
        #expect(DualSweepProgramTests.columnsAgree(try GradientGraph(of: graph), point))
        var pole = point
        pole[3] = .nan
        pole[7] = .infinity
        #expect(DualSweepProgramTests.columnsAgree(try GradientGraph(of: graph), pole))
    }

    /// Whether the reusing product gives the dense Hessian's columns for each eⱼ, and the graph's
    /// dual sweep's numbers and warnings along a direction with every component nonzero.
    static func columnsAgree(_ gradientGraph: GradientGraph, _ point: [Double]) -> Bool {
        let n = gradientGraph.graph.inputCount
        let dense = HessianSweep.hessian(gradientGraph, at: point)
        var buffers = HessianSweep.Buffers()
        var agree = true
        for j in 0..<n {
            let column = HessianSweep.hessianVectorProduct(gradientGraph, at: point, direction: ForwardSweep.unitSeed(j, inputs: n), reusing: &buffers)
            agree = agree && (0..<n).allSatisfy { sameBits(column[$0], dense.matrix[$0][j]) }
        }
        let components: [Double] = [0.76, 0.385, 0.01, -0.365, -0.74]
        let direction = (0..<n).map { components[$0 % 5] }
        let product = HessianSweep.hessianVectorProduct(gradientGraph, at: point, direction: direction, reusing: &buffers)
        var reference = DualSweep.Buffers()
        DualSweep.run(gradientGraph.graph, at: point, seed: direction, into: &reference)
        let expected = gradientGraph.gradientNodes.map { reference.tangents[$0] }
        return agree && zip(product, expected).allSatisfy(sameBits) && buffers.warnings == reference.warnings
    }
}
