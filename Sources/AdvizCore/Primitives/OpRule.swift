import ComplexModule
import RealModule
import Foundation

/// Everything adviz knows about one operation, in one place: how it is written, its value (real
/// and complex), its local partials (as numbers and as ``Formula``s), where it is not smooth, and
/// how it is written as code.
///
/// Each operation's rule is a caseless enum in `Sources/AdvizCore/Rules/` (``OpRules/Sin``,
/// ``OpRules/Div``, …), short enough to read on one screen, the way micrograd's `engine.py`
/// shows each operation's value beside its local derivative:
///
/// ```swift
/// public enum Sin: UnaryRule {
///     public static var op: Op { .sin }
///     public static var notation: Notation { .function(name: "sin", latex: "\\sin") }
///     public static func value(_ a: Double) -> Double { Foundation.sin(a) }
///     public static func value(_ a: Complex<Double>) -> Complex<Double> { .sin(a) }
///     public static func derivative(_ a: Double, _ v: Double) -> Double { Foundation.cos(a) }
///     public static var derivativeFormula: Formula { cos(a) }
///     public static func words(_ a: String) -> String { "takes the sine of \(a)" }
/// }
/// ```
///
/// ``Op/rule`` gives an operation's rule; every other reader asks it. The sweeps over millions
/// of nodes (``Op/evaluate(_:_:)-(Double,Double)``, ``Op/partials(_:_:_:withRespectToB:)``,
/// ``Op/kink(_:_:)``, ``Op/hasKinks``) go through ``Op/dispatch(_:)`` with a small
/// ``OpRuleVisitor``, specialised per operation so that the rule's own functions inline; a test
/// checks them against the rule for every operation at many points.
public protocol OpRule {
    /// The operation this rule is for.
    static var op: Op { get }
    /// How it is written (an infix operator, unary minus, a function), in text and LaTeX.
    static var notation: Notation { get }
    /// Other spellings the parser accepts (`ln` for `log`, NumPy's `arctan`).
    static var aliases: [String] { get }
    /// How many arguments it takes (0 for inputs and constants).
    static var arity: Int { get }

    /// The value at `a` (and `b`), IEEE semantics.
    static func value(_ a: Double, _ b: Double) -> Double
    /// The value at complex arguments, for the complex step f′(x) ≈ Im f(x + ih)/h: the analytic
    /// extension where there is one, the real part's piece where the operation is not smooth.
    static func value(_ a: Complex<Double>, _ b: Complex<Double>) -> Complex<Double>
    /// The local partials ∂v/∂a and ∂v/∂b at `a`, `b` given the result `v`, as the sweeps compute
    /// them (at a kink the subgradient ``kink(_:_:)`` names). `withRespectToB: false` may skip
    /// ∂v/∂b (its argument is a constant).
    static func partials(_ a: Double, _ b: Double, _ v: Double, withRespectToB: Bool) -> (Double, Double)
    /// The value and both partials at once, as ``value(_:_:)-(Double,Double)`` and
    /// ``partials(_:_:_:withRespectToB:)`` give them: the primal sweep's step. A rule overrides it
    /// only where both share work and give the same bits (sin and cos, by `sincos`).
    static func valueAndPartials(_ a: Double, _ b: Double, withRespectToB: Bool) -> (Double, Double, Double)
    /// The local partials as formulas over the arguments `a` = `.arg(0)` and `b` = `.arg(1)`:
    /// what a trace prints and symbolic differentiation builds on.
    static var partialFormulas: [Formula] { get }
    /// The partials as ``partials(_:_:_:withRespectToB:)`` computes them, where that reads the
    /// result `v` = `.arg(2)` (√′ = 0.5/v): the second-order graph builds these, so that its
    /// numbers are the sweeps'. By default the ``partialFormulas``.
    static var sweepFormulas: [Formula] { get }

    /// Smooth, with kinks (a corner: abs, relu, max) or with jumps (sign, floor, a branch cut).
    static var smoothness: Smoothness { get }
    /// Whether ``kink(_:_:)`` can say anything: false lets the sweeps skip asking.
    static var hasKinks: Bool { get }
    /// Where the operation is not smooth or not defined at (`a`, `b`): the warning and the
    /// convention used, or nil where value and partials are ordinary.
    static func kink(_ a: Double, _ b: Double) -> MathNote?
    /// Which smooth piece (`a`, `b`) lies on, for an operation whose pieces a plot marks
    /// (abs: the sign of `a`); nil for the operations without pieces.
    static func piece(_ a: Double, _ b: Double) -> Double?

