import AdvizCore
import Foundation

/// An operation known at compile time, so that a loop generic over it has the primitive
/// table's `switch` folded away: one specialised loop per operation, no dispatch per point.
protocol OpTag {
    /// The operation, or nil for the general tag (which reads it at run time).
    static var op: Op? { get }
    /// The value, as ``Op/evaluate(_:_:)-(Double,Double)`` gives it.
    static func value(_ op: Op, _ a: Double, _ b: Double) -> Double
    /// The partials, as ``Op/partials(_:_:_:withRespectToB:)`` gives them.
    static func partials(_ op: Op, _ a: Double, _ b: Double, _ v: Double) -> (Double, Double)
}

extension OpTag {
    // `Op.evaluate` and `Op.partials` live in AdvizCore and are not inlined across modules: a
    // loop that calls them makes a call per point. The arithmetic tags below write the rules'
    // own one-line formulas (RuleTests holds them to the rules); the others take the call.
    @inline(__always) static func value(_ op: Op, _ a: Double, _ b: Double) -> Double { (Self.op ?? op).evaluate(a, b) }
    @inline(__always) static func partials(_ op: Op, _ a: Double, _ b: Double, _ v: Double) -> (Double, Double) {
        (Self.op ?? op).partials(a, b, v)
    }
}

/// A loop over a block, written once and specialised for each operation by ``OpTable/dispatch(_:_:)``.
protocol BlockLoop {
    /// Runs the loop for `op`; `T.op` is `op` whenever it is not nil.
    func run<T: OpTag>(_ tag: T.Type, _ op: Op)
}

/// The operations with specialised loops; the others (and any added later) take the general loop.
enum OpTable {
    enum Add: OpTag {
        static var op: Op? { .add }
        @inline(__always) static func value(_ op: Op, _ a: Double, _ b: Double) -> Double { a + b }
        @inline(__always) static func partials(_ op: Op, _ a: Double, _ b: Double, _ v: Double) -> (Double, Double) { (1, 1) }
    }
    enum Sub: OpTag {
        static var op: Op? { .sub }
        @inline(__always) static func value(_ op: Op, _ a: Double, _ b: Double) -> Double { a - b }
        @inline(__always) static func partials(_ op: Op, _ a: Double, _ b: Double, _ v: Double) -> (Double, Double) { (1, -1) }
    }
    enum Mul: OpTag {
        static var op: Op? { .mul }
        @inline(__always) static func value(_ op: Op, _ a: Double, _ b: Double) -> Double { a * b }
        @inline(__always) static func partials(_ op: Op, _ a: Double, _ b: Double, _ v: Double) -> (Double, Double) { (b, a) }
    }
    enum Div: OpTag { static var op: Op? { .div } }
    enum Neg: OpTag {
        static var op: Op? { .neg }
        @inline(__always) static func value(_ op: Op, _ a: Double, _ b: Double) -> Double { -a }
        @inline(__always) static func partials(_ op: Op, _ a: Double, _ b: Double, _ v: Double) -> (Double, Double) { (-1, 0) }
    }
    enum Sin: OpTag { static var op: Op? { .sin } }
    enum Cos: OpTag { static var op: Op? { .cos } }
    enum Exp: OpTag { static var op: Op? { .exp } }
    enum Log: OpTag { static var op: Op? { .log } }
    enum Tanh: OpTag { static var op: Op? { .tanh } }
    enum Sqrt: OpTag { static var op: Op? { .sqrt } }
    enum Relu: OpTag { static var op: Op? { .relu } }
    enum General: OpTag { static var op: Op? { nil } }

    @inline(__always)
    static func dispatch(_ op: Op, _ loop: some BlockLoop) {
        switch op {
        case .add: loop.run(Add.self, op)
        case .sub: loop.run(Sub.self, op)
        case .mul: loop.run(Mul.self, op)
        case .div: loop.run(Div.self, op)
        case .neg: loop.run(Neg.self, op)
        case .sin: loop.run(Sin.self, op)
        case .cos: loop.run(Cos.self, op)
        case .exp: loop.run(Exp.self, op)
        case .log: loop.run(Log.self, op)
        case .tanh: loop.run(Tanh.self, op)
        case .sqrt: loop.run(Sqrt.self, op)
        case .relu: loop.run(Relu.self, op)
        default: loop.run(General.self, op)
        }
    }
}

/// out = op(a, b) over a block.
struct PrimalLoop: BlockLoop {
    let form: BlockInterpreter.Instruction.Form
    let n: Int
    let out: UnsafeMutablePointer<Double>
    let a: UnsafePointer<Double>
    let b: UnsafePointer<Double>
    let c: Double

