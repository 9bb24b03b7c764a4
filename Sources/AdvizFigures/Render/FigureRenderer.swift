import Foundation
import GraphvizKit
import AdvizCore

/// The file formats of a figure.
public enum FigureFormat: String, Sendable, CaseIterable {
    case svg, png, pdf, dot

    /// The format a file name asks for by its extension, if any.
    public static func from(path: String) -> FigureFormat? {
        FigureFormat(rawValue: URL(fileURLWithPath: path).pathExtension.lowercased())
    }
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

    /// Lays `figure` out. With `forFrames`, the layout reserves room for every step's caption,
    /// unless `captionInFigure` is false (players and slideshows write the caption as text).
    public init(_ figure: GraphFigure, forFrames: Bool = false, captionInFigure: Bool = true) throws(AdvizError) {
        self.figure = figure
        self.captionInFigure = captionInFigure
        compactFrames = forFrames && figure.usesLayeredLayout
        var description = figure.description(afterStep: nil, reserveCaption: forFrames && captionInFigure, compact: compactFrames, caption: captionInFigure)
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
                drawing = try FigureRenderer.fitted(description, aspect: aspect, spread: figure.options.spread)
            } else {
                drawing = try GraphvizDrawing(description)
            }
        } catch {
            throw .cannotWrite("Graphviz could not lay the graph out: \(error)")
        }
    }

    /// `description` laid out to fill a page of `aspect` (width / height): laid out left to right
    /// and top to bottom, the direction whose drawing comes closer to the page is kept, and dot
    /// spreads it to the page's aspect (`ratio`: node sizes stay, the space between them grows).
    static func fitted(_ description: DotGraph, aspect: Double, spread: Bool = true) throws(GraphvizError) -> GraphvizDrawing {
        func withAttributes(_ changes: [DotAttribute]) -> DotGraph {
            var d = description
            for change in changes {
                d.graphAttributes.removeAll { $0.name == change.name }
                d.graphAttributes.append(change)
            }
            return d
        }
        /// How far the drawing's aspect is from the page's, as a factor (1: a perfect fit).
        func mismatch(_ drawing: GraphvizDrawing) -> Double {
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
            let drawn = (maxX - minX) / (maxY - minY)
            return Swift.max(drawn / aspect, aspect / drawn)
        }
        let across = try GraphvizDrawing(withAttributes([DotAttribute("rankdir", "LR")]))
        let down = try GraphvizDrawing(withAttributes([DotAttribute("rankdir", "TB")]))
        let rankdir = mismatch(across) <= mismatch(down) ? "LR" : "TB"
        if !spread { return rankdir == "LR" ? across : try GraphvizDrawing(withAttributes([DotAttribute("rankdir", "TB")])) }
        return try GraphvizDrawing(withAttributes([DotAttribute("rankdir", rankdir), DotAttribute("ratio", String(format: "%.4f", 1 / aspect))]))
    }

    /// The finished figure in `format`.
    public func render(_ format: FigureFormat) throws(AdvizError) -> [UInt8] {
        if format == .dot { return Array(figure.description().dotText().utf8) }
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

    /// A frame given by how far each sweep has gone (a lesson's), from the one layout.
    public func render(_ progress: FigureProgress, _ format: FigureFormat) throws(AdvizError) -> [UInt8] {
        try renderFrame(figure.description(progress), format, what: "the frame")
    }

    /// Draws `description`, which has the nodes and edges of the laid-out one, from the one layout.
    private func renderFrame(_ description: DotGraph, _ format: FigureFormat, what: String) throws(AdvizError) -> [UInt8] {
        if format == .dot { return Array(description.dotText().utf8) }
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
            for node in description.nodes { drawing.setNode(node.id, node.attributes.filter { $0.name != "width" && $0.name != "height" }) }
            for (index, edge) in description.edges.enumerated() { drawing.setEdge(index, edge.attributes) }
            if let label = description.graphAttributes.first(where: { $0.name == "label" }) { drawing.setGraph([label]) }
            try drawing.relayout()
        } catch {
            throw .cannotWrite("Graphviz could not draw \(what): \(error)")
        }
        return try renderDrawing(format)
    }

    /// Renders the laid-out drawing; `.dot` never reaches here (it is written from the description).
    private func renderDrawing(_ format: FigureFormat) throws(AdvizError) -> [UInt8] {
        let renderFormat: RenderFormat = switch format {
        case .svg, .dot: .svg
        case .png: .png
        case .pdf: .pdf
        }
        do {
            return try drawing.render(renderFormat)
        } catch {
            throw .cannotWrite("\(error)")
        }
    }

    /// Each figure node's centre in points, as laid out.
    public func nodeCenters() -> [String: (x: Double, y: Double)] { drawing.nodeCenters() }
}
