import ComplexModule
import Foundation
import Testing

@testable import AdvizCore
@testable import AdvizEngines

/// Each operation's rule (`Op.rule`, one enum per operation in `Sources/AdvizCore/Rules/`) is the
/// one place that says what it is; these tests hold every other reader to it.
///
/// The sweeps keep their own switches (`Op.evaluate`, `Op.partials`, `Op.kink`, `Op.hasKinks`),
/// one line per operation calling the rule, so that they inline: here they must give the rule's
/// numbers, bit for bit, at every operation and every awkward point — NaN, ±∞, ±0, the kinks
/// and the domain edges — so a case wired to the wrong rule fails.
@Suite struct RuleTests {
    /// Numbers that break things: signed zeros, infinities, NaN, the kinks and domain edges of
    /// the operations (±1, ½-integers, integers), tiny and huge magnitudes, and ordinary values.
    static let awkward: [Double] = [
        0, -0.0, .infinity, -.infinity, .nan, 1, -1, 2, -2, 0.5, -0.5, 2.5, -2.5, 3, 1.5, -1.5, 0.3, -0.7, 1.001, 0.999,
        1e-300, -1e-300, .leastNonzeroMagnitude, 1e300, -1e300, .greatestFiniteMagnitude, 710, -745, 1e16, -1e16,
        Double.pi / 2, -Double.pi / 2, Double.pi, 1e-8, 37.5, 100,
    ]

    /// Every pair (a, b) for binary operations; (a, 0) for the others.
    static func arguments(_ op: Op) -> [(Double, Double)] {
        op.arity == 2 ? awkward.flatMap { a in awkward.map { (a, $0) } } : awkward.map { ($0, 0) }
    }

    /// The same answer: both NaN, or the same bits (so +0 and −0 differ).
    static func identical(_ x: Double, _ y: Double) -> Bool {
        x.isNaN ? y.isNaN : x.bitPattern == y.bitPattern
    }

    /// Whether the rule writes its own code for partial `k` (with arguments that are not
    /// constants), because its formula meets 0·∞ or 0/0 where the rule takes a limit or a convention.
    static func hasConventionCode(_ op: Op, _ k: Int) -> Bool {
        op.partialCode(k, a: "a", b: "b", v: "v", constantA: false, constantB: false, in: .c) != nil
    }

