import Foundation
import Testing

@testable import AdvizCore

/// Numbers never contradict each other: a row whose terms cancel prints the digits that make it
/// true, and the heading prints the point as it was given.
@Suite struct RowsThatAddUpTests {
    /// The trial's row `4 − 4 = 9.882e-6`: its terms now carry the digits that give 9.882e-6.
    @Test func aCancellingRowPrintsTheDigitsThatMakeItTrue() throws {
        let trace = try Trace(expression: "x^4 - 2*x^2", at: "1.0000012353")
        let tangent = try #require(trace.rendered(trace.tangentRows()).last)
        #expect(tangent.value == "9.882e-6")
        let parts = tangent.substituted.components(separatedBy: " - ").compactMap { Double($0) }
        #expect(parts.count == 2, "\(tangent.substituted)")
        if parts.count == 2 { #expect(NumberFormat().string(parts[0] - parts[1]) == "9.882e-6", "\(tangent.substituted)") }
        let adjoint = try #require(trace.rendered(trace.adjointRows()).last)
        #expect(adjoint.substituted.contains("1.000001235"), "\(adjoint.substituted)")
        // A row that does not cancel keeps the trace's digits.
        #expect(trace.rendered(trace.tangentRows())[1].substituted == "1·(4·1³)")
    }

    /// A sum or difference in the primal trace that cancels, likewise.
    @Test func aCancellingDifferenceOfValues() throws {
        let trace = try Trace(expression: "x1 - x2", at: "1.00000123,1.00000001")
        let row = try #require(trace.rendered(trace.primalRows()).last)
        let parts = row.substituted.components(separatedBy: " - ").compactMap { Double($0) }
        #expect(parts.count == 2 && NumberFormat().string(parts[0] - parts[1]) == row.value, "\(row.substituted) = \(row.value)")
    }

    /// The heading and captions give the point as it was given, not rounded to the table's digits.
    @Test func theHeadingPrintsThePointAsGiven() throws {
        let trace = try Trace(expression: "x^4 - 2*x^2", at: "1.0000012353")
        #expect(TraceReport(trace, source: "x^4 - 2*x^2").render(.text).hasPrefix("f = x^4 - 2*x^2  at x = 1.0000012353"))
        #expect(trace.pointDescription == "x = 1.0000012353")
        #expect(try Trace(expression: "x1*x2", at: "2,5").pointDescription == "x1 = 2, x2 = 5")
        #expect(NumberFormat().exact(0.1) == "0.1" && NumberFormat().exact(1e-300) == "1e-300")
    }
}
