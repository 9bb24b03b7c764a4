import AdvizOutput
import Foundation
import AdvizCore
import AdvizEngines
import AdvizSymbolic
import AdvizFigures
import AdvizPlots

/// The derivative race a `show: race` step prints: its table as text, given the number of
/// points. Handed in by the caller (the command line passes `DerivativeRace.lessonTable`):
/// the lessons are a layer below the benchmarks and never run them themselves.
public typealias LessonRace = @Sendable (_ points: Int) -> String

/// A lesson frame as terminal text: narration with its emphasis and code kept, the graph
/// state as a listing, the current phase's trace with the current row marked, and the
/// other figures as the commands print them.
public struct LessonText: Sendable {
    /// Colours (plain when piped or with NO_COLOR).
    public var style: TerminalStyle
    /// The text width.
    public var width: Int

    /// The table a `show: race` step prints, given its number of points.
    public var race: LessonRace

    /// A renderer for `width` columns; `race` makes the table of a `show: race` step.
    public init(style: TerminalStyle = .plain, width: Int = 100, race: @escaping LessonRace = LessonText.noRace) {
        self.style = style
        self.width = Swift.max(40, width)
        self.race = race
    }

    /// The race's stand-in where nobody handed one in: a line saying how to run it.
    public static let noRace: LessonRace = { points in
        "the race at \(points) points is not run here: `adviz bench --suite race --points \(points)` runs it"
    }

