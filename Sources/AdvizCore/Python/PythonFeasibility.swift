import Foundation

/// Whether a path's conditions can all hold: the check a piecewise derivative needs, so that it
/// lists no piece for a combination of branches no input reaches (`x > 0` and later `x < -1`).
///
/// What is checked: comparisons of a parameter the function never reassigns with a number
/// (`x > 0`, `-1 <= x`, `x == 2`, and `and` of them where they hold), in the function's own
/// body (not in a called function, where names mean other things), reasoned as intervals of the
/// real numbers, one input at a time. Everything else (conditions on computed values, `!=`,
/// `or`, several inputs at once) is taken as satisfiable: a piece may still be unreachable.
public struct PathFeasibility: Sendable {
    /// The lower and upper ends of the inputs' intervals, each with whether it is excluded.
    struct Interval {
        var low = -Double.infinity, lowOpen = false
        var high = Double.infinity, highOpen = false
        var isEmpty: Bool { low > high || (low == high && (lowOpen || highOpen)) }

        mutating func apply(_ op: String, _ c: Double) {
            switch op {
            case ">": if c >= low { low = c; lowOpen = true }
            case ">=": if c > low { low = c; lowOpen = false }
            case "<": if c <= high { high = c; highOpen = true }
            case "<=": if c < high { high = c; highOpen = false }
            case "==": apply(">=", c); apply("<=", c)
            default: break
            }
        }
    }

    /// What the check covers, for a note beside the pieces.
    public static let scope = "conditions were checked by interval reasoning on comparisons of an input with a number; conditions on computed values are not checked"

    /// Why `path`'s conditions cannot all hold (`x > 0 and x < -1`), nil where they may.
    public static func contradiction(in path: PythonPath, module: PythonModule) -> String? {
        guard let function = module.functions.first(where: { $0.name == path.function }) else { return nil }
        var assigned: [String] = []
        PythonLowering(module: module).collectAssigned(function.body, into: &assigned)
        let inputs = Set(function.parameters).subtracting(assigned)
        var intervals: [String: Interval] = [:]
        var used: [String: [String]] = [:]
        let constructs: Set<String> = ["if", "elif", "while", "… if … else …", "np.where"]
        for d in path.decisions where d.dependsOnInputs && constructs.contains(d.construct) {
            guard !d.frame.contains(where: { $0.contains(", call ") }) else { continue }
            let holds = d.outcome.isTakenOutcome
            let parts = d.condition.components(separatedBy: " and ")
            guard holds || parts.count == 1 else { continue }
            for part in parts {
                guard let (name, written, c) = comparison(part), inputs.contains(name) else { continue }
                var op = written
                if !holds { op = ["<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="][op]! }
                intervals[name, default: Interval()].apply(op, c)
                used[name, default: []].append(holds ? part : "not (\(part))")
                if intervals[name]!.isEmpty { return used[name]!.joined(separator: " and ") }
            }
        }
        return nil
    }

    /// `x > 0` or `0 < x` as (name, operator with the name on the left, number).
    static func comparison(_ text: String) -> (String, String, Double)? {
        let tokens = text.trimmingCharacters(in: .whitespaces).split(separator: " ").map(String.init)
        guard tokens.count == 3, ["<", "<=", ">", ">=", "=="].contains(tokens[1]) else { return nil }
        let isName = { (s: String) in s.first.map { $0.isLetter || $0 == "_" } == true && s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } }
        let mirrored = ["<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "=="]
        if isName(tokens[0]), let c = Double(tokens[2]) { return (tokens[0], tokens[1], c) }
        if isName(tokens[2]), let c = Double(tokens[0]) { return (tokens[2], mirrored[tokens[1]]!, c) }
        return nil
    }
}
