/// Turns tokens into postfix statements with the shunting-yard algorithm.
///
/// Operators wait on an explicit stack instead of the call stack, so 100,000 nested
/// parentheses or a 1,000,000-term sum parse in one loop and never overflow the stack.
struct Parser {
    /// An operator waiting on the stack for its right operand.
    enum Pending {
        case binary(Op, SourceSpan)
        case negate(SourceSpan)
        case paren(SourceSpan)
        case call(Op, name: String, span: SourceSpan, arguments: Int)
    }

    private var lexer: Lexer
    private var lookahead: Token?
    /// Why the statement being read went on past a line break (its line ended in an operator, or
    /// a parenthesis is open), and where that line break is; nil when it has not.
    private var continuation: (reason: String, at: Int)?

    init(_ text: String) {
        lexer = Lexer(text)
    }

    private mutating func next() throws(Diagnostic) -> Token {
        if let token = lookahead {
            lookahead = nil
            return token
        }
        return try lexer.next()
    }

    private mutating func peek() throws(Diagnostic) -> Token {
        if let token = lookahead { return token }
        let token = try lexer.next()
        lookahead = token
        return token
    }

    mutating func parseProgram() throws(Diagnostic) -> [Statement] {
        var statements: [Statement] = []
        while true {
            let token = try peek()
            switch token.kind {
            case .end:
                return statements
            case .separator, .newline:
                _ = try next()
            default:
                do throws(Diagnostic) {
                    statements.append(try parseStatement())
                } catch {
                    throw explainingContinuation(error)
                }
            }
        }
    }

    private mutating func parseStatement() throws(Diagnostic) -> Statement {
        let first = try next()
        if case .identifier(let name) = first.kind, case .equals = try peek().kind {
            let equals = try next()
            if Program.namedConstants[name] != nil {
                throw Diagnostic("cannot assign to the constant `\(name)`", at: first.span)
            }
            if Op.function(named: name) != nil {
                throw Diagnostic(
                    "cannot assign to `\(name)`: it is a function", at: first.span,
                    hint: "choose another name, such as `\(name)1`")
            }
            let postfix = try parseExpression(startingWith: nil, after: equals)
            return Statement(name: name, nameSpan: first.span, postfix: postfix)
        }
        let postfix = try parseExpression(startingWith: first, after: nil)
        return Statement(name: nil, nameSpan: first.span, postfix: postfix)
    }

    /// Parses up to the end of the statement. `first` is a token already taken, if any.
    ///
    /// The loop reads a token and hands it to the ``ShuntingYard``, which keeps the output and
    /// the waiting operators; only line breaks and function calls need the parser's look-ahead.
    private mutating func parseExpression(
        startingWith first: Token?, after start: Token?
    ) throws(Diagnostic) -> [ExpressionItem] {
        var yard = ShuntingYard(previous: start)
        var pendingFirst = first
        continuation = nil
        while true {
            let token: Token
            if let taken = pendingFirst {
                token = taken
                pendingFirst = nil
            } else {
                // Inside parentheses, after an operator, and before a line that starts with a
                // binary operator (`f = x^2` then `  - 3*x`), a line break continues the statement.
                let upcoming = try peek()
                if case .newline = upcoming.kind,
                    (yard.expectOperand && yard.previous != nil) || yard.pending.contains(where: \.isOpenParen)
                        || (!yard.expectOperand && nextLineStartsWithBinaryOperator())
                {
                    if yard.expectOperand, let previous = yard.previous, [.plus, .minus, .star, .slash, .caret].contains(previous.kind) {
                        continuation = ("the line before ends in \(previous.quoted), so this line went on with that statement", upcoming.span.start)
                    } else if yard.pending.contains(where: \.isOpenParen) {
                        continuation = ("a `(` before this line is not closed, so this line went on with that statement", upcoming.span.start)
                    }
                    _ = try next()
                    continue
                }
                token = try next()
            }

            switch token.kind {
            case .number(let value):
                try yard.operand(ExpressionItem(kind: .number(value), span: token.span), token)
            case .identifier(let name):
                if case .leftParen = try peek().kind {
                    try yard.requireOperator(before: token)
                    guard let op = Op.function(named: name) else { throw Parser.unknownFunction(name, at: token.span) }
                    yard.openCall(op, name: name, at: token.span, paren: try next())
                    continue
                }
                try yard.name(name, token)
            case .plus, .minus, .star, .slash, .caret:
                try yard.binaryOperator(token)
            case .leftParen:
                try yard.requireOperator(before: token)
                yard.pending.append(.paren(token.span))
                yard.expectOperand = true
            case .comma:
                try yard.comma(token)
            case .rightParen:
                try yard.closeParenthesis(token)
            case .equals:
                throw yard.unexpectedEquals(token)
            case .separator, .newline, .end:
                let output = try yard.finish(at: token)
                if case .end = token.kind { lookahead = token }
                return output
            }
            yard.previous = token
        }
    }

