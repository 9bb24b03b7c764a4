import Foundation

/// One decision the program took at the point: a branch (`if x > 0: taken`), one iteration of
/// a loop, a `np.where` pick. The rows of a path, in the order they were taken.
public struct PathDecision: Sendable, Equatable {
    /// The 1-based source line of the decision.
    public var line: Int
    /// `if`, `elif`, `else`, `while`, `for`, `np.where`, `… if … else …`.
    public var construct: String
    /// The condition as written (`x > 0`), or the loop header (`i in range(3)`).
    public var condition: String
    /// What happened: `taken`, `not taken`, `iteration 2 of 3`, `ends`.
    public var outcome: String
    /// Why: the numbers compared (`2 > 0`), or the loop counter (`i = 1`).
    public var detail: String
    /// True when the decision depends on the inputs (a comparison of traced values): another
    /// point may take another path. Loops over `range` do not.
    public var dependsOnInputs: Bool
    /// A warning when the condition's two sides are equal within rounding here: the
    /// derivative is that of the branch taken.
    public var kink: String?
    /// The calls and iterations the decision sits in (`f_polynomial_simple, call 2`).
    public var frame: [String]
}

/// The path a Python function takes at a point, as a straight-line program every engine reads,
/// with the decisions that chose it.
public struct PythonPath: Sendable {
    /// The function traced.
    public var function: String
    /// Its parameters: the inputs, in order.
    public var parameters: [String]
    /// The straight-line program of the path, one statement per assignment executed, reassigned
    /// names versioned (`x`, `x_1`, `x_2`); named like the Python file, for messages.
    public var program: SourceText
    /// The statement holding the function's result (named after the function).
    public var output: String
    /// The function's value at the point, as the executor computed it (the tape's value).
    public var value: Double = .nan
    /// The branch and loop decisions, in the order taken.
    public var decisions: [PathDecision]
    /// Notes on what was read and ignored (`print(…)`).
    public var notes: [String]
    /// For each emitted statement, the calls and iterations it sits in (outermost first): the
    /// clusters a figure draws.
    public var frames: [[String]]
    /// Why the function gave no number on this path (it returned None, a loop ran too long);
    /// nil for a path that did. Only ``PythonModule/paths(function:limit:)`` lists such paths.
    public var failure: String? = nil

    /// True if some decision depends on the inputs: another point may take another path.
    public var branchesOnInputs: Bool { decisions.contains { $0.dependsOnInputs } }

    /// The outcomes of the decisions that depend on the inputs: points with equal signatures
    /// take the same path, so one tape serves them all.
    public var signature: String {
        decisions.filter(\.dependsOnInputs).map { "\($0.line):\($0.outcome)" }.joined(separator: ";")
    }

    /// The conditions that hold along the path, as Python: `x > 0`, `not (x < 0)`.
    public var conditions: [String] {
        decisions.filter(\.dependsOnInputs).map { d in
            d.outcome.isTakenOutcome ? d.condition : "not (\(d.condition))"
        }
    }

    /// ``conditions`` joined with "and", a run of the same test once with its count: a loop tests
    /// its condition on new values each time round, and five copies of `abs(x*x - a) > 1e-12`
    /// told a reader nothing (`abs(x*x - a) > 1e-12 (5 times in a row, each on that iteration's values)`).
    public var conditionsText: String {
        var runs: [(condition: String, count: Int)] = []
        for c in conditions {
            if let last = runs.last, last.condition == c { runs[runs.count - 1].count += 1 } else { runs.append((c, 1)) }
        }
        return runs.map { $0.count > 1 ? "\($0.condition) (\($0.count) times in a row, each on that iteration's values)" : $0.condition }
            .joined(separator: " and ")
    }

    /// The decisions on the inputs as marks a figure prints beside the graph, in order:
    /// `line 4: if x > 0 ✓ (2 > 0)`, `line 3: while … ✗`; a run of equal marks (a loop's
    /// iterations) once, with its count, and at most `limit` marks.
    public func branchMarks(limit: Int = 8) -> [String] {
        var marks: [(text: String, count: Int)] = []
        var previousOnInputs = false
        for d in decisions {
            // An `else` is taken because the tests before it, on the inputs, failed.
            defer { previousOnInputs = d.dependsOnInputs }
            guard d.dependsOnInputs || (d.construct == "else" && previousOnInputs) else { continue }
            let text = d.construct == "else" ? "line \(d.line): else ✓" : "line \(d.line): \(d.construct) \(d.condition) \(d.outcome.isTakenOutcome ? "✓" : "✗")"
            if let last = marks.last, last.text == text { marks[marks.count - 1].count += 1 } else { marks.append((text, 1)) }
        }
        var out = marks.prefix(limit).map { $0.count > 1 ? "\($0.text) ×\($0.count)" : $0.text }
        if marks.count > limit { out.append("… \(marks.count - limit) more") }
        return out
    }

    /// The kink warnings of the path.
    public var kinks: [String] { decisions.compactMap(\.kink) }

