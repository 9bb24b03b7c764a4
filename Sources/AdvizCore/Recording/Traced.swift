import Foundation
import Synchronization

/// A recording tape for the operator-overloading front end.
///
/// As micrograd's `Value` does, ordinary Swift code run on ``Traced`` values records its
/// operations; here they land on the same tape the parser builds, so the graph, the trace
/// and the figures are identical. A tape made by `Tape()` computes each value as it records
/// it, as micrograd does, and differentiates with one reverse sweep:
///
/// ```swift
/// let tape = Tape()
/// let x1 = tape.input("x1", 2.0), w1 = tape.input("w1", -3.0)
/// let o = tanh(x1 * w1 + 6.88)
/// o.value                      // 0.9985, computed as recorded
/// let grads = try o.gradient() // one reverse sweep
/// grads[x1]                    // ∂o/∂x1
/// let graph = tape.graph(output: o)  // the same tape, for traces and figures
/// ```
///
/// Inputs may be declared at any time, even after operations, as micrograd allows: a Wengert
/// list numbers its inputs v-(n-1) … v0 before every step, so the finished ``Graph`` lists
/// all inputs first, in the order declared, then the steps in the order recorded.
///
/// `Tape(inputs:)` names the inputs up front and records no values: the fastest path, used
/// to build a tape that the sweeps then evaluate at many points.
///
/// A tape belongs to one thread, as micrograd's graph does: it is not `Sendable`. Creation
/// order is the tape's topological order, and two threads recording at once would make that
/// order (and so every trace) depend on timing; it also keeps recording free of locks.
public final class Tape {
    private let core: Unmanaged<TapeCore>
    private let serial: UInt32
    /// The names given to ``input(_:_:)`` so far, to refuse one given twice.
    private var declaredNames: Set<String> = []

    /// An empty tape that computes values as it records: declare inputs with ``input(_:_:)``.
    public init() {
        (core, serial) = TapeCore.take(GraphBuilder(inputs: []), recordsValues: true)
    }

    /// A tape whose inputs are named `inputs` (numbered v-(n-1) … v0 in this order), recording no values.
    ///
    /// Throws when a name is empty or given twice: a trace could not tell those inputs apart.
    public init(inputs: [String], sharing: Bool = true) throws(AdvizError) {
        try Graph.checkNames(inputs, of: "input")
        (core, serial) = TapeCore.take(GraphBuilder(inputs: inputs, sharing: sharing), recordsValues: false)
    }

    deinit { TapeCore.giveBack(core) }

    /// A new input named `name` holding `value`, micrograd's `Value(2.0)` with a name for the trace.
    ///
    /// Declare it whenever you like, before or between operations: the graph lists inputs first
    /// in the order declared (see ``Tape``). Stops with a message when the name is empty or
    /// already taken, or when the tape was made by ``init(inputs:sharing:)``, which records no values.
    public func input(_ name: String, _ value: Double) -> Traced {
        precondition(!name.allSatisfy(\.isWhitespace), "an input name is empty; every input needs a name")
        precondition(declaredNames.insert(name).inserted, "the input name `\(name)` is given twice; each input needs its own name")
        return core._withUnsafeGuaranteedRef { core in
            precondition(core.recordsValues, "tape.input(_:_:) gives an input a value, and a Tape(inputs:) records none: make the tape with Tape()")
            let id = core.builder.input(name)
            core.values.append(value)
            return Traced(core: self.core, serial: serial, id: id)
        }
    }

    /// The input variables, in the order declared.
    public var inputs: [Traced] {
        core._withUnsafeGuaranteedRef { core in
            (0..<core.builder.inputNames.count).map { Traced(core: self.core, serial: serial, id: core.builder.inputNode($0)) }
        }
    }

    /// A constant on the tape.
    public func constant(_ value: Double) -> Traced {
        Traced(core: core, serial: serial, id: 0).constant(value)
    }

    /// The graph recorded so far, with the given outputs in order.
    ///
    /// Throws when an output's name is empty or given twice.
    public func graph(outputs: KeyValuePairs<String, Traced>) throws(AdvizError) -> Graph {
        try Graph.checkNames(outputs.map(\.key), of: "output")
        let nodes = outputs.map { output in onThisTape(output.value, "output `\(output.key)` was recorded on another tape") }
        return core._withUnsafeGuaranteedRef { core in
            core.builder.finish(outputs: zip(outputs, nodes).map { GraphOutput(name: $0.key, node: Int($1)) })
        }
    }

