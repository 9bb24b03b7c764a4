import AdvizOutput

/// The reverse sweep as increments (`--accumulate`) and the notes' recursive backward passes
/// (`--backward recursive|recursive-overwrite`), in every format.
extension TraceReport {
    // MARK: Accumulation

    /// Each increment written out: `v̄₀ +=`, `v̄₃·∂v₃/∂v₀`, `v̄₃·cos(v₀)`, `0 + 1·cos(5)`, `0.2837`.
    func accumulationRows(_ writer: TraceWriter) -> [RenderedRow] {
        trace.accumulationSteps().map { step in
            var row = writer.rendered(TraceRow(kind: .adjoint, node: step.node, terms: [step.term], value: step.after))
            row.label += writer.style == .latex ? " \\mathrel{+}=" : " +="
            row.substituted = writer.number(step.before).text + " + " + row.substituted
            return row
        }
    }

    var accumulationTitle: String { "Reverse sweep as a tape runs it" }
    var accumulationNote: String { "every adjoint starts at 0; one increment per edge, from the last node back" }

    func accumulationText(style: TerminalStyle) -> TextLines {
        var table = TextTable()
        for row in accumulationRows(TraceWriter(trace: trace, style: .text, caching: true)) {
            table.append([
                TextTable.Cell(row.label, .label), TextTable.Cell(row.definition),
                TextTable.Cell(row.formula.sameBytes(row.definition) ? "" : row.formula, prefix: row.formula.sameBytes(row.definition) ? "" : "= "),
                TextTable.Cell(row.substituted, prefix: "= "), TextTable.Cell(row.value, .value, prefix: "= "),
            ])
        }
        var lines = TextLines()
        lines.append(style.apply(.heading, accumulationTitle) + " (\(accumulationNote))")
        lines.append(table, style: style)
        return lines
    }

    func accumulationMarkdown() -> [String] {
        var out = ["### \(accumulationTitle)", "", accumulationNote.prefix(1).uppercased() + accumulationNote.dropFirst() + ".", ""]
        out.append("| increment | chain rule | formula | substituted | value |")
        out.append("|---|---|---|---|---|")
        for row in accumulationRows(TraceWriter(trace: trace, style: .text, caching: true)) {
            out.append("| " + [row.label, row.definition, row.formula, row.substituted, row.value].map(\.markdownCell).joined(separator: " | ") + " |")
        }
        return out + [""]
    }

    func accumulationLatex() -> [String] {
        var out = ["\\begin{tabular}{lllll}", "\\multicolumn{5}{l}{\\textbf{\(accumulationTitle)} (\(accumulationNote))} \\\\", "\\hline"]
        for row in accumulationRows(TraceWriter(trace: trace, style: .latex, caching: true)) {
            out.append("$\(row.label)$ & $\(row.definition)$ & $= \(row.formula)$ & $= \(row.substituted)$ & $= \(row.value)$ \\\\")
        }
        return out + ["\\end{tabular}", ""]
    }

    func accumulationJSON() -> JSONValue {
        let ids = graph.nodeIDs()
        return .array(trace.accumulationSteps().map { step in
            var fields: [(String, JSONValue)] = [("node", .string(ids[step.node]))]
            switch step.term.source {
            case .node(let c): fields.append(("from", .string(ids[c])))
            case .outputSeed(let k): fields.append(("seed", .string(graph.outputs[k].name)))
            case .inputSeed: break
            }
            fields += [("factor", .finite(step.term.factor)), ("partial", .finite(step.term.partialValue)),
                       ("before", .finite(step.before)), ("after", .finite(step.after))]
            return .object(fields)
        })
    }

    /// For a lesson's `show`: the tape's increments (`.tape`) or a recursive pass's visits and
    /// result (`.recursive`, `.recursiveOverwrite`), as text lines. The increments need the
    /// adjoints: a trace without them is traced again in both modes.
    package func backwardLines(_ algorithm: BackwardAlgorithm, style: TerminalStyle) -> [String] {
        var report = self
        report.backward = algorithm
        if algorithm == .tape, trace.adjoints == nil {
            var options = trace.options
            options.mode = .both
            guard let both = try? Trace(graph, at: trace.point, options: options) else { return [] }
            report.trace = both
        }
        return (algorithm == .tape ? report.accumulationText(style: style) : report.recursiveText(style: style)).strings
    }

