import ComplexModule
import RealModule
import Foundation

// The leaves and the arithmetic: +, −, ·, /, ^ and unary minus.

extension OpRules {
    /// An independent variable (x1, x2, …): the start of every sweep.
    public enum Input: OpRule {
        public static var op: Op { .input }
        public static var arity: Int { 0 }
        public static var notation: Notation { .leaf }
        @inline(__always) public static func value(_ a: Double, _ b: Double) -> Double { a }
        public static func value(_ a: Complex<Double>, _ b: Complex<Double>) -> Complex<Double> { a }
        @inline(__always)
        public static func partials(_ a: Double, _ b: Double, _ v: Double, withRespectToB: Bool) -> (Double, Double) { (0, 0) }
        public static var partialFormulas: [Formula] { [] }
        public static func words(_ a: String, _ b: String) -> String { "is the input \(a)" }
    }

    /// A number written in the program (2, 0.5, pi).
    public enum Constant: OpRule {
        public static var op: Op { .constant }
        public static var arity: Int { 0 }
        public static var notation: Notation { .leaf }
        @inline(__always) public static func value(_ a: Double, _ b: Double) -> Double { a }
        public static func value(_ a: Complex<Double>, _ b: Complex<Double>) -> Complex<Double> { a }
        @inline(__always)
        public static func partials(_ a: Double, _ b: Double, _ v: Double, withRespectToB: Bool) -> (Double, Double) { (0, 0) }
        public static var partialFormulas: [Formula] { [] }
        public static func words(_ a: String, _ b: String) -> String { "is the constant \(a)" }
    }

    /// a + b.
    public enum Add: OpRule {
        public static var op: Op { .add }
        public static var arithmetic: Arithmetic? { .add }
        public static var arity: Int { 2 }
        public static var notation: Notation { .infix(text: "+", latex: "+", precedence: 1) }
        @inlinable @inline(__always) public static func value(_ a: Double, _ b: Double) -> Double { a + b }
        public static func value(_ a: Complex<Double>, _ b: Complex<Double>) -> Complex<Double> { a + b }
        @inlinable @inline(__always)
        public static func partials(_ a: Double, _ b: Double, _ v: Double, withRespectToB: Bool) -> (Double, Double) { (1, 1) }
        public static var partialFormulas: [Formula] { [number(1), number(1)] }
        public static func code(_ a: String, _ b: String, in language: CodeLanguage) -> String { "\(a) + \(b)" }
        public static func polynomial(_ a: Polynomial, _ b: Polynomial, maximumDegree: Int) -> Polynomial? {
            sumOfPolynomials(a, b, subtracting: false)
        }
        public static func words(_ a: String, _ b: String) -> String { "adds \(a) and \(b)" }
    }

    /// a − b.
    public enum Sub: OpRule {
        public static var op: Op { .sub }
        public static var arithmetic: Arithmetic? { .sub }
        public static var arity: Int { 2 }
        public static var notation: Notation { .infix(text: "-", latex: "-", precedence: 1) }
        @inlinable @inline(__always) public static func value(_ a: Double, _ b: Double) -> Double { a - b }
        public static func value(_ a: Complex<Double>, _ b: Complex<Double>) -> Complex<Double> { a - b }
        @inlinable @inline(__always)
        public static func partials(_ a: Double, _ b: Double, _ v: Double, withRespectToB: Bool) -> (Double, Double) { (1, -1) }
        public static var partialFormulas: [Formula] { [number(1), number(-1)] }
        public static func code(_ a: String, _ b: String, in language: CodeLanguage) -> String { "\(a) - \(b)" }
        public static func polynomial(_ a: Polynomial, _ b: Polynomial, maximumDegree: Int) -> Polynomial? {
            sumOfPolynomials(a, b, subtracting: true)
        }
        public static func words(_ a: String, _ b: String) -> String { "subtracts \(b) from \(a)" }
    }

