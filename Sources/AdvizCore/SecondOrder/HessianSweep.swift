/// The Hessian of one output, with its gradient and value, and what it cost.
public struct HessianResult: Sendable, Equatable {
    /// f at the point.
    public var value: Double
    /// ∇f at the point, one entry per input.
    public var gradient: [Double]
    /// `matrix[i][j]` is ∂²f/∂xᵢ∂xⱼ: column j is the Hessian-vector product with eⱼ.
    public var matrix: [[Double]]
    /// The tangent sweeps over the gradient graph it took (one per input).
    public var sweeps: Int
    /// The nodes of the gradient graph (the tape each sweep walks).
    public var gradientGraphNodes: Int
    /// Multiply-adds of those sweeps: one per differentiable edge of the gradient graph per sweep.
    public var multiplyAdds: Int
    /// Kinks and undefined points met by the primal sweep over the gradient graph: f's warnings,
    /// then those of the backward pass, in terms of the original nodes where they are f's.
    public var warnings: [MathWarning]

    /// The largest |Hᵢⱼ − Hⱼᵢ|, 0 for an exactly symmetric Hessian (NaN entries are skipped).
    public var asymmetry: Double {
        var worst = 0.0
        for i in matrix.indices {
            for j in matrix.indices where j > i {
                let d = Swift.abs(matrix[i][j] - matrix[j][i])
                if !d.isNaN { worst = Swift.max(worst, d) }
            }
        }
        return worst
    }

    /// The first pair (i, j), i < j, where one of Hᵢⱼ and Hⱼᵢ is NaN and the other is not (nil
    /// when there is none): the two sums met an undefined number on one side only, so H is not
    /// symmetric there, whatever the other pairs say.
    public var nanOnOneSide: (i: Int, j: Int)? {
        for i in matrix.indices {
            for j in matrix.indices where j > i && matrix[i][j].isNaN != matrix[j][i].isNaN { return (i, j) }
        }
        return nil
    }

    /// Whether some pair Hᵢⱼ, Hⱼᵢ (i ≠ j) is NaN on both sides: those pairs are not compared.
    public var hasUndefinedPairs: Bool {
        matrix.indices.contains { i in matrix.indices.contains { j in j > i && matrix[i][j].isNaN && matrix[j][i].isNaN } }
    }

    /// Whether H equals its transpose to `tolerance` relative to its largest entry (Schwarz's
    /// theorem, for a twice continuously differentiable f). Forward-over-reverse computes Hᵢⱼ and
    /// Hⱼᵢ by different sums, so they may differ in the last bits. A pair NaN on one side only
    /// is not symmetric; pairs NaN on both sides are not compared (``hasUndefinedPairs``).
    public func isSymmetric(tolerance: Double = 1e-12) -> Bool {
        guard nanOnOneSide == nil else { return false }
        let scale = matrix.joined().filter(\.isFinite).map { Swift.abs($0) }.max() ?? 0
        return asymmetry <= tolerance * Swift.max(scale, 1)
    }

    /// The sentence a report writes about H's symmetry, naming the entries with `names`.
    public func symmetrySentence(names: [String], number: (Double) -> String) -> String {
        if let (i, j) = nanOnOneSide {
            let (a, b) = matrix[i][j].isNaN ? (j, i) : (i, j)
            return "NOT symmetric: ∂²f/∂\(names[a])∂\(names[b]) = \(number(matrix[a][b])) but ∂²f/∂\(names[b])∂\(names[a]) = NaN "
                + "(an undefined number met on one side only; f is not twice differentiable here)"
        }
        let unjudged = hasUndefinedPairs ? "; pairs that are NaN on both sides are not compared" : ""
        if isSymmetric() {
            return (asymmetry == 0 ? "symmetric: Hᵢⱼ = Hⱼᵢ exactly" : "symmetric: |Hᵢⱼ − Hⱼᵢ| ≤ \(number(asymmetry)) (rounding)") + unjudged
        }
        return "NOT symmetric: |Hᵢⱼ − Hⱼᵢ| up to \(number(asymmetry)); f is not twice continuously differentiable here (a kink or a jump nearby)" + unjudged
    }
}