    @Test func everyOperationHasItsOwnRule() {
        for op in Op.allCases {
            let rule = op.rule
            #expect(rule.op == op, "Op.\(op).rule is the rule of \(rule.op)")
            #expect(rule.partialFormulas.count == rule.arity, "\(op): one partial formula per argument")
            #expect(rule.sweepFormulas.count == rule.arity, "\(op): one sweep formula per argument")
            if case .function(let name, let latex) = rule.notation {
                #expect(Op.function(named: name) == op, "\(op) is parsed by its name \(name)")
                #expect(!latex.isEmpty)
                #expect(name == op.name, "\(op)'s function is spelled as its name")
            }
            for alias in rule.aliases { #expect(Op.function(named: alias) == op, "\(op)'s alias \(alias)") }
            #expect(!rule.words("v₀", "v₁").isEmpty)
        }
        #expect(Set(Op.allCases.map { ObjectIdentifier($0.rule) }).count == Op.allCases.count, "no two operations share a rule")
    }

    @Test(arguments: Op.allCases)
    func theHotPathsGiveTheRulesNumbers(_ op: Op) {
        let rule = op.rule
        for (a, b) in Self.arguments(op) {
            let value = op.evaluate(a, b)
            #expect(Self.identical(value, rule.value(a, b)), "\(op).evaluate(\(a), \(b)) = \(value), rule \(rule.value(a, b))")
            for withRespectToB in [true, false] {
                let hot = op.partials(a, b, value, withRespectToB: withRespectToB)
                let ruled = rule.partials(a, b, value, withRespectToB: withRespectToB)
                #expect(Self.identical(hot.0, ruled.0) && Self.identical(hot.1, ruled.1),
                        "\(op).partials(\(a), \(b)) = \(hot), rule \(ruled)")
            }
            #expect(op.kink(a, b) == rule.kink(a, b), "\(op).kink(\(a), \(b))")
            if !op.hasKinks { #expect(rule.kink(a, b) == nil, "\(op) says it has no kinks, but warns at (\(a), \(b))") }
        }
        #expect(op.hasKinks == rule.hasKinks)
        #expect(op.arity == rule.arity)
        #expect(op.hasKinks || op.smoothness == .smooth, "\(op): an operation with corners or jumps warns at them")
    }

    /// The primal sweep's one-dispatch step (`Op.step`, the rules' `valueAndPartials`: sin and cos
    /// by one `sincos`) gives the rule's value, partials and kink test, bit for bit.
    @Test(arguments: Op.allCases)
    func theSweepStepGivesTheRulesNumbers(_ op: Op) {
        let rule = op.rule
        for (a, b) in Self.arguments(op) {
            for withRespectToB in [true, false] {
                let step = op.step(a, b, withRespectToB: withRespectToB)
                let value = rule.value(a, b)
                let ruled = rule.partials(a, b, value, withRespectToB: withRespectToB)
                #expect(Self.identical(step.value, value), "\(op).step(\(a), \(b)).value = \(step.value), rule \(value)")
                #expect(Self.identical(step.partialA, ruled.0) && Self.identical(step.partialB, ruled.1),
                        "\(op).step(\(a), \(b)) partials (\(step.partialA), \(step.partialB)), rule \(ruled)")
                #expect(step.kinked == (a.isFinite && b.isFinite && rule.kink(a, b) != nil), "\(op).step(\(a), \(b)).kinked")
            }
        }
    }

    /// The block interpreter's tags (one per operation, through `Op.dispatch`) call the rules:
    /// the same numbers, bit for bit, for every operation.
    @Test func theInterpretersTagsAreTheRules() {
        struct Check: OpRuleVisitor {
            let op: Op
            func visit<Rule: OpRule>(_ rule: Rule.Type) -> Int {
                #expect(Rule.op == op, "\(op) dispatches to the rule of \(Rule.op)")
                var checked = 0
                for (a, b) in RuleTests.arguments(op) {
                    let v = op.evaluate(a, b)
                    #expect(RuleTests.identical(RuleTag<Rule>.value(op, a, b), v), "\(op) tag value at (\(a), \(b))")
                    let (pa, pb) = RuleTag<Rule>.partials(op, a, b, v), ruled = op.rule.partials(a, b, v, withRespectToB: true)
                    #expect(RuleTests.identical(pa, ruled.0) && RuleTests.identical(pb, ruled.1), "\(op) tag partials at (\(a), \(b))")
                    checked += 1
                }
                return checked
            }
        }
        for op in Op.allCases { #expect(op.dispatch(Check(op: op)) > 0, "\(op) has arguments to check") }
    }

    /// `sincos` gives `sin`'s and `cos`'s bits: at a million points over every range reduction
    /// (tiny, |x| < 0.86, < 2.43, < 10⁸, huge, any bit pattern), and at the awkward ones.
    @Test func sineAndCosineAreSinAndCos() {
        var state: UInt64 = 88_172_645_463_325_252
        var points = Self.awkward
        for k in 0..<1_000_000 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17  // xorshift64
            let bits = state
            let unit = Double(bits >> 11) / Double(1 << 53) - 0.5
            switch k % 4 {
            case 0: points.append(Double(bitPattern: bits))
            case 1: points.append(unit * 8)
            case 2: points.append(unit * 2e6)
            default: points.append(unit * 1e12)
            }
        }
        var differing = 0
        for x in points {
            let (s, c) = sineAndCosine(x)
            if !Self.identical(s, Foundation.sin(x)) || !Self.identical(c, Foundation.cos(x)) {
                differing += 1
                if differing <= 3 { Issue.record("sincos(\(x)) = (\(s), \(c)), sin and cos \(Foundation.sin(x)), \(Foundation.cos(x))") }
            }
        }
        #expect(differing == 0)
    }