    // MARK: Recursive backward passes

    /// The pass `backward` names, with the tape's adjoints for the same seeds beside it.
    func recursivePass() -> (pass: RecursiveBackwardPass, tape: [Double]) {
        let pass = RecursiveBackwardPass(graph, trace.evaluation, outputSeed: trace.outputSeed, algorithm: backward)
        let tape = trace.adjoints ?? ReverseSweep.adjoints(graph, trace.evaluation, outputSeed: trace.outputSeed)
        return (pass, tape)
    }

    var recursiveTitle: String {
        backward == .recursiveOverwrite
            ? "Backward pass as the notes' ReverseDiff.backward runs it (recursive; grad = g at each visit)"
            : "Backward pass by recursion with grad += g (one visit per path)"
    }

    /// One visit's cells: number, node (indented by depth), `g = 1·∂v₂/∂v₁ = 1·(1/10)`, g, grad, note.
    func visitCells(_ visit: BackwardVisit, number: Int, _ writer: TraceWriter) -> [String] {
        let name = writer.nodeSymbol(visit.node) + (visit.node < graph.inputCount ? " (\(writer.symbol(graph.inputNames[visit.node])))" : "")
        let node = String(repeating: "· ", count: min(visit.depth, 12)) + name
        let times = writer.style == .latex ? " \\cdot " : "·"
        let received = writer.number(visit.received).text
        var g: String
        if let from = visit.from {
            let product = Formula.apply(.mul, [.number(visit.callerGrad), visit.partial])
            g = writer.number(visit.callerGrad).text + times + writer.partialSymbol(from.consumer, visit.node)
                + " = " + writer.render(product, node: from.consumer, byValue: true)
        } else {
            g = writer.outputSeedSymbol(graph.outputs[visit.output].name)
        }
        g += " = " + received
        let before = visit.gradBefore.map { writer.number($0).text } ?? "None"
        let after = writer.number(visit.gradAfter).text
        let grad = backward == .recursiveOverwrite || visit.gradBefore == nil ? "\(before) → \(after)" : "\(before) + \(received) = \(after)"
        let note = visit.overwrites ? "overwrites \(before): that path's share is lost" : ""
        return ["\(number)", node, g, grad, note]
    }

    /// The gradient each way, and where they differ.
    func recursiveResultLines(_ pass: RecursiveBackwardPass, tape: [Double], _ writer: TraceWriter) -> [String] {
        let count = pass.visitCount < 9.0e15 ? String(Int(pass.visitCount)) : writer.number(pass.visitCount).text
        var lines = ["visits: \(count) (one per path from the output); the tape walks \(pass.tapeEdgeVisits) edges, each once"]
        let tapeGradient = tape.prefix(graph.inputCount).map { writer.number($0).text }
        guard let gradient = pass.gradient(inputs: graph.inputCount) else {
            lines.append("not run: more than \(RecursiveBackwardPass.visitRunLimit) visits; the tape gives (\(tapeGradient.joined(separator: ", ")))")
            return lines
        }
        let written = gradient.map { $0.map { writer.number($0).text } ?? "None" }
        lines.append("gradient by this pass: (\(written.joined(separator: ", ")))")
        lines.append("gradient by the tape:  (\(tapeGradient.joined(separator: ", ")))")
        for k in 0..<graph.inputCount where written[k] != tapeGradient[k] {
            let paths = pass.visits.filter { $0.node == k }.count
            lines.append("∂/∂\(writer.symbol(graph.inputNames[k])) differs: \(written[k]) here, \(tapeGradient[k]) on the tape"
                + (backward == .recursiveOverwrite && paths > 1 ? " (\(paths) paths reach it; grad = g keeps the last one's share)" : ""))
        }
        if written == tapeGradient { lines.append("the same gradient as the tape") }
        return lines
    }