    /// A statement that swallowed the next line (a dangling `*`, an unclosed `(`) fails there, at
    /// the `=` or the name that starts the next statement: the hint says why that line was read
    /// as part of the one before, where the mistake is.
    private func explainingContinuation(_ error: Diagnostic) -> Diagnostic {
        guard let continuation, error.span.start > continuation.at,
              error.message == "unexpected `=`" || error.message.hasPrefix("expected an operator before") else { return error }
        var explained = error
        explained.hint = continuation.reason
        return explained
    }

    /// True if the next line that holds a token (blank and comment lines skipped) starts with
    /// `+ - * / ^ **`: such a line continues the statement above, since a statement cannot start
    /// with a binary operator (and `-x` alone on a line after a statement would be a silent
    /// second statement). Looks ahead on a copy of the lexer; a lexing error is left for later.
    private func nextLineStartsWithBinaryOperator() -> Bool {
        var look = lexer
        while true {
            guard let token = try? look.next() else { return false }
            switch token.kind {
            case .newline: continue
            case .plus, .minus, .star, .slash, .caret: return true
            default: return false
            }
        }
    }
}

extension Parser {
    /// An unknown function's error, with the best hint: a name from elsewhere, a near typo, or the list.
    static func unknownFunction(_ name: String, at span: SourceSpan) -> Diagnostic {
        if let hint = Parser.namesFromElsewhere[name.lowercased()] {
            return Diagnostic("unknown function `\(name)`", at: span, hint: hint)
        }
        if let suggestion = Suggestion.closest(to: name, among: Op.functionNames) {
            return Diagnostic("unknown function `\(name)`", at: span, hint: "did you mean `\(suggestion)`?")
        }
        return Diagnostic(
            "unknown function `\(name)`", at: span,
            hint: "the functions are \(Op.functionNames.joined(separator: ", ")); write `\(name)*(…)` for a product")
    }

    /// Names a student brings from NumPy, C, Swift or a textbook, with what to write here.
    /// Looked up before the edit-distance guess, which would send `erfc` to `erf` and `sec` to `sech`.
    static let namesFromElsewhere: [String: String] = [
        "sec": "write `1/cos(x)`", "csc": "write `1/sin(x)`", "cosec": "write `1/sin(x)`", "cot": "write `1/tan(x)`",
        "acot": "write `atan(1/x)`", "arccot": "write `atan(1/x)`", "tg": "did you mean `tan`?", "arctg": "did you mean `atan`?",
        "arsinh": "did you mean `asinh`?", "arcosh": "did you mean `acosh`?", "artanh": "did you mean `atanh`?",
        "sech": "write `1/cosh(x)`", "csch": "write `1/sinh(x)`", "coth": "write `1/tanh(x)`",
        "lg": "did you mean `log10`?", "lb": "did you mean `log2`?", "ld": "did you mean `log2`?",
        "logn": "write `log(x, b)` for the logarithm to base b", "logb": "write `log(x, b)` for the logarithm to base b",
        "exp2": "write `2^x`", "exp10": "write `10^x`", "pow10": "write `10^x`", "power": "did you mean `pow`?",
        "sqr": "write `x^2`", "square": "write `x^2`", "root": "write `x^(1/n)`, or `sqrt`, `cbrt`", "nthroot": "write `x^(1/n)`",
        "fabs": "did you mean `abs`?", "absolute": "did you mean `abs`?", "magnitude": "did you mean `abs`?",
        "sgn": "did you mean `sign`?", "signum": "did you mean `sign`?",
        "heaviside": "did you mean `step` (Heaviside's, 0 at 0)?", "theta": "did you mean `step` (Heaviside's, 0 at 0)?",
        "maximum": "did you mean `max`?", "fmax": "did you mean `max`?", "amax": "did you mean `max`?",
        "minimum": "did you mean `min`?", "fmin": "did you mean `min`?", "amin": "did you mean `min`?",
        "rint": "did you mean `round`? (it rounds halves away from zero, as C's `round`)",
        "around": "did you mean `round`? (it rounds halves away from zero, as C's `round`)",
        "nearbyint": "did you mean `round`? (it rounds halves away from zero, as C's `round`)",
        "ceiling": "did you mean `ceil`?", "trunc": "write `sign(x)*floor(abs(x))`",
        "erfc": "write `1 - erf(x)`", "expit": "did you mean `sigmoid`?", "logit": "write `log(x/(1 - x))`",
        "softplus": "write `log1p(exp(x))`", "norm": "write `hypot(a, b)` for √(a² + b²)",
        "sinc": "write `sin(x)/x`",
    ]
}

