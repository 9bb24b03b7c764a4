import AdvizOutput
import Foundation

/// The output formats of `adviz trace`.
public enum ReportFormat: String, Sendable, CaseIterable {
    /// Aligned tables for a terminal (colour when asked).
    case text
    /// Markdown tables for notes.
    case markdown
    /// LaTeX tabulars for papers and slides.
    case latex
    /// A JSON object other tools read (its fields: docs/json-format.md).
    case json
}

/// Writes a ``Trace`` as text, Markdown, LaTeX or JSON.
public struct TraceReport: Sendable {
    /// The trace to write.
    public var trace: Trace
    /// The program text, shown in headings; nil to leave it out.
    public var source: String?
    /// From how many nodes the tables are written at the same time, on the machine's cores
    /// (the same text either way; the tests compare the two).
    package var concurrentFrom = 2_000
    /// Adds the reverse sweep as increments, `v̄ⱼ += v̄ᵢ·∂vᵢ/∂vⱼ`, in the order a tape runs them
    /// (see ``Trace/accumulationSteps()``); JSON gains `accumulation`.
    public var accumulate = false
    /// The backward pass shown: the tape's (the adjoint trace), or one of the course notes'
    /// recursive passes (see ``RecursiveBackwardPass``), which replaces the tangent, partials
    /// and adjoint tables with its visits and compares its gradient with the tape's; JSON gains
    /// `backward`.
    public var backward: BackwardAlgorithm = .tape

    /// A report of `trace`, headed by `source` when given.
    public init(_ trace: Trace, source: String? = nil) {
        self.trace = trace
        self.source = source
    }

    /// The report in `format`. `width` is the text width for laying tables side by side
    /// (nil: always one under the other); `style` colours text output.
    public func render(_ format: ReportFormat, width: Int? = nil, style: TerminalStyle = .plain) -> String {
        switch format {
        case .text: text(width: width, style: style)
        case .markdown: markdown()
        case .latex: latex()
        case .json: json().serialized() + "\n"
        }
    }

    var graph: Graph { trace.graph }
    var format: NumberFormat { trace.options.numberFormat }
    var mode: TraceMode { trace.options.mode }
    /// The tables of the first-order sweeps shown: none but the primal for a recursive backward pass.
    var showsSweeps: Bool { backward == .tape }

    /// The outputs named, for headers: `(output: loss)`, `(outputs: y1, y2)`.
    var outputsText: String {
        "(output\(graph.outputCount == 1 ? "" : "s"): \(graph.outputs.map(\.name).joined(separator: ", ")))"
    }

    /// For a program without inputs: that its derivative is 0, and which names the program gives
    /// a number (`x = 3` makes `x` a constant, not an input to differentiate by). Nil otherwise.
    var noInputsNote: String? {
        guard graph.inputCount == 0 else { return nil }
        let constants = graph.nodes.indices.compactMap { i in graph.nodes[i].op == .constant ? graph.statementNames[i] : nil }
        let listed = constants.map { "`\($0)`" }.joined(separator: ", ")
        let named = constants.isEmpty ? "" : ": \(listed) \(constants.count == 1 ? "is" : "are") given a number, so a constant; "
            + "to differentiate by \(constants.count == 1 ? "it" : "them"), leave the assignment out and give the value at the point"
        return "note: the program has no inputs (every derivative is 0)" + named
    }

    /// `x1 = 2, x2 = 5`.
    func pointText(_ style: MathStyle) -> String {
        let writer = TraceWriter(trace: trace, style: style)
        // The point as given: `1.0000012353`, not the table's `1`.
        return zip(graph.inputNames, trace.point).map { "\(writer.symbol($0)) = \(writer.exactNumber($1))" }.joined(separator: ", ")
    }

    /// `ẋ1 = 1, ẋ2 = 0`.
    func seedText(_ style: MathStyle) -> String {
        let writer = TraceWriter(trace: trace, style: style)
        return zip(graph.inputNames, trace.seed).map { "\(writer.symbol($0, accent: .dot)) = \(writer.number($1).text)" }.joined(separator: ", ")
    }

