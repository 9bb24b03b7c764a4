import AdvizCore
import AdvizSymbolic

/// The polynomial stretches of a tape, found once so the block interpreter can run each in one pass.
///
/// A node is fused when it is a polynomial of degree 1…`maximumDegree` in a single other node
/// (its base), built from steps the primitive table's ``Op/polynomial(_:_:maximumDegree:)``
/// accepts. A step is absorbed into its consumer's polynomial when the consumer is its only
/// user and it is not an output: its value is then never needed on its own. The notes' nested
/// polynomial `p1 = 2*x^3 - 3*x^2 + 5`, … is eighteen steps and three fused polynomials, so a
/// block of points takes three passes forward and three back instead of eighteen and eighteen.
///
/// Horner's rule does the arithmetic in another order than the tape. The table's rule never
/// expands what the tape computes factored (`(x-1)^3` stays three steps), so no cancellation is
/// added and values agree to rounding on the tape's own terms; at an infinite or overflowing
/// point, where the tape meets ∞ − ∞ (NaN), Horner's form may give ±∞. The trace
/// (``PrimalSweep``) always follows the tape step by step.
struct PolynomialFusion {
    /// For each node: the base and the polynomial it computes, where it is one.
    private(set) var fused: [(base: Int32, polynomial: Polynomial)?]
    /// The nodes folded into a later node's polynomial.
    private(set) var absorbed: [Bool]

    /// Finds the fusions among the `live` nodes (those an output needs).
    init(_ graph: Graph, live: [Bool], maximumDegree: Int = 8) {
        let nodes = graph.nodes
        // Live consumers, counting `x*x` once: a node with one consumer can be folded into it.
        var consumers = [Int32](repeating: 0, count: nodes.count)
        for (i, node) in nodes.enumerated() where node.op.arity > 0 && live[i] {
            consumers[Int(node.a)] += 1
            if node.op.arity == 2, node.b != node.a { consumers[Int(node.b)] += 1 }
        }
        var isOutput = [Bool](repeating: false, count: nodes.count)
        for output in graph.outputs { isOutput[output.node] = true }
        var fused = [(base: Int32, polynomial: Polynomial)?](repeating: nil, count: nodes.count)
        var absorbed = [Bool](repeating: false, count: nodes.count)

        /// An argument as a polynomial: a constant, a fused node that can be folded in, or a new base.
        func operand(_ j: Int) -> (base: Int32, polynomial: Polynomial, foldable: Bool) {
            if nodes[j].op == .constant { return (-1, .constant(nodes[j].literal), false) }
            if let inner = fused[j], consumers[j] == 1, !isOutput[j] { return (inner.base, inner.polynomial, true) }
            return (Int32(j), .variable, false)
        }

        for i in nodes.indices where nodes[i].op.arity > 0 && live[i] {
            let node = nodes[i]
            let a = operand(Int(node.a))
            let b = node.op.arity == 2 ? operand(Int(node.b)) : (base: -1, polynomial: .constant(0), foldable: false)
            if a.base >= 0, b.base >= 0, a.base != b.base { continue }  // two variables: not a polynomial in one
            let base = Swift.max(a.base, b.base)
            // A constant expression, or a cancellation down to a constant (x - x), stays on the tape as written.
            guard base >= 0, let polynomial = node.op.polynomial(a.polynomial, b.polynomial, maximumDegree: maximumDegree),
                polynomial.degree >= 1
            else { continue }
            fused[i] = (base, polynomial)
            if a.foldable { absorbed[Int(node.a)] = true }
            if b.foldable { absorbed[Int(node.b)] = true }
        }
        self.fused = fused
        self.absorbed = absorbed
    }
}

