/// Writes a trace's rows in one notation: names, formulas and numbers as text or LaTeX. The one
/// naming scheme of the trace's writers (tables, figures, lessons): nodes are `v₃`, `v̇₋₁`, `v̄₀`
/// (``MathName``), constants their name or value, partials `∂v₃/∂v₀`.
package struct TraceWriter {
    package let trace: Trace
    package let style: MathStyle
    package var graph: Graph { trace.graph }
    package var format: NumberFormat { trace.options.numberFormat }
    package var values: [Double] { trace.evaluation.values }

    /// With caching: every node's names (plain, dotted, barred) and value, written once up front,
    /// since a writer of many rows writes each many times. Empty otherwise.
    private var names: [[String]]
    private var valueLeaves: [FormulaLeaf]
    /// With caching: numbers written so far, by bit pattern. A tangent or adjoint is written once
    /// per edge it crosses, and formatting a number costs more than finding it again.
    private var written: WrittenNumbers?

    /// A table from bit patterns to written numbers, filled as numbers are written.
    private final class WrittenNumbers {
        var table: [UInt64: FormulaLeaf] = [:]
    }

    /// A writer of `trace` in `style`; with `caching`, for writing most of a trace's rows, it
    /// writes every node's names and value once, up front.
    package init(trace: Trace, style: MathStyle, caching: Bool = false) {
        self.trace = trace
        self.style = style
        combiner = FormulaWriter(style: style, leaf: { _ in FormulaLeaf("") }, number: { _ in FormulaLeaf("") })
        names = []
        valueLeaves = []
        written = caching ? WrittenNumbers() : nil
        guard caching else { return }
        let nodes = trace.graph.nodes.indices
        names = [Accent.none, .dot, .bar].map { accent in nodes.map { writeNodeSymbol($0, accent: accent) } }
        valueLeaves = nodes.map { number(trace.evaluation.values[$0]) }
    }

    /// A copy with a number table of its own (the table is not shared between threads): for
    /// writing tables of one trace at the same time, each with its copy.
    package func copyForAnotherThread() -> TraceWriter {
        var copy = self
        copy.written = written == nil ? nil : WrittenNumbers()
        return copy
    }

    /// Writes operations applied to written operands (its leaves are never asked for: ``render(_:node:byValue:)`` writes them).
    private let combiner: FormulaWriter


    // MARK: Symbols

    package typealias Accent = MathName.Accent

    /// `v3`, `v̇-1`, `x̄1`, or in LaTeX `v_{3}`, `\dot{v}_{-1}`, `\bar{x}_{1}`.
    package func symbol(_ name: String, accent: Accent = .none) -> String {
        MathName.symbol(name, accent: accent, style: style)
    }

    /// The name of node `id` (`v₃`; a constant's value or name).
    package func nodeSymbol(_ id: Int, accent: Accent = .none) -> String {
        guard !names.isEmpty else { return writeNodeSymbol(id, accent: accent) }
        return names[accent == .none ? 0 : accent == .dot ? 1 : 2][id]
    }

    /// The value of node `id` as a number of the trace.
    package func valueLeaf(_ id: Int) -> FormulaLeaf {
        valueLeaves.isEmpty ? number(values[id]) : valueLeaves[id]
    }

    private func writeNodeSymbol(_ id: Int, accent: Accent) -> String {
        if let number = graph.stepNumbers[id] { return MathName.node(number, accent: accent, style: style) }
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

    /// A number in the trace's format and this style (`1.5e-7`, `1.5 \times 10^{-7}`).
    package func number(_ x: Double) -> FormulaLeaf {
        guard let written else { return write(number: x) }
        if let leaf = written.table[x.bitPattern] { return leaf }
        let leaf = write(number: x)
        written.table[x.bitPattern] = leaf
        return leaf
    }

    /// `x` as ``number(_:)`` writes it, with as many more digits as it takes to read back as `x`
    /// (a point as it was given).
    package func exactNumber(_ x: Double) -> String {
        var precise = self
        precise.written = nil
        precise.digits = (format.significantDigits...17).first { Double(NumberFormat(significantDigits: $0).string(x)) == x } ?? 17
        return precise.write(number: x).text
    }

    /// More significant digits than the trace's, for a row whose operands cancel.
    private var digits: Int?

    private func write(number x: Double) -> FormulaLeaf {
        let text = digits.map { NumberFormat(significantDigits: Swift.max($0, format.significantDigits)).string(x) } ?? format.string(x)
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

    /// The node's definition with its arguments' values: `2·5`. Where a sum or difference
    /// cancels (`4 − 4 = 9.882e-6`), the operands get the digits that make the row true:
    /// `4.000004941 − 3.999995059 = 9.882e-6`.
    private func substitutedDefinition(_ i: Int, value: String) -> String {
        let node = graph.nodes[i]
        guard node.op == .add || node.op == .sub, node.a >= 0, node.b >= 0 else { return definition(i, byValue: true) }
        let a = values[Int(node.a)], b = values[Int(node.b)], result = values[i]
        // Only a result much smaller than its operands can be contradicted by their rounding.
        guard result.isFinite, Swift.abs(result) < 0.01 * Swift.max(Swift.abs(a), Swift.abs(b)) else { return definition(i, byValue: true) }
        for d in format.significantDigits...17 {
            let rounded = NumberFormat(significantDigits: d)
            guard let ra = Double(rounded.string(a)), let rb = Double(rounded.string(b)) else { break }
            let recomputed = node.op == .add ? ra + rb : ra - rb
            if format.string(recomputed) == value {
                if d == format.significantDigits { return definition(i, byValue: true) }
                var precise = self
                precise.written = nil
                precise.valueLeaves = []
                precise.digits = d
                return precise.definition(i, byValue: true)
            }
        }
        return definition(i, byValue: true)
    }

    /// A copy that writes numbers with `digits` significant digits.
    private func precise(_ digits: Int) -> TraceWriter {
        var copy = self
        copy.written = nil
        copy.valueLeaves = []
        copy.names = names
        copy.digits = digits
        return copy
    }

    /// The digits a tangent or adjoint row's terms need so that the sum of what is printed gives
    /// the printed value (`4 - 4 = 9.882e-6` reads wrong: `4.000004941 - 3.999995059` does not);
    /// nil where the trace's own digits do.
    private func sumDigits(_ row: TraceRow, value: String) -> Int? {
        let terms = row.terms.filter { !$0.isStructuralZero }
        guard terms.count >= 2, row.value.isFinite else { return nil }
        let magnitude = terms.map { Swift.abs($0.value) }.max() ?? 0
        // Only a sum much smaller than its terms can be contradicted by their rounding.
        guard Swift.abs(row.value) < 0.01 * magnitude else { return nil }
        for d in format.significantDigits...17 {
            let rounded = NumberFormat(significantDigits: d)
            var sum = 0.0
            for term in terms {
                guard let f = Double(rounded.string(term.factor)), let p = Double(rounded.string(term.partialValue)) else { return nil }
                sum += f * p
            }
            if format.string(sum) == value { return d == format.significantDigits ? nil : d }
        }
        return nil
    }

    // MARK: Formulas of one node

    /// The total partial of `node` with respect to the node `argument` (a sum if it is used twice).
    package func totalPartialFormula(_ node: Int, _ argument: Int) -> Formula { trace.totalPartialFormula(node, argument) }

    /// Its value, as the sweep computed it.
    package func totalPartialValue(_ node: Int, _ argument: Int) -> Double { trace.totalPartialValue(node, argument) }

    /// Renders a formula over `node`'s arguments, by name or by value (a tangent or an adjoint
    /// in it is a ``Formula/quantity(name:value:)`` and is written the same way).
    ///
    /// The same as `formula.render(style, leaf:number:quantity:)` with those leaves, written
    /// here without closures: a row writes several formulas, and a trace has many rows.
    package func render(_ formula: Formula, node: Int, byValue: Bool) -> String {
        let n = graph.nodes[node]
        return write(formula, a: Int(n.a), b: Int(n.b), byValue: byValue).text
    }

    private func write(_ formula: Formula, a: Int, b: Int, byValue: Bool) -> FormulaWriter.Written {
        let leaf: FormulaLeaf
        switch formula {
        case .arg(let i):
            let id = i == 0 ? a : b
            leaf = byValue ? valueLeaf(id) : FormulaLeaf(nodeSymbol(id))
        case .number(let x):
            leaf = number(x)
        case .quantity(let name, let value):
            leaf = byValue ? number(value) : FormulaLeaf(name)
        case .apply(let op, let operands):
            return combiner.combine(op, operands.map { write($0, a: a, b: b, byValue: byValue) })
        }
        return FormulaWriter.Written(text: leaf.text, precedence: 99, isNegativeAtom: leaf.isNegative)
    }

    /// The node's own operation applied to its arguments: `v-1·v0`, `log(v1)`.
    package func definition(_ node: Int, byValue: Bool) -> String {
        let n = graph.nodes[node]
        return render(.apply(n.op, (0..<n.op.arity).map { .arg($0) }), node: node, byValue: byValue)
    }

    // MARK: Rows

    /// `row` written out (see ``RenderedRow``).
    package func rendered(_ row: TraceRow) -> RenderedRow {
        let i = row.node
        let isInput = graph.nodes[i].op == .input
        let value = row.kind == .primal && row.value.bitPattern == values[i].bitPattern ? valueLeaf(i).text : number(row.value).text
        switch row.kind {
        case .primal:
            let label = nodeSymbol(i)
            if isInput {
                let name = symbol(graph.inputNames[i])
                return RenderedRow(node: i, label: label, definition: name, formula: name, substituted: "", value: value)
            }
            let symbolic = definition(i, byValue: false)
            return RenderedRow(node: i, label: label, definition: symbolic, formula: symbolic, substituted: substitutedDefinition(i, value: value), value: value)
        case .tangent:
            let label = nodeSymbol(i, accent: .dot)
            if isInput {
                let seed = symbol(graph.inputNames[i], accent: .dot)
                return RenderedRow(node: i, label: label, definition: seed, formula: seed, substituted: "", value: value)
            }
            let symbolic = tangentSum(row, byValue: false)
            let substituted = sumDigits(row, value: value).map { precise($0).tangentSum(row, byValue: true) } ?? tangentSum(row, byValue: true)
            return RenderedRow(node: i, label: label, definition: symbolic, formula: symbolic, substituted: substituted, value: value)
        case .adjoint:
            var rendered = adjointRow(row, value: value)
            if let digits = sumDigits(row, value: value) { rendered.substituted = precise(digits).adjointRow(row, value: value).substituted }
            return rendered
        }
    }

    /// A local partial as a row: `∂v₃/∂v₀ = cos(v₀) = cos(5) = 0.2837`.
    package func rendered(_ partial: EdgePartial) -> RenderedRow {
        let formula = render(partial.partial, node: partial.node, byValue: false)
        return RenderedRow(
            node: partial.node, label: partialSymbol(partial.node, partial.argument), definition: formula, formula: formula,
            substituted: render(partial.partial, node: partial.node, byValue: true), value: number(partial.value).text)
    }

    /// The tangent of one node as a sum over its arguments: `v̇-1·v0 + v̇0·v-1`, `v̇1/v1`.
    ///
    /// By value, an argument that no seeded input reaches, across an edge whose partial is not
    /// finite, adds a plain `0`: its tangent is a structural zero and is never multiplied
    /// (`0/(2·sqrt(0))` would read as 0/0 = 0). Across a finite partial the product stays (`0·2`).
    private func tangentSum(_ row: TraceRow, byValue: Bool) -> String {
        var sum: Formula?
        for term in row.terms {
            guard case .node(let id) = term.source else { continue }
            let tangent = Formula.quantity(name: nodeSymbol(id, accent: .dot), value: term.factor)
            // A partial of ±1 (sums, differences) adds or subtracts the tangent itself, by value too: `5.5 - 0`.
            var written = product(tangent, term.partial)
            if byValue, term.isStructuralZero, !term.partialValue.isFinite {
                if case .apply(.neg, _) = written { written = .apply(.neg, [.number(0)]) } else { written = .number(0) }
            }
            if let previous = sum {
                if case .apply(.neg, let inner) = written { sum = .apply(.sub, [previous, inner[0]]) } else { sum = .apply(.add, [previous, written]) }
            } else {
                sum = written
            }
        }
        guard let sum else { return "0" }
        return render(sum, node: row.node, byValue: byValue)
    }

    /// `factor·partial`, written simply where the partial is ±1 or 1/x.
    private func product(_ factor: Formula, _ partial: Formula) -> Formula {
        if case .apply(.div, let parts) = partial, parts[0] == .number(1) { return .apply(.div, [factor, parts[1]]) }
        if partial == .number(1) { return factor }
        if partial == .number(-1) { return .apply(.neg, [factor]) }
        return .apply(.mul, [factor, partial])
    }

    /// `v̄₀ = v̄₃·∂v₃/∂v₀ + v̄₁·∂v₁/∂v₀ = v̄₃·cos(v₀) + v̄₁·v₋₁ = 1·cos(5) + 0.1·2`: each term once
    /// by symbols, once with its partial as a formula, once by value.
    private func adjointRow(_ row: TraceRow, value: String) -> RenderedRow {
        var symbolic: [String] = [], formulas: [String] = [], numeric: [String] = []
        symbolic.reserveCapacity(row.terms.count)
        formulas.reserveCapacity(row.terms.count)
        numeric.reserveCapacity(row.terms.count)
        let dot = style == .latex ? " \\cdot " : "·"
        for term in row.terms {
            switch term.source {
            case .outputSeed(let k), .inputSeed(let k):
                let seed = term.source == .outputSeed(k) ? outputSeedSymbol(graph.outputs[k].name) : symbol(graph.inputNames[k], accent: .dot)
                symbolic.append(seed)
                formulas.append(seed)
                numeric.append(number(term.factor).text)
            case .node(let c):
                let bar = nodeSymbol(c, accent: .bar)
                symbolic.append(bar + dot + partialSymbol(c, row.node))
                let product = Formula.apply(.mul, [.quantity(name: bar, value: term.factor), term.partial])
                formulas.append(render(product, node: c, byValue: false))
                // A consumer that reaches no seeded output passes a structural zero: a plain `0`, not 0·partial.
                numeric.append(!term.isStructuralZero || term.partialValue.isFinite ? render(product, node: c, byValue: true) : "0")
            }
        }
        let join = { (parts: [String]) in parts.isEmpty ? "0" : parts.joined(separator: " + ") }
        return RenderedRow(
            node: row.node, label: nodeSymbol(row.node, accent: .bar), definition: join(symbolic), formula: join(formulas),
            substituted: numeric.isEmpty ? "" : join(numeric), value: value)
    }

    // MARK: Warnings

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
