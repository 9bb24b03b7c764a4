/// Forward mode in one pass: every node's value and tangent together, as dual numbers
/// compute them (v + v̇ε, with ε² = 0).
///
/// ``PrimalSweep`` followed by ``ForwardSweep`` gives the same numbers, bit for bit, in two
/// passes with the local partials stored in between; that is what a trace shows and what many
/// sweeps from one point reuse. When the point changes at every sweep (a Hessian-vector product
/// in a Newton or optimisation loop), one pass that uses each partial where it is computed and
/// stores none reads and writes a third of the memory.
///
/// The conventions are the two sweeps': a constant argument takes no derivative, a NaN value has
/// NaN partials, a node that depends on no input with a nonzero seed has the structural tangent 0
/// (it multiplies nothing), and kinks are reported as ``MathWarning``s.
public enum DualSweep {
    /// The arrays of one sweep, kept from one sweep to the next so that a loop of sweeps over
    /// one tape allocates nothing after the first.
    public struct Buffers: Sendable {
        /// The value of each node, in tape order.
        public internal(set) var values: [Double] = []
        /// The tangent of each node for the seed.
        public internal(set) var tangents: [Double] = []
        /// Kinks and undefined points met, in tape order.
        public internal(set) var warnings: [MathWarning] = []
        var active: [Bool] = []

        /// Empty buffers: the first sweep sizes them.
        public init() {}

        /// Sized for a tape of `count` nodes; storage of the right size is kept, not cleared (every
        /// sweep writes each node it reads).
        mutating func fit(_ count: Int) {
            if values.count != count { values = [Double](repeating: 0, count: count) }
            if tangents.count != count { tangents = [Double](repeating: 0, count: count) }
            if active.count != count { active = [Bool](repeating: false, count: count) }
        }
    }

    /// The values and tangents of every node of `graph` at `point` along `seed` (one number per
    /// input each), into `buffers`.
    public static func run(_ graph: Graph, at point: [Double], seed: [Double], into buffers: inout Buffers) {
        precondition(point.count == graph.inputCount, "one value per input")
        precondition(seed.count == graph.inputCount, "one seed component per input")
        let count = graph.nodes.count
        buffers.fit(count)
        var warnings: [MathWarning] = []
        // One loop over raw buffers, as in `PrimalSweep.run`: the tapes here have hundreds of
        // thousands of nodes.
        buffers.values.withUnsafeMutableBufferPointer { values in
            buffers.tangents.withUnsafeMutableBufferPointer { tangents in
                buffers.active.withUnsafeMutableBufferPointer { active in
                    graph.nodes.withUnsafeBufferPointer { nodes in
                        guard count > 0 else { return }
                        let tape = nodes.baseAddress!, v = values.baseAddress!
                        let t = tangents.baseAddress!, on = active.baseAddress!
                        for i in 0..<count {
                            let node = tape[i]
                            switch node.op {
                            case .input:
                                v[i] = point[i]
                                t[i] = seed[i]
                                on[i] = seed[i] != 0
                            case .constant:
                                v[i] = node.literal
                                t[i] = 0
                                on[i] = false
                            default:
                                let step = PrimalSweep.partials(node, at: i, tape: tape, values: UnsafePointer(v), warnings: &warnings)
                                v[i] = step.value
                                (t[i], on[i]) = ForwardSweep.tangent(
                                    step.partialA, step.partialB, a: Int(node.a), b: Int(node.b), tangents: t, active: on)
                            }
                        }
                    }
                }
            }
        }
        buffers.warnings = warnings
    }
}
