import ComplexModule
import RealModule
import Foundation

// The inverse trigonometric functions and atan2, the hyperbolic functions and their inverses, as
// C's <math.h> and NumPy spell them. swift-numerics' complex inverses compute the real part of
// log|w| for a w near 1, where the complex step's 1e-20 is rounded away: their complex values are
// ComplexStep's formulas, which keep it.

extension OpRules {
    public enum Atan: UnaryRule {
        public static var op: Op { .atan }
        public static var notation: Notation { .function(name: "atan", latex: "\\arctan") }
        public static var aliases: [String] { ["arctan"] }
        @inline(__always) public static func value(_ a: Double) -> Double { Foundation.atan(a) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { ComplexStep.atan(a) }
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { 1 / (1 + a * a) }
        public static var derivativeFormula: Formula { 1 / (1 + pow(a, 2)) }
        public static func words(_ a: String) -> String { "takes the arctangent of \(a)" }
    }

    /// arcsin, defined on [−1, 1], with vertical tangents at ±1.
    public enum Asin: UnaryRule {
        public static var op: Op { .asin }
        public static var notation: Notation { .function(name: "asin", latex: "\\arcsin") }
        public static var aliases: [String] { ["arcsin"] }
        @inline(__always) public static func value(_ a: Double) -> Double { Foundation.asin(a) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { ComplexStep.asin(a) }
        /// 1/√((1 − a)(1 + a)), not 1/√(1 − a²), which cancels near ±1 (1 − a is exact there).
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { 1 / ((1 - a) * (1 + a)).squareRoot() }
        public static var derivativeFormula: Formula { 1 / sqrt((1 - a) * (1 + a)) }
        public static var hasKinks: Bool { true }
        @inline(__always) public static func kink(_ a: Double, _ b: Double) -> MathNote? { unitIntervalEdge("asin", a) }
        public static func words(_ a: String) -> String { "takes the arcsine of \(a)" }
    }

    /// arccos, defined on [−1, 1], with vertical tangents at ±1.
    public enum Acos: UnaryRule {
        public static var op: Op { .acos }
        public static var notation: Notation { .function(name: "acos", latex: "\\arccos") }
        public static var aliases: [String] { ["arccos"] }
        @inline(__always) public static func value(_ a: Double) -> Double { Foundation.acos(a) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { ComplexStep.acos(a) }
        /// −1/√((1 − a)(1 + a)), as asin's, without the cancellation of 1 − a² near ±1.
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { -(1 / ((1 - a) * (1 + a)).squareRoot()) }
        public static var derivativeFormula: Formula { -(1 / sqrt((1 - a) * (1 + a))) }
        public static var hasKinks: Bool { true }
        @inline(__always) public static func kink(_ a: Double, _ b: Double) -> MathNote? { unitIntervalEdge("acos", a) }
        public static func words(_ a: String) -> String { "takes the arccosine of \(a)" }
    }

    /// atan2(y, x): the angle of the point (x, y), which jumps between π and −π across its branch
    /// cut (y = 0, x < 0) and has no smooth value at the origin.
    public enum Atan2: OpRule {
        public static var op: Op { .atan2 }
        public static var arity: Int { 2 }
        public static var notation: Notation { .function(name: "atan2", latex: "\\operatorname{atan2}") }
        public static var aliases: [String] { ["arctan2"] }
        @inline(__always) public static func value(_ a: Double, _ b: Double) -> Double { Foundation.atan2(a, b) }
        public static func value(_ a: Complex<Double>, _ b: Complex<Double>) -> Complex<Double> { ComplexStep.atan2(a, b) }
        /// ∂/∂y = x/(x² + y²), ∂/∂x = −y/(x² + y²); 0/0 = NaN at the origin. The sweeps divide
        /// twice by r = hypot(y, x) instead: x² + y² overflows beyond 1.3e154 (∂ was 0 for 1e-200)
        /// and underflows below 1.5e-154 (∂ was ∞), where (x/r)/r is within 3 ulps.
        @inline(__always)
        public static func partials(_ a: Double, _ b: Double, _ v: Double, withRespectToB: Bool) -> (Double, Double) {
            let r = Foundation.hypot(a, b)
            return ((b / r) / r, -((a / r) / r))
        }
        public static var partialFormulas: [Formula] { [b / (pow(a, 2) + pow(b, 2)), -(a / (pow(a, 2) + pow(b, 2)))] }
        public static var sweepFormulas: [Formula] { [(b / hypot(a, b)) / hypot(a, b), -((a / hypot(a, b)) / hypot(a, b))] }
        public static var smoothness: Smoothness { .jumps }
        public static var hasKinks: Bool { true }
        @inline(__always)
        public static func kink(_ a: Double, _ b: Double) -> MathNote? {
            if a == 0 && b == 0 { return "atan2 at the origin: no angle is smooth there, ∂ = 0/0 = NaN" }
            if a == 0 && b < 0 { return "atan2 on its branch cut (y = 0, x < 0): the angle jumps between π and −π" }
            return nil
        }
        public static func piece(_ a: Double, _ b: Double) -> Double? { b < 0 ? (a.sign == .minus ? -1 : 1) : 0 }
        public static func words(_ a: String, _ b: String) -> String { "takes the angle of the point (\(b), \(a)) (atan2)" }
    }