    /// `ȳ = 1`.
    func outputSeedText(_ style: MathStyle) -> String {
        let writer = TraceWriter(trace: trace, style: style)
        return zip(graph.outputs, trace.outputSeed).map { "\(writer.outputSeedSymbol($0.name)) = \(writer.number($1).text)" }.joined(separator: ", ")
    }

    /// The rows' cells: `label = definition = substituted = value`, the substitution left out where it adds nothing.
    func cells(_ row: RenderedRow, showFormula: Bool = false) -> [String] {
        let value = row.value
        var cells = [row.label, row.definition]
        if showFormula { cells.append(row.formula.sameBytes(row.definition) ? "" : row.formula) }
        cells.append(row.substituted.sameBytes(value) || row.substituted.sameBytes(row.definition) ? "" : row.substituted)
        cells.append(value)
        return cells
    }

    /// The output rows that close the primal trace: `y = v4 = 1.344`.
    func outputRows(_ style: MathStyle) -> [[String]] {
        let writer = TraceWriter(trace: trace, style: style)
        return graph.outputs.map { [writer.symbol($0.name), writer.nodeSymbol($0.node), "", writer.number(trace.evaluation.values[$0.node]).text] }
    }

    /// The jobs of ``firstOrderTables(_:_:)``: job k reads only `writers[k]` and writes only
    /// `results[k]`, so nothing is shared between threads (hence unchecked).
    struct TableJobs<T>: @unchecked Sendable {
        let kinds: [FirstOrderTable]
        let writers: [TraceWriter]
        let make: (FirstOrderTable, TraceWriter) -> T
        let results: UnsafeMutableBufferPointer<T?>

        func run(_ k: Int) { results[k] = make(kinds[k], writers[k]) }
    }

    /// The tables of a first-order trace.
    enum FirstOrderTable: CaseIterable { case primal, tangent, partials, adjoint }

