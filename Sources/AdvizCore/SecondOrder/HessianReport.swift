import AdvizOutput
import Foundation

/// `adviz hessian`'s report: f, ∇f and the Hessian at a point, its symmetry, and what it cost
/// against the other ways, as text, Markdown, LaTeX or JSON.
public struct HessianReport: Sendable {
    /// The gradient graph swept.
    public let gradientGraph: GradientGraph
    /// The point, one value per input.
    public let point: [Double]
    /// The result.
    public let result: HessianResult
    /// The cost of the ways to compute it.
    public let cost: HessianCost
    /// The nodes of the symbolic second derivatives (their shared DAG, simplified), for the cost
    /// table's symbolic row; nil leaves the row out.
    public let symbolicNodes: Int?
    /// The program's text, for the heading.
    public let source: String?
    /// How numbers are written.
    public let numberFormat: NumberFormat

    /// A report on `result`, the Hessian of `gradientGraph` at `point`.
    public init(
        gradientGraph: GradientGraph, point: [Double], result: HessianResult, symbolicNodes: Int? = nil, source: String? = nil,
        numberFormat: NumberFormat = NumberFormat(significantDigits: 6)
    ) {
        self.gradientGraph = gradientGraph
        self.point = point
        self.result = result
        self.cost = HessianCost(gradientGraph)
        self.symbolicNodes = symbolicNodes
        self.source = source
        self.numberFormat = numberFormat
    }

    private var inputs: [String] { gradientGraph.original.inputNames }
    private var outputName: String { gradientGraph.original.outputs[gradientGraph.output].name }

    /// The warnings of the sweep over the gradient graph, each with its node (`v3`, or `v̄2`'s node),
    /// then where its gradient is NaN but the reverse sweep's (`adviz trace`'s) is a number.
    public func warningMessages() -> [String] {
        let graph = gradientGraph.graph
        var seen = Set<String>()
        let sweeps = result.warnings.compactMap { warning in
            let node = graph.label(warning.node)
            let which = gradientGraph.isBackward(warning.node) ? "backward pass, \(node)" : node
            let message = "\(which): \(warning.message)"
            return seen.insert(warning.message + (gradientGraph.isBackward(warning.node) ? "" : node)).inserted ? message : nil
        }
        return sweeps + gradientDivergences()
    }

    /// Inputs whose ∂f/∂xⱼ the gradient graph gives as NaN where the reverse sweep gives a
    /// number: a rule whose sweep takes a limit the graph's formula cannot (x^y at x = 0:
    /// ∂/∂y = x^y·ln x is 0·(−∞) as a formula, its limit 0 in the sweep). Said, so that the NaN
    /// entries of H this leads to are not read as the function's.
    func gradientDivergences() -> [String] {
        let original = gradientGraph.original
        let evaluation = PrimalSweep.run(original, at: point)
        let adjoints = ReverseSweep.adjoints(original, evaluation, outputSeed: ReverseSweep.unitSeed(gradientGraph.output, outputs: original.outputCount))
        return inputs.indices.compactMap { j in
            guard j < result.gradient.count, result.gradient[j].isNaN, !adjoints[j].isNaN else { return nil }
            return "∂\(outputName)/∂\(inputs[j]) is \(number(adjoints[j])) in the reverse sweep (adviz trace) but NaN in the gradient graph, "
                + "whose formulas cannot take the sweep's limit here (as x^y at x = 0); the NaN entries of H's row for \(inputs[j]) come from it"
        }
    }

    /// The report in `format`.
    public func render(_ format: ReportFormat) -> String {
        switch format {
        case .json: json().serialized() + "\n"
        case .text: text(markdown: false)
        case .markdown: text(markdown: true)
        case .latex: latex()
        }
    }

    private func number(_ x: Double) -> String { numberFormat.string(x) }

    private var symmetryLine: String { result.symmetrySentence(names: inputs, number: number) }

    private func costRows() -> [[String]] {
        var rows = cost.ways.map { [$0.name, $0.how, String($0.sweeps), String($0.multiplyAdds)] }
        if let symbolicNodes {
            rows.append(["symbolic", "n(n+1)/2 second-derivative expressions, evaluated", "-", "\(symbolicNodes) nodes"])
        }
        return rows
    }

