import Foundation
import GraphvizKit
import AdvizCore

/// The file formats of a figure.
public enum FigureFormat: String, Sendable, CaseIterable {
    case svg, png, pdf, dot
    /// A `tikzpicture` for LaTeX (``TikZFigure``), from Graphviz's layout.
    case tikz

    /// The format a file name asks for by its extension, if any.
    public static func from(path: String) -> FigureFormat? {
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        return ext == "tex" ? .tikz : FigureFormat(rawValue: ext)
    }

    /// The file extension the format writes.
    public var fileExtension: String { self == .tikz ? "tex" : rawValue }
}

/// Draws figures through Graphviz: lays the graph out once, then renders the finished figure
/// or any step of the step-through from that one layout.
///
/// Every frame reuses the first layout: positions, node sizes and edge routes are pinned after
/// it, so nodes never jump between frames and a frame costs a fraction of the first layout.
///
/// A renderer belongs to one thread at a time (it is not `Sendable`); Graphviz itself is
/// serialised by GraphvizKit's lock, so renderers on different threads are safe.
public final class FigureRenderer {
    /// The figure drawn.
    public let figure: GraphFigure
    private let drawing: GraphvizDrawing
    private var pinned = false
    /// Frames of a big graph change only styles (``GraphFigure/description(afterStep:reserveCaption:compact:)``):
    /// no new layout per frame.
    private let compactFrames: Bool
    /// The styles last set on each node and edge, so a frame sets only what changed.
    private var lastNodeStyles: [String: [DotAttribute]] = [:]
    private var lastEdgeStyles: [Int: [DotAttribute]] = [:]
    /// The first compact SVG frame, indexed for restyling (later frames are edits of it).
    private var restyler: SVGRestyler?
    /// Whether frames draw their step's caption (pages that print it under the figure leave it out).
    private let captionInFigure: Bool
    /// Graph attributes the layout chose (the direction and spread of `--fit`, dot's effort that
    /// keeps the statements' boxes in order), written into `.dot` output so that it lays out alike.
    private var chosenAttributes: [DotAttribute] = []
    /// The laid-out nodes and edges, to tell whether another figure can be drawn on this layout.
    private let layoutNodeIDs: [String]
    private let layoutEdges: [String]
    /// Whether nodes may grow past their pinned size (once another point's figure is drawn here).
    private var growing = false

    /// Lays `figure` out. With `forFrames`, the layout reserves room for every step's caption,
    /// unless `captionInFigure` is false (players and slideshows write the caption as text).
    public init(_ figure: GraphFigure, forFrames: Bool = false, captionInFigure: Bool = true) throws(AdvizError) {
        self.figure = figure
        self.captionInFigure = captionInFigure
        compactFrames = forFrames && figure.usesLayeredLayout
        var description = figure.description(afterStep: nil, reserveCaption: forFrames && captionInFigure, compact: compactFrames, caption: captionInFigure)
        layoutNodeIDs = description.nodes.map(\.id)
        layoutEdges = description.edges.map { "\($0.tail)>\($0.head)" }
        do {
            if figure.usesLayeredLayout {
                // Graphviz measures the labels (nop2 with every node at the origin), adviz places
                // the nodes, and Graphviz routes straight edges between them.
                for k in description.nodes.indices { description.nodes[k].attributes.append(DotAttribute("pos", "0,0")) }
                drawing = try GraphvizDrawing(description, engine: "nop2")
                let centers = LayeredLayout.place(
                    nodes: description.nodes.map(\.id), sizes: drawing.nodeSizes(),
                    edges: description.edges.map { ($0.tail, $0.head) }, rankdir: figure.options.rankdir)
                try drawing.place(centers)
            } else if let aspect = figure.options.fit {
                (drawing, chosenAttributes) = try FigureRenderer.fitted(description, aspect: aspect, spread: figure.options.spread)
            } else {
                (drawing, chosenAttributes) = try FigureRenderer.inStatementOrder(description)
            }
        } catch {
            throw .cannotWrite("Graphviz could not lay the graph out: \(error)")
        }
    }

