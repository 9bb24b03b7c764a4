import AdvizCore
import AdvizSymbolic

/// The polynomial stretches of a tape, found once so the block interpreter can run each in one pass.
///
/// A node is fused when it is a polynomial of degree 1…`maximumDegree` in a single other node
/// (its base), built from steps the primitive table's ``Op/polynomial(_:_:maximumDegree:)``
/// accepts. A fused step is folded into each consumer whose own polynomial can take it, even
/// when it has several (a polynomial costs nothing more inside another's Horner form), and is
/// absorbed, never computed on its own, when every consumer folded it and it is not an output.
/// The notes' nested polynomial `p1 = 2*x^3 - 3*x^2 + 5`, … is eighteen steps and three fused
/// polynomials, so a block of points takes three passes forward and three back instead of
/// eighteen and eighteen; its symbolic derivative, `(6·x² − 6·x)·(6·p1² − 6·p1)·(6·p2² − 6·p2)`
/// with x², p1² and p2² shared, is five polynomials in three bases and two products.
///
/// Horner's rule does the arithmetic in another order than the tape. The table's rule never
/// expands what the tape computes factored (`(x-1)^3` stays three steps), so no cancellation is
/// added and values agree to rounding on the tape's own terms; at an infinite or overflowing
/// point, where the tape meets ∞ − ∞ (NaN), Horner's form may give ±∞. The trace
/// (``PrimalSweep``) always follows the tape step by step.
struct PolynomialFusion {
    /// For each node computed as a polynomial: its base and the polynomial.
    private(set) var fused: [(base: Int32, polynomial: Polynomial)?]
    /// The live nodes no computed node reads (folded into their consumers' polynomials).
    private(set) var absorbed: [Bool]

    /// One way to compute a node as a polynomial in one base: `a` and `b` say how its arguments
    /// were read, by the index of their own representation (folded in) or -1 (a constant, or the
    /// argument's value as the base).
    private struct Representation {
        var base: Int32
        var polynomial: Polynomial
        var a: Int
        var b: Int
    }

    /// Finds the fusions among the `live` nodes (those an output needs).
    ///
    /// Two passes. Forward: every way each node is a polynomial in one base, its arguments folded
    /// in or read as they are (at most `maximumRepresentations` bases each: `6·p1` is a polynomial
    /// in p1 and, with p1 = 2x³ − 3x² + 5 folded in, in x). Backward from the outputs: a node
    /// something needs is computed by one of its ways (a base already needed, else the deepest),
    /// which makes its base, or the arguments of a step that is no polynomial, needed in turn.
    init(_ graph: Graph, live: [Bool], maximumDegree: Int = 8, maximumRepresentations: Int = 4) {
        let nodes = graph.nodes
        var representations = [[Representation]](repeating: [], count: nodes.count)
        for i in nodes.indices where nodes[i].op.arity > 0 && live[i] {
            let node = nodes[i]
            /// The ways to read argument j: a constant; each of its own representations; its value as a base.
            func choices(_ j: Int) -> [(base: Int32, polynomial: Polynomial, representation: Int)] {
                if nodes[j].op == .constant { return [(-1, .constant(nodes[j].literal), -1)] }
                return representations[j].enumerated().map { ($0.element.base, $0.element.polynomial, $0.offset) } + [(Int32(j), .variable, -1)]
            }
            let choicesA = choices(Int(node.a))
            let choicesB = node.op.arity == 2 ? choices(Int(node.b)) : [(-1, .constant(0), -1)]
            for a in choicesA {
                for b in choicesB {
                    if a.base >= 0, b.base >= 0, a.base != b.base { continue }  // two variables: not a polynomial in one
                    let base = Swift.max(a.base, b.base)
                    guard base >= 0, representations[i].count < maximumRepresentations,
                        !representations[i].contains(where: { $0.base == base })
                    else { continue }
                    // A constant expression, or a cancellation down to a constant (x - x), stays on the tape as written.
                    guard let polynomial = node.op.polynomial(a.polynomial, b.polynomial, maximumDegree: maximumDegree),
                        polynomial.degree >= 1
                    else { continue }
                    representations[i].append(Representation(base: base, polynomial: polynomial, a: a.representation, b: b.representation))
                }
            }
        }

        var needed = [Bool](repeating: false, count: nodes.count)
        var fused = [(base: Int32, polynomial: Polynomial)?](repeating: nil, count: nodes.count)
        for output in graph.outputs { needed[output.node] = true }
        for i in nodes.indices.reversed() where needed[i] && live[i] && nodes[i].op.arity > 0 {
            let node = nodes[i]
            guard !representations[i].isEmpty else {
                needed[Int(node.a)] = true
                if node.op.arity == 2 { needed[Int(node.b)] = true }
                continue
            }
            let ways = representations[i]
            let chosen = ways.indices.first { needed[Int(ways[$0].base)] } ?? ways.indices.min { ways[$0].base < ways[$1].base }!
            fused[i] = (ways[chosen].base, ways[chosen].polynomial)
            // What the chosen way reads: the arguments it takes as they are, through those it folds in.
            var folded = [(node: i, way: chosen)]
            while let (j, way) = folded.popLast() {
                let step = nodes[j], representation = representations[j][way]
                var arguments = [(Int(step.a), representation.a)]
                // x·x read the same way twice is one argument.
                if step.op.arity == 2, !(step.b == step.a && representation.b == representation.a) {
                    arguments.append((Int(step.b), representation.b))
                }
                for (k, kWay) in arguments {
                    if nodes[k].op == .constant { continue }
                    if kWay >= 0 { folded.append((k, kWay)) } else { needed[k] = true }
                }
            }
        }
        self.fused = fused
        self.absorbed = nodes.indices.map { live[$0] && nodes[$0].op.arity > 0 && !needed[$0] }
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
