import Foundation

/// A recording tape for the operator-overloading front end, computing values as it records.
///
/// As micrograd's `Value` does, ordinary Swift code run on ``Traced`` values records its
/// operations; here they land on the same tape the parser builds, so the graph, the trace
/// and the figures are identical. The tape computes each value as it records it, as micrograd
/// does, and differentiates with one reverse sweep, which cannot fail:
///
/// ```swift
/// let tape = Tape()
/// let x1 = tape.input("x1", 2.0), w1 = tape.input("w1", -3.0)
/// let o = tanh(x1 * w1 + 6.88)
/// o.value                      // 0.9985, computed as recorded
/// let grads = o.gradient()     // one reverse sweep
/// grads[x1]                    // ∂o/∂x1
/// let graph = tape.graph(output: o)  // the same tape, for traces and figures
/// ```
///
/// Inputs may be declared at any time, even after operations, as micrograd allows: a Wengert
/// list numbers its inputs v-(n-1) … v0 before every step, so the finished ``Graph`` lists
/// all inputs first, in the order declared, then the steps in the order recorded.
///
/// To record a function once and evaluate it at many points, name its inputs up front with a
/// ``GraphTape``, which records no values.
///
/// A tape belongs to one thread, as micrograd's graph does: it is not `Sendable`. Creation
/// order is the tape's topological order, and two threads recording at once would make that
/// order (and so every trace) depend on timing; it also keeps recording free of locks.
public final class Tape {
    private let recording: TapeRecording
    /// The names given to ``input(_:_:)`` so far, to refuse one given twice.
    private var declaredNames: Set<String> = []

    /// An empty tape that computes values as it records: declare inputs with ``input(_:_:)``.
    public init() {
        recording = TapeRecording(GraphBuilder(inputs: []), recordsValues: true)
    }

    /// A new input named `name` holding `value`, micrograd's `Value(2.0)` with a name for the trace.
    ///
    /// Declare it whenever you like, before or between operations: the graph lists inputs first
    /// in the order declared (see ``Tape``). Stops with a message when the name is empty or
    /// already taken.
    public func input(_ name: String, _ value: Double) -> Traced {
        precondition(!name.allSatisfy(\.isWhitespace), "an input name is empty; every input needs a name")
        precondition(declaredNames.insert(name).inserted, "the input name `\(name)` is given twice; each input needs its own name")
        return recording.core._withUnsafeGuaranteedRef { core in
            let id = core.builder.input(name)
            core.values.append(value)
            return Traced(core: recording.core, serial: recording.serial, id: id)
        }
    }

    /// The input variables, in the order declared.
    public var inputs: [Traced] { recording.inputs }

    /// A constant on the tape.
    public func constant(_ value: Double) -> Traced { recording.constant(value) }

    /// The graph recorded so far, with the given outputs in order.
    ///
    /// Throws when an output's name is empty or given twice.
    public func graph(outputs: KeyValuePairs<String, Traced>) throws(AdvizError) -> Graph { try recording.graph(outputs: outputs) }

    /// The graph recorded so far, with one output named `y`.
    public func graph(output: Traced) -> Graph { recording.graph(output: output) }
}

/// A tape of named inputs that records the operations and no values: a function recorded once,
/// for the sweeps to evaluate at many points (the fastest way to build a tape).
///
/// ```swift
/// let tape = try GraphTape(inputs: ["x1", "x2"])      // throws on an empty or repeated name
/// let (x1, x2) = (tape.inputs[0], tape.inputs[1])
/// let graph = tape.graph(output: log(x1 * x2) + sin(x2))
/// let trace = try Trace(graph, at: [2, 5])
/// ```
///
/// Its ``Traced`` values have no ``Traced/value`` and no ``Traced/gradient()`` (both stop with
/// a message): evaluate its ``graph(output:)`` with a ``Trace`` or the sweeps instead.
public final class GraphTape {
    private let recording: TapeRecording

    /// A tape whose inputs are named `inputs` (numbered v-(n-1) … v0 in this order).
    ///
    /// Throws when a name is empty or given twice: a trace could not tell those inputs apart.
    /// `sharing: false` records a repeated subexpression again instead of reusing its node.
    /// `capacity`, the number of nodes you expect (inputs included), reserves room up front:
    /// a long recording then never copies its tape to grow it. It changes no node.
    public init(inputs: [String], sharing: Bool = true, capacity: Int = 0) throws(AdvizError) {
        try Graph.checkNames(inputs, of: "input")
        recording = TapeRecording(GraphBuilder(inputs: inputs, sharing: sharing, capacity: capacity), recordsValues: false)
    }

    /// The input variables, in the order named.
    public var inputs: [Traced] { recording.inputs }

    /// A constant on the tape.
    public func constant(_ value: Double) -> Traced { recording.constant(value) }

    /// The graph recorded so far, with the given outputs in order.
    ///
    /// Throws when an output's name is empty or given twice.
    public func graph(outputs: KeyValuePairs<String, Traced>) throws(AdvizError) -> Graph { try recording.graph(outputs: outputs) }

    /// The graph recorded so far, with one output named `y`.
    public func graph(output: Traced) -> Graph { recording.graph(output: output) }
}

/// What ``Tape`` and ``GraphTape`` share: a core taken from the pool for the tape's lifetime and
/// given back when the tape goes, with what reads it.
final class TapeRecording {
    let core: Unmanaged<TapeCore>
    let serial: UInt32

    init(_ builder: GraphBuilder, recordsValues: Bool) {
        (core, serial) = TapeCore.take(builder, recordsValues: recordsValues)
    }

    deinit { TapeCore.giveBack(core) }

    var inputs: [Traced] {
        core._withUnsafeGuaranteedRef { core in
            (0..<core.builder.inputNames.count).map { Traced(core: self.core, serial: serial, id: core.builder.inputNode($0)) }
        }
    }

    func constant(_ value: Double) -> Traced {
        Traced(core: core, serial: serial, id: 0).constant(value)
    }

    func graph(outputs: KeyValuePairs<String, Traced>) throws(AdvizError) -> Graph {
        try Graph.checkNames(outputs.map(\.key), of: "output")
        let nodes = outputs.map { output in onThisTape(output.value, "output `\(output.key)` was recorded on another tape") }
        return core._withUnsafeGuaranteedRef { core in
            core.builder.finish(outputs: zip(outputs, nodes).map { GraphOutput(name: $0.key, node: Int($1)) })
        }
    }

    func graph(output: Traced) -> Graph {
        let node = onThisTape(output, "the output was recorded on another tape")
        return core._withUnsafeGuaranteedRef { $0.builder.finish(outputs: [GraphOutput(name: "y", node: Int(node))]) }
    }

    /// The node of `value` on this tape; a literal (`let c: Traced = 2.0`) becomes a constant here.
    private func onThisTape(_ value: Traced, _ message: @autoclosure () -> String) -> Int32 {
        if value.isLiteral { return constant(value.literalValue).id }
        precondition(value.isOn(core, serial), message())
        return value.id
    }
}