    /// The whole frame.
    public func render(_ frame: LessonFrame, lesson: Lesson, total: Int) -> String {
        var out: [String] = []
        let heading = "\(lesson.title) · step \(frame.index + 1) of \(total)"
        out.append(style.apply(.muted, heading))
        out.append(style.apply(.heading, frame.title))
        out.append(style.apply(.muted, String(repeating: "─", count: Swift.min(width, Swift.max(heading.count, frame.title.count)))))
        if let revealed = frame.revealed {
            out.append("")
            out += wrap(style.apply(.highlight, "Answer") + " to “\(revealed.question)”: " + inline(revealed.answer))
        }
        if !frame.narration.isEmpty {
            out.append("")
            out += narration(frame.narration)
        }
        for show in frame.shows {
            let block = figure(show, frame)
            if !block.isEmpty {
                out.append("")
                out += block
            }
        }
        let warnings = LessonText.warnings(frame)
        if !warnings.isEmpty {
            out.append("")
            for message in warnings { out += wrap(style.apply(.warning, "warning:") + " " + message, hanging: "  ") }
        }
        if let question = frame.question {
            out.append("")
            out += wrap(style.apply(.highlight, "Question:") + " " + inline(question) + style.apply(.muted, "  (the answer comes with the next step)"))
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// The trace's warnings (kinks, undefined points), once the forward sweep has been run.
    public static func warnings(_ frame: LessonFrame) -> [String] {
        guard let trace = frame.trace, frame.completed.contains(.primal) else { return [] }
        // A Python branch decided at a tie: the derivative is the branch taken's.
        return (frame.path?.kinks ?? []) + trace.warningMessages()
    }

    // MARK: Narration

    /// Markdown as terminal lines: paragraphs wrapped, **bold**, *emphasis* and `code` styled, code blocks kept.
    public func narration(_ markdown: String) -> [String] {
        var lines: [String] = []
        var paragraph: [String] = []
        var inCode = false
        func flush() {
            if !paragraph.isEmpty { lines += wrap(inline(paragraph.joined(separator: " "))) }
            paragraph = []
        }
        for raw in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                flush()
                inCode.toggle()
                continue
            }
            if inCode {
                lines.append("    " + style.apply(.label, raw))
            } else if trimmed.isEmpty {
                flush()
                if lines.last != "" { lines.append("") }
            } else if trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") || trimmed.first.map({ $0.isNumber }) == true && trimmed.contains(". ") && trimmed.prefix(4).contains(".") {
                flush()
                let bullet = trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") ? "• " + trimmed.dropFirst(2) : trimmed
                lines += wrap(inline(String(bullet)), indent: "  ", hanging: "    ")
            } else if trimmed.hasPrefix("#") {
                flush()
                lines.append(style.apply(.heading, trimmed.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)))
            } else if trimmed.hasPrefix(">") {
                flush()
                lines += wrap(style.apply(.muted, "│ ") + inline(trimmed.dropFirst().trimmingCharacters(in: .whitespaces)))
            } else {
                paragraph.append(trimmed)
            }
        }
        flush()
        while lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Inline Markdown: `code`, **strong** and *emphasis* (or _emphasis_) styled; the markers removed.
    func inline(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let first = rest.firstIndex(where: { $0 == "`" || $0 == "*" || $0 == "_" }) {
            out += rest[..<first]
            let marker: String = rest[first...].hasPrefix("**") ? "**" : String(rest[first])
            let afterOpen = rest.index(first, offsetBy: marker.count)
            // `_` inside a word (snake_case) is not emphasis.
            if marker == "_", first > rest.startIndex, rest[rest.index(before: first)].isLetter || rest[rest.index(before: first)].isNumber {
                out += "_"
                rest = rest[afterOpen...]
                continue
            }
            guard let close = rest[afterOpen...].range(of: marker), close.lowerBound > afterOpen else {
                out += marker
                rest = rest[afterOpen...]
                continue
            }
            let inner = String(rest[afterOpen..<close.lowerBound])
            switch marker {
            case "`": out += style.enabled ? style.apply(.label, inner) : "`\(inner)`"
            case "**": out += style.enabled ? style.apply(.value, inner) : inner
            default: out += style.enabled ? "\u{1B}[3m\(inner)\u{1B}[0m" : inner
            }
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    /// Words wrapped to the width (escape codes take no room).
    func wrap(_ text: String, indent: String = "", hanging: String? = nil) -> [String] {
        var lines: [String] = []
        var line = indent
        var visible = indent.count
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let length = LessonText.visibleLength(word)
            if visible > (lines.isEmpty ? indent.count : (hanging ?? indent).count), visible + 1 + length > width {
                lines.append(line)
                line = hanging ?? indent
                visible = line.count
            }
            if visible > (lines.isEmpty ? indent.count : (hanging ?? indent).count) {
                line += " "
                visible += 1
            }
            line += word
            visible += length
        }
        lines.append(line)
        return lines
    }

    static func visibleLength(_ text: Substring) -> Int {
        var count = 0
        var escaping = false
        for character in text {
            if escaping {
                if character == "m" { escaping = false }
            } else if character == "\u{1B}" {
                escaping = true
            } else {
                count += 1
            }
        }
        return count
    }

    // MARK: Figures

    func figure(_ show: LessonShow, _ frame: LessonFrame) -> [String] {
        if show == .race { return race(frame.points).split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
        guard let graph = frame.graph else { return [] }
        let format = NumberFormat(significantDigits: frame.precision)
        switch show {
        case .none, .race: return []
        case .graph: return graphListing(frame, graph)
        case .trace: return traceTable(frame)
        case .accumulate, .recursive, .recursiveOverwrite:
            guard let trace = frame.trace else { return [] }
            return TraceReport(trace).backwardLines(show == .accumulate ? .tape : show == .recursive ? .recursive : .recursiveOverwrite, style: style)
        case .code:
            return [style.apply(.heading, "The reverse-mode program (adviz codegen)")]
                + DerivativeProgram.write(graph, mode: .reverse, language: .c).split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
        case .compare:
            guard let trace = frame.trace, let comparison = try? Comparison(graph, at: trace.point) else { return [] }
            // A Python function that branches: its own differences too, which may cross to another branch.
            let python = frame.path.flatMap { path in
                try? frame.python?.differencesLines(path, inputs: graph.inputNames, at: trace.point, gradient: trace.gradient)
            } ?? []
            return comparison.render(.text, style: style).split(separator: "\n", omittingEmptySubsequences: false).map(String.init) + python
        case .errorStudy:
            guard let trace = frame.trace, let study = try? ErrorStudy(graph, at: trace.point, input: 0) else { return [] }
            return study.render(.text, style: style).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        case .diff:
            var derivatives: [SymbolicDerivative] = []
            for name in graph.inputNames { if let d = try? SymbolicDerivative(graph, variable: name) { derivatives.append(d) } }
            return DiffReport.render(derivatives, graph: graph, source: frame.program ?? "", style: .text, json: false)
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        case .plot:
            let (low, high) = frame.range ?? (-3, 3)
            let lines = [style.apply(.heading, "f and f′ on [\(format.string(low)), \(format.string(high))]") + style.apply(.muted, " (drawn in the slideshow; sampled here)")]
            let point = frame.trace?.point ?? Array(repeating: 0, count: graph.inputCount)
            var table = TextTable(rightAligned: [0, 1, 2])
            table.append([TextTable.Cell(graph.inputNames[0], .label), TextTable.Cell("f", .label), TextTable.Cell("f′", .label)])
            for k in 0...8 {
                var at = point
                at[0] = low + (high - low) * Double(k) / 8
                let evaluation = PrimalSweep.run(graph, at: at)
                let adjoints = ReverseSweep.adjoints(graph, evaluation, outputSeed: ReverseSweep.unitSeed(0, outputs: graph.outputCount))
                table.append([TextTable.Cell(format.string(at[0])), TextTable.Cell(format.string(evaluation.values[graph.outputs[0].node])), TextTable.Cell(format.string(adjoints[0]))])
            }
            return lines + table.lines(style: style)
        }
    }

    /// The Wengert list with what is known so far: each node's definition, value, tangent and adjoint.
    func graphListing(_ frame: LessonFrame, _ graph: Graph) -> [String] {
        let format = NumberFormat(significantDigits: frame.precision)
        let trace = frame.trace
        // Definitions need no point: without one, a trace at zeros writes them (its numbers are not shown).
        let writerTrace = trace ?? (try? Trace(graph, at: Array(repeating: 0, count: graph.inputCount)))
        let rows = writerTrace?.primalRows() ?? []
        let definitions = writerTrace.map { trace in Dictionary(uniqueKeysWithValues: trace.rendered(rows).map { ($0.node, $0.definition) }) } ?? [:]
        var built = graph.nodes.count
        if frame.phase == .build { built = frame.progress }
        let (progress, show) = frame.figureProgress
        let valuesKnown = Set(rows.prefix(progress.values).map(\.node))
        let tangentsKnown = Set(rows.prefix(progress.tangents).map(\.node))
        let adjointsKnown = Set((trace?.adjointRows() ?? []).prefix(progress.adjoints).map(\.node))
        let numbers = trace != nil && !frame.showsGraphAlone
        var table = TextTable(rightAligned: [2, 3, 4])
        var header = [TextTable.Cell("node", .label), TextTable.Cell("is", .label)]
        if numbers { header.append(TextTable.Cell("value", .label)) }
        if numbers, show.contains(.tangents) { header.append(TextTable.Cell("tangent v̇", .label)) }
        if numbers, show.contains(.adjoints) { header.append(TextTable.Cell("adjoint v̄", .label)) }
        table.append(header)
        var shown = 0
        for (i, node) in graph.nodes.enumerated() where node.op != .constant {
            guard shown < built else { break }
            shown += 1
            let definition = node.op == .input ? graph.inputNames[i] : (definitions[i] ?? node.op.name)
            let current = frame.phase == .build ? shown == built : nil
            var cells = [TextTable.Cell(graph.displayLabel(i), current == true ? .highlight : nil), TextTable.Cell(definition)]
            if numbers, let trace {
                cells.append(TextTable.Cell(valuesKnown.contains(i) ? format.string(trace.evaluation.values[i]) : "·"))
                if show.contains(.tangents), let tangents = trace.tangents { cells.append(TextTable.Cell(tangentsKnown.contains(i) ? format.string(tangents[i]) : "·")) }
                if show.contains(.adjoints), let adjoints = trace.adjoints { cells.append(TextTable.Cell(adjointsKnown.contains(i) ? format.string(adjoints[i]) : "·")) }
            }
            table.append(cells)
        }
        let title = frame.phase == .build ? "The Wengert list, \(built) of \(graph.nodes.count - graph.constantCount) nodes" : "The graph"
        return [style.apply(.heading, title)] + table.lines(style: style)
    }

    /// The current phase's trace, rows done so far, the last one marked.
    func traceTable(_ frame: LessonFrame) -> [String] {
        guard let trace = frame.trace, let phase = frame.phase else { return [] }
        let format = NumberFormat(significantDigits: frame.precision)
        let rows: [TraceRow]
        let title: String
        switch phase {
        case .build: return []
        case .primal:
            rows = trace.primalRows()
            title = "Forward primal trace"
        case .tangent:
            rows = trace.tangentRows()
            title = "Forward tangent trace (\(trace.seedDescription))"
        case .reverse:
            rows = trace.adjointRows()
            title = "Reverse adjoint trace"
        case .jacobian:
            return jacobian(trace, format)
        }
        // Columns as `adviz trace` aligns them: name, definition, the numbers put in (left out
        // where they say nothing more than the definition or the value), value.
        var table = TextTable(rightAligned: [])
        for (k, data) in rows.prefix(frame.progress).enumerated() {
            let isCurrent = k == frame.progress - 1 && frame.progress < rows.count + 1
            let row = trace.rendered(data)
            let value = format.string(data.value)
            let substituted = row.substituted.isEmpty || row.substituted == row.definition || row.substituted == value ? "" : "= " + row.substituted
            let role: TerminalStyle.Role? = isCurrent ? .highlight : nil
            table.append([
                TextTable.Cell(isCurrent ? "▶" : " ", role), TextTable.Cell(row.label, role), TextTable.Cell("= " + row.definition, role),
                TextTable.Cell(substituted, role), TextTable.Cell("= " + value, isCurrent ? .value : nil),
            ])
        }
        let remaining = rows.count - frame.progress
        var lines = [style.apply(.heading, title) + style.apply(.muted, "  (\(frame.progress) of \(rows.count) rows)")] + table.lines(style: style)
        // A Python function's path: which way its loops and branches went, before the rows they made.
        if let path = frame.path, !path.decisions.isEmpty {
            lines = path.report().split(separator: "\n").map { style.apply(.muted, String($0)) } + [""] + lines
        }
        if remaining > 0 { lines.append(style.apply(.muted, "  … \(remaining) more") ) }
        if phase == .reverse, frame.progress == rows.count, let adjoints = trace.adjoints {
            let gradient = (0..<trace.graph.inputCount).map { format.string(adjoints[$0]) }.joined(separator: ", ")
            lines.append("  ∇ = (\(gradient)): the whole gradient from one reverse sweep")
        }
        return lines
    }

    func jacobian(_ trace: Trace, _ format: NumberFormat) -> [String] {
        let graph = trace.graph
        let forward = Jacobian.byForwardMode(graph, trace.evaluation)
        let reverse = Jacobian.byReverseMode(graph, trace.evaluation)
        var table = TextTable(rightAligned: Set(1...Swift.max(1, graph.inputCount)))
        table.append([TextTable.Cell("", nil)] + graph.inputNames.map { TextTable.Cell("∂/∂\($0)", .label) })
        for (k, output) in graph.outputs.enumerated() {
            table.append([TextTable.Cell(output.name, .label)] + forward.matrix[k].map { TextTable.Cell(format.string($0)) })
        }
        return [style.apply(.heading, "The Jacobian (\(graph.outputCount)×\(graph.inputCount))")] + table.lines(style: style) + [
            "  forward mode: \(forward.sweeps) sweep\(forward.sweeps == 1 ? "" : "s") (one per input), \(counted(forward.multiplyAdds, "multiply-add"))",
            "  reverse mode: \(reverse.sweeps) sweep\(reverse.sweeps == 1 ? "" : "s") (one per output), \(counted(reverse.multiplyAdds, "multiply-add"))",
            "  same matrix both ways: \(forward.matrix == reverse.matrix ? "yes" : "to rounding")",
        ]
    }
}
