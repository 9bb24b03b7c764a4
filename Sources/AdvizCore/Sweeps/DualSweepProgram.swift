extension DualSweep {
    /// A graph made ready for many dual sweeps: the same numbers as `DualSweep.run`
    /// over the graph, bit for bit, with the same warnings, in less time per sweep.
    ///
    /// A sweep over the graph asks at every node what the tape's structure already answers: is
    /// this an input or a constant, is each argument a constant (a load from elsewhere in the
    /// tape), does a seeded input reach it. The program answers those once: its steps are the
    /// operation nodes alone, in tape order, each 16 bytes with the constant-argument flags; the
    /// inputs and constants are written before the loop. Where every seed component is nonzero
    /// (NaN and ±∞ included), which arguments carry a tangent is known from the tape alone (an
    /// input reaches them), so the loop reads no activity flag and writes none; a seed with zeros
    /// takes the flags, as ``ForwardSweep`` does. Each step is one case of the one switch over the
    /// operations (``Op/dispatch(_:)``), which the loop inlines: the rule's value and partials, the
    /// kink test of ``Op/step(_:_:withRespectToB:)`` (its message made out of line), and the
    /// tangent with the products and the one addition of ``ForwardSweep``, in the same order.
    /// At n = 1,000 on the benchmark's function this is 1.3 million instructions per sweep of the
    /// 15,989-node gradient graph, against 1.85 million with a call of ``Op/step(_:_:withRespectToB:)``
    /// at each step (callgrind).
    public struct Program: Sendable {
        /// One operation node: its operation, flags, arguments (`b` is -1 for a unary one) and id.
        struct Step {
            var op: Op
            var flags: UInt8
            var a: Int32
            var b: Int32
            var node: Int32
        }

        static let constantA: UInt8 = 1, constantB: UInt8 = 2, reachedA: UInt8 = 4, reachedB: UInt8 = 8

        /// The nodes of the graph.
        public let nodeCount: Int
        /// The inputs: nodes `0..<inputCount`.
        public let inputCount: Int
        let steps: [Step]
        let constants: [Int32]
        let literals: [Double]

        /// `graph` made ready for dual sweeps.
        public init(_ graph: Graph) {
            let nodes = graph.nodes
            nodeCount = nodes.count
            inputCount = graph.inputCount
            // Whether some input reaches each node: with every seed component nonzero, exactly the
            // nodes a sweep marks active.
            var reached = [Bool](repeating: false, count: nodes.count)
            var steps: [Step] = [], constants: [Int32] = [], literals: [Double] = []
            steps.reserveCapacity(nodes.count)
            for (i, node) in nodes.enumerated() {
                switch node.op {
                case .input:
                    precondition(i < graph.inputCount, "the inputs come first")
                    reached[i] = true
                case .constant:
                    constants.append(Int32(i))
                    literals.append(node.literal)
                default:
                    let a = Int(node.a), b = Int(node.b)
                    var flags: UInt8 = 0
                    if nodes[a].op == .constant { flags |= Program.constantA }
                    if b >= 0, nodes[b].op == .constant { flags |= Program.constantB }
                    if reached[a] { flags |= Program.reachedA }
                    if b >= 0, reached[b] { flags |= Program.reachedB }
                    reached[i] = reached[a] || (b >= 0 && reached[b])
                    steps.append(Step(op: node.op, flags: flags, a: node.a, b: node.b, node: Int32(i)))
                }
            }
            self.steps = steps
            self.constants = constants
            self.literals = literals
        }
    }

    /// The values and tangents of every node of `program`'s graph at `point` along `seed`, into
    /// `buffers`: the numbers and warnings of `DualSweep.run` over the graph, bit for bit.
    public static func run(_ program: Program, at point: [Double], seed: [Double], into buffers: inout Buffers) {
        precondition(point.count == program.inputCount, "one value per input")
        precondition(seed.count == program.inputCount, "one seed component per input")
        let count = program.nodeCount
        buffers.fit(count)
        let everySeeded = seed.allSatisfy { $0 != 0 }
        var warnings: [MathWarning] = []
        buffers.values.withUnsafeMutableBufferPointer { values in
            buffers.tangents.withUnsafeMutableBufferPointer { tangents in
                buffers.active.withUnsafeMutableBufferPointer { active in
                    program.steps.withUnsafeBufferPointer { steps in
                        guard count > 0 else { return }
                        let v = values.baseAddress!, t = tangents.baseAddress!, on = active.baseAddress!
                        for i in 0..<program.inputCount {
                            v[i] = point[i]
                            t[i] = seed[i]
                            on[i] = seed[i] != 0
                        }
                        for (k, c) in program.constants.enumerated() {
                            v[Int(c)] = program.literals[k]
                            t[Int(c)] = 0
                            on[Int(c)] = false
                        }
                        // The two loops are one function specialised twice: the flags are read
                        // only where a seed component is zero.
                        if everySeeded {
                            sweep(steps, values: v, tangents: t, active: on, readingActivity: false, warnings: &warnings)
                        } else {
                            sweep(steps, values: v, tangents: t, active: on, readingActivity: true, warnings: &warnings)
                        }
                    }
                }
            }
        }
        buffers.warnings = warnings
    }

    /// The steps in order, each in one dispatch (``Op/dispatch(_:)`` with a ``DualStep``).
    @inline(__always)
    private static func sweep(
        _ steps: UnsafeBufferPointer<Program.Step>, values v: UnsafeMutablePointer<Double>, tangents t: UnsafeMutablePointer<Double>,
        active on: UnsafeMutablePointer<Bool>, readingActivity: Bool, warnings: inout [MathWarning]
    ) {
        withUnsafeMutablePointer(to: &warnings) { warnings in
            for step in steps {
                step.op.dispatch(DualStep(step: step, v: v, t: t, on: on, readingActivity: readingActivity, warnings: warnings))
            }
        }
    }

    /// One step of a program's sweep, the whole of it in the operation's case of the one switch:
    /// value and partials (``PrimalSweep``'s step, the constant flags read from the program), the
    /// kink test of ``Op/step(_:_:withRespectToB:)``, then the tangent as ``ForwardSweep`` forms it.
    /// Nothing is handed back, so nothing is packed and unpacked between the rule and the tangent.
    private struct DualStep: OpRuleVisitor {
        let step: Program.Step
        let v: UnsafeMutablePointer<Double>, t: UnsafeMutablePointer<Double>, on: UnsafeMutablePointer<Bool>
        let readingActivity: Bool
        let warnings: UnsafeMutablePointer<[MathWarning]>

        @inline(__always)
        func visit<Rule: OpRule>(_ rule: Rule.Type) {
            let i = Int(step.node), ia = Int(step.a), ib = Int(step.b)
            let a = v[ia]
            let b = ib >= 0 ? v[ib] : 0
            let constantA = step.flags & Program.constantA != 0
            let constantB = step.flags & Program.constantB != 0
            let (value, partialA, partialB) = Rule.valueAndPartials(a, b, withRespectToB: !constantB)
            // SweepStep's test; the kink's message is made out of line, in a small function per rule.
            let kinked = Rule.hasKinks && a.isFinite && b.isFinite && DualSweep.hasKink(Rule.self, a, b)
            var pa = constantA ? 0 : partialA
            var pb = constantB ? 0 : partialB
            if _slowPath(kinked || !((value - value) + (pa - pa) + (pb - pb) == 0)) {
                let result = SweepStep(value: value, partialA: partialA, partialB: partialB, kinked: kinked)
                (pa, pb) = PrimalSweep.unusual(step.op, at: i, a, b, result, constantA: constantA, constantB: constantB, warnings: &warnings.pointee)
            }
            v[i] = value
            if readingActivity {
                (t[i], on[i]) = ForwardSweep.tangent(pa, pb, a: ia, b: ib, tangents: t, active: on)
            } else {
                // Every input is seeded: an argument carries a tangent where an input reaches it.
                switch step.flags & (Program.reachedA | Program.reachedB) {
                case Program.reachedA: t[i] = pa * t[ia]
                case Program.reachedB: t[i] = pb * t[ib]
                case Program.reachedA | Program.reachedB: t[i] = pa * t[ia] + pb * t[ib]
                default: t[i] = 0
                }
            }
        }
    }

    /// Whether `Rule` names a kink at (`a`, `b`): out of line, so that the message it makes
    /// (and the stack it needs) stay out of the sweep's switch.
    @inline(never)
    private static func hasKink<Rule: OpRule>(_ rule: Rule.Type, _ a: Double, _ b: Double) -> Bool {
        Rule.kink(a, b) != nil
    }
}
