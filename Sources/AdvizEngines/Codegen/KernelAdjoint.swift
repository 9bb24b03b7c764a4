import AdvizCore

/// The reverse sweep of a compiled kernel: the adjoint statements with the seed 1, exact rewrites,
/// and what the proof of the NaN guard needs (see ``KernelNaNGuard``).
///
/// The statements are those of ``DerivativeCode/adjointStatements(guardingSeeds:weight:seed:)``
/// with one change, made only where it is exact in IEEE arithmetic: an adjoint that is a constant
/// (the seed 1, times constant partials: `v̄ = −3` under `−3·p²`) is a literal, and a constant
/// adjoint `a` times a partial `c·x` whose `c` is a power of two ≥ 1 becomes one product
/// `(a·c)·x` when |a| ≥ 1 and `a·c` is exact: `(−3)·(2·v) = −6·v` for every v. (`c·x` is exact, or
/// overflows with x's sign, and then so does `(a·c)·x`, as |a| ≥ 1; ±0, ±∞ and NaN keep their
/// sign and meaning.) clang, kept strict, may not reassociate the two products itself.
struct KernelAdjoint {
    /// The statements, in reverse tape order.
    var statements: [CodeStatement] = []
    /// For each node, the primal nodes whose NaN makes its adjoint NaN (see ``KernelNaNGuard``).
    var nanReads: [Set<Int>]
    /// How many products the rewrite saved.
    var rewrites = 0

    init(_ code: DerivativeCode) {
        let graph = code.graph
        let consumers = graph.consumers()
        var live = [Bool](repeating: false, count: graph.nodes.count)
        var constant = [Double?](repeating: nil, count: graph.nodes.count)
        nanReads = [Set<Int>](repeating: [], count: graph.nodes.count)
        let output = graph.outputs[0].node
        for i in stride(from: graph.nodes.count - 1, through: 0, by: -1) where !graph.isConstant(i) {
            var terms: [(text: String, value: Double?)] = []
            var reads = Set<Int>()
            if i == output { terms.append(("1.0", 1.0)) }
            for c in consumers[i] where live[c] {
                for k in graph.nodes[c].arguments.indices where graph.nodes[c].arguments[k] == i {
                    let (term, termReads) = self.term(code, consumer: c, argument: k, adjoint: constant[c])
                    terms.append(term)
                    reads.formUnion(termReads)
                    reads.formUnion(nanReads[c])
                }
            }
            guard !terms.isEmpty else { continue }
            live[i] = true
            nanReads[i] = reads
            if terms.allSatisfy({ $0.value != nil }) {
                // The sum in the order C adds it, left to right: the same double.
                let value = terms.dropFirst().reduce(terms[0].value!) { $0 + $1.value! }
                constant[i] = value
                statements.append(CodeStatement(name: code.adjointName(i), expression: code.literal(value), comment: ""))
            } else {
                statements.append(CodeStatement(name: code.adjointName(i), expression: DerivativeCode.signedSum(terms.map(\.text)), comment: ""))
            }
        }
    }

    /// The term `v̄_c · ∂c/∂a_k`: its text, its value when constant, and the primal nodes whose NaN makes it NaN.
    private mutating func term(_ code: DerivativeCode, consumer c: Int, argument k: Int, adjoint: Double?) -> ((text: String, value: Double?), Set<Int>) {
        let partial = code.partialCode(c, argument: k)
        let reads = KernelNaNGuard.partialReads(code, consumer: c, argument: k)
        let name = adjoint.map(code.literal) ?? code.adjointName(c)
        if let adjoint, let value = Double(partial.trimmingCharacters(in: ["(", ")"])) {
            return ((code.literal(adjoint * value), adjoint * value), reads)  // a constant times a constant: what clang folds, exactly so
        }
        if let adjoint, let product = powerOfTwoProduct(code, consumer: c, argument: k),
            Swift.abs(adjoint) >= 1, (adjoint * product.factor).isFinite, (adjoint * product.factor) / product.factor == adjoint
        {
            rewrites += 1
            return (("\(code.literal(adjoint * product.factor)) * \(product.rest)", nil), reads)
        }
        switch partial {
        case "1.0": return ((name, adjoint), reads)
        case "(-1.0)":
            let value = adjoint.map { -$0 }
            return ((value.map(code.literal) ?? "-" + name, value), reads)
        // A zero partial is multiplied all the same, as the trace does: 0·∞ is NaN.
        default: return (("\(name) * \(partial)", nil), reads)
        }
    }

