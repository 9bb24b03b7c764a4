import Foundation

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
    /// A box per group of statements instead of one per statement: statement k goes in the box
    /// labelled `statementGroups[k]` (a Python function's call or loop iteration); nil or a
    /// missing entry keeps the statement's own box.
    public var statementGroups: [String?] = []
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
