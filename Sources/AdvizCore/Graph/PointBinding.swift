/// Binds the text of `--at` (and `--seed`) to a graph's inputs.
///
/// `2,5` binds by position, in the inputs' natural order; `x2=5,x1=2` binds by name.
/// A value may be any constant expression: `pi/4`, `-1e-3`, `sqrt(2)`.
public enum PointBinding {
    /// The values of `text` for `names`, in the order of `names`. `what` names the text in
    /// messages (the command line passes `--at`, a lesson its `at` key). Throws an invalid-argument error naming the variable at fault.
    ///
    /// With `unnamedAreZero` (a seed: `--seed w1=1`, `--ybar y2=1`), names left out of a
    /// named binding get 0, the direction's other components; a point needs every value.
    /// `kind` says what the names are (`input`, `output`) in messages.
    public static func bind(
        _ text: String, to names: [String], what: ErrorMessage = "the point", kind: String = "input", unnamedAreZero: Bool = false
    ) throws(AdvizError) -> [Double] {
        let parts = splitTopLevel(text)
        if names.isEmpty, !parts.allSatisfy({ $0.trimmed.isEmpty }) {
            throw .invalidArgument("\(what) gives values, but the program has no \(kind)s; leave \(what) out")
        }
        if let empty = parts.firstIndex(where: { $0.trimmed.isEmpty }), parts.count > 1 {
            throw .invalidArgument("\(what) has an empty value (value \(empty + 1) of \(parts.count), between two commas)")
        }
        if parts.count == 1, parts[0].trimmed.isEmpty {
            if names.isEmpty { return [] }
            throw .invalidArgument("\(what) is empty; expected \(names.count) value\(names.count == 1 ? "" : "s") for \(listing(names))")
        }
        let named = parts.map { $0.contains("=") }
        if named.contains(true) && named.contains(false) {
            throw .invalidArgument("\(what) mixes positional and named values; write either `2,5` or `x1=2,x2=5`")
        }
        if named.allSatisfy({ $0 }) {
            var values = [Double?](repeating: nil, count: names.count)
            for part in parts {
                let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { String($0).trimmed }
                guard let name = pieces.first, !name.isEmpty else {
                    throw .invalidArgument("\(what) has a value with no name (`\(part.trimmed)`); write `name=value`")
                }
                guard let index = names.firstIndex(of: name) else {
                    let hint = Suggestion.closest(to: name, among: names).map { "; did you mean `\($0)`?" } ?? ""
                    throw .invalidArgument(
                        "\(what) names `\(name)`, which is not an \(kind)\(hint) (the \(kind)s are \(listing(names)))")
                }
                guard values[index] == nil else { throw .invalidArgument("\(what) gives `\(name)` twice") }
                values[index] = try number(pieces.count > 1 ? pieces[1] : "", for: name, what: what)
            }
            let missing = names.indices.filter { values[$0] == nil }.map { names[$0] }
            if unnamedAreZero { return values.map { $0 ?? 0 } }
            guard missing.isEmpty else {
                throw .invalidArgument("\(what) has no value for \(listing(missing)); expected values for \(listing(names))")
            }
            return values.map { $0! }
        }
        guard parts.count == names.count else {
            let expected = "expected \(names.count) value\(names.count == 1 ? "" : "s"), for \(listing(names)) in that order"
            if parts.count < names.count {
                let missing = names[parts.count...]
                throw .invalidArgument("\(what) has \(parts.count) value\(parts.count == 1 ? "" : "s"); \(expected) (missing: \(listing(Array(missing))))")
            }
            throw .invalidArgument("\(what) has \(parts.count) values, \(parts.count - names.count) too many; \(expected)")
        }
        return try zip(parts, names).map { (part, name) throws(AdvizError) in try number(part, for: name, what: what) }
    }

    /// The value of a constant expression such as `2`, `-0.5`, `pi/4`.
    static func number(_ text: String, for name: String, what: ErrorMessage) throws(AdvizError) -> Double {
        let text = text.trimmed
        guard !text.isEmpty else { throw .invalidArgument("\(what) has no value for `\(name)`") }
        let value: Double
        if let plain = Double(text) {
            value = plain
        } else {
            guard let graph = try? Graph(parsing: text), graph.inputCount == 0, graph.outputCount == 1 else {
                throw .invalidArgument("\(what) value `\(text)` for `\(name)` is not a number")
            }
            value = PrimalSweep.run(graph, at: []).outputValues(of: graph)[0]
        }
        guard value.isFinite else {
            throw .invalidArgument("\(what) value `\(text)` for `\(name)` is \(value.isNaN ? "NaN" : "infinite"); expected a finite number")
        }
        return value
    }

    /// Splits at commas that are not inside parentheses (`pow(2,3),1` is two values).
    static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for c in text {
            if c == "(" { depth += 1 }
            if c == ")" { depth -= 1 }
            if c == ",", depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(current)
        return parts
    }

    package static func listing(_ names: [String]) -> String {
        names.isEmpty ? "no variables" : names.map { "`\($0)`" }.joined(separator: ", ")
    }
}

extension String {
    var trimmed: String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}
