import Foundation
import AdvizCore

/// Expressions for symbolic differentiation, stored as a hash-consed DAG.
///
/// Every distinct subexpression is one entry of an arena, so a derivative that repeats
/// `6·x² − 6·x` a hundred times stores it once: the DAG size is what a computer algebra
/// system with sharing keeps, the tree size is what a reader of the printed formula sees.
/// Both are measured, to show *expression swell*. The arena is built bottom-up, so every
/// pass over it is a loop; printing a deep expression uses an explicit stack.
public struct SymbolicArena: Sendable {
    /// One entry: a variable, a number, or an operation on earlier entries.
    public enum Term: Hashable, Sendable {
        case variable(String)
        case number(Double)
        case apply(Op, Int, Int)  // second argument -1 for unary operations
    }

    /// The entries; an entry's arguments always come before it.
    public private(set) var terms: [Term] = []
    private var index: [Term: Int] = [:]
    /// Whether the smart constructors simplify (`--no-simplify` shows the raw rules).
    public let simplifies: Bool
    /// The values of the named constants among the variables (`e`, `pi`): a function of one of
    /// them folds where its value is a whole number (log(e) = 1, cos(pi) = −1), so the
    /// derivative of e^x reads e^x, not e^x·log(e); 2·pi stays 2·pi.
    public var namedConstants: [String: Double] = [:]

    /// An empty arena; `simplifies` turns the simplifier on.
    public init(simplifies: Bool = true) {
        self.simplifies = simplifies
    }

    private mutating func intern(_ term: Term) -> Int {
        if let id = index[term] { return id }
        terms.append(term)
        index[term] = terms.count - 1
        return terms.count - 1
    }

    /// The entry for a variable.
    public mutating func variable(_ name: String) -> Int { intern(.variable(name)) }

    /// The entry for a number.
    public mutating func number(_ x: Double) -> Int { intern(.number(x == 0 ? 0 : x)) }

    /// The number an entry holds, if it is one.
    public func constant(_ id: Int) -> Double? {
        if case .number(let x) = terms[id] { return x }
        return nil
    }

    /// `op` applied to `a` (and `b`), simplified when the arena simplifies.
    public mutating func apply(_ op: Op, _ a: Int, _ b: Int = -1) -> Int {
        guard simplifies else { return intern(.apply(op, a, op.arity == 2 ? b : -1)) }
        let ca = constant(a), cb = b >= 0 ? constant(b) : nil
        // Constant folding, except for a non-smooth operation, whose convention would be hidden.
        if let ca, op.arity == 1 || cb != nil, op.smoothness == .smooth {
            let value = op.evaluate(ca, cb ?? 0)
            if value.isFinite, value == value.rounded() || op == .add || op == .sub || op == .mul || op == .neg {
                return number(value)
            }
        }
        if op.arity == 1, op.smoothness == .smooth, case .variable(let name) = terms[a], let c = namedConstants[name] {
            let value = op.evaluate(c, 0)
            if value.isFinite, value == value.rounded() { return number(value) }
        }
        let simplified: Int?
        switch op.arithmetic {
        case .add?: simplified = simplifiedAdd(a, b, ca, cb)
        case .sub?: simplified = simplifiedSub(a, b, ca, cb)
        case .mul?: simplified = simplifiedMul(a, b, ca, cb)
        case .div?: simplified = simplifiedDiv(a, b, ca, cb)
        case .pow?: simplified = simplifiedPow(a, b, ca, cb)
        case .neg?: simplified = simplifiedNeg(a, b, ca, cb)
        case nil: simplified = nil  // a function: no algebra to apply
        }
        return simplified ?? intern(.apply(op, a, op.arity == 2 ? b : -1))
    }

    /// `a + b` simplified, or nil where no identity applies (then `apply` interns it as it is).
    private mutating func simplifiedAdd(_ a: Int, _ b: Int, _ ca: Double?, _ cb: Double?) -> Int? {
        if ca == 0 { return b }
        if cb == 0 { return a }
        if let (k1, t1) = coefficient(a), let (k2, t2) = coefficient(b), t1 == t2 {
            return scaled(k1 + k2, t1)  // collect like terms: 2x + 3x → 5x
        }
        if case .apply(.neg, let inner, _) = terms[b] { return apply(.sub, a, inner) }
        // Signs as a teacher writes them: a + (−6)·x → a − 6·x.
        if case .apply(.mul, let k, let t) = terms[b], let ck = constant(k), ck < 0 { return apply(.sub, a, scaled(-ck, t)) }
        if case .apply(.neg, let inner, _) = terms[a] { return apply(.sub, b, inner) }  // −a + b → b − a
        if let combined = combining(.add, a, b) { return combined }
        return nil
    }

