import ComplexModule
import RealModule
import Foundation

// The operations made of pieces: max, min, abs, relu (corners), sign, step and rounding (jumps).
// At a corner the sweeps take a subgradient and say so; a NaN argument keeps every partial NaN.

extension OpRules {
    /// max(a, b); NaN propagates. At a tie the first argument takes the derivative.
    public enum Max: OpRule {
        public static var op: Op { .max }
        public static var arity: Int { 2 }
        public static var notation: Notation { .function(name: "max", latex: "\\max") }
        @inline(__always) public static func value(_ a: Double, _ b: Double) -> Double { a >= b ? a : (b > a ? b : a + b) }
        public static func value(_ a: Complex<Double>, _ b: Complex<Double>) -> Complex<Double> { a.real >= b.real ? a : b }
        @inline(__always)
        public static func partials(_ a: Double, _ b: Double, _ v: Double, withRespectToB: Bool) -> (Double, Double) {
            a >= b ? (1, 0) : (b > a ? (0, 1) : (.nan, .nan))
        }
        public static var partialFormulas: [Formula] { [1 - step(b - a), step(b - a)] }
        public static var smoothness: Smoothness { .kinks }
        public static var hasKinks: Bool { true }
        @inline(__always)
        public static func kink(_ a: Double, _ b: Double) -> MathNote? {
            a == b ? "max at a tie: the first argument takes the derivative (\(partial: 0) = 1, \(partial: 1) = 0)" : nil
        }
        public static func piece(_ a: Double, _ b: Double) -> Double? { a > b ? 1 : (a < b ? -1 : (a == b ? 0 : .nan)) }
        public static func code(_ a: String, _ b: String, in language: CodeLanguage) -> String {
            "(\(a) >= \(b) ? \(a) : (\(b) > \(a) ? \(b) : \(a) + \(b)))"
        }
        /// `1 − step(b − a)` is NaN at equal infinities (∞ − ∞), where the rule gives 1.
        public static func partialCode(
            _ k: Int, a: String, b: String, v: String, constantA: Bool, constantB: Bool, in language: CodeLanguage
        ) -> String? {
            let nan = language == .c ? "NAN" : "Double.nan"
            return k == 0 ? "(\(a) >= \(b) ? 1.0 : (\(b) > \(a) ? 0.0 : \(nan)))" : "(\(a) >= \(b) ? 0.0 : (\(b) > \(a) ? 1.0 : \(nan)))"
        }
        public static func words(_ a: String, _ b: String) -> String { "takes the larger of \(a) and \(b)" }
    }

    /// min(a, b); NaN propagates. At a tie the first argument takes the derivative.
    public enum Min: OpRule {
        public static var op: Op { .min }
        public static var arity: Int { 2 }
        public static var notation: Notation { .function(name: "min", latex: "\\min") }
        @inline(__always) public static func value(_ a: Double, _ b: Double) -> Double { a <= b ? a : (b < a ? b : a + b) }
        public static func value(_ a: Complex<Double>, _ b: Complex<Double>) -> Complex<Double> { a.real <= b.real ? a : b }
        @inline(__always)
        public static func partials(_ a: Double, _ b: Double, _ v: Double, withRespectToB: Bool) -> (Double, Double) {
            a <= b ? (1, 0) : (b < a ? (0, 1) : (.nan, .nan))
        }
        public static var partialFormulas: [Formula] { [1 - step(a - b), step(a - b)] }
        public static var smoothness: Smoothness { .kinks }
        public static var hasKinks: Bool { true }
        @inline(__always)
        public static func kink(_ a: Double, _ b: Double) -> MathNote? {
            a == b ? "min at a tie: the first argument takes the derivative (\(partial: 0) = 1, \(partial: 1) = 0)" : nil
        }
        public static func piece(_ a: Double, _ b: Double) -> Double? { a > b ? 1 : (a < b ? -1 : (a == b ? 0 : .nan)) }
        public static func code(_ a: String, _ b: String, in language: CodeLanguage) -> String {
            "(\(a) <= \(b) ? \(a) : (\(b) < \(a) ? \(b) : \(a) + \(b)))"
        }
        /// `1 − step(a − b)` is NaN at equal infinities (∞ − ∞), where the rule gives 1.
        public static func partialCode(
            _ k: Int, a: String, b: String, v: String, constantA: Bool, constantB: Bool, in language: CodeLanguage
        ) -> String? {
            let nan = language == .c ? "NAN" : "Double.nan"
            return k == 0 ? "(\(a) <= \(b) ? 1.0 : (\(b) < \(a) ? 0.0 : \(nan)))" : "(\(a) <= \(b) ? 0.0 : (\(b) < \(a) ? 1.0 : \(nan)))"
        }
        public static func words(_ a: String, _ b: String) -> String { "takes the smaller of \(a) and \(b)" }
    }