    /// The graph recorded so far, with one output named `y`.
    public func graph(output: Traced) -> Graph {
        let node = onThisTape(output, "the output was recorded on another tape")
        return core._withUnsafeGuaranteedRef { $0.builder.finish(outputs: [GraphOutput(name: "y", node: Int(node))]) }
    }

    /// The node of `value` on this tape; a literal (`let c: Traced = 2`) becomes a constant here.
    private func onThisTape(_ value: Traced, _ message: @autoclosure () -> String) -> Int32 {
        if value.isLiteral { return constant(value.literalValue).id }
        precondition(value.isOn(core, serial), message())
        return value.id
    }
}

/// The recording state of a live ``Tape``: what its ``Traced`` values append to.
///
/// Values reach it through an unmanaged reference, so recording an operation costs no
/// reference counting (retain and release were half the cost of recording). That is safe
/// because a core is never freed: when its tape goes, the core's tape is emptied, its
/// serial number moves on, and it waits in a pool for the next tape. A value that outlives
/// its tape finds a serial that is not its own and stops with a message, never reading freed memory.
final class TapeCore: @unchecked Sendable {  // handed between threads only through `pool`'s lock
    /// The tape being recorded (empty while the core is in the pool).
    @exclusivity(unchecked) var builder: GraphBuilder  // one thread records at a time: the runtime check is not needed
    /// Every node's value, by node id, when the tape computes values as it records (made by `Tape()`); empty otherwise.
    /// It lives beside the builder, not in it, so the value-less path (the parser, `Tape(inputs:)`, the
    /// scaling benchmark) pays one predictable branch per operation and nothing else.
    @exclusivity(unchecked) var values: [Double] = []
    /// Whether ``values`` is kept.
    private(set) var recordsValues = false
    /// Which tape this core belongs to now; changes each time the core returns to the pool.
    /// Atomic because a stale value may read it on another thread while a tape is released
    /// (relaxed: it only tells a stale value from a live one; the pool's lock orders the rest).
    let serial = Atomic<UInt32>(0)

    private init() { builder = GraphBuilder(inputs: []) }

    private static let pool = Mutex<[Unmanaged<TapeCore>]>([])

    /// A core for a new tape, from the pool if one waits there, with its serial number.
    static func take(_ builder: GraphBuilder, recordsValues: Bool) -> (Unmanaged<TapeCore>, UInt32) {
        let core = pool.withLock { $0.popLast() } ?? Unmanaged.passRetained(TapeCore())
        let serial = core._withUnsafeGuaranteedRef { core in
            core.builder = builder
            core.recordsValues = recordsValues
            if recordsValues { core.values = Array(repeating: .nan, count: builder.count) }  // Tape() starts empty
            return core.serial.load(ordering: .relaxed)
        }
        return (core, serial)
    }

    /// Returns a released tape's core to the pool; its values can no longer record.
    static func giveBack(_ core: Unmanaged<TapeCore>) {
        core._withUnsafeGuaranteedRef { core in
            core.builder = GraphBuilder(inputs: [])
            core.values = []
            core.recordsValues = false
            core.serial.wrappingAdd(1, ordering: .relaxed)
        }
        pool.withLock { $0.append(core) }
    }

    /// Computes the value of node `id` = `op(a, b)` if it is new (a shared node already has its value).
    @inline(__always)
    func noteValue(of id: Int32, _ op: Op, _ a: Int32, _ b: Int32) {
        guard Int(id) == values.count else { return }
        values.append(op.evaluate(values[Int(a)], b >= 0 ? values[Int(b)] : 0))
    }

    /// The core that literals point to (`let c: Traced = 2`): never pooled, never recorded on.
    /// Its serial stays 0 and a literal's serial is ``literalSerial``, so recording on a literal
    /// always leaves the fast path, where ``Traced`` binds it to the other operand's tape.
    static let literalCore = Unmanaged.passRetained(TapeCore())
    static let literalSerial = UInt32.max
    /// The literals' values, by id. Only literals written in source (and arithmetic between
    /// them alone) land here, so the table stays as small as the program's distinct literals.
    private static let literals = Mutex<(values: [Double], ids: [UInt64: Int32])>(([], [:]))

