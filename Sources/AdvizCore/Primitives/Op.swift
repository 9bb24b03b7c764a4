import ComplexModule
import RealModule
import Foundation

/// An elementary operation of the computational graph.
///
/// What each operation is — how it is spelled (text and LaTeX), how it evaluates, its local
/// partial derivatives (as numbers for the sweeps and as ``Formula``s for printing and symbolic
/// differentiation), where it is not smooth, how it is written as code — is its ``rule``, one
/// caseless enum per operation in `Sources/AdvizCore/Rules/` (``OpRules/Sin``). Adding an
/// operation means adding a case here and its rule there: ``dispatch(_:)``, the one switch over
/// the operations that every reader goes through, is exhaustive and each rule conforms to
/// ``OpRule``, so a missing rule or a missing answer is a compile error, not a silent zero.
public enum Op: UInt8, CaseIterable, Sendable, Hashable {
    /// An independent variable (x1, x2, …): the start of every sweep.
    case input
    /// A number written in the program (2, 0.5, pi).
    case constant
    /// Binary operations: a + b, a − b, a·b, a / b, a ^ b, max(a, b), min(a, b).
    case add, sub, mul, div, pow, max, min
    /// Unary operations: −a and the functions of one argument (`step` is Heaviside's, 0 at 0).
    case neg, sin, cos, tan, exp, log, sqrt, abs, tanh, sigmoid, relu, sign, step
    /// Binary functions: `atan2(y, x)`, the angle of the point (x, y), and `hypot(a, b)` = √(a² + b²).
    case atan2, hypot
    /// Inverse trigonometric and hyperbolic functions, as in C's `<math.h>` and NumPy.
    case atan, asin, acos, sinh, cosh, asinh, acosh, atanh
    /// Logarithms to base 10 and 2, log(1 + a), eᵃ − 1, the real cube root, the error function.
    case log10, log2, log1p, expm1, cbrt, erf
    /// Rounding: piecewise constant, so the derivative is 0 (NaN at NaN) and a warning marks each jump.
    /// `round` rounds halves away from zero, as C's `round` and Swift's `rounded()` do.
    case floor, ceil, round

    // MARK: What every reader asks: the rule's answers


    /// The operation's notation: an infix operator, unary minus, or a named function.
    public var notation: Notation { rule.notation }

    /// A short name for the operation, as JSON and graph labels show it (`mul`, `sin`).
    public var name: String { String(describing: self) }

    /// Extra spellings the parser accepts for a function (`ln` for `log`).
    public var aliases: [String] { rule.aliases }

    /// The value at complex arguments, for the complex-step derivative f′(x) ≈ Im f(x + ih)/h.
    ///
    /// Analytic operations use their complex extensions; the non-smooth ones decide by the
    /// real part, as the complex-step literature does (|z| = z where Re z ≥ 0, else −z). Where
    /// the real operation is NaN so is the complex one, and where the partial by a stepped
    /// argument is infinite or NaN the imaginary part is NaN (see `ComplexStep`): the complex
    /// step never gives a number where the derivative is not one.
    public func evaluate(_ a: Complex<Double>, _ b: Complex<Double>) -> Complex<Double> { ComplexStep.value(rule, a, b) }

    /// ``evaluate(_:_:)-(Complex<Double>,Complex<Double>)`` on a tape, where which arguments
    /// vary with the stepped input is known from the tape's structure (as AD knows it), and the
    /// arguments' real values (`real`) are the tape's.
    public func evaluate(_ a: Complex<Double>, _ b: Complex<Double>, aVaries: Bool, bVaries: Bool, real: (Double, Double)) -> Complex<Double> {
        ComplexStep.value(rule, a, b, aVaries: aVaries, bVaries: bVaries, real: real)
    }

