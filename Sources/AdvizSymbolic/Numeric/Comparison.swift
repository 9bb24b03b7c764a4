import AdvizOutput
import Foundation
import AdvizCore

/// Automatic, symbolic and numerical differentiation of one function at one point, side by side.
public struct Comparison: Sendable {
    /// One method's row: its derivatives, their largest error against reverse-mode AD, and its cost.
    public struct Row: Sendable {
        /// `reverse AD`, `symbolic`, `central`, ….
        public var method: String
        /// How: the step h, the expression size.
        public var detail: String
        /// ∂f/∂xⱼ for each input.
        public var derivatives: [Double]
        /// The largest |difference| from reverse-mode AD (0 for AD itself).
        public var error: Double
        /// What it cost, counted: sweeps and multiply-adds, expression nodes, function evaluations.
        public var cost: String
    }

    /// The function's inputs.
    public let inputs: [String]
    /// The point.
    public let point: [Double]
    /// The function's value there.
    public let value: Double
    /// The rows: AD both ways, symbolic, then each finite-difference scheme.
    public let rows: [Row]
    /// Why each default step was chosen.
    public let stepReasons: [String]
    /// Notes: kinks, undefined points.
    public let notes: [String]

    /// Compares the methods on the first output of `graph` at `point`; `step` overrides every scheme's h.
    public init(_ graph: Graph, at point: [Double], step: Double? = nil) throws(AdvizError) {
        let trace = try Trace(graph, at: point)
        let n = graph.inputCount, edges = graph.differentiableEdgeCount
        inputs = graph.inputNames
        self.point = point
        value = trace.outputValues[0]
        let reference = trace.gradient
        func error(_ d: [Double]) -> Double { zip(d, reference).map { Swift.abs($0 - $1) }.max() ?? 0 }
        var rows: [Row] = []
        func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        rows.append(Row(method: "reverse AD", detail: "1 backward sweep", derivatives: reference, error: 0,
                        cost: "1 primal + 1 reverse sweep, \(plural(edges, "multiply-add"))"))
        let forward = trace.forwardJacobian?.matrix[0] ?? reference
        rows.append(Row(method: "forward AD", detail: "\(n) tangent sweep\(n == 1 ? "" : "s")", derivatives: forward, error: error(forward),
                        cost: "1 primal + \(plural(n, "tangent sweep")), \(plural(n * edges, "multiply-add"))"))
        var symbolic: [Double] = [], treeSizes: [Double] = [], dagSizes: [Int] = []
        var kinks = Set<String>()
        let bindings = Dictionary(uniqueKeysWithValues: zip(graph.inputNames, point))
        for name in graph.inputNames {
            let d = try SymbolicDerivative(graph, variable: name)
            symbolic.append(d.value(at: bindings))
            treeSizes.append(d.arena.treeSize(d.derivative))
            dagSizes.append(d.arena.dagSize(d.derivative))
            kinks.formUnion(d.kinks)
        }
        let tree = treeSizes.reduce(0, +)
        rows.append(Row(method: "symbolic", detail: "simplified, \(counted(tree, "node", format: NumberFormat(significantDigits: 6).string)) written out",
                        derivatives: symbolic, error: error(symbolic), cost: "\(counted(dagSizes.reduce(0, +), "expression node")) evaluated (with sharing)"))
        var reasons: [String] = []
        var domainNotes: [String] = []
        let shortNumber = NumberFormat(significantDigits: 2)
        for scheme in FiniteDifference.allCases {
            var derivatives: [Double] = []
            var hs: [Double] = []
            for j in 0..<n {
                let chosen = scheme.defaultStep(at: point[j])
                var h = step ?? chosen.h
                var derivative = scheme.derivative(graph, at: point, input: j, h: h)
                // A step that leaves f's domain (log at x = 1e-9 with h = 1.5e-8) gives NaN where f
                // and AD are finite: scale the step to |x| instead, and say so; if that fails too, say that.
                if !derivative.isFinite, value.isFinite, reference[j].isFinite, scheme != .complexStep {
                    let x = point[j]
                    let scaled = h / Swift.max(1, Swift.abs(x)) * Swift.abs(x)
                    let where_ = "\(scheme.rawValue) at \(graph.inputNames[j]) = \(shortNumber.string(x))"
                    if step == nil, x != 0, scaled < h, case let retry = scheme.derivative(graph, at: point, input: j, h: scaled), retry.isFinite {
                        domainNotes.append("\(where_): the step h = \(shortNumber.string(h)) leaves the domain of f (f is not finite there), so h is scaled to |x|: h = \(shortNumber.string(scaled))")
                        h = scaled
                        derivative = retry
                    } else {
                        domainNotes.append("\(where_): the step h = \(shortNumber.string(h)) leaves the domain of f (f is not finite at x ± h), so the estimate is \(NumberFormat().string(derivative))")
                    }
                }
                hs.append(h)
                derivatives.append(derivative)
                if j == 0, step == nil { reasons.append("\(scheme.rawValue): h = \(chosen.reason)") }
            }
            let hText = hs.isEmpty ? "" : "h = \(NumberFormat(significantDigits: 2).string(hs.max()!))"
            let evaluations = scheme == .forward || scheme == .backward ? n + 1 : scheme.evaluationsPerInput * n
            rows.append(Row(method: scheme.rawValue, detail: hText, derivatives: derivatives, error: error(derivatives),
                            cost: "\(plural(evaluations, scheme == .complexStep ? "complex evaluation" : "evaluation")) of f (\(plural(evaluations * graph.stepCount, "step")))"))
        }
        self.rows = rows
        stepReasons = reasons
        var notes: [String] = trace.warningMessages() + domainNotes
        if kinks.contains("sign") || kinks.contains("step") {
            notes.append("the symbolic derivative uses sign/step, which are undefined at their jumps; AD uses a subgradient there and differences straddle the kink")
        }
        self.notes = notes
    }