    /// The id of a literal with this value.
    static func literalID(_ value: Double) -> Int32 {
        literals.withLock { table in
            if let id = table.ids[value.bitPattern] { return id }
            let id = Int32(table.values.count)
            table.values.append(value)
            table.ids[value.bitPattern] = id
            return id
        }
    }

    /// The value of literal `id`.
    static func literalValue(_ id: Int32) -> Double { literals.withLock { $0.values[Int(id)] } }
}

/// A number whose arithmetic is recorded on a ``Tape``: the operator-overloading front end, micrograd's `Value`.
///
/// ```swift
/// let tape = Tape()
/// let x = tape.input("x", -4.0)
/// var z = 2 * x + 2 + x     // Doubles mix in as constants
/// z += x                    // += -= *= /=
/// let y = max(z, 0) * pow(2.0, x)
/// print(y)                  // Traced(v6 = -0.75, mul)
/// let dy = try y.gradient()[x]
/// ```
///
/// On a tape made by `Tape()` each value is computed as it is recorded (``value``), and
/// ``gradient()`` runs one reverse sweep; comparisons (`y > x`, `y < 0.5`) compare values, as
/// Python's do on micrograd's `data`. Equality is left out: `==` on values would make two
/// different nodes with equal values look like one.
///
/// A float literal written where a `Traced` is expected (`let c: Traced = 2.0`) belongs
/// to no tape yet: it joins the tape of the value it is first combined with, as a constant.
/// Arithmetic between literals alone is computed at once and stays a literal.
///
/// A value is three words, none of them counted references: copying it costs nothing.
/// Keep its ``Tape`` alive while you record; a value whose tape is gone stops with a message.
public struct Traced {
    private let core: Unmanaged<TapeCore>
    private let serial: UInt32
    /// Its node on the tape (for a literal not yet on a tape, its entry in the table of literals).
    public let id: Int32

    init(core: Unmanaged<TapeCore>, serial: UInt32, id: Int32) {
        self.core = core
        self.serial = serial
        self.id = id
    }

    /// A literal on no tape yet.
    init(literal value: Double) {
        self.init(core: TapeCore.literalCore, serial: TapeCore.literalSerial, id: TapeCore.literalID(value))
    }

    /// True if this value was recorded on the tape with this core and serial.
    func isOn(_ other: Unmanaged<TapeCore>, _ otherSerial: UInt32) -> Bool {
        core.toOpaque() == other.toOpaque() && serial == otherSerial
    }

    /// True for a literal that has not met a tape (`let c: Traced = 2`).
    var isLiteral: Bool { core.toOpaque() == TapeCore.literalCore.toOpaque() }

    /// A literal's value.
    var literalValue: Double { TapeCore.literalValue(id) }

    /// Records `op` applied to `a` (and `b`) on their tape.
    @inline(__always)
    static func record(_ op: Op, _ a: Traced, _ b: Traced? = nil) -> Traced {
        if let b, !b.isOn(a.core, a.serial) { return recordAcrossTapes(op, a, b) }
        return a.core._withUnsafeGuaranteedRef { core in
            guard core.serial.load(ordering: .relaxed) == a.serial else { return recordOffTape(op, a, b) }
            let bID = b?.id ?? -1
            let id = core.builder.apply(op, a.id, bID)
            if core.recordsValues { core.noteValue(of: id, op, a.id, bID) }
            return Traced(core: a.core, serial: a.serial, id: id)
        }
    }

    /// `op(a, b)` where `a` and `b` are not on one tape: a literal joins the other's tape; two tapes cannot mix.
    @inline(never)
    static func recordAcrossTapes(_ op: Op, _ a: Traced, _ b: Traced) -> Traced {
        if a.isLiteral, !b.isLiteral { return record(op, b.constant(a.literalValue), b) }
        if b.isLiteral, !a.isLiteral { return record(op, a, a.constant(b.literalValue)) }
        preconditionFailure("Traced values from different tapes cannot be combined")
    }

