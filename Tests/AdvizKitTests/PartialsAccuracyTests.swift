import Foundation
import Testing

@testable import AdvizCore

/// Every smooth operation's local partials, as the sweeps compute them, against 50-digit
/// references (mpmath, written by `scripts/reference/partials_reference.py` into
/// `Golden/partials-reference.json`): a few ulps over wide ranges, including where a textbook
/// formula cancels or overflows (tanh′ = 1 − v² at 15 was off by 1.7e-4; σ′ = v(1 − v) at 30 by
/// 1e-3; −a/b² at (1e305, 1e155) was −0 for −1e-5; 1/√(1 − a²) near 1; 1/√(a² + 1) at 1e200).
@Suite struct PartialsAccuracyTests {
    struct Row: Decodable {
        var op: String
        var a: String
        var b: String
        var partials: [String]
    }

    struct Table: Decodable {
        var source: String
        var rows: [Row]
    }

    static let table: Table? = {
        let url = GoldenTests.folder.appendingPathComponent("partials-reference.json")
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(Table.self, from: data)
    }()

    /// The most ulps each operation may be off: the rounding of the library functions (≤ 1 ulp
    /// in glibc for most, up to 3 for cbrt, whose error cbrt′'s correction keeps from doubling)
    /// and of the few operations around them. erf′ and the power's ∂/∂a were bounded loosely before issue 29's
    /// stable forms (e^(−a²) of a rounded a² was 504 ulps off at a = 23.25; b·a^(b−1) of a
    /// rounded b − 1 was 579 ulps off at (1e294)^−1.02); atan2's x/(x² + y²) was 0 or ∞ beyond
    /// 1.3e154 and below 1.5e-154.
    static let tolerance: [String: Double] = [
        "sin": 1, "cos": 1, "tan": 3, "exp": 1, "log": 1, "sqrt": 1, "tanh": 4, "sigmoid": 5,
        "atan": 2, "asin": 3, "acos": 3, "sinh": 2, "cosh": 2, "asinh": 2, "acosh": 3, "atanh": 3,
        "log10": 2, "log2": 2, "log1p": 2, "expm1": 1, "cbrt": 4, "erf": 3, "div": 2, "pow": 3, "atan2": 3, "hypot": 2,
    ]

    /// |x − reference| in units of the reference's last place.
    static func ulps(_ x: Double, _ reference: Double) -> Double {
        guard x.isFinite else { return .infinity }
        return Swift.abs(x - reference) / reference.ulp
    }

    @Test func theTableIsThere() throws {
        let table = try #require(Self.table, "Golden/partials-reference.json is missing or unreadable")
        #expect(table.rows.count > 3000)
        #expect(Set(table.rows.map(\.op)) == Set(Self.tolerance.keys))
    }

    @Test func everyPartialIsWithinAFewUlpsOfTheReference() throws {
        let table = try #require(Self.table)
        var worst: [String: (ulps: Double, a: Double, b: Double)] = [:]
        for row in table.rows {
            let op = try #require(Op.allCases.first { $0.name == row.op }, "no operation \(row.op)")
            let a = try #require(Double(row.a)), b = try #require(Double(row.b))
            let v = op.evaluate(a, b)
            let (pa, pb) = op.partials(a, b, v)
            for (k, text) in row.partials.enumerated() {
                let reference = try #require(Double(text))
                let error = Self.ulps(k == 0 ? pa : pb, reference)
                if error > (worst[row.op]?.ulps ?? -1) { worst[row.op] = (error, a, b) }
                #expect(error <= Self.tolerance[row.op] ?? 0, "\(row.op) ∂/∂arg\(k) at (\(a), \(b)): \(k == 0 ? pa : pb), reference \(reference): \(error) ulps")
            }
        }
        print(worst.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.ulps) ulps at (\($0.value.a), \($0.value.b))" }.joined(separator: "\n"))
    }