    /// a · b.
    public enum Mul: OpRule {
        public static var op: Op { .mul }
        public static var arithmetic: Arithmetic? { .mul }
        public static var arity: Int { 2 }
        public static var notation: Notation { .infix(text: "·", latex: "\\cdot", precedence: 2) }
        @inlinable @inline(__always) public static func value(_ a: Double, _ b: Double) -> Double { a * b }
        public static func value(_ a: Complex<Double>, _ b: Complex<Double>) -> Complex<Double> { a * b }
        @inlinable @inline(__always)
        public static func partials(_ a: Double, _ b: Double, _ v: Double, withRespectToB: Bool) -> (Double, Double) { (b, a) }
        public static var partialFormulas: [Formula] { [b, a] }
        public static func code(_ a: String, _ b: String, in language: CodeLanguage) -> String { "\(a) * \(b)" }
        /// A product is expanded only where nothing is: a constant factor, or two monomials.
        public static func polynomial(_ a: Polynomial, _ b: Polynomial, maximumDegree: Int) -> Polynomial? {
            guard a.degree <= 0 || b.degree <= 0 || (a.isMonomial && b.isMonomial) else { return nil }
            return a * b
        }
        public static func words(_ a: String, _ b: String) -> String { "multiplies \(a) by \(b)" }
    }

    /// a / b.
    public enum Div: OpRule {
        public static var op: Op { .div }
        public static var arithmetic: Arithmetic? { .div }
        public static var arity: Int { 2 }
        public static var notation: Notation { .infix(text: "/", latex: "/", precedence: 2) }
        @inline(__always) public static func value(_ a: Double, _ b: Double) -> Double { a / b }
        public static func value(_ a: Complex<Double>, _ b: Complex<Double>) -> Complex<Double> { a / b }
        /// ∂/∂b = −(a/b)/b, not −a/b²: b² overflows or underflows where the quotient does not
        /// (at a = 1e305, b = 1e155, −a/b² is −0 for −1e-5).
        @inline(__always)
        public static func partials(_ a: Double, _ b: Double, _ v: Double, withRespectToB: Bool) -> (Double, Double) {
            (1 / b, -v / b)
        }
        public static var partialFormulas: [Formula] { [1 / b, -(a / b) / b] }
        public static var sweepFormulas: [Formula] { [1 / b, -v / b] }
        public static var hasKinks: Bool { true }
        @inline(__always)
        public static func kink(_ a: Double, _ b: Double) -> MathNote? {
            b == 0 ? "division by zero: IEEE result \(a == 0 ? "NaN" : "±inf")" : nil
        }
        public static func code(_ a: String, _ b: String, in language: CodeLanguage) -> String { "\(a) / \(b)" }
        /// Division by a nonzero constant only, as a product by its reciprocal.
        public static func polynomial(_ a: Polynomial, _ b: Polynomial, maximumDegree: Int) -> Polynomial? {
            guard let c = b.constantValue, c != 0, c.isFinite, (1 / c).isFinite else { return nil }
            return a * .constant(1 / c)
        }
        public static func words(_ a: String, _ b: String) -> String { "divides \(a) by \(b)" }
    }