    /// The decisions as text rows, one per line: iterations of a loop beyond the first
    /// `shownIterations` are folded into `… 5 more` unless `unfold`; the row that says so names
    /// the ``Setting/unfold`` setting by `name` (the command line passes its flag).
    public func rowsText(unfold: Bool = false, shownIterations: Int = 3, naming name: (Setting) -> String = Setting.defaultName) -> [String] {
        guard !decisions.isEmpty else { return [] }
        var rows: [[String]] = []
        var seen: [String: Int] = [:]
        var hidden = 0
        func flush() {
            if hidden > 0 { rows.append(["…", "", "", "\(hidden) more row\(hidden == 1 ? "" : "s") like these (\(name(.unfold)) shows them)"]) }
            hidden = 0
        }
        for d in decisions {
            let key = "\(d.line) \(d.construct)"
            seen[key, default: 0] += 1
            if !unfold && seen[key]! > shownIterations && d.kink == nil {
                hidden += 1
                continue
            }
            flush()
            let head = d.construct == "else" ? "else" : "\(d.construct) \(d.condition)"
            let inside = d.frame.isEmpty ? "" : "  [\(d.frame.joined(separator: " › "))]"
            rows.append(["line \(d.line)", head, d.outcome, d.detail + inside])
        }
        flush()
        var widths = [0, 0, 0]
        for row in rows { for k in 0..<3 { widths[k] = max(widths[k], row[k].count) } }
        return rows.map { row in
            (0..<3).map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ") + "  " + row[3]
        }.map { "  " + $0.trimmingTrailingSpaces }
    }