    /// The partial `c·x` with `c` a power of two ≥ 1 and x not a number, as (c, x's code); nil for any other partial.
    private func powerOfTwoProduct(_ code: DerivativeCode, consumer c: Int, argument k: Int) -> (factor: Double, rest: String)? {
        guard !code.nanGuarded.contains(c), !code.hasSpecialPartial(c, argument: k) else { return nil }
        guard case .apply(.mul, let operands) = code.partialExpression(c, argument: k), operands.count == 2 else { return nil }
        for (factor, rest) in [(operands[0], operands[1]), (operands[1], operands[0])] {
            guard case .number(let value) = factor, value >= 1, value.isFinite, value.significandBitPattern == 0 else { continue }
            if case .number = rest { return nil }
            return (value, FormulaCode.parenthesised(code.code(rest, of: c)))
        }
        return nil
    }
}

/// The NaN guard of a compiled gradient, proved from the program: the trace's rule is that where
/// y is NaN every derivative is NaN; the kernel tests only what can break that rule.
///
/// Two facts, each checked node by node from the primitive table:
/// - **Where NaN comes from.** A step *propagates* NaN when a NaN argument makes it NaN (+, −, ·, /,
///   sin, exp, √…; not pow, which has pow(NaN, 0) = 1, nor max/min/relu/sign/step/hypot/atan2),
///   and is a *source* when it can make NaN of numbers (∞ − ∞, 0·∞, log of a negative, sin ∞…);
///   `x + 5`, `3·x`, `x·x`, `x³`, `exp x` are not. y is NaN exactly where one of the sources and
///   inputs it is built from is.
/// - **Where the gradient is NaN anyway.** The adjoint of input j is a sum of products of
///   partials; a partial read by such a product that propagates NaN (`2·v`, not `sign(v)`) makes
///   it NaN where the node it reads is, and so where anything that node propagates from is.
///
/// Walking back from y through steps that propagate and are no source, a node already covered by
/// the second fact needs no test; what is left is tested (`v17 != v17`), the cheapest exact guard
/// (none at all for x², the other input for x1² + x2²).
/// A tested sum of two monomials of a covered node u is a compare of u with a threshold
/// (the polynomial's `v12 >= 7.741001517595157e+153`, ``threshold(_:_:covered:)``): the steps
/// that led from u to the sum are then computed only for the value, not for the gradient.
/// NaN payloads may differ from the trace's (a NaN is a NaN); every other bit is the trace's.
enum KernelNaNGuard {
    /// Ops whose value is NaN when an argument is (as their C code computes them).
    static let propagating: Set<Op> = [
        .add, .sub, .mul, .div, .neg, .sin, .cos, .tan, .exp, .log, .sqrt, .abs, .tanh, .sigmoid, .atan, .asin, .acos,
        .sinh, .cosh, .asinh, .acosh, .atanh, .log10, .log2, .log1p, .expm1, .cbrt, .erf,
    ]

    /// Whether node `i` propagates NaN from its non-constant arguments.
    static func propagates(_ graph: Graph, _ i: Int) -> Bool {
        let node = graph.nodes[i]
        if propagating.contains(node.op) { return true }
        // pow(x, c) with a constant c ≠ 0: NaN at NaN x (products for c = 2, 3, 4).
        if node.op == .pow, graph.isConstant(Int(node.b)) { let c = graph.nodes[Int(node.b)].literal; return c != 0 && !c.isNaN }
        return false
    }

    /// For each node, whether its value is never below 0 (x², exp, |x|, √, and sums and positive
    /// multiples of those): a sum of two such is never ∞ − ∞.
    static func nonNegative(_ graph: Graph) -> [Bool] {
        var result = [Bool](repeating: false, count: graph.nodes.count)
        for (i, node) in graph.nodes.enumerated() {
            let args = node.arguments
            func positiveConstant(_ k: Int) -> Bool { graph.isConstant(args[k]) && graph.nodes[args[k]].literal > 0 }
            switch node.op {
            case .constant: result[i] = node.literal >= 0
            case .exp, .abs, .sqrt, .cosh: result[i] = true
            case .mul: result[i] = args[0] == args[1] || (positiveConstant(0) && result[args[1]]) || (positiveConstant(1) && result[args[0]])
            case .add: result[i] = result[args[0]] && result[args[1]]
            case .pow:
                guard graph.isConstant(args[1]) else { break }
                let c = graph.nodes[args[1]].literal
                result[i] = (c == 2 || c == 4) || (c == 3 && result[args[0]])
            default: break
            }
        }
        return result
    }

