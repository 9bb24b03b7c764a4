import GraphvizKit
import AdvizCore

/// What a frame knows after a step or at a lesson's progress, and the styles of a compact frame.
extension GraphFigure {
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
        /// The tape nodes the current step's formula names (``GraphFigure/focus(of:phase:)``).
        var focusNodes: Set<Int> = []
        /// The edges (indices into the figure's edges) the current step's formula names.
        var focusEdges: Set<Int> = []
    }

    /// What the step computing `node` in `phase` names, and so what the figure highlights.
    ///
    /// A forward step vᵢ = op(vⱼ, …) (and its tangent v̇ᵢ = Σ v̇ⱼ·∂vᵢ/∂vⱼ) names vᵢ, its
    /// arguments and the edges vⱼ → vᵢ; a reverse step v̄ⱼ = Σ v̄_c·∂v_c/∂vⱼ names vⱼ, its
    /// consumers and the edges vⱼ → v_c along which their adjoints flow back. Constants are no
    /// terms of either sum: their edges are not named.
    func focus(of node: Int, phase: FigureStep.Phase) -> (nodes: Set<Int>, edges: Set<Int>) {
        var nodes: Set<Int> = [node], edges: Set<Int> = []
        if phase == .forward {
            for k in text.edgesInto[node] ?? [] where !text.edges[k].fromConstant {
                edges.insert(k)
                nodes.insert(text.edges[k].argument)
            }
        } else {
            for k in text.edgesOutOf[node] ?? [] {
                edges.insert(k)
                nodes.insert(text.edges[k].node)
            }
        }
        return (nodes, edges)
    }

    /// `state` with the focus of its current step set.
    private func focused(_ state: State) -> State {
        guard let current = state.current else { return state }
        var state = state
        (state.focusNodes, state.focusEdges) = focus(of: current, phase: state.phase ?? .forward)
        return state
    }

    func state(after requested: Int?) -> State {
        let n = graph.nodes.count
        guard let requested else {
            return State(
                valueDone: Array(repeating: true, count: n), tangentDone: Array(repeating: true, count: n),
                reverseDone: Array(repeating: trace.adjoints != nil, count: n), current: nil)
        }
        return focused(stepState(requested, n))
    }

    private func stepState(_ requested: Int, _ n: Int) -> State {
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
        if trace.tangents != nil { for node in tangentOrder.prefix(Swift.max(0, progress.tangents)) { state.tangentDone[node] = true } }
        for node in adjointOrder.prefix(Swift.max(0, progress.adjoints)) { state.reverseDone[node] = true }
        switch progress.sweep {
        case .primal?: if progress.values > 0 { state.current = primalOrder[Swift.min(progress.values, primalOrder.count) - 1] }
        case .tangent?: if progress.tangents > 0, !tangentOrder.isEmpty { state.current = tangentOrder[Swift.min(progress.tangents, tangentOrder.count) - 1] }
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
            // While the graph is built, the node just added is the step: its arguments lead into it.
            state.phase = .forward
        }
        return focused(state)
    }

    // MARK: Styles of a compact frame

    /// A compact node's fill, border colour and width: the sweep's progress at a glance.
    func compactNodeStyle(_ i: Int, _ state: State) -> [DotAttribute] {
        let theme = options.theme
        let known = state.valueDone[i]
        let isCurrent = state.current == i, named = state.focusNodes.contains(i)
        let fill = isCurrent ? theme.highlightFill : state.reverseDone[i] ? theme.outputFill : known ? theme.inputFill : theme.background
        return [
            DotAttribute("fillcolor", fill), DotAttribute("color", named ? theme.highlight : (known ? theme.border : theme.faded)),
            DotAttribute("penwidth", isCurrent ? "2.6" : (named ? "2.2" : "1.2")),
        ]
    }

    /// Edge `k`'s colour and width at a step: the edges the step's formula names in the sweep's colour.
    func edgeStyle(_ k: Int, _ state: State) -> [DotAttribute] {
        let theme = options.theme
        let edge = text.edges[k]
        let i = edge.node
        if state.focusEdges.contains(k) {
            return [DotAttribute("color", state.phase == .reverse ? theme.adjoint : theme.highlight), DotAttribute("penwidth", "2.4")]
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
        return (nodes, text.edges.indices.map { (text.edges[$0].id, edgeStyle($0, state)) })
    }
}
