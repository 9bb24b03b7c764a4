/// A warning about the mathematics at one node: a kink, a pole, a value outside the domain.
public struct MathWarning: Sendable, Equatable {
    /// The node it concerns.
    public var node: Int
    /// What happened and the convention used, as data: the partials it names are places a
    /// writer fills in (`∂v₁/∂v₀` in a trace).
    public var note: MathNote

    /// A warning at `node`.
    public init(node: Int, note: MathNote) {
        self.node = node
        self.note = note
    }

    /// The note with the table's names for the partials (`∂/∂a`): "log of a negative number: NaN".
    public var message: String { note.description }
}

/// The result of the forward primal sweep: every node's value and local partials.
///
/// The partials are computed once here, where the arguments are at hand, and then
/// reused by every tangent and adjoint sweep (this is what "the tape" stores).
public struct Evaluation: Sendable {
    /// The value of each node, in tape order.
    public var values: [Double]
    /// ∂node/∂(first argument) of each node (0 for inputs and constants).
    public var partialA: [Double]
    /// ∂node/∂(second argument) of each node (0 for unary operations and for a constant second argument).
    public var partialB: [Double]
    /// Kinks and undefined points met on the way, in tape order.
    public var warnings: [MathWarning]

    /// An evaluation from its columns (empty ones make a buffer for ``PrimalSweep/run(_:at:into:)``).
    public init(values: [Double], partialA: [Double], partialB: [Double], warnings: [MathWarning]) {
        self.values = values
        self.partialA = partialA
        self.partialB = partialB
        self.warnings = warnings
    }

    /// The value of each output, in order.
    public func outputValues(of graph: Graph) -> [Double] {
        graph.outputs.map { values[$0.node] }
    }
}

/// The forward primal sweep: evaluates the tape at a point, node after node.
public enum PrimalSweep {
    /// Evaluates `graph` at `point` (one value per input, in input order).
    public static func run(_ graph: Graph, at point: [Double]) -> Evaluation {
        var evaluation = Evaluation(values: [], partialA: [], partialB: [], warnings: [])
        run(graph, at: point, into: &evaluation)
        return evaluation
    }

    /// Evaluates `graph` at `point` into `evaluation`, reusing its arrays: an optimisation loop
    /// sweeps the same tape again and again, and fresh arrays of a big tape cost page faults.
    public static func run(_ graph: Graph, at point: [Double], into evaluation: inout Evaluation) {
        precondition(point.count == graph.inputCount, "one value per input")
        let count = graph.nodes.count
        if evaluation.values.count != count || evaluation.partialA.count != count || evaluation.partialB.count != count {
            evaluation.values = [Double](repeating: 0, count: count)
            evaluation.partialA = [Double](repeating: 0, count: count)
            evaluation.partialB = [Double](repeating: 0, count: count)
        }
        var warnings: [MathWarning] = []
        // One loop over raw buffers: this sweep runs once per node of graphs with millions of them.
        evaluation.values.withUnsafeMutableBufferPointer { values in
            evaluation.partialA.withUnsafeMutableBufferPointer { partialA in
                evaluation.partialB.withUnsafeMutableBufferPointer { partialB in
                    graph.nodes.withUnsafeBufferPointer { nodes in
                        point.withUnsafeBufferPointer { point in
                            guard count > 0 else { return }
                            let tape = nodes.baseAddress!, v = values.baseAddress!
                            let pA = partialA.baseAddress!, pB = partialB.baseAddress!
                            for i in 0..<count {
                                let node = tape[i]
                                switch node.op {
                                case .input:
                                    v[i] = point[i]
                                    pA[i] = 0
                                    pB[i] = 0
                                case .constant:
                                    v[i] = node.literal
                                    pA[i] = 0
                                    pB[i] = 0
                                default:
                                    let step = partials(node, at: i, tape: tape, values: UnsafePointer(v), warnings: &warnings)
                                    v[i] = step.value
                                    pA[i] = step.partialA
                                    pB[i] = step.partialB
                                }
                            }
                        }
                    }
                }
            }
        }
        evaluation.warnings = warnings
    }

    /// The outputs' values at `point`, with nothing else computed: f alone, the baseline of
    /// the cheap gradient principle (time(∇f) is a small multiple of this).
    public static func value(_ graph: Graph, at point: [Double]) -> [Double] {
        var values: [Double] = []
        return value(graph, at: point, buffer: &values)
    }

