import Foundation
#if canImport(CMathExtras)
import CMathExtras
#endif

/// sin(x) and cos(x) at once: glibc's `sincos` where there is one (one call, one range
/// reduction, the same code and the same bits as `sin` and `cos`: RuleTests checks), the two
/// calls elsewhere.
@inline(__always)
func sineAndCosine(_ x: Double) -> (Double, Double) {
    #if canImport(CMathExtras) && os(Linux)
    var s = 0.0, c = 0.0
    sincos(x, &s, &c)
    return (s, c)
    #else
    return (Foundation.sin(x), Foundation.cos(x))
    #endif
}
