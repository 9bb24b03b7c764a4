import Foundation

/// A number whose arithmetic is recorded on a ``Tape``: the operator-overloading front end, micrograd's `Value`.
///
/// ```swift
/// let tape = Tape()
/// let x = tape.input("x", -4.0)
/// var z = 2 * x + 2 + x     // Doubles mix in as constants
/// z += x                    // += -= *= /=
/// let y = max(z, 0) * pow(2.0, x)
/// print(y)                  // Traced(v6 = -0.75, mul)
/// let dy = y.gradient()[x]
/// ```
///
/// On a ``Tape`` each value is computed as it is recorded (``value``), and
/// ``gradient()`` runs one reverse sweep; comparisons (`y > x`, `y < 0.5`) compare values, as
/// Python's do on micrograd's `data`. Equality is left out: `==` on values would make two
/// different nodes with equal values look like one.
///
/// A float literal written where a `Traced` is expected (`let c: Traced = 2.0`) belongs
/// to no tape yet: it joins the tape of the value it is first combined with, as a constant.
/// Arithmetic between literals alone is computed at once and stays a literal, holding its
/// number in itself: nothing is stored anywhere, so a loop of literal arithmetic uses no memory.
///
/// A value is two words, none of them a counted reference: copying it costs nothing.
/// Keep its ``Tape`` alive while you record; a value whose tape is gone stops with a message.
public struct Traced {
    private let core: Unmanaged<TapeCore>
    private let serial: UInt32
    /// Its node on the tape (for a literal not yet on a tape, the low half of its number's bits).
    public let id: Int32

    init(core: Unmanaged<TapeCore>, serial: UInt32, id: Int32) {
        self.core = core
        self.serial = serial
        self.id = id
    }

    /// A literal on no tape yet, its number's bits held in `serial` (the high half) and `id`
    /// (the low half). A NaN is stored as the one quiet NaN, so no literal's serial is the
    /// literal core's (``TapeCore/literalCoreSerial``, the high half of another NaN).
    init(literal value: Double) {
        let bits = value.isNaN ? Double.nan.bitPattern : value.bitPattern
        self.init(core: TapeCore.literalCore, serial: UInt32(truncatingIfNeeded: bits >> 32), id: Int32(bitPattern: UInt32(truncatingIfNeeded: bits)))
    }

    /// True if this value was recorded on the tape with this core and serial.
    func isOn(_ other: Unmanaged<TapeCore>, _ otherSerial: UInt32) -> Bool {
        core.toOpaque() == other.toOpaque() && serial == otherSerial
    }

    /// True for a literal that has not met a tape (`let c: Traced = 2`).
    var isLiteral: Bool { core.toOpaque() == TapeCore.literalCore.toOpaque() }

    /// A literal's value.
    var literalValue: Double { Double(bitPattern: UInt64(serial) << 32 | UInt64(UInt32(bitPattern: id))) }

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
        if a.isLiteral, b.isLiteral { return recordOffTape(op, a, b) }
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
    /// Stops with a message on a ``GraphTape``, which records no values (evaluate its graph
    /// with a ``Trace`` or the sweeps instead).
    public var value: Double {
        if isLiteral { return literalValue }
        return core._withUnsafeGuaranteedRef { core in
            precondition(core.serial.load(ordering: .relaxed) == serial, "this value's Tape has been released: keep the Tape alive while recording")
            precondition(core.recordsValues, "a GraphTape records no values: record on a Tape() with tape.input(name, value) to read them")
            return core.values[Int(id)]
        }
    }

    /// The derivatives of this value with respect to every value recorded before it: one reverse sweep, as micrograd's `backward()`.
    ///
    /// Each node's adjoint v̄ᵢ = ∂self/∂vᵢ starts at 0 (1 for `self`) and the sweep walks the
    /// tape backwards, adding v̄ᵢ · ∂vᵢ/∂vⱼ to each argument's adjoint, with the partials taken at
    /// the recorded values (at a kink, the one-sided choice ``Op/kink(_:_:)`` names; where a
    /// value is NaN, NaN partials, so NaN never becomes a derivative). Nothing is
    /// stored on the values, so calling it twice gives the same answer, unlike `backward()`
    /// which accumulates into `grad`. Stops with a message for a value of a ``GraphTape``, which
    /// records no values to differentiate at.
    public func gradient() -> Gradient {
        if isLiteral { return Gradient(core: core, serial: serial, adjoints: []) }
        let adjoints: [Double] = core._withUnsafeGuaranteedRef { core in
            precondition(core.serial.load(ordering: .relaxed) == serial, "this value's Tape has been released: keep the Tape alive while recording")
            precondition(core.recordsValues, "a GraphTape records no values, so there is nothing to differentiate at: record on a Tape() with tape.input(name, value)")
            let nodes = core.builder.nodes, values = core.values
            var adjoints = [Double](repeating: 0, count: Int(id) + 1)
            adjoints[Int(id)] = 1
            // Which nodes reach `self`, as ``ReverseSweep`` keeps them: a node that does not passes
            // nothing back, even where its partials are NaN (an unused log(-1)); one that does passes
            // its adjoint times its partials even when that adjoint is 0, so 0·∞ is NaN here as in
            // the sweep (`0*sqrt(x)` at 0).
            var live = [Bool](repeating: false, count: Int(id) + 1)
            live[Int(id)] = true
            for i in stride(from: Int(id), through: 0, by: -1) {
                let node = nodes[i], adjoint = adjoints[i]
                guard node.op.arity > 0, live[i] else { continue }
                let a = Int(node.a), b = Int(node.b)
                var (da, db) = node.op.partials(values[a], b >= 0 ? values[b] : 0, values[i])
                // As in the sweeps, a NaN value has NaN partials: x·y at x = NaN, y = ∞ would otherwise pass ∞ to x.
                if _slowPath(values[i].isNaN) { (da, db) = (.nan, .nan) }
                adjoints[a] += adjoint * da
                live[a] = true
                if b >= 0 { adjoints[b] += adjoint * db; live[b] = true }
            }
            return adjoints
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
            if node.op == .constant { return "Traced(\(format.string(node.literal)), constant)" }
            if node.op == .input {
                let index = core.builder.inputIndex(ofNode: id), count = core.builder.inputNames.count
                return "Traced(v\(index - (count - 1))\(value), input \(core.builder.inputNames[index]))"
            }
            // A step: numbered by the steps before it (the leaves have arity 0 and no step number).
            let step = nodes[...Int(id)].reduce(0) { $0 + ($1.op.arity > 0 ? 1 : 0) }
            return "Traced(v\(step)\(value), \(node.op.name))"
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

