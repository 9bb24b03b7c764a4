import Foundation
import GraphvizKit
import AdvizCore

/// The Graphviz description of a frame: defaults, nodes, edges, statement boxes, caption.
extension GraphFigure {
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
        // Only what is in focus carries a class (`.dot` files stay as they were); frames drawn on
        // the one layout clear the others' (``FigureRenderer``).
        for k in d.nodes.indices { d.nodes[k].attributes.removeAll { $0.name == "class" && $0.value.isEmpty } }
        for k in d.edges.indices { d.edges[k].attributes.removeAll { $0.name == "class" && $0.value.isEmpty } }
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
        for i in graph.nodes.indices where !hidden.contains(i) {
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
            // The same text in every frame (its room is reserved), shown from the step that adds
            // it into the argument's adjoint: before that step the sum it belongs to is not computed.
            let flowed = state.reverseDone[edge.argument] && !state.withheld.contains(edge.argument)
            lines.append("<FONT COLOR=\"\(flowed ? theme.adjoint : theme.background)\">\(htmlEscaped(edge.flow))</FONT>")
        }
        guard !lines.isEmpty else { return nil }
        return DotNode(id: "e\(k)", attributes: [
            DotAttribute.html("label", "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"0\">" + lines.map { "<TR><TD>\($0)</TD></TR>" }.joined() + "</TABLE>"),
            DotAttribute("shape", "plaintext"), DotAttribute("style", frame.isVisible(i) ? "" : "invis"), DotAttribute("margin", "0.03,0.01"),
            DotAttribute("width", "0"), DotAttribute("height", "0"), DotAttribute("fontsize", frame.small), DotAttribute("id", edge.id + " label"),
            DotAttribute("class", state.focusEdges.contains(k) ? "focus" : ""),
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
        let isCurrent = state.current == i, named = state.focusNodes.contains(i)
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
            if let name = outputNames[i] { header += "  <FONT COLOR=\"\(muted)\">→ \(htmlEscaped(outputLabel(name, writer)))</FONT>" }
            else if let name = graph.statementNames[i] { header += "  <FONT COLOR=\"\(muted)\">(\(htmlEscaped(name.subscriptingNodeNames)))</FONT>" }
        }
        rows.append("<TR><TD ALIGN=\"LEFT\"><FONT COLOR=\"\(textColor)\">\(header)</FONT></TD></TR>")
        if let guarded = guardedUsers[i] {
            // A NaN guard `+ 0·sign(v)` left out of the drawing, said in words.
            rows.append("<TR><TD ALIGN=\"LEFT\"><FONT COLOR=\"\(muted)\" POINT-SIZE=\"\(frame.small)\">NaN where \(htmlEscaped(text.names[guarded])) is NaN</FONT></TD></TR>")
        }
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
        var attributes = [
            DotAttribute.html("label", label), DotAttribute("id", text.ids[i]), DotAttribute("style", nodeStyle),
            DotAttribute("class", isCurrent ? "focus step" : named ? "focus" : ""),
        ]
        let fill: String
        if isCurrent { fill = theme.highlightFill }
        else if node.op == .input { fill = theme.inputFill }
        else if outputNames[i] != nil { fill = theme.outputFill }
        else { fill = theme.stepFill }
        attributes.append(DotAttribute("fillcolor", faded ? theme.background : fill))
        let backward = options.backwardPassStart.map { i >= $0 } ?? false
        // The step's node and the nodes its formula names: its operands (forward) or consumers (reverse).
        let namedColor = state.phase == .reverse && !isCurrent ? theme.adjoint : theme.highlight
        attributes.append(DotAttribute("color", named ? namedColor : (faded ? theme.faded : (backward ? theme.adjoint : theme.border))))
        attributes.append(DotAttribute("penwidth", isCurrent ? "2.6" : (named ? "2.2" : (backward ? "1.8" : "1.2"))))
        if outputNames[i] != nil { attributes.append(DotAttribute("peripheries", "2")) }
        return DotNode(id: id, attributes: attributes)
    }

