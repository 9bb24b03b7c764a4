import Foundation
import Synchronization

/// A recording tape for the operator-overloading front end.
///
/// As the course notes' `ForwardDiff` and `ReverseDiff` classes do, ordinary Swift code
/// run on ``Traced`` values records its operations; here they land on the same tape the
/// parser builds, so the graph, the trace and the figures are identical:
///
/// ```swift
/// let tape = try Tape(inputs: ["x1", "x2"])
/// let (x1, x2) = (tape.inputs[0], tape.inputs[1])
/// let y = log(x1 * x2) + sin(x2)
/// let graph = try tape.graph(outputs: ["y": y])
/// ```
///
/// A tape belongs to one thread, as micrograd's graph does: it is not `Sendable`. Creation
/// order is the tape's topological order, and two threads recording at once would make that
/// order (and so every trace) depend on timing; it also keeps recording free of locks.
public final class Tape {
    private let core: Unmanaged<TapeCore>
    private let serial: UInt32

    /// A tape whose inputs are named `inputs` (numbered v-(n-1) … v0 in this order).
    ///
    /// Throws when a name is empty or given twice: a trace could not tell those inputs apart.
    public init(inputs: [String], sharing: Bool = true) throws(AdvizError) {
        try Graph.checkNames(inputs, of: "input")
        (core, serial) = TapeCore.take(GraphBuilder(inputs: inputs, sharing: sharing))
    }

    deinit { TapeCore.giveBack(core) }

    /// The input variables, in order.
    public var inputs: [Traced] {
        let count = core._withUnsafeGuaranteedRef { $0.builder.inputNames.count }
        return (0..<count).map { Traced(core: core, serial: serial, id: Int32($0)) }
    }

    /// A constant on the tape.
    public func constant(_ value: Double) -> Traced {
        Traced(core: core, serial: serial, id: core._withUnsafeGuaranteedRef { $0.builder.constant(value) })
    }

    /// The graph recorded so far, with the given outputs in order.
    ///
    /// Throws when an output's name is empty or given twice.
    public func graph(outputs: KeyValuePairs<String, Traced>) throws(AdvizError) -> Graph {
        try Graph.checkNames(outputs.map(\.key), of: "output")
        for output in outputs { precondition(output.value.isOn(core, serial), "output `\(output.key)` was recorded on another tape") }
        return core._withUnsafeGuaranteedRef { $0.builder.finish(outputs: outputs.map { GraphOutput(name: $0.key, node: Int($0.value.id)) }) }
    }

    /// The graph recorded so far, with one output named `y`.
    public func graph(output: Traced) -> Graph {
        precondition(output.isOn(core, serial), "the output was recorded on another tape")
        return core._withUnsafeGuaranteedRef { $0.builder.finish(outputs: [GraphOutput(name: "y", node: Int(output.id))]) }
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
    /// Which tape this core belongs to now; changes each time the core returns to the pool.
    /// Atomic because a stale value may read it on another thread while a tape is released
    /// (relaxed: it only tells a stale value from a live one; the pool's lock orders the rest).
    let serial = Atomic<UInt32>(0)

    private init() { builder = GraphBuilder(inputs: []) }

    private static let pool = Mutex<[Unmanaged<TapeCore>]>([])

    /// A core for a new tape, from the pool if one waits there, with its serial number.
    static func take(_ builder: GraphBuilder) -> (Unmanaged<TapeCore>, UInt32) {
        let core = pool.withLock { $0.popLast() } ?? Unmanaged.passRetained(TapeCore())
        let serial = core._withUnsafeGuaranteedRef { core in
            core.builder = builder
            return core.serial.load(ordering: .relaxed)
        }
        return (core, serial)
    }

    /// Returns a released tape's core to the pool; its values can no longer record.
    static func giveBack(_ core: Unmanaged<TapeCore>) {
        core._withUnsafeGuaranteedRef { core in
            core.builder = GraphBuilder(inputs: [])
            core.serial.wrappingAdd(1, ordering: .relaxed)
        }
        pool.withLock { $0.append(core) }
    }
}

/// A number whose arithmetic is recorded on a ``Tape``: the operator-overloading front end.
///
/// A value is three words, none of them counted references: copying it costs nothing.
/// Keep its ``Tape`` alive while you record; a value whose tape is gone stops with a message.
public struct Traced {
    private let core: Unmanaged<TapeCore>
    private let serial: UInt32
    /// Its node on the tape.
    public let id: Int32

    init(core: Unmanaged<TapeCore>, serial: UInt32, id: Int32) {
        self.core = core
        self.serial = serial
        self.id = id
    }

    /// True if this value was recorded on the tape with this core and serial.
    func isOn(_ other: Unmanaged<TapeCore>, _ otherSerial: UInt32) -> Bool {
        core.toOpaque() == other.toOpaque() && serial == otherSerial
    }

    /// Records `op` applied to `a` (and `b`) on their tape.
    @inline(__always)
    static func record(_ op: Op, _ a: Traced, _ b: Traced? = nil) -> Traced {
        if let b { precondition(b.isOn(a.core, a.serial), "Traced values from different tapes cannot be combined") }
        return a.core._withUnsafeGuaranteedRef { core in
            precondition(core.serial.load(ordering: .relaxed) == a.serial, "this value's Tape has been released: keep the Tape alive while recording")
            return Traced(core: a.core, serial: a.serial, id: core.builder.apply(op, a.id, b?.id ?? -1))
        }
    }

    /// A constant on this value's tape.
    @inline(__always)
    func constant(_ value: Double) -> Traced {
        core._withUnsafeGuaranteedRef { core in
            precondition(core.serial.load(ordering: .relaxed) == serial, "this value's Tape has been released: keep the Tape alive while recording")
            return Traced(core: self.core, serial: serial, id: core.builder.constant(value))
        }
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
