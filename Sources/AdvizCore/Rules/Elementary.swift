import ComplexModule
import RealModule
import Foundation

// The functions of a first course: sin, cos, tan, exp, log, sqrt, and the activations tanh and
// sigmoid. Where the derivative is cheapest from the value (exp′ = v, √′ = 0.5/v) the sweeps
// compute it so, and `sweepFormula` says how; but never by a subtraction that cancels (tanh′ is
// (1/cosh)², not 1 − v²).

extension OpRules {
    public enum Sin: UnaryRule {
        public static var op: Op { .sin }
        public static var notation: Notation { .function(name: "sin", latex: "\\sin") }
        @inline(__always) public static func value(_ a: Double) -> Double { Foundation.sin(a) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { .sin(a) }
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { Foundation.cos(a) }
        /// sin and cos by one `sincos`: the same bits as the two calls, at about 60% of their time.
        @inline(__always) public static func valueAndDerivative(_ a: Double) -> (Double, Double) { sineAndCosine(a) }
        public static var derivativeFormula: Formula { cos(a) }
        public static func words(_ a: String) -> String { "takes the sine of \(a)" }
    }

    public enum Cos: UnaryRule {
        public static var op: Op { .cos }
        public static var notation: Notation { .function(name: "cos", latex: "\\cos") }
        @inline(__always) public static func value(_ a: Double) -> Double { Foundation.cos(a) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { .cos(a) }
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { -Foundation.sin(a) }
        @inline(__always) public static func valueAndDerivative(_ a: Double) -> (Double, Double) {
            let (s, c) = sineAndCosine(a)
            return (c, -s)
        }
        public static var derivativeFormula: Formula { -sin(a) }
        public static func words(_ a: String) -> String { "takes the cosine of \(a)" }
    }

    /// tan, with poles where cos a = 0.
    public enum Tan: UnaryRule {
        public static var op: Op { .tan }
        public static var notation: Notation { .function(name: "tan", latex: "\\tan") }
        @inline(__always) public static func value(_ a: Double) -> Double { Foundation.tan(a) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { .tan(a) }
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { 1 + v * v }
        public static var derivativeFormula: Formula { 1 / pow(cos(a), 2) }
        public static var sweepFormula: Formula { 1 + v * v }
        public static var hasKinks: Bool { true }
        @inline(__always)
        public static func kink(_ a: Double, _ b: Double) -> MathNote? {
            Swift.abs(Foundation.cos(a)) < 1e-12 ? "tan at a pole (cos = 0): value and \(partial: 0) blow up" : nil
        }
        public static func words(_ a: String) -> String { "takes the tangent of \(a)" }
    }

    public enum Exp: UnaryRule {
        public static var op: Op { .exp }
        public static var notation: Notation { .function(name: "exp", latex: "\\exp") }
        @inline(__always) public static func value(_ a: Double) -> Double { Foundation.exp(a) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { .exp(a) }
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { v }
        public static var derivativeFormula: Formula { exp(a) }
        public static var sweepFormula: Formula { v }
        public static func words(_ a: String) -> String { "raises e to the power \(a)" }
    }

    /// The natural logarithm (`ln` too), defined for a > 0.
    public enum Log: UnaryRule {
        public static var op: Op { .log }
        public static var notation: Notation { .function(name: "log", latex: "\\ln") }
        public static var aliases: [String] { ["ln"] }
        @inline(__always) public static func value(_ a: Double) -> Double { Foundation.log(a) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { .log(a) }
        /// 1/a, and +∞ at ±0: log is defined right of 0, so its slope there is the right-hand one
        /// (1/a would give −∞ at −0, against the warning's inf; IEEE's log(−0) is log(+0) = −∞).
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { a == 0 ? .infinity : 1 / a }
        public static var derivativeFormula: Formula { 1 / a }
        public static var hasKinks: Bool { true }
        public static func partialCode(
            _ k: Int, a: String, b: String, v: String, constantA: Bool, constantB: Bool, in language: CodeLanguage
        ) -> String? {
            zeroIsRightHand(a, "(1.0 / \(a))", in: language)
        }
        @inline(__always)
        public static func kink(_ a: Double, _ b: Double) -> MathNote? {
            if a == 0 { return "log of 0: value −inf, \(partial: 0) = inf" }
            if a < 0 { return "log of a negative number: NaN" }
            return nil
        }
        public static func words(_ a: String) -> String { "takes the natural logarithm of \(a)" }
    }