    /// The local partial ∂v/∂(argument `index`) as a formula over the arguments,
    /// for printing ("cos(v0)") and for symbolic differentiation.
    public func partialFormula(_ index: Int) -> Formula {
        let formulas = rule.partialFormulas
        return formulas.indices.contains(index) ? formulas[index] : .number(0)
    }

    /// Whether ``partials(_:_:_:withRespectToB:)`` reads the result `v` (e′ = e, tanh′ = 1 − v²):
    /// where it does not, a sweep that only needs partials need not keep the node's value.
    public var partialsReadValue: Bool { Op.readingValue[Int(rawValue)] }

    /// ``partialsReadValue`` for every operation, read off the rules' sweep formulas once.
    private static let readingValue: [Bool] = Op.allCases.map { op in op.rule.sweepFormulas.contains { $0.mentions(argument: 2) } }

    /// Which operation of arithmetic this is (+, −, ·, /, ^, unary minus), nil for a function.
    public var arithmetic: Arithmetic? { rule.arithmetic }

    /// How smooth the operation is: smooth, with corners (abs, max) or with jumps (sign, floor).
    public var smoothness: Smoothness { rule.smoothness }

    /// Which smooth piece (`a`, `b`) lies on, for an operation with kinks or jumps that a line
    /// through the inputs crosses (a plot marks where the piece changes); nil for the others.
    ///
    /// abs, relu, sign, step and cbrt change piece where `a` changes sign; max and min where
    /// a − b does; floor, ceil and round at each new integer value; atan2 where the point
    /// crosses its branch cut (y = 0 left of the origin).
    public func piece(_ a: Double, _ b: Double) -> Double? { rule.piece(a, b) }

    /// The operation applied to polynomials in one variable, or nil if the result is not one
    /// that can stand for the steps (or its degree would pass `maximumDegree`).
    ///
    /// This is the rules' answer for fusing polynomial stretches of the tape (see ``Polynomial``):
    /// +, −, · and negation keep polynomials polynomial, as do a power with a constant natural
    /// exponent and a division by a nonzero constant; every other operation ends a stretch.
    /// Nothing is expanded that the tape computes factored — a product of sums, a power of a
    /// sum, a sum whose leading terms cancel — since the expanded form can lose every digit to
    /// cancellation near a root, where the tape's steps do not; and no coefficient may be infinite.
    public func polynomial(_ a: Polynomial, _ b: Polynomial, maximumDegree: Int = 8) -> Polynomial? {
        guard let result = rule.polynomial(a, b, maximumDegree: maximumDegree),
            result.degree <= maximumDegree, result.coefficients.allSatisfy(\.isFinite),
            result.derivative.coefficients.allSatisfy(\.isFinite)
        else { return nil }
        return result
    }

    /// The operation as an expression in generated code, its arguments already written as `a` and `b`.
    ///
    /// This is the rules' entry for `adviz codegen` and the compiled kernels: the same
    /// IEEE semantics as ``evaluate(_:_:)-(Double,Double)`` (NaN propagates through max,
    /// min and relu; `step` and `sign` are 0 at 0), spelled in C (with `<math.h>`) or Swift
    /// (with Foundation). Arguments are plain names or literals, so each is written once.
    public func code(_ a: String, _ b: String, in language: CodeLanguage) -> String { rule.code(a, b, in: language) }

    /// The local partial by argument `k` as generated code where ``partialFormula(_:)`` would
    /// compute another number than ``partials(_:_:_:withRespectToB:)``, nil elsewhere. `a`, `b`
    /// and `v` name the arguments and the result; `constantA`/`constantB` say which are constants.
    public func partialCode(
        _ k: Int, a: String, b: String, v: String, constantA: Bool, constantB: Bool, in language: CodeLanguage
    ) -> String? {
        rule.partialCode(k, a: a, b: b, v: v, constantA: constantA, constantB: constantB, in: language)
    }

    // MARK: The hot paths: one generic dispatch, specialised per operation

