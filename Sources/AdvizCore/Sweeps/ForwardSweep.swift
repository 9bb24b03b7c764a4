/// Forward-mode AD: pushes a tangent (a direction in input space) through the tape.
///
/// Each node's tangent is v̇ᵢ = Σⱼ ∂vᵢ/∂vⱼ · v̇ⱼ over its arguments, the dual-number rule.
/// One sweep gives the directional derivative of every output along the seed: for the
/// whole Jacobian of f: Rⁿ → Rᵐ it takes n sweeps, one per input.
public enum ForwardSweep {
    /// The tangent of every node for the input direction `seed` (one number per input).
    ///
    /// A node that depends on no input with a nonzero seed has the tangent 0 exactly, and
    /// passes nothing on: its zero is structural, not a number, so an infinite partial next to
    /// it (√x₂ at x₂ = 0 while differentiating by x₁) does not make 0·∞ = NaN. Every other
    /// product is computed in full IEEE arithmetic: a literal zero partial (`0*sqrt(x)`) still
    /// multiplies an infinite tangent into NaN. Every engine follows the same rule.
    public static func tangents(_ graph: Graph, _ evaluation: Evaluation, seed: [Double]) -> [Double] {
        var tangents: [Double] = [], active: [Bool] = []
        self.tangents(graph, evaluation, seed: seed, into: &tangents, active: &active)
        return tangents
    }

    /// The tangents into `tangents`, reusing its storage and `active`'s (resized to the tape): a
    /// loop of sweeps over one tape (Hessian-vector products, say) allocates nothing after the first.
    public static func tangents(_ graph: Graph, _ evaluation: Evaluation, seed: [Double], into tangents: inout [Double], active: inout [Bool]) {
        precondition(seed.count == graph.inputCount, "one seed component per input")
        let count = graph.nodes.count
        if tangents.count != count { tangents = [Double](repeating: 0, count: count) }
        if active.count != count { active = [Bool](repeating: false, count: count) }
        // One loop over raw buffers: the n sweeps of a Hessian walk a big tape n times.
        tangents.withUnsafeMutableBufferPointer { tangents in
            active.withUnsafeMutableBufferPointer { active in
                graph.nodes.withUnsafeBufferPointer { nodes in
                    evaluation.partialA.withUnsafeBufferPointer { partialA in
                        evaluation.partialB.withUnsafeBufferPointer { partialB in
                            guard count > 0 else { return }
                            precondition(partialA.count == count && partialB.count == count, "an evaluation of this graph")
                            let tape = nodes.baseAddress!, t = tangents.baseAddress!, on = active.baseAddress!
                            let pA = partialA.baseAddress!, pB = partialB.baseAddress!
                            for i in 0..<seed.count {
                                t[i] = seed[i]
                                on[i] = seed[i] != 0
                            }
                            for i in seed.count..<count {
                                let node = tape[i]
                                guard node.op.arity > 0 else {
                                    // A constant: no tangent, and nothing passed on.
                                    t[i] = 0
                                    on[i] = false
                                    continue
                                }
                                (t[i], on[i]) = tangent(pA[i], pB[i], a: Int(node.a), b: Int(node.b), tangents: t, active: on)
                            }
                        }
                    }
                }
            }
        }
    }

    /// One node's tangent from its arguments' (`b` is -1 for a unary operation) and its local
    /// partials, and whether a seeded input reaches it: the one tangent step of this sweep and
    /// ``DualSweep``. An argument no seeded input reaches adds nothing (its zero is structural,
    /// not 0·partial); with one argument reached the tangent is its product alone.
    @inline(__always)
    static func tangent(
        _ partialA: @autoclosure () -> Double, _ partialB: @autoclosure () -> Double, a: Int, b: Int,
        tangents t: UnsafeMutablePointer<Double>, active on: UnsafeMutablePointer<Bool>
    ) -> (tangent: Double, active: Bool) {
        // The partials are read only where an argument is reached (a stored sweep's arrays are
        // not touched for the many nodes a unit seed never reaches).
        let activeA = on[a], activeB = b >= 0 && on[b]
        var tangent = 0.0
        if activeA { tangent = partialA() * t[a] }
        if activeB { tangent = activeA ? tangent + partialB() * t[b] : partialB() * t[b] }
        return (tangent, activeA || activeB)
    }

    /// The seed that picks one input: 1 at `index`, 0 elsewhere.
    public static func unitSeed(_ index: Int, inputs: Int) -> [Double] {
        var seed = [Double](repeating: 0, count: inputs)
        seed[index] = 1
        return seed
    }
}
