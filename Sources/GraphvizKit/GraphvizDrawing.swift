import CGraphviz
import CGraphvizRepairs
import Foundation
import Synchronization

/// Graphviz is not thread-safe (two contexts in two threads crash it), so every call into
/// it, from every drawing, goes through this one lock.
///
/// The lock also holds the identity of the graph whose layout ran last. A layout sets
/// process-wide attribute handles in libgvc (`N_style`, `E_label`, … from `graph_init`), and
/// rendering reads them: rendering drawing A after drawing B was laid out would look A's
/// attributes up with B's handles (a style read from a label's slot, or past the end of the
/// record: a crash). So a drawing that is not the last laid out is laid out again first.
private let graphvizLock = Mutex<Int>(0)

/// One Graphviz context for the whole process, never freed.
///
/// libgvc 2.42's pango plugin caches a pointer to the last font name it measured, and that
/// name belongs to the context's font table: freeing a context leaves the cache dangling and
/// the next context reads freed memory (AddressSanitizer catches it). One shared context keeps
/// every font name alive. It is only used under `graphvizLock`.
///
/// Making it turns on ``GraphvizRepairs`` when the library is a version whose leaks they repair.
private struct SharedContext: @unchecked Sendable {
    let pointer: OpaquePointer?
    static let shared = SharedContext(pointer: graphvizLock.withLock { _ in
        let context = gvContext()
        // ADVIZ_GRAPHVIZ_REPAIRS=0 leaves Graphviz as it is (to measure the leak, or if a build of
        // Graphviz that reports a repaired version differs from Debian's).
        let wanted = ProcessInfo.processInfo.environment["ADVIZ_GRAPHVIZ_REPAIRS"] != "0"
        if wanted, let context, let version = gvcVersion(context) { _ = adviz_graphviz_repairs_enable(version) }
        return context
    })
}

/// Graphviz 2.42's leaks, repaired in process: every layout of a figure with HTML-like labels
/// lost 8–20 KB (the arrays of text spans of each label line, which `free_html_text` forgets, and
/// the text and attributes `pango_parse_markup` returns for bold, italic or sub- and superscript
/// text, which the pango plugin forgets), so a server drawing figures all day grew without bound.
/// CGraphvizRepairs frees both; the figures are the same bytes (the blocks freed are never read again).
public enum GraphvizRepairs {
    /// Whether the repairs run: on for the Graphviz versions whose code they match (2.42, and
    /// Debian's 2.42.2, which reports 2.43.0), unless the environment sets
    /// `ADVIZ_GRAPHVIZ_REPAIRS=0`.
    public static var isEnabled: Bool {
        get {
            _ = SharedContext.shared
            return adviz_graphviz_repairs_enabled() != 0
        }
        set {
            _ = SharedContext.shared
            graphvizLock.withLock { _ in _ = adviz_graphviz_repairs_set(newValue ? 1 : 0) }
        }
    }

    /// The leaked blocks freed so far: arrays of spans of HTML label lines, and parsed markups.
    public static var freedBlocks: (lines: Int, markups: Int) {
        (adviz_graphviz_repairs_freed(0), adviz_graphviz_repairs_freed(1))
    }

    /// Runs one Graphviz call that may lay out text; call with `graphvizLock` held.
    fileprivate static func measuringText<T>(_ call: () -> T) -> T {
        adviz_graphviz_repairs_begin()
        defer { adviz_graphviz_repairs_end() }
        return call()
    }
}

/// Graphviz's messages (`agerr`) since the last ``GraphvizMessages/begin()``: cgraph reports
/// errors (a label that is not well-formed) by printing them and going on, so adviz takes them
/// through `agseterrf` and turns an error into a thrown one. Only touched under `graphvizLock`.
private enum GraphvizMessages {
    nonisolated(unsafe) static var text = ""
    nonisolated(unsafe) static var installed = false

    /// Starts collecting: clears the text and cgraph's highest error level.
    static func begin() {
        if !installed {
            _ = agseterrf { message in
                if let message { GraphvizMessages.text += String(cString: message) }
                return 0
            }
            installed = true
        }
        text = ""
        _ = agreseterrors()
    }

