import Foundation
import AdvizCore
import AdvizSymbolic

/// One line of a generated derivative program: a variable, its defining expression, and
/// the trace row it stands for.
public struct CodeStatement: Sendable, Equatable {
    /// The variable defined (`v3`, `vb3` for v̄3, `vd3` for v̇3).
    public var name: String
    /// Its expression in the target language, over earlier variables.
    public var expression: String
    /// The trace row, as `adviz trace` prints it (`v̄0 = v̄3·∂v3/∂v0 + v̄1·∂v1/∂v0`).
    public var comment: String
}

/// The derivative program of a tape, statement by statement: source-transformation AD.
///
/// As Tapenade does, the tape becomes code: the primal statements in tape order, then
/// (reverse mode) one adjoint statement per node in reverse order, each the whole chain-rule
/// sum over the node's consumers, or (forward mode) one tangent statement per node. Every
/// statement is a row of the trace table, so a student can read the program beside it. The
/// expressions come from the primitive table (``Op/code(_:_:in:)`` and
/// ``Op/partialFormula(_:)``): the compiled kernels and the printed program are the same text.
public struct DerivativeCode: Sendable {
    /// The graph the code is for.
    public let graph: Graph
    /// The language of the expressions.
    public let language: CodeLanguage

    /// Code for `graph` in `language`.
    /// The nodes whose partials the code guards with the trace's NaN rule (a step whose value is
    /// NaN has NaN partials): those upstream of a power that can absorb a NaN (`pow(NaN, 0) =
    /// pow(1, NaN) = 1`). Elsewhere a NaN value reaches an output, and the output's guarded seed
    /// (reverse) or tangent (forward) makes every adjoint and tangent NaN, as the rule does node by node.
    let nanGuarded: Set<Int>

    public init(_ graph: Graph, language: CodeLanguage) {
        self.graph = graph
        self.language = language
        var guarded = Set<Int>()
        var upstream = [Bool](repeating: false, count: graph.nodes.count)
        for i in graph.nodes.indices.reversed() {
            let node = graph.nodes[i]
            let absorbing = node.op == .pow && (!graph.isConstant(Int(node.b)) || graph.nodes[Int(node.b)].literal == 0)
            if absorbing || upstream[i] {
                for argument in node.arguments where !graph.isConstant(argument) { upstream[argument] = true }
            }
            if upstream[i] { guarded.insert(i) }
        }
        nanGuarded = guarded
    }

    // MARK: Names

    /// The variable holding node `id`'s value: `vm1` for v-1, `v3` for v3, a literal for a constant.
    public func valueName(_ id: Int) -> String {
        guard let number = graph.stepNumbers[id] else { return literal(graph.nodes[id].literal) }
        return number < 0 ? "vm\(-number)" : "v\(number)"
    }

    /// The variable holding node `id`'s adjoint v̄ (`vbm1`, `vb3`).
    public func adjointName(_ id: Int) -> String { "vb" + valueName(id).dropFirst() }

    /// The variable holding node `id`'s tangent v̇ (`vdm1`, `vd3`).
    public func tangentName(_ id: Int) -> String { "vd" + valueName(id).dropFirst() }

    /// A number as a literal of the language that reads back exactly (`2.0`, `(-3.0)`, `0.1`).
    public func literal(_ x: Double) -> String {
        if x.isNaN { return language == .c ? "NAN" : "Double.nan" }
        if x.isInfinite {
            let inf = language == .c ? "INFINITY" : "Double.infinity"
            return x < 0 ? "(-\(inf))" : inf
        }
        var text = "\(x)"  // Swift prints the shortest text that reads back exactly
        if !text.contains(".") && !text.contains("e") { text += ".0" }
        return x < 0 ? "(\(text))" : text
    }

    private func traceName(_ id: Int) -> String { graph.label(id) }

    // MARK: Statements

    /// The primal statements: one per step, in tape order (inputs are read by the caller).
    public func primalStatements() -> [CodeStatement] {
        var statements: [CodeStatement] = []
        for (i, node) in graph.nodes.enumerated() where node.op.arity > 0 {
            let a = valueName(Int(node.a))
            let b = node.op.arity == 2 ? valueName(Int(node.b)) : ""
            statements.append(CodeStatement(
                name: valueName(i), expression: valueExpression(node.op, a, b, bNode: node.op.arity == 2 ? Int(node.b) : nil),
                comment: "\(traceName(i)) = \(traceExpression(i))"))
        }
        return statements
    }

