import Foundation
import Synchronization

/// A recording tape for the operator-overloading front end.
///
/// As the course notes' `ForwardDiff` and `ReverseDiff` classes do, ordinary Swift code
/// run on ``Traced`` values records its operations; here they land on the same tape the
/// parser builds, so the graph, the trace and the figures are identical:
///
/// ```swift
/// let tape = Tape(inputs: ["x1", "x2"])
/// let (x1, x2) = (tape.inputs[0], tape.inputs[1])
/// let y = log(x1 * x2) + sin(x2)
/// let graph = tape.graph(outputs: ["y": y])
/// ```
public final class Tape: Sendable {
    private let builder: Mutex<GraphBuilder>

    /// A tape whose inputs are named `inputs` (numbered v-(n-1) … v0 in this order).
    public init(inputs: [String], sharing: Bool = true) {
        builder = Mutex(GraphBuilder(inputs: inputs, sharing: sharing))
    }

    /// The input variables, in order.
    public var inputs: [Traced] {
        let count = builder.withLock { $0.inputNames.count }
        return (0..<count).map { Traced(tape: self, id: Int32($0)) }
    }

    /// A constant on the tape.
    public func constant(_ value: Double) -> Traced {
        Traced(tape: self, id: builder.withLock { $0.constant(value) })
    }

    func record(_ op: Op, _ a: Traced, _ b: Traced? = nil) -> Traced {
        precondition(a.tape === self && (b == nil || b!.tape === self), "Traced values from different tapes cannot be combined")
        return Traced(tape: self, id: builder.withLock { $0.apply(op, a.id, b?.id ?? -1) })
    }

    /// The graph recorded so far, with the given outputs in order.
    public func graph(outputs: KeyValuePairs<String, Traced>) -> Graph {
        builder.withLock { builder in
            builder.finish(outputs: outputs.map { GraphOutput(name: $0.key, node: Int($0.value.id)) })
        }
    }

    /// The graph recorded so far, with one output named `y`.
    public func graph(output: Traced) -> Graph { graph(outputs: ["y": output]) }
}

/// A number whose arithmetic is recorded on a ``Tape``: the operator-overloading front end.
public struct Traced: Sendable {
    /// The tape it was recorded on.
    public let tape: Tape
    /// Its node on the tape.
    public let id: Int32

    /// `lhs + rhs`, recorded.
    public static func + (lhs: Traced, rhs: Traced) -> Traced { lhs.tape.record(.add, lhs, rhs) }
    /// `lhs - rhs`, recorded.
    public static func - (lhs: Traced, rhs: Traced) -> Traced { lhs.tape.record(.sub, lhs, rhs) }
    /// `lhs * rhs`, recorded.
    public static func * (lhs: Traced, rhs: Traced) -> Traced { lhs.tape.record(.mul, lhs, rhs) }
    /// `lhs / rhs`, recorded.
    public static func / (lhs: Traced, rhs: Traced) -> Traced { lhs.tape.record(.div, lhs, rhs) }
    /// `-x`, recorded.
    public static prefix func - (x: Traced) -> Traced { x.tape.record(.neg, x) }

    /// `lhs + c` with a constant.
    public static func + (lhs: Traced, rhs: Double) -> Traced { lhs + lhs.tape.constant(rhs) }
    /// `c + rhs` with a constant.
    public static func + (lhs: Double, rhs: Traced) -> Traced { rhs.tape.constant(lhs) + rhs }
    /// `lhs - c` with a constant.
    public static func - (lhs: Traced, rhs: Double) -> Traced { lhs - lhs.tape.constant(rhs) }
    /// `c - rhs` with a constant.
    public static func - (lhs: Double, rhs: Traced) -> Traced { rhs.tape.constant(lhs) - rhs }
    /// `lhs * c` with a constant.
    public static func * (lhs: Traced, rhs: Double) -> Traced { lhs * lhs.tape.constant(rhs) }
    /// `c * rhs` with a constant.
    public static func * (lhs: Double, rhs: Traced) -> Traced { rhs.tape.constant(lhs) * rhs }
    /// `lhs / c` with a constant.
    public static func / (lhs: Traced, rhs: Double) -> Traced { lhs / lhs.tape.constant(rhs) }
    /// `c / rhs` with a constant.
    public static func / (lhs: Double, rhs: Traced) -> Traced { rhs.tape.constant(lhs) / rhs }
}

/// sin, recorded.
public func sin(_ x: Traced) -> Traced { x.tape.record(.sin, x) }
/// cos, recorded.
public func cos(_ x: Traced) -> Traced { x.tape.record(.cos, x) }
/// tan, recorded.
public func tan(_ x: Traced) -> Traced { x.tape.record(.tan, x) }
/// exp, recorded.
public func exp(_ x: Traced) -> Traced { x.tape.record(.exp, x) }
/// The natural logarithm, recorded.
public func log(_ x: Traced) -> Traced { x.tape.record(.log, x) }
/// The square root, recorded.
public func sqrt(_ x: Traced) -> Traced { x.tape.record(.sqrt, x) }
/// The absolute value, recorded.
public func abs(_ x: Traced) -> Traced { x.tape.record(.abs, x) }
/// tanh, recorded.
public func tanh(_ x: Traced) -> Traced { x.tape.record(.tanh, x) }
/// The logistic function 1/(1+e^-x), recorded.
public func sigmoid(_ x: Traced) -> Traced { x.tape.record(.sigmoid, x) }
/// max(0, x), recorded.
public func relu(_ x: Traced) -> Traced { x.tape.record(.relu, x) }
/// `base ^ exponent`, recorded.
public func pow(_ base: Traced, _ exponent: Traced) -> Traced { base.tape.record(.pow, base, exponent) }
/// `base ^ c` with a constant exponent.
public func pow(_ base: Traced, _ exponent: Double) -> Traced { pow(base, base.tape.constant(exponent)) }
/// The larger of two values, recorded.
public func max(_ a: Traced, _ b: Traced) -> Traced { a.tape.record(.max, a, b) }
/// The smaller of two values, recorded.
public func min(_ a: Traced, _ b: Traced) -> Traced { a.tape.record(.min, a, b) }