    /// f alone, with `buffer` (resized to the tape) reused for the nodes' values.
    public static func value(_ graph: Graph, at point: [Double], buffer values: inout [Double]) -> [Double] {
        precondition(point.count == graph.inputCount, "one value per input")
        let nodes = graph.nodes
        if values.count != nodes.count { values = [Double](repeating: 0, count: nodes.count) }
        values.withUnsafeMutableBufferPointer { v in
            nodes.withUnsafeBufferPointer { tape in
                for i in 0..<tape.count {
                    let node = tape[i]
                    switch node.op {
                    case .input: v[i] = point[i]
                    case .constant: v[i] = node.literal
                    default: v[i] = node.op.evaluate(v[Int(node.a)], node.b >= 0 ? v[Int(node.b)] : 0)
                    }
                }
            }
        }
        return graph.outputs.map { values[$0.node] }
    }

    /// Node `i`'s value and local partials, its arguments' values already in `values`: the one
    /// step of every sweep that computes partials (this one and `DualSweep`).
    ///
    /// Value, partials and the kink test come from one dispatch (``Op/step(_:_:withRespectToB:)``),
    /// and a constant argument takes no derivative (its possibly undefined partial stays out of the
    /// sums). The common case ends there: no kink, and value and partials finite (x − x is 0
    /// exactly for finite x, NaN for ±inf and NaN). Elsewhere `unusual`
    /// gives NaN partials to a NaN value and writes the warning.
    @inline(__always)
    static func partials(
        _ node: Node, at i: Int, tape: UnsafePointer<Node>, values v: UnsafePointer<Double>, warnings: inout [MathWarning]
    ) -> (value: Double, partialA: Double, partialB: Double) {
        let ia = Int(node.a), ib = Int(node.b)
        let a = v[ia]
        let b = ib >= 0 ? v[ib] : 0
        let constantA = tape[ia].op == .constant
        let constantB = ib >= 0 && tape[ib].op == .constant
        let step = node.op.step(a, b, withRespectToB: !constantB)
        let value = step.value
        var pa = constantA ? 0 : step.partialA
        var pb = constantB ? 0 : step.partialB
        if _slowPath(step.kinked || !((value - value) + (pa - pa) + (pb - pb) == 0)) {
            (pa, pb) = unusual(node.op, at: i, a, b, step, constantA: constantA, constantB: constantB, warnings: &warnings)
        }
        return (value, pa, pb)
    }

    /// A step with a kink, or whose value or partials are not finite: its partials as the rule
    /// gives them, except that a NaN value has NaN partials (NaN is never turned into a number:
    /// log at −1 has 1/a = −1), and a constant argument's partial is 0; and the warning, if any.
    /// Every sweep that computes partials from ``Op/step(_:_:withRespectToB:)`` ends an unusual
    /// step here, so they all keep the same conventions.
    @inline(never)
    static func unusual(
        _ op: Op, at i: Int, _ a: Double, _ b: Double, _ step: SweepStep, constantA: Bool, constantB: Bool,
        warnings: inout [MathWarning]
    ) -> (partialA: Double, partialB: Double) {
        var (pa, pb) = (step.partialA, step.partialB)
        if step.value.isNaN { (pa, pb) = (.nan, .nan) }
        if constantB { pb = 0 }
        if constantA { pa = 0 }
        let ordinary = !step.kinked && step.value.isFinite && pa.isFinite && pb.isFinite
        if !ordinary, let message = diagnose(op, a, b, step.value, pa, pb) {
            warnings.append(MathWarning(node: i, note: message))
        }
        return (pa, pb)
    }

    /// The warning for one step, reported only where the trouble starts (its arguments are finite).
    @inline(__always)
    private static func diagnose(_ op: Op, _ a: Double, _ b: Double, _ v: Double, _ pa: Double, _ pb: Double) -> MathNote? {
        guard a.isFinite, b.isFinite else { return nil }
        if let kink = op.kink(a, b) { return kink }
        if v.isNaN { return "\(op.name) is undefined here: NaN" }
        if v.isInfinite { return "overflow: the value is \(v < 0 ? "-inf" : "inf")" }
        if !pa.isFinite || !pb.isFinite { return "the local partial is \(pa.isNaN || pb.isNaN ? "NaN" : "infinite")" }
        return nil
    }
}