    /// `description` laid out to fill a page of `aspect` (width / height): laid out left to right
    /// and top to bottom, the direction whose drawing comes out larger on the page is kept (its
    /// text reads larger), and dot spreads it to the page's aspect (`ratio`: node sizes stay, the
    /// space between them grows). Returns the drawing and the graph attributes chosen.
    static func fitted(_ description: DotGraph, aspect: Double, spread: Bool = true) throws(GraphvizError) -> (GraphvizDrawing, [DotAttribute]) {
        /// The scale at which the drawing fills a page `aspect` wide and 1 high.
        func scale(_ drawing: GraphvizDrawing) -> Double {
            let centers = drawing.nodeCenters(), sizes = drawing.nodeSizes()
            var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
            for (id, c) in centers {
                let size = sizes[id] ?? (0, 0)
                minX = Swift.min(minX, c.x - size.width / 2)
                maxX = Swift.max(maxX, c.x + size.width / 2)
                minY = Swift.min(minY, c.y - size.height / 2)
                maxY = Swift.max(maxY, c.y + size.height / 2)
            }
            guard maxX > minX, maxY > minY else { return 1 }
            return Swift.min(aspect / (maxX - minX), 1 / (maxY - minY))
        }
        let across = try inStatementOrder(description.with([DotAttribute("rankdir", "LR")]))
        let down = try inStatementOrder(description.with([DotAttribute("rankdir", "TB")]))
        let chosen = scale(across.drawing) >= scale(down.drawing) ? across : down
        if !spread { return chosen }
        let spreadOut = chosen.attributes + [DotAttribute("ratio", String(format: "%.4f", 1 / aspect))]
        return (try GraphvizDrawing(description.with(spreadOut)), spreadOut)
    }

    /// `description` laid out by dot with its statements' boxes in statement order (top to bottom
    /// when the graph runs left to right, left to right when it runs down), as the program reads.
    ///
    /// dot orders each rank to cut edge crossings, and its passes that swap neighbours of equal
    /// crossings scramble boxes that are alike (the four neurons of a layer come out h3, h2, h1,
    /// h4). Its first order follows the order nodes were created in, which is the program's; so
    /// when the boxes come out of order, dot lays the graph out again keeping that first order
    /// (`mclimit` small: no reordering passes, only swaps that remove crossings), and the layout
    /// with fewer boxes out of order is kept. Graphs whose boxes come out in order keep dot's layout.
    static func inStatementOrder(_ description: DotGraph) throws(GraphvizError) -> (drawing: GraphvizDrawing, attributes: [DotAttribute]) {
        let chosen = description.graphAttributes.filter { $0.name == "rankdir" }
        let first = try GraphvizDrawing(description)
        let misplaced = clusterInversions(description, first.nodeCenters(), first.nodeSizes())
        guard misplaced > 0 else { return (first, chosen) }
        let keepOrder = chosen + [DotAttribute("mclimit", "0.05")]
        let second = try GraphvizDrawing(description.with(keepOrder))
        guard clusterInversions(description, second.nodeCenters(), second.nodeSizes()) < misplaced else { return (first, chosen) }
        return (second, keepOrder)
    }