    /// The comparison as text, Markdown, LaTeX or JSON.
    public func render(_ format: ReportFormat, style: TerminalStyle = .plain) -> String {
        let numbers = NumberFormat(significantDigits: 12)
        let errors = NumberFormat(significantDigits: 2)
        let header = ["method", "how"] + inputs.map { "∂f/∂\($0)" } + ["error vs AD", "cost"]
        let cells = rows.map { row in
            [row.method, row.detail] + row.derivatives.map { numbers.string($0) } + [row.method == "reverse AD" ? "(reference)" : errors.string(row.error), row.cost]
        }
        let pointText = zip(inputs, point).map { "\($0) = \(NumberFormat().string($1))" }.joined(separator: ", ")
        switch format {
        case .json:
            return JSONValue.object([
                ("point", .object(zip(inputs, point).map { ($0, .finite($1)) })),
                ("value", .finite(value)),
                ("rows", .array(rows.map { row in
                    .object([
                        ("method", .string(row.method)), ("detail", .string(row.detail)),
                        ("derivatives", .object(zip(inputs, row.derivatives).map { ($0, .finite($1)) })),
                        ("error", .finite(row.error)), ("cost", .string(row.cost)),
                    ])
                })),
                ("notes", .array(notes.map { .string($0) })),
            ]).serialized() + "\n"
        case .markdown:
            var out = "**f = \(NumberFormat().string(value))** at \(pointText)\n\n"
            out += "| " + header.joined(separator: " | ") + " |\n|" + header.map { _ in "---" }.joined(separator: "|") + "|\n"
            for row in cells { out += "| " + row.joined(separator: " | ") + " |\n" }
            return out + (stepReasons.isEmpty ? "" : "\nSteps: " + stepReasons.joined(separator: "; ") + ".\n")
        case .latex:
            var out = "\\begin{tabular}{l l " + String(repeating: "r ", count: inputs.count) + "r l}\n"
            out += header.map { $0.replacingOccurrences(of: "∂", with: "$\\partial$").replacingOccurrences(of: "_", with: "\\_") }.joined(separator: " & ") + " \\\\\n\\hline\n"
            for row in cells { out += row.map { $0.replacingOccurrences(of: "_", with: "\\_") }.joined(separator: " & ") + " \\\\\n" }
            return out + "\\end{tabular}\n"
        case .text:
            var table = TextTable(rightAligned: Set(2..<(2 + inputs.count + 1)))
            table.append(header.map { TextTable.Cell($0, .heading) })
            for row in cells { table.append(row.enumerated().map { i, c in TextTable.Cell(c, i == 0 ? .label : nil) }) }
            var out = [style.apply(.heading, "Three ways to differentiate") + " f at \(pointText) (f = \(NumberFormat().string(value)))"]
            out += table.lines(style: style, separator: "  ")
            if !stepReasons.isEmpty {
                out.append("")
                out.append("Steps chosen:")
                out += stepReasons.map { "  " + $0 }
            }
            for note in notes { out.append(style.apply(.warning, "note:") + " " + note) }
            return out.joined(separator: "\n") + "\n"
        }
    }
}

