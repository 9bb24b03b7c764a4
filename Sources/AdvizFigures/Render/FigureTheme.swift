import AdvizCore

/// The colours of a figure.
///
/// The accents come from the Okabe–Ito palette, chosen so that readers with the common
/// colour-vision deficiencies can tell them apart: blue for tangents (forward mode),
/// vermillion for adjoints (reverse mode), reddish purple for the current step.
public struct FigureTheme: Sendable, Equatable {
    /// The theme's name, as `--theme` takes it.
    public var name: String
    /// Page background.
    public var background: String
    /// Main text.
    public var text: String
    /// Secondary text: operation names, edge labels.
    public var mutedText: String
    /// Node borders.
    public var border: String
    /// Edges.
    public var edge: String
    /// Fill of input nodes.
    public var inputFill: String
    /// Fill of output nodes.
    public var outputFill: String
    /// Fill of the other nodes.
    public var stepFill: String
    /// Constants.
    public var constantText: String
    /// Tangents (forward mode).
    public var tangent: String
    /// Adjoints (reverse mode).
    public var adjoint: String
    /// The current step.
    public var highlight: String
    /// Fill of the current node.
    public var highlightFill: String
    /// Nodes and edges not computed yet.
    public var faded: String
    /// Boxes around named statements.
    public var clusterBorder: String

    /// Dark text on white; the default.
    public static let light = FigureTheme(
        name: "light", background: "white", text: "#1a1a1a", mutedText: "#666666", border: "#4d4d4d", edge: "#5c5c5c",
        inputFill: "#dbeaf7", outputFill: "#fde8cc", stepFill: "#ffffff", constantText: "#777777",
        tangent: "#0072B2", adjoint: "#D55E00", highlight: "#CC79A7", highlightFill: "#f7e3ee", faded: "#c8c8c8",
        clusterBorder: "#9a9a9a")

    /// Light text on near-black, for slides with a dark background.
    public static let dark = FigureTheme(
        name: "dark", background: "#1e1e1e", text: "#f0f0f0", mutedText: "#a8a8a8", border: "#b8b8b8", edge: "#a0a0a0",
        inputFill: "#1d3a55", outputFill: "#4f3516", stepFill: "#2b2b2b", constantText: "#9a9a9a",
        tangent: "#56B4E9", adjoint: "#E69F00", highlight: "#CC79A7", highlightFill: "#4a2a3c", faded: "#4a4a4a",
        clusterBorder: "#6a6a6a")

    /// Greys only, safe for paper and photocopies: phases told apart by weight, not colour.
    public static let print = FigureTheme(
        name: "print", background: "white", text: "black", mutedText: "#555555", border: "black", edge: "#333333",
        inputFill: "#e6e6e6", outputFill: "#ffffff", stepFill: "#ffffff", constantText: "#555555",
        tangent: "#333333", adjoint: "black", highlight: "black", highlightFill: "#d9d9d9", faded: "#bfbfbf",
        clusterBorder: "#7f7f7f")

    /// The themes `--theme` accepts.
    public static let all: [FigureTheme] = [.light, .dark, .print]

    /// The theme named `name`, if any.
    public static func named(_ name: String) -> FigureTheme? { all.first { $0.name == name } }
}