    // The sweeps call these at every node of tapes with millions of them, and the block
    // interpreter specialises its loops by operation. Each is a small visitor handed to
    // ``dispatch(_:)``: its one switch calls the visitor with the operation's rule type, and the
    // optimiser specialises the visitor for every case, so each case inlines the rule's own
    // function as a hand-written `case .sin: OpRules.Sin.value(a, b)` would. `RuleTests` checks
    // each against the rule for every operation at many points (NaN, ±∞, ±0, kinks, domain edges).

    /// The value of the operation at `a` (and `b` for binary operations), IEEE semantics.
    @inline(__always)
    public func evaluate(_ a: Double, _ b: Double) -> Double { dispatch(Evaluate(a: a, b: b)) }

    /// The local partial derivatives ∂v/∂a and ∂v/∂b at `a`, `b`, given the result `v`.
    ///
    /// Unary operations return 0 for ∂v/∂b. At a kink the subgradient named in
    /// ``kink(_:_:)`` is returned (abs, relu and sign at 0 give 0; max and min give
    /// the whole derivative to `a` at a tie). Where an argument is NaN, so are the partials
    /// (the value is NaN too): no convention turns NaN into a derivative.
    /// `withRespectToB: false` skips ∂v/∂b where `b` is a constant (it would be thrown away;
    /// for `pow` it costs a logarithm).
    @inline(__always)
    public func partials(_ a: Double, _ b: Double, _ v: Double, withRespectToB: Bool = true) -> (Double, Double) {
        dispatch(Partials(a: a, b: b, v: v, withRespectToB: withRespectToB))
    }

    /// How many arguments the operation takes (0 for inputs and constants): asked at every node
    /// a tape records.
    @inline(__always)
    public var arity: Int { dispatch(Arity()) }

    /// Whether ``kink(_:_:)`` can warn anywhere: false for the operations smooth everywhere,
    /// which a sweep over millions of nodes then need not ask at every node.
    @inline(__always)
    public var hasKinks: Bool { dispatch(HasKinks()) }

    /// Where the operation is not smooth or not defined at (`a`, `b`): the warning to give
    /// and the convention used, or nil where value and partials are ordinary.
    @inline(__always)  // the primal sweep asks at every node; inlined, the smooth operations cost nothing
    public func kink(_ a: Double, _ b: Double) -> MathNote? { dispatch(Kink(a: a, b: b)) }

    /// One step of the primal sweep in one dispatch: the value, the local partials (as
    /// ``partials(_:_:_:withRespectToB:)`` gives them) and whether ``kink(_:_:)`` has something to
    /// say at (`a`, `b`), asked only of the operations with kinks and only at finite arguments.
    ///
    /// The sweep calls this at every node of tapes with millions of them: one dispatch whose cases
    /// inline each rule's value, partials and kink test costs a third of three separate dispatches
    /// (the partials' and kinks' are too big to inline, so each was a call).
    @inline(__always)
    public func step(_ a: Double, _ b: Double, withRespectToB: Bool) -> SweepStep {
        dispatch(Step(a: a, b: b, withRespectToB: withRespectToB))
    }

    /// The operation named `name` in the expression language (`sin`, `ln`, `pow`), if any.
    public static func function(named name: String) -> Op? {
        functionsByName[name]
    }

    /// Every function name the language accepts, for messages and suggestions.
    public static var functionNames: [String] { functionsByName.keys.sorted() }

    private static let functionsByName: [String: Op] = {
        var table: [String: Op] = [:]
        for op in Op.allCases {
            if case .function(let name, _) = op.notation { table[name] = op }
            for alias in op.aliases { table[alias] = op }
        }
        return table
    }()
}

/// One node's step of the primal sweep: see ``Op/step(_:_:withRespectToB:)``.
public struct SweepStep: Sendable {
    /// The node's value.
    public var value: Double
    /// ∂v/∂a, as the rule computes it.
    public var partialA: Double
    /// ∂v/∂b, as the rule computes it (0 for unary operations, and where `withRespectToB` is false
    /// if the rule skips it).
    public var partialB: Double
    /// Whether the rule's ``Op/kink(_:_:)`` names a kink or an undefined point here (the arguments
    /// are finite and the operation has kinks).
    public var kinked: Bool