    /// `a − b` simplified, or nil where no identity applies (then `apply` interns it as it is).
    private mutating func simplifiedSub(_ a: Int, _ b: Int, _ ca: Double?, _ cb: Double?) -> Int? {
        if cb == 0 { return a }
        if ca == 0 { return apply(.neg, b) }
        if a == b { return number(0) }
        if let (k1, t1) = coefficient(a), let (k2, t2) = coefficient(b), t1 == t2 { return scaled(k1 - k2, t1) }
        if case .apply(.neg, let inner, _) = terms[b] { return apply(.add, a, inner) }
        if case .apply(.mul, let k, let t) = terms[b], let ck = constant(k), ck < 0 { return apply(.add, a, scaled(-ck, t)) }
        if case .apply(.neg, let inner, _) = terms[a] { return apply(.neg, apply(.add, inner, b)) }  // −a − b → −(a + b)
        if let combined = combining(.sub, a, b) { return combined }
        return nil
    }

    /// `a · b` simplified, or nil where no identity applies (then `apply` interns it as it is).
    private mutating func simplifiedMul(_ a: Int, _ b: Int, _ ca: Double?, _ cb: Double?) -> Int? {
        if ca == 0 || cb == 0 { return number(0) }
        if ca == 1 { return b }
        if cb == 1 { return a }
        if ca == -1 { return apply(.neg, b) }
        if cb == -1 { return apply(.neg, a) }
        if cb != nil, ca == nil { return apply(.mul, b, a) }  // numbers first: 3·x
        if let ca, case .apply(.mul, let inner, let rest) = terms[b], let ci = constant(inner) {
            return apply(.mul, number(ca * ci), rest)  // 2·(3·x) → 6·x
        }
        if case .apply(.div, let n, let d) = terms[a], constant(n) == 1 { return apply(.div, b, d) }  // (1/d)·b → b/d
        if case .apply(.div, let n, let d) = terms[b], constant(n) == 1 { return apply(.div, a, d) }
        // Signs out in front: a·(−b) → −(a·b), (−a)·(−b) → a·b.
        if case .apply(.neg, let inner, _) = terms[b] { return apply(.neg, apply(.mul, a, inner)) }
        if case .apply(.neg, let inner, _) = terms[a] { return apply(.neg, apply(.mul, inner, b)) }
        // Numbers to the front of a product: a·(k·t) → k·(a·t), (k·t)·b → k·(t·b).
        if ca == nil, case .apply(.mul, let k, let rest) = terms[b], let ck = constant(k) { return apply(.mul, number(ck), apply(.mul, a, rest)) }
        if cb == nil, case .apply(.mul, let k, let rest) = terms[a], let ck = constant(k), ca == nil { return apply(.mul, number(ck), apply(.mul, rest, b)) }
        if a == b { return apply(.pow, a, number(2)) }  // x·x → x²
        if case .apply(.mul, let p, let rest) = terms[b], p == a { return apply(.mul, apply(.pow, a, number(2)), rest) }  // x·(x·t) → x²·t
        // A variable meets its own power further down a product: x1·(x2·x1) → x1²·x2, so
        // 2·x1·x2·x1 is written 2·x1²·x2. Positive whole exponents only: x^0.5·x^0.5 is NaN for
        // x < 0 where x is not, and merging must not change a value.
        if ca == nil, case .variable = terms[a], case .apply(.mul, let p, let rest) = terms[b], constant(p) == nil,
            let merged = mergingPower(of: a, into: rest)
        {
            return apply(.mul, p, merged)
        }
        if cb == nil, case .variable = terms[b], case .apply(.mul, _, _) = terms[a], let merged = mergingPower(of: b, into: a) {
            return merged  // (x1·x2)·x1 → x1²·x2
        }
        // One order for the factors of a product, so like terms meet: sin(x)·cos(x) and
        // cos(x)·sin(x) are one term (the derivative of cos² + sin² collects to 0).
        if ca == nil, cb == nil, factorKey(b) < factorKey(a) {
            if case .apply(.mul, _, _) = terms[a] {} else { return apply(.mul, b, a) }
        }
        if let (base1, e1) = power(a), let (base2, e2) = power(b), base1 == base2 {
            return apply(.pow, base1, apply(.add, e1, e2))  // x²·x → x³
        }
        return nil
    }

