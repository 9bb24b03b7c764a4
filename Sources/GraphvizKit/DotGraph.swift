/// A graph to draw, described in plain Swift: nodes, edges, clusters and their Graphviz
/// attributes. ``GraphvizDrawing`` turns it into cgraph objects and lays it out; ``dotText()``
/// writes it as DOT source.
public struct DotGraph: Sendable, Equatable {
    /// Graph attributes (`rankdir`, `bgcolor`, …), in order.
    public var graphAttributes: [DotAttribute] = []
    /// Defaults for every node.
    public var nodeDefaults: [DotAttribute] = []
    /// Defaults for every edge.
    public var edgeDefaults: [DotAttribute] = []
    /// The nodes, in the order they are created (which dot uses to break ties).
    public var nodes: [DotNode] = []
    /// The edges.
    public var edges: [DotEdge] = []
    /// Boxes drawn around groups of nodes.
    public var clusters: [DotCluster] = []

    /// An empty graph.
    public init() {}

    /// The graph as DOT source, with HTML-like labels written `<…>`.
    public func dotText() -> String {
        var out = "digraph G {\n"
        func list(_ attributes: [DotAttribute]) -> String {
            attributes.map { "\($0.name)=\($0.isHTML ? "<\($0.value)>" : DotGraph.quote($0.value))" }.joined(separator: ", ")
        }
        for a in graphAttributes { out += "  \(a.name)=\(a.isHTML ? "<\(a.value)>" : DotGraph.quote(a.value));\n" }
        if !nodeDefaults.isEmpty { out += "  node [\(list(nodeDefaults))];\n" }
        if !edgeDefaults.isEmpty { out += "  edge [\(list(edgeDefaults))];\n" }
        // Nodes first, in order: cgraph numbers them as they come and dot's first ordering follows
        // that, so the file lays out as the in-process graph does. Clusters then only name their nodes.
        for node in nodes {
            out += "  \(DotGraph.quote(node.id)) [\(list(node.attributes))];\n"
        }
        for (i, cluster) in clusters.enumerated() {
            out += "  subgraph cluster_\(i) {\n"
            for a in cluster.attributes { out += "    \(a.name)=\(a.isHTML ? "<\(a.value)>" : DotGraph.quote(a.value));\n" }
            for id in cluster.nodes { out += "    \(DotGraph.quote(id));\n" }
            out += "  }\n"
        }
        for edge in edges {
            out += "  \(DotGraph.quote(edge.tail)) -> \(DotGraph.quote(edge.head))"
            out += edge.attributes.isEmpty ? ";\n" : " [\(list(edge.attributes))];\n"
        }
        return out + "}\n"
    }

    static func quote(_ s: String) -> String {
        "\"" + s.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"").replacingAll("\n", with: "\\n") + "\""
    }
}

/// One Graphviz attribute: a name and a value (an HTML-like label when `isHTML`).
public struct DotAttribute: Sendable, Equatable {
    /// The attribute's name (`label`, `fillcolor`).
    public var name: String
    /// Its value.
    public var value: String
    /// True for an HTML-like label (`<TABLE>…</TABLE>`), given without the outer `<>`.
    public var isHTML: Bool

    /// A plain attribute.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
        isHTML = false
    }

    /// An HTML-like value (Graphviz parses it as a table), given without the outer `<>`.
    public static func html(_ name: String, _ value: String) -> DotAttribute {
        var attribute = DotAttribute(name, value)
        attribute.isHTML = true
        return attribute
    }
}

/// A node: its id and attributes.
public struct DotNode: Sendable, Equatable {
    /// The node's name in the graph (unique).
    public var id: String
    /// Its attributes, label included.
    public var attributes: [DotAttribute]

    /// A node named `id`.
    public init(id: String, attributes: [DotAttribute]) {
        self.id = id
        self.attributes = attributes
    }
}

/// An edge from `tail` to `head`.
public struct DotEdge: Sendable, Equatable {
    /// The node the edge leaves.
    public var tail: String
    /// The node the edge enters.
    public var head: String
    /// Its attributes.
    public var attributes: [DotAttribute]

    /// An edge between two node ids.
    public init(tail: String, head: String, attributes: [DotAttribute]) {
        self.tail = tail
        self.head = head
        self.attributes = attributes
    }
}

/// A cluster: a box around some nodes, with a label.
public struct DotCluster: Sendable, Equatable {
    /// The ids of the nodes inside.
    public var nodes: [String]
    /// The cluster's attributes (`label`, `style`, `color`).
    public var attributes: [DotAttribute]

    /// A cluster of the given nodes.
    public init(nodes: [String], attributes: [DotAttribute]) {
        self.nodes = nodes
        self.attributes = attributes
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        out.reserveCapacity(count)
        for c in self {
            if c == target { out += replacement } else { out.append(c) }
        }
        return out
    }
}
