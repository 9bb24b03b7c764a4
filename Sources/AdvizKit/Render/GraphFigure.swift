import Foundation
import GraphvizKit

/// How a figure looks: what it shows, its direction, its theme and fonts.
public struct FigureOptions: Sendable, Equatable {
    /// Which numbers the nodes show.
    public enum Show: String, Sendable, CaseIterable {
        case values, tangents, adjoints, all
    }

    /// What the edges say: the local partial, the adjoint flowing back along it, or both.
    public enum EdgeLabels: String, Sendable, CaseIterable {
        /// Partials, plus the flow when adjoints are shown; none on big graphs.
        case auto
        case none, partials, flow, all
    }

    /// Which numbers the nodes show (default all).
    public var show: Show = .all
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
    /// Resolution of PNG output.
    public var dpi: Double = 144
    /// Draw each named statement of a program as a box with its name.
    public var clusters: Bool = true
    /// Statements to fold into one node each.
    public var collapse: [String] = []
    /// Above this many nodes, named statements are folded automatically.
    public var maxNodes: Int = 120
    /// A heading for the figure; nil leaves it out.
    public var title: String?

    /// Default options.
    public init() {}
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

    /// The strings of a figure, computed once so that each frame only assembles them.
    struct FigureText {
        var names: [String] = []
        var bars: [String] = []
        var values: [String] = []
        var tangents: [String] = []
        var adjoints: [String] = []
        var edges: [FigureEdge] = []
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
        steps = GraphFigure.timeline(trace, show: options.show)

