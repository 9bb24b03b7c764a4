/// A row of the second-order trace: the tangent of one node of the backward pass.
public struct SecondOrderRow: Sendable, Equatable {
    /// The row: a tangent row of the gradient graph, `v̇8 = v̇5 + v̇7 = (-0.9093) + 0 = -0.9093`
    /// (write it with ``SecondOrderTrace/gradientTrace``'s `Trace.rendered(_:_:)`).
    public var row: TraceRow
    /// The nodes of f whose adjoint this node holds (its tangent is then the tangent of v̄ᵢ).
    public var adjointOf: [Int]
    /// The input j where the node is the output ∂y/∂xⱼ (its tangent is then (H·ẋ)ⱼ).
    public var gradientOf: Int?

    /// The chain-rule products ẇⱼ·∂wᵢ/∂wⱼ the row sums, one per distinct non-constant argument wⱼ:
    /// the row's terms.
    public var products: [ChainTerm] { row.terms }
}

/// The second-order part of a trace (`adviz trace --order 2`): a tangent sweep over the
/// backward pass, that is, forward-over-reverse. (A class: a ``Trace`` holds one, and it holds a trace.)
///
/// The backward pass of f, written as nodes, is its ``GradientGraph``; pushing the trace's
/// tangent seed ẋ through those nodes gives the tangent of every adjoint v̄ᵢ, and at the
/// gradient's nodes the Hessian-vector product H·ẋ. Each row is an ordinary tangent row of
/// the gradient graph (same numbering as `adviz trace --gradient-graph`), so every second
/// derivative is a sum of chain-rule products one can check by hand.
public final class SecondOrderTrace: Sendable {
    /// The gradient graph of the differentiated output.
    public let gradientGraph: GradientGraph
    /// The forward trace of the gradient graph with the trace's seed: its rows are the second-order rows.
    public let gradientTrace: Trace
    /// The whole Hessian (n tangent sweeps of the gradient graph).
    public let hessian: HessianResult

    /// The second-order trace of output `output` of `graph` at `point` along `seed`.
    public init(_ graph: Graph, output: Int = 0, at point: [Double], seed: [Double], numberFormat: NumberFormat) throws(AdvizError) {
        gradientGraph = try GradientGraph(of: graph, output: output)
        gradientTrace = try Trace(gradientGraph.graph, at: point, options: TraceOptions(mode: .forward, seed: seed, numberFormat: numberFormat))
        hessian = HessianSweep.hessian(gradientGraph, at: point)
    }

    /// H·ẋ: the tangents of the gradient's nodes, one per input.
    public var hessianVectorProduct: [Double] {
        let tangents = gradientTrace.tangents ?? []
        return gradientGraph.gradientNodes.map { tangents[$0] }
    }

    /// The rows of the backward pass's nodes, in tape order (the order the backward pass computes them).
    public func rows() -> [SecondOrderRow] {
        var gradientOf: [Int: Int] = [:]
        for (j, node) in gradientGraph.gradientNodes.enumerated() where gradientOf[node] == nil { gradientOf[node] = j }
        return gradientTrace.tangentRows().filter { gradientGraph.isBackward($0.node) }.map { row in
            SecondOrderRow(row: row, adjointOf: gradientGraph.adjointOf[row.node] ?? [], gradientOf: gradientOf[row.node])
        }
    }

    /// The primal rows of the backward pass's nodes: what each node computes, and its value.
    public func backwardPassRows() -> [TraceRow] {
        gradientTrace.primalRows().filter { gradientGraph.isBackward($0.node) }
    }

    /// What a backward node holds, in words: `v̄₋₁`, `∂y/∂x1`, or nothing for an intermediate product.
    public func meaning(of node: Int, _ style: MathStyle = .text) -> String {
        let writer = TraceWriter(trace: gradientTrace, style: style)
        var names = (gradientGraph.adjointOf[node] ?? []).map { writer.nodeSymbol($0, accent: .bar) }
        let y = gradientGraph.original.outputs[gradientGraph.output].name
        for (j, id) in gradientGraph.gradientNodes.enumerated() where id == node {
            names.append(style == .latex ? "\\partial \(writer.symbol(y))/\\partial \(writer.symbol(gradientGraph.original.inputNames[j]))" : "∂\(y)/∂\(gradientGraph.original.inputNames[j])")
        }
        return names.joined(separator: " = ")
    }
}