    /// `op(a, b)` where `a`'s tape is not live: literals alone are computed at once; a released tape stops.
    @inline(never)
    static func recordOffTape(_ op: Op, _ a: Traced, _ b: Traced?) -> Traced {
        precondition(a.isLiteral, "this value's Tape has been released: keep the Tape alive while recording")
        return Traced(literal: op.evaluate(a.literalValue, b?.literalValue ?? 0))
    }

    /// A constant on this value's tape (a literal, for a literal).
    @inline(__always)
    func constant(_ value: Double) -> Traced {
        core._withUnsafeGuaranteedRef { core in
            guard core.serial.load(ordering: .relaxed) == serial else { return Traced.literalOffTape(self, value) }
            let id = core.builder.constant(value)
            if core.recordsValues, Int(id) == core.values.count { core.values.append(value) }
            return Traced(core: self.core, serial: serial, id: id)
        }
    }

    @inline(never)
    static func literalOffTape(_ x: Traced, _ value: Double) -> Traced {
        precondition(x.isLiteral, "this value's Tape has been released: keep the Tape alive while recording")
        return Traced(literal: value)
    }

    /// The value, computed when it was recorded, as micrograd's `data`.
    ///
    /// Stops with a message on a tape made by `Tape(inputs:)`, which records no values
    /// (evaluate its graph with the sweeps instead).
    public var value: Double {
        if isLiteral { return literalValue }
        return core._withUnsafeGuaranteedRef { core in
            precondition(core.serial.load(ordering: .relaxed) == serial, "this value's Tape has been released: keep the Tape alive while recording")
            precondition(core.recordsValues, "a Tape(inputs:) records no values: make the tape with Tape() and tape.input(name, value) to read them")
            return core.values[Int(id)]
        }
    }

    /// The derivatives of this value with respect to every value recorded before it: one reverse sweep, as micrograd's `backward()`.
    ///
    /// Each node's adjoint v̄ᵢ = ∂self/∂vᵢ starts at 0 (1 for `self`) and the sweep walks the
    /// tape backwards, adding v̄ᵢ · ∂vᵢ/∂vⱼ to each argument's adjoint, with the partials taken at
    /// the recorded values (at a kink, the one-sided choice ``Op/kink(_:_:)`` names). Nothing is
    /// stored on the values, so calling it twice gives the same answer, unlike `backward()`
    /// which accumulates into `grad`. Throws when the tape records no values (made by `Tape(inputs:)`).
    public func gradient() throws(AdvizError) -> Gradient {
        if isLiteral { return Gradient(core: core, serial: serial, adjoints: []) }
        let adjoints: [Double]? = core._withUnsafeGuaranteedRef { core in
            precondition(core.serial.load(ordering: .relaxed) == serial, "this value's Tape has been released: keep the Tape alive while recording")
            guard core.recordsValues else { return nil }
            let nodes = core.builder.nodes, values = core.values
            var adjoints = [Double](repeating: 0, count: Int(id) + 1)
            adjoints[Int(id)] = 1
            for i in stride(from: Int(id), through: 0, by: -1) {
                let node = nodes[i], adjoint = adjoints[i]
                // A node that does not reach `self` passes nothing back, even where its partials are NaN (an unused log(-1)).
                guard node.op.arity > 0, adjoint != 0 else { continue }
                let a = Int(node.a), b = Int(node.b)
                let (da, db) = node.op.partials(values[a], b >= 0 ? values[b] : 0, values[i])
                adjoints[a] += adjoint * da
                if b >= 0 { adjoints[b] += adjoint * db }
            }
            return adjoints
        }
        guard let adjoints else {
            throw .invalidArgument("a Tape(inputs:) records no values, so there is nothing to differentiate at: make the tape with Tape() and tape.input(name, value)")
        }
        return Gradient(core: core, serial: serial, adjoints: adjoints)
    }

    /// `lhs + rhs`, recorded.
    public static func + (lhs: Traced, rhs: Traced) -> Traced { Traced.record(.add, lhs, rhs) }
    /// `lhs - rhs`, recorded.
    public static func - (lhs: Traced, rhs: Traced) -> Traced { Traced.record(.sub, lhs, rhs) }
    /// `lhs * rhs`, recorded.
    public static func * (lhs: Traced, rhs: Traced) -> Traced { Traced.record(.mul, lhs, rhs) }
    /// `lhs / rhs`, recorded.
    public static func / (lhs: Traced, rhs: Traced) -> Traced { Traced.record(.div, lhs, rhs) }
    /// `-x`, recorded.
    public static prefix func - (x: Traced) -> Traced { Traced.record(.neg, x) }