    /// The messages of an error since ``begin()``, or nil; warnings alone go on to stderr, as
    /// Graphviz prints them.
    static func end() -> String? {
        let failed = agreseterrors() >= Int32(AGERR.rawValue)
        // cgraph prefixes each message with `Error: ` or `Warning: `; adviz's messages say `error:` once.
        let collected = text.replacingOccurrences(of: "Error: ", with: "").trimmingCharacters(in: .whitespacesAndNewlines)
        text = ""
        if failed { return collected.isEmpty ? "an error without a message" : collected }
        if !collected.isEmpty { FileHandle.standardError.write(Data((collected + "\n").utf8)) }
        return nil
    }
}

/// What can go wrong inside Graphviz.
public enum GraphvizError: Error, Sendable, Equatable {
    /// The context, the graph or an object could not be created.
    case cannotCreate(String)
    /// Layout failed (gvLayout returned an error).
    case layoutFailed(String)
    /// Rendering failed, or the format's plugin is missing.
    case renderFailed(String)
}

/// The output formats adviz renders through Graphviz's plugins.
public enum RenderFormat: String, Sendable, CaseIterable {
    case svg, png, pdf
    /// Graphviz's plain text: each node's centre and size and each edge's spline, in inches
    /// (what adviz's TikZ writer draws from).
    case plain

    /// The gvc renderer: the core SVG writer, and cairo (through pango) for PNG and PDF.
    var renderer: String {
        switch self {
        case .svg: "svg"
        case .png: "png:cairo"
        case .pdf: "pdf:cairo"
        case .plain: "plain"
        }
    }
}

/// A graph laid out by Graphviz, ready to render again and again.
///
/// The layout is computed once. Style changes (colours, pen widths, fills) are drawn by the
/// next ``render(_:)`` with every position kept. Where text must change too, ``pin()`` fixes
/// every node's position and size and every edge's route, and ``relayout()`` then only
/// re-measures labels (the `nop2` engine): nodes never move, and the cost is a fraction of
/// the first layout.
public final class GraphvizDrawing: @unchecked Sendable {
    // Safety: every access to the C objects below happens inside `graphvizLock`.
    private let context: OpaquePointer
    private let graph: UnsafeMutablePointer<Agraph_t>
    private var nodesByID: [String: UnsafeMutablePointer<Agnode_t>] = [:]
    private var edgeList: [UnsafeMutablePointer<Agedge_t>] = []
    private var engine: String
    private var isLaidOut = false
    /// The graph's `dpi` attribute as the last layout read it: the resolution of raster output.
    private var rasterDPI: Double = 0

    /// Builds the graph in cgraph and lays it out with `engine` (`dot` by default).
    ///
    /// Graphviz only draws later changes to attributes declared before layout, so every
    /// attribute a frame may change must appear in the description's node or edge defaults.
    public init(_ description: DotGraph, engine: String = "dot") throws(GraphvizError) {
        self.engine = engine
        let shared = SharedContext.shared
        let made: (OpaquePointer, UnsafeMutablePointer<Agraph_t>)? = graphvizLock.withLock { _ in
            guard let context = shared.pointer, let graph = adviz_open_directed("G") else { return nil }
            return (context, graph)
        }
        guard let (context, graph) = made else { throw .cannotCreate("Graphviz context") }
        self.context = context
        self.graph = graph
        try graphvizLock.withLock { lastLaidOut throws(GraphvizError) in
            try build(description)
            try layOutAgain(&lastLaidOut)
        }
    }

    deinit {
        graphvizLock.withLock { lastLaidOut in
            if isLaidOut { gvFreeLayout(context, graph) }
            agclose(graph)
            if lastLaidOut == identity { lastLaidOut = 0 }
        }
    }

    /// This drawing's graph, as the lock records the last one laid out.
    private var identity: Int { Int(bitPattern: UnsafeMutableRawPointer(graph)) }

    /// Lays this graph out again if another graph's layout ran since its own; call with the lock held.
    private func ensureCurrent(_ lastLaidOut: inout Int) throws(GraphvizError) {
        if lastLaidOut != identity || !isLaidOut { try layOutAgain(&lastLaidOut) }
    }

