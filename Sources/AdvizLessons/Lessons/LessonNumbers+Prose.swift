import Foundation
import AdvizCore

extension LessonNumbers {
    /// A number in prose that contradicts the program: where it is (characters into the text)
    /// and why.
    public struct Problem: Sendable, Equatable {
        /// The reason, lowercase (`0.9999 is not v̄₀ = 0.4837`).
        public var message: String
        /// The offending text's first character, counted in Characters from the text's start.
        public var offset: Int
        /// The offending text, as written.
        public var written: String
    }

    /// The problems in one piece of prose (a narration, question or answer), held to `quantities`.
    public static func problems(in text: String, quantities: [String: [Double]], shown: [Double] = []) -> [Problem] {
        var chars = Array(text)
        var problems: [Problem] = []
        maskCode(&chars)
        // `{{name}}` stands for a quantity (checked that it exists), `{{31}}` for a free number.
        for (range, inner) in placeholders(chars) {
            let trimmed = inner.trimmingCharacters(in: .whitespaces)
            if number(Substring(trimmed)) == nil, quantities[key(trimmed)] == nil {
                problems.append(Problem(message: "`{{\(trimmed)}}` names no quantity of the program at this step", offset: range.lowerBound, written: String(chars[range])))
            }
            for i in range { chars[i] = " " }
        }
        for run in mathRuns(chars) {
            problems += check(run: String(chars[run]), at: run.lowerBound, quantities, shown: shown)
        }
        return problems
    }

    /// `{{…}}` in `chars`, with what is inside.
    static func placeholders(_ chars: [Character]) -> [(Range<Int>, String)] {
        var result: [(Range<Int>, String)] = []
        var i = 0
        while i + 1 < chars.count {
            if chars[i] == "{", chars[i + 1] == "{", let end = (i + 2..<chars.count).first(where: { $0 + 1 < chars.count && chars[$0] == "}" && chars[$0 + 1] == "}" }) {
                result.append((i..<end + 2, String(chars[i + 2..<end])))
                i = end + 2
            } else {
                i += 1
            }
        }
        return result
    }

    /// Blanks code blocks and code spans: their numbers are code, not claims about the program.
    static func maskCode(_ chars: inout [Character]) {
        var i = 0
        var inFence = false
        var lineStart = true
        while i < chars.count {
            if lineStart, chars[i...].starts(with: "```") || chars[i...].starts(with: "~~~") { inFence.toggle() }
            lineStart = chars[i] == "\n"
            if inFence, chars[i] != "\n" {
                chars[i] = " "
            } else if chars[i] == "`", let end = chars[(i + 1)...].firstIndex(of: "`") {
                for k in i...end { chars[k] = " " }
                i = end
            }
            i += 1
        }
    }

    static let operatorCharacters: Set<Character> = ["=", "+", "−", "·", "*", "/", "^", "∂", "∇", "×", "√"]
    static let superscripts: [Character: Character] = [
        "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-",
    ]

