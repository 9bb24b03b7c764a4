import AdvizOutput
import Foundation
import AdvizCore

/// Writes symbolic derivatives and swell tables.
public enum DiffReport {
    /// The longest derivative printed in full; longer ones are measured, not printed.
    public static let printLimit = 20_000

    /// The derivatives of `graph`'s first output, one per variable, as text, LaTeX or JSON.
    public static func render(_ derivatives: [SymbolicDerivative], graph: Graph, source: String, style: MathStyle, json: Bool) -> String {
        render(derivatives, graph: graph, output: 0, source: source, point: nil, style: style, json: json)
    }

    /// The derivatives of output `output` of `graph`, one per variable, as text, LaTeX or JSON,
    /// with their values at `point` (in the inputs' order) when one is given.
    ///
    /// A single-output program names its function `f`; with several outputs each is named as in
    /// the program (`y1`, `∂y1/∂x`). A program with no inputs says that its derivative is 0.
    public static func render(
        _ derivatives: [SymbolicDerivative], graph: Graph, output: Int, source: String, point: [Double]?, style: MathStyle, json: Bool
    ) -> String {
        let outputName = graph.outputCount > 1 ? graph.outputs[output].name : "f"
        let bindings = point.map { Dictionary(uniqueKeysWithValues: zip(graph.inputNames, $0)) }
        let numbers = NumberFormat(significantDigits: 6)
        if json {
            var members: [(String, JSONValue)] = [("expression", .string(source))]
            if graph.outputCount > 1 { members.append(("output", .string(graph.outputs[output].name))) }
            if let point { members.append(("point", .object(zip(graph.inputNames, point).map { ($0, .finite($1)) }))) }
            members.append(("derivatives", .array(derivatives.map { d in
                var fields: [(String, JSONValue)] = [
                    ("wrt", .string(d.variable)),
                    ("text", d.arena.render(d.derivative, limit: printLimit).map { .string($0) } ?? .null),
                    ("latex", d.arena.render(d.derivative, style: .latex, limit: printLimit).map { .string($0) } ?? .null),
                    // The derivative as adviz reads it: `adviz diff` can be fed its own output.
                    ("program", d.arena.program(d.derivative, limit: printLimit).map { .string($0) } ?? .null),
                    ("tree_size", .number(d.arena.treeSize(d.derivative))),
                    ("dag_size", .integer(d.arena.dagSize(d.derivative))),
                    ("undefined_where", .array(d.kinks.map { .string($0) })),
                ]
                if let bindings { fields.append(("value", .finite(d.value(at: bindings)))) }
                return .object(fields)
            })))
            members.append(("function_tree_size", .number(derivatives.first.map { $0.arena.treeSize($0.function) } ?? 0)))
            members.append(("tape_steps", .integer(graph.stepCount)))
            return JSONValue.object(members).serialized() + "\n"
        }
        var out: [String] = []
        guard let f = derivatives.first else {
            // No inputs (`pi`, `2*e`): nothing varies, so the derivative is 0.
            let name = style == .latex ? "\\mathrm{\(outputName)}" : outputName
            return "\(name) = \(source.trimmingCharacters(in: .whitespacesAndNewlines)) has no inputs: it is a constant, and its derivative is 0\n"
        }
        if let text = f.arena.render(f.function, style: style, limit: printLimit) {
            out.append("\(style == .latex ? MathName.latex(outputName) : outputName) = \(text)")
        }
        for d in derivatives {
            let name = style == .latex
                ? "\\frac{\\partial \(MathName.latex(outputName))}{\\partial \(MathName.latex(d.variable))}"
                : "∂\(outputName)/∂\(d.variable)"
            if let text = d.arena.render(d.derivative, style: style, limit: printLimit) {
                out.append("\(name) = \(text)")
            } else {
                out.append("\(name): too long to print (\(counted(d.arena.treeSize(d.derivative), "node", format: NumberFormat(significantDigits: 3).string)) written out)")
            }
            for kink in d.kinks {
                switch kink {
                case "sign":
                    out.append("  note: sign(u) is the derivative of |u| only where u ≠ 0; at u = 0, |u| has no derivative (automatic differentiation uses the subgradient 0 there)")
                case "step":
                    out.append("  note: step(u) has a jump at u = 0, where the derivative does not exist (relu, max and min have kinks there; AD picks a one-sided value)")
                default:
                    out.append("  note: \(kink)(…) jumps (see the trace's warnings for where), and the derivative does not exist at its jumps")
                }
            }
        }
        if let point, let bindings {
            let at = zip(graph.inputNames, point).map { "\($0) = \(numbers.string($1))" }.joined(separator: ", ")
            out.append("")
            out.append(style == .latex ? "% at \(at)" : "at \(at):")
            // f's value as the tape computes it, not its simplified formula (x/x is 1 only where x ≠ 0).
            let value = PrimalSweep.run(graph, at: point).values[graph.outputs[output].node]
            out.append("  \(outputName) = \(numbers.string(value))")
            for d in derivatives { out.append("  ∂\(outputName)/∂\(d.variable) = \(numbers.string(d.value(at: bindings)))") }
        }
        if style == .text {
            let sizes = derivatives.map { "∂\(outputName)/∂\($0.variable): \(format($0.arena.treeSize($0.derivative))) written out, \($0.arena.dagSize($0.derivative)) with sharing" }
            out.append("")
            out.append("sizes: \(outputName): \(counted(f.arena.treeSize(f.function), "node", format: format)) written out; " + sizes.joined(separator: "; ") + "; AD tape: \(graph.stepCount) step\(graph.stepCount == 1 ? "" : "s")")
        }
        return out.joined(separator: "\n") + "\n"
    }

    private static func format(_ x: Double) -> String {
        x < 1e15 ? String(Int64(x)) : NumberFormat(significantDigits: 3).string(x)
    }

    /// The swell table: depth, sizes of f and f′ (tree, DAG, raw), and the tape.
    public static func swellTable(_ rows: [ExpressionSwell.Row], inner: String, json: Bool) -> String {
        if json {
            return JSONValue.object([
                ("function", .string(inner)),
                ("rows", .array(rows.map { r in
                    .object([
                        ("depth", .integer(r.depth)), ("function_tree", .number(r.functionTree)), ("derivative_tree", .number(r.derivativeTree)),
                        ("derivative_dag", .integer(r.derivativeDAG)), ("raw_derivative_tree", .number(r.rawDerivativeTree)),
                        ("tape_steps", .integer(r.tapeSteps)),
                    ])
                })),
            ]).serialized() + "\n"
        }
        var table = TextTable(rightAligned: [0, 1, 2, 3, 4, 5])
        table.append(["depth", "f written out", "f′ written out", "f′ with sharing", "f′ raw rules", "AD tape steps"].map { TextTable.Cell($0, .heading) })
        for r in rows {
            table.append([String(r.depth), format(r.functionTree), format(r.derivativeTree), String(r.derivativeDAG), format(r.rawDerivativeTree), String(r.tapeSteps)].map { TextTable.Cell($0) })
        }
        return "Expression swell: f(x) = \(inner), nested (f∘f∘…∘f)(x); sizes in expression nodes\n"
            + table.lines(separator: "  ").joined(separator: "\n")
            + "\nWritten out, the symbolic derivative grows exponentially: about threefold per level by the raw rules, about twofold simplified (the chain rule's factor f′(inner) pulled out, as f written out grows); with sharing it grows like the function, and AD's tape grows by a fixed number of steps per level.\n"
    }
}
