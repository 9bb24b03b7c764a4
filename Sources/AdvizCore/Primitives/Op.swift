import ComplexModule
import RealModule
import Foundation

/// An elementary operation of the computational graph: the one table every pass reads.
///
/// Each case knows, in this file and nowhere else, how it is spelled (text and LaTeX),
/// how it evaluates, its local partial derivatives (as numbers for the sweeps and as
/// ``Formula``s for printing and symbolic differentiation), and where it is not smooth.
/// Adding an operation means adding a case here: every `switch` below is exhaustive, so
/// a missing rule is a compile error, not a silent zero.
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

    /// How many arguments the operation takes (0 for inputs and constants).
    public var arity: Int {
        switch self {
        case .input, .constant: 0
        case .add, .sub, .mul, .div, .pow, .max, .min, .atan2, .hypot: 2
        case .neg, .sin, .cos, .tan, .exp, .log, .sqrt, .abs, .tanh, .sigmoid, .relu, .sign, .step: 1
        case .atan, .asin, .acos, .sinh, .cosh, .asinh, .acosh, .atanh: 1
        case .log10, .log2, .log1p, .expm1, .cbrt, .erf, .floor, .ceil, .round: 1
        }
    }

    /// The operation's notation: an infix operator, unary minus, or a named function.
    public var notation: Notation {
        switch self {
        case .input, .constant: .leaf
        case .add: .infix(text: "+", latex: "+", precedence: 1)
        case .sub: .infix(text: "-", latex: "-", precedence: 1)
        case .mul: .infix(text: "·", latex: "\\cdot", precedence: 2)
        case .div: .infix(text: "/", latex: "/", precedence: 2)
        case .pow: .infix(text: "^", latex: "^", precedence: 4)
        case .neg: .prefix(text: "-", latex: "-", precedence: 3)
        case .max: .function(name: "max", latex: "\\max")
        case .min: .function(name: "min", latex: "\\min")
        case .sin: .function(name: "sin", latex: "\\sin")
        case .cos: .function(name: "cos", latex: "\\cos")
        case .tan: .function(name: "tan", latex: "\\tan")
        case .exp: .function(name: "exp", latex: "\\exp")
        case .log: .function(name: "log", latex: "\\ln")
        case .sqrt: .function(name: "sqrt", latex: "\\sqrt")
        case .abs: .function(name: "abs", latex: "\\operatorname{abs}")
        case .tanh: .function(name: "tanh", latex: "\\tanh")
        case .sigmoid: .function(name: "sigmoid", latex: "\\sigma")
        case .relu: .function(name: "relu", latex: "\\operatorname{relu}")
        case .sign: .function(name: "sign", latex: "\\operatorname{sign}")
        case .step: .function(name: "step", latex: "H")
        case .atan2: .function(name: "atan2", latex: "\\operatorname{atan2}")
        case .hypot: .function(name: "hypot", latex: "\\operatorname{hypot}")
        case .atan: .function(name: "atan", latex: "\\arctan")
        case .asin: .function(name: "asin", latex: "\\arcsin")
        case .acos: .function(name: "acos", latex: "\\arccos")
        case .sinh: .function(name: "sinh", latex: "\\sinh")
        case .cosh: .function(name: "cosh", latex: "\\cosh")
        case .asinh: .function(name: "asinh", latex: "\\operatorname{arsinh}")
        case .acosh: .function(name: "acosh", latex: "\\operatorname{arcosh}")
        case .atanh: .function(name: "atanh", latex: "\\operatorname{artanh}")
        case .log10: .function(name: "log10", latex: "\\log_{10}")
        case .log2: .function(name: "log2", latex: "\\log_{2}")
        case .log1p: .function(name: "log1p", latex: "\\operatorname{log1p}")
        case .expm1: .function(name: "expm1", latex: "\\operatorname{expm1}")
        case .cbrt: .function(name: "cbrt", latex: "\\sqrt[3]")
        case .erf: .function(name: "erf", latex: "\\operatorname{erf}")
        case .floor: .function(name: "floor", latex: "\\operatorname{floor}")
        case .ceil: .function(name: "ceil", latex: "\\operatorname{ceil}")
        case .round: .function(name: "round", latex: "\\operatorname{round}")
        }
    }

    /// A short name for the operation, as JSON and graph labels show it (`mul`, `sin`).
    public var name: String { String(describing: self) }

    /// Extra spellings the parser accepts for a function (`ln` for `log`).
    public var aliases: [String] {
        switch self {
        case .log: ["ln"]
        case .pow: ["pow"]
        case .sigmoid: ["logistic"]
        // NumPy's spellings.
        case .atan: ["arctan"]
        case .asin: ["arcsin"]
        case .acos: ["arccos"]
        case .atan2: ["arctan2"]
        case .asinh: ["arcsinh"]
        case .acosh: ["arccosh"]
        case .atanh: ["arctanh"]
        default: []
        }
    }

    /// The value of the operation at `a` (and `b` for binary operations), IEEE semantics.
    @inline(__always)
    public func evaluate(_ a: Double, _ b: Double) -> Double {
        switch self {
        case .input, .constant: a
        case .add: a + b
        case .sub: a - b
        case .mul: a * b
        case .div: a / b
        case .pow: b == 2 ? a * a : Foundation.pow(a, b)  // a·a is pow(a, 2) correctly rounded, at a tenth of the cost
        case .max: a >= b ? a : (b > a ? b : a + b) // NaN propagates
        case .min: a <= b ? a : (b < a ? b : a + b)
        case .neg: -a
        case .sin: Foundation.sin(a)
        case .cos: Foundation.cos(a)
        case .tan: Foundation.tan(a)
        case .exp: Foundation.exp(a)
        case .log: Foundation.log(a)
        case .sqrt: a.squareRoot()
        case .abs: Swift.abs(a)
        case .tanh: Foundation.tanh(a)
        case .sigmoid: 1 / (1 + Foundation.exp(-a))
        case .relu: a > 0 ? a : (a.isNaN ? a : 0)
        case .sign: a > 0 ? 1 : (a < 0 ? -1 : (a.isNaN ? a : 0))
        case .step: a > 0 ? 1 : (a.isNaN ? a : 0)
        case .atan2: Foundation.atan2(a, b)
        case .hypot: Foundation.hypot(a, b)
        case .atan: Foundation.atan(a)
        case .asin: Foundation.asin(a)
        case .acos: Foundation.acos(a)
        case .sinh: Foundation.sinh(a)
        case .cosh: Foundation.cosh(a)
        case .asinh: Foundation.asinh(a)
        case .acosh: Foundation.acosh(a)
        case .atanh: Foundation.atanh(a)
        case .log10: Foundation.log10(a)
        case .log2: Foundation.log2(a)
        case .log1p: Foundation.log1p(a)
        case .expm1: Foundation.expm1(a)
        case .cbrt: Foundation.cbrt(a)
        case .erf: Foundation.erf(a)
        case .floor: Foundation.floor(a)
        case .ceil: Foundation.ceil(a)
        case .round: Foundation.round(a)
        }
    }

    /// The value at complex arguments, for the complex-step derivative f′(x) ≈ Im f(x + ih)/h.
    ///
    /// Analytic operations use their complex extensions; the non-smooth ones decide by the
    /// real part, as the complex-step literature does (|z| = z where Re z ≥ 0, else −z).
    public func evaluate(_ a: Complex<Double>, _ b: Complex<Double>) -> Complex<Double> {
        switch self {
        case .input, .constant: a
        case .add: a + b
        case .sub: a - b
        case .mul: a * b
        case .div: a / b
        case .pow:
            // Integer powers by repeated products: exact, and defined for negative bases.
            if b.imaginary == 0, b.real == b.real.rounded(), Swift.abs(b.real) <= 64 {
                Complex.pow(a, Int(b.real))
            } else {
                Complex.pow(a, b)
            }
        case .max: a.real >= b.real ? a : b
        case .min: a.real <= b.real ? a : b
        case .neg: -a
        case .sin: Complex.sin(a)
        case .cos: Complex.cos(a)
        case .tan: Complex.tan(a)
        case .exp: Complex.exp(a)
        case .log: Complex.log(a)
        case .sqrt: Complex.sqrt(a)
        case .abs: a.real >= 0 ? a : -a
        case .tanh: Complex.tanh(a)
        case .sigmoid: 1 / (1 + Complex.exp(-a))
        case .relu: a.real > 0 ? a : .zero
        case .sign, .step, .floor, .ceil, .round: Complex(evaluate(a.real, 0), 0)
        // swift-numerics' inverse functions compute the real part of log|w| for a w near 1, where
        // the complex step's 1e-20 is rounded away; these formulas keep it (see ComplexStep).
        case .atan2: ComplexStep.atan2(a, b)
        case .hypot: ComplexStep.hypot(a, b)
        case .atan: ComplexStep.atan(a)
        case .asin: ComplexStep.asin(a)
        case .acos: ComplexStep.acos(a)
        case .sinh: Complex.sinh(a)
        case .cosh: Complex.cosh(a)
        case .asinh: ComplexStep.asinh(a)
        case .acosh: ComplexStep.acosh(a)
        case .atanh: ComplexStep.atanh(a)
        case .log10: Complex.log(a) / Complex(Foundation.log(10.0))
        case .log2: Complex.log(a) / Complex(Foundation.log(2.0))
        case .log1p: Complex.log(onePlus: a)
        case .expm1: Complex.expMinusOne(a)
        case .cbrt: ComplexStep.cbrt(a)
        case .erf: ComplexStep.erf(a)
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
        case .input, .constant: (0, 0)
        case .add: (1, 1)
        case .sub: (1, -1)
        case .mul: (b, a)
        case .div: (1 / b, -a / (b * b))
        case .pow:
            // ∂/∂a = b·a^(b−1); ∂/∂b = a^b·ln a, which only exists for a > 0 (its limit is 0 at a = 0).
            (b == 0 ? 0 : (b == 2 ? 2 * a : b * Foundation.pow(a, b - 1)), !withRespectToB ? 0 : a > 0 ? v * Foundation.log(a) : (a == 0 ? (b > 0 ? 0 : -.infinity) : .nan))
        // A NaN argument makes every partial NaN: NaN is never turned into a number.
        case .max: a >= b ? (1, 0) : (b > a ? (0, 1) : (.nan, .nan))
        case .min: a <= b ? (1, 0) : (b < a ? (0, 1) : (.nan, .nan))
        case .neg: (-1, 0)
        case .sin: (Foundation.cos(a), 0)
        case .cos: (-Foundation.sin(a), 0)
        case .tan: (1 + v * v, 0)
        case .exp: (v, 0)
        case .log: (1 / a, 0)
        case .sqrt: (0.5 / v, 0)
        case .abs: (a > 0 ? 1 : (a < 0 ? -1 : (a == 0 ? 0 : .nan)), 0)
        case .tanh: (1 - v * v, 0)
        case .sigmoid: (v * (1 - v), 0)
        case .relu: (a > 0 ? 1 : (a <= 0 ? 0 : .nan), 0)
        case .sign, .step, .floor, .ceil, .round: (a.isNaN ? a : 0, 0)
        // atan2(y, x): ∂/∂y = x/(x² + y²), ∂/∂x = −y/(x² + y²); 0/0 = NaN at the origin, where no angle is smooth.
        case .atan2: (b / (a * a + b * b), -(a / (a * a + b * b)))
        // hypot: a/v and b/v; at the origin (a cone's tip) the subgradient 0, as abs takes at 0.
        case .hypot: a == 0 && b == 0 ? (0, 0) : (a / v, b / v)
        case .atan: (1 / (1 + a * a), 0)
        case .asin: (1 / (1 - a * a).squareRoot(), 0)
        case .acos: (-(1 / (1 - a * a).squareRoot()), 0)
        case .sinh: (Foundation.cosh(a), 0)
        case .cosh: (Foundation.sinh(a), 0)
        case .asinh: (1 / (a * a + 1).squareRoot(), 0)
        case .acosh: (1 / (a * a - 1).squareRoot(), 0)
        case .atanh: (1 / (1 - a * a), 0)
        case .log10: (1 / (a * Foundation.log(10.0)), 0)
        case .log2: (1 / (a * Foundation.log(2.0)), 0)
        case .log1p: (1 / (1 + a), 0)
        case .expm1: (Foundation.exp(a), 0)
        case .cbrt: (1 / (3 * (v * v)), 0)
        case .erf: (2 / Double.pi.squareRoot() * Foundation.exp(-(a * a)), 0)
        }
    }

    /// The operation applied to polynomials in one variable, or nil if the result is not one
    /// that can stand for the steps (or its degree would pass `maximumDegree`).
    ///
    /// This is the table's rule for fusing polynomial stretches of the tape (see ``Polynomial``):
    /// +, −, · and negation keep polynomials polynomial, as do a power with a constant natural
    /// exponent and a division by a nonzero constant; every other operation ends a stretch.
    /// Nothing is expanded that the tape computes factored — a product of sums, a power of a
    /// sum, a sum whose leading terms cancel — since the expanded form can lose every digit to
    /// cancellation near a root, where the tape's steps do not; and no coefficient may be infinite.
    public func polynomial(_ a: Polynomial, _ b: Polynomial, maximumDegree: Int = 8) -> Polynomial? {
        let result: Polynomial
        switch self {
        case .add, .sub:
            // No terms of one degree may cancel, the leading ones or any other: the tape computes
            // `x + 1e16 − 1e16` as (x + 1e16) − 1e16 = 0 at x = 1, the collected x + 0 gives 1; and
            // at x = ∞ the tape's ∞ − ∞ is NaN where a collected coefficient gives ±∞.
            for k in 0..<Swift.min(a.coefficients.count, b.coefficients.count) {
                let p = a.coefficients[k], q = self == .add ? b.coefficients[k] : -b.coefficients[k]
                if p != 0, q != 0, (p > 0) != (q > 0) { return nil }
            }
            result = self == .add ? a + b : a - b
            guard result.degree == Swift.max(a.degree, b.degree) else { return nil }
        case .mul:
            guard a.degree <= 0 || b.degree <= 0 || (a.isMonomial && b.isMonomial) else { return nil }
            result = a * b
        case .neg: result = -a
        case .div:
            guard let c = b.constantValue, c != 0, c.isFinite, (1 / c).isFinite else { return nil }
            result = a * .constant(1 / c)
        case .pow:
            guard let n = b.constantValue, n >= 0, n == n.rounded(), n <= Double(maximumDegree), a.isMonomial || n <= 1 else { return nil }
            result = a.power(Int(n))
        case .input, .constant, .max, .min, .sin, .cos, .tan, .exp, .log, .sqrt, .abs, .tanh, .sigmoid, .relu, .sign, .step,
            .atan2, .hypot, .atan, .asin, .acos, .sinh, .cosh, .asinh, .acosh, .atanh, .log10, .log2, .log1p, .expm1, .cbrt,
            .erf, .floor, .ceil, .round:
            return nil
        }
        guard result.degree <= maximumDegree, result.coefficients.allSatisfy(\.isFinite),
            result.derivative.coefficients.allSatisfy(\.isFinite)
        else { return nil }
        return result
    }

    /// Whether ``partials(_:_:_:withRespectToB:)`` reads the result `v` (e′ = e, tanh′ = 1 − v²):
    /// where it does not, a sweep that only needs partials need not keep the node's value.
    public var partialsReadValue: Bool {
        switch self {
        case .pow, .tan, .exp, .sqrt, .tanh, .sigmoid, .hypot, .cbrt: true
        case .input, .constant, .add, .sub, .mul, .div, .max, .min, .neg, .sin, .cos, .log, .abs, .relu, .sign, .step: false
        case .atan2, .atan, .asin, .acos, .sinh, .cosh, .asinh, .acosh, .atanh, .log10, .log2, .log1p, .expm1, .erf: false
        case .floor, .ceil, .round: false
        }
    }

    /// The local partial ∂v/∂(argument `index`) as a formula over the arguments,
    /// for printing ("cos(v0)") and for symbolic differentiation.
    public func partialFormula(_ index: Int) -> Formula {
        let a = Formula.arg(0), b = Formula.arg(1)
        let one = Formula.number(1)
        switch (self, index) {
        case (.input, _), (.constant, _): return .number(0)
        case (.add, _): return one
        case (.sub, 0): return one
        case (.sub, _): return .number(-1)
        case (.mul, 0): return b
        case (.mul, _): return a
        case (.div, 0): return .apply(.div, [one, b])
        case (.div, _): return .apply(.neg, [.apply(.div, [a, .apply(.pow, [b, .number(2)])])])
        case (.pow, 0): return .apply(.mul, [b, .apply(.pow, [a, .apply(.sub, [b, one])])])
        case (.pow, _): return .apply(.mul, [.apply(.pow, [a, b]), .apply(.log, [a])])
        case (.max, 0): return .apply(.sub, [one, .apply(.step, [.apply(.sub, [b, a])])])
        case (.max, _): return .apply(.step, [.apply(.sub, [b, a])])
        case (.min, 0): return .apply(.sub, [one, .apply(.step, [.apply(.sub, [a, b])])])
        case (.min, _): return .apply(.step, [.apply(.sub, [a, b])])
        case (.neg, _): return .number(-1)
        case (.sin, _): return .apply(.cos, [a])
        case (.cos, _): return .apply(.neg, [.apply(.sin, [a])])
        case (.tan, _): return .apply(.div, [one, .apply(.pow, [.apply(.cos, [a]), .number(2)])])
        case (.exp, _): return .apply(.exp, [a])
        case (.log, _): return .apply(.div, [one, a])
        case (.sqrt, _): return .apply(.div, [one, .apply(.mul, [.number(2), .apply(.sqrt, [a])])])
        case (.abs, _): return .apply(.sign, [a])
        case (.tanh, _): return .apply(.sub, [one, .apply(.pow, [.apply(.tanh, [a]), .number(2)])])
        case (.sigmoid, _):
            return .apply(.mul, [.apply(.sigmoid, [a]), .apply(.sub, [one, .apply(.sigmoid, [a])])])
        case (.relu, _): return .apply(.step, [a])
        case (.sign, _), (.step, _), (.floor, _), (.ceil, _), (.round, _): return .number(0)
        case (.atan2, 0): return .apply(.div, [b, .apply(.add, [.apply(.pow, [a, .number(2)]), .apply(.pow, [b, .number(2)])])])
        case (.atan2, _):
            return .apply(.neg, [.apply(.div, [a, .apply(.add, [.apply(.pow, [a, .number(2)]), .apply(.pow, [b, .number(2)])])])])
        case (.hypot, 0): return .apply(.div, [a, .apply(.hypot, [a, b])])
        case (.hypot, _): return .apply(.div, [b, .apply(.hypot, [a, b])])
        case (.atan, _): return .apply(.div, [one, .apply(.add, [one, .apply(.pow, [a, .number(2)])])])
        case (.asin, _): return .apply(.div, [one, .apply(.sqrt, [.apply(.sub, [one, .apply(.pow, [a, .number(2)])])])])
        case (.acos, _):
            return .apply(.neg, [.apply(.div, [one, .apply(.sqrt, [.apply(.sub, [one, .apply(.pow, [a, .number(2)])])])])])
        case (.sinh, _): return .apply(.cosh, [a])
        case (.cosh, _): return .apply(.sinh, [a])
        case (.asinh, _): return .apply(.div, [one, .apply(.sqrt, [.apply(.add, [.apply(.pow, [a, .number(2)]), one])])])
        case (.acosh, _): return .apply(.div, [one, .apply(.sqrt, [.apply(.sub, [.apply(.pow, [a, .number(2)]), one])])])
        case (.atanh, _): return .apply(.div, [one, .apply(.sub, [one, .apply(.pow, [a, .number(2)])])])
        case (.log10, _): return .apply(.div, [one, .apply(.mul, [a, .apply(.log, [.number(10)])])])
        case (.log2, _): return .apply(.div, [one, .apply(.mul, [a, .apply(.log, [.number(2)])])])
        case (.log1p, _): return .apply(.div, [one, .apply(.add, [one, a])])
        case (.expm1, _): return .apply(.exp, [a])
        case (.cbrt, _): return .apply(.div, [one, .apply(.mul, [.number(3), .apply(.pow, [.apply(.cbrt, [a]), .number(2)])])])
        case (.erf, _):
            // 2/√π · e^(−a²), the constant written as the quotient the reader recognises.
            return .apply(.mul, [.apply(.div, [.number(2), .apply(.sqrt, [.number(Double.pi)])]), .apply(.exp, [.apply(.neg, [.apply(.pow, [a, .number(2)])])])])
        }
    }

    /// Whether ``kink(_:_:)`` can warn anywhere: false for the operations smooth everywhere,
    /// which a sweep over millions of nodes then need not ask at every node.
    public var hasKinks: Bool {
        switch self {
        case .input, .constant, .add, .sub, .mul, .neg, .sin, .cos, .exp, .tanh, .sigmoid: false
        case .atan, .sinh, .cosh, .asinh, .expm1, .erf: false
        case .step, .div, .pow, .tan, .log, .sqrt, .abs, .relu, .sign, .max, .min: true
        case .atan2, .hypot, .asin, .acos, .acosh, .atanh, .log10, .log2, .log1p, .cbrt, .floor, .ceil, .round: true
        }
    }

    /// Which smooth piece (`a`, `b`) lies on, for an operation with kinks or jumps that a line
    /// through the inputs crosses (a plot marks where the piece changes); nil for the others.
    ///
    /// abs, relu, sign, step and cbrt change piece where `a` changes sign; max and min where
    /// a − b does; floor, ceil and round at each new integer value; atan2 where the point
    /// crosses its branch cut (y = 0 left of the origin).
    public func piece(_ a: Double, _ b: Double) -> Double? {
        switch self {
        case .abs, .relu, .sign, .step, .cbrt: a > 0 ? 1 : (a < 0 ? -1 : (a == 0 ? 0 : .nan))
        case .max, .min: a > b ? 1 : (a < b ? -1 : (a == b ? 0 : .nan))
        case .floor, .ceil, .round: evaluate(a, b)
        case .atan2: b < 0 ? (a.sign == .minus ? -1 : 1) : 0
        case .input, .constant, .add, .sub, .mul, .div, .pow, .neg, .sin, .cos, .tan, .exp, .log, .sqrt, .tanh, .sigmoid,
            .hypot, .atan, .asin, .acos, .sinh, .cosh, .asinh, .acosh, .atanh, .log10, .log2, .log1p, .expm1, .erf:
            nil
        }
    }

    /// Where the operation is not smooth or not defined at (`a`, `b`): the warning to give
    /// and the convention used, or nil where value and partials are ordinary.
    @inline(__always)  // the primal sweep asks at every node; inlined, the smooth operations cost nothing
    public func kink(_ a: Double, _ b: Double) -> MathNote? {
        switch self {
        case .input, .constant, .add, .sub, .mul, .neg, .sin, .cos, .exp, .tanh, .sigmoid:
            return nil
        case .atan, .sinh, .cosh, .asinh, .expm1, .erf:
            return nil
        case .atan2:
            if a == 0 && b == 0 { return "atan2 at the origin: no angle is smooth there, ∂ = 0/0 = NaN" }
            if a == 0 && b < 0 { return "atan2 on its branch cut (y = 0, x < 0): the angle jumps between π and −π" }
            return nil
        case .hypot: return a == 0 && b == 0 ? "hypot at the origin (a cone's tip): subgradient 0 used" : nil
        case .asin, .acos:
            if Swift.abs(a) == 1 { return "\(name) at ±1: \(partial: 0) is infinite" }
            if Swift.abs(a) > 1 { return "\(name) outside [−1, 1]: NaN" }
            return nil
        case .acosh:
            if a == 1 { return "acosh at 1: \(partial: 0) is infinite" }
            if a < 1 { return "acosh below 1: NaN" }
            return nil
        case .atanh:
            if Swift.abs(a) == 1 { return "atanh at ±1: value ±inf, \(partial: 0) = inf" }
            if Swift.abs(a) > 1 { return "atanh outside [−1, 1]: NaN" }
            return nil
        case .log10, .log2:
            if a == 0 { return "\(name) of 0: value −inf, \(partial: 0) = inf" }
            if a < 0 { return "\(name) of a negative number: NaN" }
            return nil
        case .log1p:
            if a == -1 { return "log1p at −1: value −inf, \(partial: 0) = inf" }
            if a < -1 { return "log1p below −1: NaN" }
            return nil
        case .cbrt: return a == 0 ? "cbrt at 0: \(partial: 0) = inf (a vertical tangent)" : nil
        case .floor, .ceil:
            return a.isFinite && a == a.rounded() ? "\(name) at an integer (a jump): derivative 0 used" : nil
        case .round:
            return a.isFinite && Swift.abs(a - a.rounded(.towardZero)) == 0.5 ? "round at a half-integer (a jump): derivative 0 used" : nil
        case .step: return a == 0 ? "step at 0 (a jump): derivative 0 used" : nil
        case .div:
            return b == 0 ? "division by zero: IEEE result \(a == 0 ? "NaN" : "±inf")" : nil
        case .pow:
            if a == 0 && b == 0 { return "0^0: taken as 1 (IEEE pow); \(partial: 0) = 0; \(partial: 1) = −inf (ln 0)" }
            if a == 0 && b < 0 { return "power of 0 with a negative exponent: value inf, \(partial: 0) infinite" }
            if a == 0 && b < 1 && b != 0 { return "power of 0 with exponent < 1: \(partial: 0) is infinite" }
            if a < 0 && b.rounded() != b { return "negative base with a non-integer exponent: NaN" }
            return nil
        case .tan:
            return Swift.abs(Foundation.cos(a)) < 1e-12 ? "tan at a pole (cos = 0): value and \(partial: 0) blow up" : nil
        case .log:
            if a == 0 { return "log of 0: value −inf, \(partial: 0) = inf" }
            if a < 0 { return "log of a negative number: NaN" }
            return nil
        case .sqrt:
            if a == 0 { return "sqrt at 0: \(partial: 0) = inf" }
            if a < 0 { return "sqrt of a negative number: NaN" }
            return nil
        case .abs: return a == 0 ? "abs at its kink 0: subgradient 0 used" : nil
        case .relu: return a == 0 ? "relu at its kink 0: subgradient 0 used" : nil
        case .sign: return a == 0 ? "sign at 0 (a jump): derivative 0 used" : nil
        case .max: return a == b ? "max at a tie: the first argument takes the derivative (\(partial: 0) = 1, \(partial: 1) = 0)" : nil
        case .min: return a == b ? "min at a tie: the first argument takes the derivative (\(partial: 0) = 1, \(partial: 1) = 0)" : nil
        }
    }

    /// The operation as an expression in generated code, its arguments already written as `a` and `b`.
    ///
    /// This is the table's entry for `adviz codegen` and the compiled kernels: the same
    /// IEEE semantics as ``evaluate(_:_:)-(Double,Double)`` (NaN propagates through max,
    /// min and relu; `step` and `sign` are 0 at 0), spelled in C (with `<math.h>`) or Swift
    /// (with Foundation). Arguments are plain names or literals, so each is written once.
    public func code(_ a: String, _ b: String, in language: CodeLanguage) -> String {
        let c = language == .c
        switch self {
        case .input, .constant: return a
        case .add: return "\(a) + \(b)"
        case .sub: return "\(a) - \(b)"
        case .mul: return "\(a) * \(b)"
        case .div: return "\(a) / \(b)"
        case .pow: return "pow(\(a), \(b))"
        case .max: return "(\(a) >= \(b) ? \(a) : (\(b) > \(a) ? \(b) : \(a) + \(b)))"
        case .min: return "(\(a) <= \(b) ? \(a) : (\(b) < \(a) ? \(b) : \(a) + \(b)))"
        case .neg: return "-\(a)"
        case .sin, .cos, .tan, .exp, .log, .tanh: return "\(name)(\(a))"
        // The same names in C's <math.h> and in Swift's Foundation.
        case .atan, .asin, .acos, .sinh, .cosh, .asinh, .acosh, .atanh, .log10, .log2, .log1p, .expm1, .cbrt, .erf,
            .floor, .ceil, .round:
            return "\(name)(\(a))"
        case .atan2, .hypot: return "\(name)(\(a), \(b))"
        case .sqrt: return c ? "sqrt(\(a))" : "\(a).squareRoot()"
        case .abs: return c ? "fabs(\(a))" : "Swift.abs(\(a))"
        case .sigmoid: return "1.0 / (1.0 + exp(-\(a)))"
        case .relu: return "(\(a) > 0.0 ? \(a) : (\(a) != \(a) ? \(a) : 0.0))"
        case .sign: return "(\(a) > 0.0 ? 1.0 : (\(a) < 0.0 ? -1.0 : (\(a) != \(a) ? \(a) : 0.0)))"
        case .step: return "(\(a) > 0.0 ? 1.0 : (\(a) != \(a) ? \(a) : 0.0))"
        }
    }

    /// The local partial by argument `k` as generated code where ``partialFormula(_:)`` would
    /// compute another number than ``partials(_:_:_:withRespectToB:)``, nil elsewhere. `a`, `b`
    /// and `v` name the arguments and the result; `constantA`/`constantB` say which are constants.
    ///
    /// - sign and step: the partial 0, but NaN where `a` is NaN;
    /// - max and min: `1 − step(b − a)` is NaN at equal infinities (∞ − ∞), where the rule gives 1;
    /// - pow: `b·a^(b−1)` is 0·∞ = NaN at a = 0, b = 0, where the rule gives 0 (a⁰ is constant),
    ///   and `a^b·ln a` is 0·(−∞) at a = 0, where the rule gives its limit 0 (b > 0). With a constant
    ///   exponent (x², the common case) the formula is exact and stays: `2.0 * v0` vectorises.
    public func partialCode(
        _ k: Int, a: String, b: String, v: String, constantA: Bool, constantB: Bool, in language: CodeLanguage
    ) -> String? {
        let c = language == .c
        let nan = c ? "NAN" : "Double.nan", inf = c ? "INFINITY" : "Double.infinity"
        switch (self, k) {
        case (.sign, _), (.step, _), (.floor, _), (.ceil, _), (.round, _): return c ? "(\(a) != \(a) ? \(a) : 0.0)" : "(\(a).isNaN ? \(a) : 0.0)"
        // hypot: a/v is 0/0 at the origin, where the rule takes the subgradient 0.
        case (.hypot, _):
            let top = k == 0 ? a : b
            return "(\(a) == 0.0 && \(b) == 0.0 ? 0.0 : \(top) / \(v))"
        case (.max, 0): return "(\(a) >= \(b) ? 1.0 : (\(b) > \(a) ? 0.0 : \(nan)))"
        case (.max, _): return "(\(a) >= \(b) ? 0.0 : (\(b) > \(a) ? 1.0 : \(nan)))"
        case (.min, 0): return "(\(a) <= \(b) ? 1.0 : (\(b) < \(a) ? 0.0 : \(nan)))"
        case (.min, _): return "(\(a) <= \(b) ? 0.0 : (\(b) < \(a) ? 1.0 : \(nan)))"
        case (.pow, 0) where !constantB: return "(\(b) == 0.0 ? 0.0 : \(b) * pow(\(a), \(b) - 1.0))"
        case (.pow, 1) where !(constantA && a.first != "(" && a != "0.0"):  // a positive constant base keeps v·ln a
            let log = c ? "log(\(a))" : "Foundation.log(\(a))"
            return "(\(a) > 0.0 ? \(v) * \(log) : (\(a) == 0.0 ? (\(b) > 0.0 ? 0.0 : -\(inf)) : \(nan)))"
        default: return nil
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