    /// The pairs of statement boxes out of statement order: of two boxes that share ranks (they
    /// overlap along the graph's direction), the earlier statement's should come first across it
    /// (above when the graph runs left to right, to the left when it runs down).
    static func clusterInversions(_ description: DotGraph, _ centers: [String: (x: Double, y: Double)], _ sizes: [String: (width: Double, height: Double)]) -> Int {
        let across = (description.graphAttributes.last { $0.name == "rankdir" }?.value ?? "TB") == "LR"
        /// A box's extent along the ranks, and its middle across them (growing in reading order).
        var boxes: [(from: Double, to: Double, middle: Double)] = []
        for cluster in description.clusters {
            var from = Double.infinity, to = -Double.infinity, low = Double.infinity, high = -Double.infinity
            for id in cluster.nodes {
                guard let c = centers[id] else { continue }
                let size = sizes[id] ?? (0, 0)
                // Along the ranks: x when the graph runs across, y when it runs down. Across them,
                // reading order: top to bottom (y falls in Graphviz's points), or left to right.
                let (along, alongHalf, acrossAxis, acrossHalf) = across ? (c.x, size.width / 2, -c.y, size.height / 2) : (-c.y, size.height / 2, c.x, size.width / 2)
                from = Swift.min(from, along - alongHalf)
                to = Swift.max(to, along + alongHalf)
                low = Swift.min(low, acrossAxis - acrossHalf)
                high = Swift.max(high, acrossAxis + acrossHalf)
            }
            if from <= to { boxes.append((from, to, (low + high) / 2)) }
        }
        var inversions = 0
        for i in boxes.indices {
            for j in boxes.indices where j > i {
                let overlap = Swift.min(boxes[i].to, boxes[j].to) - Swift.max(boxes[i].from, boxes[j].from)
                if overlap > 1, boxes[i].middle > boxes[j].middle { inversions += 1 }
            }
        }
        return inversions
    }

    /// The finished figure in `format`.
    public func render(_ format: FigureFormat) throws(AdvizError) -> [UInt8] {
        if format == .dot { return Array(figure.description().with(chosenAttributes).dotText().utf8) }
        return try renderDrawing(format)
    }

    /// The figure after step `step` (1-based; 0 is the graph before the sweeps), from the one layout.
    public func renderStep(_ step: Int, _ format: FigureFormat) throws(AdvizError) -> [UInt8] {
        if compactFrames, format != .dot, let styles = figure.compactStyles(afterStep: step) {
            // A later SVG frame: the first frame's SVG with the new fills and pens spliced in.
            if format == .svg, let restyler {
                var byKey: [String: [DotAttribute]] = [:]
                for (id, style) in styles.nodes { byKey[id] = style }
                for (id, style) in styles.edges { byKey[id] = style }
                if let bytes = restyler.restyled(byKey) { return bytes }
            }
            // Otherwise styles only, computed without the description: Graphviz redraws from the one layout.
            for (id, style) in styles.nodes where lastNodeStyles[id] != style {
                drawing.setNode(id, style)
                lastNodeStyles[id] = style
            }
            for (index, (_, style)) in styles.edges.enumerated() where lastEdgeStyles[index] != style {
                drawing.setEdge(index, style)
                lastEdgeStyles[index] = style
            }
            let bytes = try renderDrawing(format)
            if format == .svg, restyler == nil { restyler = SVGRestyler(bytes) }
            return bytes
        }
        let description = figure.description(afterStep: step, reserveCaption: false, compact: compactFrames, caption: captionInFigure)
        return try renderFrame(description, format, what: "step \(step)")
    }

    /// The figure `other` after step `step`, drawn on this renderer's layout: the same program
    /// traced at another point (or with other seeds) keeps its nodes where they were, so a student
    /// dragging a slider sees the numbers change and nothing move. Nil when `other`'s graph is not
    /// drawn with the same nodes and edges (then it needs a layout of its own).
    public func renderStep(_ step: Int, of other: GraphFigure, _ format: FigureFormat) throws(AdvizError) -> [UInt8]? {
        guard other.options == figure.options, (0...other.steps.count).contains(step) else { return nil }
        let description = other.description(afterStep: step, reserveCaption: false, compact: compactFrames, caption: captionInFigure)
        guard description.nodes.map(\.id) == layoutNodeIDs, description.edges.map({ "\($0.tail)>\($0.head)" }) == layoutEdges else { return nil }
        if !compactFrames, !growing {
            // Another point's numbers may be wider than the ones laid out: a node keeps its place
            // and its size as the least it has, and grows where its label needs more.
            if !pinned {
                do { try drawing.pin() } catch { throw .cannotWrite("Graphviz could not pin the layout: \(error)") }
                pinned = true
            }
            for id in layoutNodeIDs { drawing.setNode(id, [DotAttribute("fixedsize", "false")]) }
            growing = true
        }
        return try renderFrame(description, format, what: "step \(step)")
    }

