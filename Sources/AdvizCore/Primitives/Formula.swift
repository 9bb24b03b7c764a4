import Foundation

/// A small expression over an operation's arguments: how a local partial is written.
///
/// `Op.sin.partialFormula(0)` is `cos(arg 0)`; the trace prints it with the argument's
/// name (`cos(v0)`) and again with its value (`cos(5)`). Formulas are a few nodes deep,
/// so the recursive helpers here never see deep input.
public indirect enum Formula: Sendable, Equatable {
    /// The operation's argument at this position (0 = first).
    case arg(Int)
    /// A number.
    case number(Double)
    /// An operation applied to formulas.
    case apply(Op, [Formula])
    /// A named quantity with its value, beside the arguments in a trace row: the tangent v̇₀ or
    /// the adjoint v̄₃ that a partial multiplies. Written by name, or by value.
    case quantity(name: String, value: Double)

    /// The formula with each `.arg(i)` replaced by `arguments[i]`.
    public func substituting(_ arguments: [Formula]) -> Formula {
        switch self {
        case .arg(let i): return i < arguments.count ? arguments[i] : self
        case .number, .quantity: return self
        case .apply(let op, let operands): return .apply(op, operands.map { $0.substituting(arguments) })
        }
    }

    /// Whether the formula reads `.arg(argument)`.
    public func mentions(argument: Int) -> Bool {
        switch self {
        case .arg(let i): return i == argument
        case .number, .quantity: return false
        case .apply(_, let operands): return operands.contains { $0.mentions(argument: argument) }
        }
    }

    /// The formula's value with `.arg(i)` read from `arguments`.
    public func evaluate(_ arguments: [Double]) -> Double {
        switch self {
        case .arg(let i): return arguments[i]
        case .number(let x): return x
        case .quantity(_, let value): return value
        case .apply(let op, let operands):
            let values = operands.map { $0.evaluate(arguments) }
            return op.evaluate(values[0], values.count > 1 ? values[1] : 0)
        }
    }

    /// The formula with numbers folded and the identities 0 and 1 applied
    /// (`2·a^(2-1)` becomes `2·a`), so that a partial with a constant argument reads simply.
    public func folded() -> Formula {
        guard case .apply(let op, let raw) = self else { return self }
        let operands = raw.map { $0.folded() }
        let numbers = operands.compactMap { if case .number(let x) = $0 { x } else { nil } }
        // Fold no jump: folding step(0) would hide the convention being shown.
        if numbers.count == operands.count, op.smoothness != .jumps {
            let value = op.evaluate(numbers[0], numbers.count > 1 ? numbers[1] : 0)
            if value.isFinite { return .number(value) }
        }
        let a = operands[0]
        let b = operands.count > 1 ? operands[1] : .number(0)
        switch op.arithmetic {
        case .mul?:
            if a == .number(0) || b == .number(0) { return .number(0) }
            if a == .number(1) { return b }
            if b == .number(1) { return a }
            if a == .number(-1) { return Formula.apply(.neg, [b]).folded() }
            if b == .number(-1) { return Formula.apply(.neg, [a]).folded() }
        case .add?:
            if a == .number(0) { return b }
            if b == .number(0) { return a }
        case .sub?:
            if b == .number(0) { return a }
            if a == .number(0) { return Formula.apply(.neg, [b]).folded() }
        case .div?:
            if b == .number(1) { return a }
        case .pow?:
            if b == .number(1) { return a }
            if b == .number(0) { return .number(1) }
        case .neg?:
            if case .apply(.neg, let inner) = a { return inner[0] }
        case nil: break  // a function: no algebra to apply
        }
        return .apply(op, operands)
    }
}

/// The written form of a formula's leaf (an argument's name or value).
public struct FormulaLeaf: Sendable {
    /// The text of the leaf, already in the target notation.
    public var text: String
    /// True for a negative number, which needs parentheses next to an operator.
    public var isNegative: Bool

    /// A leaf with the given text.
    public init(_ text: String, isNegative: Bool = false) {
        self.text = text
        self.isNegative = isNegative
    }
}

/// The notation in which formulas and tables are written.
public enum MathStyle: Sendable, Equatable {
    /// Plain text with Unicode (`v̄0`, `·`, `v0²`).
    case text
    /// LaTeX math mode (`\bar{v}_{0}`, `\cdot`, `v_{0}^{2}`).
    case latex
}

extension Formula {
    /// Writes the formula in `style`, with `leaf` giving each argument's written form, `number`
    /// each number's and `quantity` each named quantity's (by default its name).
    public func render(
        _ style: MathStyle,
        leaf: (Int) -> FormulaLeaf,
        number: (Double) -> FormulaLeaf,
        quantity: (String, Double) -> FormulaLeaf = { name, _ in FormulaLeaf(name) }
    ) -> String {
        withoutActuallyEscaping(leaf) { leaf in
            withoutActuallyEscaping(number) { number in
                withoutActuallyEscaping(quantity) { quantity in
                    FormulaWriter(style: style, leaf: leaf, number: number, quantity: quantity).write(self).text
                }
            }
        }
    }
}