    /// a ^ b: a·a for a square (correctly rounded, at a tenth of `pow`'s cost), IEEE `pow` otherwise.
    public enum Pow: OpRule {
        public static var op: Op { .pow }
        public static var arithmetic: Arithmetic? { .pow }
        public static var arity: Int { 2 }
        public static var notation: Notation { .infix(text: "^", latex: "^", precedence: 4) }
        public static var aliases: [String] { ["pow"] }
        @inline(__always) public static func value(_ a: Double, _ b: Double) -> Double { b == 2 ? a * a : Foundation.pow(a, b) }
        /// A constant integer exponent by repeated products (and a reciprocal): the imaginary part
        /// stays exact, and negative bases work. `Complex.pow` goes through exp(b·log a), whose
        /// log of a negative base carries iπ: (−3 + ih)² came back with 1e-15 of rounding in its
        /// imaginary part, which the complex step divides by h = 1e-20. Other exponents use
        /// exp(b·log a), analytic right of 0; left of it the real power is NaN or has no
        /// derivative by b, which ``Op/evaluate(_:_:)-(Complex<Double>,Complex<Double>)`` says.
        public static func value(_ a: Complex<Double>, _ b: Complex<Double>) -> Complex<Double> {
            if b.imaginary == 0, b.real == b.real.rounded(), Swift.abs(b.real) <= 0x1p53 { return ComplexStep.power(a, b.real) }
            return Complex.pow(a, b)
        }
        /// ∂/∂a = b·a^(b−1) (0 for b = 0: a⁰ is constant); ∂/∂b = a^b·ln a, which only exists for
        /// a > 0 (its limit is 0 at a = 0 for b > 0). The power a^(b−1) is this rule's own value,
        /// so that for a cube 3·a² is 3·(a·a), as the gradient graph's node a^2 and the compiled
        /// kernels compute it (glibc's `pow(a, 2)` can differ from a·a in the last bit).
        ///
        /// b − 1 rounds where b is not dyadic enough (−7.96 − 1), and a^(b−1) turns that rounding
        /// into |ln a|·ulp(b − 1)/2 of relative error (23 ulps at 68^−8.96, 579 at (1e294)^−1.02).
        /// So the rounding error e = (b − 1) − c of c = b − 1 is taken exactly (Knuth's two-sum)
        /// and put back: a^(b−1) = a^c·m^e, with m = |a| kept inside the normal doubles so that the
        /// correction m^e (|e| ≤ 1, almost always 0 or within an ulp of 1) is never 0·∞ at a = 0 or
        /// a = ∞. e is 0 for every exponent with few bits (integers, halves, 2.5): those keep
        /// b·a^c bit for bit.
        @inline(__always)
        public static func partials(_ a: Double, _ b: Double, _ v: Double, withRespectToB: Bool) -> (Double, Double) {
            (b == 0 ? 0 : (b == 2 ? 2 * a : powerPartial(a, b)),
             !withRespectToB ? 0 : a > 0 ? v * Foundation.log(a) : (a == 0 ? (b > 0 ? 0 : -.infinity) : .nan))
        }
        /// b·a^c·m^e (see ``partials(_:_:_:withRespectToB:)``), as ``sweepFormulas`` writes it.
        @inline(__always)
        static func powerPartial(_ a: Double, _ b: Double) -> Double {
            let (c, e) = exponentSplit(b)
            let power = b * value(a, c)
            return e == 0 ? power : power * value(correctionBase(a), e)
        }
        /// c = b − 1 rounded and its rounding error e, exactly: c + e = b − 1 (two-sum).
        @inline(__always)
        static func exponentSplit(_ b: Double) -> (c: Double, e: Double) {
            let c = b - 1, bb = c - b
            return (c, (b - (c - bb)) + (-1 - bb))
        }
        /// |a| kept in [2⁻¹⁰²², 2¹⁰²³] (NaN stays NaN), the base of the correction m^e.
        @inline(__always)
        static func correctionBase(_ a: Double) -> Double { Min.value(Max.value(Abs.value(a), 0x1p-1022), 0x1p1023) }
        public static var partialFormulas: [Formula] { [b * pow(a, b - 1), pow(a, b) * log(a)] }
        public static var sweepFormulas: [Formula] { [powerPartialFormula(b), v * log(a)] }
        /// ``powerPartial(_:_:)`` as a formula, with `exponent` for b (a number, when it is constant).
        static func powerPartialFormula(_ exponent: Formula) -> Formula {
            let c = exponent - 1, bb = c - exponent
            let e = (exponent - (c - bb)) + (-1 - bb)
            let m = min(max(abs(a), number(0x1p-1022)), number(0x1p1023))
            return exponent * pow(a, c) * pow(m, e)
        }
        public static var hasKinks: Bool { true }
        @inline(__always)
        public static func kink(_ a: Double, _ b: Double) -> MathNote? {
            if a == 0 && b == 0 { return "0^0: taken as 1 (IEEE pow); \(partial: 0) = 0; \(partial: 1) = −inf (ln 0)" }
            if a == 0 && b < 0 { return "power of 0 with a negative exponent: value inf, \(partial: 0) infinite" }
            if a == 0 && b < 1 && b != 0 { return "power of 0 with exponent < 1: \(partial: 0) is infinite" }
            if a < 0 && b.rounded() != b { return "negative base with a non-integer exponent: NaN" }
            return nil
        }
        public static func code(_ a: String, _ b: String, in language: CodeLanguage) -> String { "pow(\(a), \(b))" }
        /// `b·a^(b−1)` is 0·∞ = NaN at a = 0, b = 0, where the rule gives 0 (a⁰ is constant), and
        /// `a^b·ln a` is 0·(−∞) at a = 0, where the rule gives its limit 0 (b > 0). With a constant
        /// exponent (x², the common case) the formula is exact and stays: `2.0 * v0` vectorises.
        public static func partialCode(
            _ k: Int, a: String, b: String, v: String, constantA: Bool, constantB: Bool, in language: CodeLanguage
        ) -> String? {
            let c = language == .c
            if k == 0, !constantB {
                // b·a^c·m^e: c = b − 1 and e its rounding error (two-sum), m = |a| held in the
                // normal doubles (see ``partials(_:_:_:withRespectToB:)``), each named once.
                let pieces: [(name: String, value: String)] = [
                    ("p1", "\(b) - 1.0"), ("p2", "p1 - \(b)"), ("p3", "(\(b) - (p1 - p2)) + (-1.0 - p2)"),
                    ("p4", Max.code(Abs.code(a, "", in: language), "0x1p-1022", in: language)),
                    ("p5", Min.code("p4", "0x1p1023", in: language)),
                ]
                return language.expression(
                    naming: pieces, result: "(\(b) == 0.0 ? 0.0 : \(b) == 3.0 ? \(b) * (\(a) * \(a)) : \(b) * pow(\(a), p1) * pow(p5, p3))")
            }
            if k == 1, !(constantA && a.first != "(" && a != "0.0") {  // a positive constant base keeps v·ln a
                let log = c ? "log(\(a))" : "Foundation.log(\(a))", nan = c ? "NAN" : "Double.nan", inf = c ? "INFINITY" : "Double.infinity"
                return "(\(a) > 0.0 ? \(v) * \(log) : (\(a) == 0.0 ? (\(b) > 0.0 ? 0.0 : -\(inf)) : \(nan)))"
            }
            return nil
        }
        /// A constant natural exponent, of a monomial (a power of a sum is not expanded).
        public static func polynomial(_ a: Polynomial, _ b: Polynomial, maximumDegree: Int) -> Polynomial? {
            guard let n = b.constantValue, n >= 0, n == n.rounded(), n <= Double(maximumDegree), a.isMonomial || n <= 1 else { return nil }
            return a.power(Int(n))
        }
        public static func words(_ a: String, _ b: String) -> String { "raises \(a) to the power \(b)" }
    }

