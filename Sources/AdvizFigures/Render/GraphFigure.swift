import Foundation
import GraphvizKit
import AdvizCore

/// How a figure looks: what it shows, its direction, its theme and fonts.
public struct FigureOptions: Sendable, Equatable {
    /// A number a node can show besides its value.
    public enum Quantity: String, Sendable, CaseIterable {
        case values, tangents, adjoints
    }

    /// What the edges say: the local partial, the adjoint flowing back along it, or both.
    public enum EdgeLabels: String, Sendable, CaseIterable {
        /// Partials, plus the flow when adjoints are shown; none on big graphs.
        case auto
        case none, partials, flow, all
    }

    /// Which numbers the nodes show (default all). Values are always shown with the others.
    public var show: Set<Quantity> = Set(Quantity.allCases)
    /// What the edges say.
    public var edgeLabels: EdgeLabels = .auto
    /// `LR` (left to right, as Baydin draws it) or `TB`.
    public var rankdir: String = "LR"
    /// The colours.
    public var theme: FigureTheme = .light
    /// The font family.
    public var fontName: String = "DejaVu Sans"
    /// The base font size, in points.
    public var fontSize: Double = 12
    /// Resolution of PNG output (SVG and PDF are in points, whatever the dpi).
    public var dpi: Double = 144
    /// Draw each named statement of a program as a box with its name.
    public var clusters: Bool = true
    /// Statements to fold into one node each.
    public var collapse: [String] = []
    /// Above this many nodes, named statements are folded automatically.
    public var maxNodes: Int = 120
    /// A heading for the figure; nil leaves it out.
    public var title: String?
    /// False draws the graph alone: each node's name and operation, no numbers, no edge labels.
    public var numbers: Bool = true
    /// Draw a constant read by several nodes once, with an edge to each user, instead of a
    /// small copy beside each user (whose edges are short).
    public var shareConstants: Bool = false
    /// Name nodes by the program's names (inputs, named statements), as micrograd's `draw_dot`
    /// does, with the Wengert number beside.
    public var names: Bool = false
    /// The aspect (width / height) of the page the figure goes on, such as 16/9 for a slide:
    /// the direction (LR or TB) that comes closer is chosen, and the drawing is spread to it.
    public var fit: Double?
    /// With `fit`: spread the drawing to the aspect (false only chooses the direction, as slideshows do).
    public var spread: Bool = true
    /// For a gradient graph (``GradientGraph``): the first node of its backward pass. Those nodes,
    /// and the boxes of their adjoint sums, are drawn in the adjoint colour, apart from f's nodes.
    public var backwardPassStart: Int?

    /// Default options.
    public init() {}

    /// `all`, or a comma-separated list of `values`, `tangents`, `adjoints`; nil if a word is none of these.
    public static func quantities(_ text: String) -> Set<Quantity>? {
        var result = Set<Quantity>()
        for word in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !word.isEmpty {
            if word == "all" { result.formUnion(Quantity.allCases); continue }
            guard let quantity = Quantity(rawValue: word) else { return nil }
            result.insert(quantity)
        }
        return result.isEmpty ? nil : result
    }

    /// An aspect written `16:9`, `4:3` or `1.5`; nil if it is not a positive ratio.
    public static func aspect(_ text: String) -> Double? {
        let parts = text.split(separator: ":").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        let value: Double?
        switch parts.count {
        case 1: value = parts[0]
        case 2: value = parts[0].flatMap { w in parts[1].map { w / $0 } }
        default: value = nil
        }
        guard let value, value.isFinite, value >= 0.05, value <= 20 else { return nil }
        return value
    }
}

/// How far the sweeps have gone in a frame: the rows done of each trace, which sweep moved
/// last (its last row is the current node), and, while the graph is being built, how many of
/// its nodes exist yet. A lesson's frames use it, since a later sweep keeps what earlier ones computed.
public struct FigureProgress: Sendable, Equatable {
    /// The sweeps.
    public enum Sweep: String, Sendable { case primal, tangent, reverse }
    /// Rows of the primal trace done (inputs included).
    public var values: Int
    /// Rows of the tangent trace done.
    public var tangents: Int
    /// Rows of the adjoint trace done.
    public var adjoints: Int
    /// The sweep that moved last, if any.
    public var sweep: Sweep?
    /// While the graph is built: the number of its nodes (inputs and steps) drawn so far.
    public var built: Int?
    /// Nodes whose incoming adjoint flows stay hidden although their consumers are done: a
    /// lesson asks for their adjoint on this frame, so the figure must not add it up for the student.
    public var withheld: Set<Int> = []

    /// Progress with the given rows done.
    public init(values: Int = 0, tangents: Int = 0, adjoints: Int = 0, sweep: Sweep? = nil, built: Int? = nil) {
        self.values = values
        self.tangents = tangents
        self.adjoints = adjoints
        self.sweep = sweep
        self.built = built
    }
}