    /// What the sweeps compute and what the second-order graph builds from `sweepFormulas` are one
    /// number (±0 alike) wherever the point is ordinary (no kink, finite): so the Hessian's numbers are the
    /// sweeps'. And an operation whose sweep formulas do not read the value `v` must not depend on it.
    @Test(arguments: Op.allCases.filter { $0.arity > 0 })
    func theSweepFormulasAreThePartials(_ op: Op) {
        let rule = op.rule
        for (a, b) in Self.arguments(op) where a.isFinite && b.isFinite && rule.kink(a, b) == nil {
            let v = op.evaluate(a, b)
            let (pa, pb) = op.partials(a, b, v)
            for (k, partial) in [pa, pb].prefix(op.arity).enumerated() where partial.isFinite && v.isFinite {
                let formula = rule.sweepFormulas[k].evaluate([a, b, v])
                if formula.isNaN, Self.hasConventionCode(op, k) { continue }  // a limit the formula cannot say: ∂(0^b)/∂b = 0
                #expect(formula == partial, "\(op) sweep formula \(k) at (\(a), \(b)): \(formula), partials \(partial)")
            }
            if !op.partialsReadValue, v.isFinite {
                let other = op.partials(a, b, v + 1)
                #expect(Self.identical(other.0, pa) && Self.identical(other.1, pb), "\(op)'s partials read v, but its sweep formulas say not")
            }
        }
    }

    /// The printed formulas are the partials (to rounding: `1/cos(a)²` against `1 + v²`), and the
    /// complex value's real part is the value, wherever the point is ordinary.
    @Test(arguments: Op.allCases.filter { $0.arity > 0 })
    func theFormulasAndTheComplexValueAgreeWithTheNumbers(_ op: Op) {
        let rule = op.rule
        for (a, b) in Self.arguments(op) where a.isFinite && b.isFinite && Swift.abs(a) < 100 && Swift.abs(b) < 100 && rule.kink(a, b) == nil {
            let v = op.evaluate(a, b)
            guard v.isFinite else { continue }
            // The printed x/(x² + y²) underflows to 0/0 or x/0 where x² + y² does; the sweeps'
            // (x/r)/r with r = hypot(y, x) does not (PartialsAccuracyTests checks it there).
            if op == .atan2, a * a + b * b < .leastNormalMagnitude { continue }
            let (pa, pb) = op.partials(a, b, v)
            for (k, partial) in [pa, pb].prefix(op.arity).enumerated() where partial.isFinite && Swift.abs(partial) < 1e12 {
                let printed = op.partialFormula(k).evaluate([a, b])
                if printed.isNaN, Self.hasConventionCode(op, k) { continue }
                #expect(Swift.abs(printed - partial) <= 1e-9 * Swift.max(1, Swift.abs(partial)),
                        "\(op) partialFormula(\(k)) at (\(a), \(b)): \(printed), partials \(partial)")
            }
            let complex = rule.value(Complex(a, 0), Complex(b, 0))
            #expect(Swift.abs(complex.real - v) <= 1e-12 * Swift.max(1, Swift.abs(v)), "\(op) complex value at (\(a), \(b)): \(complex), real \(v)")
        }
    }

    /// A piece is given exactly by the operations that have corners or jumps a plot can cross,
    /// and the operations a lesson calls kinks are those.
    @Test func piecesAndSmoothnessAgree() {
        for op in Op.allCases {
            if op.smoothness == .smooth, op != .cbrt {
                #expect(op.piece(0.3, 0.2) == nil, "\(op) is smooth, yet has pieces")
            }
        }
        #expect(Op.allCases.filter { $0.smoothness == .jumps }.map(\.name).sorted() == ["atan2", "ceil", "floor", "round", "sign", "step"])
        #expect(Op.allCases.filter { $0.smoothness == .kinks }.map(\.name).sorted() == ["abs", "hypot", "max", "min", "relu"])
    }
}
