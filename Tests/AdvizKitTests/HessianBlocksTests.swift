import Foundation
import PropertyBased
import Testing

@testable import AdvizBench
@testable import AdvizCore

/// The dense Hessian by passes of eight directions (``TangentBlocks``) gives the numbers of n
/// separate tangent sweeps, bit for bit (NaN counted equal to NaN, since the hardware may keep
/// either operand's payload), with the same value, gradient and warnings: on random programs of 3
/// and of 20 inputs (several passes, inputs first read in scattered places), and at kinks, poles,
/// NaN and infinities.
@Suite struct HessianBlocksTests {
    static func sameBits(_ a: Double, _ b: Double) -> Bool { a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN) }

    /// Whether the blocked Hessian and the n-sweep one agree in every bit at `point`.
    static func agree(_ gradientGraph: GradientGraph, _ point: [Double]) -> Bool {
        let blocked = HessianSweep.hessian(gradientGraph, at: point)
        let reference = HessianSweep.hessianByUnitSweeps(gradientGraph, at: point)
        let matrices = zip(blocked.matrix, reference.matrix).allSatisfy { zip($0, $1).allSatisfy(sameBits) }
        return matrices && blocked.matrix.count == reference.matrix.count
            && sameBits(blocked.value, reference.value) && zip(blocked.gradient, reference.gradient).allSatisfy(sameBits)
            && blocked.warnings == reference.warnings && blocked.sweeps == reference.sweeps
    }

    /// A program over `inputs` inputs: random terms of `RandomExpression` with their x1, x2, x3
    /// renamed to inputs picked at random, summed and now and then multiplied together.
    static func wideProgram(_ random: inout RandomExpression, inputs: Int, terms: Int) -> String {
        var text = ""
        for t in 0..<terms {
            var term = random.expression(depth: 3)
            for k in 1...3 { term = term.replacingOccurrences(of: "x\(k)", with: "§\(k)") }
            for k in 1...3 { term = term.replacingOccurrences(of: "§\(k)", with: "x\(1 + random.pick(inputs))") }
            text += t == 0 ? term : [" + ", " + ", " * ", " - "][random.pick(4)] + term
        }
        // Every input named, so that the graph has all of them (unused ones give zero columns).
        return text + " + 0*(" + (1...inputs).map { "x\($0)" }.joined(separator: " + ") + ")"
    }

    @Test func randomProgramsOfThreeInputs() async {
        await propertyCheck(count: 200, input: Gen.uint64(), Gen.double(in: -2...2), Gen.double(in: -2...2), Gen.double(in: -2...2)) { seed, a, b, c in
            var random = RandomExpression(state: seed)
            let graph = try Graph(parsing: random.expression(depth: 4))
            let point = graph.inputNames.map { ["x1": a, "x2": b, "x3": c][$0]! }
            #expect(HessianBlocksTests.agree(try GradientGraph(of: graph), point), "\(random)")
        }
    }

    @Test func randomProgramsOfTwentyInputs() async {
        await propertyCheck(count: 60, input: Gen.uint64(), Gen.double(in: -1.5...1.5)) { seed, shift in
            var random = RandomExpression(state: seed)
            let text = HessianBlocksTests.wideProgram(&random, inputs: 20, terms: 12)
            let graph = try Graph(parsing: text)
            #expect(graph.inputCount == 20)
            let point = (0..<graph.inputCount).map { _ in Double(random.pick(3001)) / 1000 - 1.5 + shift }
            let gradientGraph = try GradientGraph(of: graph)
            #expect(HessianBlocksTests.agree(gradientGraph, point), "\(text)")
        }
    }

    /// The scaling function of the benchmark (a long chain of sums, a tridiagonal Hessian) at n = 50.
    @Test func theBenchmarksFunction() throws {
        let graph = try Graph(parsing: ScalingBenchmark.program(inputs: 50))
        var random = SplitMix64(state: 50)
        let point = (0..<graph.inputCount).map { _ in Double(random.next() % 2000) / 1000 - 1 }
        let gradientGraph = try GradientGraph(of: graph)
        #expect(HessianBlocksTests.agree(gradientGraph, point))
        let hessian = HessianSweep.hessian(gradientGraph, at: point)
        #expect(hessian.matrix[3][4] == Foundation.cos(point[3]))
        #expect(hessian.matrix[3][7] == 0)
    }

    static let rough = [
        "abs(x1)*x2 + log(x1) + sqrt(x2) + max(x1, x2) + x1/x2 + 0*sqrt(x3)",
        "relu(x1 - x2) * sign(x3) + step(x1) + pow(x1, x2) + min(x1, 3)",
        "atan2(x1, x2) + hypot(x1, x3) + acosh(x2) + asin(x3) + floor(x1)*x2 + cbrt(x3)",
        "x1^0.5 * x2^-1 + log(x3 - x3) + exp(1000*x1) + tan(x2)",
        // Ten inputs, two passes: the second pass's lanes meet the first's NaNs in stale slots.
        "sqrt(x1)*x2 + log(x3)*x4 + abs(x5 - x6)*x7 + x8^x9 + max(x9, x10)*x1 + sqrt(x10*x2)",
    ]
    static let awkward: [Double] = [0, -0.0, 1, -1, 2, -3.5, .infinity, -.infinity, .nan, 1e308]

    @Test(arguments: HessianBlocksTests.rough) func kinksPolesAndNaN(_ program: String) throws {
        let graph = try Graph(parsing: program)
        let gradientGraph = try GradientGraph(of: graph)
        var random = SplitMix64(state: 11)
        var sawWarning = false, sawNaN = false
        for _ in 0..<200 {
            let point = (0..<graph.inputCount).map { _ in HessianBlocksTests.awkward[Int(random.next() % UInt64(HessianBlocksTests.awkward.count))] }
            #expect(HessianBlocksTests.agree(gradientGraph, point), "\(program) at \(point)")
            let hessian = HessianSweep.hessian(gradientGraph, at: point)
            sawWarning = sawWarning || !hessian.warnings.isEmpty
            sawNaN = sawNaN || hessian.matrix.joined().contains { $0.isNaN }
        }
        #expect(sawWarning, "the awkward points meet the kinks")
        #expect(sawNaN, "and NaN reaches the Hessian")
    }

    /// Signed zeros: a lane reached from one argument takes its product alone (−0 stays −0), not 0 + product.
    @Test func signedZerosAndStructuralZeros() throws {
        let graph = try Graph(parsing: "x1*x2*x3 + x4*x5 + x6*x7*x8*x9*x10 + sqrt(x11)*x12")
        let gradientGraph = try GradientGraph(of: graph)
        for point in [
            [-0.0, 0, -0.0, 1, -0.0, -0.0, 0, -1, 0, -0.0, 0, 2],
            [1, -1, 0, -0.0, -0.0, 2, 3, -0.0, 1, 1, 0, 5],
        ] {
            #expect(HessianBlocksTests.agree(gradientGraph, point), "at \(point)")
        }
        // √x₁₁ at 0 has an infinite partial, yet H[0][1] (no path through it) is the structural answer.
        let hessian = HessianSweep.hessian(gradientGraph, at: [1, 2, 3, 1, 1, 1, 1, 1, 1, 1, 0, 5])
        #expect(hessian.matrix[0][1] == 3)
        #expect(hessian.matrix[10][10].isNaN || hessian.matrix[10][10].isInfinite)
    }
}