    /// √a, defined for a ≥ 0, with a vertical tangent at 0.
    public enum Sqrt: UnaryRule {
        public static var op: Op { .sqrt }
        public static var notation: Notation { .function(name: "sqrt", latex: "\\sqrt") }
        @inline(__always) public static func value(_ a: Double) -> Double { a.squareRoot() }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { .sqrt(a) }
        /// 0.5/v, and +∞ at ±0: the right-hand slope of a function defined right of 0 (IEEE's
        /// √−0 is −0, where 0.5/v would give −∞ against the warning's inf).
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { v == 0 ? .infinity : 0.5 / v }
        public static var derivativeFormula: Formula { 1 / (2 * sqrt(a)) }
        public static var sweepFormula: Formula { 0.5 / v }
        public static var hasKinks: Bool { true }
        public static func partialCode(
            _ k: Int, a: String, b: String, v: String, constantA: Bool, constantB: Bool, in language: CodeLanguage
        ) -> String? {
            zeroIsRightHand(a, "(1.0 / (2.0 * \(code(a, "", in: language))))", in: language)
        }
        @inline(__always)
        public static func kink(_ a: Double, _ b: Double) -> MathNote? {
            if a == 0 { return "sqrt at 0: \(partial: 0) = inf" }
            if a < 0 { return "sqrt of a negative number: NaN" }
            return nil
        }
        public static func code(_ a: String, _ b: String, in language: CodeLanguage) -> String {
            language == .c ? "sqrt(\(a))" : "\(a).squareRoot()"
        }
        public static func words(_ a: String) -> String { "takes the square root of \(a)" }
    }

    public enum Tanh: UnaryRule {
        public static var op: Op { .tanh }
        public static var notation: Notation { .function(name: "tanh", latex: "\\tanh") }
        @inline(__always) public static func value(_ a: Double) -> Double { Foundation.tanh(a) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { .tanh(a) }
        /// (1/cosh a)², not 1 − v²: where tanh a is near ±1 the subtraction cancels every digit
        /// (at a = 15, 1 − v² is off by 1.7e-4 relative; at 20 it is 0 for 1.7e-17). Squared after
        /// the reciprocal, so that nothing overflows below |a| = 710 (1/cosh² overflowed at 355,
        /// and the Hessian's tangent of cosh² with it, 0·∞ = NaN where the answer is 0).
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double {
            let s = 1 / Foundation.cosh(a)
            return s * s
        }
        public static var derivativeFormula: Formula { pow(1 / cosh(a), 2) }
        public static func words(_ a: String) -> String { "takes the hyperbolic tangent of \(a)" }
    }

    /// The logistic function 1/(1 + e⁻ᵃ).
    public enum Sigmoid: UnaryRule {
        public static var op: Op { .sigmoid }
        public static var notation: Notation { .function(name: "sigmoid", latex: "\\sigma") }
        public static var aliases: [String] { ["logistic"] }
        @inline(__always) public static func value(_ a: Double) -> Double { 1 / (1 + Foundation.exp(-a)) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { 1 / (1 + .exp(-a)) }
        /// σ(a)·σ(−a), not v·(1 − v): 1 − σ(a) cancels for large a (at 30 it is off by 1e-3
        /// relative), while σ(−a) = 1/(1 + eᵃ) keeps every digit.
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { v * value(-a) }
        public static var derivativeFormula: Formula { sigmoid(a) * sigmoid(-a) }
        public static var sweepFormula: Formula { v * sigmoid(-a) }
        public static func code(_ a: String, _ b: String, in language: CodeLanguage) -> String { "1.0 / (1.0 + exp(-\(a)))" }
        public static func words(_ a: String) -> String { "squashes \(a) with the logistic sigmoid 1/(1 + e^−a)" }
    }
}

/// A logarithm's or root's partial as code: `formula`, and +∞ at a = ±0 (the right-hand slope,
/// as the rule gives it; the formula alone gives −∞ at −0).
func zeroIsRightHand(_ a: String, _ formula: String, in language: CodeLanguage) -> String {
    "(\(a) == 0.0 ? \(language == .c ? "INFINITY" : "Double.infinity") : \(formula))"
}
