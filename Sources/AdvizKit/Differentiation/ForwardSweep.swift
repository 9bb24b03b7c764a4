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
        precondition(seed.count == graph.inputCount, "one seed component per input")
        let nodes = graph.nodes
        var tangents = [Double](repeating: 0, count: nodes.count)
        var active = [Bool](repeating: false, count: nodes.count)
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
        return tangents
    }

    /// The seed that picks one input: 1 at `index`, 0 elsewhere.
    public static func unitSeed(_ index: Int, inputs: Int) -> [Double] {
        var seed = [Double](repeating: 0, count: inputs)
        seed[index] = 1
        return seed
    }
}

/// Reverse-mode AD: pulls adjoints (sensitivities of the outputs) back through the tape.
///
/// Starting from ȳ, each node passes v̄ᵢ · ∂vᵢ/∂vⱼ to each argument j, walking the tape
/// backwards, so every node's adjoint is the chain-rule sum over its consumers. One
/// sweep gives the gradient of one output with respect to every input: m sweeps for
/// the whole Jacobian of f: Rⁿ → Rᵐ.
public enum ReverseSweep {
    /// The adjoint of every node for the output seed `outputSeed` (one number per output).
    public static func adjoints(_ graph: Graph, _ evaluation: Evaluation, outputSeed: [Double]) -> [Double] {
        var adjoints: [Double] = []
        self.adjoints(graph, evaluation, outputSeed: outputSeed, into: &adjoints)
        return adjoints
    }

    /// The adjoints into `adjoints`, reusing its storage (resized to the tape).
    public static func adjoints(_ graph: Graph, _ evaluation: Evaluation, outputSeed: [Double], into adjoints: inout [Double]) {
        precondition(outputSeed.count == graph.outputCount, "one seed component per output")
        let count = graph.nodes.count
        precondition(evaluation.partialA.count == count && evaluation.partialB.count == count, "an evaluation of this graph")
        if adjoints.count != count { adjoints = [Double](repeating: 0, count: count) } else { adjoints.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
        // Which nodes reach an output with a nonzero seed: the others' adjoint is a structural
        // zero and passes nothing on (see ``ForwardSweep/tangents(_:_:seed:)``), so the nodes of
        // another output, or of a statement with no effect, never turn 0·∞ into NaN here.
        var live = [Bool](repeating: false, count: count)
        for (k, output) in graph.outputs.enumerated() {
            adjoints[output.node] += outputSeed[k]
            if outputSeed[k] != 0 { live[output.node] = true }
        }
        adjoints.withUnsafeMutableBufferPointer { adjoint in
            live.withUnsafeMutableBufferPointer { live in
                graph.nodes.withUnsafeBufferPointer { nodes in
                    evaluation.partialA.withUnsafeBufferPointer { partialA in
                        evaluation.partialB.withUnsafeBufferPointer { partialB in
                            var i = count - 1
                            while i >= graph.inputCount {
                                // Arguments are -1 where absent (leaves have none, unary steps no second).
                                let node = nodes[i]
                                if live[i], node.a >= 0 {
                                    let g = adjoint[i]
                                    adjoint[Int(node.a)] += g * partialA[i]
                                    live[Int(node.a)] = true
                                    if node.b >= 0 {
                                        adjoint[Int(node.b)] += g * partialB[i]
                                        live[Int(node.b)] = true
                                    }
                                }
                                i -= 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// The seed that picks one output: 1 at `index`, 0 elsewhere.
    public static func unitSeed(_ index: Int, outputs: Int) -> [Double] {
        var seed = [Double](repeating: 0, count: outputs)
        seed[index] = 1
        return seed
    }
}

/// The Jacobian of f: Rⁿ → Rᵐ, with what it cost to compute.
public struct JacobianResult: Sendable, Equatable {
    /// `matrix[k][j]` is ∂(output k)/∂(input j).
    public var matrix: [[Double]]
    /// How many sweeps over the tape it took (n forward, or m reverse).
    public var sweeps: Int
    /// Multiply-adds done in those sweeps: one per differentiable edge per sweep.
    public var multiplyAdds: Int
}

/// Computes Jacobians both ways, to show that forward mode costs n sweeps and reverse mode m.
public enum Jacobian {
    /// The Jacobian by n forward sweeps: column j comes from seeding input j.
    public static func byForwardMode(_ graph: Graph, _ evaluation: Evaluation) -> JacobianResult {
        let n = graph.inputCount, m = graph.outputCount
        var matrix = Array(repeating: [Double](repeating: 0, count: n), count: m)
        for j in 0..<n {
            let tangents = ForwardSweep.tangents(graph, evaluation, seed: ForwardSweep.unitSeed(j, inputs: n))
            for (k, output) in graph.outputs.enumerated() { matrix[k][j] = tangents[output.node] }
        }
        return JacobianResult(matrix: matrix, sweeps: n, multiplyAdds: n * graph.differentiableEdgeCount)
    }

    /// The Jacobian by m reverse sweeps: row k comes from seeding output k.
    public static func byReverseMode(_ graph: Graph, _ evaluation: Evaluation) -> JacobianResult {
        let n = graph.inputCount, m = graph.outputCount
        var matrix = Array(repeating: [Double](repeating: 0, count: n), count: m)
        for k in 0..<m {
            let adjoints = ReverseSweep.adjoints(graph, evaluation, outputSeed: ReverseSweep.unitSeed(k, outputs: m))
            for j in 0..<n { matrix[k][j] = adjoints[j] }
        }
        return JacobianResult(matrix: matrix, sweeps: m, multiplyAdds: m * graph.differentiableEdgeCount)
    }
}
