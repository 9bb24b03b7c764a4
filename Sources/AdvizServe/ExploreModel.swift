import AdvizCore
import AdvizFigures

/// Everything the Explore page shows of one trace, as one JSON document: the steps of the
/// step-through (the figure's, with their captions), and for every node its numbers and the rows
/// that make them — the chain-rule sum of its adjoint as formula and as numbers, which the node
/// inspector shows and the practice mode checks answers against.
///
/// Numbers come twice: as JSON numbers (null where NaN or infinite, as `trace --format json`
/// writes them) for the page to compute with, and as the trace writes them (`0.4837`, `NaN`, `∞`)
/// to show.
public struct ExploreModel: Sendable {
    /// The trace shown.
    public let trace: Trace
    /// The steps of the step-through, as the figure numbers them (1-based on the page; 0 is the graph alone).
    public let steps: [FigureStep]

    /// The model of `trace`, with the steps of its figure drawn with `options`.
    public init(_ trace: Trace, figureOptions: FigureOptions = FigureOptions()) throws(AdvizError) {
        self.trace = trace
        self.steps = try GraphFigure(trace, options: figureOptions).steps
    }

    /// The document: program, point, seeds, outputs, gradient, steps, nodes, warnings.
    public func json(program: String) -> JSONValue {
        let graph = trace.graph
        let ids = graph.nodeIDs()
        let number = { (x: Double) -> JSONValue in .finite(x) }
        let shown = { (x: Double) -> JSONValue in .string(trace.options.numberFormat.string(x)) }
        let outputValues = trace.outputValues
        return .object([
            ("program", .string(program)),
            ("inputs", .array(graph.inputNames.map { .string($0) })),
            ("outputs", .array(graph.outputs.map { .string($0.name) })),
            ("point", .array(trace.point.map(number))),
            ("mode", .string(trace.options.mode.rawValue)),
            ("precision", .integer(trace.options.numberFormat.significantDigits)),
            ("seed", .array(trace.seed.map(number))),
            ("seed_description", .string(trace.seedDescription)),
            ("ybar", .array(trace.outputSeed.map(number))),
            ("values", .array(outputValues.map(number))),
            ("values_shown", .array(outputValues.map(shown))),
            ("gradient", .array(trace.gradient.map(number))),
            ("gradient_shown", .array(trace.gradient.map(shown))),
            ("steps", .array(steps.map { step in
                .object([("phase", .string(step.phase.rawValue)), ("node", .string(ids[step.node])), ("caption", .string(step.caption))])
            })),
            ("nodes", .array(nodesJSON(ids: ids))),
            ("warnings", .array(trace.warningMessages().map { .string($0) })),
        ])
    }

    /// A row as the trace writes it and as its numbers.
    private typealias Row = (data: TraceRow, text: RenderedRow)

    /// Every node: its names, its neighbours, its numbers, and its three rows.
    private func nodesJSON(ids: [String]) -> [JSONValue] {
        let graph = trace.graph
        let format = trace.options.numberFormat
        let consumers = graph.consumers()
        func byNode(_ rows: [TraceRow]) -> [Int: Row] {
            var out: [Int: Row] = [:]
            for (data, text) in zip(rows, trace.rendered(rows)) { out[data.node] = (data, text) }
            return out
        }
        let primal = byNode(trace.primalRows()), tangent = byNode(trace.tangentRows()), adjoint = byNode(trace.adjointRows())
        let outputOf = Dictionary(graph.outputs.map { ($0.node, $0.name) }, uniquingKeysWith: { a, _ in a })
        func numbers(_ name: String, _ x: Double) -> [(String, JSONValue)] { [(name, .finite(x)), (name + "_shown", .string(format.string(x)))] }
        return graph.nodes.enumerated().map { i, node in
            var members: [(String, JSONValue)] = [
                ("id", .string(ids[i])), ("label", .string(graph.displayLabel(i, format: format))),
                ("op", .string(node.op.name)),
                ("arguments", .array(node.arguments.map { .string(ids[$0]) })),
                ("consumers", .array(consumers[i].map { .string(ids[$0]) })),
            ]
            if node.op == .input { members.append(("name", .string(graph.inputNames[i]))) }
            if let name = graph.statementNames[i] { members.append(("statement", .string(name))) }
            if let output = outputOf[i] { members.append(("output", .string(output))) }
            members += [("value", .finite(trace.evaluation.values[i])), ("value_shown", .string(format.string(trace.evaluation.values[i])))]
            if let tangents = trace.tangents { members += numbers("tangent", tangents[i]) }
            if let adjoints = trace.adjoints { members += numbers("adjoint", adjoints[i]) }
            members += [("primal_row", rowJSON(primal[i])), ("tangent_row", rowJSON(tangent[i])), ("adjoint_row", rowJSON(adjoint[i]))]
            return .object(members)
        }
    }

    /// A row: its label, definition, formula with and without numbers, value, and its sum's terms.
    private func rowJSON(_ row: Row?) -> JSONValue {
        guard let row else { return .null }
        return .object([
            ("label", .string(row.text.label)), ("definition", .string(row.text.definition)),
            ("formula", .string(row.text.formula)), ("substituted", .string(row.text.substituted)),
            ("value", .finite(row.data.value)), ("shown", .string(row.text.value)),
            ("terms", .array(row.data.terms.map { termJSON(of: row.data, $0) })),
        ])
    }

    /// One term of a row's sum, named as the chain rule writes it (`v̄₃·∂v₃/∂v₀`, a seed `ȳ`),
    /// with what it adds: practice says which term an answer left out or got wrong.
    private func termJSON(of row: TraceRow, _ term: ChainTerm) -> JSONValue {
        let graph = trace.graph
        let i = row.node
        let text: String
        switch term.source {
        case .node(let j) where row.kind == .adjoint:
            text = trace.symbol(of: j, accent: .bar) + "·∂" + trace.symbol(of: j) + "/∂" + trace.symbol(of: i)
        case .node(let j):
            text = trace.symbol(of: j, accent: .dot) + "·∂" + trace.symbol(of: i) + "/∂" + trace.symbol(of: j)
        case .outputSeed(let k):
            text = MathName.symbol(graph.outputs[k].name, accent: .bar, style: .text)
        case .inputSeed(let k):
            text = MathName.symbol(graph.inputNames[k], accent: .dot, style: .text)
        }
        let isSeed: Bool
        if case .node = term.source { isSeed = false } else { isSeed = true }
        return .object([
            ("text", .string(text)), ("value", .finite(term.value)), ("shown", .string(trace.options.numberFormat.string(term.value))), ("seed", .bool(isSeed)),
        ])
    }
}