    /// `lhs + c` with a constant.
    public static func + (lhs: Traced, rhs: Double) -> Traced { lhs + lhs.constant(rhs) }
    /// `c + rhs` with a constant.
    public static func + (lhs: Double, rhs: Traced) -> Traced { rhs.constant(lhs) + rhs }
    /// `lhs - c` with a constant.
    public static func - (lhs: Traced, rhs: Double) -> Traced { lhs - lhs.constant(rhs) }
    /// `c - rhs` with a constant.
    public static func - (lhs: Double, rhs: Traced) -> Traced { rhs.constant(lhs) - rhs }
    /// `lhs * c` with a constant.
    public static func * (lhs: Traced, rhs: Double) -> Traced { lhs * lhs.constant(rhs) }
    /// `c * rhs` with a constant.
    public static func * (lhs: Double, rhs: Traced) -> Traced { rhs.constant(lhs) * rhs }
    /// `lhs / c` with a constant.
    public static func / (lhs: Traced, rhs: Double) -> Traced { lhs / lhs.constant(rhs) }
    /// `c / rhs` with a constant.
    public static func / (lhs: Double, rhs: Traced) -> Traced { rhs.constant(lhs) / rhs }

    /// `lhs = lhs + rhs`: records a new node and points `lhs` at it (the old node stays on the tape).
    public static func += (lhs: inout Traced, rhs: Traced) { lhs = lhs + rhs }
    /// `lhs = lhs - rhs`, recorded.
    public static func -= (lhs: inout Traced, rhs: Traced) { lhs = lhs - rhs }
    /// `lhs = lhs * rhs`, recorded.
    public static func *= (lhs: inout Traced, rhs: Traced) { lhs = lhs * rhs }
    /// `lhs = lhs / rhs`, recorded.
    public static func /= (lhs: inout Traced, rhs: Traced) { lhs = lhs / rhs }
    /// `lhs = lhs + c` with a constant.
    public static func += (lhs: inout Traced, rhs: Double) { lhs = lhs + rhs }
    /// `lhs = lhs - c` with a constant.
    public static func -= (lhs: inout Traced, rhs: Double) { lhs = lhs - rhs }
    /// `lhs = lhs * c` with a constant.
    public static func *= (lhs: inout Traced, rhs: Double) { lhs = lhs * rhs }
    /// `lhs = lhs / c` with a constant.
    public static func /= (lhs: inout Traced, rhs: Double) { lhs = lhs / rhs }

    /// True if `lhs`'s value is below `rhs`'s (values only: nothing is recorded).
    public static func < (lhs: Traced, rhs: Traced) -> Bool { lhs.value < rhs.value }
    /// True if `lhs`'s value is at most `rhs`'s.
    public static func <= (lhs: Traced, rhs: Traced) -> Bool { lhs.value <= rhs.value }
    /// True if `lhs`'s value is above `rhs`'s.
    public static func > (lhs: Traced, rhs: Traced) -> Bool { lhs.value > rhs.value }
    /// True if `lhs`'s value is at least `rhs`'s.
    public static func >= (lhs: Traced, rhs: Traced) -> Bool { lhs.value >= rhs.value }
    /// True if `lhs`'s value is below `rhs`.
    public static func < (lhs: Traced, rhs: Double) -> Bool { lhs.value < rhs }
    /// True if `lhs`'s value is at most `rhs`.
    public static func <= (lhs: Traced, rhs: Double) -> Bool { lhs.value <= rhs }
    /// True if `lhs`'s value is above `rhs`.
    public static func > (lhs: Traced, rhs: Double) -> Bool { lhs.value > rhs }
    /// True if `lhs`'s value is at least `rhs`.
    public static func >= (lhs: Traced, rhs: Double) -> Bool { lhs.value >= rhs }
    /// True if `lhs` is below `rhs`'s value.
    public static func < (lhs: Double, rhs: Traced) -> Bool { lhs < rhs.value }
    /// True if `lhs` is at most `rhs`'s value.
    public static func <= (lhs: Double, rhs: Traced) -> Bool { lhs <= rhs.value }
    /// True if `lhs` is above `rhs`'s value.
    public static func > (lhs: Double, rhs: Traced) -> Bool { lhs > rhs.value }
    /// True if `lhs` is at least `rhs`'s value.
    public static func >= (lhs: Double, rhs: Traced) -> Bool { lhs >= rhs.value }
}

