/// The trace's rows as data (see ``TraceRow``): built from the sweeps, no text.
extension Trace {
    /// The forward primal trace: one row per input and step, in tape order.
    public func primalRows() -> [TraceRow] {
        let values = evaluation.values
        var rows: [TraceRow] = []
        rows.reserveCapacity(graph.nodes.count - graph.constantCount)
        for i in graph.nodes.indices where !graph.isConstant(i) {
            rows.append(TraceRow(kind: .primal, node: i, value: values[i]))
        }
        return rows
    }

    /// The forward tangent trace, in tape order (empty where forward mode did not run).
    public func tangentRows() -> [TraceRow] {
        guard let tangents else { return [] }
        let active = reachedBySeed
        var rows: [TraceRow] = []
        rows.reserveCapacity(graph.nodes.count - graph.constantCount)
        for i in graph.nodes.indices where !graph.isConstant(i) {
            let terms: [ChainTerm]
            if graph.nodes[i].op == .input {
                terms = [ChainTerm(source: .inputSeed(i), partial: .number(1), partialValue: 1, factor: seed[i])]
            } else {
                terms = distinctArguments(of: i).map { j in
                    ChainTerm(
                        source: .node(j), partial: totalPartialFormula(i, j), partialValue: totalPartialValue(i, j),
                        factor: tangents[j], isStructuralZero: !active[j])
                }
            }
            rows.append(TraceRow(kind: .tangent, node: i, terms: terms, value: tangents[i]))
        }
        return rows
    }

    /// The reverse adjoint trace, from the last step back to the first input (empty where
    /// reverse mode did not run). Each row's terms: the output seeds at the node, then its
    /// consumers from the last.
    public func adjointRows() -> [TraceRow] {
        guard let adjoints else { return [] }
        let consumers = graph.consumers()
        let live = reachingSeededOutputs
        var seeds: [Int: [Int]] = [:]
        for (k, output) in graph.outputs.enumerated() { seeds[output.node, default: []].append(k) }
        var rows: [TraceRow] = []
        rows.reserveCapacity(graph.nodes.count - graph.constantCount)
        for i in graph.nodes.indices.reversed() where !graph.isConstant(i) {
            var terms: [ChainTerm] = []
            terms.reserveCapacity(consumers[i].count + (seeds[i]?.count ?? 0))
            for k in seeds[i] ?? [] {
                terms.append(ChainTerm(source: .outputSeed(k), partial: .number(1), partialValue: 1, factor: outputSeed[k]))
            }
            for c in consumers[i] {
                terms.append(ChainTerm(
                    source: .node(c), partial: totalPartialFormula(c, i), partialValue: totalPartialValue(c, i),
                    factor: adjoints[c], isStructuralZero: !live[c]))
            }
            rows.append(TraceRow(kind: .adjoint, node: i, terms: terms, value: adjoints[i]))
        }
        return rows
    }

    /// Every local partial on an edge that carries a derivative, in tape order.
    public func edgePartials() -> [EdgePartial] {
        var result: [EdgePartial] = []
        for i in graph.nodes.indices where graph.nodes[i].op.arity > 0 {
            for j in distinctArguments(of: i) {
                result.append(EdgePartial(node: i, argument: j, partial: totalPartialFormula(i, j), value: totalPartialValue(i, j)))
            }
        }
        return result
    }

    /// The node's distinct non-constant arguments, in order: the edges a derivative crosses.
    func distinctArguments(of node: Int) -> [Int] {
        let n = graph.nodes[node]
        guard n.op.arity > 0 else { return [] }
        let a = Int(n.a)
        var result: [Int] = graph.isConstant(a) ? [] : [a]
        if n.op.arity == 2 {
            let b = Int(n.b)
            if b != a, !graph.isConstant(b) { result.append(b) }
        }
        return result
    }

    /// The total partial of `node` with respect to the node `argument`, as a formula over
    /// `node`'s arguments (a sum where it is both arguments).
    func totalPartialFormula(_ node: Int, _ argument: Int) -> Formula {
        let n = graph.nodes[node]
        var terms: [Formula] = []
        for (position, id) in n.arguments.enumerated() where id == argument { terms.append(graph.partialFormula(node, argument: position)) }
        return terms.dropFirst().reduce(terms[0]) { .apply(.add, [$0, $1]) }
    }

    /// The total partial of `node` with respect to the node `argument`, as the sweep computed it.
    func totalPartialValue(_ node: Int, _ argument: Int) -> Double {
        let n = graph.nodes[node]
        var total = 0.0
        if Int(n.a) == argument { total += evaluation.partialA[node] }
        if n.op.arity == 2, Int(n.b) == argument { total += evaluation.partialB[node] }
        return total
    }
}
