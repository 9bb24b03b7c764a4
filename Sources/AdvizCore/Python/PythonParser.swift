/// Reads the tokens of the Python subset into a ``PythonModule``: recursive descent over
/// Python's grammar, with a nesting limit so that no input can exhaust the stack. Anything
/// outside the subset is an error that names the construct and its line.
struct PythonParser {
    var tokens: [PyToken]
    var index = 0
    var module: PythonModule
    var nesting = 0
    /// The deepest nesting of brackets, operators and blocks read before giving up.
    static let maximumNesting = 200

    static let unsupportedKeywords: [String: String] = [
        "class": "`class`", "try": "`try`", "except": "`except`", "finally": "`finally`", "raise": "`raise` (exceptions)",
        "with": "`with`", "lambda": "`lambda`", "global": "`global`", "nonlocal": "`nonlocal`", "del": "`del`",
        "yield": "`yield`", "async": "`async`", "await": "`await`", "assert": "`assert`", "match": "`match`",
        "is": "`is`", "in": "`in` outside `for … in range(…)`",
    ]

    /// The module of `source`; throws at the first error, pointing at it.
    static func parse(_ source: SourceText) throws(AdvizError) -> PythonModule {
        do {
            var parser = PythonParser(tokens: try PythonLexer.tokenize(source.text), module: PythonModule(source: source))
            try parser.parseModule()
            return parser.module
        } catch {
            throw .input(error, source)
        }
    }

    init(tokens: [PyToken], module: PythonModule) {
        self.tokens = tokens
        self.module = module
    }

    // MARK: Tokens

    var current: PyToken { tokens[index] }
    mutating func advance() -> PyToken {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }
    func isOp(_ text: String) -> Bool { current.kind == .op(text) }
    func isKeyword(_ word: String) -> Bool { current.kind == .name(word) }

    func fail(_ message: String, _ token: PyToken? = nil) -> Diagnostic {
        Diagnostic(message, at: (token ?? current).span)
    }

    func notPart(_ construct: String, _ token: PyToken? = nil) -> Diagnostic {
        let t = token ?? current
        return Diagnostic("adviz reads scalar Python: \(construct) is not part of it (line \(t.line))", at: t.span)
    }

    mutating func expectOp(_ text: String, _ context: String) throws(Diagnostic) -> PyToken {
        guard isOp(text) else {
            if current.kind == .newline || current.kind == .end { throw fail("SyntaxError: expected `\(text)` \(context)") }
            throw fail("SyntaxError: expected `\(text)` \(context), found \(describe(current))")
        }
        return advance()
    }

    func describe(_ token: PyToken) -> String {
        switch token.kind {
        case .name(let n): "`\(n)`"
        case .number: "a number"
        case .string: "a string"
        case .op(let o): "`\(o)`"
        case .newline: "the end of the line"
        case .indent: "an indent"
        case .dedent: "a dedent"
        case .end: "the end of the file"
        }
    }

    mutating func name(_ context: String) throws(Diagnostic) -> (String, PyToken) {
        guard case .name(let n) = current.kind else { throw fail("SyntaxError: expected a name \(context)") }
        return (n, advance())
    }

    mutating func enter() throws(Diagnostic) {
        nesting += 1
        if nesting > PythonParser.maximumNesting { throw fail("the program is nested too deeply (more than \(PythonParser.maximumNesting) levels)") }
    }

    // MARK: Statements

    mutating func parseModule() throws(Diagnostic) {
        while current.kind != .end {
            if current.kind == .newline { _ = advance(); continue }
            if current.kind == .indent { throw fail("IndentationError: unexpected indent") }
            let token = current
            if isKeyword("def") {
                try parseFunction()
            } else if isKeyword("import") || isKeyword("from") {
                try parseImport()
            } else if case .name(let n) = token.kind, index + 1 < tokens.count, tokens[index + 1].kind == .op("="),
                index + 2 < tokens.count, tokens[index + 2].kind != .op("=")
            {
                _ = advance(); _ = advance()
                let value = try expression()
                try endOfStatement()
                module.globals.append((n, value, token.line))
            } else {
                let statement = try parseStatement()
                let s = module.statements[Int(statement)]
                guard s.kind == .expression || s.kind == .pass else {
                    throw notPart("a top-level `\(firstWord(token))` statement (outside a `def`)", token)
                }
            }
        }
        if module.functions.isEmpty && !module.globals.isEmpty {
            throw Diagnostic("the file has no `def`: adviz traces a Python function", at: SourceSpan(start: 0, length: 1))
        }
    }

    func firstWord(_ token: PyToken) -> String {
        if case .name(let n) = token.kind { return n }
        return describe(token).replacingOccurrences(of: "`", with: "")
    }

