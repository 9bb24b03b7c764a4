import Foundation
import Testing
import _Differentiation

@testable import AdvizBench
@testable import AdvizCore
@testable import AdvizEngines
@testable import AdvizFigures
@testable import AdvizKit
@testable import AdvizLessons
@testable import AdvizPlots
@testable import AdvizSymbolic

// The functions, as Swift the compiler differentiates. (Keeping differentiable closures in an
// array crashes this compiler's SIL generation, so each is a plain function.)
@differentiable(reverse) private func f0(_ x1: Double, _ x2: Double) -> Double { log(x1 * x2) + sin(x2) }
@differentiable(reverse) private func f1(_ x1: Double, _ x2: Double) -> Double { log(x1) + x1 * x2 - sin(x2) }
@differentiable(reverse) private func f2(_ x1: Double, _ x2: Double) -> Double { exp(x1) * cos(x2) / (1 + x1 * x1) }
@differentiable(reverse) private func f3(_ x1: Double, _ x2: Double) -> Double { sqrt(x1 * x1 + x2 * x2) }
@differentiable(reverse) private func f4(_ x1: Double, _ x2: Double) -> Double { tanh(0.3 * x1 - 0.7 * x2 + 0.1) }
@differentiable(reverse) private func f5(_ x1: Double, _ x2: Double) -> Double { pow(x1, x2) }
@differentiable(reverse) private func f6(_ x1: Double, _ x2: Double) -> Double { pow(x1, 3) - 2 * x1 * x2 + pow(x2, 2) }
@differentiable(reverse) private func f7(_ x1: Double, _ x2: Double) -> Double { tan(x1 / 4) + cos(x1 * x2) * cos(x1 * x2) }
@differentiable(reverse) private func f8(_ x1: Double, _ x2: Double) -> Double { 1 / (1 + exp(-(x1 - x2))) }
@differentiable(reverse) private func f9(_ x1: Double, _ x2: Double) -> Double { log(x1 + sqrt(x1 * x1 + x2)) }

/// The value and gradient of case `index` by the Swift compiler's reverse-mode AD.
private func swiftGradient(_ index: Int, _ x1: Double, _ x2: Double) -> (Double, Double, Double) {
    func run(_ f: @differentiable(reverse) (Double, Double) -> Double) -> (Double, Double, Double) {
        let (value, pullback) = valueWithPullback(at: x1, x2, of: f)
        let (g1, g2) = pullback(1)
        return (value, g1, g2)
    }
    switch index {
    case 0: return run(f0)
    case 1: return run(f1)
    case 2: return run(f2)
    case 3: return run(f3)
    case 4: return run(f4)
    case 5: return run(f5)
    case 6: return run(f6)
    case 7: return run(f7)
    case 8: return run(f8)
    default: return run(f9)
    }
}

/// An oracle adviz did not write: the Swift compiler's own derivatives (`_Differentiation`).
@Suite struct SwiftDifferentiationOracleTests {
    /// The same functions as adviz programs, in the order of f0 … f9.
    static let programs = [
        "log(x1*x2)+sin(x2)",
        "ln(x1) + x1*x2 - sin(x2)",
        "exp(x1)*cos(x2) / (1 + x1^2)",
        "sqrt(x1*x1 + x2*x2)",
        "tanh(0.3*x1 - 0.7*x2 + 0.1)",
        "pow(x1, x2)",
        "x1^3 - 2*x1*x2 + x2^2",
        "tan(x1/4) + cos(x1*x2)^2",
        "1/(1 + exp(-(x1 - x2)))",
        "log(x1 + sqrt(x1^2 + x2))",
    ]

    @Test(arguments: [(1.5, 0.5), (2.0, 5.0), (0.7, 1.3)])
    func gradientsMatchTheCompilers(point: (Double, Double)) throws {
        for (index, text) in Self.programs.enumerated() {
            let trace = try Trace(expression: text, at: "\(point.0),\(point.1)")
            let (value, g1, g2) = swiftGradient(index, point.0, point.1)
            #expect(trace.outputValues[0].isApproximately(value, tolerance: 1e-13), "\(text)")
            #expect(trace.gradient[0].isApproximately(g1, tolerance: 1e-12), "\(text): ∂/∂x1 \(trace.gradient[0]) vs \(g1)")
            #expect(trace.gradient[1].isApproximately(g2, tolerance: 1e-12), "\(text): ∂/∂x2 \(trace.gradient[1]) vs \(g2)")
            let forward = try #require(trace.forwardJacobian).matrix[0]
            #expect(forward[0].isApproximately(g1, tolerance: 1e-12) && forward[1].isApproximately(g2, tolerance: 1e-12), "\(text)")
        }
    }
}