    /// A step from its parts, as a sweep that asked the rule for them one by one computed them.
    @inline(__always)
    init(value: Double, partialA: Double, partialB: Double, kinked: Bool) {
        (self.value, self.partialA, self.partialB, self.kinked) = (value, partialA, partialB, kinked)
    }

    @inline(__always)
    init<R: OpRule>(_ rule: R.Type, _ a: Double, _ b: Double, _ withRespectToB: Bool) {
        (value, partialA, partialB) = R.valueAndPartials(a, b, withRespectToB: withRespectToB)
        kinked = R.hasKinks && a.isFinite && b.isFinite && R.kink(a, b) != nil
    }
}

/// How an operation is written.
public enum Notation: Sendable, Equatable {
    /// Inputs and constants: written as their name or value.
    case leaf
    /// A binary operator between its arguments, with its binding strength.
    case infix(text: String, latex: String, precedence: Int)
    /// A unary operator before its argument.
    case prefix(text: String, latex: String, precedence: Int)
    /// A function call: `name(a)` or `name(a, b)`.
    case function(name: String, latex: String)
}

/// A language `adviz codegen` writes.
public enum CodeLanguage: String, Sendable, CaseIterable {
    /// C99 with `<math.h>`: readable, and the source of the compiled kernels.
    case c
    /// Swift with Foundation.
    case swift

    /// One expression that names its pieces first: `({ const double p1 = …; result; })` (a GNU C
    /// statement expression, which clang and gcc compile) or `{ () -> Double in let p1 = …; return
    /// result }()` in Swift. `bindings` are (name, expression) in order; each may read the ones
    /// before. A stable form that reads one piece several times is written once per piece instead
    /// of repeating it; the operations, and so the bits, are the same.
    public func expression(naming bindings: [(name: String, value: String)], result: String) -> String {
        guard !bindings.isEmpty else { return result }
        switch self {
        case .c: return "({ " + bindings.map { "const double \($0.name) = \($0.value);" }.joined(separator: " ") + " \(result); })"
        case .swift: return "{ () -> Double in " + bindings.map { "let \($0.name) = \($0.value)" }.joined(separator: "; ") + "; return \(result) }()"
        }
    }
}

// MARK: The hot paths' visitors

extension Op {
    struct Evaluate: OpRuleVisitor {
        let a, b: Double
        @inline(__always) func visit<Rule: OpRule>(_ rule: Rule.Type) -> Double { Rule.value(a, b) }
    }

    struct Partials: OpRuleVisitor {
        let a, b, v: Double
        let withRespectToB: Bool
        @inline(__always) func visit<Rule: OpRule>(_ rule: Rule.Type) -> (Double, Double) {
            Rule.partials(a, b, v, withRespectToB: withRespectToB)
        }
    }

    struct Arity: OpRuleVisitor {
        @inline(__always) func visit<Rule: OpRule>(_ rule: Rule.Type) -> Int { Rule.arity }
    }

    struct HasKinks: OpRuleVisitor {
        @inline(__always) func visit<Rule: OpRule>(_ rule: Rule.Type) -> Bool { Rule.hasKinks }
    }

    struct Kink: OpRuleVisitor {
        let a, b: Double
        @inline(__always) func visit<Rule: OpRule>(_ rule: Rule.Type) -> MathNote? { Rule.kink(a, b) }
    }

    struct Step: OpRuleVisitor {
        let a, b: Double
        let withRespectToB: Bool
        @inline(__always) func visit<Rule: OpRule>(_ rule: Rule.Type) -> SweepStep { SweepStep(rule, a, b, withRespectToB) }
    }
}