/// Float literals only: were `Traced` also `ExpressibleByIntegerLiteral`, the everyday
/// `doubles.reduce(0, +)` in any file importing AdvizKit would become ambiguous (`0` could be a
/// `Traced`, and `Traced + Double` exists). Write `let c: Traced = 2.0`; `x * 2` and `max(x, 0)`
/// take their integers as `Double`s.
extension Traced: ExpressibleByFloatLiteral {
    /// A literal such as `let c: Traced = 2.5`: on no tape until it meets a recorded value (see ``Traced``).
    public init(floatLiteral value: Double) { self.init(literal: value) }
}

extension Traced: CustomStringConvertible {
    /// The node as a trace names it, its value and its operation: `Traced(v5 = 0.7071, tanh)`.
    ///
    /// Steps and inputs are numbered as in the graph the tape would finish now (inputs
    /// v-(n-1) … v0 in declaration order, then steps v1, v2, … ; constants have no number).
    public var description: String {
        let format = NumberFormat()
        if isLiteral { return "Traced(\(format.string(literalValue)), literal)" }
        return core._withUnsafeGuaranteedRef { core in
            guard core.serial.load(ordering: .relaxed) == serial else { return "Traced(on a released tape)" }
            let nodes = core.builder.nodes
            let node = nodes[Int(id)]
            let value = core.recordsValues ? " = " + format.string(core.values[Int(id)]) : ""
            switch node.op {
            case .constant:
                return "Traced(\(format.string(node.literal)), constant)"
            case .input:
                let index = core.builder.inputIndex(ofNode: id), count = core.builder.inputNames.count
                return "Traced(v\(index - (count - 1))\(value), input \(core.builder.inputNames[index]))"
            default:
                let step = nodes[...Int(id)].reduce(0) { $0 + ($1.op == .input || $1.op == .constant ? 0 : 1) }
                return "Traced(v\(step)\(value), \(node.op.name))"
            }
        }
    }
}

/// The derivatives of one ``Traced`` value with respect to those recorded before it, from ``Traced/gradient()``.
///
/// Index it by any value on the same tape: `grads[x1]` is ∂o/∂x1. A value recorded after `o`,
/// or one `o` does not depend on, has derivative 0; so has a literal.
public struct Gradient {
    private let core: Unmanaged<TapeCore>
    private let serial: UInt32
    /// The adjoint of every node up to the differentiated one, by node id.
    public let adjoints: [Double]

    init(core: Unmanaged<TapeCore>, serial: UInt32, adjoints: [Double]) {
        self.core = core
        self.serial = serial
        self.adjoints = adjoints
    }

    /// ∂o/∂x, where o is the value differentiated.
    public subscript(x: Traced) -> Double {
        if x.isLiteral || adjoints.isEmpty { return 0 }
        precondition(x.isOn(core, serial), "this value was recorded on another tape than the one differentiated")
        return Int(x.id) < adjoints.count ? adjoints[Int(x.id)] : 0
    }
}