        var requested = Set<Int>()
        for name in options.collapse {
            guard let index = graph.statements.firstIndex(where: { $0.name == name }) else {
                let names = graph.statements.compactMap(\.name)
                throw .usage("--collapse `\(name)` is not a statement; the named statements are \(names.isEmpty ? "none" : names.map { "`\($0)`" }.joined(separator: ", "))")
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
        text = makeText()
        if count >= GraphFigure.layeredLayoutThreshold {
            notes.append("\(count) nodes: placed by adviz's layered layout (straight edges, no statement boxes), which takes a second where dot would take a minute")
        }
        if effectiveEdgeLabels(nodeCount: count) == .none, options.edgeLabels == .auto, count > GraphFigure.edgeLabelLimit {
            notes.append("edge labels left out: \(count) nodes is more than \(GraphFigure.edgeLabelLimit) (ask for them with --edge-labels partials)")
        }
    }

    /// The most figure nodes adviz draws: past this a picture is neither readable nor quick.
    public static let drawableLimit = 20_000

    /// Above this many nodes, edge labels are off unless asked for.
    public static let edgeLabelLimit = 60

    /// The steps: each input and step forward, then each back in reverse (as the mode shows them).
    static func timeline(_ trace: Trace, show: FigureOptions.Show) -> [FigureStep] {
        let format = trace.options.numberFormat
        var steps: [FigureStep] = []
        let primal = trace.primalRows()
        let tangents = Dictionary(uniqueKeysWithValues: trace.tangentRows().map { ($0.node, $0) })
        let showTangents = (show == .tangents || show == .all) && trace.tangents != nil
        for row in primal {
            var caption = "\(row.label) = \(row.definition)"
            if !row.substituted.isEmpty, row.substituted != row.definition { caption += " = \(row.substituted)" }
            caption += " = \(format.string(row.value))"
            if showTangents, let t = tangents[row.node] {
                caption += ";  \(t.label) = \(t.definition)"
                if !t.substituted.isEmpty, t.substituted != t.definition { caption += " = \(t.substituted)" }
                caption += " = \(format.string(t.value))"
            }
            steps.append(FigureStep(phase: .forward, node: row.node, caption: caption))
        }
        if (show == .adjoints || show == .all), trace.adjoints != nil {
            for row in trace.adjointRows() {
                var caption = "\(row.label) = \(row.definition)"
                if !row.substituted.isEmpty { caption += " = \(row.substituted)" }
                caption += " = \(format.string(row.value))"
                steps.append(FigureStep(phase: .reverse, node: row.node, caption: caption))
            }
        }
        return steps
    }

    // MARK: State at a step

    /// What is known after `step` steps (nil: everything, the finished figure).
    struct State {
        var forwardDone: [Bool]
        var reverseDone: [Bool]
        var current: Int?
        var caption: String?
        var phase: FigureStep.Phase?
    }

    func state(after requested: Int?) -> State {
        let n = graph.nodes.count
        guard let requested else {
            return State(forwardDone: Array(repeating: true, count: n), reverseDone: Array(repeating: trace.adjoints != nil, count: n), current: nil)
        }
        let step = Swift.max(0, Swift.min(requested, steps.count))
        var state = State(forwardDone: Array(repeating: false, count: n), reverseDone: Array(repeating: false, count: n), current: nil)
        for i in graph.nodes.indices where graph.isConstant(i) { state.forwardDone[i] = true }
        for s in steps.prefix(step) {
            switch s.phase {
            case .forward: state.forwardDone[s.node] = true
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

    // MARK: Styles of a compact frame

    /// A compact node's fill, border colour and width: the sweep's progress at a glance.
    func compactNodeStyle(_ i: Int, _ state: State) -> [DotAttribute] {
        let theme = options.theme
        let known = state.forwardDone[i]
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
        if state.current == i {
            return [DotAttribute("color", state.phase == .reverse ? theme.adjoint : theme.highlight), DotAttribute("penwidth", "2.2")]
        } else if edge.fromConstant || !state.forwardDone[i] {
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

    private func effectiveEdgeLabels(nodeCount: Int) -> FigureOptions.EdgeLabels {
        switch options.edgeLabels {
        case .auto:
            if nodeCount > GraphFigure.edgeLabelLimit { return .none }
            return (options.show == .adjoints || options.show == .all) && trace.adjoints != nil ? .all : .partials
        default: return options.edgeLabels
        }
    }

    private func makeText() -> FigureText {
        let writer = TraceWriter(trace: trace, style: .text)
        let format = trace.options.numberFormat
        var t = FigureText()
        let n = graph.nodes.count
        t.names.reserveCapacity(n)
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
                let tail = figureID(j), head = figureID(i)
                // One edge per pair of drawn nodes: folded statements would otherwise draw parallel edges.
                guard tail != head, seen.insert("\(tail)>\(head)").inserted else { continue }
                let name = "∂\(t.names[i])/∂\(t.names[j])"
                var partial = name, flow = ""
                if !graph.isConstant(j) {
                    let formula = writer.render(writer.totalPartialFormula(i, j), node: i, byValue: false)
                    let value = writer.totalPartialValue(i, j)
                    let valueText = format.string(value)
                    partial = formula == valueText ? "\(name) = \(valueText)" : "\(name) = \(formula) = \(valueText)"
                    if let adjoints = trace.adjoints { flow = "\(t.bars[i])·∂ = \(format.string(adjoints[i] * value))" }
                }
                t.edges.append(FigureEdge(
                    tail: tail, head: head, argument: j, node: i, id: "\(t.names[j])->\(t.names[i])",
                    fromConstant: graph.isConstant(j), folded: folding[i] != nil || folding[j] != nil,
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
    public func description(afterStep step: Int? = nil, reserveCaption: Bool = false, compact: Bool = false) -> DotGraph {
        let theme = options.theme
        let state = state(after: step)
        let writer = TraceWriter(trace: trace, style: .text)
        let count = nodeCount
        let edgeLabels = effectiveEdgeLabels(nodeCount: count)
        let showValues = true
        let showTangents = (options.show == .tangents || options.show == .all) && trace.tangents != nil
        let showAdjoints = (options.show == .adjoints || options.show == .all) && trace.adjoints != nil
        let outputNames = Dictionary(graph.outputs.map { ($0.node, $0.name) }, uniquingKeysWith: { "\($0), \($1)" })
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
        ]

        // Nodes.
        var emitted = Set<String>()
        for i in graph.nodes.indices {
            let id = figureID(i)
            guard emitted.insert(id).inserted else { continue }
            if let s = folding[i] {
                d.nodes.append(collapsedNode(s, state: state, showTangents: showTangents, showAdjoints: showAdjoints))
                continue
            }
            let node = graph.nodes[i]
            if node.op == .constant {
                d.nodes.append(DotNode(id: id, attributes: [
                    DotAttribute("label", text.names[i]), DotAttribute("shape", "plaintext"), DotAttribute("style", ""),
                    DotAttribute("fontcolor", theme.constantText), DotAttribute("fontsize", small), DotAttribute("id", "c\(i)"),
                ]))
                continue
            }
            let known = state.forwardDone[i]
            let isCurrent = state.current == i
            let faded = !known
            let textColor = faded ? theme.faded : theme.text
            var rows: [String] = []
            // Header: the node's name and what it does.
            var header = "<B>\(htmlEscaped(text.names[i]))</B>"
            let what: String
            switch node.op {
            case .input: what = writer.symbol(graph.inputNames[i])
            default: what = GraphFigure.opSymbol(node.op)
            }
            header += "  <FONT COLOR=\"\(faded ? theme.faded : theme.mutedText)\">\(htmlEscaped(what))</FONT>"
            if let name = outputNames[i] { header += "  <FONT COLOR=\"\(faded ? theme.faded : theme.mutedText)\">→ \(htmlEscaped(writer.symbol(name)))</FONT>" }
            else if let name = graph.statementNames[i] { header += "  <FONT COLOR=\"\(faded ? theme.faded : theme.mutedText)\">(\(htmlEscaped(name)))</FONT>" }
            rows.append("<TR><TD ALIGN=\"LEFT\"><FONT COLOR=\"\(textColor)\">\(header)</FONT></TD></TR>")
            func row(_ symbol: String, _ value: String, color: String, shown: Bool) {
                let number = shown ? htmlEscaped(value) : " "
                rows.append("<TR><TD ALIGN=\"LEFT\"><FONT COLOR=\"\(faded ? theme.faded : color)\">\(htmlEscaped(symbol)) = \(number)</FONT></TD></TR>")
            }
            if compact {
                // The same text in every frame; only the fill tells the state.
                // Plain text, not an HTML table: a fraction of the cost to measure and to draw.
                let label = "\(text.names[i])  \(node.op == .input ? writer.symbol(graph.inputNames[i]) : GraphFigure.opSymbol(node.op))"
                d.nodes.append(DotNode(id: id, attributes: [DotAttribute("label", label), DotAttribute("id", text.names[i])] + compactNodeStyle(i, state)))
                continue
            }
            if showValues { row("v", text.values[i], color: theme.text, shown: known) }
            if showTangents { row("v\u{0307}", text.tangents[i], color: theme.tangent, shown: known) }
            if showAdjoints { row("v\u{0304}", text.adjoints[i], color: theme.adjoint, shown: state.reverseDone[i]) }
            let label = "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\">\(rows.joined())</TABLE>"
            var attributes = [DotAttribute.html("label", label), DotAttribute("id", text.names[i])]
            let fill: String
            if isCurrent { fill = theme.highlightFill }
            else if node.op == .input { fill = theme.inputFill }
            else if outputNames[i] != nil { fill = theme.outputFill }
            else { fill = theme.stepFill }
            attributes.append(DotAttribute("fillcolor", faded ? theme.background : fill))
            attributes.append(DotAttribute("color", isCurrent ? theme.highlight : (faded ? theme.faded : theme.border)))
            attributes.append(DotAttribute("penwidth", isCurrent ? "2.6" : "1.2"))
            if outputNames[i] != nil { attributes.append(DotAttribute("peripheries", "2")) }
            d.nodes.append(DotNode(id: id, attributes: attributes))
        }

        // Edges: one per argument (both uses of `x*x` share one, as the trace does).
        for edge in text.edges {
            let i = edge.node
            var attributes: [DotAttribute] = [DotAttribute("id", edge.id)]
            if edge.fromConstant {
                attributes += [DotAttribute("style", "dashed"), DotAttribute("arrowhead", "none")]
            } else if !edge.folded, edgeLabels != .none {
                let known = state.forwardDone[i]
                var lines: [String] = []
                if edgeLabels == .partials || edgeLabels == .all {
                    lines.append("<FONT COLOR=\"\(known ? theme.mutedText : theme.faded)\">\(htmlEscaped(known ? edge.partial : edge.partialName))</FONT>")
                }
                if edgeLabels == .flow || edgeLabels == .all, !edge.flow.isEmpty {
                    // The same text in every frame (its room is reserved), shown once the adjoint has flowed.
                    lines.append("<FONT COLOR=\"\(state.reverseDone[i] ? theme.adjoint : theme.background)\">\(htmlEscaped(edge.flow))</FONT>")
                }
                if !lines.isEmpty {
                    attributes.append(DotAttribute.html("label", "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"0\">" + lines.map { "<TR><TD>\($0)</TD></TR>" }.joined() + "</TABLE>"))
                }
            }
            // Every frame sets every edge's colour and width, so nothing lingers from the frame before.
            attributes += edgeStyle(edge, state)
            d.edges.append(DotEdge(tail: edge.tail, head: edge.head, attributes: attributes))
        }

        // Clusters: one per named statement with more than one node of its own.
        if options.clusters, count < GraphFigure.layeredLayoutThreshold {
            for (index, statement) in graph.statements.enumerated() {
                guard let name = statement.name, !collapsed.contains(index), graph.statements.count > 1 else { continue }
                let members = statement.nodes.filter { !graph.isConstant($0) }.map { figureID($0) }
                guard members.count > 1 else { continue }
                d.clusters.append(DotCluster(nodes: members + statement.nodes.filter { graph.isConstant($0) }.map { figureID($0) }, attributes: [
                    DotAttribute("label", name), DotAttribute("style", "rounded,dashed"), DotAttribute("color", theme.clusterBorder),
                    DotAttribute("fontcolor", theme.mutedText), DotAttribute("labeljust", "l"), DotAttribute("labelloc", "t"),
                ]))
            }
        }

        // The caption: title, legend, and the current step.
        var lines: [String] = []
        if let title = options.title { lines.append("<B>\(htmlEscaped(title))</B>") }
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
        if !compact, step != nil || reserveCaption {
            let caption = reserveCaption ? (steps.map(\.caption).max { $0.count < $1.count }.map { "step \(steps.count) of \(steps.count) · reverse sweep · " + $0 } ?? "") : (state.caption ?? "")
            lines.append("<FONT COLOR=\"\(theme.highlight)\">\(htmlEscaped(caption))</FONT>")
        }
        d.graphAttributes.append(DotAttribute.html("label", "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\">" + lines.map { "<TR><TD ALIGN=\"LEFT\">\($0)</TD></TR>" }.joined() + "</TABLE>"))
        return d
    }

    private func collapsedNode(_ s: Int, state: State, showTangents: Bool, showAdjoints: Bool) -> DotNode {
        let theme = options.theme
        let statement = graph.statements[s]
        let format = trace.options.numberFormat
        let root = statement.root
        let known = state.forwardDone[root]
        let color = known ? theme.text : theme.faded
        var rows = ["<TR><TD ALIGN=\"LEFT\" COLSPAN=\"2\"><FONT COLOR=\"\(color)\"><B>\(htmlEscaped(statement.name ?? "?"))</B>  <FONT COLOR=\"\(known ? theme.mutedText : theme.faded)\">\(statement.nodes.count) nodes folded</FONT></FONT></TD></TR>"]
        rows.append("<TR><TD ALIGN=\"LEFT\"><FONT COLOR=\"\(color)\">v =</FONT></TD><TD ALIGN=\"RIGHT\"><FONT COLOR=\"\(color)\">\(known ? htmlEscaped(format.string(trace.evaluation.values[root])) : " ")</FONT></TD></TR>")
        if showTangents, let t = trace.tangents {
            rows.append("<TR><TD ALIGN=\"LEFT\"><FONT COLOR=\"\(known ? theme.tangent : theme.faded)\">v\u{0307} =</FONT></TD><TD ALIGN=\"RIGHT\"><FONT COLOR=\"\(known ? theme.tangent : theme.faded)\">\(known ? htmlEscaped(format.string(t[root])) : " ")</FONT></TD></TR>")
        }
        if showAdjoints, let a = trace.adjoints {
            let done = state.reverseDone[root]
            rows.append("<TR><TD ALIGN=\"LEFT\"><FONT COLOR=\"\(known ? theme.adjoint : theme.faded)\">v\u{0304} =</FONT></TD><TD ALIGN=\"RIGHT\"><FONT COLOR=\"\(theme.adjoint)\">\(done ? htmlEscaped(format.string(a[root])) : " ")</FONT></TD></TR>")
        }
        let isCurrent = state.current.map { folding[$0] == s } ?? false
        return DotNode(id: "s\(s)", attributes: [
            DotAttribute.html("label", "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\">\(rows.joined())</TABLE>"),
            DotAttribute("id", statement.name ?? "s\(s)"), DotAttribute("style", "rounded,filled,bold"),
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

/// Text made safe for a Graphviz HTML-like label.
func htmlEscaped(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.count)
    for c in text {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.append(c)
        }
    }
    return out
}

extension Trace {
    /// `ẋ1 = 1, ẋ2 = 0`: the tangent sweep's seed.
    public var seedDescription: String {
        let writer = TraceWriter(trace: self, style: .text)
        let pairs = zip(graph.inputNames, seed).map { (writer.symbol($0, accent: .dot), $1) }
        // With many inputs, name only the ones the direction moves.
        if pairs.count > 4 {
            let moving = pairs.filter { $0.1 != 0 }
            if moving.count < pairs.count {
                return moving.map { "\($0.0) = \(options.numberFormat.string($0.1))" }.joined(separator: ", ") + (moving.isEmpty ? "all 0" : ", the others 0")
            }
        }
        return pairs.map { "\($0.0) = \(options.numberFormat.string($0.1))" }.joined(separator: ", ")
    }

    /// `ȳ = 1`: the adjoint sweep's seed.
    public var outputSeedDescription: String {
        let writer = TraceWriter(trace: self, style: .text)
        return zip(graph.outputs, outputSeed).map { "\(writer.outputSeedSymbol($0.name)) = \(options.numberFormat.string($1))" }.joined(separator: ", ")
    }
}
