import AdvizCore

/// Seeds that are weights read at run time (`ybar[k]`, `xdot[j]`), which may be 0.
///
/// The sweeps pass nothing from a node that no seeded output reaches (reverse) or that no seeded
/// input reaches (forward): its adjoint or tangent is a structural zero, not a number 0 that
/// meets an infinite or NaN partial (√x at x = −1 beside y₂ = 3x with ȳ = (0, 1) gives ∂y/∂x = 3,
/// not 0·NaN). Generated code with seeds read at run time cannot know which are 0 when it is
/// written, so it says it: a term from a node whose set of seeds differs from its argument's is
/// taken only where one of those seeds is nonzero, and so is each result. Within one set of seeds
/// no condition is needed: either all of them are live or the result is guarded.
extension DerivativeCode {
    /// For each node, the outputs (indices into `graph.outputs`, ascending) it reaches.
    func outputsReached() -> [[Int]] {
        var reached = [[Int]](repeating: [], count: graph.nodes.count)
        for (k, output) in graph.outputs.enumerated() { reached[output.node].append(k) }
        for i in graph.nodes.indices.reversed() where !reached[i].isEmpty && graph.nodes[i].op.arity > 0 {
            for argument in graph.nodes[i].arguments where !graph.isConstant(argument) {
                reached[argument] = DerivativeCode.union(reached[argument], reached[i])
            }
        }
        return reached
    }

    /// For each node, the inputs (ascending) that reach it.
    func inputsReaching() -> [[Int]] {
        var reaching = [[Int]](repeating: [], count: graph.nodes.count)
        for (i, node) in graph.nodes.enumerated() {
            if node.op == .input { reaching[i] = [i]; continue }
            for argument in node.arguments { reaching[i] = DerivativeCode.union(reaching[i], reaching[argument]) }
        }
        return reaching
    }

    /// `expression` where one of the seeds in `seeds` is nonzero, else 0: `(ybar[0] != 0.0 ? e : 0.0)`.
    func weighted(_ expression: String, by seeds: [Int], _ weight: (Int) -> String) -> String {
        guard !seeds.isEmpty else { return literal(0) }
        let live = seeds.map { "\(weight($0)) != 0.0" }.joined(separator: " || ")
        return "(\(live) ? \(expression) : \(literal(0)))"
    }

    /// Two ascending lists of indices joined, ascending, without repeats.
    static func union(_ x: [Int], _ y: [Int]) -> [Int] {
        if x == y || y.isEmpty { return x }
        if x.isEmpty { return y }
        return Array(Set(x).union(y)).sorted()
    }
}
