/// How a ``Program`` becomes a ``Graph``, in three steps a reader can take one at a time:
/// resolve the names (which are inputs, and is any used too early), choose the outputs (the
/// sinks, or those asked for), and record the tape (one postfix walk per statement, with a stack).
extension Graph {
    /// Builds the graph of a program.
    ///
    /// The inputs are the names used but never assigned, in natural order (x1, x2, …, x10,
    /// then the others alphabetically). The outputs are the statements named with
    /// `options.outputs`, else the program's sinks: every named statement that no later
    /// statement reads, and the last statement. An unnamed statement that is neither last nor
    /// read computes nothing anyone sees: it becomes one of ``Graph/warnings``.
    public init(program: Program, options: GraphOptions = GraphOptions()) throws(AdvizError) {
        guard !program.statements.isEmpty else {
            throw .input(
                Diagnostic("empty program", at: SourceSpan(start: 0, length: 1), hint: "write an expression such as `x1*x2`"),
                program.source)
        }
        let names = try ProgramNames(program, declared: options.inputs)
        let outputs = try ProgramOutputs(program, names: names, requested: options.outputs)
        self = ProgramNames.record(program, names: names, outputs: outputs, sharing: options.sharing)
    }
}

/// The names of a program: where each is assigned, and the inputs (names used but never assigned).
private struct ProgramNames {
    /// The statement that assigns each name.
    var assignedAt: [String: Int] = [:]
    /// The inputs, in natural order.
    var inputs: [String] = []
    /// The same, as a set.
    var inputSet = Set<String>()

    /// Resolves the names; throws where a name is assigned twice, or used in or before its assignment.
    init(_ program: Program, declared: [String]? = nil) throws(AdvizError) {
        func fail(_ message: String, _ span: SourceSpan, hint: String? = nil) -> AdvizError {
            .input(Diagnostic(message, at: span, hint: hint), program.source)
        }
        let statements = program.statements
        for (index, statement) in statements.enumerated() {
            guard let name = statement.name else { continue }
            if let earlier = assignedAt[name] {
                throw fail(
                    "`\(name)` is assigned twice", statement.nameSpan,
                    hint: "statement \(earlier + 1) assigns it first; choose a new name")
            }
            assignedAt[name] = index
        }
        for (index, statement) in statements.enumerated() {
            for item in statement.postfix {
                guard case .variable(let name) = item.kind else { continue }
                if let at = assignedAt[name] {
                    if at >= index {
                        throw fail(
                            at == index ? "`\(name)` is used in its own definition" : "`\(name)` is used before it is assigned",
                            item.span, hint: at == index ? nil : "move statement \(at + 1) before this one")
                    }
                } else {
                    inputSet.insert(name)
                }
            }
        }
        if let declared {
            // Declared inputs (a Python function's parameters) keep their order, used or not.
            let extra = inputSet.subtracting(declared)
            inputs = declared + NaturalOrder.sorted(extra)
            inputSet.formUnion(declared)
        } else {
            inputs = NaturalOrder.sorted(inputSet)
        }
    }

    /// Records the tape: one postfix walk per statement, with a stack of node ids.
    static func record(_ program: Program, names: ProgramNames, outputs: ProgramOutputs, sharing: Bool) -> Graph {
        var builder = GraphBuilder(inputs: names.inputs, sharing: sharing)
        var inputIndex: [String: Int32] = [:]
        for (i, name) in names.inputs.enumerated() { inputIndex[name] = Int32(i) }
        var bound: [String: Int32] = [:]
        var statementNodes: [Int32] = []
        var statementNames: [Int: String] = [:]
        var stack: [Int32] = []
        var made: [GraphStatement] = []
        for (index, statement) in program.statements.enumerated() {
            stack.removeAll(keepingCapacity: true)
            let start = builder.count
            for item in statement.postfix {
                switch item.kind {
                case .number(let value):
                    stack.append(builder.constant(value, span: item.span))
                case .namedConstant(let name, let value):
                    stack.append(builder.constant(value, name: name, span: item.span))
                case .variable(let name):
                    stack.append(bound[name] ?? inputIndex[name]!)
                case .apply(let op):
                    if op.arity == 2 {
                        let b = stack.removeLast(), a = stack.removeLast()
                        stack.append(builder.apply(op, a, b, span: item.span))
                    } else {
                        let a = stack.removeLast()
                        stack.append(builder.apply(op, a, span: item.span))
                    }
                }
            }
            let node = stack.removeLast()
            statementNodes.append(node)
            made.append(GraphStatement(name: statement.name, root: Int(node), nodes: start..<builder.count))
            if let name = outputs.names[index] {
                bound[name] = node
                if statement.name != nil, statementNames[Int(node)] == nil, builder.nodes[Int(node)].op != .input {
                    statementNames[Int(node)] = name
                }
            }
        }
        let graphOutputs = outputs.indices.map { GraphOutput(name: outputs.names[$0]!, node: Int(statementNodes[$0])) }
        return builder.finish(outputs: graphOutputs, statementNames: statementNames, statements: made, warnings: outputs.warnings)
    }
}

/// The outputs of a program: the statements asked for, or its sinks; and the statements with no effect.
private struct ProgramOutputs {
    /// Every statement's name; the bare last expression gets one (`y`, or a name nothing uses).
    var names: [String?]
    /// The statements that are outputs, in order.
    var indices: [Int] = []
    /// Statements with no effect.
    var warnings: [Diagnostic] = []

    init(_ program: Program, names resolved: ProgramNames, requested: [String]?) throws(AdvizError) {
        let statements = program.statements
        let lastIndex = statements.count - 1
        names = statements.map(\.name)
        if names[lastIndex] == nil {
            // The bare last expression is named y, or else a name nothing else uses.
            let taken = { (name: String) in resolved.assignedAt[name] != nil || resolved.inputSet.contains(name) }
            var fresh = "y"
            var k = 1
            while taken(fresh) {
                fresh = "f" + (k == 1 ? "" : String(k))
                k += 1
            }
            names[lastIndex] = fresh
        }
        // A statement is read if a later one uses its name (only earlier names can be used).
        var isRead = [Bool](repeating: false, count: statements.count)
        for statement in statements {
            for item in statement.postfix {
                if case .variable(let name) = item.kind, let at = resolved.assignedAt[name] { isRead[at] = true }
            }
        }
        if let requested = requested.map({ names in names.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } } }), !requested.isEmpty {
            let names = self.names
            indices = try requested.map { name throws(AdvizError) -> Int in
                guard let index = names.firstIndex(of: name) else {
                    let known = names.compactMap { $0 }
                    throw .invalidArgument(
                        "unknown output `\(name)`; the program's statements are \(known.map { "`\($0)`" }.joined(separator: ", "))")
                }
                return index
            }
        } else {
            // The sinks: named statements nothing later reads, and the last one
            // (`loss` in `y_hat = w*x + b; loss = (y_hat - t)^2`, not `y_hat`).
            indices = statements.indices.filter { !isRead[$0] && (statements[$0].name != nil || $0 == lastIndex) }
        }
        for index in statements.indices where statements[index].name == nil && index != lastIndex && !indices.contains(index) {
            let postfix = statements[index].postfix
            let start = postfix.map(\.span.start).min() ?? statements[index].nameSpan.start
            let end = postfix.map { $0.span.start + $0.span.length }.max() ?? start + 1
            warnings.append(Diagnostic(
                "this statement has no effect: it has no name, is not the last, and nothing reads it",
                at: SourceSpan(start: start, length: Swift.max(1, end - start)),
                hint: "name it (`y2 = …`) to make it an output, or remove it"))
        }
    }
}
