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
        let nodes = graph.nodes
        if tangents.count != nodes.count { tangents = [Double](repeating: 0, count: nodes.count) }
        if active.count != nodes.count { active = [Bool](repeating: false, count: nodes.count) }
        for i in 0..<seed.count {
            tangents[i] = seed[i]
            active[i] = seed[i] != 0
        }
        for i in graph.inputCount..<nodes.count {
            let node = nodes[i]
            guard node.op.arity > 0 else { continue }
            let a = Int(node.a)
            var tangent = 0.0
            if active[a] { tangent = evaluation.partialA[i] * tangents[a] }
            if node.op.arity == 2 {
                let b = Int(node.b)
                if active[b] { tangent = active[a] ? tangent + evaluation.partialB[i] * tangents[b] : evaluation.partialB[i] * tangents[b] }
                active[i] = active[a] || active[b]
            } else {
                active[i] = active[a]
            }
            tangents[i] = tangent
        }
    }

    /// The seed that picks one input: 1 at `index`, 0 elsewhere.
    public static func unitSeed(_ index: Int, inputs: Int) -> [Double] {
        var seed = [Double](repeating: 0, count: inputs)
        seed[index] = 1
        return seed
    }
}