    /// The runs of mathematics in prose: words that hold a digit, an operator or an accent,
    /// joined while they follow each other (`v̄₀ = 1·cos(5) + 0.1·2 = 0.4837`), without the
    /// punctuation that ends a sentence or a clause.
    static func mathRuns(_ chars: [Character]) -> [Range<Int>] {
        // Words, and where a new block starts (a list item, a blank line): no equation runs across one.
        var words: [Range<Int>] = []
        var breaksBefore = Set<Int>()
        var i = 0
        while i < chars.count {
            var sawBreak = false
            while i < chars.count, chars[i].isWhitespace {
                if chars[i] == "\n" {
                    var j = i + 1
                    while j < chars.count, chars[j] == " " { j += 1 }
                    if j >= chars.count || ["\n", "-", "*", "+", ">", "#", "|"].contains(chars[j]) { sawBreak = true }
                }
                i += 1
            }
            let start = i
            while i < chars.count, !chars[i].isWhitespace { i += 1 }
            if i > start {
                if sawBreak { breaksBefore.insert(words.count) }
                words.append(start..<i)
            }
        }
        func isMath(_ range: Range<Int>) -> Bool {
            let word = chars[range]
            let hasDigit = word.contains { $0.isASCII && $0.isNumber } || word.contains { superscripts[$0] != nil }
            let hasOperator = word.contains { operatorCharacters.contains($0) }
            let hasAccentOrSubscript = word.contains { c in c.unicodeScalars.contains { (0x300...0x36F).contains($0.value) || (0x2080...0x208B).contains($0.value) } }
            return hasDigit || hasOperator || hasAccentOrSubscript || word.allSatisfy { $0 == "-" }
        }
        var runs: [Range<Int>] = []
        var current: Range<Int>?
        for (index, word) in words.enumerated() {
            if breaksBefore.contains(index), let run = current {
                runs.append(run)
                current = nil
            }
            // A list's bullet, or a dash in prose, does not start an equation.
            if current == nil, chars[word].allSatisfy({ $0 == "-" }) { continue }
            if isMath(word) {
                current = current.map { $0.lowerBound..<word.upperBound } ?? word
                // A clause ends at `,`/`;`/`:`/`.` closing a word (not a vector's `(0.5, 0.48)`).
                if let last = chars[word].last, [";", ":", "."].contains(last) || (last == "," && depth(chars[current!]) == 0) {
                    runs.append(current!)
                    current = nil
                }
            } else if let run = current {
                runs.append(run)
                current = nil
            }
        }
        if let current { runs.append(current) }
        return runs.map { range in
            var end = range.upperBound
            while end > range.lowerBound, [".", ",", ";", ":", "!", "?", "”", "\"", "'"].contains(chars[end - 1]) { end -= 1 }
            var start = range.lowerBound
            while start < end, ["“", "\"", "'"].contains(chars[start]) { start += 1 }
            return start..<end
        }.filter { !$0.isEmpty }
    }

    /// Open parentheses not yet closed.
    static func depth(_ text: ArraySlice<Character>) -> Int {
        text.reduce(0) { $0 + ($1 == "(" ? 1 : $1 == ")" ? -1 : 0) }
    }

    /// One run: its `=` chain held to one value, or its long numbers to some quantity.
    static func check(run: String, at offset: Int, _ quantities: [String: [Double]], shown: [Double]) -> [Problem] {
        let segments = splitTopLevel(run, on: "=")
        if segments.count == 1 {
            // A lone number of four or more digits must be one of the program's quantities.
            var problems: [Problem] = []
            for (range, written) in numbers(in: run) where !written.isExact && written.digits >= 4 {
                let matches = quantities.values.contains { $0.contains { agrees(written, $0) } } || shown.contains { agrees(written, $0) }
                if !matches {
                    problems.append(Problem(
                        message: "\(run[range]) is no quantity of the program at this step (mark a free number as `{{\(run[range])}}`)",
                        offset: offset + run.distance(from: run.startIndex, to: range.lowerBound), written: String(run[range])))
                }
            }
            return problems
        }
        let evaluated = segments.map { evaluate($0.text, quantities) }
        // The chain's value: its first quantity's, else its most precise written number.
        let named = zip(segments, evaluated).first { segment, value in value != nil && quantities[key(segment.text.trimmingCharacters(in: .whitespaces))] != nil }
        let reference: [Double]
        let referenceName: String?
        // A written reference is only as precise as its digits.
        var referenceDigits: Int?
        if let named {
            reference = named.1!.values
            referenceName = named.0.text.trimmingCharacters(in: .whitespaces)
        } else if let precise = zip(segments, evaluated).compactMap({ $0.1?.isLiteral == true ? $0.1 : nil }).max(by: { $0.digits < $1.digits }) {
            reference = precise.values
            referenceName = nil
            referenceDigits = precise.isExact ? nil : precise.digits
        } else {
            return []
        }
        var problems: [Problem] = []
        for (segment, value) in zip(segments, evaluated) {
            guard let value, value.values.count == reference.count else { continue }
            let ok = zip(value.values, reference).allSatisfy { v, r in
                if v.isNaN && r.isNaN { return true }
                // Outside a rule's domain the trace writes NaN for a formula that would give a number.
                if r.isNaN, !value.isLiteral { return true }
                if value.isLiteral { return agrees(Written(value: v, digits: value.digits, isExact: value.isExact), r) }
                if let referenceDigits, agrees(Written(value: r, digits: referenceDigits, isExact: false), v) { return true }
                // Rounded operands carry their rounding into the result: relative to the largest of them
                // where they cancel (`(-0.1) + 0.1` is 2.8e-17 from operands written to one digit).
                let tolerance = value.isExact ? 1e-9 : 0.6 * pow(10, Double(1 - value.digits))
                return v == r || Swift.abs(v - r) <= tolerance * Swift.max(Swift.abs(r), Swift.abs(v), value.magnitude) + 1e-300
            }
            if !ok {
                let truth = reference.map { NumberFormat(significantDigits: 6).string($0) }
                let shown = truth.count == 1 ? truth[0] : "(" + truth.joined(separator: ", ") + ")"
                let text = segment.text.trimmingCharacters(in: .whitespaces)
                problems.append(Problem(
                    message: "\(text) is not \(referenceName.map { "\($0) = " } ?? "")\(shown)" + (referenceName == nil ? ", the rest of its equation" : ""),
                    offset: offset + segment.offset + (segment.text.count - segment.text.drop(while: \.isWhitespace).count), written: text))
            }
        }
        return problems
    }

