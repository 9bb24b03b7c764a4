/// A token of the expression language, with the bytes it came from.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case number(Double)
        case identifier(String)
        case plus, minus, star, slash, caret, leftParen, rightParen, comma, equals
        /// `;`: the end of a statement.
        case separator
        /// A line break: the end of a statement, unless the statement is still open.
        case newline
        case end
    }

    var kind: Kind
    var span: SourceSpan

    /// How the token is quoted in messages.
    var quoted: String {
        switch kind {
        case .number(let x): "number `\(NumberFormat.shortest(x))`"
        case .identifier(let name): "`\(name)`"
        case .plus: "`+`"
        case .minus: "`-`"
        case .star: "`*`"
        case .slash: "`/`"
        case .caret: span.length == 2 ? "`**`" : "`^`"
        case .leftParen: "`(`"
        case .rightParen: "`)`"
        case .comma: "`,`"
        case .equals: "`=`"
        case .separator: "`;`"
        case .newline: "the end of the line"
        case .end: "the end of the input"
        }
    }
}

/// Splits program text into tokens, one at a time, working on UTF-8 bytes so that a
/// ten-megabyte generated program costs no more than reading it once.
struct Lexer {
    /// The longest identifier accepted: long enough for any real name, short enough to print.
    static let maxIdentifierLength = 255

    private let bytes: [UInt8]
    private var position = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// The next token; throws a ``Diagnostic`` for characters outside the language.
    mutating func next() throws(Diagnostic) -> Token {
        skipSpaceAndComments()
        guard position < bytes.count else { return Token(kind: .end, span: SourceSpan(start: bytes.count, length: 1)) }
        let start = position
        let byte = bytes[position]
        func single(_ kind: Token.Kind) -> Token {
            position += 1
            return Token(kind: kind, span: SourceSpan(start: start, length: 1))
        }
        switch byte {
        case UInt8(ascii: "+"): return single(.plus)
        case UInt8(ascii: "-"): return single(.minus)
        case UInt8(ascii: "*"):
            if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "*") {
                position += 2
                return Token(kind: .caret, span: SourceSpan(start: start, length: 2))
            }
            return single(.star)
        case UInt8(ascii: "/"): return single(.slash)
        case UInt8(ascii: "^"): return single(.caret)
        case UInt8(ascii: "("): return single(.leftParen)
        case UInt8(ascii: ")"): return single(.rightParen)
        case UInt8(ascii: ","): return single(.comma)
        case UInt8(ascii: "="): return single(.equals)
        case UInt8(ascii: ";"): return single(.separator)
        case UInt8(ascii: "\n"): return single(.newline)
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."): return try number()
        default:
            if byte.isIdentifierStart { return try identifier() }
            throw unexpectedCharacter(at: start)
        }
    }

    private mutating func skipSpaceAndComments() {
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") {
                position += 1
            } else if byte == UInt8(ascii: "#") {
                while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
            } else {
                return
            }
        }
    }

    private mutating func number() throws(Diagnostic) -> Token {
        let start = position
        var sawDigit = false
        while position < bytes.count, bytes[position].isDigit { position += 1; sawDigit = true }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            while position < bytes.count, bytes[position].isDigit { position += 1; sawDigit = true }
        }
        guard sawDigit else {
            throw Diagnostic("malformed number: a `.` needs digits", at: SourceSpan(start: start, length: position - start))
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            // `2e` followed by a letter is not an exponent, but `2e3` and `2e-3` are.
            var look = position + 1
            if look < bytes.count, bytes[look] == UInt8(ascii: "+") || bytes[look] == UInt8(ascii: "-") { look += 1 }
            if look < bytes.count, bytes[look].isDigit {
                position = look
                while position < bytes.count, bytes[position].isDigit { position += 1 }
            } else if look > position + 1 || look >= bytes.count || !bytes[look].isIdentifierContinue {
                throw Diagnostic(
                    "malformed number: the exponent has no digits",
                    at: SourceSpan(start: start, length: look - start), hint: "write `1e-3` for 0.001")
            }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            var end = position
            while end < bytes.count, bytes[end].isDigit || bytes[end] == UInt8(ascii: ".") { end += 1 }
            throw Diagnostic("malformed number: more than one `.`", at: SourceSpan(start: start, length: end - start))
        }
        let span = SourceSpan(start: start, length: position - start)
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard let value = Double(text) else { throw Diagnostic("malformed number", at: span) }
        guard value.isFinite else {
            throw Diagnostic("number is too large for a Double (the largest is about 1.8e308)", at: span)
        }
        return Token(kind: .number(value), span: span)
    }

    private mutating func identifier() throws(Diagnostic) -> Token {
        let start = position
        while position < bytes.count, bytes[position].isIdentifierContinue { position += 1 }
        let span = SourceSpan(start: start, length: position - start)
        guard span.length <= Lexer.maxIdentifierLength else {
            throw Diagnostic(
                "identifier is too long (\(span.length) characters; the limit is \(Lexer.maxIdentifierLength))",
                at: SourceSpan(start: start, length: 1))
        }
        return Token(kind: .identifier(String(decoding: bytes[start..<position], as: UTF8.self)), span: span)
    }

    private func unexpectedCharacter(at start: Int) -> Diagnostic {
        // Decode the whole character (an emoji is several bytes) so the message can show it.
        var end = start + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        let scalar = text.unicodeScalars.first.map { $0.value } ?? UInt32(bytes[start])
        let shown: String
        if scalar < 0x20 || scalar == 0x7F || text.contains("\u{FFFD}") {
            shown = "U+" + String(scalar, radix: 16, uppercase: true).leftPadded(to: 4, with: "0")
        } else {
            shown = "`\(text)`"
        }
        var hint: String?
        switch text {
        case "×", "·", "∙": hint = "write `*` for a product"
        case "÷": hint = "write `/` for a quotient"
        case "−", "–": hint = "write `-` (the ASCII minus) for a difference"
        case "π": hint = "write `pi`"
        case "²": hint = "write `^2` for a square"
        default: break
        }
        return Diagnostic("unexpected character \(shown)", at: SourceSpan(start: start, length: end - start), hint: hint)
    }
}

extension UInt8 {
    var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    var isIdentifierStart: Bool {
        (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z")) || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z"))
            || self == UInt8(ascii: "_")
    }
    var isIdentifierContinue: Bool { isIdentifierStart || isDigit }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = " ") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