    private func build(_ d: DotGraph) throws(GraphvizError) {
        for a in d.graphAttributes {
            if a.isHTML { set(UnsafeMutableRawPointer(graph), a) } else { _ = adviz_declare(graph, Int32(AGRAPH), a.name, a.value) }
        }
        // Defaults first, then every attribute any node or edge sets, so all are declared before layout.
        for a in d.nodeDefaults { _ = adviz_declare(graph, Int32(AGNODE), a.name, a.value) }
        for a in d.edgeDefaults { _ = adviz_declare(graph, Int32(AGEDGE), a.name, a.value) }
        for node in d.nodes {
            guard let n = adviz_node(graph, node.id) else { throw .cannotCreate("node \(node.id)") }
            nodesByID[node.id] = n
            for a in node.attributes { set(UnsafeMutableRawPointer(n), a) }
        }
        for (i, cluster) in d.clusters.enumerated() {
            guard let sub = adviz_subgraph(graph, "cluster_\(i)") else { throw .cannotCreate("cluster \(i)") }
            for a in cluster.attributes { set(UnsafeMutableRawPointer(sub), a) }
            for id in cluster.nodes {
                if let n = nodesByID[id] { _ = adviz_subgraph_add_node(sub, n) }
            }
        }
        for (i, edge) in d.edges.enumerated() {
            guard let tail = nodesByID[edge.tail], let head = nodesByID[edge.head] else {
                throw .cannotCreate("edge \(edge.tail) -> \(edge.head): unknown node")
            }
            guard let e = adviz_edge(graph, tail, head, "e\(i)") else { throw .cannotCreate("edge \(i)") }
            edgeList.append(e)
            for a in edge.attributes { set(UnsafeMutableRawPointer(e), a) }
        }
    }

    private func set(_ object: UnsafeMutableRawPointer, _ a: DotAttribute) {
        if a.isHTML { _ = adviz_set_html(graph, object, a.name, a.value) } else { _ = adviz_set(object, a.name, a.value) }
    }

    /// Sets attributes of the node `id` (drawn by the next render; text changes need ``relayout()``).
    public func setNode(_ id: String, _ attributes: [DotAttribute]) {
        graphvizLock.withLock { _ in
            guard let n = nodesByID[id] else { return }
            for a in attributes { set(UnsafeMutableRawPointer(n), a) }
        }
    }

    /// Sets attributes of the graph itself (its label, say).
    public func setGraph(_ attributes: [DotAttribute]) {
        graphvizLock.withLock { _ in
            for a in attributes { set(UnsafeMutableRawPointer(graph), a) }
        }
    }

    /// Sets attributes of the edge at `index` (in the order of ``DotGraph/edges``).
    public func setEdge(_ index: Int, _ attributes: [DotAttribute]) {
        graphvizLock.withLock { _ in
            guard edgeList.indices.contains(index) else { return }
            for a in attributes { set(UnsafeMutableRawPointer(edgeList[index]), a) }
        }
    }

    /// Fixes every node's position and size and every edge's route where the layout put them,
    /// so that later ``relayout()`` calls keep the picture still while labels change.
    public func pin() throws(GraphvizError) {
        try graphvizLock.withLock { lastLaidOut throws(GraphvizError) in
            try ensureCurrent(&lastLaidOut)
            // Rendering to "dot" writes the layout back into attributes (pos, width, height, lp, bb).
            var data: UnsafeMutablePointer<CChar>? = nil
            var length: UInt32 = 0
            let status = GraphvizRepairs.measuringText { adviz_render(context, graph, engine, "dot", &data, &length) }
            guard status == 0, let data else {
                throw .renderFailed("could not read the layout back")
            }
            gvFreeRenderData(data)
            _ = adviz_declare(graph, Int32(AGNODE), "fixedsize", "false")
            _ = adviz_declare(graph, Int32(AGNODE), "pin", "false")
            for n in nodesByID.values {
                _ = adviz_set(UnsafeMutableRawPointer(n), "fixedsize", "true")
                _ = adviz_set(UnsafeMutableRawPointer(n), "pin", "true")
            }
            engine = "nop2"
        }
    }