    /// `a / b` simplified, or nil where no identity applies (then `apply` interns it as it is).
    private mutating func simplifiedDiv(_ a: Int, _ b: Int, _ ca: Double?, _ cb: Double?) -> Int? {
        if ca == 0 { return number(0) }
        if cb == 1 { return a }
        // Numeric factors cancel: (2·x)/(2·s) → x/s, (k·t)/c → (k/c)·t where k/c is exact.
        if case .apply(.mul, let k1, let t1) = terms[a], let c1 = constant(k1) {
            if case .apply(.mul, let k2, let t2) = terms[b], let c2 = constant(k2), c1 == c2 { return apply(.div, t1, t2) }
            if let cb, cb != 0, Self.dividesExactly(c1, cb) { return apply(.mul, number(c1 / cb), t1) }
        }
        if case .apply(.neg, let inner, _) = terms[a] { return apply(.neg, apply(.div, inner, b)) }
        if a == b { return number(1) }
        if case .apply(.mul, let p, let q) = terms[b] {  // a/(a·q) → 1/q, a/(p·a) → 1/p
            if p == a { return apply(.div, number(1), q) }
            if q == a { return apply(.div, number(1), p) }
        }
        return nil
    }

    /// `a ^ b` simplified, or nil where no identity applies (then `apply` interns it as it is).
    private mutating func simplifiedPow(_ a: Int, _ b: Int, _ ca: Double?, _ cb: Double?) -> Int? {
        if cb == 0 { return number(1) }
        if cb == 1 { return a }
        if ca == 1 { return number(1) }
        // (x²)³ → x⁶, but only for integer exponents: (x²)^0.5 is |x|, not x, and (x^0.5)² is NaN
        // for x < 0 where x¹ is not.
        if case .apply(.pow, let base, let inner) = terms[a], let ci = constant(inner), let cb,
            ci == ci.rounded(), cb == cb.rounded()
        {
            return apply(.pow, base, apply(.mul, inner, b))
        }
        return nil
    }

    /// `−a` simplified, or nil where no identity applies (then `apply` interns it as it is).
    private mutating func simplifiedNeg(_ a: Int, _ b: Int, _ ca: Double?, _ cb: Double?) -> Int? {
        if case .apply(.neg, let inner, _) = terms[a] { return inner }  // no --x
        if let ca { return number(-ca) }
        if case .apply(.mul, let k, let rest) = terms[a], let ck = constant(k) { return apply(.mul, number(-ck), rest) }
        return nil
    }

    // MARK: Sums as a teacher writes them

    /// `a ± b` with its like terms collected across the whole sum (s + c + c − s → 2·c), with a
    /// common denominator (p/d + q/d → (p + q)/d), or with the factors both terms share pulled
    /// out (cos(x)·e²ˣ + 2·sin(x)·e²ˣ → e²ˣ·(cos(x) + 2·sin(x))); nil where none applies.
    ///
    /// Only compound factors are pulled out — a function, a sum, a quotient, a power of one —
    /// never a number or a variable's power: a polynomial stays expanded (6·x² − 6·x).
    private mutating func combining(_ op: Op, _ a: Int, _ b: Int) -> Int? {
        let sign: Double = op == .add ? 1 : -1
        var summands: [(Double, Int)] = []
        collect(a, 1, into: &summands)
        collect(b, sign, into: &summands)
        if summands.count > 2, Set(summands.map(\.1)).count < summands.count {
            var merged: [(Double, Int)] = []
            for (k, t) in summands {
                if let i = merged.firstIndex(where: { $0.1 == t }) { merged[i].0 += k } else { merged.append((k, t)) }
            }
            return sum(merged.filter { $0.0 != 0 })
        }
        if case .apply(.div, let p, let d) = terms[a], case .apply(.div, let q, let e) = terms[b], d == e, constant(d) == nil {
            return apply(.div, apply(op, p, q), d)
        }
        let (k1, f1) = factors(a), (k2, f2) = factors(b)
        var rest2 = f2, common: [Int] = [], rest1: [Int] = []
        for f in f1 {
            if isCompound(f), let i = rest2.firstIndex(of: f) {
                common.append(f)
                rest2.remove(at: i)
            } else {
                rest1.append(f)
            }
        }
        guard !common.isEmpty else { return nil }
        return apply(.mul, apply(op, product(k1, rest1), product(k2, rest2)), product(1, common))
    }

    /// The summands of `id` (a + b, a − b, −a, k·t flattened), each with its coefficient times `sign`.
    private func collect(_ id: Int, _ sign: Double, into summands: inout [(Double, Int)]) {
        switch terms[id] {
        case .apply(.add, let x, let y):
            collect(x, sign, into: &summands)
            collect(y, sign, into: &summands)
        case .apply(.sub, let x, let y):
            collect(x, sign, into: &summands)
            collect(y, -sign, into: &summands)
        case .number(let c): summands.append((sign * c, -1))  // -1 stands for the number 1
        default:
            let (k, t) = coefficient(id) ?? (1, id)
            summands.append((sign * k, t))
        }
    }

