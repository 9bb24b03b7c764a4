/// A token of the Python subset: names, numbers, strings (docstrings), operators, and the
/// layout tokens Python's own tokenizer makes (NEWLINE, INDENT, DEDENT).
struct PyToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case name(String)
        /// A number literal; `isInteger` for `3`, not `3.0` or `3e0`.
        case number(Double, isInteger: Bool)
        case string
        /// An operator or punctuation: `(`, `**=`, `<=`, `:`.
        case op(String)
        case newline, indent, dedent, end
    }

    var kind: Kind
    var span: SourceSpan
    /// The 1-based line the token starts on.
    var line: Int
}

/// Python's tokenizer, for the subset: indentation becomes INDENT/DEDENT tokens, line breaks
/// inside brackets and after `\` join lines, comments vanish. Errors read like Python's.
struct PythonLexer {
    private let bytes: [UInt8]
    private var position = 0
    private var line = 1
    private var indents: [Int] = [0]
    private var depth = 0
    private var atLineStart = true
    private(set) var tokens: [PyToken] = []

    /// The three-character and two-character operators, longest first.
    private static let operators3 = ["**=", "//=", "...", ">>=", "<<="]
    private static let operators2 = ["**", "//", "<=", ">=", "==", "!=", "+=", "-=", "*=", "/=", "%=", "->", ":=", "<<", ">>", "&=", "|=", "^=", "@="]

    init(_ text: String) { bytes = Array(text.utf8) }

    /// All tokens of `text`; throws a diagnostic at the first error.
    static func tokenize(_ text: String) throws(Diagnostic) -> [PyToken] {
        var lexer = PythonLexer(text)
        try lexer.run()
        return lexer.tokens
    }

    private mutating func add(_ kind: PyToken.Kind, _ start: Int, _ length: Int) {
        tokens.append(PyToken(kind: kind, span: SourceSpan(start: start, length: max(length, 1)), line: line))
    }