    private func text(markdown: Bool) -> String {
        var out = ""
        let point = zip(inputs, self.point).map { "\($0) = \(number($1))" }.joined(separator: ", ")
        if markdown {
            out += "# Hessian of `\(source ?? outputName)`\n\nat \(point)\n\n"
            out += "- f = \(number(result.value))\n"
            out += "- ∇f = (\(result.gradient.map(number).joined(separator: ", ")))\n"
            out += "- \(symmetryLine)\n\n"
            out += "| ∂²f | " + inputs.joined(separator: " | ") + " |\n|---|" + inputs.map { _ in "---:|" }.joined() + "\n"
            for (i, row) in result.matrix.enumerated() {
                out += "| **\(inputs[i])** | " + row.map(number).joined(separator: " | ") + " |\n"
            }
            out += "\n## Cost\n\n| way | how | sweeps | multiply-adds |\n|---|---|---:|---:|\n"
            for row in costRows() { out += "| " + row.joined(separator: " | ") + " |\n" }
            return out
        }
        if let source { out += "Hessian of \(source)\n" }
        out += "at \(point)\n\n"
        out += "f  = \(number(result.value))\n"
        out += "∇f = (\(result.gradient.map(number).joined(separator: ", ")))\n\n"
        out += HessianReport.table(["∂²f"] + inputs, result.matrix.enumerated().map { [inputs[$0.offset]] + $0.element.map(number) }, rightAligned: Set(1...Swift.max(1, inputs.count)))
        out += symmetryLine + "\n\n"
        out += "Forward-over-reverse: \(result.sweeps) tangent sweep\(result.sweeps == 1 ? "" : "s") (Hessian-vector products H·eⱼ) over the gradient graph "
        out += "(\(gradientGraph.primalCount) nodes of f + \(result.gradientGraphNodes - gradientGraph.primalCount) of the backward pass).\n\n"
        out += HessianReport.table(["way", "how", "sweeps", "multiply-adds"], costRows(), rightAligned: [2, 3])
        return out
    }

    private static func table(_ header: [String], _ rows: [[String]], rightAligned: Set<Int>) -> String {
        var table = TextTable(rightAligned: rightAligned)
        table.append(header.map { TextTable.Cell($0) })
        for row in rows { table.append(row.map { TextTable.Cell($0) }) }
        return table.lines().joined(separator: "\n") + "\n"
    }

    private func latex() -> String {
        var out = "% Hessian of \(source?.replacingNewlines() ?? outputName)\n"
        out += "\\[ \\nabla^2 f = \\begin{pmatrix}\n"
        out += result.matrix.map { $0.map(number).joined(separator: " & ") }.joined(separator: " \\\\\n") + "\n"
        out += "\\end{pmatrix} \\]\n"
        return out
    }

    /// `{"value", "gradient", "hessian": {"x1": {"x1": …, "x2": …}, …}, "symmetric", "asymmetry", "cost", "warnings"}`.
    public func json() -> JSONValue {
        var members: [(String, JSONValue)] = []
        if let source { members.append(("expression", .string(source))) }
        members.append(("inputs", .array(inputs.map { .string($0) })))
        members.append(("point", .object(zip(inputs, point).map { ($0, .finite($1)) })))
        members.append(("value", .finite(result.value)))
        members.append(("gradient", .object(zip(inputs, result.gradient).map { ($0, .finite($1)) })))
        members.append(("hessian", .object(zip(inputs, result.matrix).map { name, row in
            (name, .object(zip(inputs, row).map { ($0, .finite($1)) }))
        })))
        members.append(("symmetric", .bool(result.isSymmetric())))
        members.append(("asymmetry", .finite(result.asymmetry)))
        var ways: [(String, JSONValue)] = cost.ways.map { way in
            (way.name, .object([("sweeps", .integer(way.sweeps)), ("multiply_adds", .integer(way.multiplyAdds))]))
        }
        if let symbolicNodes { ways.append(("symbolic", .object([("nodes", .integer(symbolicNodes))]))) }
        members.append(("cost", .object(ways)))
        members.append(("gradient_graph", .object([
            ("nodes", .integer(result.gradientGraphNodes)), ("forward_nodes", .integer(gradientGraph.primalCount)),
        ])))
        members.append(("warnings", .array(warningMessages().map { .string($0) })))
        return .object(members)
    }
}
