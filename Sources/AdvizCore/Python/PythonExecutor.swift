/// Runs a function of a ``PythonModule`` at a concrete point and writes down the path it takes:
/// every assignment of a value computed from the inputs becomes a statement of a straight-line
/// program (reassigned names versioned), every branch and iteration a ``PathDecision``.
///
/// Expressions are evaluated with an explicit stack (see `PythonExecutor+Expressions`); blocks
/// and calls recurse in Swift, bounded by ``maximumCallDepth`` and the parser's nesting limit.
struct PythonExecutor {
    let module: PythonModule
    /// How deep calls may nest (recursion included) before the run stops with an error.
    static let maximumCallDepth = 100
    /// How many times a `while` loop may run at one point before the run stops with an error.
    static let maximumWhileIterations = 10_000
    /// How many statements a path may have.
    static let maximumStatements = 200_000

    var lines: [String] = []
    var frames: [[String]] = []
    var decisions: [PathDecision] = []
    var notes: [String] = []
    /// The calls and iterations being executed, outermost first.
    var frame: [String] = []
    var callDepth = 0
    var callCounts: [String: Int] = [:]
    /// The names written in the file (a versioned name avoids them), the names the emitted
    /// program has used (the inputs among them), and how often each base name was versioned.
    var taken: Set<String> = []
    var emitted: Set<String> = []
    var versions: [String: Int] = [:]
    /// The comparison last evaluated (`2 > 0`) and its kink, for the decision that reads it.
    var lastComparison: String?
    var lastKink: String?
    var lastDependsOnInputs = false
    var globals: [String: PyValue] = [:]
    /// Decisions to take against their condition, by their index in ``decisions``: the other
    /// branch at a kink, to name its derivative.
    var forced: [Int: Bool] = [:]
    /// The frame where the function returned (the branches it returned in), for its output statement.
    var returnFrame: [String] = []

    init(module: PythonModule) { self.module = module }

    /// The frame a decision records: calls and iterations, not the branches (their own rows say those).
    var decisionFrame: [String] { frame.filter { !PythonExecutor.isBranchPart($0) } }

    /// A branch's part of a frame (`line 4: if x > 0 ✓ (2 > 0)`), as against a call's or an iteration's.
    static func isBranchPart(_ part: String) -> Bool {
        guard part.hasPrefix("line ") else { return false }
        return part.dropFirst(5).prefix { $0 != " " }.last == ":"
    }

    /// `truth`, or the forced outcome of the decision about to be recorded.
    func forcedTruth(_ truth: Bool) -> Bool { forced[decisions.count] ?? truth }

    enum Flow { case normal, breakLoop, continueLoop, returned(PyValue) }

    func fail(_ message: String, _ span: SourceSpan, hint: String? = nil) -> Diagnostic {
        Diagnostic(message, at: span, hint: hint)
    }

    // MARK: Names of the emitted program

    /// A new name for `base` in the straight-line program: `base` itself the first time, then
    /// `base_1`, `base_2`, … (skipping names the file or adviz already use).
    mutating func fresh(_ base: String) -> String {
        if !emitted.contains(base) && !PythonExecutor.reserved(base) {
            emitted.insert(base)
            return base
        }
        var k = versions[base] ?? 0
        var candidate: String
        repeat {
            k += 1
            candidate = "\(base)_\(k)"
        } while emitted.contains(candidate) || taken.contains(candidate) || PythonExecutor.reserved(candidate)
        versions[base] = k
        emitted.insert(candidate)
        return candidate
    }

    /// Names adviz's own language gives a meaning: its functions and constants.
    static func reserved(_ name: String) -> Bool {
        Op.function(named: name) != nil || Program.namedConstants[name] != nil
    }