    /// |a|, with the subgradient 0 at 0. The complex step decides by the real part (|z| = z where Re z ≥ 0).
    public enum Abs: UnaryRule {
        public static var op: Op { .abs }
        public static var notation: Notation { .function(name: "abs", latex: "\\operatorname{abs}") }
        @inline(__always) public static func value(_ a: Double) -> Double { Swift.abs(a) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { a.real >= 0 ? a : -a }
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { a > 0 ? 1 : (a < 0 ? -1 : (a == 0 ? 0 : .nan)) }
        public static var derivativeFormula: Formula { sign(a) }
        public static var smoothness: Smoothness { .kinks }
        public static var hasKinks: Bool { true }
        @inline(__always) public static func kink(_ a: Double, _ b: Double) -> MathNote? { a == 0 ? "abs at its kink 0: subgradient 0 used" : nil }
        public static func piece(_ a: Double, _ b: Double) -> Double? { signPiece(a) }
        public static func code(_ a: String, _ b: String, in language: CodeLanguage) -> String { language == .c ? "fabs(\(a))" : "Swift.abs(\(a))" }
        public static func words(_ a: String) -> String { "takes the absolute value of \(a)" }
    }

    /// max(a, 0), NaN kept NaN; the subgradient 0 at 0.
    public enum Relu: UnaryRule {
        public static var op: Op { .relu }
        public static var notation: Notation { .function(name: "relu", latex: "\\operatorname{relu}") }
        @inline(__always) public static func value(_ a: Double) -> Double { a > 0 ? a : (a.isNaN ? a : 0) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { a.real > 0 ? a : .zero }
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { a > 0 ? 1 : (a <= 0 ? 0 : .nan) }
        public static var derivativeFormula: Formula { step(a) }
        public static var smoothness: Smoothness { .kinks }
        public static var hasKinks: Bool { true }
        @inline(__always) public static func kink(_ a: Double, _ b: Double) -> MathNote? { a == 0 ? "relu at its kink 0: subgradient 0 used" : nil }
        public static func piece(_ a: Double, _ b: Double) -> Double? { signPiece(a) }
        public static func code(_ a: String, _ b: String, in language: CodeLanguage) -> String { "(\(a) > 0.0 ? \(a) : (\(a) != \(a) ? \(a) : 0.0))" }
        public static func words(_ a: String) -> String { "keeps \(a) if it is positive and gives 0 otherwise (relu)" }
    }

    /// −1, 0 or 1; NaN kept NaN.
    public enum Sign: UnaryRule {
        public static var op: Op { .sign }
        public static var notation: Notation { .function(name: "sign", latex: "\\operatorname{sign}") }
        @inline(__always) public static func value(_ a: Double) -> Double { a > 0 ? 1 : (a < 0 ? -1 : (a.isNaN ? a : 0)) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { Complex(value(a.real), 0) }
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { a.isNaN ? a : 0 }
        public static var derivativeFormula: Formula { number(0) }
        public static var smoothness: Smoothness { .jumps }
        public static var hasKinks: Bool { true }
        @inline(__always) public static func kink(_ a: Double, _ b: Double) -> MathNote? { a == 0 ? "sign at 0 (a jump): derivative 0 used" : nil }
        public static func piece(_ a: Double, _ b: Double) -> Double? { signPiece(a) }
        public static func code(_ a: String, _ b: String, in language: CodeLanguage) -> String {
            "(\(a) > 0.0 ? 1.0 : (\(a) < 0.0 ? -1.0 : (\(a) != \(a) ? \(a) : 0.0)))"
        }
        public static func partialCode(
            _ k: Int, a: String, b: String, v: String, constantA: Bool, constantB: Bool, in language: CodeLanguage
        ) -> String? { zeroButNaN(a, language) }
        public static func words(_ a: String) -> String { "takes the sign of \(a) (−1, 0 or 1)" }
    }

    /// Heaviside's step: 1 for a > 0, 0 at and below 0; NaN kept NaN.
    public enum Step: UnaryRule {
        public static var op: Op { .step }
        public static var notation: Notation { .function(name: "step", latex: "H") }
        @inline(__always) public static func value(_ a: Double) -> Double { a > 0 ? 1 : (a.isNaN ? a : 0) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { Complex(value(a.real), 0) }
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { a.isNaN ? a : 0 }
        public static var derivativeFormula: Formula { number(0) }
        public static var smoothness: Smoothness { .jumps }
        public static var hasKinks: Bool { true }
        @inline(__always) public static func kink(_ a: Double, _ b: Double) -> MathNote? { a == 0 ? "step at 0 (a jump): derivative 0 used" : nil }
        public static func piece(_ a: Double, _ b: Double) -> Double? { signPiece(a) }
        public static func code(_ a: String, _ b: String, in language: CodeLanguage) -> String { "(\(a) > 0.0 ? 1.0 : (\(a) != \(a) ? \(a) : 0.0))" }
        public static func partialCode(
            _ k: Int, a: String, b: String, v: String, constantA: Bool, constantB: Bool, in language: CodeLanguage
        ) -> String? { zeroButNaN(a, language) }
        public static func words(_ a: String) -> String { "jumps from 0 to 1 where \(a) becomes positive (the unit step)" }
    }