    /// `text` split at `separator` outside parentheses, each part with its offset in characters.
    static func splitTopLevel(_ text: String, on separator: Character) -> [(text: String, offset: Int)] {
        var parts: [(String, Int)] = []
        var current = "", start = 0, depth = 0, i = 0
        for c in text {
            if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
            if c == separator, depth == 0 {
                parts.append((current, start))
                current = ""
                start = i + 1
            } else {
                current.append(c)
            }
            i += 1
        }
        parts.append((current, start))
        return parts
    }

    /// The plain numbers in `text` (not subscripts of names, not exponents written as superscripts).
    static func numbers(in text: String) -> [(Range<String.Index>, Written)] {
        var result: [(Range<String.Index>, Written)] = []
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            let previous = i > text.startIndex ? text[text.index(before: i)] : " "
            let startsNumber = c.isASCII && c.isNumber && !(previous.isLetter || previous.isNumber || previous == "." || previous == "_")
            guard startsNumber else { i = text.index(after: i); continue }
            var start = i
            if previous == "-" || previous == "−" {
                let before = text.index(before: i)
                let earlier = before > text.startIndex ? text[text.index(before: before)] : " "
                if earlier == " " || earlier == "(" || earlier == "," { start = before }
            }
            var end = i
            while end < text.endIndex, text[end].isASCII, text[end].isNumber || text[end] == "." { end = text.index(after: end) }
            if end < text.endIndex, text[end] == "e", let next = text.index(end, offsetBy: 1, limitedBy: text.endIndex), next < text.endIndex, text[next].isNumber || text[next] == "-" {
                end = text.index(after: next)
                while end < text.endIndex, text[end].isNumber { end = text.index(after: end) }
            }
            var literal = text[start..<end]
            if literal.last == "." { literal = literal.dropLast() }
            if let written = number(literal) { result.append((start..<literal.endIndex, written)) }
            i = end
        }
        return result
    }

    /// A segment's value(s): a written number, a vector `(0.5, 0.4837)`, or an expression over
    /// numbers and quantity names; nil where it is not one (a word, an unknown name).
    struct SegmentValue {
        var values: [Double]
        /// A number as written, alone (or a vector of them).
        var isLiteral: Bool
        /// The fewest significant digits among its inexact numbers.
        var digits: Int
        /// Whether every number in it is exact as written.
        var isExact: Bool
        /// The largest magnitude of a number written in it.
        var magnitude: Double = 0
    }

    static func evaluate(_ segment: String, _ quantities: [String: [Double]]) -> SegmentValue? {
        var text = segment.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        if let value = quantities[key(text)] { return SegmentValue(values: value, isLiteral: false, digits: 17, isExact: true) }
        // `∇f(2, 5)`: a gradient written with its point.
        if text.hasPrefix("∇") || text.hasPrefix("∂"), text.hasSuffix(")"), let open = text.firstIndex(of: "("),
           let value = quantities[key(String(text[..<open]))] {
            return SegmentValue(values: value, isLiteral: false, digits: 17, isExact: true)
        }
        var components = [text]
        if text.hasPrefix("("), text.hasSuffix(")") {
            let inner = String(text.dropFirst().dropLast())
            let parts = splitTopLevel(inner, on: ",")
            if parts.count > 1 {
                components = parts.map(\.text)
                text = inner
            }
        }
        var values: [Double] = []
        var isLiteral = true, digits = 17, isExact = true
        for component in components {
            let trimmed = component.trimmingCharacters(in: .whitespaces)
            if let written = number(Substring(trimmed)) {
                values.append(written.value)
                digits = Swift.min(digits, written.isExact ? Swift.max(written.digits, 4) : written.digits)
                isExact = false
                continue
            }
            isLiteral = false
            if let value = quantities[key(trimmed)], value.count == 1 {
                values.append(value[0])
                continue
            }
            guard let (expression, least) = expressionText(trimmed, quantities), let graph = try? Graph(parsing: expression),
                  graph.inputCount == 0, graph.outputCount == 1 else { return nil }
            values.append(PrimalSweep.run(graph, at: []).outputValues(of: graph)[0])
            if let least { digits = Swift.min(digits, least); isExact = false }
        }
        let magnitude = numbers(in: text).map { Swift.abs($0.1.value) }.max() ?? 0
        return SegmentValue(values: values, isLiteral: isLiteral, digits: digits, isExact: isExact, magnitude: magnitude)
    }

    /// The segment in adviz's language with every quantity's name replaced by its value, and the
    /// fewest significant digits of its inexact numbers; nil where a name is unknown.
    static func expressionText(_ text: String, _ quantities: [String: [Double]]) -> (String, Int?)? {
        let chars = Array(text)
        var out = "", least: Int? = nil
        var i = 0
        func isNamePart(_ c: Character) -> Bool {
            c.isLetter || (c.isASCII && c.isNumber) || c.unicodeScalars.contains { (0x300...0x36F).contains($0.value) || (0x2080...0x208B).contains($0.value) }
        }
        while i < chars.count {
            let c = chars[i]
            if c == " " { i += 1; continue }
            if let digit = superscripts[c] {
                var exponent = String(digit)
                i += 1
                while i < chars.count, let more = superscripts[chars[i]] { exponent.append(more); i += 1 }
                out += "^(\(exponent))"
                continue
            }
            if c.isASCII && c.isNumber || c == "." {
                var j = i
                while j < chars.count, chars[j].isASCII && chars[j].isNumber || chars[j] == "." || (chars[j] == "e" && j + 1 < chars.count && (chars[j + 1].isNumber || chars[j + 1] == "-")) {
                    if chars[j] == "e" { j += 1 }
                    j += 1
                }
                let literal = String(chars[i..<j])
                guard let written = number(Substring(literal)) else { return nil }
                // An integer is read to four digits at least (the trace writes 1.00018 as `1`).
                least = Swift.min(least ?? 17, written.isExact ? Swift.max(written.digits, 4) : written.digits)
                out += literal
                i = j
                continue
            }
            if c.isLetter || c == "∂" || c == "∇" {
                var j = i + 1
                while j < chars.count, isNamePart(chars[j]) { j += 1 }
                // `∂v₃/∂v₀` is one name; so is `v-1` written in ASCII.
                if c == "∂", j + 1 < chars.count, chars[j] == "/", chars[j + 1] == "∂" {
                    j += 2
                    while j < chars.count, isNamePart(chars[j]) { j += 1 }
                }
                if j < chars.count - 1, chars[j] == "-", chars[j + 1].isNumber, String(chars[i..<j]).unicodeScalars.first == "v", j - i <= 2 {
                    j += 1
                    while j < chars.count, chars[j].isNumber { j += 1 }
                }
                let name = String(chars[i..<j])
                if j < chars.count, chars[j] == "(", Op.function(named: name) != nil {
                    out += name
                } else if let value = quantities[key(name)], value.count == 1 {
                    out += "(\(value[0]))"
                } else if name == "pi" || name == "π" {
                    out += "pi"
                } else {
                    return nil
                }
                i = j
                continue
            }
            switch c {
            case "·", "×", "*": out += "*"
            case "−", "-": out += "-"
            case "+", "/", "^", "(", ")": out.append(c)
            default: return nil
            }
            i += 1
        }
        return (out, least)
    }
}