    /// Emits `name = text` for a traced value and returns the value as that name.
    mutating func emit(_ base: String, _ value: PyValue.Traced, at span: SourceSpan) throws(Diagnostic) -> PyValue.Traced {
        guard lines.count < PythonExecutor.maximumStatements else {
            throw fail("the path is longer than \(PythonExecutor.maximumStatements) statements at this point", span)
        }
        let name = fresh(base)
        lines.append("\(name) = \(value.text)")
        frames.append(frame)
        return PyValue.Traced(value: value.value, text: name, precedence: PyValue.atom, isAtomic: true)
    }

    // MARK: Running

    /// Runs `function` at `point` and returns its path.
    mutating func run(_ function: PyFunction, at point: [Double]) throws(Diagnostic) -> PythonPath {
        taken = identifiers()
        emitted = Set(function.parameters)
        for p in function.parameters where PythonExecutor.reserved(p) {
            throw fail("the parameter `\(p)` is the name of one of adviz's functions or constants; rename it", function.span)
        }
        for (name, value, _) in module.globals {
            var locals: [String: PyValue] = [:]
            globals[name] = try evaluate(value, &locals)
        }
        var locals: [String: PyValue] = [:]
        for (p, x) in zip(function.parameters, point) {
            locals[p] = .traced(PyValue.Traced(value: x, text: p, precedence: PyValue.atom, isAtomic: true))
        }
        let result = try call(function, locals: locals, at: function.span)
        guard let traced = result.asTraced() else {
            throw fail(
                result.number == nil ? "`\(function.name)` returns None at this point: adviz traces functions that return a number"
                    : "`\(function.name)` returns \(PyNumberText.string(result)), which adviz cannot write as a constant",
                function.span)
        }
        if case .bool = result { throw fail("`\(function.name)` returns a bool at this point: adviz traces functions that return a number", function.span) }
        let output = fresh(function.name)
        lines.append("\(output) = \(traced.text)")
        frames.append(returnFrame)
        return PythonPath(
            function: function.name, parameters: function.parameters,
            program: SourceText(lines.joined(separator: "\n"), name: module.source.name),
            output: output, value: traced.value, decisions: decisions, notes: module.notes + notes, frames: frames)
    }

    /// Every name written in the file: the emitted program never reuses one for another value.
    private func identifiers() -> Set<String> {
        var names = Set<String>()
        for e in module.expressions { if case .name(let n) = e.kind, !n.contains(".") { names.insert(n) } }
        for s in module.statements {
            switch s.kind {
            case .assign(let n), .augmented(let n, _), .forRange(let n): names.insert(n)
            default: break
            }
        }
        for f in module.functions { names.formUnion(f.parameters) }
        return names
    }

    /// Calls a function of the file with its parameters bound.
    mutating func call(_ function: PyFunction, locals initial: [String: PyValue], at span: SourceSpan) throws(Diagnostic) -> PyValue {
        guard callDepth < PythonExecutor.maximumCallDepth else {
            throw fail(
                "recursion deeper than \(PythonExecutor.maximumCallDepth) calls at this point (calling `\(function.name)`)", span,
                hint: "adviz follows recursion up to \(PythonExecutor.maximumCallDepth) calls deep")
        }
        callDepth += 1
        callCounts[function.name, default: 0] += 1
        let nested = callDepth > 1
        if nested { frame.append("\(function.name), call \(callCounts[function.name]!)") }
        defer {
            callDepth -= 1
            if nested { frame.removeLast() }
        }
        var locals = initial
        switch try execute(function.body, &locals) {
        case .returned(let value): return value
        default: return .none
        }
    }

    /// Runs a block; stops at `return`, `break` or `continue`.
    mutating func execute(_ block: [Int32], _ locals: inout [String: PyValue]) throws(Diagnostic) -> Flow {
        for s in block {
            let flow = try execute(statement: Int(s), &locals)
            if case .normal = flow { continue }
            return flow
        }
        return .normal
    }