    private mutating func run() throws(Diagnostic) {
        while position < bytes.count {
            if atLineStart && depth == 0 {
                if try indentation() { continue }
            }
            let byte = bytes[position]
            let start = position
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0C:
                position += 1
            case UInt8(ascii: "#"):
                while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
            case UInt8(ascii: "\n"):
                if depth == 0, let last = tokens.last, last.kind != .newline { add(.newline, start, 1) }
                position += 1
                line += 1
                atLineStart = depth == 0
            case UInt8(ascii: "\\"):
                position += 1
                while position < bytes.count, bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\r") { position += 1 }
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\n") else {
                    throw Diagnostic("unexpected character after line continuation character", at: SourceSpan(start: start, length: 1))
                }
                position += 1
                line += 1
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                try string()
            default:
                if byte.isPyDigit || (byte == UInt8(ascii: ".") && position + 1 < bytes.count && bytes[position + 1].isPyDigit) {
                    try number()
                } else if byte.isPyNameStart || byte >= 0x80 {
                    while position < bytes.count, bytes[position].isPyNameContinue || bytes[position] >= 0x80 { position += 1 }
                    add(.name(String(decoding: bytes[start..<position], as: UTF8.self)), start, position - start)
                } else {
                    try punctuation()
                }
            }
        }
        if let last = tokens.last, last.kind != .newline { add(.newline, position, 1) }
        for _ in indents.dropFirst() { add(.dedent, position, 1) }
        add(.end, position, 1)
    }

    /// Measures a line's indentation; true if the line was blank or a comment (skipped whole).
    private mutating func indentation() throws(Diagnostic) -> Bool {
        let start = position
        var width = 0
        while position < bytes.count {
            if bytes[position] == UInt8(ascii: " ") { width += 1 } else if bytes[position] == UInt8(ascii: "\t") { width = (width / 8 + 1) * 8 } else { break }
            position += 1
        }
        atLineStart = false
        if position >= bytes.count || bytes[position] == UInt8(ascii: "\n") || bytes[position] == UInt8(ascii: "#") || bytes[position] == UInt8(ascii: "\r") {
            // A blank or comment line says nothing about indentation.
            while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
            if position < bytes.count { position += 1; line += 1 }
            atLineStart = true
            return true
        }
        let current = indents.last ?? 0
        if width > current {
            indents.append(width)
            add(.indent, start, position - start)
        } else if width < current {
            while let top = indents.last, top > width {
                indents.removeLast()
                add(.dedent, position, 1)
            }
            if indents.last != width {
                throw Diagnostic(
                    "IndentationError: unindent does not match any outer indentation level",
                    at: SourceSpan(start: start, length: max(1, position - start)))
            }
        }
        return false
    }

    private mutating func number() throws(Diagnostic) {
        let start = position
        var isInteger = true
        func digits(_ p: inout Int, _ bytes: [UInt8]) { while p < bytes.count, bytes[p].isPyDigit || bytes[p] == UInt8(ascii: "_") { p += 1 } }
        if bytes[position] == UInt8(ascii: "0"), position + 1 < bytes.count,
            [UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "o"), UInt8(ascii: "O"), UInt8(ascii: "b"), UInt8(ascii: "B")].contains(bytes[position + 1])
        {
            let radix = [UInt8(ascii: "x"), UInt8(ascii: "X")].contains(bytes[position + 1]) ? 16 : [UInt8(ascii: "o"), UInt8(ascii: "O")].contains(bytes[position + 1]) ? 8 : 2
            position += 2
            while position < bytes.count, bytes[position].isPyNameContinue { position += 1 }
            let text = String(decoding: bytes[(start + 2)..<position], as: UTF8.self).replacingOccurrences(of: "_", with: "")
            guard let value = Int(text, radix: radix) else { throw Diagnostic("SyntaxError: invalid number literal", at: SourceSpan(start: start, length: position - start)) }
            add(.number(Double(value), isInteger: true), start, position - start)
            return
        }
        digits(&position, bytes)
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            digits(&position, bytes)
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            var look = position + 1
            if look < bytes.count, bytes[look] == UInt8(ascii: "+") || bytes[look] == UInt8(ascii: "-") { look += 1 }
            if look < bytes.count, bytes[look].isPyDigit {
                isInteger = false
                position = look
                digits(&position, bytes)
            }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "j") || bytes[position] == UInt8(ascii: "J") {
            throw Diagnostic("adviz reads scalar Python: a complex number is not part of it (line \(line))", at: SourceSpan(start: start, length: position + 1 - start))
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self).replacingOccurrences(of: "_", with: "")
        guard let value = Double(text) else { throw Diagnostic("SyntaxError: invalid number literal", at: SourceSpan(start: start, length: position - start)) }
        add(.number(value, isInteger: isInteger), start, position - start)
    }

    /// A string literal (single, double or triple quoted), read over and kept as `.string`:
    /// the parser accepts it only as a docstring.
    private mutating func string() throws(Diagnostic) {
        let start = position, startLine = line
        let quote = bytes[position]
        let triple = position + 2 < bytes.count && bytes[position + 1] == quote && bytes[position + 2] == quote
        position += triple ? 3 : 1
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\\") { position += 2; continue }
            if b == UInt8(ascii: "\n") {
                guard triple else { throw Diagnostic("SyntaxError: unterminated string literal (detected at line \(line))", at: SourceSpan(start: start, length: 1)) }
                line += 1
            }
            if b == quote {
                if !triple { position += 1; tokens.append(PyToken(kind: .string, span: SourceSpan(start: start, length: position - start), line: startLine)); return }
                if position + 2 < bytes.count, bytes[position + 1] == quote, bytes[position + 2] == quote {
                    position += 3
                    tokens.append(PyToken(kind: .string, span: SourceSpan(start: start, length: position - start), line: startLine))
                    return
                }
            }
            position += 1
        }
        throw Diagnostic("SyntaxError: unterminated \(triple ? "triple-quoted " : "")string literal (detected at line \(line))", at: SourceSpan(start: start, length: 1))
    }

    private mutating func punctuation() throws(Diagnostic) {
        let start = position
        for candidates in [PythonLexer.operators3, PythonLexer.operators2] {
            for op in candidates where position + op.utf8.count <= bytes.count && Array(op.utf8) == Array(bytes[position..<(position + op.utf8.count)]) {
                position += op.utf8.count
                add(.op(op), start, op.utf8.count)
                return
            }
        }
        let single = String(decoding: [bytes[position]], as: UTF8.self)
        guard "()[]{},:.;=+-*/%<>@&|^~!".contains(single) else {
            throw Diagnostic("SyntaxError: invalid character `\(single)`", at: SourceSpan(start: start, length: 1))
        }
        position += 1
        if "([{".contains(single) { depth += 1 }
        if ")]}".contains(single) { depth = max(0, depth - 1) }
        add(.op(single), start, 1)
    }
}

extension UInt8 {
    var isPyDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    var isPyNameStart: Bool {
        (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z")) || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z")) || self == UInt8(ascii: "_")
    }
    var isPyNameContinue: Bool { isPyNameStart || isPyDigit }
}