/// Second derivatives by forward-over-reverse: tangent sweeps over the ``GradientGraph``.
///
/// The gradient graph computes ∇f(x) from x. A tangent sweep over it with input direction u
/// gives the directional derivative of ∇f along u, that is H·u, the Hessian-vector product, at
/// a small constant multiple of the cost of f (Pearlmutter 1994; JAX's `jvp(grad(f))`). The
/// full Hessian takes n of them, one per unit vector eⱼ. The sweeps are the first-order ones,
/// run over a bigger tape: exactness rules, structural zeros and kink conventions carry over.
public enum HessianSweep {
    /// H·`direction` at the point `evaluation` was computed at (a primal sweep of the gradient graph).
    public static func hessianVectorProduct(_ gradientGraph: GradientGraph, _ evaluation: Evaluation, direction: [Double]) -> [Double] {
        let tangents = ForwardSweep.tangents(gradientGraph.graph, evaluation, seed: direction)
        return gradientGraph.gradientNodes.map { tangents[$0] }
    }

    /// H·`direction` at `point`: one primal and one tangent sweep over the gradient graph.
    public static func hessianVectorProduct(_ gradientGraph: GradientGraph, at point: [Double], direction: [Double]) -> [Double] {
        hessianVectorProduct(gradientGraph, PrimalSweep.run(gradientGraph.graph, at: point), direction: direction)
    }

    /// The arrays of one Hessian-vector product, kept from one product to the next.
    public struct Buffers: Sendable {
        var sweep = DualSweep.Buffers()

        /// Empty buffers: the first product sizes them.
        public init() {}

        /// Kinks and undefined points met by the last product's sweep of the gradient graph.
        public var warnings: [MathWarning] { sweep.warnings }
    }

    /// H·`direction` at `point`, reusing `buffers`: a Newton or optimisation loop asks for one
    /// product after another at new points, and after the first, no array is allocated (as
    /// ``PrimalSweep/run(_:at:into:)`` does for the gradient).
    ///
    /// One ``DualSweep`` of the gradient graph, values and tangents together, with no partial
    /// stored: the same numbers as a primal sweep followed by a tangent sweep, in one pass. The
    /// sweep runs the gradient graph's ``DualSweep/Program``, made when the graph was: the
    /// numbers of a sweep over the graph itself, bit for bit, without asking the tape at every
    /// node what its structure already says.
    public static func hessianVectorProduct(
        _ gradientGraph: GradientGraph, at point: [Double], direction: [Double], reusing buffers: inout Buffers
    ) -> [Double] {
        DualSweep.run(gradientGraph.dualProgram, at: point, seed: direction, into: &buffers.sweep)
        return gradientGraph.gradientNodes.map { buffers.sweep.tangents[$0] }
    }

    /// The whole Hessian at `point`: one primal sweep of the gradient graph, then the n tangent
    /// sweeps seeded with e₁ … eₙ, eight at a time (`TangentBlocks`): the numbers of n separate
    /// ``ForwardSweep``s, bit for bit, in about an eighth of the passes, each pass starting at the
    /// first step that reads its inputs.
    public static func hessian(_ gradientGraph: GradientGraph, at point: [Double]) -> HessianResult {
        let graph = gradientGraph.graph
        let evaluation = PrimalSweep.run(graph, at: point)
        let matrix = TangentBlocks(graph, evaluation, outputs: gradientGraph.gradientNodes).unitSweeps()
        return HessianResult(
            value: evaluation.values[gradientGraph.valueNode],
            gradient: gradientGraph.gradientNodes.map { evaluation.values[$0] },
            matrix: matrix, sweeps: graph.inputCount, gradientGraphNodes: graph.nodes.count,
            multiplyAdds: graph.inputCount * graph.differentiableEdgeCount, warnings: evaluation.warnings)
    }

    /// The whole Hessian by n separate ``ForwardSweep``s, one per eⱼ, each over the whole gradient
    /// graph: the reference ``hessian(_:at:)`` is tested against, bit for bit.
    static func hessianByUnitSweeps(_ gradientGraph: GradientGraph, at point: [Double]) -> HessianResult {
        let graph = gradientGraph.graph
        let n = graph.inputCount
        let evaluation = PrimalSweep.run(graph, at: point)
        var matrix = Array(repeating: [Double](repeating: 0, count: n), count: n)
        // One tangent buffer for all n sweeps, and the seed eⱼ changed in place.
        var seed = [Double](repeating: 0, count: n), tangents: [Double] = [], active: [Bool] = []
        let gradientNodes = gradientGraph.gradientNodes
        for j in 0..<n {
            seed[j] = 1
            ForwardSweep.tangents(graph, evaluation, seed: seed, into: &tangents, active: &active)
            seed[j] = 0
            for i in 0..<n { matrix[i][j] = tangents[gradientNodes[i]] }
        }
        return HessianResult(
            value: evaluation.values[gradientGraph.valueNode],
            gradient: gradientGraph.gradientNodes.map { evaluation.values[$0] },
            matrix: matrix, sweeps: n, gradientGraphNodes: graph.nodes.count,
            multiplyAdds: n * graph.differentiableEdgeCount, warnings: evaluation.warnings)
    }

