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
    /// Things the reader should know (automatic folding, labels left out on a big graph), with
    /// the settings they name kept apart: a front end names them its own way
    /// (``ErrorMessage/text(naming:)``; the command line passes its flags).
    public private(set) var noteMessages: [ErrorMessage] = []
    /// ``noteMessages`` as text, settings named as ``Setting/defaultName(_:)`` names them.
    public var notes: [String] { noteMessages.map(\.description) }

    /// The statements folded into single nodes.
    var collapsed: Set<Int> = []
    /// Nodes left out of the drawing: a gradient graph's NaN guards `0·sign(y)` (their users say so).
    var hidden: Set<Int> = []
    /// The nodes that add a hidden guard: each says "NaN where y is NaN" instead.
    var guardedUsers: [Int: Int] = [:]
    /// For each tape node, the statement it is folded into, if any.
    var folding: [Int?]
    /// The number of figure nodes after folding.
    public private(set) var nodeCount = 0
    /// dot's work for this figure, in real and virtual nodes (``layoutCost(edges:)``).
    public private(set) var layoutCost = 0
    /// Text that does not change between frames, written once.
    var text = FigureText()
    /// The tape nodes in the order of the primal (and tangent) rows, and of the adjoint rows.
    var primalOrder: [Int] = []
    var tangentOrder: [Int] = []
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
        /// For each tape node, the indices in `edges` of the edges out of it (to its consumers).
        var edgesOutOf: [Int: [Int]] = [:]
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

    /// A figure of `trace`; throws an invalid-argument error for folded names that are not statements.
    public init(_ trace: Trace, options: FigureOptions = FigureOptions()) throws(AdvizError) {
        // Graphviz writes the font name into SVG attributes as it is: a quote would end the
        // attribute and start another (`onload=…`).
        if let problem = labelProblem(options.fontName, isName: true) { throw .invalidArgument("the font name `\(options.fontName)` cannot be used: \(problem)") }
        if let title = options.title, let problem = labelProblem(title) { throw .invalidArgument("the title cannot be used: \(problem)") }
        self.trace = trace
        var options = options
        // A gradient graph's nodes are the adjoints: its own adjoints (of its outputs) are not what it shows.
        if options.backwardPassStart != nil { options.show.remove(.adjoints) }
        self.options = options
        let graph = trace.graph
        folding = Array(repeating: nil, count: graph.nodes.count)
        if let start = options.backwardPassStart { (hidden, guardedUsers) = GraphFigure.nanGuards(graph, from: start) }
        let hidden = hidden
        steps = options.numbers ? GraphFigure.timeline(trace, show: options.show).filter { !hidden.contains($0.node) } : []

        var requested = Set<Int>()
        for name in options.collapse {
            guard let index = graph.statements.firstIndex(where: { $0.name == name }) else {
                let names = graph.statements.compactMap(\.name)
                throw .invalidArgument("`\(name)`, to fold, is not a statement; the named statements are \(names.isEmpty ? "none" : names.map { "`\($0)`" }.joined(separator: ", "))")
            }
            requested.insert(index)
        }
        var count = graph.nodes.count - hidden.count
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
                noteMessages.append("the graph has \(graph.nodes.count) nodes, more than \(Setting.maxNodes) \(options.maxNodes): folded \(folded.map { "`\($0)`" }.joined(separator: ", ")) into single nodes")
            }
            if count > options.maxNodes {
                noteMessages.append("drawing \(count) nodes (more than \(Setting.maxNodes) \(options.maxNodes)); name statements (`h = …`) so that adviz can fold them")
            }
        }
        guard count <= GraphFigure.drawableLimit else {
            throw .invalidArgument("the figure would have \(count) nodes; adviz draws at most \(GraphFigure.drawableLimit). Name statements (`h = …`) and fold them with \(Setting.collapse), or trace it instead")
        }
        nodeCount = count
        primalOrder = trace.primalRows().map(\.node)
        // The tangent rows' own order: a gradient graph's differs from its primal rows'.
        tangentOrder = trace.tangents != nil ? trace.tangentRows().map(\.node) : []
        adjointOrder = trace.adjointRows().map(\.node)
        text = makeText()
        layoutCost = GraphFigure.layoutCost(edges: text.edges.map { ($0.tail, $0.head) })
        if usesLayeredLayout {
            noteMessages.append("\(count) nodes: placed by adviz's layered layout (straight edges, no statement boxes), which takes a second where dot would take a minute")
        }
        if effectiveEdgeLabels(nodeCount: count) == .none, options.edgeLabels == .auto, options.numbers, count > GraphFigure.edgeLabelLimit {
            noteMessages.append("edge labels left out: \(count) nodes is more than \(GraphFigure.edgeLabelLimit) (ask for them with \(Setting.edgeLabels) partials)")
        }
    }

    /// A gradient graph's NaN guards: each product `0·sign(v)` of its backward pass, and each
    /// `sign(v)` read by such products only; and for each node adding a guard, the guarded node v.
    static func nanGuards(_ graph: Graph, from start: Int) -> (hidden: Set<Int>, users: [Int: Int]) {
        let nodes = graph.nodes
        var products: [Int: Int] = [:]  // 0·sign(v) → v
        for i in nodes.indices where i >= start && nodes[i].op == .mul {
            let (a, b) = (Int(nodes[i].a), Int(nodes[i].b))
            for (zero, other) in [(a, b), (b, a)] where graph.isConstant(zero) && nodes[zero].literal == 0 && nodes[other].op == .sign {
                products[i] = Int(nodes[other].a)
            }
        }
        guard !products.isEmpty else { return ([], [:]) }
        var hidden = Set(products.keys)
        let consumers = graph.consumers()
        var users: [Int: Int] = [:]
        for (product, guarded) in products {
            let sign = nodes[product].arguments.first { nodes[$0].op == .sign }!
            if sign >= start, consumers[sign].allSatisfy({ products[$0] != nil }) { hidden.insert(sign) }
            for user in consumers[product] { users[user] = guarded }
        }
        return (hidden, users)
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

    /// Above this ``layoutCost`` (real and virtual nodes) adviz places the nodes itself: dot's
    /// time grows with it, and this bounds a layout to about a second on a 2-core machine
    /// (measured: ``layoutCost(edges:)``).
    public static let layoutCostThreshold = 12_000

    /// True if this figure is too big or too costly for dot and is placed by ``LayeredLayout``.
    public var usesLayeredLayout: Bool { nodeCount >= GraphFigure.layeredLayoutThreshold || layoutCost > GraphFigure.layoutCostThreshold }

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