    public enum Sinh: UnaryRule {
        public static var op: Op { .sinh }
        public static var notation: Notation { .function(name: "sinh", latex: "\\sinh") }
        @inline(__always) public static func value(_ a: Double) -> Double { Foundation.sinh(a) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { .sinh(a) }
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { Foundation.cosh(a) }
        public static var derivativeFormula: Formula { cosh(a) }
        public static func words(_ a: String) -> String { "takes the hyperbolic sine of \(a)" }
    }

    public enum Cosh: UnaryRule {
        public static var op: Op { .cosh }
        public static var notation: Notation { .function(name: "cosh", latex: "\\cosh") }
        @inline(__always) public static func value(_ a: Double) -> Double { Foundation.cosh(a) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { .cosh(a) }
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { Foundation.sinh(a) }
        public static var derivativeFormula: Formula { sinh(a) }
        public static func words(_ a: String) -> String { "takes the hyperbolic cosine of \(a)" }
    }

    public enum Asinh: UnaryRule {
        public static var op: Op { .asinh }
        public static var notation: Notation { .function(name: "asinh", latex: "\\operatorname{arsinh}") }
        public static var aliases: [String] { ["arcsinh"] }
        @inline(__always) public static func value(_ a: Double) -> Double { Foundation.asinh(a) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { ComplexStep.asinh(a) }
        /// 1/hypot(a, 1) = 1/√(a² + 1), without a² overflowing beyond |a| = 1.3e154 (where 1/√(a² + 1) is 0 for 1/|a|).
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { 1 / Foundation.hypot(a, 1) }
        public static var derivativeFormula: Formula { 1 / hypot(a, number(1)) }
        public static func words(_ a: String) -> String { "takes the inverse hyperbolic sine of \(a)" }
    }

    /// arcosh, defined for a ≥ 1, with a vertical tangent at 1.
    public enum Acosh: UnaryRule {
        public static var op: Op { .acosh }
        public static var notation: Notation { .function(name: "acosh", latex: "\\operatorname{arcosh}") }
        public static var aliases: [String] { ["arccosh"] }
        @inline(__always) public static func value(_ a: Double) -> Double { Foundation.acosh(a) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { ComplexStep.acosh(a) }
        /// 1/(√(a − 1)·√(a + 1)), not 1/√(a² − 1), which cancels near 1 and overflows beyond 1.3e154.
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { 1 / ((a - 1).squareRoot() * (a + 1).squareRoot()) }
        public static var derivativeFormula: Formula { 1 / (sqrt(a - 1) * sqrt(a + 1)) }
        public static var hasKinks: Bool { true }
        @inline(__always)
        public static func kink(_ a: Double, _ b: Double) -> MathNote? {
            if a == 1 { return "acosh at 1: \(partial: 0) is infinite" }
            if a < 1 { return "acosh below 1: NaN" }
            return nil
        }
        public static func words(_ a: String) -> String { "takes the inverse hyperbolic cosine of \(a)" }
    }

    /// artanh, defined on (−1, 1), infinite at ±1.
    public enum Atanh: UnaryRule {
        public static var op: Op { .atanh }
        public static var notation: Notation { .function(name: "atanh", latex: "\\operatorname{artanh}") }
        public static var aliases: [String] { ["arctanh"] }
        @inline(__always) public static func value(_ a: Double) -> Double { Foundation.atanh(a) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { ComplexStep.atanh(a) }
        /// 1/((1 − a)(1 + a)), not 1/(1 − a²), which cancels near ±1.
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { 1 / ((1 - a) * (1 + a)) }
        public static var derivativeFormula: Formula { 1 / ((1 - a) * (1 + a)) }
        public static var hasKinks: Bool { true }
        @inline(__always)
        public static func kink(_ a: Double, _ b: Double) -> MathNote? {
            if Swift.abs(a) == 1 { return "atanh at ±1: value ±inf, \(partial: 0) = inf" }
            if Swift.abs(a) > 1 { return "atanh outside [−1, 1]: NaN" }
            return nil
        }
        public static func words(_ a: String) -> String { "takes the inverse hyperbolic tangent of \(a)" }
    }
}

/// asin's and acos's warnings: a vertical tangent at ±1, NaN outside.
@inline(__always)
private func unitIntervalEdge(_ name: String, _ a: Double) -> MathNote? {
    if Swift.abs(a) == 1 { return "\(name) at ±1: \(partial: 0) is infinite" }
    if Swift.abs(a) > 1 { return "\(name) outside [−1, 1]: NaN" }
    return nil
}