/// One step of the step-through: a node computed by the forward sweep, or reached by the reverse sweep.
public struct FigureStep: Sendable, Equatable {
    /// Which sweep the step belongs to.
    public enum Phase: String, Sendable { case forward, reverse }
    /// The sweep.
    public var phase: Phase
    /// The tape node computed at this step.
    public var node: Int
    /// What happens, as the trace writes it: `v1 = v-1·v0 = 2·5 = 10`.
    public var caption: String
}

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
    private var collapsed: Set<Int> = []
    /// For each tape node, the statement it is folded into, if any.
    private var folding: [Int?]
    /// The number of figure nodes after folding.
    public private(set) var nodeCount = 0
    /// Text that does not change between frames, written once.
    private var text = FigureText()
    /// The tape nodes in the order of the primal (and tangent) rows, and of the adjoint rows.
    private var primalOrder: [Int] = []
    private var adjointOrder: [Int] = []

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

    private var graph: Graph { trace.graph }

    /// A figure of `trace`; throws a usage error for `--collapse` names that are not statements.
    public init(_ trace: Trace, options: FigureOptions = FigureOptions()) throws(AdvizError) {
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

    /// A trace row as one sentence: `v₁ = v₋₁·v₀ = 2·5 = 10`, each part once (`v̄₄ = ȳ = 1`).
    public static func sentence(_ row: TraceRow, _ format: NumberFormat) -> String {
        var parts = [row.label, row.definition]
        if !row.substituted.isEmpty, row.substituted != row.definition { parts.append(row.substituted) }
        let value = format.string(row.value)
        if parts.last != value { parts.append(value) }
        return parts.joined(separator: " = ")
    }

    /// The steps: each input and step forward, then each back in reverse (as the mode shows them).
    static func timeline(_ trace: Trace, show: Set<FigureOptions.Quantity>) -> [FigureStep] {
        let format = trace.options.numberFormat
        var steps: [FigureStep] = []
        let primal = trace.primalRows()
        let tangents = Dictionary(uniqueKeysWithValues: trace.tangentRows().map { ($0.node, $0) })
        let showTangents = show.contains(.tangents) && trace.tangents != nil
        for row in primal {
            var caption = sentence(row, format)
            if showTangents, let t = tangents[row.node] { caption += ";  " + sentence(t, format) }
            steps.append(FigureStep(phase: .forward, node: row.node, caption: caption))
        }
        if show.contains(.adjoints), trace.adjoints != nil {
            for row in trace.adjointRows() {
                steps.append(FigureStep(phase: .reverse, node: row.node, caption: sentence(row, format)))
            }
        }
        return steps
    }

    // MARK: State at a step

    /// What is known in a frame (nil step: everything, the finished figure).
    struct State {
        var valueDone: [Bool]
        var tangentDone: [Bool]
        var reverseDone: [Bool]
        var current: Int?
        var caption: String?
        var phase: FigureStep.Phase?
        /// While building: which tape nodes are drawn yet (nil: all).
        var visible: [Bool]?
        /// Nodes whose incoming adjoint flows are not shown (see ``FigureProgress/withheld``).
        var withheld: Set<Int> = []
    }

    func state(after requested: Int?) -> State {
        let n = graph.nodes.count
        guard let requested else {
            return State(
                valueDone: Array(repeating: true, count: n), tangentDone: Array(repeating: true, count: n),
                reverseDone: Array(repeating: trace.adjoints != nil, count: n), current: nil)
        }
        let step = Swift.max(0, Swift.min(requested, steps.count))
        var state = State(valueDone: Array(repeating: false, count: n), tangentDone: Array(repeating: false, count: n), reverseDone: Array(repeating: false, count: n), current: nil)
        for i in graph.nodes.indices where graph.isConstant(i) { state.valueDone[i] = true }
        for s in steps.prefix(step) {
            switch s.phase {
            case .forward:
                state.valueDone[s.node] = true
                state.tangentDone[s.node] = true
            case .reverse: state.reverseDone[s.node] = true
            }
        }
        if step > 0, step <= steps.count {
            let s = steps[step - 1]
            state.current = s.node
            state.caption = "step \(step) of \(steps.count) · \(s.phase == .forward ? "forward sweep" : "reverse sweep") · \(s.caption)"
            state.phase = s.phase
        } else {
            state.caption = "step 0 of \(steps.count) · the graph, before the sweeps"
        }
        return state
    }

    /// The state of a frame given by how far each sweep has gone.
    func state(_ progress: FigureProgress) -> State {
        let n = graph.nodes.count
        var state = State(valueDone: Array(repeating: false, count: n), tangentDone: Array(repeating: false, count: n), reverseDone: Array(repeating: false, count: n), current: nil)
        for i in graph.nodes.indices where graph.isConstant(i) { state.valueDone[i] = true }
        for node in primalOrder.prefix(Swift.max(0, progress.values)) { state.valueDone[node] = true }
        if trace.tangents != nil { for node in primalOrder.prefix(Swift.max(0, progress.tangents)) { state.tangentDone[node] = true } }
        for node in adjointOrder.prefix(Swift.max(0, progress.adjoints)) { state.reverseDone[node] = true }
        switch progress.sweep {
        case .primal?: if progress.values > 0 { state.current = primalOrder[Swift.min(progress.values, primalOrder.count) - 1] }
        case .tangent?: if progress.tangents > 0 { state.current = primalOrder[Swift.min(progress.tangents, primalOrder.count) - 1] }
        case .reverse?: if progress.adjoints > 0 { state.current = adjointOrder[Swift.min(progress.adjoints, adjointOrder.count) - 1] }
        case nil: break
        }
        state.phase = progress.sweep == .reverse ? .reverse : .forward
        state.withheld = progress.withheld
        if let built = progress.built {
            var visible = Array(repeating: false, count: n)
            var shown = 0
            for i in graph.nodes.indices where !graph.isConstant(i) {
                guard shown < built else { break }
                visible[i] = true
                shown += 1
                if shown == built { state.current = i }
            }
            state.visible = visible
        }
        return state
    }

    // MARK: Styles of a compact frame

    /// A compact node's fill, border colour and width: the sweep's progress at a glance.
    func compactNodeStyle(_ i: Int, _ state: State) -> [DotAttribute] {
        let theme = options.theme
        let known = state.valueDone[i]
        let isCurrent = state.current == i
        let fill = isCurrent ? theme.highlightFill : state.reverseDone[i] ? theme.outputFill : known ? theme.inputFill : theme.background
        return [
            DotAttribute("fillcolor", fill), DotAttribute("color", isCurrent ? theme.highlight : (known ? theme.border : theme.faded)),
            DotAttribute("penwidth", isCurrent ? "2.6" : "1.2"),
        ]
    }

    /// An edge's colour and width at a step.
    func edgeStyle(_ edge: FigureEdge, _ state: State) -> [DotAttribute] {
        let theme = options.theme
        let i = edge.node
        if state.current == i, state.visible == nil {
            return [DotAttribute("color", state.phase == .reverse ? theme.adjoint : theme.highlight), DotAttribute("penwidth", "2.2")]
        } else if edge.fromConstant || (!state.valueDone[i] && options.numbers) {
            return [DotAttribute("color", theme.faded), DotAttribute("penwidth", "1.1")]
        }
        return [DotAttribute("color", theme.edge), DotAttribute("penwidth", "1.1")]
    }

    /// Only the styles of a compact frame after `step`: what changes between frames, without
    /// building the whole description (labels, clusters, caption), which costs more than drawing.
    /// Nil when the figure folds statements (their nodes' styles come from the full description).
    func compactStyles(afterStep step: Int) -> (nodes: [(String, [DotAttribute])], edges: [(String, [DotAttribute])])? {
        guard collapsed.isEmpty else { return nil }
        let state = state(after: step)
        var nodes: [(String, [DotAttribute])] = []
        nodes.reserveCapacity(graph.nodes.count)
        for i in graph.nodes.indices where !graph.isConstant(i) {
            nodes.append((figureID(i), compactNodeStyle(i, state)))
        }
        return (nodes, text.edges.map { ($0.id, edgeStyle($0, state)) })
    }

    // MARK: The description

    /// The id of the figure node that shows tape node `i` (its statement's, when folded).
    func figureID(_ i: Int) -> String {
        if let s = folding[i] { return "s\(s)" }
        return "n\(i)"
    }

    /// The id of the copy of constant `c` drawn beside its user `user`.
    func constantCopyID(_ c: Int, user: Int) -> String { "k\(c)u\(user)" }

    private func effectiveEdgeLabels(nodeCount: Int) -> FigureOptions.EdgeLabels {
        guard options.numbers else { return .none }
        switch options.edgeLabels {
        case .auto:
            if nodeCount > GraphFigure.edgeLabelLimit { return .none }
            return options.show.contains(.adjoints) && trace.adjoints != nil ? .all : .partials
        default: return options.edgeLabels
        }
    }

    /// A factor of a product, in parentheses if negative: `0.1·(-1)`.
    private static func factor(_ text: String) -> String { text.hasPrefix("-") ? "(\(text))" : text }

    private func makeText() -> FigureText {
        let writer = TraceWriter(trace: trace, style: .text)
        let format = trace.options.numberFormat
        var t = FigureText()
        let n = graph.nodes.count
        t.names.reserveCapacity(n)
        t.ids = graph.nodeIDs()
        for i in 0..<n {
            t.names.append(writer.nodeSymbol(i))
            t.bars.append(graph.isConstant(i) ? "" : writer.nodeSymbol(i, accent: .bar))
            t.values.append(format.string(trace.evaluation.values[i]))
        }
        if let tangents = trace.tangents { t.tangents = tangents.map { format.string($0) } }
        if let adjoints = trace.adjoints { t.adjoints = adjoints.map { format.string($0) } }
        var seen = Set<String>()
        for i in 0..<n where graph.nodes[i].op.arity > 0 {
            var argumentsSeen = Set<Int>()
            for j in graph.nodes[i].arguments where argumentsSeen.insert(j).inserted {
                let isConstant = graph.isConstant(j)
                let head = figureID(i)
                // A constant is drawn beside each user, unless shared (or its user is folded: then it is not drawn).
                if isConstant, !options.shareConstants {
                    guard folding[i] == nil else { continue }
                    t.constantUsers[j, default: []].append(i)
                }
                let tail = isConstant && !options.shareConstants ? constantCopyID(j, user: i) : figureID(j)
                // One edge per pair of drawn nodes: folded statements would otherwise draw parallel edges.
                guard tail != head, seen.insert("\(tail)>\(head)").inserted else { continue }
                let name = "∂\(t.names[i])/∂\(t.names[j])"
                var partial = name, flow = ""
                if !isConstant {
                    let formula = writer.render(writer.totalPartialFormula(i, j), node: i, byValue: false)
                    let value = writer.totalPartialValue(i, j)
                    let valueText = format.string(value)
                    partial = formula == valueText ? "\(name) = \(valueText)" : "\(name) = \(formula) = \(valueText)"
                    if let adjoints = trace.adjoints {
                        // The adjoint the edge carries back, written in full: v̄₁·∂v₁/∂v₋₁ = 0.1·5 = 0.5.
                        flow = "\(t.bars[i])·\(name) = \(format.string(adjoints[i]))·\(GraphFigure.factor(valueText)) = \(format.string(adjoints[i] * value))"
                    }
                }
                let edgeID = isConstant && !options.shareConstants ? "\(t.ids[j])@\(t.ids[i])->\(t.ids[i])" : "\(t.ids[j])->\(t.ids[i])"
                t.edgesInto[i, default: []].append(t.edges.count)
                t.edges.append(FigureEdge(
                    tail: tail, head: head, argument: j, node: i, id: edgeID,
                    fromConstant: isConstant, folded: folding[i] != nil || folding[j] != nil,
                    partialName: name, partial: partial, flow: flow))
            }
        }
        return t
    }

    /// The Graphviz description of the figure after `step` steps (nil: the finished figure).
    ///
    /// `reserveCaption` puts the longest caption in the layout, so every frame fits the same box.
    ///
    /// `compact` draws each node as its name and operation only, and the sweep's progress by fill
    /// colour alone: a change of style, which Graphviz redraws without a new layout. Frames of big
    /// graphs use it (their numbers are in the captions of the player and in the trace).
    ///
    /// `caption` false leaves the step's caption out of the figure, for pages that show it as text.
    public func description(afterStep step: Int? = nil, reserveCaption: Bool = false, compact: Bool = false, caption withCaption: Bool = true) -> DotGraph {
        description(state(after: step), stepCaption: !compact && withCaption && (step != nil || reserveCaption), reserveCaption: reserveCaption, compact: compact)
    }

    /// The Graphviz description of a frame given by each sweep's progress (a lesson's frame).
    ///
    /// Its caption is left out: the lesson writes it as text. Every progress of one figure draws
    /// the same nodes with the same rows, so frames can share one layout.
    public func description(_ progress: FigureProgress) -> DotGraph {
        description(state(progress), stepCaption: false, reserveCaption: false, compact: false)
    }

    /// What every part of one frame's description shares: the state drawn and what it shows.
    private struct Frame {
        let state: State
        let compact: Bool
        let writer: TraceWriter
        let edgeLabels: FigureOptions.EdgeLabels
        let showTangents: Bool
        let showAdjoints: Bool
        let outputNames: [Int: String]
        /// The font size of edge labels and legends (85% of the base).
        let small: String

        func isVisible(_ i: Int) -> Bool { state.visible?[i] ?? true }
    }

    /// The description of one frame, built part by part: the drawing's defaults, the nodes (each
    /// with its constants' copies and its incoming edges' labels before it), the edges, the
    /// statement boxes, and the caption.
    private func description(_ state: State, stepCaption: Bool, reserveCaption: Bool, compact: Bool) -> DotGraph {
        let numbers = options.numbers
        let frame = Frame(
            state: state, compact: compact, writer: TraceWriter(trace: trace, style: .text),
            edgeLabels: effectiveEdgeLabels(nodeCount: nodeCount),
            showTangents: numbers && options.show.contains(.tangents) && trace.tangents != nil,
            showAdjoints: numbers && options.show.contains(.adjoints) && trace.adjoints != nil,
            outputNames: Dictionary(graph.outputs.map { ($0.node, $0.name) }, uniquingKeysWith: { "\($0), \($1)" }),
            small: String(format: "%.1f", options.fontSize * 0.85))
        var d = drawingDefaults()
        // Which statement (cluster) each constant's copy belongs to, and each edge's label node.
        var clusterOf: [String: Int] = [:]
        var edgeLabelNodes: [Int: String] = [:]
        d.nodes = nodes(frame, clusterOf: &clusterOf, edgeLabelNodes: &edgeLabelNodes)
        d.edges = edges(frame, edgeLabelNodes: edgeLabelNodes)
        d.clusters = clusters(clusterOf: clusterOf, edgeLabelNodes: edgeLabelNodes)
        if let caption = caption(frame, stepCaption: stepCaption, reserveCaption: reserveCaption) { d.graphAttributes.append(caption) }
        return d
    }

    /// The graph's, nodes' and edges' default attributes, and the layout effort for its size.
    private func drawingDefaults() -> DotGraph {
        let theme = options.theme, count = nodeCount
        let fs = options.fontSize
        let small = String(format: "%.1f", fs * 0.85)
        var d = DotGraph()
        d.graphAttributes = [
            DotAttribute("rankdir", options.rankdir), DotAttribute("bgcolor", theme.background),
            DotAttribute("fontname", options.fontName), DotAttribute("fontsize", fmt(fs)), DotAttribute("fontcolor", theme.text),
            DotAttribute("nodesep", count > 200 ? "0.15" : "0.3"), DotAttribute("ranksep", count > 200 ? "0.3" : "0.45"),
            DotAttribute("dpi", fmt(options.dpi)), DotAttribute("pad", "0.2"), DotAttribute("margin", "0"), DotAttribute("labelloc", "b"),
            DotAttribute("labeljust", "l"),
        ]
        // Layout effort by size: dot's crossing minimisation and network simplex grow fast with
        // long-range edges; capping them trades a few more crossings for seconds saved.
        d.graphAttributes += GraphFigure.layoutEffort(nodes: count)
        d.nodeDefaults = [
            DotAttribute("shape", "box"), DotAttribute("style", "rounded,filled"), DotAttribute("fontname", options.fontName),
            DotAttribute("fontsize", fmt(fs)), DotAttribute("color", theme.border), DotAttribute("fontcolor", theme.text),
            DotAttribute("fillcolor", theme.stepFill), DotAttribute("penwidth", "1.2"), DotAttribute("margin", "0.06,0.03"),
        ]
        d.edgeDefaults = [
            DotAttribute("color", theme.edge), DotAttribute("fontname", options.fontName), DotAttribute("fontsize", small),
            DotAttribute("fontcolor", theme.mutedText), DotAttribute("arrowsize", "0.7"), DotAttribute("penwidth", "1.1"),
            DotAttribute("style", "solid"), DotAttribute("arrowhead", "normal"),
        ]
        return d
    }

    /// The small node of a constant: its value or name in plain text.
    private func constantNode(_ id: String, _ c: Int, shown: Bool, small: String) -> DotNode {
        let theme = options.theme
        return DotNode(id: id, attributes: [
            DotAttribute("label", text.names[c]), DotAttribute("shape", "plaintext"), DotAttribute("style", shown ? "" : "invis"),
            DotAttribute("fontcolor", theme.constantText), DotAttribute("fontsize", small), DotAttribute("id", id),
            DotAttribute("margin", "0.02,0.01"), DotAttribute("width", "0.2"), DotAttribute("height", "0.2"),
        ])
    }

    /// Every figure node in tape order: folded statements, constants (or their copies beside each
    /// user), edge-label nodes just before the node they lead into, and the steps themselves.
    private func nodes(_ frame: Frame, clusterOf: inout [String: Int], edgeLabelNodes: inout [Int: String]) -> [DotNode] {
        let state = frame.state, visible = state.visible
        var result: [DotNode] = []
        let sharedConstantUsers = options.shareConstants && visible != nil ? graph.consumers() : []
        var emitted = Set<String>()
        for i in graph.nodes.indices {
            let id = figureID(i)
            guard emitted.insert(id).inserted else { continue }
            if let s = folding[i] {
                result.append(collapsedNode(s, state: state, showTangents: frame.showTangents, showAdjoints: frame.showAdjoints))
                continue
            }
            let node = graph.nodes[i]
            if node.op == .constant {
                if options.shareConstants {
                    result.append(constantNode(id, i, shown: visible == nil || sharedConstantUsers[i].contains { frame.isVisible($0) }, small: frame.small))
                }
                continue
            }
            // Copies of the constants this node reads, just before it (the layered layout places nodes in this order).
            if !options.shareConstants {
                var constantsSeen = Set<Int>()
                for j in node.arguments where graph.isConstant(j) && constantsSeen.insert(j).inserted {
                    let copy = constantCopyID(j, user: i)
                    result.append(constantNode(copy, j, shown: frame.isVisible(i), small: frame.small))
                    clusterOf[copy] = i
                }
            }
            // The labels of the edges into this node, just before it (the order is topological).
            if frame.edgeLabels != .none {
                for k in text.edgesInto[i] ?? [] {
                    guard let label = edgeLabelNode(k, frame) else { continue }
                    edgeLabelNodes[k] = label.id
                    result.append(label)
                }
            }
            result.append(stepNode(i, frame))
        }
        return result
    }

    /// The node of edge `k`'s label (its partial, and the adjoint that flows back along it), or
    /// nil where the edge has no label.
    private func edgeLabelNode(_ k: Int, _ frame: Frame) -> DotNode? {
        let theme = options.theme, state = frame.state
        let edge = text.edges[k]
        guard !edge.fromConstant, !edge.folded else { return nil }
        let i = edge.node
        let valueKnown = state.valueDone[i]
        var lines: [String] = []
        if frame.edgeLabels == .partials || frame.edgeLabels == .all {
            lines.append("<FONT COLOR=\"\(valueKnown ? theme.mutedText : theme.faded)\">\(htmlEscaped(valueKnown ? edge.partial : edge.partialName))</FONT>")
        }
        if frame.edgeLabels == .flow || frame.edgeLabels == .all, !edge.flow.isEmpty {
            // The same text in every frame (its room is reserved), shown once the adjoint has flowed.
            let flowed = state.reverseDone[i] && !state.withheld.contains(edge.argument)
            lines.append("<FONT COLOR=\"\(flowed ? theme.adjoint : theme.background)\">\(htmlEscaped(edge.flow))</FONT>")
        }
        guard !lines.isEmpty else { return nil }
        return DotNode(id: "e\(k)", attributes: [
            DotAttribute.html("label", "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"0\">" + lines.map { "<TR><TD>\($0)</TD></TR>" }.joined() + "</TABLE>"),
            DotAttribute("shape", "plaintext"), DotAttribute("style", frame.isVisible(i) ? "" : "invis"), DotAttribute("margin", "0.03,0.01"),
            DotAttribute("width", "0"), DotAttribute("height", "0"), DotAttribute("fontsize", frame.small), DotAttribute("id", edge.id + " label"),
        ])
    }

    /// A step's node: its name and operation, then its value, tangent and adjoint as far as the
    /// sweeps have come (a row not known yet is kept blank, so frames share one layout).
    private func stepNode(_ i: Int, _ frame: Frame) -> DotNode {
        let theme = options.theme, state = frame.state, writer = frame.writer, compact = frame.compact
        let numbers = options.numbers, outputNames = frame.outputNames
        let showTangents = frame.showTangents, showAdjoints = frame.showAdjoints
        let id = figureID(i)
        let node = graph.nodes[i]
        func isVisible(_ i: Int) -> Bool { frame.isVisible(i) }
        let known = state.valueDone[i] || !numbers
        let isCurrent = state.current == i
        let faded = !known
        let textColor = faded ? theme.faded : theme.text
        let muted = faded ? theme.faded : theme.mutedText
        var rows: [String] = []
        // Header: the node's name and what it does.
        let programName: String? = node.op == .input ? graph.inputNames[i] : (graph.statementNames[i] ?? outputNames[i])
        var header: String
        if options.names, let programName {
            header = "<B>\(htmlEscaped(writer.symbol(programName)))</B>  <FONT COLOR=\"\(muted)\">\(htmlEscaped(text.names[i]))</FONT>"
            if node.op != .input { header += "  <FONT COLOR=\"\(muted)\">\(htmlEscaped(GraphFigure.opSymbol(node.op)))</FONT>" }
        } else {
            header = "<B>\(htmlEscaped(text.names[i]))</B>"
            let what = node.op == .input ? writer.symbol(graph.inputNames[i]) : GraphFigure.opSymbol(node.op)
            header += "  <FONT COLOR=\"\(muted)\">\(htmlEscaped(what))</FONT>"
            if let name = outputNames[i] { header += "  <FONT COLOR=\"\(muted)\">→ \(htmlEscaped(writer.symbol(name)))</FONT>" }
            else if let name = graph.statementNames[i] { header += "  <FONT COLOR=\"\(muted)\">(\(htmlEscaped(name)))</FONT>" }
        }
        rows.append("<TR><TD ALIGN=\"LEFT\"><FONT COLOR=\"\(textColor)\">\(header)</FONT></TD></TR>")
        /// A row of numbers; one not known yet is left blank (its room kept, so frames share one layout).
        func row(_ symbol: String, _ value: String, color: String, shown: Bool) {
            let content = shown ? "\(htmlEscaped(symbol)) = \(htmlEscaped(value))" : " "
            rows.append("<TR><TD ALIGN=\"LEFT\"><FONT COLOR=\"\(color)\">\(content)</FONT></TD></TR>")
        }
        let nodeStyle = isVisible(i) ? "rounded,filled" : "invis"
        if compact {
            // The same text in every frame; only the fill tells the state.
            // Plain text, not an HTML table: a fraction of the cost to measure and to draw.
            let label = "\(text.names[i])  \(node.op == .input ? writer.symbol(graph.inputNames[i]) : GraphFigure.opSymbol(node.op))"
            return DotNode(id: id, attributes: [DotAttribute("label", label), DotAttribute("id", text.ids[i]), DotAttribute("style", nodeStyle)] + compactNodeStyle(i, state))
        }
        if numbers {
            row("v", text.values[i], color: theme.text, shown: known)
            if showTangents { row("v\u{0307}", text.tangents[i], color: theme.tangent, shown: state.tangentDone[i]) }
            if showAdjoints { row("v\u{0304}", text.adjoints[i], color: theme.adjoint, shown: state.reverseDone[i]) }
        }
        let label = "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\">\(rows.joined())</TABLE>"
        var attributes = [DotAttribute.html("label", label), DotAttribute("id", text.ids[i]), DotAttribute("style", nodeStyle)]
        let fill: String
        if isCurrent { fill = theme.highlightFill }
        else if node.op == .input { fill = theme.inputFill }
        else if outputNames[i] != nil { fill = theme.outputFill }
        else { fill = theme.stepFill }
        attributes.append(DotAttribute("fillcolor", faded ? theme.background : fill))
        let backward = options.backwardPassStart.map { i >= $0 } ?? false
        attributes.append(DotAttribute("color", isCurrent ? theme.highlight : (faded ? theme.faded : (backward ? theme.adjoint : theme.border))))
        attributes.append(DotAttribute("penwidth", isCurrent ? "2.6" : (backward ? "1.8" : "1.2")))
        if outputNames[i] != nil { attributes.append(DotAttribute("peripheries", "2")) }
        return DotNode(id: id, attributes: attributes)
    }

    /// The edges: one per argument (both uses of `x*x` share one, as the trace does).
    private func edges(_ frame: Frame, edgeLabelNodes: [Int: String]) -> [DotEdge] {
        let state = frame.state
        var result: [DotEdge] = []
        // A labelled
        // edge runs through its label, a small node of its own: no other edge can strike the
        // label through, and no label can sit at an edge that is not its own.
        for (k, edge) in text.edges.enumerated() {
            let i = edge.node
            var attributes: [DotAttribute] = [DotAttribute("id", edge.id)]
            let shown = frame.isVisible(i)
            if edge.fromConstant {
                attributes += [DotAttribute("style", shown ? (options.shareConstants ? "dashed" : "solid") : "invis"), DotAttribute("arrowhead", "none")]
                // A copy sits beside its one user: a heavy edge keeps it there (dot would rank it with the inputs).
                if !options.shareConstants { attributes.append(DotAttribute("weight", "8")) }
            } else {
                attributes.append(DotAttribute("style", shown ? "solid" : "invis"))
                attributes.append(DotAttribute("arrowhead", "normal"))
            }
            // Every frame sets every edge's colour and width, so nothing lingers from the frame before.
            attributes += edgeStyle(edge, state)
            if let label = edgeLabelNodes[k] {
                var first = attributes.filter { $0.name != "id" && $0.name != "arrowhead" }
                first += [DotAttribute("id", edge.id + " (to its label)"), DotAttribute("arrowhead", "none")]
                result.append(DotEdge(tail: edge.tail, head: label, attributes: first))
                result.append(DotEdge(tail: label, head: edge.head, attributes: attributes))
            } else {
                result.append(DotEdge(tail: edge.tail, head: edge.head, attributes: attributes))
            }
        }

        return result
    }

    /// The statement boxes: one per named statement with more than one node of its own, in statement order.
    private func clusters(clusterOf: [String: Int], edgeLabelNodes: [Int: String]) -> [DotCluster] {
        let theme = options.theme, count = nodeCount
        var result: [DotCluster] = []
        if options.clusters, count < GraphFigure.layeredLayoutThreshold {
            var copiesByStatement: [Int: [String]] = [:]
            var statementOf: [Int: Int] = [:]
            for (index, statement) in graph.statements.enumerated() { for node in statement.nodes { statementOf[node] = index } }
            for (copy, user) in clusterOf.sorted(by: { $0.key < $1.key }) {
                if let s = statementOf[user] { copiesByStatement[s, default: []].append(copy) }
            }
            // A label on an edge inside a statement belongs in its box (else dot stacks the box's nodes on one rank).
            for (k, label) in edgeLabelNodes.sorted(by: { $0.key < $1.key }) {
                let edge = text.edges[k]
                if let s = statementOf[edge.node], statementOf[edge.argument] == s { copiesByStatement[s, default: []].append(label) }
            }
            for (index, statement) in graph.statements.enumerated() {
                guard let name = statement.name, !collapsed.contains(index), graph.statements.count > 1 else { continue }
                let members = statement.nodes.filter { !graph.isConstant($0) }.map { figureID($0) }
                guard members.count > 1 else { continue }
                let constants = options.shareConstants ? statement.nodes.filter { graph.isConstant($0) }.map { figureID($0) } : copiesByStatement[index] ?? []
                let backward = options.backwardPassStart.map { statement.root >= $0 } ?? false
                result.append(DotCluster(nodes: members + constants, attributes: [
                    DotAttribute("label", name), DotAttribute("style", "rounded,dashed"), DotAttribute("color", backward ? theme.adjoint : theme.clusterBorder),
                    DotAttribute("fontcolor", backward ? theme.adjoint : theme.mutedText), DotAttribute("labeljust", "l"), DotAttribute("labelloc", "t"),
                ]))
            }
        }

        return result
    }

    /// The figure's caption: its title, the legend, and the current step.
    private func caption(_ frame: Frame, stepCaption: Bool, reserveCaption: Bool) -> DotAttribute? {
        let theme = options.theme, state = frame.state, compact = frame.compact, small = frame.small
        let numbers = options.numbers, showTangents = frame.showTangents, showAdjoints = frame.showAdjoints
        var lines: [String] = []
        if let title = options.title { lines.append("<B>\(htmlEscaped(title))</B>") }
        if numbers {
            var legend = ["v value"]
            if compact {
                legend = [
                    "<FONT COLOR=\"\(theme.tangent)\">blue: computed by the forward sweep</FONT>",
                    "<FONT COLOR=\"\(theme.adjoint)\">orange: reached by the reverse sweep</FONT>",
                    "<FONT COLOR=\"\(theme.highlight)\">purple: this step</FONT>",
                ]
            } else if showTangents { legend.append("<FONT COLOR=\"\(theme.tangent)\">v\u{0307} tangent (\(htmlEscaped(trace.seedDescription)))</FONT>") }
            if showAdjoints { legend.append("<FONT COLOR=\"\(theme.adjoint)\">v\u{0304} adjoint (\(htmlEscaped(trace.outputSeedDescription)))</FONT>") }
            lines.append("<FONT POINT-SIZE=\"\(small)\" COLOR=\"\(theme.mutedText)\">\(legend.joined(separator: "   "))</FONT>")
        }
        if stepCaption {
            let caption = reserveCaption ? (steps.map(\.caption).max { $0.count < $1.count }.map { "step \(steps.count) of \(steps.count) · reverse sweep · " + $0 } ?? "") : (state.caption ?? "")
            lines.append("<FONT COLOR=\"\(theme.highlight)\">\(htmlEscaped(caption))</FONT>")
        }
        guard !lines.isEmpty else { return nil }
        return DotAttribute.html("label", "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\">" + lines.map { "<TR><TD ALIGN=\"LEFT\">\($0)</TD></TR>" }.joined() + "</TABLE>")
    }

    private func collapsedNode(_ s: Int, state: State, showTangents: Bool, showAdjoints: Bool) -> DotNode {
        let theme = options.theme
        let statement = graph.statements[s]
        let format = trace.options.numberFormat
        let root = statement.root
        let known = state.valueDone[root] || !options.numbers
        let color = known ? theme.text : theme.faded
        let visible = state.visible.map { v in statement.nodes.contains { v[$0] } } ?? true
        var rows = ["<TR><TD ALIGN=\"LEFT\" COLSPAN=\"2\"><FONT COLOR=\"\(color)\"><B>\(htmlEscaped(statement.name ?? "?"))</B>  <FONT COLOR=\"\(known ? theme.mutedText : theme.faded)\">\(statement.nodes.count) nodes folded</FONT></FONT></TD></TR>"]
        /// One number of the folded statement's root, as its own nodes would show it.
        func row(_ symbol: String, _ value: Double, color: String, shown: Bool) {
            let content = shown ? "\(symbol) = \(htmlEscaped(format.string(value)))" : " "
            rows.append("<TR><TD ALIGN=\"LEFT\" COLSPAN=\"2\"><FONT COLOR=\"\(color)\">\(content)</FONT></TD></TR>")
        }
        if options.numbers {
            row("v", trace.evaluation.values[root], color: theme.text, shown: state.valueDone[root])
            if showTangents, let t = trace.tangents { row("v\u{0307}", t[root], color: theme.tangent, shown: state.tangentDone[root]) }
            if showAdjoints, let a = trace.adjoints { row("v\u{0304}", a[root], color: theme.adjoint, shown: state.reverseDone[root]) }
        }
        let isCurrent = state.current.map { folding[$0] == s } ?? false
        return DotNode(id: "s\(s)", attributes: [
            DotAttribute.html("label", "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\">\(rows.joined())</TABLE>"),
            DotAttribute("id", statement.name ?? "s\(s)"), DotAttribute("style", visible ? "rounded,filled,bold" : "invis"),
            DotAttribute("fillcolor", isCurrent ? theme.highlightFill : (known ? theme.stepFill : theme.background)),
            DotAttribute("color", isCurrent ? theme.highlight : (known ? theme.border : theme.faded)),
            DotAttribute("penwidth", isCurrent ? "2.6" : "1.6"),
        ])
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

    private func fmt(_ x: Double) -> String {
        guard x.isFinite, Swift.abs(x) < 1e9 else { return "12" }
        return x == x.rounded() ? String(Int(x)) : String(format: "%.2f", x)
    }
}
