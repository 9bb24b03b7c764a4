import ComplexModule
import RealModule
import Foundation

/// An elementary operation of the computational graph.
///
/// What each operation is — how it is spelled (text and LaTeX), how it evaluates, its local
/// partial derivatives (as numbers for the sweeps and as ``Formula``s for printing and symbolic
/// differentiation), where it is not smooth, how it is written as code — is its ``rule``, one
/// caseless enum per operation in `Sources/AdvizCore/Rules/` (``OpRules/Sin``). Adding an
/// operation means adding a case here and its rule there: ``rule`` and the hot paths below are
/// exhaustive switches, so a missing rule is a compile error, not a silent zero.
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

    // MARK: The hot paths: one line per operation, calling its rule, so that they inline

    // The sweeps call these at every node of tapes with millions of them, and the block
    // interpreter specialises its loops by operation: a switch whose cases call the rules'
    // own functions inlines where a call through `rule` could not. `RuleTests` checks each
    // against the rule for every operation at many points (NaN, ±∞, ±0, kinks, domain edges).

    /// The value of the operation at `a` (and `b` for binary operations), IEEE semantics.
    @inline(__always)
    public func evaluate(_ a: Double, _ b: Double) -> Double {
        switch self {
        case .input: OpRules.Input.value(a, b)
        case .constant: OpRules.Constant.value(a, b)
        case .add: OpRules.Add.value(a, b)
        case .sub: OpRules.Sub.value(a, b)
        case .mul: OpRules.Mul.value(a, b)
        case .div: OpRules.Div.value(a, b)
        case .pow: OpRules.Pow.value(a, b)
        case .max: OpRules.Max.value(a, b)
        case .min: OpRules.Min.value(a, b)
        case .neg: OpRules.Neg.value(a, b)
        case .sin: OpRules.Sin.value(a, b)
        case .cos: OpRules.Cos.value(a, b)
        case .tan: OpRules.Tan.value(a, b)
        case .exp: OpRules.Exp.value(a, b)
        case .log: OpRules.Log.value(a, b)
        case .sqrt: OpRules.Sqrt.value(a, b)
        case .abs: OpRules.Abs.value(a, b)
        case .tanh: OpRules.Tanh.value(a, b)
        case .sigmoid: OpRules.Sigmoid.value(a, b)
        case .relu: OpRules.Relu.value(a, b)
        case .sign: OpRules.Sign.value(a, b)
        case .step: OpRules.Step.value(a, b)
        case .atan2: OpRules.Atan2.value(a, b)
        case .hypot: OpRules.Hypot.value(a, b)
        case .atan: OpRules.Atan.value(a, b)
        case .asin: OpRules.Asin.value(a, b)
        case .acos: OpRules.Acos.value(a, b)
        case .sinh: OpRules.Sinh.value(a, b)
        case .cosh: OpRules.Cosh.value(a, b)
        case .asinh: OpRules.Asinh.value(a, b)
        case .acosh: OpRules.Acosh.value(a, b)
        case .atanh: OpRules.Atanh.value(a, b)
        case .log10: OpRules.Log10.value(a, b)
        case .log2: OpRules.Log2.value(a, b)
        case .log1p: OpRules.Log1p.value(a, b)
        case .expm1: OpRules.Expm1.value(a, b)
        case .cbrt: OpRules.Cbrt.value(a, b)
        case .erf: OpRules.Erf.value(a, b)
        case .floor: OpRules.Floor.value(a, b)
        case .ceil: OpRules.Ceil.value(a, b)
        case .round: OpRules.Round.value(a, b)
        }
    }

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
        switch self {
        case .input: OpRules.Input.partials(a, b, v, withRespectToB: withRespectToB)
        case .constant: OpRules.Constant.partials(a, b, v, withRespectToB: withRespectToB)
        case .add: OpRules.Add.partials(a, b, v, withRespectToB: withRespectToB)
        case .sub: OpRules.Sub.partials(a, b, v, withRespectToB: withRespectToB)
        case .mul: OpRules.Mul.partials(a, b, v, withRespectToB: withRespectToB)
        case .div: OpRules.Div.partials(a, b, v, withRespectToB: withRespectToB)
        case .pow: OpRules.Pow.partials(a, b, v, withRespectToB: withRespectToB)
        case .max: OpRules.Max.partials(a, b, v, withRespectToB: withRespectToB)
        case .min: OpRules.Min.partials(a, b, v, withRespectToB: withRespectToB)
        case .neg: OpRules.Neg.partials(a, b, v, withRespectToB: withRespectToB)
        case .sin: OpRules.Sin.partials(a, b, v, withRespectToB: withRespectToB)
        case .cos: OpRules.Cos.partials(a, b, v, withRespectToB: withRespectToB)
        case .tan: OpRules.Tan.partials(a, b, v, withRespectToB: withRespectToB)
        case .exp: OpRules.Exp.partials(a, b, v, withRespectToB: withRespectToB)
        case .log: OpRules.Log.partials(a, b, v, withRespectToB: withRespectToB)
        case .sqrt: OpRules.Sqrt.partials(a, b, v, withRespectToB: withRespectToB)
        case .abs: OpRules.Abs.partials(a, b, v, withRespectToB: withRespectToB)
        case .tanh: OpRules.Tanh.partials(a, b, v, withRespectToB: withRespectToB)
        case .sigmoid: OpRules.Sigmoid.partials(a, b, v, withRespectToB: withRespectToB)
        case .relu: OpRules.Relu.partials(a, b, v, withRespectToB: withRespectToB)
        case .sign: OpRules.Sign.partials(a, b, v, withRespectToB: withRespectToB)
        case .step: OpRules.Step.partials(a, b, v, withRespectToB: withRespectToB)
        case .atan2: OpRules.Atan2.partials(a, b, v, withRespectToB: withRespectToB)
        case .hypot: OpRules.Hypot.partials(a, b, v, withRespectToB: withRespectToB)
        case .atan: OpRules.Atan.partials(a, b, v, withRespectToB: withRespectToB)
        case .asin: OpRules.Asin.partials(a, b, v, withRespectToB: withRespectToB)
        case .acos: OpRules.Acos.partials(a, b, v, withRespectToB: withRespectToB)
        case .sinh: OpRules.Sinh.partials(a, b, v, withRespectToB: withRespectToB)
        case .cosh: OpRules.Cosh.partials(a, b, v, withRespectToB: withRespectToB)
        case .asinh: OpRules.Asinh.partials(a, b, v, withRespectToB: withRespectToB)
        case .acosh: OpRules.Acosh.partials(a, b, v, withRespectToB: withRespectToB)
        case .atanh: OpRules.Atanh.partials(a, b, v, withRespectToB: withRespectToB)
        case .log10: OpRules.Log10.partials(a, b, v, withRespectToB: withRespectToB)
        case .log2: OpRules.Log2.partials(a, b, v, withRespectToB: withRespectToB)
        case .log1p: OpRules.Log1p.partials(a, b, v, withRespectToB: withRespectToB)
        case .expm1: OpRules.Expm1.partials(a, b, v, withRespectToB: withRespectToB)
        case .cbrt: OpRules.Cbrt.partials(a, b, v, withRespectToB: withRespectToB)
        case .erf: OpRules.Erf.partials(a, b, v, withRespectToB: withRespectToB)
        case .floor: OpRules.Floor.partials(a, b, v, withRespectToB: withRespectToB)
        case .ceil: OpRules.Ceil.partials(a, b, v, withRespectToB: withRespectToB)
        case .round: OpRules.Round.partials(a, b, v, withRespectToB: withRespectToB)
        }
    }

    /// How many arguments the operation takes (0 for inputs and constants): asked at every node
    /// a tape records.
    @inline(__always)
    public var arity: Int {
        switch self {
        case .input: OpRules.Input.arity
        case .constant: OpRules.Constant.arity
        case .add: OpRules.Add.arity
        case .sub: OpRules.Sub.arity
        case .mul: OpRules.Mul.arity
        case .div: OpRules.Div.arity
        case .pow: OpRules.Pow.arity
        case .max: OpRules.Max.arity
        case .min: OpRules.Min.arity
        case .neg: OpRules.Neg.arity
        case .sin: OpRules.Sin.arity
        case .cos: OpRules.Cos.arity
        case .tan: OpRules.Tan.arity
        case .exp: OpRules.Exp.arity
        case .log: OpRules.Log.arity
        case .sqrt: OpRules.Sqrt.arity
        case .abs: OpRules.Abs.arity
        case .tanh: OpRules.Tanh.arity
        case .sigmoid: OpRules.Sigmoid.arity
        case .relu: OpRules.Relu.arity
        case .sign: OpRules.Sign.arity
        case .step: OpRules.Step.arity
        case .atan2: OpRules.Atan2.arity
        case .hypot: OpRules.Hypot.arity
        case .atan: OpRules.Atan.arity
        case .asin: OpRules.Asin.arity
        case .acos: OpRules.Acos.arity
        case .sinh: OpRules.Sinh.arity
        case .cosh: OpRules.Cosh.arity
        case .asinh: OpRules.Asinh.arity
        case .acosh: OpRules.Acosh.arity
        case .atanh: OpRules.Atanh.arity
        case .log10: OpRules.Log10.arity
        case .log2: OpRules.Log2.arity
        case .log1p: OpRules.Log1p.arity
        case .expm1: OpRules.Expm1.arity
        case .cbrt: OpRules.Cbrt.arity
        case .erf: OpRules.Erf.arity
        case .floor: OpRules.Floor.arity
        case .ceil: OpRules.Ceil.arity
        case .round: OpRules.Round.arity
        }
    }

    /// Whether ``kink(_:_:)`` can warn anywhere: false for the operations smooth everywhere,
    /// which a sweep over millions of nodes then need not ask at every node.
    @inline(__always)
    public var hasKinks: Bool {
        switch self {
        case .input: OpRules.Input.hasKinks
        case .constant: OpRules.Constant.hasKinks
        case .add: OpRules.Add.hasKinks
        case .sub: OpRules.Sub.hasKinks
        case .mul: OpRules.Mul.hasKinks
        case .div: OpRules.Div.hasKinks
        case .pow: OpRules.Pow.hasKinks
        case .max: OpRules.Max.hasKinks
        case .min: OpRules.Min.hasKinks
        case .neg: OpRules.Neg.hasKinks
        case .sin: OpRules.Sin.hasKinks
        case .cos: OpRules.Cos.hasKinks
        case .tan: OpRules.Tan.hasKinks
        case .exp: OpRules.Exp.hasKinks
        case .log: OpRules.Log.hasKinks
        case .sqrt: OpRules.Sqrt.hasKinks
        case .abs: OpRules.Abs.hasKinks
        case .tanh: OpRules.Tanh.hasKinks
        case .sigmoid: OpRules.Sigmoid.hasKinks
        case .relu: OpRules.Relu.hasKinks
        case .sign: OpRules.Sign.hasKinks
        case .step: OpRules.Step.hasKinks
        case .atan2: OpRules.Atan2.hasKinks
        case .hypot: OpRules.Hypot.hasKinks
        case .atan: OpRules.Atan.hasKinks
        case .asin: OpRules.Asin.hasKinks
        case .acos: OpRules.Acos.hasKinks
        case .sinh: OpRules.Sinh.hasKinks
        case .cosh: OpRules.Cosh.hasKinks
        case .asinh: OpRules.Asinh.hasKinks
        case .acosh: OpRules.Acosh.hasKinks
        case .atanh: OpRules.Atanh.hasKinks
        case .log10: OpRules.Log10.hasKinks
        case .log2: OpRules.Log2.hasKinks
        case .log1p: OpRules.Log1p.hasKinks
        case .expm1: OpRules.Expm1.hasKinks
        case .cbrt: OpRules.Cbrt.hasKinks
        case .erf: OpRules.Erf.hasKinks
        case .floor: OpRules.Floor.hasKinks
        case .ceil: OpRules.Ceil.hasKinks
        case .round: OpRules.Round.hasKinks
        }
    }

    /// Where the operation is not smooth or not defined at (`a`, `b`): the warning to give
    /// and the convention used, or nil where value and partials are ordinary.
    @inline(__always)  // the primal sweep asks at every node; inlined, the smooth operations cost nothing
    public func kink(_ a: Double, _ b: Double) -> MathNote? {
        switch self {
        case .input: OpRules.Input.kink(a, b)
        case .constant: OpRules.Constant.kink(a, b)
        case .add: OpRules.Add.kink(a, b)
        case .sub: OpRules.Sub.kink(a, b)
        case .mul: OpRules.Mul.kink(a, b)
        case .div: OpRules.Div.kink(a, b)
        case .pow: OpRules.Pow.kink(a, b)
        case .max: OpRules.Max.kink(a, b)
        case .min: OpRules.Min.kink(a, b)
        case .neg: OpRules.Neg.kink(a, b)
        case .sin: OpRules.Sin.kink(a, b)
        case .cos: OpRules.Cos.kink(a, b)
        case .tan: OpRules.Tan.kink(a, b)
        case .exp: OpRules.Exp.kink(a, b)
        case .log: OpRules.Log.kink(a, b)
        case .sqrt: OpRules.Sqrt.kink(a, b)
        case .abs: OpRules.Abs.kink(a, b)
        case .tanh: OpRules.Tanh.kink(a, b)
        case .sigmoid: OpRules.Sigmoid.kink(a, b)
        case .relu: OpRules.Relu.kink(a, b)
        case .sign: OpRules.Sign.kink(a, b)
        case .step: OpRules.Step.kink(a, b)
        case .atan2: OpRules.Atan2.kink(a, b)
        case .hypot: OpRules.Hypot.kink(a, b)
        case .atan: OpRules.Atan.kink(a, b)
        case .asin: OpRules.Asin.kink(a, b)
        case .acos: OpRules.Acos.kink(a, b)
        case .sinh: OpRules.Sinh.kink(a, b)
        case .cosh: OpRules.Cosh.kink(a, b)
        case .asinh: OpRules.Asinh.kink(a, b)
        case .acosh: OpRules.Acosh.kink(a, b)
        case .atanh: OpRules.Atanh.kink(a, b)
        case .log10: OpRules.Log10.kink(a, b)
        case .log2: OpRules.Log2.kink(a, b)
        case .log1p: OpRules.Log1p.kink(a, b)
        case .expm1: OpRules.Expm1.kink(a, b)
        case .cbrt: OpRules.Cbrt.kink(a, b)
        case .erf: OpRules.Erf.kink(a, b)
        case .floor: OpRules.Floor.kink(a, b)
        case .ceil: OpRules.Ceil.kink(a, b)
        case .round: OpRules.Round.kink(a, b)
        }
    }

    /// One step of the primal sweep in one dispatch: the value, the local partials (as
    /// ``partials(_:_:_:withRespectToB:)`` gives them) and whether ``kink(_:_:)`` has something to
    /// say at (`a`, `b`), asked only of the operations with kinks and only at finite arguments.
    ///
    /// The sweep calls this at every node of tapes with millions of them: one switch whose cases
    /// inline each rule's value, partials and kink test costs a third of three separate switches
    /// (the partials' and kinks' are too big to inline, so each was a call).
    @inline(__always)
    public func step(_ a: Double, _ b: Double, withRespectToB: Bool) -> SweepStep {
        switch self {
        case .input: SweepStep(OpRules.Input.self, a, b, withRespectToB)
        case .constant: SweepStep(OpRules.Constant.self, a, b, withRespectToB)
        case .add: SweepStep(OpRules.Add.self, a, b, withRespectToB)
        case .sub: SweepStep(OpRules.Sub.self, a, b, withRespectToB)
        case .mul: SweepStep(OpRules.Mul.self, a, b, withRespectToB)
        case .div: SweepStep(OpRules.Div.self, a, b, withRespectToB)
        case .pow: SweepStep(OpRules.Pow.self, a, b, withRespectToB)
        case .max: SweepStep(OpRules.Max.self, a, b, withRespectToB)
        case .min: SweepStep(OpRules.Min.self, a, b, withRespectToB)
        case .neg: SweepStep(OpRules.Neg.self, a, b, withRespectToB)
        case .sin: SweepStep(OpRules.Sin.self, a, b, withRespectToB)
        case .cos: SweepStep(OpRules.Cos.self, a, b, withRespectToB)
        case .tan: SweepStep(OpRules.Tan.self, a, b, withRespectToB)
        case .exp: SweepStep(OpRules.Exp.self, a, b, withRespectToB)
        case .log: SweepStep(OpRules.Log.self, a, b, withRespectToB)
        case .sqrt: SweepStep(OpRules.Sqrt.self, a, b, withRespectToB)
        case .abs: SweepStep(OpRules.Abs.self, a, b, withRespectToB)
        case .tanh: SweepStep(OpRules.Tanh.self, a, b, withRespectToB)
        case .sigmoid: SweepStep(OpRules.Sigmoid.self, a, b, withRespectToB)
        case .relu: SweepStep(OpRules.Relu.self, a, b, withRespectToB)
        case .sign: SweepStep(OpRules.Sign.self, a, b, withRespectToB)
        case .step: SweepStep(OpRules.Step.self, a, b, withRespectToB)
        case .atan2: SweepStep(OpRules.Atan2.self, a, b, withRespectToB)
        case .hypot: SweepStep(OpRules.Hypot.self, a, b, withRespectToB)
        case .atan: SweepStep(OpRules.Atan.self, a, b, withRespectToB)
        case .asin: SweepStep(OpRules.Asin.self, a, b, withRespectToB)
        case .acos: SweepStep(OpRules.Acos.self, a, b, withRespectToB)
        case .sinh: SweepStep(OpRules.Sinh.self, a, b, withRespectToB)
        case .cosh: SweepStep(OpRules.Cosh.self, a, b, withRespectToB)
        case .asinh: SweepStep(OpRules.Asinh.self, a, b, withRespectToB)
        case .acosh: SweepStep(OpRules.Acosh.self, a, b, withRespectToB)
        case .atanh: SweepStep(OpRules.Atanh.self, a, b, withRespectToB)
        case .log10: SweepStep(OpRules.Log10.self, a, b, withRespectToB)
        case .log2: SweepStep(OpRules.Log2.self, a, b, withRespectToB)
        case .log1p: SweepStep(OpRules.Log1p.self, a, b, withRespectToB)
        case .expm1: SweepStep(OpRules.Expm1.self, a, b, withRespectToB)
        case .cbrt: SweepStep(OpRules.Cbrt.self, a, b, withRespectToB)
        case .erf: SweepStep(OpRules.Erf.self, a, b, withRespectToB)
        case .floor: SweepStep(OpRules.Floor.self, a, b, withRespectToB)
        case .ceil: SweepStep(OpRules.Ceil.self, a, b, withRespectToB)
        case .round: SweepStep(OpRules.Round.self, a, b, withRespectToB)
        }
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
}