    /// The operation in generated code, its arguments already written as `a` and `b`, with the
    /// same IEEE semantics as ``value(_:_:)-(Double,Double)``.
    static func code(_ a: String, _ b: String, in language: CodeLanguage) -> String
    /// The partial by argument `k` as code where the ``partialFormulas`` would compute another
    /// number than ``partials(_:_:_:withRespectToB:)`` (a convention at a kink, NaN kept NaN); nil
    /// elsewhere. `a`, `b`, `v` name the arguments and the result.
    static func partialCode(
        _ k: Int, a: String, b: String, v: String, constantA: Bool, constantB: Bool, in language: CodeLanguage
    ) -> String?
    /// The operation applied to polynomials in one variable, for the block interpreter's fusion
    /// (see ``Op/polynomial(_:_:maximumDegree:)``), or nil where it does not keep them polynomial.
    static func polynomial(_ a: Polynomial, _ b: Polynomial, maximumDegree: Int) -> Polynomial?

    /// What a node of this operation does, in words, for lessons: "takes the sine of v₀".
    static func words(_ a: String, _ b: String) -> String
    /// Which operation of arithmetic this is, for the simplifiers that rewrite by its algebra
    /// (0 + a → a); nil, the default, for every function.
    static var arithmetic: Arithmetic? { get }
}

/// The operations of arithmetic: the simplifiers (``Formula/folded()`` and symbolic
/// differentiation) rewrite these by their algebra and leave every other operation as it is.
public enum Arithmetic: Sendable, Equatable {
    case add, sub, mul, div, pow, neg
}

/// How smooth an operation is, for the readers that treat non-smooth ones apart.
public enum Smoothness: Sendable, Equatable {
    /// Differentiable wherever it is defined (a domain edge or a pole is not a kink).
    case smooth
    /// Continuous, with corners where the derivative jumps (abs, relu, max, hypot at the origin).
    case kinks
    /// The value itself jumps (sign, step, floor, atan2 across its branch cut).
    case jumps
}

/// A rule for an operation of one argument, written with the derivative f′(a) alone.
public protocol UnaryRule: OpRule {
    /// f(a).
    static func value(_ a: Double) -> Double
    /// f(z) at a complex argument.
    static func value(_ a: Complex<Double>) -> Complex<Double>
    /// f′(a), given the value `v` = f(a).
    static func derivative(_ a: Double, _ v: Double) -> Double
    /// f(a) and f′(a) at once: by default ``value(_:)-(Double)`` then ``derivative(_:_:)``.
    static func valueAndDerivative(_ a: Double) -> (Double, Double)
    /// f′ as a formula over `a`.
    static var derivativeFormula: Formula { get }
    /// f′ as ``derivative(_:_:)`` computes it, may read `v`; by default ``derivativeFormula``.
    static var sweepFormula: Formula { get }
    /// What it does to `a`, in words.
    static func words(_ a: String) -> String
}

/// The namespace of the rules, one caseless enum per operation (``Op/rule`` finds them).
public enum OpRules {}

// MARK: Defaults

extension OpRule {
    @inline(__always)
    public static func valueAndPartials(_ a: Double, _ b: Double, withRespectToB: Bool) -> (Double, Double, Double) {
        let v = value(a, b)
        let (pa, pb) = partials(a, b, v, withRespectToB: withRespectToB)
        return (v, pa, pb)
    }
    public static var aliases: [String] { [] }
    public static var arithmetic: Arithmetic? { nil }
    public static var sweepFormulas: [Formula] { partialFormulas }
    public static var smoothness: Smoothness { .smooth }
    public static var hasKinks: Bool { false }
    public static func kink(_ a: Double, _ b: Double) -> MathNote? { nil }
    public static func piece(_ a: Double, _ b: Double) -> Double? { nil }
    /// A function's call, `name(a)` or `name(a, b)`: C's `<math.h>` and Swift's Foundation share the names.
    public static func code(_ a: String, _ b: String, in language: CodeLanguage) -> String {
        guard case .function(let name, _) = notation else { return a }
        return arity == 2 ? "\(name)(\(a), \(b))" : "\(name)(\(a))"
    }
    public static func partialCode(
        _ k: Int, a: String, b: String, v: String, constantA: Bool, constantB: Bool, in language: CodeLanguage
    ) -> String? { nil }
    public static func polynomial(_ a: Polynomial, _ b: Polynomial, maximumDegree: Int) -> Polynomial? { nil }
}

