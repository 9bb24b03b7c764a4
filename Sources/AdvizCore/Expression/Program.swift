/// One piece of a parsed expression, in postfix order (operands before their operation).
public struct ExpressionItem: Sendable, Equatable {
    /// What the item is.
    public enum Kind: Sendable, Equatable {
        /// A number written in the program.
        case number(Double)
        /// A named constant (`pi`, `e`) with its value.
        case namedConstant(String, Double)
        /// A variable: an input, or a name assigned by an earlier statement.
        case variable(String)
        /// An operation applied to the items before it.
        case apply(Op)
    }

    /// What the item is.
    public var kind: Kind
    /// Where it was written.
    public var span: SourceSpan
}

/// A statement of a program: `name = expression`, or a bare expression.
public struct Statement: Sendable, Equatable {
    /// The assigned name, or nil for a bare expression.
    public var name: String?
    /// Where the name was written (the expression's start for a bare expression).
    public var nameSpan: SourceSpan
    /// The expression in postfix order: evaluating it needs a stack, never recursion.
    public var postfix: [ExpressionItem]
}

/// A parsed program: statements in order, and the text they came from.
public struct Program: Sendable {
    /// The statements, in source order.
    public var statements: [Statement]
    /// The source text, for messages that point into it.
    public var source: SourceText

    /// The names the constants of the language go by.
    public static let namedConstants: [String: Double] = ["pi": Double.pi, "e": 2.718281828459045]

    /// Parses `source`; throws a ``Diagnostic`` pointing at the first error.
    public static func parse(_ source: SourceText) throws(Diagnostic) -> Program {
        var parser = Parser(source.text)
        return Program(statements: try parser.parseProgram(), source: source)
    }

    /// Parses program text named `<expression>`.
    public static func parse(_ text: String) throws(Diagnostic) -> Program {
        try parse(SourceText(text))
    }
}