    /// A frame given by how far each sweep has gone (a lesson's), from the one layout.
    public func render(_ progress: FigureProgress, _ format: FigureFormat) throws(AdvizError) -> [UInt8] {
        try renderFrame(figure.description(progress), format, what: "the frame")
    }

    /// Draws `description`, which has the nodes and edges of the laid-out one, from the one layout.
    private func renderFrame(_ description: DotGraph, _ format: FigureFormat, what: String) throws(AdvizError) -> [UInt8] {
        if format == .dot { return Array(description.with(chosenAttributes).dotText().utf8) }
        if compactFrames {
            // Styles only: Graphviz redraws fills and pens from the one layout.
            let styles: Set<String> = ["fillcolor", "color", "penwidth", "style"]
            for node in description.nodes {
                let style = node.attributes.filter { styles.contains($0.name) }
                if lastNodeStyles[node.id] != style {
                    drawing.setNode(node.id, style)
                    lastNodeStyles[node.id] = style
                }
            }
            for (index, edge) in description.edges.enumerated() {
                let style = edge.attributes.filter { styles.contains($0.name) }
                if lastEdgeStyles[index] != style {
                    drawing.setEdge(index, style)
                    lastEdgeStyles[index] = style
                }
            }
            return try renderDrawing(format)
        }
        do {
            if !pinned {
                try drawing.pin()
                pinned = true
            }
            // Same nodes and edges in the same order: only attributes change.
            // Sizes stay as pinned (a label's minimum `width`/`height` would shrink its node below its text).
            // A node or edge out of focus has no class in the description: clear the one a frame before may have set.
            let unfocused = DotAttribute("class", "")
            for node in description.nodes {
                let attributes = node.attributes.filter { $0.name != "width" && $0.name != "height" }
                drawing.setNode(node.id, attributes.contains { $0.name == "class" } ? attributes : attributes + [unfocused])
            }
            for (index, edge) in description.edges.enumerated() {
                drawing.setEdge(index, edge.attributes.contains { $0.name == "class" } ? edge.attributes : edge.attributes + [unfocused])
            }
            if let label = description.graphAttributes.first(where: { $0.name == "label" }) { drawing.setGraph([label]) }
            try drawing.relayout()
        } catch {
            throw .cannotWrite("Graphviz could not draw \(what): \(error)")
        }
        return try renderDrawing(format)
    }

    /// Renders the laid-out drawing; `.dot` and `.tikz` never reach here (they are written from
    /// the description and by ``TikZFigure``).
    private func renderDrawing(_ format: FigureFormat) throws(AdvizError) -> [UInt8] {
        let renderFormat: RenderFormat = switch format {
        case .svg, .dot, .tikz: .svg
        case .png: .png
        case .pdf: .pdf
        }
        do {
            return try drawing.render(renderFormat)
        } catch {
            throw .cannotWrite("\(error)")
        }
    }

    /// The direction the figure was laid out in (`LR` or `TB`): its options', or the one `fit` chose.
    public var rankdir: String { chosenAttributes.last { $0.name == "rankdir" }?.value ?? figure.options.rankdir }

    /// Each figure node's centre in points, as laid out.
    public func nodeCenters() -> [String: (x: Double, y: Double)] { drawing.nodeCenters() }
}

extension DotGraph {
    /// The graph with these graph attributes set (replacing any of the same name).
    func with(_ changes: [DotAttribute]) -> DotGraph {
        var d = self
        for change in changes {
            d.graphAttributes.removeAll { $0.name == change.name }
            d.graphAttributes.append(change)
        }
        return d
    }
}
