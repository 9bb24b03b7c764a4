/// A polynomial in one variable with Double coefficients: c₀ + c₁u + … + cₙuⁿ.
///
/// The arithmetic of the operations that keep polynomials polynomial (+, −, ·, −u, uⁿ for a
/// constant natural n, division by a constant), which ``Op/polynomial(_:_:maximumDegree:)`` applies. The block interpreter uses it to
/// fuse a chain of such steps (`2*x^3 - 3*x^2 + 5` is six tape steps) into one evaluation by
/// Horner's rule, with the derivative polynomial for the adjoint: one pass over a block instead
/// of one per step.
public struct Polynomial: Sendable, Equatable {
    /// The coefficients, lowest degree first; never has a zero leading coefficient (the zero polynomial is empty).
    public private(set) var coefficients: [Double]

    /// The polynomial with these coefficients (lowest degree first); trailing zeros are dropped.
    ///
    /// Zero coefficients are kept as −0, so that Horner's `… · u + 0` leaves a product's sign
    /// of zero as the tape's own product leaves it (−0 + −0 is −0; +0 + −0 is +0).
    public init(_ coefficients: [Double]) {
        var trimmed = coefficients.map { $0 == 0 ? -0.0 : $0 }
        while trimmed.last == 0 { trimmed.removeLast() }
        self.coefficients = trimmed
    }

    /// True if the polynomial is a single term c·uⁿ (c ≠ 0).
    public var isMonomial: Bool { coefficients.filter { $0 != 0 }.count == 1 }

    /// The constant polynomial c.
    public static func constant(_ c: Double) -> Polynomial { Polynomial([c]) }

    /// The variable itself, u.
    public static let variable = Polynomial([0, 1])

    /// The degree (0 for constants, -1 for the zero polynomial).
    public var degree: Int { coefficients.count - 1 }

    /// The constant value, if the polynomial is constant.
    public var constantValue: Double? { degree <= 0 ? (coefficients.first ?? 0) : nil }

    /// The derivative, c₁ + 2c₂u + … + ncₙuⁿ⁻¹.
    public var derivative: Polynomial {
        Polynomial(coefficients.indices.dropFirst().map { Double($0) * coefficients[$0] })
    }

    /// The value at u by Horner's rule.
    public func callAsFunction(_ u: Double) -> Double {
        var value = 0.0
        for c in coefficients.reversed() { value = value * u + c }
        return value
    }

    /// p + q.
    public static func + (p: Polynomial, q: Polynomial) -> Polynomial {
        var sum = [Double](repeating: 0, count: Swift.max(p.coefficients.count, q.coefficients.count))
        for (i, c) in p.coefficients.enumerated() { sum[i] += c }
        for (i, c) in q.coefficients.enumerated() { sum[i] += c }
        return Polynomial(sum)
    }

    /// −p.
    public static prefix func - (p: Polynomial) -> Polynomial { Polynomial(p.coefficients.map { -$0 }) }

    /// p − q.
    public static func - (p: Polynomial, q: Polynomial) -> Polynomial { p + (-q) }

    /// p · q.
    public static func * (p: Polynomial, q: Polynomial) -> Polynomial {
        guard !p.coefficients.isEmpty, !q.coefficients.isEmpty else { return Polynomial([]) }
        var product = [Double](repeating: 0, count: p.coefficients.count + q.coefficients.count - 1)
        for (i, a) in p.coefficients.enumerated() {
            for (j, b) in q.coefficients.enumerated() { product[i + j] += a * b }
        }
        return Polynomial(product)
    }

    /// pⁿ for a natural n, by repeated squaring.
    public func power(_ n: Int) -> Polynomial {
        var result = Polynomial.constant(1), base = self, n = n
        while n > 0 {
            if n & 1 == 1 { result = result * base }
            n >>= 1
            if n > 0 { base = base * base }
        }
        return result
    }
}
