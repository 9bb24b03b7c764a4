// The elementary functions on Traced values, each recorded as one node: the same names as
// Foundation's, so code written for Doubles runs on Traced values unchanged.

/// sin, recorded.
public func sin(_ x: Traced) -> Traced { Traced.record(.sin, x) }
/// cos, recorded.
public func cos(_ x: Traced) -> Traced { Traced.record(.cos, x) }
/// tan, recorded.
public func tan(_ x: Traced) -> Traced { Traced.record(.tan, x) }
/// exp, recorded.
public func exp(_ x: Traced) -> Traced { Traced.record(.exp, x) }
/// The natural logarithm, recorded.
public func log(_ x: Traced) -> Traced { Traced.record(.log, x) }
/// The square root, recorded.
public func sqrt(_ x: Traced) -> Traced { Traced.record(.sqrt, x) }
/// The absolute value, recorded.
public func abs(_ x: Traced) -> Traced { Traced.record(.abs, x) }
/// tanh, recorded.
public func tanh(_ x: Traced) -> Traced { Traced.record(.tanh, x) }
/// The logistic function 1/(1+e^-x), recorded.
public func sigmoid(_ x: Traced) -> Traced { Traced.record(.sigmoid, x) }
/// max(0, x), recorded.
public func relu(_ x: Traced) -> Traced { Traced.record(.relu, x) }
/// `base ^ exponent`, recorded.
public func pow(_ base: Traced, _ exponent: Traced) -> Traced { Traced.record(.pow, base, exponent) }
/// `base ^ c` with a constant exponent.
public func pow(_ base: Traced, _ exponent: Double) -> Traced { pow(base, base.constant(exponent)) }
/// `base ^ x` with a constant base: `pow(2.0, x)`.
public func pow(_ base: Double, _ exponent: Traced) -> Traced { pow(exponent.constant(base), exponent) }
/// The larger of two values, recorded.
public func max(_ a: Traced, _ b: Traced) -> Traced { Traced.record(.max, a, b) }
/// The smaller of two values, recorded.
public func min(_ a: Traced, _ b: Traced) -> Traced { Traced.record(.min, a, b) }
/// atan2(y, x), the angle of the point (x, y), recorded.
public func atan2(_ y: Traced, _ x: Traced) -> Traced { Traced.record(.atan2, y, x) }
/// √(a² + b²) without overflow, recorded.
public func hypot(_ a: Traced, _ b: Traced) -> Traced { Traced.record(.hypot, a, b) }
/// The arctangent, recorded.
public func atan(_ x: Traced) -> Traced { Traced.record(.atan, x) }
/// The arcsine, recorded.
public func asin(_ x: Traced) -> Traced { Traced.record(.asin, x) }
/// The arccosine, recorded.
public func acos(_ x: Traced) -> Traced { Traced.record(.acos, x) }
/// sinh, recorded.
public func sinh(_ x: Traced) -> Traced { Traced.record(.sinh, x) }
/// cosh, recorded.
public func cosh(_ x: Traced) -> Traced { Traced.record(.cosh, x) }
/// The inverse hyperbolic sine, recorded.
public func asinh(_ x: Traced) -> Traced { Traced.record(.asinh, x) }
/// The inverse hyperbolic cosine, recorded.
public func acosh(_ x: Traced) -> Traced { Traced.record(.acosh, x) }
/// The inverse hyperbolic tangent, recorded.
public func atanh(_ x: Traced) -> Traced { Traced.record(.atanh, x) }
/// The logarithm to base 10, recorded.
public func log10(_ x: Traced) -> Traced { Traced.record(.log10, x) }
/// The logarithm to base 2, recorded.
public func log2(_ x: Traced) -> Traced { Traced.record(.log2, x) }
/// log(1 + x), accurate for small x, recorded.
public func log1p(_ x: Traced) -> Traced { Traced.record(.log1p, x) }
/// eˣ − 1, accurate for small x, recorded.
public func expm1(_ x: Traced) -> Traced { Traced.record(.expm1, x) }
/// The real cube root, recorded.
public func cbrt(_ x: Traced) -> Traced { Traced.record(.cbrt, x) }
/// The error function, recorded.
public func erf(_ x: Traced) -> Traced { Traced.record(.erf, x) }
/// The largest integer not above x, recorded (derivative 0).
public func floor(_ x: Traced) -> Traced { Traced.record(.floor, x) }
/// The smallest integer not below x, recorded (derivative 0).
public func ceil(_ x: Traced) -> Traced { Traced.record(.ceil, x) }
/// x rounded to the nearest integer, halves away from zero, recorded (derivative 0).
public func round(_ x: Traced) -> Traced { Traced.record(.round, x) }
/// The larger of a value and a constant: `max(x, 0)` is relu.
public func max(_ a: Traced, _ b: Double) -> Traced { max(a, a.constant(b)) }
/// The larger of a constant and a value.
public func max(_ a: Double, _ b: Traced) -> Traced { max(b.constant(a), b) }
/// The smaller of a value and a constant.
public func min(_ a: Traced, _ b: Double) -> Traced { min(a, a.constant(b)) }
/// The smaller of a constant and a value.
public func min(_ a: Double, _ b: Traced) -> Traced { min(b.constant(a), b) }