    private mutating func execute(statement index: Int, _ locals: inout [String: PyValue]) throws(Diagnostic) -> Flow {
        let s = module.statements[index]
        switch s.kind {
        case .pass: return .normal
        case .breakLoop: return .breakLoop
        case .continueLoop: return .continueLoop
        case .returns:
            if callDepth == 1 { returnFrame = frame.filter(PythonExecutor.isBranchPart) }
            guard let e = s.expressions.first else { return .returned(.none) }
            return .returned(try evaluate(e, &locals))
        case .expression:
            let e = module.expressions[Int(s.expressions[0])]
            if case .call("print") = e.kind {
                notes.append("`print(…)` on line \(s.line) is ignored")
                return .normal
            }
            _ = try evaluate(s.expressions[0], &locals)
            return .normal
        case .assign(let name):
            try assign(name, try evaluate(s.expressions[0], &locals), &locals, span: s.span)
            return .normal
        case .augmented(let name, let op):
            guard let current = locals[name] ?? globals[name] else {
                throw fail("`\(name)` is used before it is assigned (line \(s.line))", s.span)
            }
            let right = try evaluate(s.expressions[0], &locals)
            try assign(name, try arithmetic(op, current, right, span: s.span), &locals, span: s.span)
            return .normal
        case .conditional:
            return try executeConditional(s, &locals)
        case .forRange(let variable):
            return try executeFor(s, variable: variable, &locals)
        case .whileLoop:
            return try executeWhile(s, &locals)
        }
    }

    /// Binds `name`: a traced value that is not a bare name or number becomes a statement.
    mutating func assign(_ name: String, _ value: PyValue, _ locals: inout [String: PyValue], span: SourceSpan) throws(Diagnostic) {
        if case .traced(let t) = value, !t.isAtomic {
            locals[name] = .traced(try emit(name, t, at: span))
        } else {
            locals[name] = value
        }
    }

    private mutating func executeConditional(_ s: PyStmt, _ locals: inout [String: PyValue]) throws(Diagnostic) -> Flow {
        var failed: [String] = []
        var dependsOnInputs = false
        for (k, test) in s.expressions.enumerated() {
            let truth = forcedTruth(try condition(test, &locals))
            let line = k == 0 ? s.line : module.expressions[Int(test)].line
            let construct = k == 0 ? "if" : "elif"
            record(line: line, construct: construct, condition: module.text(of: test), outcome: truth ? "taken" : "not taken", alternative: truth ? "the next branch" : "this branch")
            dependsOnInputs = dependsOnInputs || lastDependsOnInputs
            let why = lastComparison.map { " (\($0))" } ?? ""
            if truth {
                // A figure draws the statements of a branch that depends on the inputs in a box that says so.
                return try branch(lastDependsOnInputs ? "line \(line): \(construct) \(module.text(of: test)) ✓\(why)" : nil, s.bodies[k], &locals)
            }
            let compared = lastComparison.map { $0.hasSuffix(" is false") ? String($0.dropLast(9)) : $0 }
            failed.append("\(module.text(of: test)) ✗" + (compared.map { ": \($0)" } ?? ""))
        }
        if s.bodies.count > s.expressions.count {
            let body = s.bodies[s.expressions.count]
            let line = s.elseLine
            decisions.append(PathDecision(line: line, construct: "else", condition: "", outcome: "taken", detail: "", dependsOnInputs: false, kink: nil, frame: decisionFrame))
            return try branch(dependsOnInputs ? "line \(line): else ✓ (\(failed.joined(separator: ", ")))" : nil, body, &locals)
        }
        return .normal
    }

    /// Runs a branch's body, in a figure frame of its own when `label` is given.
    private mutating func branch(_ label: String?, _ body: [Int32], _ locals: inout [String: PyValue]) throws(Diagnostic) -> Flow {
        guard let label else { return try execute(body, &locals) }
        frame.append(label)
        let flow = try execute(body, &locals)
        frame.removeLast()
        return flow
    }

