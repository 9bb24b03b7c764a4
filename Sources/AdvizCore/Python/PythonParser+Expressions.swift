/// Expressions of the subset: Python's precedence from the conditional expression down to atoms.
extension PythonParser {

    mutating func expression() throws(Diagnostic) -> Int32 {
        try enter()
        defer { nesting -= 1 }
        if isKeyword("lambda") { throw notPart("`lambda`") }
        let body = try orTest()
        guard isKeyword("if") else { return body }
        _ = advance()
        let test = try orTest()
        guard isKeyword("else") else { throw fail("SyntaxError: expected `else` in a conditional expression") }
        _ = advance()
        let orelse = try expression()
        return add(.conditional, [body, test, orelse], spanStart(body))
    }

    mutating func orTest() throws(Diagnostic) -> Int32 {
        let first = try andTest()
        guard isKeyword("or") else { return first }
        var children = [first]
        while isKeyword("or") { _ = advance(); children.append(try andTest()) }
        return add(.boolean(isAnd: false), children, spanStart(first))
    }

    mutating func andTest() throws(Diagnostic) -> Int32 {
        let first = try notTest()
        guard isKeyword("and") else { return first }
        var children = [first]
        while isKeyword("and") { _ = advance(); children.append(try notTest()) }
        return add(.boolean(isAnd: true), children, spanStart(first))
    }

    mutating func notTest() throws(Diagnostic) -> Int32 {
        guard isKeyword("not") else { return try comparison() }
        let token = advance()
        try enter()
        defer { nesting -= 1 }
        let operand = try notTest()
        return add(.unary("not"), [operand], token)
    }

    mutating func comparison() throws(Diagnostic) -> Int32 {
        let first = try arithmetic()
        var children = [first]
        var operators: [String] = []
        while case .op(let o) = current.kind, ["<", "<=", ">", ">=", "==", "!="].contains(o) {
            _ = advance()
            operators.append(o)
            children.append(try arithmetic())
        }
        if isKeyword("is") || isKeyword("in") { throw notPart(PythonParser.unsupportedKeywords[firstWord(current)]!) }
        if isKeyword("not"), index + 1 < tokens.count, tokens[index + 1].kind == .name("in") { throw notPart("`not in`") }
        return operators.isEmpty ? first : add(.compare(operators), children, spanStart(first))
    }

    mutating func arithmetic() throws(Diagnostic) -> Int32 {
        var left = try term()
        while isOp("+") || isOp("-") {
            guard case .op(let o) = advance().kind else { break }
            let right = try term()
            left = add(.binary(o), [left, right], spanStart(left))
        }
        return left
    }

    mutating func term() throws(Diagnostic) -> Int32 {
        var left = try factor()
        while case .op(let o) = current.kind, ["*", "/", "//", "%", "@"].contains(o) {
            if o == "@" { throw notPart("matrix multiplication (`@`)") }
            _ = advance()
            let right = try factor()
            left = add(.binary(o), [left, right], spanStart(left))
        }
        if case .op(let o) = current.kind, ["&", "|", "^", "<<", ">>", "~"].contains(o) {
            throw notPart("the bitwise operator `\(o)`" + (o == "^" ? " (for a power write `**`)" : ""))
        }
        return left
    }

    mutating func factor() throws(Diagnostic) -> Int32 {
        if isOp("-") || isOp("+") {
            let token = advance()
            try enter()
            defer { nesting -= 1 }
            guard case .op(let o) = token.kind else { return -1 }
            let operand = try factor()
            return add(.unary(o), [operand], token)
        }
        if isOp("~") { throw notPart("the bitwise operator `~`") }
        return try power()
    }

    mutating func power() throws(Diagnostic) -> Int32 {
        let base = try atomExpression()
        guard isOp("**") else { return base }
        _ = advance()
        try enter()
        defer { nesting -= 1 }
        let exponent = try factor()
        return add(.binary("**"), [base, exponent], spanStart(base))
    }

    mutating func atomExpression() throws(Diagnostic) -> Int32 {
        let token = current
        var atom = try self.atom()
        while true {
            if isOp(".") {
                guard case .name(let base) = module.expressions[Int(atom)].kind else { throw notPart("an attribute of a value", current) }
                _ = advance()
                let (member, _) = try name("after `.`")
                module.expressions[Int(atom)].kind = .name(base + "." + member)
                module.expressions[Int(atom)].span.length = tokens[index - 1].span.start + tokens[index - 1].span.length - token.span.start
            } else if isOp("(") {
                guard case .name(let callee) = module.expressions[Int(atom)].kind else { throw notPart("calling a value that is not a function's name", current) }
                _ = advance()
                if callee == "print" {
                    // `print(…)` is ignored whatever it prints (strings, f-strings): its arguments are read over.
                    var depth = 1
                    while depth > 0 && current.kind != .end {
                        if isOp("(") || isOp("[") || isOp("{") { depth += 1 }
                        if isOp(")") || isOp("]") || isOp("}") { depth -= 1 }
                        _ = advance()
                    }
                    atom = add(.call("print"), [], token)
                    continue
                }
                var arguments: [Int32] = []
                while !isOp(")") {
                    if case .name = current.kind, index + 1 < tokens.count, tokens[index + 1].kind == .op("=") {
                        throw notPart("a keyword argument", current)
                    }
                    if isOp("*") || isOp("**") { throw notPart("unpacking an argument", current) }
                    arguments.append(try expression())
                    if !isOp(",") { break }
                    _ = advance()
                }
                _ = try expectOp(")", "to close the call of `\(callee)`")
                atom = add(.call(callee), arguments, token)
            } else if isOp("[") {
                throw notPart("indexing (`[…]`)", current)
            } else {
                return atom
            }
        }
    }

    mutating func atom() throws(Diagnostic) -> Int32 {
        let token = current
        switch token.kind {
        case .number(let value, let isInteger):
            _ = advance()
            return add(.number(value, isInteger: isInteger), [], token)
        case .name("True"): _ = advance(); return add(.bool(true), [], token)
        case .name("False"): _ = advance(); return add(.bool(false), [], token)
        case .name("None"): _ = advance(); return add(.none, [], token)
        case .name(let word) where PythonParser.unsupportedKeywords[word] != nil || ["if", "else", "for", "while", "def", "return", "and", "or", "not", "import", "from", "pass", "break", "continue", "elif"].contains(word):
            if let construct = PythonParser.unsupportedKeywords[word] { throw notPart(construct) }
            throw fail("SyntaxError: unexpected `\(word)`")
        case .name(let n):
            _ = advance()
            return add(.name(n), [], token)
        case .string: throw notPart("a string", token)
        case .op("("):
            _ = advance()
            if isOp(")") { throw notPart("a tuple", token) }
            let inner = try expression()
            if isOp(",") { throw notPart("a tuple", token) }
            if isKeyword("for") { throw notPart("a generator expression", token) }
            _ = try expectOp(")", "to close the parenthesis")
            return inner
        case .op("["): throw notPart("a list (`[…]`)", token)
        case .op("{"): throw notPart("a dict or set (`{…}`)", token)
        case .newline, .end: throw fail("SyntaxError: invalid syntax: the expression is incomplete")
        case .indent: throw fail("IndentationError: unexpected indent")
        default: throw fail("SyntaxError: invalid syntax: unexpected \(describe(token))")
        }
    }
}
