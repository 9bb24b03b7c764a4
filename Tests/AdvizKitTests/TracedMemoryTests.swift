import Foundation
import Testing

@testable import AdvizCore

/// `Traced` keeps nothing it does not need: a literal holds its number in itself, and what a
/// tape records goes with the tape (issue 27: two million `acc += Double(i)` steps once grew a
/// process from 19 MB to 152 MB through a process-global table of literals).
///
/// Memory is read as the process's resident set (`/proc/self/statm`), before and after; the
/// bound is on growth, not on time.
@Suite(.serialized) struct TracedMemoryTests {
    /// The resident set in megabytes, from `/proc/self/statm` (its second field, in pages).
    static func residentMegabytes() throws -> Double {
        let statm = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8)
        let fields = statm.split(separator: " ")
        let pages = try #require(fields.count > 1 ? Double(fields[1]) : nil, "statm reads `\(statm)`")
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/statm"), "needs /proc (Linux)"))
    func literalArithmeticKeepsNothing() throws {
        let before = try Self.residentMegabytes()
        var acc: Traced = 0.0
        for i in 0..<2_000_000 { acc += Double(i) }
        let grown = try Self.residentMegabytes() - before
        #expect(acc.isLiteral && acc.literalValue == 1_999_999_000_000, "Σ i for i < 2·10⁶, computed at once")
        #expect(grown < 40, "two million literal steps grew the process by \(grown) MB")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/statm"), "needs /proc (Linux)"))
    func aTapesStepsGoWithTheTape() throws {
        let before = try Self.residentMegabytes()
        var last = 0.0
        // Two million steps in all, on a thousand tapes that come and go.
        for round in 0..<1000 {
            let tape = Tape()
            var acc = tape.input("x", Double(round))
            for i in 0..<2000 { acc += Double(i) }
            last = acc.gradient()[tape.inputs[0]]
        }
        let grown = try Self.residentMegabytes() - before
        #expect(last == 1, "∂(x + Σ i)/∂x")
        #expect(grown < 40, "two million steps on short-lived tapes grew the process by \(grown) MB")
    }

    /// Literals keep every bit of their number, NaN included (as the one quiet NaN), and never
    /// pass for a value on a tape.
    @Test func literalsHoldTheirNumbers() {
        for x in [0.0, -0.0, 1, -1, .pi, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1e-300] {
            let literal = Traced(literal: x)
            #expect(literal.isLiteral && literal.literalValue.bitPattern == x.bitPattern, "\(x)")
            #expect((literal + 1.0).literalValue == x + 1, "\(x) + 1")
        }
        let nan = Traced(literal: -.nan) * 2.0
        #expect(nan.isLiteral && nan.literalValue.isNaN)
        let tape = Tape()
        let x = tape.input("x", 3)
        let y = x * Traced(literal: 0) + Traced(literal: 2.5) * Traced(literal: 2)
        #expect(y.value == 5 && y.gradient()[x] == 0)
    }
}
