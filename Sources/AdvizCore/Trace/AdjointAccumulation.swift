/// One increment of the reverse sweep as a tape executes it: `v̄ⱼ += v̄ᵢ·∂vᵢ/∂vⱼ`.
///
/// The adjoint rows of a ``Trace`` give each adjoint as a finished sum over its consumers. A
/// tape-based implementation (and Baydin et al.'s Table 3) builds the same sums one edge at a
/// time: every adjoint starts at 0, the outputs get their seeds, and walking the tape backwards
/// each node adds its adjoint times the local partial into each of its arguments. The rows of
/// ``Trace/accumulationSteps()`` are those increments, in the order the sweep runs them, with
/// the adjoint before and after each one.
public struct AccumulationStep: Sendable, Equatable {
    /// The node whose adjoint grows (vⱼ).
    public var node: Int
    /// What it adds: an output's seed ȳₖ, or a consumer's adjoint v̄ᵢ times the local partial
    /// ∂vᵢ/∂vⱼ (the total partial where vᵢ uses vⱼ twice, `x*x`).
    public var term: ChainTerm
    /// v̄ⱼ before the increment.
    public var before: Double
    /// v̄ⱼ after it: what the sweep holds at that moment.
    public var after: Double

    /// An increment of `node`'s adjoint by `term`, from `before` to `after`.
    public init(node: Int, term: ChainTerm, before: Double, after: Double) {
        self.node = node
        self.term = term
        self.before = before
        self.after = after
    }
}

extension Trace {
    /// The reverse sweep as increments, in the order ``ReverseSweep`` executes them (empty where
    /// reverse mode did not run): first each seeded output's `v̄ += ȳₖ`, then, from the last node
    /// back, `v̄ⱼ += v̄ᵢ·∂vᵢ/∂vⱼ` for each argument vⱼ of vᵢ.
    ///
    /// The arithmetic is the sweep's own, in its order, so each node's last `after` is its
    /// adjoint bit for bit. Nodes that reach no seeded output pass nothing on (their adjoint is
    /// a structural zero, as in the sweep); a constant's increments are computed but not listed,
    /// as the trace lists no constant's adjoint.
    ///
    /// ```swift
    /// let trace = try Trace(expression: "log(x1*x2)+sin(x2)", at: "2,5")
    /// for step in trace.accumulationSteps() where step.node == 1 {   // x2, that is v₀
    ///     print(step.before, "→", step.after)                          // 0 → 0.2837, then 0.2837 → 0.4837
    /// }
    /// ```
    public func accumulationSteps() -> [AccumulationStep] {
        guard adjoints != nil else { return [] }
        let count = graph.nodes.count
        let partialA = evaluation.partialA, partialB = evaluation.partialB
        var adjoint = [Double](repeating: 0, count: count)
        var live = [Bool](repeating: false, count: count)
        var steps: [AccumulationStep] = []
        steps.reserveCapacity(graph.differentiableEdgeCount + graph.outputCount)
        for (k, output) in graph.outputs.enumerated() {
            let before = adjoint[output.node]
            adjoint[output.node] += outputSeed[k]
            guard outputSeed[k] != 0 else { continue }
            live[output.node] = true
            let term = ChainTerm(source: .outputSeed(k), partial: .number(1), partialValue: 1, factor: outputSeed[k])
            steps.append(AccumulationStep(node: output.node, term: term, before: before, after: adjoint[output.node]))
        }
        var i = count - 1
        while i >= graph.inputCount {
            defer { i -= 1 }
            let node = graph.nodes[i]
            guard live[i], node.a >= 0 else { continue }
            let g = adjoint[i]
            let a = Int(node.a), b = Int(node.b)
            // The sweep adds g·∂/∂a, then g·∂/∂b: where both are one node (`x*x`) that is one
            // listed increment of two additions.
            let beforeA = adjoint[a]
            adjoint[a] += g * partialA[i]
            live[a] = true
            if b >= 0, b == a { adjoint[a] += g * partialB[i] }
            if !graph.isConstant(a) { steps.append(increment(of: a, by: i, factor: g, before: beforeA, after: adjoint[a])) }
            if b >= 0, b != a {
                let beforeB = adjoint[b]
                adjoint[b] += g * partialB[i]
                live[b] = true
                if !graph.isConstant(b) { steps.append(increment(of: b, by: i, factor: g, before: beforeB, after: adjoint[b])) }
            }
        }
        return steps
    }

    private func increment(of argument: Int, by consumer: Int, factor: Double, before: Double, after: Double) -> AccumulationStep {
        let term = ChainTerm(
            source: .node(consumer), partial: totalPartialFormula(consumer, argument),
            partialValue: totalPartialValue(consumer, argument), factor: factor)
        return AccumulationStep(node: argument, term: term, before: before, after: after)
    }
}