    /// Evaluates a test and remembers what it compared, for the decision's row.
    mutating func condition(_ test: Int32, _ locals: inout [String: PyValue]) throws(Diagnostic) -> Bool {
        lastComparison = nil
        lastKink = nil
        lastDependsOnInputs = false
        let value = try evaluate(test, &locals)
        return try truth(value, at: module.expressions[Int(test)].span)
    }

    /// Writes a decision with what the last condition compared.
    mutating func record(line: Int, construct: String, condition: String, outcome: String, alternative: String) {
        var kink: String?
        if let k = lastKink {
            // `if` is taken / not taken; `np.where` picks the first / second.
            let happened = outcome.hasPrefix("picks") ? outcome : "is \(outcome)"
            kink = "`\(condition)` (line \(line)): \(k); the derivative is that of the path taken here, where `\(construct)` \(happened)"
        }
        decisions.append(PathDecision(
            line: line, construct: construct, condition: condition, outcome: outcome, detail: lastComparison ?? "",
            dependsOnInputs: lastDependsOnInputs, kink: kink, frame: decisionFrame))
    }

    private mutating func executeFor(_ s: PyStmt, variable: String, _ locals: inout [String: PyValue]) throws(Diagnostic) -> Flow {
        var bounds: [Int] = []
        for e in s.expressions {
            let v = try evaluate(e, &locals)
            guard case .int(let i) = v.intLike else {
                throw fail(
                    "`range` needs integers known when the loop starts; `\(module.text(of: e))` is \(v.isTraced ? "computed from the inputs" : "a \(v.typeName)") (line \(s.line))",
                    module.expressions[Int(e)].span, hint: v.isTraced ? "a loop count cannot depend on the point being differentiated" : nil)
            }
            bounds.append(i)
        }
        let (start, stop, step) = bounds.count == 1 ? (0, bounds[0], 1) : (bounds[0], bounds[1], bounds.count == 3 ? bounds[2] : 1)
        guard step != 0 else { throw fail("ValueError: range() arg 3 must not be zero (line \(s.line))", s.span) }
        let count = step > 0 ? max(0, (stop - start + step - 1) / step) : max(0, (start - stop - step - 1) / -step)
        let header = "\(variable) in range(\(s.expressions.map { module.text(of: $0) }.joined(separator: ", ")))"
        if count == 0 {
            decisions.append(PathDecision(line: s.line, construct: "for", condition: header, outcome: "no iterations", detail: "", dependsOnInputs: false, kink: nil, frame: decisionFrame))
        }
        for k in 0..<count {
            let i = start + k * step
            locals[variable] = .int(i)
            decisions.append(PathDecision(
                line: s.line, construct: "for", condition: header, outcome: "iteration \(k + 1) of \(count)", detail: "\(variable) = \(i)",
                dependsOnInputs: false, kink: nil, frame: decisionFrame))
            if let end = try loopBody(s, iteration: k + 1, &locals) { return end }
        }
        return .normal
    }

    /// One pass of a loop's body, in a figure frame of its own: nil to go on, else how the loop
    /// ends (`break` ends it normally; `return` leaves the function).
    private mutating func loopBody(_ s: PyStmt, iteration: Int, _ locals: inout [String: PyValue]) throws(Diagnostic) -> Flow? {
        frame.append("line \(s.line), iteration \(iteration)")
        let flow = try execute(s.bodies[0], &locals)
        frame.removeLast()
        switch flow {
        case .breakLoop: return .normal
        case .returned: return flow
        default: return nil
        }
    }

    private mutating func executeWhile(_ s: PyStmt, _ locals: inout [String: PyValue]) throws(Diagnostic) -> Flow {
        let test = s.expressions[0]
        let text = module.text(of: test)
        var iteration = 0
        while true {
            let truth = forcedTruth(try condition(test, &locals))
            record(line: s.line, construct: "while", condition: text, outcome: truth ? "iteration \(iteration + 1)" : "ends after \(iteration) iteration\(iteration == 1 ? "" : "s")", alternative: truth ? "ending the loop" : "another iteration")
            guard truth else { return .normal }
            iteration += 1
            guard iteration <= PythonExecutor.maximumWhileIterations else {
                throw fail(
                    "the `while` loop on line \(s.line) ran \(PythonExecutor.maximumWhileIterations) iterations at this point without ending", s.span,
                    hint: "adviz stops a `while` loop after \(PythonExecutor.maximumWhileIterations) iterations; check its condition")
            }
            if let end = try loopBody(s, iteration: iteration, &locals) { return end }
        }
    }
}