    mutating func parseImport() throws(Diagnostic) {
        let start = advance()
        var words: [String] = []
        while current.kind != .newline && current.kind != .end && !isOp(";") {
            let token = advance()
            switch token.kind {
            case .name(let n): words.append(n)
            case .op(let o): words.append(o)
            default: words.append("?")
            }
        }
        let text = (start.kind == .name("from") ? "from " : "import ") + words.joined(separator: " ").replacingOccurrences(of: " . ", with: ".")
        let allowed = ["import math", "import numpy", "import numpy as np", "import jax.numpy as jnp", "import jax.numpy as np", "import jax", "import numpy as jnp"]
        guard allowed.contains(text) else {
            throw Diagnostic(
                "adviz reads scalar Python: `\(text)` is not part of it (line \(start.line))", at: start.span,
                hint: "the imports it reads are `import math`, `import numpy as np` and `import jax.numpy as jnp`")
        }
        try endOfStatement()
    }

    mutating func parseFunction() throws(Diagnostic) {
        let def = advance()
        let (fname, _) = try name("after `def`")
        _ = try expectOp("(", "after the function's name")
        var parameters: [String] = []
        while !isOp(")") {
            if isOp("*") || isOp("**") { throw notPart("`*args` or `**kwargs`") }
            let (p, token) = try name("for a parameter")
            if isOp("=") { throw notPart("a default value for a parameter", current) }
            if isOp(":") { throw notPart("a type annotation", current) }
            if parameters.contains(p) { throw fail("SyntaxError: duplicate argument `\(p)` in function definition", token) }
            parameters.append(p)
            if !isOp(",") { break }
            _ = advance()
        }
        _ = try expectOp(")", "after the parameters")
        if isOp("->") { throw notPart("a return annotation") }
        let body = try block(after: "function definition", line: def.line)
        if module.functions.contains(where: { $0.name == fname }) {
            module.notes.append("`\(fname)` is defined twice; the later definition (line \(def.line)) is the one used")
            module.functions.removeAll { $0.name == fname }
        }
        module.functions.append(PyFunction(name: fname, parameters: parameters, body: body, span: def.span, line: def.line))
    }

    /// `:` then an indented block (or one simple statement on the same line).
    mutating func block(after what: String, line: Int) throws(Diagnostic) -> [Int32] {
        _ = try expectOp(":", "to start the block")
        try enter()
        defer { nesting -= 1 }
        if current.kind != .newline {
            // `if x > 0: return 1`: simple statements on the same line.
            var body: [Int32] = []
            repeat {
                if isOp(";") { _ = advance() }
                if current.kind == .newline { break }
                body.append(try simpleStatement())
            } while isOp(";")
            try endOfStatement()
            return body
        }
        _ = advance()
        guard current.kind == .indent else {
            throw fail("IndentationError: expected an indented block after \(what) on line \(line)")
        }
        _ = advance()
        var body: [Int32] = []
        while current.kind != .dedent && current.kind != .end {
            if current.kind == .newline { _ = advance(); continue }
            if current.kind == .indent { throw fail("IndentationError: unexpected indent") }
            body.append(try parseStatement())
        }
        if current.kind == .dedent { _ = advance() }
        return body
    }

    mutating func parseStatement() throws(Diagnostic) -> Int32 {
        let token = current
        switch token.kind {
        case .name("if"): return try parseIf()
        case .name("for"): return try parseFor()
        case .name("while"):
            _ = advance()
            let test = try expression()
            let body = try block(after: "'while' statement", line: token.line)
            if isKeyword("else") { throw notPart("`else` after a loop") }
            return add(PyStmt(kind: .whileLoop, expressions: [test], bodies: [body], span: token.span, line: token.line))
        case .name("def"): throw notPart("a `def` inside a function", token)
        case .name("elif"), .name("else"): throw fail("SyntaxError: `\(firstWord(token))` without a matching `if`")
        case .name("import"), .name("from"): throw notPart("an `import` inside a function", token)
        default:
            let statement = try simpleStatement()
            while isOp(";") {
                _ = advance()
                if current.kind == .newline { break }
                _ = try simpleStatement()
                throw notPart("several statements on one line (`;`)", token)
            }
            try endOfStatement()
            return statement
        }
    }

    mutating func endOfStatement() throws(Diagnostic) {
        if isOp(";") { _ = advance() }
        guard current.kind == .newline || current.kind == .end || current.kind == .dedent else {
            throw fail("SyntaxError: unexpected \(describe(current)) after the statement")
        }
        if current.kind == .newline { _ = advance() }
    }

