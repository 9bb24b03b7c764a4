import Foundation

/// Writes a trace's rows in one notation: names, formulas and numbers as text or LaTeX.
package struct TraceWriter {
    package let trace: Trace
    package let style: MathStyle
    package var graph: Graph { trace.graph }
    package var format: NumberFormat { trace.options.numberFormat }
    package var values: [Double] { trace.evaluation.values }


    package init(trace: Trace, style: MathStyle) {
        self.trace = trace
        self.style = style
    }

    // MARK: Symbols

    package typealias Accent = MathName.Accent

    /// `v3`, `v̇-1`, `x̄1`, or in LaTeX `v_{3}`, `\dot{v}_{-1}`, `\bar{x}_{1}`.
    package func symbol(_ name: String, accent: Accent = .none) -> String {
        MathName.symbol(name, accent: accent, style: style)
    }

    /// A variable's name in LaTeX (see ``MathName/latex(_:)``).
    package static func latexName(_ name: String) -> String { MathName.latex(name) }

    /// A name with an optional dot or bar, in `style` (see ``MathName/symbol(_:accent:style:subscripted:)``).
    package static func symbol(_ name: String, accent: Accent, style: MathStyle, subscripted: Bool = false) -> String {
        MathName.symbol(name, accent: accent, style: style, subscripted: subscripted)
    }

    /// The name of node `id` (`v3`; a constant's value or name).
    package func nodeSymbol(_ id: Int, accent: Accent = .none) -> String {
        if let number = graph.stepNumbers[id] { return TraceWriter.symbol("v\(number)", accent: accent, style: style, subscripted: true) }
        if let name = graph.constantNames[id] { return style == .latex && name == "pi" ? "\\pi" : name }
        return number(graph.nodes[id].literal).text
    }

    /// `∂v3/∂v0`.
    package func partialSymbol(_ node: Int, _ argument: Int) -> String {
        let top = nodeSymbol(node), bottom = nodeSymbol(argument)
        return style == .latex ? "\\frac{\\partial \(top)}{\\partial \(bottom)}" : "∂\(top)/∂\(bottom)"
    }

    /// The output's seed symbol: `ȳ`, `ȳ2`.
    package func outputSeedSymbol(_ name: String) -> String { symbol(name, accent: .bar) }

    package func number(_ x: Double) -> FormulaLeaf {
        let text = format.string(x)
        if style == .latex {
            if let e = text.firstIndex(of: "e") {
                let mantissa = text[..<e], exponent = text[text.index(after: e)...]
                return FormulaLeaf("\(mantissa) \\times 10^{\(exponent)}", isNegative: x < 0)
            }
            if text == "inf" { return FormulaLeaf("\\infty") }
            if text == "-inf" { return FormulaLeaf("-\\infty", isNegative: true) }
            if text == "NaN" { return FormulaLeaf("\\mathrm{NaN}") }
        }
        return FormulaLeaf(text, isNegative: x < 0 || text.hasPrefix("-"))
    }

    // MARK: Formulas of one node

    /// The local partial of `node` with respect to its argument at `position`, with constant arguments folded in.
    package func partialFormula(_ node: Int, _ position: Int) -> Formula {
        graph.partialFormula(node, argument: position)
    }

    /// The total partial of `node` with respect to the node `argument` (a sum if it is used twice).
    package func totalPartialFormula(_ node: Int, _ argument: Int) -> Formula {
        let n = graph.nodes[node]
        var terms: [Formula] = []
        for (position, id) in n.arguments.enumerated() where id == argument { terms.append(partialFormula(node, position)) }
        return terms.dropFirst().reduce(terms[0]) { .apply(.add, [$0, $1]) }
    }

    package func totalPartialValue(_ node: Int, _ argument: Int) -> Double {
        let n = graph.nodes[node]
        var total = 0.0
        if Int(n.a) == argument { total += trace.evaluation.partialA[node] }
        if n.op.arity == 2, Int(n.b) == argument { total += trace.evaluation.partialB[node] }
        return total
    }

    /// Renders a formula over `node`'s arguments, by name or by value (a tangent or an adjoint
    /// in it is a ``Formula/quantity(name:value:)`` and is written the same way).
    package func render(_ formula: Formula, node: Int, byValue: Bool) -> String {
        let args = graph.nodes[node].arguments
        return formula.render(
            style,
            leaf: { i in byValue ? number(values[args[i]]) : FormulaLeaf(nodeSymbol(args[i])) },
            number: { x in number(x) },
            quantity: { name, value in byValue ? number(value) : FormulaLeaf(name) })
    }

    /// The node's own operation applied to its arguments: `v-1·v0`, `log(v1)`.
    package func definition(_ node: Int, byValue: Bool) -> String {
        let n = graph.nodes[node]
        return render(.apply(n.op, (0..<n.op.arity).map { .arg($0) }), node: node, byValue: byValue)
    }

    // MARK: Rows

    package func primalRows() -> [TraceRow] {
        graph.nodes.indices.compactMap { i in
            switch graph.nodes[i].op {
            case .constant: return nil
            case .input:
                let name = symbol(graph.inputNames[i])
                return TraceRow(node: i, label: nodeSymbol(i), definition: name, formula: name, substituted: "", value: values[i])
            default:
                let def = definition(i, byValue: false)
                return TraceRow(node: i, label: nodeSymbol(i), definition: def, formula: def, substituted: definition(i, byValue: true), value: values[i])
            }
        }
    }

    /// The tangent of one node as a sum over its arguments: `v̇-1·v0 + v̇0·v-1`, `v̇1/v1`.
    ///
    /// By value, an argument that no seeded input reaches, across an edge whose partial is not
    /// finite, adds a plain `0`: its tangent is a structural zero and is never multiplied
    /// (`0/(2·sqrt(0))` would read as 0/0 = 0). Across a finite partial the product stays (`0·2`).
    private func tangentSum(_ node: Int, byValue: Bool, tangents: [Double], active: [Bool]) -> String {
        let n = graph.nodes[node]
        var sum: Formula?
        var seen = Set<Int>()
        for id in n.arguments where !graph.isConstant(id) && seen.insert(id).inserted {
            let tangent = Formula.quantity(name: nodeSymbol(id, accent: .dot), value: tangents[id])
            // A partial of ±1 (sums, differences) adds or subtracts the tangent itself, by value too: `5.5 - 0`.
            var term = product(tangent, totalPartialFormula(node, id), keepOne: false)
            if byValue, !active[id], !totalPartialValue(node, id).isFinite {
                if case .apply(.neg, _) = term { term = .apply(.neg, [.number(0)]) } else { term = .number(0) }
            }
            if let previous = sum {
                if case .apply(.neg, let inner) = term { sum = .apply(.sub, [previous, inner[0]]) } else { sum = .apply(.add, [previous, term]) }
            } else {
                sum = term
            }
        }
        guard let sum else { return "0" }
        return render(sum, node: node, byValue: byValue)
    }

    /// `factor·partial`, written simply where the partial is ±1 or 1/x (unless `keepOne`).
    private func product(_ factor: Formula, _ partial: Formula, keepOne: Bool) -> Formula {
        if case .apply(.div, let parts) = partial, parts[0] == .number(1) { return .apply(.div, [factor, parts[1]]) }
        if !keepOne {
            if partial == .number(1) { return factor }
            if partial == .number(-1) { return .apply(.neg, [factor]) }
        }
        return .apply(.mul, [factor, partial])
    }

    package func tangentRows() -> [TraceRow] {
        guard let tangents = trace.tangents else { return [] }
        let active = trace.reachedBySeed
        return graph.nodes.indices.compactMap { i in
            switch graph.nodes[i].op {
            case .constant: return nil
            case .input:
                let seedSymbol = symbol(graph.inputNames[i], accent: .dot)
                return TraceRow(node: i, label: nodeSymbol(i, accent: .dot), definition: seedSymbol, formula: seedSymbol, substituted: "", value: tangents[i])
            default:
                let def = tangentSum(i, byValue: false, tangents: tangents, active: active)
                return TraceRow(
                    node: i, label: nodeSymbol(i, accent: .dot), definition: def, formula: def,
                    substituted: tangentSum(i, byValue: true, tangents: tangents, active: active), value: tangents[i])
            }
        }
    }

    package func adjointRows() -> [TraceRow] {
        guard let adjoints = trace.adjoints else { return [] }
        let consumers = graph.consumers()
        let live = trace.reachingSeededOutputs
        var seedTerms: [Int: [(symbol: String, value: Double)]] = [:]
        for (k, output) in graph.outputs.enumerated() {
            seedTerms[output.node, default: []].append((outputSeedSymbol(output.name), trace.outputSeed[k]))
        }
        var rows: [TraceRow] = []
        for i in stride(from: graph.nodes.count - 1, through: 0, by: -1) where !graph.isConstant(i) {
            var symbolic: [String] = [], formulas: [String] = [], numeric: [String] = []
            for seed in seedTerms[i] ?? [] {
                symbolic.append(seed.symbol)
                formulas.append(seed.symbol)
                numeric.append(number(seed.value).text)
            }
            for c in consumers[i] {
                let bar = nodeSymbol(c, accent: .bar)
                let dot = style == .latex ? " \\cdot " : "·"
                symbolic.append(bar + dot + partialSymbol(c, i))
                let partial = totalPartialFormula(c, i)
                let adjoint = Formula.quantity(name: bar, value: adjoints[c])
                formulas.append(render(.apply(.mul, [adjoint, partial]), node: c, byValue: false))
                // A consumer that reaches no seeded output passes a structural zero: a plain `0`, not 0·partial.
                numeric.append(
                    live[c] || totalPartialValue(c, i).isFinite
                        ? render(.apply(.mul, [adjoint, partial]), node: c, byValue: true) : "0")
            }
            let join = { (parts: [String]) in parts.isEmpty ? "0" : parts.joined(separator: " + ") }
            rows.append(
                TraceRow(
                    node: i, label: nodeSymbol(i, accent: .bar), definition: join(symbolic), formula: join(formulas),
                    substituted: numeric.isEmpty ? "" : join(numeric), value: adjoints[i]))
        }
        return rows
    }

    package func edgePartials() -> [EdgePartial] {
        var result: [EdgePartial] = []
        for i in graph.nodes.indices where graph.nodes[i].op.arity > 0 {
            var seen = Set<Int>()
            for id in graph.nodes[i].arguments where !graph.isConstant(id) && seen.insert(id).inserted {
                let formula = totalPartialFormula(i, id)
                result.append(
                    EdgePartial(
                        node: i, argument: id, label: partialSymbol(i, id),
                        formula: render(formula, node: i, byValue: false),
                        substituted: render(formula, node: i, byValue: true), value: totalPartialValue(i, id)))
            }
        }
        return result
    }

    package func warning(_ warning: MathWarning) -> String {
        let i = warning.node
        let args = graph.nodes[i].arguments.filter { !graph.isConstant($0) }
        var seen = Set<Int>()
        let at = args.filter { seen.insert($0).inserted }.map { "\(nodeSymbol($0)) = \(number(values[$0]).text)" }
        let place = at.isEmpty ? "" : " at \(at.joined(separator: ", "))"
        // The note names partials by argument; name them as the trace does. A clause about a
        // constant's partial alone is left out (a constant takes no derivative), and where one
        // node is both arguments (`x^x`) each partial says which role it is.
        let node = graph.nodes[i]
        let arguments = node.arguments
        let clauses = warning.note.clauses.filter { clause in
            let named = clause.partialsNamed
            return named.isEmpty || named.contains { !graph.isConstant(arguments[$0]) }
        }
        let same = arguments.count > 1 && arguments[0] == arguments[1]
        let message = MathNote(joining: clauses).rendered { k in
            partialSymbol(i, arguments[k]) + (same ? (k == 0 ? " (by the first argument)" : " (by the second)") : "")
        }
        return "\(nodeSymbol(i)) = \(definition(i, byValue: false))\(place): \(message)"
    }
}