    /// The value of one step; a constant integer power is written as products (`v0 * v0 * v0`),
    /// exact to the last bit for squares and far cheaper than `pow`.
    private func valueExpression(_ op: Op, _ a: String, _ b: String, bNode: Int?) -> String {
        if op == .pow, let bNode, graph.isConstant(bNode), let product = integerPower(a, graph.nodes[bNode].literal) {
            return product
        }
        return op.code(a, b, in: language)
    }

    private func integerPower(_ base: String, _ exponent: Double) -> String? {
        guard exponent == exponent.rounded(), exponent >= 2, exponent <= 4 else { return nil }
        return Array(repeating: base, count: Int(exponent)).joined(separator: " * ")
    }

    private func traceExpression(_ id: Int) -> String {
        let node = graph.nodes[id]
        let formula = Formula.apply(node.op, node.arguments.indices.map { .arg($0) })
        return formula.render(.text, leaf: { FormulaLeaf(traceName(node.arguments[$0])) }, number: { FormulaLeaf("\($0)") })
    }

    /// The local partial of node `id` with respect to its argument `k`, as an expression
    /// (constant arguments folded in: `∂(3·v0)/∂v0` is `3.0`).
    public func partialExpression(_ id: Int, argument k: Int) -> Formula {
        graph.partialFormula(id, argument: k)
    }

    /// The local partial of node `id` with respect to its argument `k` as code, parenthesised
    /// unless it is an atom: the table's formula, or its code where the formula cannot say it
    /// (``Op/partialCode(_:a:b:v:constantA:constantB:in:)``: sign and step are 0, but NaN at NaN; …).
    func partialCode(_ id: Int, argument k: Int) -> String {
        let partial = tablePartialCode(id, argument: k)
        return nanGuarded.contains(id) ? nanGuard(id, partial) : partial
    }

    /// `expression`, or NaN where node `id`'s value is NaN: the trace's rule that a step whose value
    /// is NaN has NaN partials (an output's seed or tangent guarded so stands for all of them).
    func nanGuard(_ id: Int, _ expression: String) -> String {
        let v = valueName(id)
        return language == .c ? "(\(v) != \(v) ? NAN : \(expression))" : "(\(v).isNaN ? Double.nan : \(expression))"
    }

    private func tablePartialCode(_ id: Int, argument k: Int) -> String {
        let node = graph.nodes[id]
        let arguments = node.arguments
        if let special = node.op.partialCode(
            k, a: valueName(arguments[0]), b: arguments.count > 1 ? valueName(arguments[1]) : "", v: valueName(id),
            constantA: graph.isConstant(arguments[0]), constantB: arguments.count > 1 && graph.isConstant(arguments[1]), in: language)
        {
            return special
        }
        return FormulaCode.parenthesised(sweepCode(id, argument: k))
    }

    /// The partial as the trace's sweep computes it (``OpRule/sweepFormulas``: tan′ = 1 + v²,
    /// √′ = 0.5/v, reading the node's value `v`), constants folded in: the printed formula
    /// (1/cos²(a)) is the same number in exact arithmetic but not always in the last bit, and a
    /// compiled kernel gives the trace's numbers.
    func sweepCode(_ id: Int, argument k: Int) -> String {
        let node = graph.nodes[id]
        let formulas = node.op.rule.sweepFormulas
        guard formulas.indices.contains(k) else { return literal(0) }
        let arguments = node.arguments
        let substitution: [Formula] = arguments.enumerated().map { index, argument in
            graph.isConstant(argument) ? .number(graph.nodes[argument].literal) : .arg(index)
        } + (arguments.count == 1 ? [.arg(1)] : []) + [.arg(2)]
        let formula = formulas[k].substituting(substitution).folded()
        let names = arguments.map { valueName($0) } + (arguments.count == 1 ? [""] : []) + [valueName(id)]
        return FormulaCode(language: language, name: { names[$0] }, literal: literal).writeSharing(formula)
    }

    /// `formula` as code, `.arg(k)` standing for node `id`'s argument k.
    func code(_ formula: Formula, of id: Int) -> String {
        let arguments = graph.nodes[id].arguments
        return FormulaCode(language: language, name: { valueName(arguments[$0]) }, literal: literal).write(formula).text
    }