/// The loops of a fused polynomial over a block: its value by Horner's rule, and its derivative
/// for the adjoint and the tangent. Low degrees are written out so each is one vectorised loop.
enum PolynomialLoops {
    /// out = p(a), with `c` the coefficients, lowest degree first.
    @inline(__always)
    static func value(_ c: UnsafeBufferPointer<Double>, n: Int, a: UnsafePointer<Double>, out: UnsafeMutablePointer<Double>) {
        switch c.count - 1 {
        case ..<1:
            out.update(repeating: c.first ?? 0, count: n)
        case 1:
            let (c0, c1) = (c[0], c[1])
            for k in 0..<n { out[k] = c1 * a[k] + c0 }
        case 2:
            let (c0, c1, c2) = (c[0], c[1], c[2])
            for k in 0..<n {
                let x = a[k]
                out[k] = (c2 * x + c1) * x + c0
            }
        case 3:
            let (c0, c1, c2, c3) = (c[0], c[1], c[2], c[3])
            for k in 0..<n {
                let x = a[k]
                out[k] = ((c3 * x + c2) * x + c1) * x + c0
            }
        case 4:
            let (c0, c1, c2, c3, c4) = (c[0], c[1], c[2], c[3], c[4])
            for k in 0..<n {
                let x = a[k]
                out[k] = (((c4 * x + c3) * x + c2) * x + c1) * x + c0
            }
        default:
            horner(c, n: n, a: a, out: out)
        }
    }

    /// da = g·p′(a) (or +=), with `d` the derivative's coefficients; a nil `g` is the seed 1.
    @inline(__always)
    static func adjoint(
        _ d: UnsafeBufferPointer<Double>, n: Int, g: UnsafePointer<Double>?, a: UnsafePointer<Double>,
        da: UnsafeMutablePointer<Double>, assign: Bool, scratch: UnsafeMutablePointer<Double>
    ) {
        guard let g else {
            // The output's own polynomial: its adjoint is 1, so the adjoint of the base is p′ itself.
            if assign {
                value(d, n: n, a: a, out: da)
            } else {
                value(d, n: n, a: a, out: scratch)
                for k in 0..<n { da[k] += scratch[k] }
            }
            return
        }
        switch d.count - 1 {
        case 0:
            let d0 = d[0]
            store(da, assign: assign, n: n) { g[$0] * d0 }
        case 1:
            let (d0, d1) = (d[0], d[1])
            store(da, assign: assign, n: n) { g[$0] * (d1 * a[$0] + d0) }
        case 2:
            let (d0, d1, d2) = (d[0], d[1], d[2])
            store(da, assign: assign, n: n) { k in
                let x = a[k]
                return g[k] * ((d2 * x + d1) * x + d0)
            }
        case 3:
            let (d0, d1, d2, d3) = (d[0], d[1], d[2], d[3])
            store(da, assign: assign, n: n) { k in
                let x = a[k]
                return g[k] * (((d3 * x + d2) * x + d1) * x + d0)
            }
        default:
            horner(d, n: n, a: a, out: scratch)
            store(da, assign: assign, n: n) { g[$0] * scratch[$0] }
        }
    }

    /// t = p′(a)·ta.
    @inline(__always)
    static func tangent(
        _ d: UnsafeBufferPointer<Double>, n: Int, a: UnsafePointer<Double>, ta: UnsafePointer<Double>, t: UnsafeMutablePointer<Double>,
        scratch: UnsafeMutablePointer<Double>
    ) {
        switch d.count - 1 {
        case 0:
            let d0 = d[0]
            for k in 0..<n { t[k] = d0 * ta[k] }
        case 1:
            let (d0, d1) = (d[0], d[1])
            for k in 0..<n { t[k] = (d1 * a[k] + d0) * ta[k] }
        case 2:
            let (d0, d1, d2) = (d[0], d[1], d[2])
            for k in 0..<n {
                let x = a[k]
                t[k] = ((d2 * x + d1) * x + d0) * ta[k]
            }
        default:
            horner(d, n: n, a: a, out: scratch)
            for k in 0..<n { t[k] = scratch[k] * ta[k] }
        }
    }

    /// out = p(a) for any degree: one pass per coefficient, each a vectorised loop over the block.
    static func horner(_ c: UnsafeBufferPointer<Double>, n: Int, a: UnsafePointer<Double>, out: UnsafeMutablePointer<Double>) {
        let top = c[c.count - 1]
        for k in 0..<n { out[k] = top }
        for j in stride(from: c.count - 2, through: 0, by: -1) {
            let cj = c[j]
            for k in 0..<n { out[k] = out[k] * a[k] + cj }
        }
    }

    /// out = f(k) over the block, or out += f(k).
    @inline(__always)
    private static func store(_ out: UnsafeMutablePointer<Double>, assign: Bool, n: Int, _ f: (Int) -> Double) {
        if assign {
            for k in 0..<n { out[k] = f(k) }
        } else {
            for k in 0..<n { out[k] += f(k) }
        }
    }
}