extension String {
    /// True for the outcomes of a decision whose condition held (`taken`, `iteration 2`, `picks the first`).
    var isTakenOutcome: Bool { self == "taken" || hasPrefix("iteration") || hasPrefix("picks the first") }
}

extension PythonModule {
    /// Parses Python source of the subset; throws an error naming the first construct outside it.
    public static func parse(_ source: SourceText) throws(AdvizError) -> PythonModule {
        try PythonParser.parse(source)
    }

    /// The function traced when none is named: the file's last.
    public var defaultFunction: String? { functions.last?.name }

    /// The function named `name` (nil: the last), or an invalid-argument error listing the file's functions.
    public func function(named name: String?) throws(AdvizError) -> (name: String, parameters: [String]) {
        guard let chosen = name ?? defaultFunction else {
            throw .input(Diagnostic("the file has no `def`: adviz traces a Python function", at: SourceSpan(start: 0, length: 1)), source)
        }
        guard let f = functions.first(where: { $0.name == chosen }) else {
            let hint = Suggestion.closest(to: chosen, among: functionNames).map { "did you mean `\($0)`? " } ?? ""
            throw .invalidArgument("\(Setting.function) `\(chosen)`: the file has no such function; \(hint)its functions are \(functionNames.map { "`\($0)`" }.joined(separator: ", "))")
        }
        return (f.name, f.parameters)
    }

    /// Runs function `name` (nil: the file's last) at `point` (one value per parameter) and
    /// returns the path it takes there.
    public func trace(function name: String?, at point: [Double]) throws(AdvizError) -> PythonPath {
        let chosen = try function(named: name)
        guard point.count == chosen.parameters.count else {
            throw .invalidArgument("`\(chosen.name)` takes \(chosen.parameters.count) parameter\(chosen.parameters.count == 1 ? "" : "s") (\(chosen.parameters.joined(separator: ", "))), got \(point.count) value\(point.count == 1 ? "" : "s")")
        }
        var path = try run(chosen.name, at: point, forced: [:])
        // At a kink, the other branch's gradient at the same point, so the warning can name it.
        for (k, decision) in path.decisions.enumerated() where decision.kink != nil {
            guard let taken = try? PythonModule.gradient(of: path, at: point),
                let other = try? run(chosen.name, at: point, forced: [k: !decision.outcome.isTakenOutcome]),
                let otherGradient = try? PythonModule.gradient(of: other, at: point)
            else { continue }
            let names = path.parameters
            func text(_ g: [Double]) -> String { zip(names, g).map { "∂/∂\($0) = \(PyNumberText.string($1))" }.joined(separator: ", ") }
            path.decisions[k].kink! += ": \(text(taken)); the other way it would be \(text(otherGradient))"
        }
        return path
    }

    private func run(_ name: String, at point: [Double], forced: [Int: Bool]) throws(AdvizError) -> PythonPath {
        var executor = PythonExecutor(module: self)
        executor.forced = forced
        do {
            return try executor.run(functions.first { $0.name == name }!, at: point)
        } catch {
            throw .input(error, source)
        }
    }

    /// The gradient of a path's program at `point` (the trace's reverse sweep).
    static func gradient(of path: PythonPath, at point: [Double]) throws -> [Double] {
        let program = try Program.parse(path.program)
        let graph = try Graph(program: program, options: GraphOptions(outputs: [path.output], inputs: path.parameters))
        return try Trace(graph, at: point).gradient
    }
}