    @inline(__always)
    func run<T: OpTag>(_ tag: T.Type, _ op: Op) {
        switch form {
        case .constantB: for k in 0..<n { out[k] = T.value(op, a[k], c) }
        case .constantA: for k in 0..<n { out[k] = T.value(op, c, b[k]) }
        default: for k in 0..<n { out[k] = T.value(op, a[k], b[k]) }
        }
    }
}

/// da += g·∂v/∂a, db += g·∂v/∂b over a block (either may be absent); `assign` writes `=` on a buffer's first use.
struct AdjointLoop: BlockLoop {
    let form: BlockInterpreter.Instruction.Form
    let n: Int
    let g: UnsafePointer<Double>
    let v: UnsafePointer<Double>
    let a: UnsafePointer<Double>
    let b: UnsafePointer<Double>
    let c: Double
    let da: UnsafeMutablePointer<Double>?
    let db: UnsafeMutablePointer<Double>?
    let assignA: Bool
    let assignB: Bool

    @inline(__always)
    func run<T: OpTag>(_ tag: T.Type, _ op: Op) {
        switch form {
        case .constantB:
            let da = da!
            if assignA {
                for k in 0..<n { da[k] = g[k] * T.partials(op, a[k], c, v[k]).0 }
            } else {
                for k in 0..<n { da[k] += g[k] * T.partials(op, a[k], c, v[k]).0 }
            }
        case .constantA:
            let db = db!
            if assignB {
                for k in 0..<n { db[k] = g[k] * T.partials(op, c, b[k], v[k]).1 }
            } else {
                for k in 0..<n { db[k] += g[k] * T.partials(op, c, b[k], v[k]).1 }
            }
        default:
            let da = da!
            guard let db else {
                if assignA {
                    for k in 0..<n { da[k] = g[k] * T.partials(op, a[k], 0, v[k]).0 }
                } else {
                    for k in 0..<n { da[k] += g[k] * T.partials(op, a[k], 0, v[k]).0 }
                }
                return
            }
            switch (assignA, assignB) {
            case (true, true):
                for k in 0..<n {
                    let (pa, pb) = T.partials(op, a[k], b[k], v[k])
                    da[k] = g[k] * pa
                    db[k] = g[k] * pb
                }
            case (true, false):  // also `x*x` met first: assign, then add
                for k in 0..<n {
                    let (pa, pb) = T.partials(op, a[k], b[k], v[k])
                    let gk = g[k]
                    da[k] = gk * pa
                    db[k] += gk * pb
                }
            case (false, true):
                for k in 0..<n {
                    let (pa, pb) = T.partials(op, a[k], b[k], v[k])
                    da[k] += g[k] * pa
                    db[k] = g[k] * pb
                }
            case (false, false):
                for k in 0..<n {
                    let (pa, pb) = T.partials(op, a[k], b[k], v[k])
                    let gk = g[k]
                    da[k] += gk * pa
                    db[k] += gk * pb
                }
            }
        }
    }
}

/// t = ∂v/∂a·ta + ∂v/∂b·tb over a block (a nil tangent is zero).
struct TangentLoop: BlockLoop {
    let form: BlockInterpreter.Instruction.Form
    let n: Int
    let t: UnsafeMutablePointer<Double>
    let v: UnsafePointer<Double>
    let a: UnsafePointer<Double>
    let b: UnsafePointer<Double>
    let c: Double
    let ta: UnsafePointer<Double>?
    let tb: UnsafePointer<Double>?

    @inline(__always)
    func run<T: OpTag>(_ tag: T.Type, _ op: Op) {
        switch form {
        case .constantB:
            let ta = ta!
            for k in 0..<n { t[k] = T.partials(op, a[k], c, v[k]).0 * ta[k] }
        case .constantA:
            let tb = tb!
            for k in 0..<n { t[k] = T.partials(op, c, b[k], v[k]).1 * tb[k] }
        default:
            if let ta, let tb {
                for k in 0..<n {
                    let (pa, pb) = T.partials(op, a[k], b[k], v[k])
                    t[k] = pa * ta[k] + pb * tb[k]
                }
            } else if let ta {
                for k in 0..<n { t[k] = T.partials(op, a[k], b[k], v[k]).0 * ta[k] }
            } else if let tb {
                for k in 0..<n { t[k] = T.partials(op, a[k], b[k], v[k]).1 * tb[k] }
            }
        }
    }
}
