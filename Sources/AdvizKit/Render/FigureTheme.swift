/// The colours of a figure.
///
/// The accents come from the Okabe–Ito palette, chosen so that readers with the common
/// colour-vision deficiencies can tell them apart: blue for tangents (forward mode),
/// vermillion for adjoints (reverse mode), reddish purple for the current step.
public struct FigureTheme: Sendable, Equatable {
    /// The theme's name, as `--theme` takes it.
    public var name: String
    public var background: String
    public var text: String
    public var mutedText: String
    public var border: String
    public var edge: String
    public var inputFill: String
    public var outputFill: String
    public var stepFill: String
    public var constantText: String
    public var tangent: String
    public var adjoint: String
    public var highlight: String
    public var highlightFill: String
    public var faded: String
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
