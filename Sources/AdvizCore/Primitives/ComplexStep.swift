import ComplexModule
import Foundation
import RealModule

/// Complex extensions of the inverse functions that keep a tiny imaginary part.
///
/// The complex step reads f′(x) as Im f(x + ih)/h with h = 1e-20. swift-numerics computes
/// `Complex.atan` and its relatives through the real part of log|w| for a w near 1, where the
/// 1e-20 is rounded away (atan(2 + 1e-20i) comes back with imaginary part 0). The formulas here
/// are the same analytic functions written so that the imaginary part is computed, not cancelled:
/// through `atan2`, `log1p` and square roots of numbers away from 0. Where the real function is
/// NaN (asin of 2) the result is NaN too, since the program's arithmetic is real.
package enum ComplexStep {
    private static let nan = Complex<Double>(.nan, .nan)

    /// The value of `rule` at complex arguments, as the complex step needs it: where the real
    /// operation is NaN (log of −1, (−2.5)^2.5) the complex one is NaN too, not the principal
    /// branch's number (log(−1 + ih) = iπ, whose rounding the step divides by h); where a
    /// partial by an argument that carries a step is infinite or NaN (√ at 0, a^b by b for
    /// a < 0, a pole) the derivative does not exist as a number and the imaginary part is NaN,
    /// not Im f/h of a function that is not analytic there. Arguments that do not vary with the
    /// step (constants) give the real value exactly. Which arguments vary is, by default, which
    /// carry an imaginary part; an evaluation of a tape says it by the tape's structure, as AD
    /// sees it (x/x varies with x, though its imaginary part comes out 0), and the real
    /// arguments are the tape's own (`real`), not the complex ones' real parts, which differ by
    /// O(h²): log|1 + ih| is 5e-41, where the tape's log 1 is 0 and 0/0 is NaN.
    package static func value(
        _ rule: any OpRule.Type, _ a: Complex<Double>, _ b: Complex<Double>, aVaries: Bool? = nil, bVaries: Bool? = nil,
        real: (Double, Double)? = nil
    ) -> Complex<Double> {
        let steppedA = aVaries ?? (a.imaginary != 0), steppedB = rule.arity == 2 && (bVaries ?? (b.imaginary != 0))
        let (ra, rb) = real ?? (a.real, b.real)
        let (v, pa, pb) = rule.valueAndPartials(ra, rb, withRespectToB: steppedB)
        if v.isNaN { return nan }
        if !steppedA && !steppedB { return Complex(v, 0) }
        // A stepped argument that is not finite (its derivative already not a number) would be
        // swiftnumerics' one point at infinity, which a division turns into 0: keep it NaN.
        if steppedA && (!pa.isFinite || !a.isFinite) || steppedB && (!pb.isFinite || !b.isFinite) { return Complex(v, .nan) }
        return rule.value(a, b)
    }

    /// zⁿ for an integer n (|n| ≤ 2⁵³) by squaring and multiplying, and 1/z⁻ⁿ for n < 0: only
    /// products, so a real z with a tiny imaginary part keeps it exact (2xy for z²).
    package static func power(_ z: Complex<Double>, _ n: Double) -> Complex<Double> {
        var exponent = UInt64(Swift.abs(n))
        var result = Complex<Double>(1, 0), base = z
        while exponent > 0 {
            if exponent & 1 == 1 { result = result * base }
            exponent >>= 1
            if exponent > 0 { base = base * base }
        }
        return n < 0 ? Complex(1, 0) / result : result
    }

    /// atan z = ½·atan2(2x, 1 − x² − y²) + i·¼·log1p(4y / (x² + (1 − y)²)) (Kahan's form).
    package static func atan(_ z: Complex<Double>) -> Complex<Double> {
        let x = z.real, y = z.imaginary
        if y == 0 { return Complex(Foundation.atan(x), 0) }
        let real = 0.5 * Foundation.atan2(2 * x, (1 - x) * (1 + x) - y * y)
        let imaginary = 0.25 * Foundation.log1p(4 * y / (x * x + (1 - y) * (1 - y)))
        return Complex(real, imaginary)
    }

    /// atan2(y, x): atan(y/x) shifted by ±π left of the y axis, or ±π/2 − atan(x/y) near it.
    package static func atan2(_ y: Complex<Double>, _ x: Complex<Double>) -> Complex<Double> {
        if x.real == 0 && y.real == 0 || !x.real.isFinite || !y.real.isFinite {
            return Complex(Foundation.atan2(y.real, x.real), x.imaginary == 0 && y.imaginary == 0 ? 0 : .nan)
        }
        if Swift.abs(x.real) >= Swift.abs(y.real) {
            let shift = x.real > 0 ? 0 : (y.real.sign == .minus ? -Double.pi : Double.pi)
            return atan(y / x) + Complex(shift, 0)
        }
        return Complex(y.real > 0 ? Double.pi / 2 : -Double.pi / 2, 0) - atan(x / y)
    }

    /// hypot(a, b) = √(a² + b²), scaled by the larger real part so that neither square overflows.
    package static func hypot(_ a: Complex<Double>, _ b: Complex<Double>) -> Complex<Double> {
        let scale = Swift.max(Swift.abs(a.real), Swift.abs(b.real))
        if scale == 0 || !scale.isFinite { return Complex(Foundation.hypot(a.real, b.real), 0) }
        let p = a / Complex(scale, 0), q = b / Complex(scale, 0)
        return Complex(scale, 0) * Complex.sqrt(p * p + q * q)
    }

    /// asin z = atan(z / √((1 − z)(1 + z))) on (−1, 1); NaN outside [−1, 1], as the real function
    /// is. (1 − z)(1 + z), not 1 − z², which cancels near ±1: at 0.99999999 the step was off by 2.7e-10.
    package static func asin(_ z: Complex<Double>) -> Complex<Double> {
        guard Swift.abs(z.real) <= 1 else { return nan }
        if Swift.abs(z.real) == 1 { return Complex(Foundation.asin(z.real), z.imaginary == 0 ? 0 : .nan) }
        return atan(z / Complex.sqrt((1 - z) * (1 + z)))
    }

    /// acos z = 2·atan(√((1 − z)/(1 + z))) on (−1, 1], accurate near 1 where π/2 − asin is not.
    package static func acos(_ z: Complex<Double>) -> Complex<Double> {
        guard Swift.abs(z.real) <= 1 else { return nan }
        if z.real == -1 { return Complex(Double.pi, z.imaginary == 0 ? 0 : .nan) }
        return 2 * atan(Complex.sqrt((1 - z) / (1 + z)))
    }

    /// atanh z = ½·(log1p(z) − log1p(−z)): the imaginary part is atan2(y, 1 ± x), kept whole.
    package static func atanh(_ z: Complex<Double>) -> Complex<Double> {
        guard Swift.abs(z.real) <= 1 else { return nan }
        if Swift.abs(z.real) == 1 { return Complex(Foundation.atanh(z.real), z.imaginary == 0 ? 0 : .nan) }
        return (Complex.log(onePlus: z) - Complex.log(onePlus: -z)) / 2
    }

    /// asinh z = atanh(z / √(1 + z²)) for |x| ≤ 1, log(z + √(z² + 1)) beyond (odd, so |x| is used).
    package static func asinh(_ z: Complex<Double>) -> Complex<Double> {
        if !z.real.isFinite { return Complex(Foundation.asinh(z.real), 0) }
        if z.real < 0 { return -asinh(-z) }
        if z.real <= 1 { return atanh(z / Complex.sqrt(1 + z * z)) }
        return Complex.log(z + Complex.sqrt(z * z + 1))
    }

    /// acosh z = log(z + √(z² − 1)) for x > 1; NaN below 1, as the real function is.
    package static func acosh(_ z: Complex<Double>) -> Complex<Double> {
        guard z.real >= 1 else { return nan }
        if z.real == 1 { return Complex(0, z.imaginary == 0 ? 0 : .nan) }
        if !z.real.isFinite { return Complex(z.real, 0) }
        return Complex.log(z + Complex.sqrt(z * z - 1))
    }

    /// The real cube root extended: exp(log z / 3) right of 0, odd on the left (cbrt(−8) = −2,
    /// where the principal complex root is not real). At 0 the slope is infinite: NaN.
    package static func cbrt(_ z: Complex<Double>) -> Complex<Double> {
        if z.real == 0 { return z.imaginary == 0 ? Complex(z.real, 0) : nan }
        if !z.real.isFinite { return Complex(z.real, 0) }
        if z.real < 0 { return -cbrt(-z) }
        return Complex.exp(Complex.log(z) / 3)
    }

    /// erf has no complex form in swift-numerics: the first two terms of its Taylor series,
    /// erf(x) + i·y·(2/√π)·e^(−x²), which is all the complex step's h = 1e-20 can see (the next
    /// term is y² ≈ 1e-40 smaller). Unlike the others, this is the derivative rule itself, so
    /// for erf the complex step is not an independent check.
    package static func erf(_ z: Complex<Double>) -> Complex<Double> {
        let x = z.real
        return Complex(Foundation.erf(x), z.imaginary * OpRules.Erf.derivative(x, 0))
    }
}