/// The shunting-yard's state while one expression is read: the postfix output so far, the
/// operators waiting for their right operand, and what the next token may be. Each kind of
/// token has its method; every mistake is a ``Diagnostic`` at the token.
private struct ShuntingYard {
    var output: [ExpressionItem] = []
    var pending: [Parser.Pending] = []
    var expectOperand = true
    var previous: Token?

    init(previous: Token?) { self.previous = previous }

    /// Moves operators that bind at least as tightly as `precedence` to the output.
    mutating func reduce(above precedence: Int, rightAssociative: Bool) {
        while let top = pending.last {
            let topPrecedence: Int
            let item: ExpressionItem
            switch top {
            case .binary(let op, let span):
                topPrecedence = op.bindingPrecedence
                item = ExpressionItem(kind: .apply(op), span: span)
            case .negate(let span):
                topPrecedence = Op.neg.bindingPrecedence
                item = ExpressionItem(kind: .apply(.neg), span: span)
            case .paren, .call:
                return
            }
            guard topPrecedence > precedence || (topPrecedence == precedence && !rightAssociative) else { return }
            pending.removeLast()
            // `-2` is the number −2, a constant as `2` is, not a step that negates 2 (which made
            // `x^-2` a power with a node for its exponent, and a NaN row for ∂/∂exponent). In
            // postfix, a number last in the output is exactly the operand. `-2^2` is still −(2²).
            if case .negate(let span) = top, let last = output.last, case .number(let value) = last.kind {
                let end = last.span.start + last.span.length
                output[output.count - 1] = ExpressionItem(kind: .number(-value), span: SourceSpan(start: span.start, length: end - span.start))
                continue
            }
            output.append(item)
        }
    }

    /// A number or a name where an operand may stand.
    mutating func operand(_ item: ExpressionItem, _ token: Token) throws(Diagnostic) {
        try requireOperator(before: token)
        output.append(item)
        expectOperand = false
    }

    /// A name not followed by `(`: a variable or a named constant (a function needs its call).
    mutating func name(_ name: String, _ token: Token) throws(Diagnostic) {
        try requireOperator(before: token)
        if Op.function(named: name) != nil {
            throw Diagnostic("`\(name)` is a function, not a value", at: token.span, hint: "call it: `\(name)(x)`")
        }
        let kind: ExpressionItem.Kind = Program.namedConstants[name].map { .namedConstant(name, $0) } ?? .variable(name)
        output.append(ExpressionItem(kind: kind, span: token.span))
        expectOperand = false
    }

    /// `f(`: a call waits for its arguments.
    mutating func openCall(_ op: Op, name: String, at span: SourceSpan, paren: Token) {
        pending.append(.call(op, name: name, span: span, arguments: 1))
        expectOperand = true
        previous = paren
    }

    /// `+ - * / ^`: binary, or a sign where an operand is expected.
    mutating func binaryOperator(_ token: Token) throws(Diagnostic) {
        if expectOperand {
            if case .minus = token.kind { pending.append(.negate(token.span)); return }
            if case .plus = token.kind { return }
            throw missingOperand(before: token)
        }
        let op = token.binaryOp!
        reduce(above: op.bindingPrecedence, rightAssociative: op == .pow)
        pending.append(.binary(op, token.span))
        expectOperand = true
    }

    /// `,` between a call's arguments.
    mutating func comma(_ token: Token) throws(Diagnostic) {
        if expectOperand { throw missingOperand(before: token) }
        reduce(above: -1, rightAssociative: false)
        guard case .call(let op, let name, let span, let arguments) = pending.last else {
            throw Diagnostic("`,` outside a function call", at: token.span, hint: "write one statement per `;`")
        }
        // log(x, b) is log(x)/log(b), as Python's math.log(x, base) computes it: the first
        // argument's logarithm is taken here, before the base is read.
        if op == .log, arguments == 1 { output.append(ExpressionItem(kind: .apply(.log), span: span)) }
        pending[pending.count - 1] = .call(op, name: name, span: span, arguments: arguments + 1)
        expectOperand = true
    }