    /// The primal table, and the tangent, partials and adjoint tables where the mode shows them,
    /// each made by `make` with its own copy of `writer`, at the same time on the machine's
    /// cores: a trace of 100,000 nodes has some 400,000 rows to write.
    func firstOrderTables<T>(
        _ writer: TraceWriter, _ make: (FirstOrderTable, TraceWriter) -> T
    ) -> (primal: T, tangent: T?, partials: T?, adjoint: T?) {
        let kinds = FirstOrderTable.allCases.filter { kind in
            switch kind {
            case .primal: true
            case .tangent: mode.showsForward && showsSweeps
            case .partials, .adjoint: mode.showsReverse && showsSweeps
            }
        }
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: kinds.count)
        results.initialize(repeating: nil)
        defer {
            _ = results.deinitialize()
            results.deallocate()
        }
        // Each job writes its own slot, with its own writer (whose number table is not shared).
        let writers = kinds.map { _ in writer.copyForAnotherThread() }
        if trace.graph.nodes.count < concurrentFrom {
            for k in kinds.indices { results[k] = make(kinds[k], writers[k]) }
        } else {
            withoutActuallyEscaping(make) { make in
                let jobs = TableJobs(kinds: kinds, writers: writers, make: make, results: results)
                DispatchQueue.concurrentPerform(iterations: kinds.count) { k in jobs.run(k) }
            }
        }
        func result(_ kind: FirstOrderTable) -> T? { kinds.firstIndex(of: kind).flatMap { results[$0] } }
        return (result(.primal)!, result(.tangent), result(.partials), result(.adjoint))
    }

    /// The cells of the first-order tables for Markdown and LaTeX, written at the same time;
    /// `adjointFormulas` adds the adjoint rows' formula column.
    func firstOrderCells(_ writer: TraceWriter, adjointFormulas: Bool) -> (primal: [[String]], tangent: [[String]]?, partials: [[String]]?, adjoint: [[String]]?) {
        let style: MathStyle = writer.style
        return firstOrderTables(writer) { kind, writer in
            switch kind {
            case .primal: trace.primalRows().map { cells(writer.rendered($0)) } + outputRows(style)
            case .tangent: trace.tangentRows().map { cells(writer.rendered($0)) }
            case .partials:
                trace.edgePartials().map { partial in
                    let p = writer.rendered(partial)
                    return [p.label, p.formula, p.substituted, p.value]
                }
            case .adjoint: trace.adjointRows().map { cells(writer.rendered($0), showFormula: adjointFormulas) }
            }
        }
    }

    // MARK: Text

    func text(width: Int?, style: TerminalStyle) -> String {
        // Blocks of lines written out once: a trace of 100,000 nodes is some 400,000 of them.
        var out = TextDocument()
        let heading = { (title: String) in style.apply(.heading, title) }
        if let source {
            let isProgram = !graph.statementNames.isEmpty || source.contains("=")
            out.append(heading((isProgram ? "program: " : "f = ") + source.trimmed.replacingNewlines()) + (graph.inputCount == 0 ? "" : "  at " + pointText(.text)) + (isProgram ? "  " + outputsText : ""))
            if let note = noInputsNote { out.append(style.apply(.muted, note)) }
            out.append("")
        }

        func table(_ title: String, _ rows: [[String]], notes: [String] = []) -> TextLines { textTable(title, rows, notes: notes, style: style) }

        // The four tables are written at the same time, on the machine's cores.
        let writer = TraceWriter(trace: trace, style: .text, caching: true)
        let (primal, tangent, partials, adjoint) = firstOrderTables(writer) { kind, writer in
            switch kind {
            case .primal:
                // The statement that names a node (`a = x1*x2`) is noted beside its row.
                let primalRows = trace.primalRows()
                let names = primalRows.map { graph.statementNames[$0.node].map { "(\($0))" } ?? "" }
                return table(heading("Forward primal trace"), primalRows.map { cells(writer.rendered($0)) } + outputRows(.text), notes: names)
            case .tangent:
                return table(heading("Forward tangent trace") + (graph.inputCount == 0 ? "" : " (\(seedText(.text)))"), trace.tangentRows().map { cells(writer.rendered($0)) })
            case .partials:
                let partials = trace.edgePartials()
                guard !partials.isEmpty else { return TextLines() }
                return table(heading("Local partials") + " (one per edge; reverse mode multiplies by them)", partials.map { partial in
                    let p = writer.rendered(partial)
                    return [p.label, p.formula, p.substituted.sameBytes(p.value) || p.substituted.sameBytes(p.formula) ? "" : p.substituted, p.value]
                })
            case .adjoint:
                return table(heading("Reverse adjoint trace") + " (\(outputSeedText(.text)))", trace.adjointRows().map { cells(writer.rendered($0)) })
            }
        }
        if let tangent {
            out.append(primal, beside: tangent, width: width)
        } else {
            out.append(primal)
        }
        out.append("")
        if let partials, partials.count > 0 {
            out.append(partials)
            out.append("")
        }
        if let adjoint {
            out.append(adjoint)
            out.append("")
        }
        if accumulate, mode.showsReverse, showsSweeps {
            out.append(accumulationText(style: style))
            out.append("")
        }
        if !showsSweeps {
            out.append(recursiveText(style: style))
            out.append("")
            return out.text
        }

        if let second = trace.secondOrder { appendSecondOrder(second, to: &out, width: width, style: style) }

        out.append(resultLines(style: style))
        return out.text
    }

    /// A heading and a table of `rows`, each `label = … = value`, with `notes` beside them.
    func textTable(_ title: String, _ rows: [[String]], notes: [String] = [], style: TerminalStyle) -> TextLines {
        var t = TextTable()
        t.rows.reserveCapacity(rows.count)
        for (r, row) in rows.enumerated() {
            var cells: [TextTable.Cell] = [TextTable.Cell(row[0], .label)]
            cells.reserveCapacity(row.count + 1)
            for (i, cell) in row.dropFirst().enumerated() {
                let isValue = i == row.count - 2
                cells.append(TextTable.Cell(cell, isValue ? .value : nil, prefix: cell.isEmpty ? "" : "= "))
            }
            if r < notes.count, !notes[r].isEmpty { cells.append(TextTable.Cell(notes[r], .muted)) }
            t.append(cells)
        }
        var lines = TextLines()
        lines.append(title)
        lines.append(t, style: style)
        return lines
    }

    /// The second-order section: the backward pass as nodes beside its tangents, then H·ẋ and the Hessian.
    func appendSecondOrder(_ second: SecondOrderTrace, to out: inout TextDocument, width: Int?, style: TerminalStyle) {
        let heading = { (title: String) in style.apply(.heading, title) }
        func table(_ title: String, _ rows: [[String]], notes: [String] = []) -> TextLines { textTable(title, rows, notes: notes, style: style) }
        let backward = second.backwardPassRows()
        let rows = second.rows()
        let meanings = backward.map { second.meaning(of: $0.node) }
        let gradientWriter = TraceWriter(trace: second.gradientTrace, style: .text, caching: true)
        let first = backward.first.map { gradientWriter.nodeSymbol($0.node) } ?? ""
        let last = backward.last.map { gradientWriter.nodeSymbol($0.node) } ?? ""
        out.append(heading("Second order") + " (forward over reverse, of \(graph.outputs[second.gradientGraph.output].name)): the backward pass as nodes \(first)…\(last) (the gradient graph), and their tangents")
        let left = table(heading("Backward pass"), backward.map { cells(gradientWriter.rendered($0)) }, notes: meanings)
        let right = table(heading("Second-order tangent trace") + " (\(seedText(.text)))", rows.map { cells(gradientWriter.rendered($0.row)) })
        out.append(left, beside: right, width: width)
        out.append("")
        out.append(hessianLines(second, style: style))
        out.append("")
    }

    /// H·ẋ, then the whole Hessian, with its symmetry and cost.
    func hessianLines(_ second: SecondOrderTrace, style: TerminalStyle) -> [String] {
        let writer = TraceWriter(trace: trace, style: .text)
        let names = graph.inputNames
        let y = graph.outputs[second.gradientGraph.output].name
        var out: [String] = []
        let hvp = second.hessianVectorProduct.map { writer.number($0).text }.joined(separator: ", ")
        out.append("  H·ẋ = (\(style.apply(.value, hvp)))  (the tangents of ∂\(y)/∂\(names.joined(separator: ", ∂\(y)/∂")): one Hessian-vector product)")
        let h = second.hessian
        out.append(style.apply(.heading, "Hessian") + " of \(y) (\(counted(h.sweeps, "tangent sweep")) of the gradient graph, one per eⱼ; \(counted(h.multiplyAdds, "multiply-add")))")
        guard !names.isEmpty else { return out }
        var t = TextTable(rightAligned: Set(1...names.count))
        t.append([TextTable.Cell("∂²\(y)", .muted)] + names.map { TextTable.Cell("∂/∂" + writer.symbol($0), .muted) })
        for (i, row) in h.matrix.enumerated() {
            t.append([TextTable.Cell("∂/∂" + writer.symbol(names[i]), .label)] + row.map { TextTable.Cell(writer.number($0).text) })
        }
        out += t.lines(style: style, indent: "    ", separator: "  ")
        out.append("  " + style.apply(.muted, h.symmetrySentence(names: names, number: NumberFormat(significantDigits: 2).string)))
        return out
    }

    /// The result: outputs, gradient or Jacobian, and what the whole Jacobian costs each way.
    func resultLines(style: TerminalStyle) -> [String] {
        let writer = TraceWriter(trace: trace, style: .text)
        var out = [style.apply(.heading, "Result")]
        let n = graph.inputCount, m = graph.outputCount
        for (k, output) in graph.outputs.enumerated() {
            let name = writer.symbol(output.name)
            out.append("  \(name) = \(style.apply(.value, writer.number(trace.outputValues[k]).text))")
        }
        if m == 1, n > 6 {
            let name = writer.symbol(graph.outputs[0].name)
            out.append("  ∇\(name):")
            var t = TextTable()
            for (j, input) in graph.inputNames.enumerated() {
                t.append([TextTable.Cell("∂\(name)/∂\(writer.symbol(input))", .label), TextTable.Cell("= " + writer.number(trace.gradient[j]).text, .value)])
            }
            out += t.lines(style: style, indent: "    ")
        } else if m == 1, n > 0 {
            let name = writer.symbol(graph.outputs[0].name)
            let parts = graph.inputNames.map { "∂\(name)/∂\(writer.symbol($0))" }.joined(separator: ", ")
            let values = trace.gradient.map { writer.number($0).text }.joined(separator: ", ")
            out.append("  ∇\(name) = (\(parts)) = (\(style.apply(.value, values)))")
            if let tangents = trace.tangents {
                let directional = tangents[graph.outputs[0].node]
                out.append("  ∇\(name)·(\(trace.seed.map { writer.number($0).text }.joined(separator: ", "))) = \(writer.number(directional).text)  (the tangent ẏ of the forward sweep)")
            }
        } else if n > 0 {
            out.append("  Jacobian (rows: outputs, columns: inputs)")
            var t = TextTable(rightAligned: Set(1...n))
            t.append([TextTable.Cell("")] + graph.inputNames.map { TextTable.Cell("∂/∂" + writer.symbol($0), .muted) })
            for (k, output) in graph.outputs.enumerated() {
                t.append([TextTable.Cell(writer.symbol(output.name), .label)] + trace.reverseJacobian.matrix[k].map { TextTable.Cell(writer.number($0).text) })
            }
            out += t.lines(style: style, indent: "    ", separator: "  ")
        }
        out.append("")
        out.append(style.apply(.heading, "Cost of the whole Jacobian") + " (f: R\(superscript(n)) → R\(superscript(m)), \(counted(graph.differentiableEdgeCount, "multiply-add")) per sweep)")
        let r = trace.reverseJacobian
        let f = trace.forwardJacobian ?? JacobianResult(matrix: [], sweeps: n, multiplyAdds: n * graph.differentiableEdgeCount)
        var t = TextTable(rightAligned: [1, 4, 7])
        for (name, result, per) in [("forward mode:", f, "input"), ("reverse mode:", r, "output")] {
            t.append([
                TextTable.Cell(name), TextTable.Cell("\(result.sweeps)"), TextTable.Cell(result.sweeps == 1 ? "sweep" : "sweeps"),
                TextTable.Cell("×", .muted), TextTable.Cell("\(graph.differentiableEdgeCount)"), TextTable.Cell(graph.differentiableEdgeCount == 1 ? "multiply-add" : "multiply-adds", .muted),
                TextTable.Cell("=", .muted), TextTable.Cell("\(result.multiplyAdds)", .value), TextTable.Cell("(one sweep per \(per))", .muted),
            ])
        }
        out += t.lines(style: style)
        if trace.forwardJacobian != nil {
            // Entries that are both NaN, or the same infinity, agree; a NaN on one side only is a disagreement, never skipped.
            let pairs = Array(zip(f.matrix.joined(), r.matrix.joined()))
            let disagreeing = pairs.filter { a, b in a.isNaN != b.isNaN || (a.isInfinite || b.isInfinite) && a != b }
            let difference = pairs.filter { $0.isFinite && $1.isFinite }.map { Swift.abs($0 - $1) }.max() ?? 0
            let scale = pairs.flatMap { [$0, $1] }.filter(\.isFinite).map(Swift.abs).max() ?? 0
            if disagreeing.isEmpty, difference <= 1e-12 * Swift.max(1, scale) {
                out.append("  " + style.apply(.muted, "both give the same Jacobian (largest difference \(NumberFormat(significantDigits: 2).string(difference)))"))
            } else if disagreeing.isEmpty {
                out.append("  " + style.apply(.warning, "the two Jacobians differ by up to \(NumberFormat(significantDigits: 2).string(difference)): forward and reverse mode add the same products in other orders, and here rounding shows (a sum that cancels)"))
            } else {
                let numbers = NumberFormat(significantDigits: 4)
                let shown = disagreeing.prefix(3).map { "\(numbers.string($0)) forward, \(numbers.string($1)) reverse" }.joined(separator: "; ")
                out.append("  " + style.apply(.warning, "the two Jacobians differ where a partial is not finite: \(shown)"))
            }
        } else {
            out.append("  " + style.apply(.muted, "(the \(n) forward sweeps were counted, not run: the tape is long)"))
        }
        return out
    }

    func superscript(_ n: Int) -> String { Superscript.digits(String(n)) ?? String(n) }

}

