import Foundation
import GraphvizKit
import AdvizCore

/// A traced graph as a figure: the Graphviz description of its final state, or of the
/// state after any step of the forward and reverse sweeps.
public struct GraphFigure: Sendable {
    /// The trace drawn.
    public let trace: Trace
    /// How it is drawn.
    public let options: FigureOptions
    /// The steps of the step-through, forward then reverse.
    public let steps: [FigureStep]
    /// Things the reader should know (automatic folding, labels left out on a big graph).
    public private(set) var notes: [String] = []

    /// The statements folded into single nodes.
    var collapsed: Set<Int> = []
    /// For each tape node, the statement it is folded into, if any.
    var folding: [Int?]
    /// The number of figure nodes after folding.
    public private(set) var nodeCount = 0
    /// Text that does not change between frames, written once.
    var text = FigureText()
    /// The tape nodes in the order of the primal (and tangent) rows, and of the adjoint rows.
    var primalOrder: [Int] = []
    var adjointOrder: [Int] = []

    /// The strings of a figure, computed once so that each frame only assembles them.
    struct FigureText {
        /// How nodes are named in the figure (`v₋₁`), and their ids in the SVG (`v-1`, as JSON spells them).
        var names: [String] = []
        var ids: [String] = []
        var bars: [String] = []
        var values: [String] = []
        var tangents: [String] = []
        var adjoints: [String] = []
        var edges: [FigureEdge] = []
        /// The distinct users of each constant, in tape order (each gets its own copy of the constant).
        var constantUsers: [Int: [Int]] = [:]
        /// For each tape node, the indices in `edges` of the edges into it.
        var edgesInto: [Int: [Int]] = [:]
    }

    /// One drawn edge: from argument `argument` to node `node`, with its label texts.
    struct FigureEdge {
        var tail: String
        var head: String
        var argument: Int
        var node: Int
        var id: String
        var fromConstant: Bool
        var folded: Bool
        var partialName: String
        var partial: String
        var flow: String
    }

    var graph: Graph { trace.graph }

    /// A figure of `trace`; throws a usage error for `--collapse` names that are not statements.
    public init(_ trace: Trace, options: FigureOptions = FigureOptions()) throws(AdvizError) {
        // Graphviz writes the font name into SVG attributes as it is: a quote would end the
        // attribute and start another (`onload=…`).
        if let problem = labelProblem(options.fontName, isName: true) { throw .usage("the font name `\(options.fontName)` cannot be used: \(problem)") }
        if let title = options.title, let problem = labelProblem(title) { throw .usage("the title cannot be used: \(problem)") }
        self.trace = trace
        self.options = options
        let graph = trace.graph
        folding = Array(repeating: nil, count: graph.nodes.count)
        steps = options.numbers ? GraphFigure.timeline(trace, show: options.show) : []

        var requested = Set<Int>()
        for name in options.collapse {
            guard let index = graph.statements.firstIndex(where: { $0.name == name }) else {
                let names = graph.statements.compactMap(\.name)
                throw .usage("`\(name)`, to fold, is not a statement; the named statements are \(names.isEmpty ? "none" : names.map { "`\($0)`" }.joined(separator: ", "))")
            }
            requested.insert(index)
        }
        var count = graph.nodes.count
        func fold(_ index: Int) {
            guard !collapsed.contains(index) else { return }
            let statement = graph.statements[index]
            collapsed.insert(index)
            for node in statement.nodes { folding[node] = index }
            count -= Swift.max(0, statement.nodes.count - 1)
        }
        for index in requested.sorted() { fold(index) }
        if count > options.maxNodes {
            // Fold the biggest named statements first, but never an output: the reader must see where y comes from.
            let outputs = Set(graph.outputs.map(\.node))
            let candidates = graph.statements.indices
                .filter { graph.statements[$0].name != nil && !outputs.contains(graph.statements[$0].root) && graph.statements[$0].nodes.count > 1 }
                .sorted { graph.statements[$0].nodes.count > graph.statements[$1].nodes.count }
            var folded: [String] = []
            for index in candidates where count > options.maxNodes {
                fold(index)
                folded.append(graph.statements[index].name!)
            }
            if !folded.isEmpty {
                notes.append("the graph has \(graph.nodes.count) nodes, more than --max-nodes \(options.maxNodes): folded \(folded.map { "`\($0)`" }.joined(separator: ", ")) into single nodes")
            }
            if count > options.maxNodes {
                notes.append("drawing \(count) nodes (more than --max-nodes \(options.maxNodes)); name statements (`h = …`) so that adviz can fold them")
            }
        }
        guard count <= GraphFigure.drawableLimit else {
            throw .usage("the figure would have \(count) nodes; adviz draws at most \(GraphFigure.drawableLimit). Name statements (`h = …`) and fold them with --collapse, or trace it instead")
        }
        nodeCount = count
        primalOrder = trace.primalRows().map(\.node)
        adjointOrder = trace.adjointRows().map(\.node)
        text = makeText()
        if count >= GraphFigure.layeredLayoutThreshold {
            notes.append("\(count) nodes: placed by adviz's layered layout (straight edges, no statement boxes), which takes a second where dot would take a minute")
        }
        if effectiveEdgeLabels(nodeCount: count) == .none, options.edgeLabels == .auto, options.numbers, count > GraphFigure.edgeLabelLimit {
            notes.append("edge labels left out: \(count) nodes is more than \(GraphFigure.edgeLabelLimit) (ask for them with --edge-labels partials)")
        }
    }