    /// Whether node `i` may be NaN where no argument is. Nil-safe: unknown ops are sources.
    static func isSource(_ graph: Graph, _ i: Int, nonNegative: [Bool] = []) -> Bool {
        let node = graph.nodes[i]
        let args = node.arguments
        func finiteConstant(_ k: Int, nonzero: Bool = false) -> Bool {
            guard graph.isConstant(args[k]) else { return false }
            let c = graph.nodes[args[k]].literal
            return c.isFinite && (!nonzero || c != 0)
        }
        switch node.op {
        case .input, .constant, .neg, .exp, .abs, .tanh, .sigmoid, .atan, .sinh, .cosh, .asinh, .cbrt, .erf, .expm1: return false
        case .add, .sub:
            // ∞ − ∞ needs infinities of opposite signs: not from a constant, nor from two terms ≥ 0.
            let sameSign = node.op == .add && (args[0] == args[1] || (!nonNegative.isEmpty && nonNegative[args[0]] && nonNegative[args[1]]))
            return !(finiteConstant(0) || finiteConstant(1) || sameSign)
        case .mul: return !(finiteConstant(0, nonzero: true) || finiteConstant(1, nonzero: true) || args[0] == args[1])
        case .div: return !finiteConstant(1, nonzero: true)
        case .pow:
            // x², x³, x⁴ as products: x·x is never 0·∞, nor is x²·x (x² is 0 only for tiny x, ∞ only for huge).
            guard graph.isConstant(args[1]) else { return true }
            let c = graph.nodes[args[1]].literal
            return !(c == c.rounded() && c >= 2 && c <= 4)
        default: return true
        }
    }

    /// The primal nodes whose NaN makes the partial of node `c` by argument `k` NaN, as the kernel writes it.
    static func partialReads(_ code: DerivativeCode, consumer c: Int, argument k: Int) -> Set<Int> {
        var reads = Set<Int>()
        if code.nanGuarded.contains(c) { reads.insert(c) }  // (v != v ? NAN : …)
        guard !code.hasSpecialPartial(c, argument: k) else { return reads }
        let arguments = code.graph.nodes[c].arguments
        func walk(_ formula: Formula) {
            switch formula {
            case .arg(let j): if !code.graph.isConstant(arguments[j]) { reads.insert(arguments[j]) }
            case .number, .quantity: break
            case .apply(let op, let operands):
                if propagating.contains(op) { operands.forEach(walk) }
                if op == .pow, operands.count == 2, case .number(let e) = operands[1], e != 0, !e.isNaN { walk(operands[0]) }
            }
        }
        walk(code.partialExpression(c, argument: k))
        return reads
    }

    /// The nodes to test for NaN so that gradient `j`, guarded by them, is NaN exactly where the trace's is.
    ///
    /// `reads` is ``KernelAdjoint/nanReads`` of input j. Nil when y's NaN cannot be traced to
    /// its sources (a step that may swallow NaN is on the way): then y itself is tested.
    static func tests(_ graph: Graph, output y: Int, reads: Set<Int>) -> [KernelGuardTest] {
        // Covered: nodes whose NaN makes the gradient NaN (the reads, and what they propagate from).
        var covered = [Bool](repeating: false, count: graph.nodes.count)
        for i in reads { covered[i] = true }
        for i in stride(from: graph.nodes.count - 1, through: 0, by: -1) where covered[i] && propagates(graph, i) {
            for a in graph.nodes[i].arguments where !graph.isConstant(a) { covered[a] = true }
        }
        // And forward: a step that is NaN exactly where an argument is, whose arguments are all covered.
        let signs = nonNegative(graph)
        for i in graph.nodes.indices where !covered[i] && graph.nodes[i].op != .input && graph.nodes[i].op != .constant {
            let arguments = graph.nodes[i].arguments.filter { !graph.isConstant($0) }
            if propagates(graph, i), !isSource(graph, i, nonNegative: signs), arguments.allSatisfy({ covered[$0] }) { covered[i] = true }
        }
        var tests: [Int] = []
        var frontier = [y]
        var seen = Set<Int>()
        while let n = frontier.popLast() {
            guard seen.insert(n).inserted, !covered[n] else { continue }
            let uncovered = Array(Set(graph.nodes[n].arguments.filter { !graph.isConstant($0) && !covered[$0] }))
            if graph.nodes[n].op != .input, propagates(graph, n), !isSource(graph, n, nonNegative: signs), uncovered.count <= 1 {
                frontier += uncovered  // n is NaN exactly where an argument is
            } else {
                tests.append(n)
            }
        }
        // A tested sum of two monomials of one covered node: a compare of that node instead.
        return tests.sorted().compactMap { t in
            guard let test = threshold(graph, t, covered: covered) else { return .isNaN(node: t) }
            if case .beyond(_, nil, nil) = test { return nil }  // NaN only where that node is
            return test
        }
    }
}

extension DerivativeCode {
    /// Whether the primitive table writes node `id`'s partial by argument `k` as special code (not its formula).
    func hasSpecialPartial(_ id: Int, argument k: Int) -> Bool {
        let node = graph.nodes[id]
        let arguments = node.arguments
        return node.op.partialCode(
            k, a: valueName(arguments[0]), b: arguments.count > 1 ? valueName(arguments[1]) : "", v: valueName(id),
            constantA: graph.isConstant(arguments[0]), constantB: arguments.count > 1 && graph.isConstant(arguments[1]), in: language) != nil
    }
}