    /// Lays the graph out again with the current engine (after ``pin()``: positions kept, labels re-measured).
    public func relayout() throws(GraphvizError) {
        try graphvizLock.withLock { lastLaidOut throws(GraphvizError) in try layOutAgain(&lastLaidOut) }
    }

    /// Frees the current layout and lays out with `engine`; call with the lock held.
    private func layOutAgain(_ lastLaidOut: inout Int) throws(GraphvizError) {
        if isLaidOut { gvFreeLayout(context, graph) }
        isLaidOut = false
        lastLaidOut = identity
        GraphvizMessages.begin()
        let status = GraphvizRepairs.measuringText { gvLayout(context, graph, engine) }
        let problem = GraphvizMessages.end()
        guard status == 0, problem == nil else {
            gvFreeLayout(context, graph)
            throw .layoutFailed("the \(engine) layout failed" + (problem.map { ": " + $0 } ?? ""))
        }
        isLaidOut = true
        rasterDPI = adviz_layout_dpi(graph)
    }

    /// The drawing in `format`, as bytes.
    ///
    /// The graph's `dpi` attribute sets the resolution of PNG output only. gvc would scale
    /// every format by it (an SVG at dpi 144 gets twice its size in points around a viewBox
    /// of the original: browsers show its top-left quarter; a PDF twice its print size), so
    /// vector formats are rendered at 72 dpi, where one point is one user unit.
    public func render(_ format: RenderFormat) throws(GraphvizError) -> [UInt8] {
        try graphvizLock.withLock { lastLaidOut throws(GraphvizError) in
            try ensureCurrent(&lastLaidOut)
            adviz_set_render_dpi(graph, format == .png ? rasterDPI : 72)
            var data: UnsafeMutablePointer<CChar>? = nil
            var length: UInt32 = 0
            GraphvizMessages.begin()
            let status = GraphvizRepairs.measuringText { adviz_render(context, graph, engine, format.renderer, &data, &length) }
            let problem = GraphvizMessages.end()
            if let problem {
                if let data { gvFreeRenderData(data) }
                throw .renderFailed("Graphviz could not render \(format.rawValue): \(problem)")
            }
            guard status == 0, let data else {
                throw .renderFailed("Graphviz could not render \(format.rawValue) (is the \(format.renderer) plugin installed?)")
            }
            defer { gvFreeRenderData(data) }
            return data.withMemoryRebound(to: UInt8.self, capacity: Int(length)) { Array(UnsafeBufferPointer(start: $0, count: Int(length))) }
        }
    }

    /// Each node's centre, in points, as the layout placed it.
    public func nodeCenters() -> [String: (x: Double, y: Double)] {
        graphvizLock.withLock { _ in
            var result: [String: (x: Double, y: Double)] = [:]
            for (id, n) in nodesByID {
                let p = adviz_node_coord(n)
                result[id] = (p.x, p.y)
            }
            return result
        }
    }

    /// Each node's size in points (width, height), as Graphviz measured its label.
    public func nodeSizes() -> [String: (width: Double, height: Double)] {
        graphvizLock.withLock { _ in
            var result: [String: (width: Double, height: Double)] = [:]
            for (id, n) in nodesByID { result[id] = (adviz_node_width(n) * 72, adviz_node_height(n) * 72) }
            return result
        }
    }

    /// Moves nodes to the given centres (points) and lays out again with `nop2`: edges are
    /// routed afresh between the new places; node sizes are measured again from their labels.
    public func place(_ centers: [String: (x: Double, y: Double)]) throws(GraphvizError) {
        try graphvizLock.withLock { lastLaidOut throws(GraphvizError) in
            for (id, p) in centers {
                guard let n = nodesByID[id] else { continue }
                _ = adviz_set(UnsafeMutableRawPointer(n), "pos", "\(p.x),\(p.y)!")
            }
            engine = "nop2"
            try layOutAgain(&lastLaidOut)
        }
    }

    /// Parses DOT source with cgraph and counts its nodes and edges (nil if it does not parse).
    public static func parse(_ dot: String) -> (nodes: Int, edges: Int)? {
        graphvizLock.withLock { _ in
            guard let g = adviz_read_memory(dot) else { return nil }
            defer { agclose(g) }
            return (Int(adviz_node_count(g)), Int(adviz_edge_count(g)))
        }
    }
}