    /// The path section of `adviz trace`: a heading, the rows, and the kink warnings; settings
    /// named by `name`.
    public func report(unfold: Bool = false, naming name: (Setting) -> String = Setting.defaultName) -> String {
        var out: [String] = []
        out.append("path of \(function)(\(parameters.joined(separator: ", "))): \(decisions.isEmpty ? "straight-line (no branch or loop)" : "\(decisions.count) decision\(decisions.count == 1 ? "" : "s")")")
        out += rowsText(unfold: unfold, naming: name)
        if branchesOnInputs {
            out.append("  the derivative holds where the same branches are taken: \(conditionsText)")
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// The path as JSON: the function, the straight-line program, and every decision.
    public func json() -> JSONValue {
        .object([
            ("function", .string(function)),
            ("parameters", .array(parameters.map { .string($0) })),
            ("program", .string(program.text)),
            ("output", .string(output)),
            ("branches_on_inputs", .bool(branchesOnInputs)),
            ("decisions", .array(decisions.map { d in
                var fields: [(String, JSONValue)] = [
                    ("line", .integer(d.line)), ("construct", .string(d.construct)), ("condition", .string(d.condition)),
                    ("outcome", .string(d.outcome)), ("detail", .string(d.detail)), ("depends_on_inputs", .bool(d.dependsOnInputs)),
                    ("frame", .array(d.frame.map { .string($0) })),
                ]
                if let kink = d.kink { fields.append(("kink", .string(kink))) }
                return .object(fields)
            })),
            ("notes", .array(notes.map { .string($0) })),
        ])
    }
}

extension String {
    fileprivate var trimmingTrailingSpaces: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}

/// The one place commands turn a Python source into the path they work on.
public enum PythonFrontEnd {
    /// The path of a Python source's function (`function`, or the file's last) at the point
    /// `at` (text as `--at` takes it: `2,5` or `x=2`); nil when `source` is not Python.
    ///
    /// Without a point, the path is taken at 1 for every parameter, and is only returned if it
    /// cannot depend on the point (no decision compares values computed from the inputs);
    /// otherwise an invalid-argument error asks for a point.
    public static func path(of source: SourceText, function: String?, at: String?) throws(AdvizError) -> PythonPath? {
        guard PythonDetection.isPython(source) else {
            if function != nil { throw .invalidArgument("\(Setting.function) is for a Python file (one with a `def`); this program is a formula") }
            return nil
        }
        let module = try PythonModule.parse(source)
        let chosen = try module.function(named: function)
        if let at {
            let point = try PointBinding.bind(at, to: chosen.parameters, what: "\(Setting.at)")
            return try module.trace(function: chosen.name, at: point)
        }
        let path = try module.trace(function: chosen.name, at: Array(repeating: 1, count: chosen.parameters.count))
        if let first = path.decisions.first(where: \.dependsOnInputs) {
            throw .invalidArgument(
                "`\(chosen.name)` branches on its inputs (line \(first.line): `\(first.construct) \(first.condition)`), so the path it takes depends on the point: give one with \(Setting.at)")
        }
        return path
    }
}

extension PythonPath {
    /// How a figure groups the path's statements: a box label per statement (the loop
    /// iteration or call it ran in, nil for the function's own top level), and the statements
    /// to fold — those of iterations beyond the first `shownIterations` of each loop, whose box
    /// then reads `… 5 more iterations` and names the ``Setting/unfold`` setting by `name` —
    /// unless `unfold`.
    public func figureGroups(
        unfold: Bool = false, shownIterations: Int = 3, naming name: (Setting) -> String = Setting.defaultName
    ) -> (labels: [String?], folded: [Int]) {
        // The iterations each loop ran (by the frame's loop prefix, `line 3`).
        var iterationsOfLoop: [String: Int] = [:]
        for frame in frames {
            for part in frame {
                guard let (loop, k) = PythonPath.iteration(part) else { continue }
                iterationsOfLoop[loop] = max(iterationsOfLoop[loop] ?? 0, k)
            }
        }
        var labels: [String?] = []
        var folded: [Int] = []
        for (index, frame) in frames.enumerated() {
            guard !frame.isEmpty else { labels.append(nil); continue }
            var label = frame.joined(separator: " › ")
            if !unfold {
                for (depth, part) in frame.enumerated() {
                    guard let (loop, k) = PythonPath.iteration(part), k > shownIterations else { continue }
                    let more = (iterationsOfLoop[loop] ?? k) - shownIterations
                    label = (frame.prefix(depth) + ["\(loop): … \(more) more iteration\(more == 1 ? "" : "s") (folded; \(name(.unfold)) draws them)"]).joined(separator: " › ")
                    folded.append(index)
                    break
                }
            }
            labels.append(label)
        }
        return (labels, folded)
    }

    /// `line 3, iteration 4` → (`line 3`, 4).
    private static func iteration(_ part: String) -> (String, Int)? {
        guard let range = part.range(of: ", iteration ") else { return nil }
        guard let k = Int(part[range.upperBound...]) else { return nil }
        return (String(part[..<range.lowerBound]), k)
    }
}

extension PythonModule {
    /// Finite differences of the function itself at `point`, by input: forward and backward
    /// (h = √ε·max(1, |x|)) and central (h = ∛ε·max(1, |x|)), or all with `step`. Each
    /// evaluation runs the function, so a step across a branch boundary takes the other path,
    /// as `np.gradient` does; a scheme whose evaluation fails gives NaN.
    public func finiteDifferences(function name: String?, at point: [Double], step: Double? = nil) throws(AdvizError) -> [(scheme: String, gradient: [Double])] {
        let chosen = try function(named: name)
        func value(_ x: [Double]) -> Double { (try? trace(function: chosen.name, at: x).value) ?? .nan }
        let f0 = value(point)
        var rows: [(String, [Double])] = []
        for scheme in ["forward", "backward", "central"] {
            var gradient: [Double] = []
            for j in point.indices {
                let scale = Swift.max(1, abs(point[j]))
                let h = step ?? (scheme == "central" ? Foundation.cbrt(Double.ulpOfOne) : Double.ulpOfOne.squareRoot()) * scale
                var up = point, down = point
                up[j] += h
                down[j] -= h
                switch scheme {
                case "forward": gradient.append((value(up) - f0) / h)
                case "backward": gradient.append((f0 - value(down)) / h)
                default: gradient.append((value(up) - value(down)) / (2 * h))
                }
            }
            rows.append((scheme, gradient))
        }
        return rows
    }
}

extension PythonModule {
    /// The paths of function `name` (nil: the last) through its branches on the inputs, found by
    /// running it at 1 for every parameter and then once more with each decision that depends
    /// on the inputs turned the other way (depth first, at most `limit` paths). Each path's
    /// ``PythonPath/conditions`` say where it is the function; they are not checked against
    /// each other, so a path whose conditions cannot all hold is listed too. `complete` is false
    /// when the limit stopped the search.
    public func paths(function name: String?, limit: Int = 16) throws(AdvizError) -> (paths: [PythonPath], complete: Bool) {
        let chosen = try function(named: name)
        let probe = Array(repeating: 1.0, count: chosen.parameters.count)
        let first = try trace(function: chosen.name, at: probe)
        var found: [PythonPath] = []
        var seen = Set<String>()
        var stack: [(path: PythonPath, forced: [Int: Bool], from: Int)] = [(first, [:], 0)]
        while let (path, forced, from) = stack.popLast() {
            guard seen.insert(path.signature).inserted else { continue }
            guard found.count < limit else { return (found, false) }
            found.append(path)
            var fixed = forced
            for (k, decision) in path.decisions.enumerated() where decision.dependsOnInputs {
                let taken = decision.outcome.isTakenOutcome
                if k >= from, forced[k] == nil {
                    var other = fixed
                    other[k] = !taken
                    var executor = PythonExecutor(module: self)
                    executor.forced = other
                    do {
                        stack.append((try executor.run(functions.first { $0.name == chosen.name }!, at: probe), other, k + 1))
                    } catch {
                        // The decisions up to the failure still make a path (with no number) to explore from.
                        stack.append((PythonPath(
                            function: chosen.name, parameters: chosen.parameters, program: SourceText("", name: source.name), output: "",
                            decisions: executor.decisions, notes: [], frames: [], failure: error.message), other, k + 1))
                    }
                }
                fixed[k] = taken
            }
        }
        return (found, true)
    }
}
