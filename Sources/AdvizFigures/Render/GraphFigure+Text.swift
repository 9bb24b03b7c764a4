import Foundation
import GraphvizKit
import AdvizCore

/// The figure's ids, and the strings that do not change between frames (names, values, edge
/// labels), written once.
extension GraphFigure {
    // MARK: Ids and the text written once

    /// The id of the figure node that shows tape node `i` (its statement's, when folded).
    func figureID(_ i: Int) -> String {
        if let s = folding[i] { return "s\(s)" }
        return "n\(i)"
    }

    /// The id of the copy of constant `c` drawn beside its user `user`.
    func constantCopyID(_ c: Int, user: Int) -> String { "k\(c)u\(user)" }

    func effectiveEdgeLabels(nodeCount: Int) -> FigureOptions.EdgeLabels {
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

    func makeText() -> FigureText {
        let writer = TraceWriter(trace: trace, style: .text, caching: true)
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
        for i in 0..<n where graph.nodes[i].op.arity > 0 && !hidden.contains(i) {
            var argumentsSeen = Set<Int>()
            for j in graph.nodes[i].arguments where !hidden.contains(j) && argumentsSeen.insert(j).inserted {
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
                if !isConstant { t.edgesOutOf[j, default: []].append(t.edges.count) }
                t.edges.append(FigureEdge(
                    tail: tail, head: head, argument: j, node: i, id: edgeID,
                    fromConstant: isConstant, folded: folding[i] != nil || folding[j] != nil,
                    partialName: name, partial: partial, flow: flow))
            }
        }
        return t
    }
}