    mutating func parseIf() throws(Diagnostic) -> Int32 {
        let start = advance()
        var tests: [Int32] = [try expression()]
        var bodies: [[Int32]] = [try block(after: "'if' statement", line: start.line)]
        while isKeyword("elif") {
            let elif = advance()
            tests.append(try expression())
            bodies.append(try block(after: "'elif' statement", line: elif.line))
        }
        var elseLine = 0
        if isKeyword("else") {
            let e = advance()
            elseLine = e.line
            bodies.append(try block(after: "'else' statement", line: e.line))
        }
        return add(PyStmt(kind: .conditional, expressions: tests, bodies: bodies, span: start.span, line: start.line, elseLine: elseLine))
    }

    mutating func parseFor() throws(Diagnostic) -> Int32 {
        let start = advance()
        let (variable, _) = try name("after `for`")
        if isOp(",") { throw notPart("unpacking in `for`") }
        guard isKeyword("in") else { throw fail("SyntaxError: expected `in` after `for \(variable)`") }
        _ = advance()
        let rangeToken = current
        guard isKeyword("range") else { throw notPart("a `for` loop over anything but `range(…)`", rangeToken) }
        let call = try expression()
        guard case .call("range") = module.expressions[Int(call)].kind else { throw notPart("a `for` loop over anything but `range(…)`", rangeToken) }
        let arguments = module.expressions[Int(call)].children
        guard (1...3).contains(arguments.count) else { throw fail("`range` takes 1 to 3 arguments, got \(arguments.count)", rangeToken) }
        let body = try block(after: "'for' statement", line: start.line)
        if isKeyword("else") { throw notPart("`else` after a loop") }
        return add(PyStmt(kind: .forRange(variable), expressions: arguments, bodies: [body], span: start.span, line: start.line))
    }

    mutating func simpleStatement() throws(Diagnostic) -> Int32 {
        let token = current
        switch token.kind {
        case .name("return"):
            _ = advance()
            if current.kind == .newline || current.kind == .end || isOp(";") {
                return add(PyStmt(kind: .returns, expressions: [], bodies: [], span: token.span, line: token.line))
            }
            let value = try expression()
            if isOp(",") { throw notPart("returning several values (a tuple)") }
            return add(PyStmt(kind: .returns, expressions: [value], bodies: [], span: token.span, line: token.line))
        case .name("pass"): _ = advance(); return add(PyStmt(kind: .pass, expressions: [], bodies: [], span: token.span, line: token.line))
        case .name("break"): _ = advance(); return add(PyStmt(kind: .breakLoop, expressions: [], bodies: [], span: token.span, line: token.line))
        case .name("continue"): _ = advance(); return add(PyStmt(kind: .continueLoop, expressions: [], bodies: [], span: token.span, line: token.line))
        case .name(let word) where PythonParser.unsupportedKeywords[word] != nil:
            throw notPart(PythonParser.unsupportedKeywords[word]!, token)
        case .string:
            _ = advance()
            if current.kind != .newline && current.kind != .end { throw notPart("a string", token) }
            return add(PyStmt(kind: .pass, expressions: [], bodies: [], span: token.span, line: token.line))
        default: break
        }
        let first = try expression()
        if isOp("=") {
            guard case .name(let target) = module.expressions[Int(first)].kind, !target.contains(".") else {
                throw notPart("assigning to anything but a name", token)
            }
            _ = advance()
            let value = try expression()
            if isOp("=") { throw notPart("chained assignment (`a = b = …`)") }
            if isOp(",") { throw notPart("a tuple") }
            return add(PyStmt(kind: .assign(target), expressions: [value], bodies: [], span: token.span, line: token.line))
        }
        if case .op(let o) = current.kind, ["+=", "-=", "*=", "/=", "**=", "//=", "%="].contains(o) {
            guard case .name(let target) = module.expressions[Int(first)].kind, !target.contains(".") else {
                throw notPart("assigning to anything but a name", token)
            }
            _ = advance()
            let value = try expression()
            return add(PyStmt(kind: .augmented(target, String(o.dropLast())), expressions: [value], bodies: [], span: token.span, line: token.line))
        }
        if isOp(",") { throw notPart("a tuple") }
        if isOp(":") { throw notPart("an annotation") }
        return add(PyStmt(kind: .expression, expressions: [first], bodies: [], span: token.span, line: token.line))
    }

    mutating func add(_ statement: PyStmt) -> Int32 {
        module.statements.append(statement)
        return Int32(module.statements.count - 1)
    }

    mutating func add(_ kind: PyExpr.Kind, _ children: [Int32], _ token: PyToken, end: PyToken? = nil) -> Int32 {
        let last = end ?? tokens[max(0, index - 1)]
        let length = max(token.span.length, last.span.start + last.span.length - token.span.start)
        module.expressions.append(PyExpr(kind: kind, children: children, span: SourceSpan(start: token.span.start, length: length), line: token.line))
        return Int32(module.expressions.count - 1)
    }

    func spanStart(_ e: Int32) -> PyToken {
        let x = module.expressions[Int(e)]
        return PyToken(kind: .newline, span: x.span, line: x.line)
    }
}