    /// Σ kᵢ·tᵢ written left to right with + and −.
    private mutating func sum(_ summands: [(Double, Int)]) -> Int {
        func term(_ k: Double, _ t: Int) -> Int { t < 0 ? number(k) : scaled(k, t) }
        guard let (k0, t0) = summands.first else { return number(0) }
        var result = term(k0, t0)
        for (k, t) in summands.dropFirst() {
            result = k < 0 ? apply(.sub, result, term(-k, t)) : apply(.add, result, term(k, t))
        }
        return result
    }

    /// A product `k·f₁·f₂·…` (or `−…`) split into its number and its factors.
    private func factors(_ id: Int) -> (Double, [Int]) {
        switch terms[id] {
        case .number(let c): return (c, [])
        case .apply(.neg, let inner, _):
            let (k, f) = factors(inner)
            return (-k, f)
        case .apply(.mul, let x, let y):
            let (k1, f1) = factors(x), (k2, f2) = factors(y)
            return (k1 * k2, f1 + f2)
        default: return (1, [id])
        }
    }

    /// `k·f₁·f₂·…` built by the smart constructors.
    private mutating func product(_ k: Double, _ factors: [Int]) -> Int {
        guard var result = factors.last else { return number(k) }
        for f in factors.dropLast().reversed() { result = apply(.mul, f, result) }
        return apply(.mul, number(k), result)
    }

    /// True for a factor worth pulling out of a sum: not a number, a variable or a variable's power.
    private func isCompound(_ id: Int) -> Bool {
        switch terms[id] {
        case .number, .variable: return false
        case .apply(.pow, let base, let e):
            if case .variable = terms[base], constant(e) != nil { return false }
            return true
        default: return true
        }
    }

    /// `x·chain` with x merged into a factor `x` or `x^k` (k a positive whole number) of the
    /// product chain, when the chain has one; nil otherwise.
    private mutating func mergingPower(of x: Int, into chain: Int) -> Int? {
        func exponent(_ id: Int) -> Double? {
            if id == x { return 1 }
            if case .apply(.pow, let base, let e) = terms[id], base == x, let c = constant(e), c > 0, c == c.rounded() { return c }
            return nil
        }
        if let k = exponent(chain) { return apply(.pow, x, number(k + 1)) }
        guard case .apply(.mul, let head, let tail) = terms[chain] else { return nil }
        if let k = exponent(head) { return apply(.mul, apply(.pow, x, number(k + 1)), tail) }
        guard let merged = mergingPower(of: x, into: tail) else { return nil }
        return apply(.mul, head, merged)
    }

    /// True where k/c is exactly k·(1/c) in floating point: c a power of two, or k/c a whole number.
    static func dividesExactly(_ k: Double, _ c: Double) -> Bool {
        let q = k / c
        guard q.isFinite, q * c == k else { return false }
        return q == q.rounded() || c.significandBitPattern == 0
    }

    /// The order of factors in a product: variables and their powers first, then functions,
    /// each group by the order the arena met them (the same in every run).
    private func factorKey(_ id: Int) -> (Int, Int) {
        switch terms[id] {
        case .number: return (0, id)
        case .variable: return (1, id)
        case .apply(.pow, let base, _):
            if case .variable = terms[base] { return (1, base) }  // x1² sits where x1 would
            return (3, id)
        default: return (3, id)
        }
    }

    /// `k·t` with the usual identities (0 and 1 folding).
    private mutating func scaled(_ k: Double, _ t: Int) -> Int {
        if k == 0 { return number(0) }
        if k == 1 { return t }
        if k == -1 { return apply(.neg, t) }
        return intern(.apply(.mul, number(k), t))
    }

    /// Splits `k·t` (or `t`, or `−t`) into its coefficient and term, for collecting like terms.
    private func coefficient(_ id: Int) -> (Double, Int)? {
        switch terms[id] {
        case .number: return nil
        case .apply(.mul, let k, let t): if let c = constant(k) { return (c, t) }
        case .apply(.neg, let t, _): return (-1, t)
        default: break
        }
        return (1, id)
    }

    /// Splits `x^e` (or `x`, as `x^1`) into base and exponent, when the exponent is a number.
    private mutating func power(_ id: Int) -> (Int, Int)? {
        switch terms[id] {
        case .number: return nil
        case .apply(.pow, let base, let e): return constant(e) != nil ? (base, e) : nil
        default: return (id, number(1))
        }
    }
}
