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