    func recursiveText(style: TerminalStyle) -> TextLines {
        let (pass, tape) = recursivePass()
        let writer = TraceWriter(trace: trace, style: .text)
        var lines = TextLines()
        lines.append(style.apply(.heading, recursiveTitle))
        var table = TextTable()
        table.append(["visit", "node", "g (what backward(g) receives)", "grad"].map { TextTable.Cell($0, .muted) })
        let shown = min(pass.visits.count, 500)
        for (i, visit) in pass.visits.prefix(shown).enumerated() {
            let cells = visitCells(visit, number: i + 1, writer)
            table.append([TextTable.Cell(cells[0], .muted), TextTable.Cell(cells[1], .label), TextTable.Cell(cells[2]),
                          TextTable.Cell(cells[3], .value), TextTable.Cell(cells[4], .warning)])
        }
        table.rightAligned = [0]
        lines.append(table, style: style)
        if Double(shown) < pass.visitCount { lines.append("  … \(writer.number(pass.visitCount - Double(shown)).text) more visits") }
        lines.append("")
        lines.append(style.apply(.heading, "Result"))
        lines.append(recursiveResultLines(pass, tape: tape, writer).map { "  " + $0 })
        return lines
    }

    func recursiveMarkdown() -> [String] {
        let (pass, tape) = recursivePass()
        let writer = TraceWriter(trace: trace, style: .text)
        var out = ["### \(recursiveTitle)", "", "| visit | node | g | grad | note |", "|---|---|---|---|---|"]
        for (i, visit) in pass.visits.prefix(500).enumerated() {
            out.append("| " + visitCells(visit, number: i + 1, writer).map(\.markdownCell).joined(separator: " | ") + " |")
        }
        return out + [""] + recursiveResultLines(pass, tape: tape, writer).map { "- " + $0 } + [""]
    }

    func recursiveLatex() -> [String] {
        let (pass, tape) = recursivePass()
        let writer = TraceWriter(trace: trace, style: .latex)
        var out = ["\\begin{tabular}{rllll}", "\\multicolumn{5}{l}{\\textbf{\(recursiveTitle.latexEscapedText)}} \\\\", "\\hline"]
        for (i, visit) in pass.visits.prefix(500).enumerated() {
            let c = visitCells(visit, number: i + 1, writer)
            out.append("\(c[0]) & $\(c[1].replacingOccurrences(of: "· ", with: "\\cdot\\,"))$ & $g = \(c[2])$ & $\(c[3].replacingOccurrences(of: "→", with: "\\to").replacingOccurrences(of: "None", with: "\\mathrm{None}"))$ & \(c[4].latexEscapedText) \\\\")
        }
        out += ["\\end{tabular}", ""]
        let text = TraceWriter(trace: trace, style: .text)
        return out + recursiveResultLines(pass, tape: tape, text).map { $0.latexEscapedText + "\\\\" } + [""]
    }

    func recursiveJSON() -> JSONValue {
        let (pass, tape) = recursivePass()
        let ids = graph.nodeIDs()
        var fields: [(String, JSONValue)] = [("algorithm", .string(backward.rawValue)), ("visits", .number(pass.visitCount)), ("tape_edges", .integer(pass.tapeEdgeVisits))]
        if let gradient = pass.gradient(inputs: graph.inputCount) {
            fields.append(("gradient", .object(zip(graph.inputNames, gradient).map { ($0, $1.map { .finite($0) } ?? .null) })))
        } else {
            fields.append(("gradient", .null))
        }
        fields.append(("tape_gradient", .object(zip(graph.inputNames, tape).map { ($0, .finite($1)) })))
        fields.append(("steps", .array(pass.visits.map { visit in
            .object([
                ("node", .string(ids[visit.node])), ("from", visit.from.map { .string(ids[$0.consumer]) } ?? .null),
                ("g", .finite(visit.received)), ("grad_before", visit.gradBefore.map { .finite($0) } ?? .null),
                ("grad", .finite(visit.gradAfter)), ("overwrites", .bool(visit.overwrites)),
            ])
        })))
        return .object(fields)
    }
}

extension String {
    /// Text for a LaTeX text-mode cell: its special characters escaped, maths symbols kept as maths.
    var latexEscapedText: String {
        var out = ""
        for c in self {
            if let escaped = latexEscaped(c) { out += escaped; continue }
            switch c {
            case "→": out += "$\\to$"
            case "∂": out += "$\\partial$"
            case "·": out += "$\\cdot$"
            default: out.append(c)
            }
        }
        return out
    }
}