    /// The most figure nodes adviz draws: past this a picture is neither readable nor quick.
    public static let drawableLimit = 20_000

    /// Above this many nodes, edge labels are off unless asked for.
    public static let edgeLabelLimit = 60

    /// The steps: each input and step forward, then each back in reverse (as the mode shows them).
    static func timeline(_ trace: Trace, show: Set<FigureOptions.Quantity>) -> [FigureStep] {
        var steps: [FigureStep] = []
        let primal = trace.rendered(trace.primalRows())
        let showTangents = show.contains(.tangents) && trace.tangents != nil
        let tangents = showTangents ? Dictionary(uniqueKeysWithValues: trace.rendered(trace.tangentRows()).map { ($0.node, $0) }) : [:]
        for row in primal {
            var caption = row.sentence
            if let t = tangents[row.node] { caption += ";  " + t.sentence }
            steps.append(FigureStep(phase: .forward, node: row.node, caption: caption))
        }
        if show.contains(.adjoints), trace.adjoints != nil {
            for row in trace.rendered(trace.adjointRows()) {
                steps.append(FigureStep(phase: .reverse, node: row.node, caption: row.sentence))
            }
        }
        return steps
    }

    /// Above this many nodes adviz places the nodes itself (``LayeredLayout``) and Graphviz
    /// only measures and draws them: dot would take many seconds.
    public static let layeredLayoutThreshold = 400

    /// True if this figure is too big for dot and is placed by ``LayeredLayout``.
    public var usesLayeredLayout: Bool { nodeCount >= GraphFigure.layeredLayoutThreshold }

    /// Layout settings by size. dot's cost is in its network simplex over the virtual nodes
    /// that long edges leave on every rank they cross (tens of thousands for a 500-node graph
    /// with long-range edges), and in crossing minimisation; capping both keeps big figures to
    /// seconds, at the cost of wider drawings, more crossings and straight edges.
    public static func layoutEffort(nodes count: Int) -> [DotAttribute] {
        switch count {
        case ..<150: return []
        case ..<layeredLayoutThreshold: return [DotAttribute("nslimit", "1"), DotAttribute("mclimit", "0.5")]
        default: return [DotAttribute("splines", "line")]
        }
    }

    /// The symbol a node shows for its operation: `×`, `+`, `sin`.
    static func opSymbol(_ op: Op) -> String {
        switch op.notation {
        case .function(let name, _): return name
        case .infix(let text, _, _), .prefix(let text, _, _):
            switch text {
            case "·": return "×"
            case "-": return "−"
            case "/": return "÷"
            default: return text
            }
        case .leaf: return op.name
        }
    }
}