    /// `)`: closes a parenthesis or a call, whose argument count is checked.
    mutating func closeParenthesis(_ token: Token) throws(Diagnostic) {
        if expectOperand {
            if case .call(let op, let name, _, 1) = pending.last, case .leftParen = previous?.kind {
                throw Diagnostic("`\(name)` needs \(op.arity == 1 ? "an argument" : "\(op.arity) arguments")", at: token.span)
            }
            if case .paren = pending.last, case .leftParen = previous?.kind {
                throw Diagnostic("empty parentheses", at: token.span, hint: "put an expression inside `( )`")
            }
            throw missingOperand(before: token)
        }
        reduce(above: -1, rightAssociative: false)
        guard let top = pending.popLast() else {
            throw Diagnostic("unmatched `)`", at: token.span, hint: "remove it, or add a `(` before it")
        }
        if case .call(.log, _, let span, 2) = top {
            output.append(ExpressionItem(kind: .apply(.log), span: span))
            output.append(ExpressionItem(kind: .apply(.div), span: span))
        } else if case .call(let op, let name, let span, let arguments) = top {
            guard arguments == op.arity else {
                let whole = SourceSpan(start: span.start, length: token.span.start + 1 - span.start)
                if op == .log {
                    throw Diagnostic("`\(name)` takes 1 argument (or 2: `log(x, b)` is the logarithm to base b), got \(arguments)", at: whole)
                }
                throw Diagnostic("`\(name)` takes \(op.arity) argument\(op.arity == 1 ? "" : "s"), got \(arguments)", at: whole)
            }
            output.append(ExpressionItem(kind: .apply(op), span: span))
        }
        expectOperand = false
    }

    /// `=` inside an expression: an assignment that should have started a statement.
    func unexpectedEquals(_ token: Token) -> Diagnostic {
        if case .identifier(let name) = previous?.kind, output.count == 1 {
            return Diagnostic(
                "unexpected `=`", at: token.span, hint: "an assignment starts a statement: `\(name) = …`; end the one before with `;`")
        }
        return Diagnostic("unexpected `=`", at: token.span, hint: "assignments look like `a = x1*x2` and start a statement")
    }

    /// The end of the statement: the output, once nothing is left open.
    mutating func finish(at token: Token) throws(Diagnostic) -> [ExpressionItem] {
        if expectOperand {
            if output.isEmpty && pending.isEmpty && previous == nil {
                throw Diagnostic("empty expression", at: token.span, hint: "write an expression such as `x1*x2`")
            }
            throw missingOperand(before: token)
        }
        reduce(above: -1, rightAssociative: false)
        switch pending.last {
        case .paren(let span):
            throw Diagnostic("unclosed `(`", at: span, hint: "add a `)` to close it")
        case .call(_, let name, let span, _):
            throw Diagnostic("unclosed call of `\(name)`", at: span, hint: "add a `)` to close it")
        case .binary, .negate, nil:
            return output
        }
    }

    /// Throws when an operand arrives where an operator was expected (`2 3`, `2x`, `x(1)`).
    func requireOperator(before token: Token) throws(Diagnostic) {
        guard !expectOperand else { return }
        var hint = "put an operator such as `*` or `+` between them"
        if let previous, previous.span.start + previous.span.length == token.span.start {
            let left = previous.sourceText, right = token.sourceText
            if case .number = previous.kind { hint = "write `\(left)*\(right)` for a product" }
            if case .leftParen = token.kind { hint = "write `\(left)*(…)` for a product" }
        }
        throw Diagnostic("expected an operator before \(token.quoted)", at: token.span, hint: hint)
    }

    /// An operand is missing before `token`.
    func missingOperand(before token: Token) -> Diagnostic {
        if let previous {
            switch previous.kind {
            case .plus, .minus, .star, .slash, .caret, .comma, .leftParen, .equals:
                return Diagnostic("expected an expression after \(previous.quoted)", at: token.span)
            default: break
            }
        }
        return Diagnostic("expected an expression before \(token.quoted)", at: token.span)
    }
}

extension Parser.Pending {
    var isOpenParen: Bool {
        switch self {
        case .paren, .call: true
        case .binary, .negate: false
        }
    }
}

extension Token {
    var binaryOp: Op? {
        switch kind {
        case .plus: .add
        case .minus: .sub
        case .star: .mul
        case .slash: .div
        case .caret: .pow
        default: nil
        }
    }

    /// The token's kind as the user wrote it, for hints.
    var sourceText: String {
        switch kind {
        case .number(let x): NumberFormat.shortest(x)
        case .identifier(let name): name
        default: String(quoted.dropFirst().dropLast())
        }
    }
}

extension Op {
    /// How tightly the operator binds in the parser: `+ -` 1, `* /` 2, unary minus 3, `^` 4.
    var bindingPrecedence: Int {
        switch notation {
        case .infix(_, _, let precedence), .prefix(_, _, let precedence): precedence
        case .leaf, .function: 99
        }
    }
}
