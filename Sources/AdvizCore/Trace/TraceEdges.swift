/// Every edge's partial and every node's adjoint, constants included: what `--format json`
/// writes, so that a reader who sums the chain rule over a node's consumers finds its adjoint.
///
/// The sweeps skip constants (nothing they compute flows back into a constant, and a partial
/// by a constant can be undefined where the step is smooth: ∂(a^c)/∂c = a^c·ln a at a < 0), so
/// ``Evaluation/partialA`` is 0 on a constant's edge and ``Trace/adjoints`` is 0 at a constant.
/// These give the true numbers, computed from the primitive table after the sweeps, at the cost
/// of one pass over the tape, only where asked.
extension Trace {
    /// ∂(node `i`)/∂(each argument), in argument order (empty for inputs and constants): the
    /// sweep's partial for a variable argument and, for a constant argument, the table's
    /// (NaN where the node's value is NaN, as for every partial of the sweep).
    public func edgePartials(of i: Int) -> [Double] {
        let node = graph.nodes[i]
        guard node.op.arity > 0 else { return [] }
        let values = evaluation.values
        let a = Int(node.a), b = Int(node.b)
        var partials = [evaluation.partialA[i]]
        if node.op.arity == 2 { partials.append(evaluation.partialB[i]) }
        guard graph.isConstant(a) || (node.op.arity == 2 && graph.isConstant(b)) else { return partials }
        let table = node.op.partials(values[a], b >= 0 ? values[b] : 0, values[i])
        let value = values[i]
        if graph.isConstant(a) { partials[0] = value.isNaN ? .nan : table.0 }
        if node.op.arity == 2, graph.isConstant(b) { partials[1] = value.isNaN ? .nan : table.1 }
        return partials
    }

    /// The adjoint of every node, where reverse mode ran, with each constant's adjoint its true
    /// ∂y/∂c (ȳ-weighted as every adjoint): the sum over its consumers of their adjoint times
    /// ``edgePartials(of:)``, added in the reverse sweep's order, so that it is the number the sweep
    /// would give if it did not skip constants. Consumers that reach no output with a nonzero
    /// seed pass nothing (a structural zero, as in the sweep). Other nodes' adjoints are the sweep's.
    public var adjointsWithConstants: [Double]? {
        guard var adjoints else { return nil }
        let constants = graph.nodes.indices.filter { graph.isConstant($0) }
        guard !constants.isEmpty else { return adjoints }
        for c in constants { adjoints[c] = 0 }
        for (k, output) in graph.outputs.enumerated() where graph.isConstant(output.node) {
            adjoints[output.node] += outputSeed[k]
        }
        let live = reachingSeededOutputs
        for i in graph.nodes.indices.reversed() where live[i] && graph.nodes[i].op.arity > 0 {
            let arguments = graph.nodes[i].arguments
            guard arguments.contains(where: { graph.isConstant($0) }) else { continue }
            let partials = edgePartials(of: i)
            for (argument, partial) in zip(arguments, partials) where graph.isConstant(argument) {
                adjoints[argument] += adjoints[i] * partial
            }
        }
        return adjoints
    }
}