extension TraceReport {
    /// `hessian` (`{"x1": {"x1": …, "x2": …}, …}`) and `second_order`: the output differentiated,
    /// H·ẋ, and the backward pass's nodes (ids of the gradient graph) with their values, tangents
    /// and chain-rule products.
    func secondOrderJSON(_ second: SecondOrderTrace) -> [(String, JSONValue)] {
        let names = graph.inputNames
        let gradientGraph = second.gradientGraph.graph
        let ids = gradientGraph.nodeIDs()
        let originalIDs = graph.nodeIDs()
        let values = second.gradientTrace.evaluation.values
        let nodes: [JSONValue] = second.rows().map { row in
            let node = gradientGraph.nodes[row.row.node]
            var fields: [(String, JSONValue)] = [
                ("id", .string(ids[row.row.node])), ("op", .string(node.op.name)),
                ("inputs", .array(node.arguments.map { .string(ids[$0]) })),
                ("value", .finite(values[row.row.node])), ("tangent", .finite(row.row.value)),
            ]
            if !row.adjointOf.isEmpty { fields.append(("adjoint_of", .array(row.adjointOf.map { .string(originalIDs[$0]) }))) }
            if let j = row.gradientOf { fields.append(("gradient_of", .string(names[j]))) }
            fields.append(("products", .array(row.products.compactMap { product in
                product.node.map { argument in JSONValue.object([
                    ("input", .string(ids[argument])), ("tangent", .finite(product.factor)),
                    ("partial", .finite(product.partialValue)), ("structural_zero", .bool(product.isStructuralZero)),
                ]) }
            })))
            return .object(fields)
        }
        return [
            ("hessian", .object(zip(names, second.hessian.matrix).map { name, row in (name, .object(zip(names, row).map { ($0, .finite($1)) })) })),
            ("second_order", .object([
                ("output", .string(graph.outputs[second.gradientGraph.output].name)),
                ("hessian_vector_product", .object(zip(names, second.hessianVectorProduct).map { ($0, .finite($1)) })),
                ("symmetric", .bool(second.hessian.isSymmetric())),
                ("sweeps", .integer(second.hessian.sweeps)),
                ("nodes", .array(nodes)),
            ])),
        ]
    }
}

extension String {
    /// The text as a Markdown table cell: `|` escaped.
    var markdownCell: String {
        utf8.contains(UInt8(ascii: "|")) ? replacingOccurrences(of: "|", with: "\\|") : self
    }

    /// A multi-line program on one line: statements joined by `; `, and a line that continues
    /// the statement above (it starts with a binary operator, or the line above ends in one or
    /// in an open parenthesis) joined with a space.
    package func replacingNewlines() -> String {
        // Comments go: a header has no room for them, and `# …` would swallow a joined line.
        let lines = split(whereSeparator: \.isNewline)
            .map { String($0.prefix { $0 != "#" }).trimmingCharacters(in: CharacterSet(charactersIn: " \t;")) }
            .filter { !$0.isEmpty }
        var joined = ""
        var depth = 0
        for line in lines {
            if !joined.isEmpty {
                let continues = depth > 0 || "+-*/^(,=".contains(joined.last!) || "+-*/^)".contains(line.first!)
                joined += continues ? " " : "; "
            }
            joined += line
            for character in line {
                if character == "(" { depth += 1 } else if character == ")" { depth = Swift.max(0, depth - 1) }
            }
        }
        return joined
    }
}