    /// The adjoint statements, in reverse tape order: each node's v̄ as the sum over its consumers.
    ///
    /// `seed(k)` is the expression of ȳ for output k (`ybar[0]`, or `1.0` in a kernel). Nodes
    /// that do not reach an output, and constants, get no statement: their adjoint is 0.
    ///
    /// With `guardingSeeds` (the default) an output's seed is NaN where the output is (the trace's
    /// rule, see ``nanGuard(_:_:)``); a caller that guards the gradients it stores instead passes
    /// false, which keeps a constant seed constant for the compiler to fold.
    ///
    /// `weight(k)`, where the seeds are read at run time and may be 0, names output k's weight:
    /// a term from a node that other outputs reach than its argument does is then taken only where
    /// one of its outputs' weights is nonzero (see ``outputsReached()``), as the sweep does.
    public func adjointStatements(guardingSeeds: Bool = true, weight: ((Int) -> String)? = nil, seed: (Int) -> String) -> [CodeStatement] {
        let consumers = graph.consumers()
        let reached = weight == nil ? [] : outputsReached()
        var live = [Bool](repeating: false, count: graph.nodes.count)
        var seeds: [Int: [Int]] = [:]
        for (k, output) in graph.outputs.enumerated() { seeds[output.node, default: []].append(k) }
        var statements: [CodeStatement] = []
        for i in stride(from: graph.nodes.count - 1, through: 0, by: -1) where !graph.isConstant(i) {
            var terms: [String] = []
            var comment: [String] = []
            for k in seeds[i] ?? [] {
                terms.append(graph.nodes[i].op == .input || !guardingSeeds ? seed(k) : nanGuard(i, seed(k)))
                comment.append(graph.outputCount > 1 ? "ȳ\(k + 1)" : "ȳ")
            }
            for c in consumers[i] where live[c] {
                // `x*x` uses its argument twice: both partials go to the same adjoint.
                let adjoint = adjointName(c)
                let partials = graph.nodes[c].arguments.indices.filter { graph.nodes[c].arguments[$0] == i }.map { partialCode(c, argument: $0) }
                for partial in partials {
                    var term: String
                    switch partial {
                    case "1.0": term = adjoint
                    case "(-1.0)": term = "-" + adjoint
                    // A zero partial is multiplied all the same, as the trace does: 0·∞ is NaN.
                    default: term = "\(adjoint) * \(partial)"
                    }
                    if let weight, reached[c] != reached[i] { term = weighted(term, by: reached[c], weight) }
                    terms.append(term)
                }
                comment.append("v̄\(stepLabel(c))·∂\(traceName(c))/∂\(traceName(i))")
            }
            guard !terms.isEmpty else { continue }
            live[i] = true
            statements.append(CodeStatement(name: adjointName(i), expression: DerivativeCode.signedSum(terms), comment: "v̄\(stepLabel(i)) = " + comment.joined(separator: " + ")))
        }
        return statements
    }

    /// The tangent statements, in tape order: v̇ᵢ = Σ ∂vᵢ/∂aₖ · v̇ₐₖ.
    ///
    /// `seed(j)` is the expression of input j's tangent, or nil where it is zero (a unit seed
    /// in a kernel); tangents that are zero get no statement and drop out of the sums.
    ///
    /// `weight(j)`, where the seeds are read at run time and may be 0, names input j's weight: a
    /// term from an argument that other inputs reach than reach the node is then taken only where
    /// one of its inputs' weights is nonzero (see ``inputsReaching()``), as the sweep does.
    public func tangentStatements(prefix: String = "", weight: ((Int) -> String)? = nil, seed: (Int) -> String?) -> [CodeStatement] {
        let reaching = weight == nil ? [] : inputsReaching()
        var nonzero = [Bool](repeating: false, count: graph.nodes.count)
        var statements: [CodeStatement] = []
        for (i, node) in graph.nodes.enumerated() {
            switch node.op {
            case .constant: continue
            case .input:
                guard let s = seed(i) else { continue }
                nonzero[i] = true
                statements.append(CodeStatement(name: prefix + tangentName(i), expression: s, comment: "v̇\(stepLabel(i)) = ẋ\(i + 1)"))
            default:
                var terms: [String] = []
                var comment: [String] = []
                for (k, argument) in node.arguments.enumerated() where nonzero[argument] {
                    let partial = partialCode(i, argument: k)
                    let tangent = prefix + tangentName(argument)
                    comment.append("∂\(traceName(i))/∂\(traceName(argument))·v̇\(stepLabel(argument))")
                    var term: String
                    switch partial {
                    case "1.0": term = tangent
                    case "(-1.0)": term = "-" + tangent
                    // A zero partial is multiplied all the same, as the trace does: 0·∞ is NaN.
                    default: term = "\(partial) * \(tangent)"
                    }
                    if let weight, reaching[argument] != reaching[i] { term = weighted(term, by: reaching[argument], weight) }
                    terms.append(term)
                }
                guard !terms.isEmpty else { continue }
                nonzero[i] = true
                let sum = DerivativeCode.signedSum(terms)
                let isOutput = graph.outputs.contains { $0.node == i }
                statements.append(CodeStatement(name: prefix + tangentName(i), expression: isOutput ? nanGuard(i, sum) : sum, comment: "v̇\(stepLabel(i)) = " + comment.joined(separator: " + ")))
            }
        }
        return statements
    }

