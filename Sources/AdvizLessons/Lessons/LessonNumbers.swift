import Foundation
import AdvizCore

/// The numbers a lesson writes, held to its program: `lesson check` fails a narration, question
/// or answer whose number contradicts the quantity it stands for.
///
/// What is checked, at each step, against the trace of the step's program and point:
/// - **Equations**: a chain `v̄₀ = v̄₃·∂v₃/∂v₀ + v̄₁·∂v₁/∂v₀ = 1·cos(5) + 0.1·2 = 0.4837` is
///   read segment by segment. Names of quantities (`v₁`, `v̇₂`, `v̄₀`, `∂v₃/∂v₀`, the inputs,
///   statements and outputs, `ȳ`, `∂y/∂x1`, `∇y`) stand for their values; each segment that can
///   be evaluated must give the chain's value, a written number to its last digit. The chain's
///   value is its first quantity's, else its most precise number.
/// - **Lone numbers** with four or more significant digits (`0.2837`) must be the value of some
///   quantity of the program, to the digits written.
/// - Numbers in code spans and code blocks are not read. `{{v̄₀}}` writes a quantity by name
///   (the player, slideshow and served page fill it in, so it never goes stale), and `{{31}}`
///   marks a number as free: it is shown as written and not checked.
public enum LessonNumbers {
    /// A quantity's names, normalised: subscripts and `−` as ASCII, spaces removed (`v̄-1`).
    static func key(_ name: String) -> String {
        var out = ""
        for scalar in name.unicodeScalars {
            switch scalar.value {
            case 0x2080...0x2089: out.unicodeScalars.append(Unicode.Scalar(scalar.value - 0x2080 + 0x30)!)
            case 0x208B, 0x2212: out += "-"
            case 0x20, 0x0A: break
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Every quantity of `trace` a lesson may name, by ``key(_:)``: values, tangents, adjoints,
    /// local partials, inputs, statements, outputs, seeds, gradient and Jacobian entries.
    public static func quantities(_ trace: Trace) -> [String: [Double]] {
        let graph = trace.graph
        var q: [String: [Double]] = [:]
        func add(_ name: String, _ value: Double) { q[key(name)] = [value] }
        for i in graph.nodes.indices where !graph.isConstant(i) {
            add(trace.symbol(of: i), trace.evaluation.values[i])
            if let t = trace.tangents { add(trace.symbol(of: i, accent: .dot), t[i]) }
            if let a = trace.adjoints { add(trace.symbol(of: i, accent: .bar), a[i]) }
            if let name = graph.statementNames[i] { add(name, trace.evaluation.values[i]) }
        }
        for partial in trace.edgePartials() {
            add(trace.rendered(partial).label, partial.value)
        }
        for (k, name) in graph.inputNames.enumerated() {
            add(name, trace.point[k])
            add(MathName.symbol(name, accent: .dot, style: .text), trace.seed[k])
        }
        let functionNames = graph.outputCount == 1 ? ["f"] : ["F"]
        for (k, output) in graph.outputs.enumerated() {
            add(output.name, trace.outputValues[k])
            add(MathName.symbol(output.name, accent: .bar, style: .text), trace.outputSeed[k])
            let row = trace.reverseJacobian.matrix[k]
            for name in [output.name] + (k == 0 ? functionNames : []) {
                q[key("∇" + name)] = row
                for (j, input) in graph.inputNames.enumerated() {
                    add("∂\(name)/∂\(input)", row[j])
                }
            }
        }
        if graph.outputCount == 1 { add("f", trace.outputValues[0]) }
        return q
    }

    // MARK: Reading prose

    /// A number as written: its value and how many significant digits it gives.
    struct Written {
        var value: Double
        var digits: Int
        /// Whether it has no decimal point or exponent (an integer: never a lone number to check).
        var isExact: Bool
    }

    /// Reads `text` (one number, `−0.9589`, `1.5e-7`) if it is one.
    static func number(_ text: Substring) -> Written? {
        var s = String(text).replacingOccurrences(of: "−", with: "-")
        if s.hasPrefix("+") { s.removeFirst() }
        guard let value = Double(s), value.isFinite, s.first.map({ $0.isNumber || $0 == "-" || $0 == "." }) == true else { return nil }
        let mantissa = s.split(whereSeparator: { $0 == "e" || $0 == "E" }).first ?? ""
        let digits = mantissa.filter(\.isNumber).drop { $0 == "0" }.count
        return Written(value: value, digits: Swift.max(digits, 1), isExact: !s.contains(".") && !s.lowercased().contains("e"))
    }

    /// Whether `written` is `value` to the digits written. An integer is read to at least four
    /// significant digits: the trace's format writes 1.00018 as `1` (trailing zeros dropped).
    static func agrees(_ written: Written, _ value: Double) -> Bool {
        if written.value == value { return true }
        guard value.isFinite else { return false }
        let digits = written.isExact ? Swift.max(written.digits, 4) : written.digits
        let magnitude = written.value == 0 ? 0 : floor(log10(Swift.abs(written.value)))
        let unit = pow(10, magnitude - Double(digits - 1))
        return Swift.abs(written.value - value) <= 0.5 * unit * (1 + 1e-9) + 1e-300
    }
}

extension LessonNumbers {
    /// Every number in `lesson`'s introduction, narrations, questions and answers that
    /// contradicts its step's program, as errors pointing into the file.
    public static func problems(_ lesson: Lesson, frames: [LessonFrame]) -> [AdvizError] {
        var errors: [AdvizError] = []
        let source = lesson.source.text
        func report(_ problems: [Problem], in text: String, searchingFrom start: Int) {
            let chars = Array(text)
            for problem in problems {
                // The problem's line of prose, found in the file after `start`.
                let lineStart = chars[..<problem.offset].lastIndex(of: "\n").map { $0 + 1 } ?? 0
                let lineEnd = chars[problem.offset...].firstIndex(of: "\n") ?? chars.count
                let line = String(chars[lineStart..<lineEnd])
                let column = String(chars[lineStart..<problem.offset]).utf8.count
                var span = SourceSpan(start: start, length: 1)
                let utf8 = Array(source.utf8)
                if let found = find(Array(line.utf8), in: utf8, from: start) {
                    span = SourceSpan(start: found + column, length: Swift.max(1, problem.written.utf8.count))
                } else if let found = find(Array(problem.written.utf8), in: utf8, from: start) {
                    span = SourceSpan(start: found, length: Swift.max(1, problem.written.utf8.count))
                }
                errors.append(.input(Diagnostic(problem.message, at: span, hint: nil), lesson.source))
            }
        }
        // A lone number may be any quantity the lesson has shown so far (a value before a step of
        // gradient descent, say); an equation is held to its step's own program.
        var shown: [Double] = []
        if let first = frames.first, let trace = first.trace {
            report(problems(in: lesson.introduction, quantities: quantities(trace)), in: lesson.introduction, searchingFrom: 0)
        }
        for (frame, step) in zip(frames, lesson.steps) {
            guard let trace = frame.trace else { continue }
            let q = quantities(trace)
            shown += q.values.joined()
            report(problems(in: step.narration, quantities: q, shown: shown), in: step.narration, searchingFrom: step.span.start)
            for key in ["question", "answer"] {
                let text = key == "question" ? step.action?.question : step.action?.answer
                guard let text, let span = step.action?.spans[key] else { continue }
                report(problems(in: text, quantities: q, shown: shown), in: text, searchingFrom: span.start)
            }
        }
        return errors
    }

    /// Where `needle` first occurs in `haystack` at or after `start`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var i = start
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0], haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// `text` with each `{{name}}` replaced by the quantity's value in `format`, and `{{31}}` by `31`
    /// (unknown names are left as written: `lesson check` reports them).
    public static func fill(_ text: String, quantities: [String: [Double]], format: NumberFormat) -> String {
        guard text.contains("{{") else { return text }
        let chars = Array(text)
        var out = "", last = 0
        for (range, inner) in placeholders(chars) {
            out += String(chars[last..<range.lowerBound])
            let trimmed = inner.trimmingCharacters(in: .whitespaces)
            if number(Substring(trimmed)) != nil {
                out += trimmed
            } else if let values = quantities[key(trimmed)] {
                let written = values.map { format.string($0) }
                out += written.count == 1 ? written[0] : "(" + written.joined(separator: ", ") + ")"
            } else {
                out += String(chars[range])
            }
            last = range.upperBound
        }
        return out + String(chars[last...])
    }
}