    /// The largest integer ≤ a: derivative 0, a jump at each integer.
    public enum Floor: UnaryRule {
        public static var op: Op { .floor }
        public static var notation: Notation { .function(name: "floor", latex: "\\operatorname{floor}") }
        @inline(__always) public static func value(_ a: Double) -> Double { Foundation.floor(a) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { Complex(value(a.real), 0) }
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { a.isNaN ? a : 0 }
        public static var derivativeFormula: Formula { number(0) }
        public static var smoothness: Smoothness { .jumps }
        public static var hasKinks: Bool { true }
        @inline(__always) public static func kink(_ a: Double, _ b: Double) -> MathNote? { atInteger(a) ? "floor at an integer (a jump): derivative 0 used" : nil }
        public static func piece(_ a: Double, _ b: Double) -> Double? { value(a) }
        public static func partialCode(
            _ k: Int, a: String, b: String, v: String, constantA: Bool, constantB: Bool, in language: CodeLanguage
        ) -> String? { zeroButNaN(a, language) }
        public static func words(_ a: String) -> String { "rounds \(a) down to a whole number" }
    }

    /// The smallest integer ≥ a: derivative 0, a jump at each integer.
    public enum Ceil: UnaryRule {
        public static var op: Op { .ceil }
        public static var notation: Notation { .function(name: "ceil", latex: "\\operatorname{ceil}") }
        @inline(__always) public static func value(_ a: Double) -> Double { Foundation.ceil(a) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { Complex(value(a.real), 0) }
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { a.isNaN ? a : 0 }
        public static var derivativeFormula: Formula { number(0) }
        public static var smoothness: Smoothness { .jumps }
        public static var hasKinks: Bool { true }
        @inline(__always) public static func kink(_ a: Double, _ b: Double) -> MathNote? { atInteger(a) ? "ceil at an integer (a jump): derivative 0 used" : nil }
        public static func piece(_ a: Double, _ b: Double) -> Double? { value(a) }
        public static func partialCode(
            _ k: Int, a: String, b: String, v: String, constantA: Bool, constantB: Bool, in language: CodeLanguage
        ) -> String? { zeroButNaN(a, language) }
        public static func words(_ a: String) -> String { "rounds \(a) up to a whole number" }
    }

    /// The nearest integer, halves away from zero (C's `round`, Swift's `rounded()`): derivative 0,
    /// a jump at each half-integer.
    public enum Round: UnaryRule {
        public static var op: Op { .round }
        public static var notation: Notation { .function(name: "round", latex: "\\operatorname{round}") }
        @inline(__always) public static func value(_ a: Double) -> Double { Foundation.round(a) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { Complex(value(a.real), 0) }
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { a.isNaN ? a : 0 }
        public static var derivativeFormula: Formula { number(0) }
        public static var smoothness: Smoothness { .jumps }
        public static var hasKinks: Bool { true }
        @inline(__always)
        public static func kink(_ a: Double, _ b: Double) -> MathNote? {
            a.isFinite && Swift.abs(a - a.rounded(.towardZero)) == 0.5 ? "round at a half-integer (a jump): derivative 0 used" : nil
        }
        public static func piece(_ a: Double, _ b: Double) -> Double? { value(a) }
        public static func partialCode(
            _ k: Int, a: String, b: String, v: String, constantA: Bool, constantB: Bool, in language: CodeLanguage
        ) -> String? { zeroButNaN(a, language) }
        public static func words(_ a: String) -> String { "rounds \(a) to the nearest whole number (halves away from zero)" }
    }
}

/// Which side of 0 `a` is on: the pieces of abs, relu, sign, step and cbrt.
func signPiece(_ a: Double) -> Double { a > 0 ? 1 : (a < 0 ? -1 : (a == 0 ? 0 : .nan)) }

@inline(__always) private func atInteger(_ a: Double) -> Bool { a.isFinite && a == a.rounded() }

/// The partial 0 as code, but NaN where `a` is NaN (the formula `0` cannot say that).
private func zeroButNaN(_ a: String, _ language: CodeLanguage) -> String {
    language == .c ? "(\(a) != \(a) ? \(a) : 0.0)" : "(\(a).isNaN ? \(a) : 0.0)"
}
