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
