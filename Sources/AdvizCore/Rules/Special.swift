import ComplexModule
import RealModule
import Foundation

// Logarithms to bases 10 and 2, the accurate log(1 + a) and eᵃ − 1, the cube root, the error
// function, and hypot, the length √(a² + b²) without overflow.

extension OpRules {
    public enum Log10: UnaryRule {
        public static var op: Op { .log10 }
        public static var notation: Notation { .function(name: "log10", latex: "\\log_{10}") }
        @inline(__always) public static func value(_ a: Double) -> Double { Foundation.log10(a) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { .log(a) / Complex(Foundation.log(10.0)) }
        /// 1/(a·ln 10), and +∞ at ±0 (the right-hand slope, as for log). Computed as (1/ln 10)/a,
        /// one rounding fewer, and no a·ln 10 to overflow beyond 7.8e307 (where 1/(a·ln 10) was 0).
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { a == 0 ? .infinity : (1 / Foundation.log(10.0)) / a }
        public static var derivativeFormula: Formula { 1 / (a * log(number(10))) }
        public static var sweepFormula: Formula { (1 / log(number(10))) / a }
        public static var hasKinks: Bool { true }
        public static func partialCode(
            _ k: Int, a: String, b: String, v: String, constantA: Bool, constantB: Bool, in language: CodeLanguage
        ) -> String? {
            zeroIsRightHand(a, "(\(1 / Foundation.log(10.0)) / \(a))", in: language)
        }
        @inline(__always) public static func kink(_ a: Double, _ b: Double) -> MathNote? { logarithmEdge("log10", a) }
        public static func words(_ a: String) -> String { "takes the base-10 logarithm of \(a)" }
    }

    public enum Log2: UnaryRule {
        public static var op: Op { .log2 }
        public static var notation: Notation { .function(name: "log2", latex: "\\log_{2}") }
        @inline(__always) public static func value(_ a: Double) -> Double { Foundation.log2(a) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { .log(a) / Complex(Foundation.log(2.0)) }
        /// 1/(a·ln 2), and +∞ at ±0 (the right-hand slope, as for log). Computed as (1/ln 2)/a,
        /// one rounding fewer.
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { a == 0 ? .infinity : (1 / Foundation.log(2.0)) / a }
        public static var derivativeFormula: Formula { 1 / (a * log(number(2))) }
        public static var sweepFormula: Formula { (1 / log(number(2))) / a }
        public static var hasKinks: Bool { true }
        public static func partialCode(
            _ k: Int, a: String, b: String, v: String, constantA: Bool, constantB: Bool, in language: CodeLanguage
        ) -> String? {
            zeroIsRightHand(a, "(\(1 / Foundation.log(2.0)) / \(a))", in: language)
        }
        @inline(__always) public static func kink(_ a: Double, _ b: Double) -> MathNote? { logarithmEdge("log2", a) }
        public static func words(_ a: String) -> String { "takes the base-2 logarithm of \(a)" }
    }

    /// log(1 + a), accurate for small a; defined for a > −1.
    public enum Log1p: UnaryRule {
        public static var op: Op { .log1p }
        public static var notation: Notation { .function(name: "log1p", latex: "\\operatorname{log1p}") }
        @inline(__always) public static func value(_ a: Double) -> Double { Foundation.log1p(a) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { .log(onePlus: a) }
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { 1 / (1 + a) }
        public static var derivativeFormula: Formula { 1 / (1 + a) }
        public static var hasKinks: Bool { true }
        @inline(__always)
        public static func kink(_ a: Double, _ b: Double) -> MathNote? {
            if a == -1 { return "log1p at −1: value −inf, \(partial: 0) = inf" }
            if a < -1 { return "log1p below −1: NaN" }
            return nil
        }
        public static func words(_ a: String) -> String { "takes log(1 + \(a)), accurate for small \(a)" }
    }

    /// eᵃ − 1, accurate for small a.
    public enum Expm1: UnaryRule {
        public static var op: Op { .expm1 }
        public static var notation: Notation { .function(name: "expm1", latex: "\\operatorname{expm1}") }
        @inline(__always) public static func value(_ a: Double) -> Double { Foundation.expm1(a) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { .expMinusOne(a) }
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { Foundation.exp(a) }
        public static var derivativeFormula: Formula { exp(a) }
        public static func words(_ a: String) -> String { "takes e^\(a) − 1, accurate for small \(a)" }
    }

