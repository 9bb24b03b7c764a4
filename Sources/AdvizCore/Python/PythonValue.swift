import Foundation

/// A value while the executor runs a function: Python-side numbers (loop counters, literals,
/// module constants) stay numbers; a value computed from the inputs is traced — its number at
/// the point and its text in the emitted straight-line program.
enum PyValue: Sendable {
    case int(Int)
    case float(Double)
    case bool(Bool)
    case traced(Traced)
    case none

    /// A traced value: the number at the point, the program text that computes it, and how
    /// tightly that text binds (to know where parentheses are needed).
    struct Traced: Sendable {
        var value: Double
        var text: String
        var precedence: Int
        /// A name or a number: safe to copy into any expression.
        var isAtomic: Bool
    }

    /// Precedences of emitted text: atoms and calls bind tightest; a negation binds loosest,
    /// so it is always written in parentheses inside another operation (`(-x)*y`).
    static let atom = 9, power = 7, product = 5, sum = 4, negation = 3

    var isTraced: Bool { if case .traced = self { return true } else { return false } }

    /// The number (ints, bools and traced values alike); nil for None.
    var number: Double? {
        switch self {
        case .int(let i): Double(i)
        case .float(let d): d
        case .bool(let b): b ? 1 : 0
        case .traced(let t): t.value
        case .none: nil
        }
    }

    var typeName: String {
        switch self {
        case .int: "int"
        case .float: "float"
        case .bool: "bool"
        case .traced: "float"
        case .none: "None"
        }
    }

    /// The value as program text: a traced value's text, or a constant written so that it
    /// reads back as the same Double (`pi` and `e` by name). Nil for a constant that cannot be
    /// written (infinite or NaN) and for None.
    func asTraced() -> Traced? {
        switch self {
        case .traced(let t): return t
        case .none: return nil
        case .int(let i):
            return i < 0 ? Traced(value: Double(i), text: "(\(i))", precedence: PyValue.atom, isAtomic: true)
                : Traced(value: Double(i), text: String(i), precedence: PyValue.atom, isAtomic: true)
        case .float, .bool:
            let d = number!
            // adviz's language has no literal for these: written as operations that make them.
            if d.isNaN { return Traced(value: d, text: "sqrt(-1)", precedence: PyValue.atom, isAtomic: false) }
            if d.isInfinite { return Traced(value: d, text: d > 0 ? "(1/0)" : "(-1/0)", precedence: PyValue.atom, isAtomic: false) }
            if d == Double.pi { return Traced(value: d, text: "pi", precedence: PyValue.atom, isAtomic: true) }
            if d == M_E { return Traced(value: d, text: "e", precedence: PyValue.atom, isAtomic: true) }
            var text = "\(d)"
            if text.hasSuffix(".0") { text.removeLast(2) }
            return Traced(value: d, text: d < 0 || d.sign == .minus ? "(\(text))" : text, precedence: PyValue.atom, isAtomic: true)
        }
    }
}

/// Formatting of numbers in path rows: integers as integers, others with up to 6 significant digits.
enum PyNumberText {
    static func string(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d > 0 ? "∞" : "−∞" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
        return String(format: "%.6g", d)
    }

    static func string(_ v: PyValue) -> String {
        switch v {
        case .int(let i): String(i)
        case .bool(let b): b ? "True" : "False"
        case .none: "None"
        default: string(v.number ?? .nan)
        }
    }
}