extension UnaryRule {
    public static var arity: Int { 1 }
    @inlinable @inline(__always) public static func value(_ a: Double, _ b: Double) -> Double { value(a) }
    public static func value(_ a: Complex<Double>, _ b: Complex<Double>) -> Complex<Double> { value(a) }
    @inlinable @inline(__always)
    public static func partials(_ a: Double, _ b: Double, _ v: Double, withRespectToB: Bool) -> (Double, Double) {
        (derivative(a, v), 0)
    }
    @inline(__always)
    public static func valueAndDerivative(_ a: Double) -> (Double, Double) {
        let v = value(a)
        return (v, derivative(a, v))
    }
    @inline(__always)
    public static func valueAndPartials(_ a: Double, _ b: Double, withRespectToB: Bool) -> (Double, Double, Double) {
        let (v, d) = valueAndDerivative(a)
        return (v, d, 0)
    }
    public static var partialFormulas: [Formula] { [derivativeFormula] }
    public static var sweepFormula: Formula { derivativeFormula }
    public static var sweepFormulas: [Formula] { [sweepFormula] }
    public static func words(_ a: String, _ b: String) -> String { words(a) }
}

// MARK: Writing formulas in the rules

extension OpRule {
    /// The first argument, the second and the result, in the rules' formulas.
    static var a: Formula { .arg(0) }
    static var b: Formula { .arg(1) }
    static var v: Formula { .arg(2) }

    static func sin(_ x: Formula) -> Formula { .apply(.sin, [x]) }
    static func cos(_ x: Formula) -> Formula { .apply(.cos, [x]) }
    static func exp(_ x: Formula) -> Formula { .apply(.exp, [x]) }
    static func log(_ x: Formula) -> Formula { .apply(.log, [x]) }
    static func sqrt(_ x: Formula) -> Formula { .apply(.sqrt, [x]) }
    static func cbrt(_ x: Formula) -> Formula { .apply(.cbrt, [x]) }
    static func tanh(_ x: Formula) -> Formula { .apply(.tanh, [x]) }
    static func sinh(_ x: Formula) -> Formula { .apply(.sinh, [x]) }
    static func cosh(_ x: Formula) -> Formula { .apply(.cosh, [x]) }
    static func sigmoid(_ x: Formula) -> Formula { .apply(.sigmoid, [x]) }
    static func sign(_ x: Formula) -> Formula { .apply(.sign, [x]) }
    static func abs(_ x: Formula) -> Formula { .apply(.abs, [x]) }
    static func min(_ x: Formula, _ y: Formula) -> Formula { .apply(.min, [x, y]) }
    static func max(_ x: Formula, _ y: Formula) -> Formula { .apply(.max, [x, y]) }
    static func step(_ x: Formula) -> Formula { .apply(.step, [x]) }
    static func hypot(_ x: Formula, _ y: Formula) -> Formula { .apply(.hypot, [x, y]) }
    static func pow(_ x: Formula, _ y: Formula) -> Formula { .apply(.pow, [x, y]) }
    static func pow(_ x: Formula, _ y: Double) -> Formula { .apply(.pow, [x, .number(y)]) }
    static func number(_ x: Double) -> Formula { .number(x) }
}

extension Formula {
    static func + (l: Formula, r: Formula) -> Formula { .apply(.add, [l, r]) }
    static func + (l: Double, r: Formula) -> Formula { .apply(.add, [.number(l), r]) }
    static func + (l: Formula, r: Double) -> Formula { .apply(.add, [l, .number(r)]) }
    static func - (l: Formula, r: Formula) -> Formula { .apply(.sub, [l, r]) }
    static func - (l: Double, r: Formula) -> Formula { .apply(.sub, [.number(l), r]) }
    static func - (l: Formula, r: Double) -> Formula { .apply(.sub, [l, .number(r)]) }
    static func * (l: Formula, r: Formula) -> Formula { .apply(.mul, [l, r]) }
    static func * (l: Double, r: Formula) -> Formula { .apply(.mul, [.number(l), r]) }
    static func / (l: Formula, r: Formula) -> Formula { .apply(.div, [l, r]) }
    static func / (l: Double, r: Formula) -> Formula { .apply(.div, [.number(l), r]) }
    static prefix func - (x: Formula) -> Formula { .apply(.neg, [x]) }
}

