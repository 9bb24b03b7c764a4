import Foundation
import AdvizOutput

// The trace report as Markdown and LaTeX.

extension TraceReport {
    // MARK: Markdown

    func markdown() -> String {
        var out: [String] = []
        if let source {
            let isProgram = !graph.statementNames.isEmpty || source.contains("=")
            out += ["**\(isProgram ? "program:" : "f =") `\(source.trimmed.replacingNewlines())`** at \(pointText(.text))" + (isProgram ? " " + outputsText : ""), ""]
        }
        func table(_ title: String, _ header: [String], _ rows: [[String]]) {
            out.append("### \(title)")
            out.append("")
            out.append("| " + header.joined(separator: " | ") + " |")
            out.append("|" + header.map { _ in "---" }.joined(separator: "|") + "|")
            for row in rows { out.append("| " + row.map(\.markdownCell).joined(separator: " | ") + " |") }
            out.append("")
        }
        let tables = firstOrderCells(TraceWriter(trace: trace, style: .text, caching: true), adjointFormulas: true)
        table("Forward primal trace", ["node", "definition", "substituted", "value"], tables.primal)
        if let tangent = tables.tangent {
            table("Forward tangent trace (\(seedText(.text)))", ["tangent", "definition", "substituted", "value"], tangent)
        }
        if let partials = tables.partials, let adjoint = tables.adjoint {
            table("Local partials", ["partial", "formula", "substituted", "value"], partials)
            table("Reverse adjoint trace (\(outputSeedText(.text)))", ["adjoint", "chain rule", "formula", "substituted", "value"], adjoint)
            if accumulate { out += accumulationMarkdown() }
        }
        if !showsSweeps { return (out + recursiveMarkdown()).joined(separator: "\n") + "\n" }
        if let second = trace.secondOrder {
            let gradientWriter = TraceWriter(trace: second.gradientTrace, style: .text, caching: true)
            table("Backward pass as nodes (the gradient graph)", ["node", "definition", "substituted", "value", "holds"], second.backwardPassRows().map { cells(gradientWriter.rendered($0)) + [second.meaning(of: $0.node)] })
            table("Second-order tangent trace (\(seedText(.text)))", ["tangent", "definition", "substituted", "value"], second.rows().map { cells(gradientWriter.rendered($0.row)) })
            let writer = TraceWriter(trace: trace, style: .text)
            out.append("H·ẋ = (\(second.hessianVectorProduct.map { format.string($0) }.joined(separator: ", ")))")
            out.append("")
            let header = ["∂²"] + graph.inputNames.map { "∂/∂\(writer.symbol($0))" }
            out.append("**Hessian** (\(counted(second.hessian.sweeps, "tangent sweep")) of the gradient graph)")
            out.append("")
            out.append("| " + header.joined(separator: " | ") + " |")
            out.append("|" + header.map { _ in "---" }.joined(separator: "|") + "|")
            for (i, row) in second.hessian.matrix.enumerated() {
                out.append("| ∂/∂\(writer.symbol(graph.inputNames[i])) | " + row.map { format.string($0) }.joined(separator: " | ") + " |")
            }
            out.append("")
        }
        out.append("### Result")
        out.append("")
        let writer = TraceWriter(trace: trace, style: .text)
        let header = ["output", "value"] + graph.inputNames.map { "∂/∂\(writer.symbol($0))" }
        out.append("| " + header.joined(separator: " | ") + " |")
        out.append("|" + header.map { _ in "---" }.joined(separator: "|") + "|")
        for (k, output) in graph.outputs.enumerated() {
            let cells = [writer.symbol(output.name), format.string(trace.outputValues[k])] + trace.reverseJacobian.matrix[k].map { format.string($0) }
            out.append("| " + cells.joined(separator: " | ") + " |")
        }
        out.append("")
        out.append("Jacobian by forward mode: \(counted(graph.inputCount, "sweep")), \(counted(graph.inputCount * graph.differentiableEdgeCount, "multiply-add")); by reverse mode: \(counted(trace.reverseJacobian.sweeps, "sweep")), \(counted(trace.reverseJacobian.multiplyAdds, "multiply-add")).")
        return out.joined(separator: "\n") + "\n"
    }

    // MARK: LaTeX

