import AdvizCore
import Foundation

/// An operation known at compile time, so that a loop generic over it has the primitive
/// table's dispatch folded away: one specialised loop per operation, no dispatch per point.
protocol OpTag {
    /// The operation.
    static var op: Op? { get }
    /// The value, as ``Op/evaluate(_:_:)-(Double,Double)`` gives it.
    static func value(_ op: Op, _ a: Double, _ b: Double) -> Double
    /// The partials, as ``Op/partials(_:_:_:withRespectToB:)`` gives them.
    static func partials(_ op: Op, _ a: Double, _ b: Double, _ v: Double) -> (Double, Double)
}

/// The tag of an operation's rule: its loops call the rule's own functions, with no switch.
/// The arithmetic rules' functions are `@inlinable`, so `a + b` inlines into the loop; the
/// others are one direct call per point.
enum RuleTag<Rule: OpRule>: OpTag {
    static var op: Op? { Rule.op }
    @inline(__always) static func value(_ op: Op, _ a: Double, _ b: Double) -> Double { Rule.value(a, b) }
    @inline(__always) static func partials(_ op: Op, _ a: Double, _ b: Double, _ v: Double) -> (Double, Double) {
        Rule.partials(a, b, v, withRespectToB: true)
    }
}

/// A loop over a block, written once and specialised for each operation by ``OpTable/dispatch(_:_:)``.
protocol BlockLoop {
    /// Runs the loop for `op`; `T.op` is `op`.
    func run<T: OpTag>(_ tag: T.Type, _ op: Op)
}

/// Runs a block loop specialised for an operation, through the primitive table's one dispatch
/// (``Op/dispatch(_:)``): every operation, and any added later, gets its own loop.
enum OpTable {
    @inline(__always)
    static func dispatch(_ op: Op, _ loop: some BlockLoop) {
        op.dispatch(Visit(loop: loop, op: op))
    }

    private struct Visit<Loop: BlockLoop>: OpRuleVisitor {
        let loop: Loop
        let op: Op
        @inline(__always) func visit<Rule: OpRule>(_ rule: Rule.Type) { loop.run(RuleTag<Rule>.self, op) }
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