    /// Terms joined into a sum, a term written `-t` subtracted: `a - b + c`.
    static func signedSum(_ terms: [String]) -> String {
        var expression = terms[0]
        for term in terms.dropFirst() {
            expression += term.hasPrefix("-") ? " - " + term.dropFirst() : " + " + term
        }
        return expression
    }

    private func stepLabel(_ id: Int) -> String { String(traceName(id).dropFirst()) }
}

/// Writes a ``Formula`` as an expression of generated code, parenthesising every operation.
struct FormulaCode {
    let language: CodeLanguage
    let name: (Int) -> String
    let literal: (Double) -> String

    struct Written {
        var text: String
        var isAtom: Bool
    }

    /// `text` in parentheses unless it is a name, a literal or a call.
    static func parenthesised(_ text: String) -> String {
        let isName: (Character) -> Bool = { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
        let call = text.firstIndex(of: "(").map { open in
            open > text.startIndex && text[..<open].allSatisfy(isName) && text.hasSuffix(")")
                && balanced(text[text.index(after: open)..<text.index(before: text.endIndex)])
        } ?? false
        let atom = text.allSatisfy(isName) || call
            || (text.hasPrefix("(") && text.hasSuffix(")") && balanced(text.dropFirst().dropLast()))
        return atom ? text : "(\(text))"
    }

    private static func balanced(_ text: Substring) -> Bool {
        var depth = 0
        for character in text {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1; if depth < 0 { return false } }
        }
        return depth == 0
    }

    /// `formula` as one expression in which each operation it computes more than once is written
    /// once, as a named temporary (`p1`, `p2`, … in a C statement expression `({ … })` or a Swift
    /// closure called in place). A stable form such as erf′'s exact split of a² reads its pieces
    /// several times; written inline it repeated `fabs(v0)` and its clamp fourteen times. The
    /// arithmetic is the same (pure operations, no contraction in strict kernels), so the bits are
    /// too; a formula without repeats is written as ``write(_:)`` writes it.
    func writeSharing(_ formula: Formula) -> String {
        var counts: [String: Int] = [:]
        var pending: [Formula] = [formula]
        while let next = pending.popLast() {
            guard case .apply(_, let operands) = next else { continue }
            counts[write(next).text, default: 0] += 1
            pending += operands
        }
        guard counts.values.contains(where: { $0 > 1 }) else { return write(formula).text }
        var named: [String: String] = [:]
        var statements: [(name: String, value: String)] = []
        func emit(_ formula: Formula) -> String {
            guard case .apply(let op, let operands) = formula else { return write(formula).text }
            let key = write(formula).text
            if let name = named[key] { return name }
            let parts = operands.map { FormulaCode.parenthesised(emit($0)) }
            let text: String
            if op == .pow, case .number(let n) = operands[1], n == n.rounded(), n >= 2, n <= 4 {
                text = Array(repeating: parts[0], count: Int(n)).joined(separator: " * ")
            } else {
                text = op.code(parts[0], parts.count > 1 ? parts[1] : "", in: language)
            }
            guard counts[key, default: 0] > 1 else { return text }
            let name = "p\(statements.count + 1)"
            statements.append((name, text))
            named[key] = name
            return name
        }
        let result = emit(formula)
        return language.expression(naming: statements, result: result)
    }

    func write(_ formula: Formula) -> Written {
        switch formula {
        case .arg(let k): return Written(text: name(k), isAtom: true)
        case .number(let x): return Written(text: literal(x), isAtom: true)
        case .quantity(_, let value): return Written(text: literal(value), isAtom: true)
        case .apply(let op, let operands):
            let parts = operands.map { write($0).text }.map(FormulaCode.parenthesised)
            if op == .pow, case .number(let n) = operands[1], n == n.rounded(), n >= 2, n <= 4 {
                return Written(text: Array(repeating: parts[0], count: Int(n)).joined(separator: " * "), isAtom: false)
            }
            return Written(text: op.code(parts[0], parts.count > 1 ? parts[1] : "", in: language), isAtom: false)
        }
    }
}