extension ErrorStudy {
    /// What the table shows, in a sentence: the usual V of truncation against round-off, or, at a
    /// kink, why no step helps (each one-sided scheme sees one slope, whatever h is).
    public var explanation: String {
        if atKink {
            return "The point is on a kink: f has no derivative here, and AD's \(NumberFormat().string(exact)) is a subgradient, a convention. "
                + "Each one-sided difference sees the slope of one side whatever h is, and central differences average the two, so shrinking h does not make the error fall; no step is best."
        }
        return "Left of each best step, truncation error falls as h shrinks; right of it, round-off ε/h takes over. The complex step has no subtraction, so it never turns."
    }

    /// The error study as a table (text, Markdown, LaTeX or JSON), with each scheme's best step.
    public func render(_ format: ReportFormat, style: TerminalStyle = .plain) -> String {
        let schemes = FiniteDifference.allCases
        let e = NumberFormat(significantDigits: 2)
        let header = ["h"] + schemes.map(\.rawValue)
        let cells = rows.map { row in ["1e-\(Int((-log10(row.h)).rounded()))"] + schemes.map { e.string(row.errors[$0]!) } }
        switch format {
        case .json:
            return JSONValue.object([
                ("input", .string(input)), ("exact", .finite(exact)),
                ("rows", .array(rows.map { row in .object([("h", .number(row.h))] + schemes.map { ($0.rawValue, .finite(row.errors[$0]!)) }) })),
                ("best", .object(schemes.map { s in (s.rawValue, .object([("h", .number(best(s).h)), ("error", .finite(best(s).error))])) })),
            ]).serialized() + "\n"
        case .markdown:
            var out = "| " + header.joined(separator: " | ") + " |\n|" + header.map { _ in "---:" }.joined(separator: "|") + "|\n"
            for row in cells { out += "| " + row.joined(separator: " | ") + " |\n" }
            return out
        case .latex:
            var out = "\\begin{tabular}{" + String(repeating: "r", count: header.count) + "}\n" + header.joined(separator: " & ") + " \\\\\n\\hline\n"
            for row in cells { out += row.joined(separator: " & ") + " \\\\\n" }
            return out + "\\end{tabular}\n"
        case .text:
            var table = TextTable(rightAligned: Set(0..<header.count))
            table.append(header.map { TextTable.Cell($0, .heading) })
            for row in cells { table.append(row.map { TextTable.Cell($0) }) }
            var out = [style.apply(.heading, "Error of each scheme against AD") + " (∂f/∂\(input) = \(NumberFormat(significantDigits: 12).string(exact)))"]
            out += table.lines(style: style, separator: "  ")
            if !atKink { out.append("Best step: " + schemes.map { s in "\(s.rawValue) h = \(e.string(best(s).h)) (error \(e.string(best(s).error)))" }.joined(separator: "; ")) }
            out.append(explanation)
            return out.joined(separator: "\n") + "\n"
        }
    }
}