    /// −a.
    public enum Neg: UnaryRule {
        public static var op: Op { .neg }
        public static var arithmetic: Arithmetic? { .neg }
        public static var notation: Notation { .prefix(text: "-", latex: "-", precedence: 3) }
        @inlinable @inline(__always) public static func value(_ a: Double) -> Double { -a }
        public static func value(_ a: Complex<Double>) -> Complex<Double> { -a }
        @inlinable @inline(__always) public static func derivative(_ a: Double, _ v: Double) -> Double { -1 }
        public static var derivativeFormula: Formula { number(-1) }
        public static func code(_ a: String, _ b: String, in language: CodeLanguage) -> String { "-\(a)" }
        public static func polynomial(_ a: Polynomial, _ b: Polynomial, maximumDegree: Int) -> Polynomial? { -a }
        public static func words(_ a: String) -> String { "negates \(a)" }
    }
}

/// a ± b as polynomials, where no terms of one degree cancel, the leading ones or any other: the
/// tape computes `x + 1e16 − 1e16` as (x + 1e16) − 1e16 = 0 at x = 1, the collected x + 0 gives 1;
/// and at x = ∞ the tape's ∞ − ∞ is NaN where a collected coefficient gives ±∞.
private func sumOfPolynomials(_ a: Polynomial, _ b: Polynomial, subtracting: Bool) -> Polynomial? {
    for k in 0..<Swift.min(a.coefficients.count, b.coefficients.count) {
        let p = a.coefficients[k], q = subtracting ? -b.coefficients[k] : b.coefficients[k]
        if p != 0, q != 0, (p > 0) != (q > 0) { return nil }
    }
    let result = subtracting ? a - b : a + b
    guard result.degree == Swift.max(a.degree, b.degree) else { return nil }
    return result
}
