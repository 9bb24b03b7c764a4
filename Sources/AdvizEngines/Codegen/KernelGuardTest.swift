import AdvizCore

/// One test of a compiled gradient's NaN guard: where it holds, the gradient is NaN.
///
/// Either the tested node is NaN (`v17 != v17`), or, cheaper, a node the gradient reads anyway is
/// beyond a threshold (`v12 >= 7.741001517595157e+153`): ``KernelNaNGuard/threshold(_:_:covered:)``
/// proves where that is the same test.
enum KernelGuardTest: Equatable {
    /// Node `node` is NaN.
    case isNaN(node: Int)
    /// Node `node` is ≥ `above` (when given) or ≤ `below` (when given); its NaN needs no test.
    case beyond(node: Int, below: Double?, above: Double?)

    /// The test as C, the nodes named by `name`.
    func code(_ name: (Int) -> String, literal: (Double) -> String) -> String {
        switch self {
        case .isNaN(let node):
            return "\(name(node)) != \(name(node))"
        case .beyond(let node, let below, let above):
            let v = name(node)
            if let below, let above, below == -above { return "fabs(\(v)) >= \(literal(above))" }
            let sides = [above.map { "\(v) >= \(literal($0))" }, below.map { "\(v) <= \(literal($0))" }].compactMap { $0 }
            return sides.joined(separator: " || ")
        }
    }
}

extension KernelNaNGuard {
    /// A cheaper test for node `t`'s NaN, when `t` is a sum or difference of two monomials of one
    /// node u (`2·u³ − 3·u²`: constant multiples and powers 2–4 written as products) whose NaN
    /// the gradient already has (`covered[u]`).
    ///
    /// The proof, for u not NaN: each monomial is never NaN (no 0·∞ in u·u·u or in c·m with c
    /// finite and nonzero), its magnitude never decreases as |u| grows (rounding is monotone), and
    /// on each side of 0 its sign is fixed. So on a side, each is infinite exactly from a least
    /// |u| on (found by bisection over the doubles' bit patterns, evaluating the products as the
    /// kernel writes them), and `t` is NaN (∞ − ∞) exactly from the larger of the two on, if
    /// the two infinities there cancel. Where u is NaN, so is the gradient. Nil when `t` is not
    /// of that shape; `.beyond` with no side when `t` is never NaN but where u is.
    static func threshold(_ graph: Graph, _ t: Int, covered: [Bool]) -> KernelGuardTest? {
        let node = graph.nodes[t]
        guard node.op == .add || node.op == .sub else { return nil }
        let args = node.arguments
        guard let a = monomial(graph, args[0]), let b = monomial(graph, args[1]), a.base == b.base, covered[a.base] else { return nil }
        var bounds: [Double?] = []
        for side in [1.0, -1.0] {
            let (ta, tb) = (infiniteFrom(a.value, side: side), infiniteFrom(b.value, side: side))
            let signA = a.value(side * .infinity).sign, signB = b.value(side * .infinity).sign
            let cancel = node.op == .sub ? signA == signB : signA != signB
            bounds.append(cancel ? side * Swift.max(ta, tb) : nil)
        }
        return .beyond(node: a.base, below: bounds[1], above: bounds[0])
    }

    /// Node `i` as a monomial of one node: constant multiples, negations and integer powers 2–4
    /// (as products), and the function that computes it from that node's value as the kernel does.
    static func monomial(_ graph: Graph, _ i: Int) -> (base: Int, value: (Double) -> Double)? {
        enum Step { case times(Double), power(Int) }
        var steps: [Step] = []
        var n = i
        while true {
            let node = graph.nodes[n]
            let args = node.arguments
            if node.op == .pow, graph.isConstant(args[1]) {
                let e = graph.nodes[args[1]].literal
                guard e == e.rounded(), e >= 2, e <= 4 else { return nil }
                steps.append(.power(Int(e)))
                n = args[0]
            } else if node.op == .neg {
                steps.append(.times(-1))  // −x is (−1)·x, bit for bit (a NaN's payload aside)
                n = args[0]
            } else if node.op == .mul, args[0] == args[1], !graph.isConstant(args[0]) {
                steps.append(.power(2))
                n = args[0]
            } else if node.op == .mul, let k = args.indices.first(where: { graph.isConstant(args[$0]) }), !graph.isConstant(args[1 - k]) {
                let c = graph.nodes[args[k]].literal
                guard c.isFinite, c != 0 else { return nil }
                steps.append(.times(c))
                n = args[1 - k]
            } else {
                break
            }
        }
        guard !graph.isConstant(n) else { return nil }
        let innermostFirst = Array(steps.reversed())
        return (n, { u in
            var x = u
            for step in innermostFirst {
                switch step {
                case .times(let c): x = c * x  // as `c * x`: the product is the same either way
                case .power(let e):
                    let base = x
                    for _ in 1..<e { x = x * base }  // (u·u)·u, as the kernel writes it
                }
            }
            return x
        })
    }

    /// The least |u| on `side` (+1 or −1) from which `value(u)` is infinite; ∞ when only u = ±∞.
    static func infiniteFrom(_ value: (Double) -> Double, side: Double) -> Double {
        var low: UInt64 = 0, high = Double.infinity.bitPattern  // value(±∞) is infinite
        while low < high {
            let middle = low + (high - low) / 2
            if value(side * Double(bitPattern: middle)).isInfinite { high = middle } else { low = middle + 1 }
        }
        return Double(bitPattern: low)
    }
}