/// Writes formulas with the fewest parentheses that keep their meaning.
package struct FormulaWriter {
    package let style: MathStyle
    package let leaf: (Int) -> FormulaLeaf
    package let number: (Double) -> FormulaLeaf
    package let quantity: (String, Double) -> FormulaLeaf

    package init(
        style: MathStyle, leaf: @escaping (Int) -> FormulaLeaf, number: @escaping (Double) -> FormulaLeaf,
        quantity: @escaping (String, Double) -> FormulaLeaf = { name, _ in FormulaLeaf(name) }
    ) {
        self.style = style
        self.leaf = leaf
        self.number = number
        self.quantity = quantity
    }

    /// Text of a subformula and the precedence of its outermost operation (99 for atoms).
    package struct Written {
        package var text: String
        package var precedence: Int
        package var isNegativeAtom = false

        package init(text: String, precedence: Int, isNegativeAtom: Bool = false) {
            self.text = text
            self.precedence = precedence
            self.isNegativeAtom = isNegativeAtom
        }
    }

    package func write(_ formula: Formula) -> Written {
        switch formula {
        case .arg(let i):
            let l = leaf(i)
            return Written(text: l.text, precedence: 99, isNegativeAtom: l.isNegative)
        case .number(let x):
            let l = number(x)
            return Written(text: l.text, precedence: 99, isNegativeAtom: l.isNegative)
        case .quantity(let name, let value):
            let l = quantity(name, value)
            return Written(text: l.text, precedence: 99, isNegativeAtom: l.isNegative)
        case .apply(let op, let operands):
            let parts = operands.map(write)
            return combine(op, parts)
        }
    }

    /// Writes `op` applied to already written operands.
    package func combine(_ op: Op, _ parts: [Written]) -> Written {
        switch op.notation {
        case .leaf:
            return parts.first ?? Written(text: "", precedence: 99)
        case .function(let name, let latex):
            if style == .latex {
                // A root's sign takes its argument in braces: \sqrt{a}, \sqrt[3]{a}.
                if latex.hasPrefix("\\sqrt") { return Written(text: "\(latex){\(parts[0].text)}", precedence: 99) }
                let inner = parts.map(\.text).joined(separator: ", ")
                return Written(text: "\(latex)\\left(\(inner)\\right)", precedence: 99)
            }
            if parts.count == 1 { return Written(text: name + "(" + parts[0].text + ")", precedence: 99) }
            return Written(text: "\(name)(\(parts.map(\.text).joined(separator: ", ")))", precedence: 99)
        case .prefix(let text, let latex, let precedence):
            let operand = wrap(parts[0], if: parts[0].precedence <= precedence)
            return Written(text: (style == .latex ? latex : text) + operand, precedence: precedence)
        case .infix(let text, let latex, let precedence):
            let lhs = parts[0], rhs = parts[1]
            if op == .pow {
                let base = wrap(lhs, if: lhs.precedence <= precedence)
                if style == .latex { return Written(text: "{\(base)}^{\(rhs.text)}", precedence: precedence) }
                if let sup = superscript(rhs.text) { return Written(text: base + sup, precedence: precedence) }
                return Written(text: base + "^" + wrap(rhs, if: rhs.precedence < precedence), precedence: precedence)
            }
            if op == .div, style == .latex {
                return Written(text: "\\frac{\(lhs.text)}{\(rhs.text)}", precedence: 99)
            }
            let left = wrap(lhs, if: lhs.precedence < precedence)
            // Subtraction and division are not associative: a-(b-c) keeps its parentheses.
            // A quotient right of a product keeps its parentheses too, for the reader: 1·(1/10).
            let strict = op == .sub || op == .div || (op == .mul && rhs.precedence == precedence)
            let right = wrap(rhs, if: rhs.precedence < precedence || (strict && rhs.precedence == precedence))
            var joined = left
            joined.reserveCapacity(left.utf8.count + right.utf8.count + 2 + Swift.max(text.utf8.count, latex.utf8.count))
            if style == .latex || precedence == 1 {
                joined += " "
                joined += style == .latex ? latex : text
                joined += " "
            } else {
                joined += text
            }
            joined += right
            return Written(text: joined, precedence: precedence)
        }
    }

    private func wrap(_ written: Written, if condition: Bool) -> String {
        if condition || written.isNegativeAtom {
            return style == .latex ? "\\left(\(written.text)\\right)" : "(\(written.text))"
        }
        return written.text
    }

    private func superscript(_ text: String) -> String? {
        guard !text.isEmpty, text.count <= 2 else { return nil }
        return Superscript.digits(text)
    }
}

/// Unicode superscript digits, for exponents (`v0²`) and dimensions (`R³`).
enum Superscript {
    private static let table: [Character: Character] = [
        "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹",
    ]

    /// The digits of `text` as superscripts, or nil if it has anything but digits.
    static func digits(_ text: String) -> String? {
        var out = ""
        for c in text {
            guard let s = table[c] else { return nil }
            out.append(s)
        }
        return out
    }
}