/// The operations of traced values: each writes the text of the operation and computes its
/// value with the table of primitives, so the executor's numbers are the engines' numbers.
enum PyTracedOps {
    /// `a op b` for a binary operation of adviz: `+ - * / ^`, or a function of two arguments.
    static func binary(_ op: Op, _ a: PyValue.Traced, _ b: PyValue.Traced) -> PyValue.Traced {
        let value = op.evaluate(a.value, b.value)
        func wrap(_ t: PyValue.Traced, _ needed: Bool) -> String { needed ? "(\(t.text))" : t.text }
        switch op {
        case .add, .sub, .mul, .div:
            let p = (op == .add || op == .sub) ? PyValue.sum : PyValue.product
            let symbol = ["add": "+", "sub": "-", "mul": "*", "div": "/"][op.name]!
            let spaced = p == PyValue.sum ? " \(symbol) " : symbol
            // Left-associative: a right operand of the same precedence keeps its parentheses,
            // since a + (b + c) rounds differently from (a + b) + c.
            let text = wrap(a, a.precedence < p) + spaced + wrap(b, b.precedence <= p)
            return PyValue.Traced(value: value, text: text, precedence: p, isAtomic: false)
        case .pow:
            let text = wrap(a, a.precedence <= PyValue.power) + "^" + wrap(b, b.precedence < PyValue.atom)
            return PyValue.Traced(value: value, text: text, precedence: PyValue.power, isAtomic: false)
        default:
            return PyValue.Traced(value: value, text: "\(op.name)(\(a.text), \(b.text))", precedence: PyValue.atom, isAtomic: false)
        }
    }

    /// A function of one argument, or negation.
    static func unary(_ op: Op, _ a: PyValue.Traced) -> PyValue.Traced {
        let value = op.evaluate(a.value, 0)
        if op == .neg {
            return PyValue.Traced(value: value, text: "-" + (a.precedence == PyValue.atom ? a.text : "(\(a.text))"), precedence: PyValue.negation, isAtomic: false)
        }
        return PyValue.Traced(value: value, text: "\(op.name)(\(a.text))", precedence: PyValue.atom, isAtomic: false)
    }
}

/// Python's own arithmetic on Python-side numbers (ints stay ints, `/` makes a float, `//` and
/// `%` floor), for values that do not depend on the inputs.
enum PyArithmetic {
    enum Failure: Error { case zeroDivision, overflow, unsupported }

    static func binary(_ symbol: String, _ a: PyValue, _ b: PyValue) throws(Failure) -> PyValue {
        if case .int(let x) = a.intLike, case .int(let y) = b.intLike {
            switch symbol {
            case "+": let (r, o) = x.addingReportingOverflow(y); if o { throw .overflow }; return .int(r)
            case "-": let (r, o) = x.subtractingReportingOverflow(y); if o { throw .overflow }; return .int(r)
            case "*": let (r, o) = x.multipliedReportingOverflow(by: y); if o { throw .overflow }; return .int(r)
            case "/": if y == 0 { throw .zeroDivision }; return .float(Double(x) / Double(y))
            case "//":
                if y == 0 { throw .zeroDivision }
                let q = x / y
                return .int((x % y != 0 && (x < 0) != (y < 0)) ? q - 1 : q)
            case "%":
                if y == 0 { throw .zeroDivision }
                let r = x % y
                return .int(r != 0 && (r < 0) != (y < 0) ? r + y : r)
            case "**":
                if y < 0 { return .float(Foundation.pow(Double(x), Double(y))) }
                var result = 1, base = x, e = y
                while e > 0 {
                    if e & 1 == 1 { let (r, o) = result.multipliedReportingOverflow(by: base); if o { throw .overflow }; result = r }
                    e >>= 1
                    if e > 0 { let (r, o) = base.multipliedReportingOverflow(by: base); if o { throw .overflow }; base = r }
                }
                return .int(result)
            default: throw .unsupported
            }
        }
        guard let x = a.number, let y = b.number else { throw .unsupported }
        switch symbol {
        case "+": return .float(x + y)
        case "-": return .float(x - y)
        case "*": return .float(x * y)
        case "/": if y == 0 { throw .zeroDivision }; return .float(x / y)
        case "//": if y == 0 { throw .zeroDivision }; return .float((x / y).rounded(.down))
        case "%":
            if y == 0 { throw .zeroDivision }
            let r = x.truncatingRemainder(dividingBy: y)
            return .float(r != 0 && (r < 0) != (y < 0) ? r + y : r)
        case "**": return .float(Op.pow.evaluate(x, y))
        default: throw .unsupported
        }
    }
}

extension PyValue {
    /// Bools as the ints Python takes them for in arithmetic.
    var intLike: PyValue {
        if case .bool(let b) = self { return .int(b ? 1 : 0) }
        return self
    }
}