    /// The stable forms are the sweep formulas too, which the gradient graph builds and the
    /// compiled kernels write: evaluated at every reference point they give the partials' bits.
    @Test func theSweepFormulasGiveThePartialsBitForBit() throws {
        let table = try #require(Self.table)
        var checked = 0
        for row in table.rows {
            let op = try #require(Op.allCases.first { $0.name == row.op })
            let a = try #require(Double(row.a)), b = try #require(Double(row.b))
            let v = op.evaluate(a, b)
            let (pa, pb) = op.partials(a, b, v)
            for (k, partial) in [pa, pb].prefix(op.arity).enumerated() {
                let formula = op.rule.sweepFormulas[k].evaluate([a, b, v])
                #expect(formula.bitPattern == partial.bitPattern, "\(row.op) ∂/∂arg\(k) at (\(a), \(b)): formula \(formula), partial \(partial)")
                checked += 1
            }
        }
        #expect(checked > 4000)
    }

    /// Where the exact partial is subnormal the table has no rows (it keeps normal results), so
    /// the edges are checked here against mpmath: log10′ beyond 7.8e307, where 1/(a·ln 10) was 0
    /// (a·ln 10 overflowed), and erf′ at 27.2, the last few ulps above 0.
    @Test func theSubnormalEdgesAreNotFlushedToZero() {
        #expect(Op.log10.partials(1.7e308, 0, Op.log10.evaluate(1.7e308, 0)).0 == 2.554673422960305e-309)
        #expect(Op.erf.partials(27.2, 0, Op.erf.evaluate(27.2, 0)).0 == 5.53e-322)
        #expect(Op.erf.partials(-27.2, 0, Op.erf.evaluate(-27.2, 0)).0 == 5.53e-322)
        #expect(Op.erf.partials(40, 0, 1).0 == 0)
        #expect(Op.erf.partials(.infinity, 0, 1).0 == 0)
        #expect(Op.erf.partials(.nan, 0, .nan).0.isNaN)
    }

    /// The power's correction m^e changes no special value of b·a^(b−1): at a = 0 and ±∞, for
    /// negative bases, at exponents whose b − 1 rounds (0.3, −7.96) and whose does not.
    @Test func thePowersCorrectionKeepsTheSpecialValues() {
        for a in [0, -0.0, Double.infinity, -2, -0.5, 1, 68.08756206433544] {
            for b in [0.3, -7.96, 8.3, -3, 3, 0.5, 1e20, -1e20] {
                let textbook = b * Foundation.pow(a, b - 1)
                let partial = Op.pow.partials(a, b, Op.pow.evaluate(a, b)).0
                let same = textbook.isNaN ? partial.isNaN : (textbook.isFinite ? PartialsAccuracyTests.ulps(partial, textbook) <= 64 : partial == textbook)
                #expect(same, "∂(a^b)/∂a at (\(a), \(b)): \(partial), textbook \(textbook)")
            }
        }
    }

    /// cbrt′'s correction keeps its special values: ∞ at ±0, 0 at ±∞, NaN at NaN; and its bound
    /// on |v| is the cube root of the largest double.
    @Test func theCubeRootsCorrectionKeepsTheSpecialValues() {
        #expect(OpRules.Cbrt.largestRoot == Foundation.cbrt(Double.greatestFiniteMagnitude))
        for a in [0, -0.0] { #expect(Op.cbrt.partials(a, 0, Op.cbrt.evaluate(a, 0)).0 == .infinity) }
        for a in [Double.infinity, -.infinity] { #expect(Op.cbrt.partials(a, 0, Op.cbrt.evaluate(a, 0)).0 == 0) }
        #expect(Op.cbrt.partials(.nan, 0, .nan).0.isNaN)
        let least = Op.cbrt.partials(.leastNonzeroMagnitude, 0, Op.cbrt.evaluate(.leastNonzeroMagnitude, 0)).0
        #expect(PartialsAccuracyTests.ulps(least, 1.1490942214795806e215) <= 4)
    }
}