    /// The real cube root, with a vertical tangent at 0.
    ///
    /// cbrt′ = 1/(3v²) doubles the error of v = cbrt(a), which glibc computes to 3 ulps: up to
    /// 10 ulps. v/(3a) takes it once but is 0/0 at a = 0 (where cbrt′ is ∞) and ∞/∞ at ±∞. So
    /// the sweeps correct 1/(3v²) by F = 1 + (2/3)(r − 1), r = v³/a = (1 + δ)³ measuring v's
    /// error δ (F = (1 + δ)² to first order; the second order is 1e-31): 4 ulps. r is taken as
    /// ((w/m)·w)·w, with m = |a| and w = |v| held inside the finite nonzero doubles, which
    /// keeps every step normal for subnormal a and makes r = 0 (F = 1/3, cbrt′ = ∞) at a = 0
    /// and r = 1 (cbrt′ = 0) at ±∞.
    public enum Cbrt: UnaryRule {
        public static var op: Op { .cbrt }
        public static var notation: Notation { .function(name: "cbrt", latex: "\\sqrt[3]") }
        @inline(__always) public static func value(_ a: Double) -> Double { Foundation.cbrt(a) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { ComplexStep.cbrt(a) }
        /// cbrt of the largest double, the most |v| can be for a finite a.
        static let largestRoot = 5.643803094122362e102
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double {
            let m = Min.value(Max.value(Abs.value(a), .leastNonzeroMagnitude), .greatestFiniteMagnitude)
            let w = Min.value(Abs.value(v), largestRoot)
            let r = ((w / m) * w) * w
            return 1 / (3 * (v * v)) * (1 + (r - 1) * (2.0 / 3.0))
        }
        public static var derivativeFormula: Formula { 1 / (3 * pow(cbrt(a), 2)) }
        public static var sweepFormula: Formula {
            let m = min(max(abs(a), number(.leastNonzeroMagnitude)), number(.greatestFiniteMagnitude))
            let w = min(abs(v), number(largestRoot))
            let r = ((w / m) * w) * w
            return 1 / (3 * (v * v)) * (1 + (r - 1) * number(2.0 / 3.0))
        }
        public static var hasKinks: Bool { true }
        @inline(__always) public static func kink(_ a: Double, _ b: Double) -> MathNote? { a == 0 ? "cbrt at 0: \(partial: 0) = inf (a vertical tangent)" : nil }
        public static func piece(_ a: Double, _ b: Double) -> Double? { signPiece(a) }
        public static func words(_ a: String) -> String { "takes the cube root of \(a)" }
    }

    /// The error function, erf′(a) = 2/√π · e^(−a²).
    ///
    /// The sweeps take e^(−a²) without rounding a²: e^(−a·a) of a rounded a·a is off by up to
    /// a²/2 ulps (504 ulps at a = 23.25, where erf′ is 1e-235). They split x = |a| (at most 32:
    /// beyond 27.3 erf′ is 0 anyway, and the split's product must not overflow) into h, its
    /// leading 26 bits (Veltkamp's split, c − (c − x) with c = x·(2²⁷ + 1)), and l = x − h, both
    /// exact, so that a² = h·h + l·(x + h) with h·h exact; then e^(−a²) = e^(−h·h)·e^(−l·(x + h)),
    /// the second factor's argument so small that its rounding does not show: 2 ulps at most
    /// over the whole range (checked against mpmath at 50 digits).
    public enum Erf: UnaryRule {
        public static var op: Op { .erf }
        public static var notation: Notation { .function(name: "erf", latex: "\\operatorname{erf}") }
        @inline(__always) public static func value(_ a: Double) -> Double { Foundation.erf(a) }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { ComplexStep.erf(a) }
        @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double {
            let x = Min.value(Abs.value(a), 32)
            let c = x * 134_217_729
            let h = c - (c - x), l = x - h
            return 2 / Double.pi.squareRoot() * Foundation.exp(-(h * h)) * Foundation.exp(-(l * (x + h)))
        }
        /// The constant written as the quotient the reader recognises.
        public static var derivativeFormula: Formula { 2 / sqrt(number(Double.pi)) * exp(-pow(a, 2)) }
        /// ``derivative(_:_:)``'s split, as formulas, so that the gradient graph and the compiled
        /// kernels compute its numbers.
        public static var sweepFormula: Formula {
            let x = min(abs(a), number(32))
            let c = x * number(134_217_729)
            let h = c - (c - x), l = x - h
            return 2 / sqrt(number(Double.pi)) * exp(-(h * h)) * exp(-(l * (x + h)))
        }
        public static func words(_ a: String) -> String { "takes the error function of \(a)" }
    }

    /// hypot(a, b) = √(a² + b²): a cone, whose tip at the origin takes the subgradient 0.
    public enum Hypot: OpRule {
        public static var op: Op { .hypot }
        public static var arity: Int { 2 }
        public static var notation: Notation { .function(name: "hypot", latex: "\\operatorname{hypot}") }
        @inline(__always) public static func value(_ a: Double, _ b: Double) -> Double { Foundation.hypot(a, b) }
        public static func value(_ a: Complex<Double>, _ b: Complex<Double>) -> Complex<Double> { ComplexStep.hypot(a, b) }
        @inline(__always)
        public static func partials(_ a: Double, _ b: Double, _ v: Double, withRespectToB: Bool) -> (Double, Double) {
            a == 0 && b == 0 ? (0, 0) : (a / v, b / v)
        }
        public static var partialFormulas: [Formula] { [a / hypot(a, b), b / hypot(a, b)] }
        public static var sweepFormulas: [Formula] { [a / v, b / v] }
        public static var smoothness: Smoothness { .kinks }
        public static var hasKinks: Bool { true }
        @inline(__always)
        public static func kink(_ a: Double, _ b: Double) -> MathNote? {
            a == 0 && b == 0 ? "hypot at the origin (a cone's tip): subgradient 0 used" : nil
        }
        /// a/v is 0/0 at the origin, where the rule takes the subgradient 0.
        public static func partialCode(
            _ k: Int, a: String, b: String, v: String, constantA: Bool, constantB: Bool, in language: CodeLanguage
        ) -> String? {
            "(\(a) == 0.0 && \(b) == 0.0 ? 0.0 : \(k == 0 ? a : b) / \(v))"
        }
        public static func words(_ a: String, _ b: String) -> String { "takes the length √(\(a)² + \(b)²) (hypot)" }
    }
}

/// log10's and log2's warnings: −∞ at 0, NaN below.
@inline(__always)
private func logarithmEdge(_ name: String, _ a: Double) -> MathNote? {
    if a == 0 { return "\(name) of 0: value −inf, \(partial: 0) = inf" }
    if a < 0 { return "\(name) of a negative number: NaN" }
    return nil
}