    /// The Hessian at `point` of an f whose Hessian is banded (Hᵢⱼ = 0 for |i − j| > `bandwidth`),
    /// from 2·bandwidth + 1 tangent sweeps instead of n: column colouring (Curtis, Powell and
    /// Reid). Columns j and j′ with j ≡ j′ (mod 2b + 1) share no row, so one sweep seeded with
    /// the sum of their unit vectors gives both: Hᵢⱼ is entry i of the sweep of colour j mod (2b + 1)
    /// for |i − j| ≤ b. The band is the caller's claim: entries outside it are returned as 0, not computed.
    public static func bandedHessian(_ gradientGraph: GradientGraph, at point: [Double], bandwidth: Int) -> HessianResult {
        let graph = gradientGraph.graph
        let n = graph.inputCount
        let colours = Swift.min(n, 2 * bandwidth + 1)
        let evaluation = PrimalSweep.run(graph, at: point)
        var matrix = Array(repeating: [Double](repeating: 0, count: n), count: n)
        var tangents: [Double] = [], active: [Bool] = []
        let gradientNodes = gradientGraph.gradientNodes
        for colour in 0..<colours {
            var seed = [Double](repeating: 0, count: n)
            for j in stride(from: colour, to: n, by: colours) { seed[j] = 1 }
            ForwardSweep.tangents(graph, evaluation, seed: seed, into: &tangents, active: &active)
            for j in stride(from: colour, to: n, by: colours) {
                for i in Swift.max(0, j - bandwidth)...Swift.min(n - 1, j + bandwidth) { matrix[i][j] = tangents[gradientNodes[i]] }
            }
        }
        return HessianResult(
            value: evaluation.values[gradientGraph.valueNode],
            gradient: gradientGraph.gradientNodes.map { evaluation.values[$0] },
            matrix: matrix, sweeps: colours, gradientGraphNodes: graph.nodes.count,
            multiplyAdds: colours * graph.differentiableEdgeCount, warnings: evaluation.warnings)
    }

    /// The Hessian of output `output` of `graph` at `point`.
    public static func hessian(_ graph: Graph, output: Int = 0, at point: [Double]) throws(AdvizError) -> HessianResult {
        guard point.count == graph.inputCount else {
            throw .invalidArgument("expected \(graph.inputCount) values, one per input, got \(point.count)")
        }
        return hessian(try GradientGraph(of: graph, output: output), at: point)
    }
}

/// What the Hessian costs by each way of computing it, counted in multiply-adds (one per
/// differentiable edge of a tape per sweep) so that the ways compare on one scale.
public struct HessianCost: Sendable, Equatable {
    /// One way, and its count.
    public struct Way: Sendable, Equatable {
        /// Its name (`forward-over-reverse`).
        public var name: String
        /// What it does, in a phrase.
        public var how: String
        /// Sweeps over a tape.
        public var sweeps: Int
        /// Multiply-adds.
        public var multiplyAdds: Int
    }

    /// The ways, cheapest first for large n: forward-over-reverse, reverse-over-reverse, forward-over-forward.
    public var ways: [Way]

    /// The counts for `gradientGraph` (n inputs; f has e differentiable edges, its gradient graph E).
    ///
    /// - forward-over-reverse: n tangent sweeps of the gradient graph, n·E;
    /// - reverse-over-reverse: n adjoint sweeps of the gradient graph (one per row), n·E, and the
    ///   gradient graph's whole tape kept in memory for them;
    /// - forward-over-forward: one second-order (hyper-dual) sweep of f per pair i ≤ j, each
    ///   pushing three tangents (v̇, v̇′, v̈) through every edge, 3e·n(n+1)/2.
    public init(_ gradientGraph: GradientGraph) {
        let n = gradientGraph.graph.inputCount
        let bigE = gradientGraph.graph.differentiableEdgeCount
        let e = gradientGraph.original.differentiableEdgeCount
        let pairs = n * (n + 1) / 2
        ways = [
            Way(name: "forward-over-reverse", how: "n tangent sweeps of the gradient graph (H·eⱼ)", sweeps: n, multiplyAdds: n * bigE),
            Way(name: "reverse-over-reverse", how: "n adjoint sweeps of the gradient graph (eⱼᵀ·H), tape kept", sweeps: n, multiplyAdds: n * bigE),
            Way(name: "forward-over-forward", how: "n(n+1)/2 hyper-dual sweeps of f, 3 tangents each", sweeps: pairs, multiplyAdds: 3 * e * pairs),
        ]
    }
}