/// sin, recorded.
public func sin(_ x: Traced) -> Traced { Traced.record(.sin, x) }
/// cos, recorded.
public func cos(_ x: Traced) -> Traced { Traced.record(.cos, x) }
/// tan, recorded.
public func tan(_ x: Traced) -> Traced { Traced.record(.tan, x) }
/// exp, recorded.
public func exp(_ x: Traced) -> Traced { Traced.record(.exp, x) }
/// The natural logarithm, recorded.
public func log(_ x: Traced) -> Traced { Traced.record(.log, x) }
/// The square root, recorded.
public func sqrt(_ x: Traced) -> Traced { Traced.record(.sqrt, x) }
/// The absolute value, recorded.
public func abs(_ x: Traced) -> Traced { Traced.record(.abs, x) }
/// tanh, recorded.
public func tanh(_ x: Traced) -> Traced { Traced.record(.tanh, x) }
/// The logistic function 1/(1+e^-x), recorded.
public func sigmoid(_ x: Traced) -> Traced { Traced.record(.sigmoid, x) }
/// max(0, x), recorded.
public func relu(_ x: Traced) -> Traced { Traced.record(.relu, x) }
/// `base ^ exponent`, recorded.
public func pow(_ base: Traced, _ exponent: Traced) -> Traced { Traced.record(.pow, base, exponent) }
/// `base ^ c` with a constant exponent.
public func pow(_ base: Traced, _ exponent: Double) -> Traced { pow(base, base.constant(exponent)) }
/// `base ^ x` with a constant base: `pow(2.0, x)`.
public func pow(_ base: Double, _ exponent: Traced) -> Traced { pow(exponent.constant(base), exponent) }
/// The larger of two values, recorded.
public func max(_ a: Traced, _ b: Traced) -> Traced { Traced.record(.max, a, b) }
/// The smaller of two values, recorded.
public func min(_ a: Traced, _ b: Traced) -> Traced { Traced.record(.min, a, b) }
/// atan2(y, x), the angle of the point (x, y), recorded.
public func atan2(_ y: Traced, _ x: Traced) -> Traced { Traced.record(.atan2, y, x) }
/// √(a² + b²) without overflow, recorded.
public func hypot(_ a: Traced, _ b: Traced) -> Traced { Traced.record(.hypot, a, b) }
/// The arctangent, recorded.
public func atan(_ x: Traced) -> Traced { Traced.record(.atan, x) }
/// The arcsine, recorded.
public func asin(_ x: Traced) -> Traced { Traced.record(.asin, x) }
/// The arccosine, recorded.
public func acos(_ x: Traced) -> Traced { Traced.record(.acos, x) }
/// sinh, recorded.
public func sinh(_ x: Traced) -> Traced { Traced.record(.sinh, x) }
/// cosh, recorded.
public func cosh(_ x: Traced) -> Traced { Traced.record(.cosh, x) }
/// The inverse hyperbolic sine, recorded.
public func asinh(_ x: Traced) -> Traced { Traced.record(.asinh, x) }
/// The inverse hyperbolic cosine, recorded.
public func acosh(_ x: Traced) -> Traced { Traced.record(.acosh, x) }
/// The inverse hyperbolic tangent, recorded.
public func atanh(_ x: Traced) -> Traced { Traced.record(.atanh, x) }
/// The logarithm to base 10, recorded.
public func log10(_ x: Traced) -> Traced { Traced.record(.log10, x) }
/// The logarithm to base 2, recorded.
public func log2(_ x: Traced) -> Traced { Traced.record(.log2, x) }
/// log(1 + x), accurate for small x, recorded.
public func log1p(_ x: Traced) -> Traced { Traced.record(.log1p, x) }
/// eˣ − 1, accurate for small x, recorded.
public func expm1(_ x: Traced) -> Traced { Traced.record(.expm1, x) }
/// The real cube root, recorded.
public func cbrt(_ x: Traced) -> Traced { Traced.record(.cbrt, x) }
/// The error function, recorded.
public func erf(_ x: Traced) -> Traced { Traced.record(.erf, x) }
/// The largest integer not above x, recorded (derivative 0).
public func floor(_ x: Traced) -> Traced { Traced.record(.floor, x) }
/// The smallest integer not below x, recorded (derivative 0).
public func ceil(_ x: Traced) -> Traced { Traced.record(.ceil, x) }
/// x rounded to the nearest integer, halves away from zero, recorded (derivative 0).
public func round(_ x: Traced) -> Traced { Traced.record(.round, x) }
/// The larger of a value and a constant: `max(x, 0)` is relu.
public func max(_ a: Traced, _ b: Double) -> Traced { max(a, a.constant(b)) }
/// The larger of a constant and a value.
public func max(_ a: Double, _ b: Traced) -> Traced { max(b.constant(a), b) }
/// The smaller of a value and a constant.
public func min(_ a: Traced, _ b: Double) -> Traced { min(a, a.constant(b)) }
/// The smaller of a constant and a value.
public func min(_ a: Double, _ b: Traced) -> Traced { min(b.constant(a), b) }
