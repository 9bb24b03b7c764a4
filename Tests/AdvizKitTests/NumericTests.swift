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

@Suite struct NumericTests {
    /// The notes' lesson: the central scheme's best error is far below the forward scheme's, at a larger h.
    @Test func centralBeatsForwardAtALargerStep() throws {
        let graph = try Graph(parsing: "exp(x)*sin(x)")
        let study = try ErrorStudy(graph, at: [1], input: 0)
        let forward = study.best(.forward), central = study.best(.central)
        #expect(central.error < forward.error / 100, "central \(central.error) vs forward \(forward.error)")
        #expect(central.h > forward.h)
        // Both regimes show: the forward error first falls with h (truncation), then rises (round-off).
        let errors = study.rows.map { $0.errors[.forward]! }
        let bestIndex = errors.firstIndex(of: errors.min()!)!
        #expect(bestIndex > 2 && bestIndex < errors.count - 2)
        #expect(errors.first! > errors[bestIndex] * 100 && errors.last! > errors[bestIndex] * 100)
        // The complex step has no round-off regime: accurate to a few ulps at every h from 1e-8 down.
        #expect(study.rows.suffix(8).allSatisfy { $0.errors[.complexStep]! < 1e-14 })
    }

    @Test func defaultStepsGiveTheExpectedAccuracy() throws {
        let graph = try Graph(parsing: "log(x1*x2)+sin(x2)")
        let point = [2.0, 5.0]
        let exact = try Trace(graph, at: point).gradient
        for (scheme, tolerance) in [(FiniteDifference.forward, 1e-6), (.backward, 1e-6), (.central, 1e-9), (.complexStep, 1e-15), (.richardson, 1e-11)] {
            for j in 0..<2 {
                let h = scheme.defaultStep(at: point[j]).h
                let d = scheme.derivative(graph, at: point, input: j, h: h)
                #expect(Swift.abs(d - exact[j]) < tolerance, "\(scheme) ∂/∂x\(j + 1): \(d) vs \(exact[j])")
            }
        }
    }

    @Test func comparisonTableAgreesWithAD() throws {
        let comparison = try Comparison(Graph(parsing: "x1^3*exp(-x2) + tanh(x1*x2)"), at: [0.7, 1.3])
        #expect(comparison.rows.map(\.method) == ["reverse AD", "forward AD", "symbolic", "forward", "backward", "central", "complex-step", "richardson"])
        let byMethod = Dictionary(uniqueKeysWithValues: comparison.rows.map { ($0.method, $0) })
        #expect(byMethod["forward AD"]!.error < 1e-14)
        #expect(byMethod["symbolic"]!.error < 1e-13)
        #expect(byMethod["complex-step"]!.error < 1e-14)
        #expect(byMethod["forward"]!.error > 1e-10 && byMethod["forward"]!.error < 1e-6)
        let json = comparison.render(.json)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect((parsed?["rows"] as? [Any])?.count == 8)
        #expect(comparison.render(.markdown).contains("| complex-step |"))
    }

    @Test func complexStepThroughEveryOperation() throws {
        // Every smooth operation of the table has a complex extension that gives the derivative.
        let graph = try Graph(parsing: "sin(x)+cos(x)+tan(x/3)+exp(x)+log(x)+sqrt(x)+tanh(x)+sigmoid(x)+x^2.5+pow(2,x)+1/x-x+max(x,0)+abs(x)+relu(x)")
        let exact = try Trace(graph, at: [0.8]).gradient[0]
        let d = FiniteDifference.complexStep.derivative(graph, at: [0.8], input: 0, h: 1e-20)
        #expect(Swift.abs(d - exact) < 1e-13)
    }
}