    func latex() -> String {
        var out: [String] = []
        let isProgram = !graph.statementNames.isEmpty || (source?.contains("=") ?? true)
        out.append("% adviz trace" + (source.map { ": " + $0.trimmed.replacingNewlines() } ?? "") + " at " + pointText(.text) + (isProgram ? " " + outputsText : ""))
        func table(_ title: String, _ rows: [[String]]) {
            let columns = rows.map(\.count).max() ?? 4
            out.append("\\begin{tabular}{" + String(repeating: "l", count: columns) + "}")
            out.append("\\multicolumn{\(columns)}{l}{\\textbf{\(title)}} \\\\")
            out.append("\\hline")
            for row in rows {
                let cellsText = row.enumerated().map { i, cell in
                    cell.isEmpty ? "" : (i == 0 ? "$\(cell)$" : "$= \(cell)$")
                }
                out.append(cellsText.joined(separator: " & ") + " \\\\")
            }
            out.append("\\end{tabular}")
            out.append("")
        }
        let tables = firstOrderCells(TraceWriter(trace: trace, style: .latex, caching: true), adjointFormulas: false)
        table("Forward primal trace", tables.primal)
        if let tangent = tables.tangent {
            table("Forward tangent trace ($\(seedText(.latex))$)", tangent)
        }
        if let partials = tables.partials, let adjoint = tables.adjoint {
            table("Local partials", partials)
            table("Reverse adjoint trace ($\(outputSeedText(.latex))$)", adjoint)
            if accumulate { out += accumulationLatex() }
        }
        if !showsSweeps { return (out + recursiveLatex()).joined(separator: "\n") }
        if let second = trace.secondOrder {
            let gradientWriter = TraceWriter(trace: second.gradientTrace, style: .latex, caching: true)
            table("Backward pass as nodes (the gradient graph)", second.backwardPassRows().map { cells(gradientWriter.rendered($0)) })
            table("Second-order tangent trace ($\(seedText(.latex))$)", second.rows().map { cells(gradientWriter.rendered($0.row)) })
            let writer = TraceWriter(trace: trace, style: .latex)
            out.append("\\[ \\nabla^2 f = \\begin{pmatrix}")
            out.append(second.hessian.matrix.map { $0.map { writer.number($0).text }.joined(separator: " & ") }.joined(separator: " \\\\\n"))
            out.append("\\end{pmatrix} \\]")
            out.append("")
        }
        out += latexResult()
        return out.joined(separator: "\n")
    }

    /// The result, the Jacobian and the cost, as the text report gives them.
    func latexResult() -> [String] {
        let writer = TraceWriter(trace: trace, style: .latex)
        let n = graph.inputCount, m = graph.outputCount
        var out = ["\\noindent\\textbf{Result}", "\\["]
        var lines = graph.outputs.enumerated().map { k, output in "\(writer.symbol(output.name)) = \(writer.number(trace.outputValues[k]).text)" }
        if m == 1, n > 0 {
            let name = writer.symbol(graph.outputs[0].name)
            let parts = graph.inputNames.map { "\\frac{\\partial \(name)}{\\partial \(writer.symbol($0))}" }.joined(separator: ", ")
            lines.append("\\nabla \(name) = \\left(\(parts)\\right) = (\(trace.gradient.map { writer.number($0).text }.joined(separator: ", ")))")
        }
        out.append(lines.joined(separator: ",\\qquad "))
        out.append("\\]")
        if m > 1, n > 0 {
            out.append("\\noindent Jacobian (rows: outputs, columns: inputs)")
            out.append("\\[")
            out.append("\\begin{array}{c|" + String(repeating: "r", count: n) + "}")
            out.append(" & " + graph.inputNames.map { "\\partial/\\partial \(writer.symbol($0))" }.joined(separator: " & ") + " \\\\ \\hline")
            for (k, output) in graph.outputs.enumerated() {
                out.append(writer.symbol(output.name) + " & " + trace.reverseJacobian.matrix[k].map { writer.number($0).text }.joined(separator: " & ") + " \\\\")
            }
            out.append("\\end{array}")
            out.append("\\]")
        }
        let edges = graph.differentiableEdgeCount
        let r = trace.reverseJacobian
        out.append("\\noindent\\textbf{Cost of the whole Jacobian} ($f\\colon \\mathbb{R}^{\(n)} \\to \\mathbb{R}^{\(m)}$, \(counted(edges, "multiply-add")) per sweep)")
        out.append("")
        out.append("\\begin{tabular}{lrl}")
        out.append("forward mode: & \(counted(n, "sweep")) $\\times$ \(edges) $=$ \(n * edges) & (one sweep per input) \\\\")
        out.append("reverse mode: & \(counted(r.sweeps, "sweep")) $\\times$ \(edges) $=$ \(r.multiplyAdds) & (one sweep per output) \\\\")
        out.append("\\end{tabular}")
        out.append("")
        return out
    }

    /// The LaTeX report as a document that compiles on its own (`pdflatex`): the preamble loads
    /// `amsmath` and `amssymb` (for `\operatorname` and `\mathbb`), the only packages it needs.
    ///
    /// The page opens with what was traced, where (the fragment says it in a comment only).
    public func latexDocument() -> String {
        // ASCII only (pdflatex's fonts have no `²`), and a long program cut: this is a heading.
        let what = source.map { text -> String in
            let line = text.trimmed.replacingNewlines()
            let shown = line.count > 100 ? String(line.prefix(100)) : line
            let escaped = shown.map { c in latexEscaped(c) ?? (c.isASCII ? String(c) : "?") }.joined()
            return "\\texttt{" + escaped + "}" + (line.count > 100 ? "\\ldots{}" : "")
        } ?? "the program"
        let at = graph.inputCount == 0 ? "" : " at $\(pointText(.latex))$"
        return ["\\documentclass{article}", "\\usepackage{amsmath,amssymb}", "\\usepackage[margin=2cm,landscape]{geometry}",
                "\\begin{document}", "\\small", "\\noindent\\textbf{adviz trace of} \(what)\(at)\\par\\medskip", "",
                latex(), "\\end{document}", ""].joined(separator: "\n")
    }
}
