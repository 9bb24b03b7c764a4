import Foundation
import Testing

@testable import AdvizCore

/// `Traced` keeps nothing it does not need: a literal holds its number in itself, and what a
/// tape records goes with the tape (issue 27: two million `acc += Double(i)` steps once grew a
/// process from 19 MB to 152 MB through a process-global table of literals).
///
/// Memory is read as the process's resident set (`/proc/self/statm`) around each of eight rounds
/// of a quarter of a million steps; the bound is on the quietest round's growth, not on time.
/// Each measuring test runs in a process of its own (``AloneInAProcess``): other suites, in the
/// same process, allocate as they please. A leak of ours grows every round (the old table of
/// literals: about 16 MB per round), so the quietest round tells.
@Suite(.serialized) struct TracedMemoryTests {
    /// The resident set in megabytes, from `/proc/self/statm` (its second field, in pages).
    static func residentMegabytes() throws -> Double {
        let statm = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8)
        let fields = statm.split(separator: " ")
        let pages = try #require(fields.count > 1 ? Double(fields[1]) : nil, "statm reads `\(statm)`")
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }

    /// The least growth in MB over `rounds` runs of `body`, and the total.
    static func quietestGrowth(rounds: Int = 8, _ body: () -> Void) throws -> (quietest: Double, total: Double) {
        let start = try residentMegabytes()
        var quietest = Double.infinity
        for _ in 0..<rounds {
            let before = try residentMegabytes()
            body()
            quietest = min(quietest, try residentMegabytes() - before)
        }
        return (quietest, try residentMegabytes() - start)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/statm"), "needs /proc (Linux)"))
    func literalArithmeticKeepsNothing() throws {
        guard try AloneInAProcess.measuresHere("literalArithmeticKeepsNothing()") else { return }
        var acc: Traced = 0.0
        var next = 0
        let grown = try Self.quietestGrowth {
            for _ in 0..<250_000 { acc += Double(next); next += 1 }
        }
        #expect(acc.isLiteral && acc.literalValue == 1_999_999_000_000, "Σ i for i < 2·10⁶, computed at once")
        #expect(grown.quietest < 2, "a quarter of a million literal steps grew the process by at least \(grown.quietest) MB (all eight rounds: \(grown.total) MB)")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/statm"), "needs /proc (Linux)"))
    func aTapesStepsGoWithTheTape() throws {
        guard try AloneInAProcess.measuresHere("aTapesStepsGoWithTheTape()") else { return }
        var last = 0.0
        // Two million steps in all, on a thousand tapes that come and go, 125 tapes a round.
        let grown = try Self.quietestGrowth {
            for round in 0..<125 {
                let tape = Tape()
                var acc = tape.input("x", Double(round))
                for i in 0..<2000 { acc += Double(i) }
                last = acc.gradient()[tape.inputs[0]]
            }
        }
        #expect(last == 1, "∂(x + Σ i)/∂x")
        #expect(grown.quietest < 2, "250,000 steps on short-lived tapes grew the process by at least \(grown.quietest) MB (all eight rounds: \(grown.total) MB)")
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