    /// An output's name as the figure writes it: a gradient graph's `dy/dx1` as `∂y/∂x₁`.
    private func outputLabel(_ name: String, _ writer: TraceWriter) -> String {
        let sub = { (part: Substring) in MathName.symbol(String(part), accent: .none, style: .text, subscripted: true) }
        if options.backwardPassStart != nil, name.hasPrefix("d"), let slash = name.firstIndex(of: "/"), name[name.index(after: slash)...].hasPrefix("d") {
            return "∂\(sub(name[name.index(after: name.startIndex)..<slash]))/∂\(sub(name[name.index(slash, offsetBy: 2)...]))"
        }
        return writer.symbol(name)
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
            var attributes: [DotAttribute] = [DotAttribute("id", edge.id), DotAttribute("class", state.focusEdges.contains(k) ? "focus" : "")]
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
            attributes += edgeStyle(k, state)
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
        let theme = options.theme
        var result: [DotCluster] = []
        if options.clusters, !usesLayeredLayout {
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
            // Statements grouped by a label (a Python call or iteration) share one box, in order of first appearance.
            var groupMembers: [String: [String]] = [:]
            var groupOrder: [String] = []
            for (index, statement) in graph.statements.enumerated() {
                let group = options.statementGroups.indices.contains(index) ? options.statementGroups[index] : nil
                if let group {
                    var seen = Set(groupMembers[group] ?? [])
                    let ids = statement.nodes.filter { !graph.isConstant($0) || options.shareConstants }.map { figureID($0) } + (copiesByStatement[index] ?? [])
                    if groupMembers[group] == nil { groupOrder.append(group) }
                    groupMembers[group, default: []] += ids.filter { seen.insert($0).inserted }
                    continue
                }
                guard let name = statement.name, !collapsed.contains(index), graph.statements.count > 1 else { continue }
                let members = statement.nodes.filter { !graph.isConstant($0) }.map { figureID($0) }
                guard members.count > 1 else { continue }
                let constants = options.shareConstants ? statement.nodes.filter { graph.isConstant($0) }.map { figureID($0) } : copiesByStatement[index] ?? []
                let backward = options.backwardPassStart.map { statement.root >= $0 } ?? false
                result.append(DotCluster(nodes: members + constants, attributes: [
                    DotAttribute("label", name.subscriptingNodeNames), DotAttribute("style", "rounded,dashed"), DotAttribute("color", backward ? theme.adjoint : theme.clusterBorder),
                    DotAttribute("fontcolor", backward ? theme.adjoint : theme.mutedText), DotAttribute("labeljust", "l"), DotAttribute("labelloc", "t"),
                ]))
            }
            for group in groupOrder {
                guard let members = groupMembers[group], !members.isEmpty else { continue }
                result.append(DotCluster(nodes: members, attributes: [
                    DotAttribute("label", group), DotAttribute("style", "rounded,dashed"), DotAttribute("color", theme.clusterBorder),
                    DotAttribute("fontcolor", theme.mutedText), DotAttribute("labeljust", "l"), DotAttribute("labelloc", "t"),
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
            if options.backwardPassStart != nil {
                // A gradient graph: what its two parts are, and what its outputs are.
                let outputs = [graph.outputs.first.map { MathName.symbol($0.name, accent: .none, style: .text, subscripted: true) } ?? "y"]
                    + graph.outputs.dropFirst().map { outputLabel($0.name, frame.writer) }
                lines.append("<FONT POINT-SIZE=\"\(small)\" COLOR=\"\(theme.adjoint)\">orange: the backward pass, each adjoint v\u{0304} a node of its own (f's nodes in black)</FONT>")
                lines.append("<FONT POINT-SIZE=\"\(small)\" COLOR=\"\(theme.mutedText)\">outputs: \(htmlEscaped(outputs.joined(separator: ", ")))</FONT>")
            }
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
        var rows = ["<TR><TD ALIGN=\"LEFT\" COLSPAN=\"2\"><FONT COLOR=\"\(color)\"><B>\(htmlEscaped(statement.name ?? "?"))</B>  <FONT COLOR=\"\(known ? theme.mutedText : theme.faded)\">\(statement.nodes.count) node\(statement.nodes.count == 1 ? "" : "s") folded</FONT></FONT></TD></TR>"]
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
        let named = state.focusNodes.contains { folding[$0] == s }
        return DotNode(id: "s\(s)", attributes: [
            DotAttribute("class", isCurrent ? "focus step" : named ? "focus" : ""),
            DotAttribute.html("label", "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\">\(rows.joined())</TABLE>"),
            DotAttribute("id", statement.name ?? "s\(s)"), DotAttribute("style", visible ? "rounded,filled,bold" : "invis"),
            DotAttribute("fillcolor", isCurrent ? theme.highlightFill : (known ? theme.stepFill : theme.background)),
            DotAttribute("color", named ? theme.highlight : (known ? theme.border : theme.faded)),
            DotAttribute("penwidth", isCurrent ? "2.6" : (named ? "2.2" : "1.6")),
        ])
    }

    private func fmt(_ x: Double) -> String {
        guard x.isFinite, Swift.abs(x) < 1e9 else { return "12" }
        return x == x.rounded() ? String(Int(x)) : String(format: "%.2f", x)
    }
}