// MARK: Finding an operation's rule

/// Something done with one operation's rule, written once and generic over the rule:
/// ``Op/dispatch(_:)`` hands it the rule type of the operation at hand.
///
/// This is how every reader of the primitive table reaches a rule without a switch of its own:
/// the hot paths (``Op/evaluate(_:_:)-(Double,Double)``, ``Op/step(_:_:withRespectToB:)``) and
/// the block interpreter's loops are visitors that the optimiser specialises for each operation,
/// so each case inlines the rule's own function.
public protocol OpRuleVisitor {
    /// What the visit gives back.
    associatedtype Result
    /// Does the work for the operation whose rule is `rule`.
    func visit<Rule: OpRule>(_ rule: Rule.Type) -> Result
}

extension Op {
    /// Calls `visitor` with this operation's rule type: the one switch over the operations.
    ///
    /// It is exhaustive, so an operation without a rule does not compile; and every rule
    /// answers every question of ``OpRule``, so none is missing an answer.
    @inlinable @inline(__always)
    public func dispatch<Visitor: OpRuleVisitor>(_ visitor: Visitor) -> Visitor.Result {
        switch self {
        case .input: visitor.visit(OpRules.Input.self)
        case .constant: visitor.visit(OpRules.Constant.self)
        case .add: visitor.visit(OpRules.Add.self)
        case .sub: visitor.visit(OpRules.Sub.self)
        case .mul: visitor.visit(OpRules.Mul.self)
        case .div: visitor.visit(OpRules.Div.self)
        case .pow: visitor.visit(OpRules.Pow.self)
        case .max: visitor.visit(OpRules.Max.self)
        case .min: visitor.visit(OpRules.Min.self)
        case .neg: visitor.visit(OpRules.Neg.self)
        case .sin: visitor.visit(OpRules.Sin.self)
        case .cos: visitor.visit(OpRules.Cos.self)
        case .tan: visitor.visit(OpRules.Tan.self)
        case .exp: visitor.visit(OpRules.Exp.self)
        case .log: visitor.visit(OpRules.Log.self)
        case .sqrt: visitor.visit(OpRules.Sqrt.self)
        case .abs: visitor.visit(OpRules.Abs.self)
        case .tanh: visitor.visit(OpRules.Tanh.self)
        case .sigmoid: visitor.visit(OpRules.Sigmoid.self)
        case .relu: visitor.visit(OpRules.Relu.self)
        case .sign: visitor.visit(OpRules.Sign.self)
        case .step: visitor.visit(OpRules.Step.self)
        case .atan2: visitor.visit(OpRules.Atan2.self)
        case .hypot: visitor.visit(OpRules.Hypot.self)
        case .atan: visitor.visit(OpRules.Atan.self)
        case .asin: visitor.visit(OpRules.Asin.self)
        case .acos: visitor.visit(OpRules.Acos.self)
        case .sinh: visitor.visit(OpRules.Sinh.self)
        case .cosh: visitor.visit(OpRules.Cosh.self)
        case .asinh: visitor.visit(OpRules.Asinh.self)
        case .acosh: visitor.visit(OpRules.Acosh.self)
        case .atanh: visitor.visit(OpRules.Atanh.self)
        case .log10: visitor.visit(OpRules.Log10.self)
        case .log2: visitor.visit(OpRules.Log2.self)
        case .log1p: visitor.visit(OpRules.Log1p.self)
        case .expm1: visitor.visit(OpRules.Expm1.self)
        case .cbrt: visitor.visit(OpRules.Cbrt.self)
        case .erf: visitor.visit(OpRules.Erf.self)
        case .floor: visitor.visit(OpRules.Floor.self)
        case .ceil: visitor.visit(OpRules.Ceil.self)
        case .round: visitor.visit(OpRules.Round.self)
        }
    }

    /// The operation's rule: its spelling, value, partials, kinks and code in one place.
    public var rule: any OpRule.Type { dispatch(RuleType()) }

    private struct RuleType: OpRuleVisitor {
        func visit<Rule: OpRule>(_ rule: Rule.Type) -> any OpRule.Type { rule }
    }
}
