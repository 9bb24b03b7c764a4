import AdvizCore
import GraphvizKit

/// A trace's graph as a TikZ picture, for lecture notes and Beamer slides written in LaTeX.
///
/// Graphviz lays the graph out (``GraphvizDrawing``, its `plain` output: node centres and edge
/// splines in inches); TikZ draws it, so a lecturer can restyle and annotate it in the deck.
/// Labels are LaTeX maths (`\bar{v}_{-1}`), colours the theme's (`advizadjoint`, …), and a node
/// shows as much as `progress` has computed: its definition, value, tangent and adjoint.
public struct TikZFigure: Sendable {
    /// The trace drawn.
    public let trace: Trace
    /// The colours.
    public var theme: FigureTheme
    /// How far each sweep has gone (nil: everything computed is shown).
    public var progress: FigureProgress?
    /// The quantities a node shows.
    public var show: Set<FigureOptions.Quantity>
    /// Graphviz's layout direction: `LR` (wide slides) or `TB`.
    public var rankdir: String
    /// The branches a Python function took (`line 4: if x > 0 ✓`), written under the picture.
    public var decisions: [String] = []

    /// Where Graphviz put things, in inches.
    struct Layout {
        var nodes: [String: (x: Double, y: Double, width: Double, height: Double)] = [:]
        var edges: [(tail: String, head: String, points: [(Double, Double)])] = []
        var width = 0.0, height = 0.0
    }

    /// A picture of `trace`, with every quantity shown by default.
    public init(_ trace: Trace, theme: FigureTheme = .light, show: Set<FigureOptions.Quantity> = Set(FigureOptions.Quantity.allCases), rankdir: String = "LR", progress: FigureProgress? = nil) {
        self.trace = trace
        self.theme = theme
        self.show = show
        self.rankdir = rankdir
        self.progress = progress
    }

    var graph: Graph { trace.graph }
    var writer: TraceWriter { TraceWriter(trace: trace, style: .latex) }

    /// The nodes drawn: inputs and steps (a constant is written into its reader's definition).
    var drawn: [Int] { graph.nodes.indices.filter { !graph.isConstant($0) } }

    /// What each sweep has revealed: values, tangents and adjoints, by node.
    func revealed() -> (values: Set<Int>, tangents: Set<Int>, adjoints: Set<Int>, current: Int?) {
        let primal = trace.primalRows().map(\.node), tangent = trace.tangentRows().map(\.node), adjoint = trace.adjointRows().map(\.node)
        guard let progress else {
            return (Set(primal), trace.tangents == nil ? [] : Set(tangent), trace.adjoints == nil ? [] : Set(adjoint), nil)
        }
        let values = Set(primal.prefix(progress.values)), tangents = Set(tangent.prefix(progress.tangents))
        let adjoints = Set(adjoint.prefix(progress.adjoints))
        let current: Int? = switch progress.sweep {
        case .primal?: progress.values > 0 ? primal[progress.values - 1] : nil
        case .tangent?: progress.tangents > 0 ? tangent[progress.tangents - 1] : nil
        case .reverse?: progress.adjoints > 0 ? adjoint[progress.adjoints - 1] : nil
        case nil: nil
        }
        return (values, tangents, adjoints, current)
    }

    /// One node's lines, in LaTeX maths: `v_{1} = v_{-1} \cdot v_{0}`, `= 10`, `\dot{v}_{1} = 5`, `\bar{v}_{1} = 0.1`.
    func labelLines(_ i: Int, _ shown: (values: Set<Int>, tangents: Set<Int>, adjoints: Set<Int>, current: Int?)) -> [String] {
        let w = writer
        let name = w.nodeSymbol(i)
        let definition = graph.nodes[i].op == .input ? w.symbol(graph.inputNames[i]) : w.definition(i, byValue: false)
        var lines = ["\(name) = \(definition)"]
        if show.contains(.values), shown.values.contains(i) { lines.append("= " + w.number(trace.evaluation.values[i]).text) }
        if show.contains(.tangents), shown.tangents.contains(i), let t = trace.tangents {
            lines.append("{\\color{advizTangent}\(w.nodeSymbol(i, accent: .dot)) = \(w.number(t[i]).text)}")
        }
        if show.contains(.adjoints), shown.adjoints.contains(i), let a = trace.adjoints {
            lines.append("{\\color{advizAdjoint}\(w.nodeSymbol(i, accent: .bar)) = \(w.number(a[i]).text)}")
        }
        return lines
    }

    /// Lays the graph out with Graphviz, each node sized for its longest label line.
    func layout(_ labels: [Int: [String]]) throws(AdvizError) -> Layout {
        var dot = DotGraph()
        dot.graphAttributes = [DotAttribute("rankdir", rankdir), DotAttribute("nodesep", "0.3"), DotAttribute("ranksep", "0.55")]
        dot.nodeDefaults = [DotAttribute("shape", "box"), DotAttribute("fixedsize", "true")]
        for i in drawn {
            let lines = labels[i] ?? []
            // A rough width of LaTeX maths at 10 pt: about 0.075 in per visible character.
            let longest = lines.map { Self.visibleLength($0) }.max() ?? 4
            let width = Swift.max(0.6, 0.062 * Double(longest) + 0.2), height = 0.2 * Double(lines.count) + 0.15
            dot.nodes.append(DotNode(id: "n\(i)", attributes: [DotAttribute("width", String(width)), DotAttribute("height", String(height)), DotAttribute("label", "")]))
        }
        for i in drawn {
            for argument in Set(graph.nodes[i].arguments) where !graph.isConstant(argument) {
                dot.edges.append(DotEdge(tail: "n\(argument)", head: "n\(i)", attributes: []))
            }
        }
        let bytes: [UInt8]
        do {
            bytes = try GraphvizDrawing(dot).render(.plain)
        } catch {
            throw .cannotWrite("Graphviz could not lay out the TikZ figure: \(error)")
        }
        return Self.parsePlain(String(decoding: bytes, as: UTF8.self))
    }

    /// Reads Graphviz's `plain` output: `graph s w h`, `node id x y w h …`, `edge t h n x₁ y₁ … xₙ yₙ …`.
    static func parsePlain(_ text: String) -> Layout {
        var layout = Layout()
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ").map(String.init)
            guard let kind = f.first else { continue }
            if kind == "graph", f.count >= 4 {
                layout.width = Double(f[2]) ?? 0
                layout.height = Double(f[3]) ?? 0
            } else if kind == "node", f.count >= 6, let x = Double(f[2]), let y = Double(f[3]), let w = Double(f[4]), let h = Double(f[5]) {
                layout.nodes[f[1]] = (x, y, w, h)
            } else if kind == "edge", f.count >= 4, let n = Int(f[3]), f.count >= 4 + 2 * n {
                let points = (0..<n).compactMap { k -> (Double, Double)? in
                    guard let x = Double(f[4 + 2 * k]), let y = Double(f[5 + 2 * k]) else { return nil }
                    return (x, y)
                }
                layout.edges.append((f[1], f[2], points))
            }
        }
        return layout
    }

    /// The characters a line shows once typeset (commands and braces left out), roughly.
    static func visibleLength(_ latex: String) -> Int {
        var count = 0, inCommand = false
        for c in latex {
            if c == "\\" { inCommand = true; continue }
            if inCommand { if c.isLetter { continue }; inCommand = false }
            if c == "{" || c == "}" || c == "_" || c == "^" { continue }
            count += 1
        }
        return count
    }

    static func coordinate(_ p: (Double, Double)) -> String {
        func f(_ x: Double) -> String {
            let r = (x * 1000).rounded() / 1000
            return r == r.rounded() ? String(Int(r)) : String(r)
        }
        return "(\(f(p.0)),\(f(p.1)))"
    }

    /// The theme's colours as `\definecolor` lines (names `advizText`, `advizTangent`, …).
    public var colorDefinitions: [String] {
        let colors: [(String, String)] = [
            ("advizText", theme.text), ("advizBorder", theme.border), ("advizEdge", theme.edge), ("advizInput", theme.inputFill),
            ("advizOutput", theme.outputFill), ("advizStep", theme.stepFill), ("advizTangent", theme.tangent),
            ("advizAdjoint", theme.adjoint), ("advizHighlight", theme.highlight), ("advizHighlightFill", theme.highlightFill),
        ]
        return colors.map { name, value in
            let named: [String: String] = ["white": "FFFFFF", "black": "000000"]
            let hex = named[value] ?? String(value.drop { $0 == "#" }).uppercased()
            return "\\definecolor{\(name)}{HTML}{\(hex)}"
        }
    }
}

extension TikZFigure {
    /// The `tikzpicture` (with the colour definitions before it); with `standalone`, a whole
    /// document (`standalone` class) that `pdflatex` compiles as it is.
    public func latex(standalone: Bool = false) throws(AdvizError) -> String {
        try picture(standalone: standalone).latex
    }

    /// The picture's LaTeX and its size in inches, as laid out (for fitting it to a slide).
    public func picture(standalone: Bool = false) throws(AdvizError) -> (latex: String, width: Double, height: Double) {
        let shown = revealed()
        var labels: [Int: [String]] = [:]
        for i in drawn { labels[i] = labelLines(i, shown) }
        let layout = try layout(labels)
        return (try latex(layout, labels: labels, shown: shown, standalone: standalone), layout.width, layout.height)
    }

    func latex(_ layout: Layout, labels: [Int: [String]], shown: (values: Set<Int>, tangents: Set<Int>, adjoints: Set<Int>, current: Int?), standalone: Bool) throws(AdvizError) -> String {
        var out = colorDefinitions
        out.append("\\begin{tikzpicture}[x=1in, y=1in, >=stealth, every node/.style={font=\\small, text=advizText}]")
        let outputs = Set(graph.outputs.map(\.node))
        for i in drawn {
            guard let n = layout.nodes["n\(i)"] else { continue }
            let fill = graph.nodes[i].op == .input ? "advizInput" : outputs.contains(i) ? "advizOutput" : "advizStep"
            let current = shown.current == i
            let draw = current ? "draw=advizHighlight, line width=1.6pt, fill=advizHighlightFill" : "draw=advizBorder, fill=\(fill)"
            let body = (labels[i] ?? []).map { "$\($0)$" }.joined(separator: "\\\\ ")
            out.append("  \\node[\(draw), rounded corners=2pt, align=center, minimum width=\(n.width)in, minimum height=\(n.height)in, inner sep=2pt] (n\(i)) at \(Self.coordinate((n.x, n.y))) {\(body)};")
        }
        // Edges, each with its local partial; the current row's edges are drawn in the highlight.
        let currentEdges = currentRowEdges(shown.current)
        var partials: [[Int]: Double] = [:]
        for partial in trace.edgePartials() { partials[[partial.argument, partial.node]] = partial.value }
        for edge in layout.edges {
            guard let tail = Int(edge.tail.dropFirst()), let head = Int(edge.head.dropFirst()), edge.points.count >= 4 else { continue }
            var path = Self.coordinate(edge.points[0])
            var k = 1
            while k + 2 < edge.points.count {
                path += " .. controls \(Self.coordinate(edge.points[k])) and \(Self.coordinate(edge.points[k + 1])) .. \(Self.coordinate(edge.points[k + 2]))"
                k += 3
            }
            let label = partials[[tail, head]].map { "\\(\\scriptstyle \(writer.number($0).text)\\)" } ?? ""
            let style = currentEdges.contains([tail, head]) ? "draw=advizHighlight, line width=1.4pt" : "draw=advizEdge"
            out.append("  \\draw[->, \(style)] \(path) node[midway, fill=white, inner sep=1pt, font=\\footnotesize] {\(label)};")
        }
        for (k, decision) in decisions.enumerated() {
            let text = String(decision.flatMap { latexEscaped($0) ?? String($0) })
                .replacingOccurrences(of: "✓", with: "$\\checkmark$").replacingOccurrences(of: "✗", with: "$\\times$")
            out.append("  \\node[anchor=north west, inner sep=1pt, font=\\small, text=advizText] at (0, \(-0.1 - 0.22 * Double(k))) {\(text)};")
        }
        out.append("\\end{tikzpicture}")
        guard standalone else { return out.joined(separator: "\n") + "\n" }
        return (["\\documentclass[border=4pt]{standalone}", "\\usepackage{amsmath,amssymb}", "\\usepackage{tikz}", "\\begin{document}"]
            + out + ["\\end{document}"]).joined(separator: "\n") + "\n"
    }

    /// The edges the current row names: its node's arguments (primal and tangent rows) or its
    /// node's consumers (adjoint rows), each as [tail, head].
    func currentRowEdges(_ current: Int?) -> Set<[Int]> {
        guard let current, let progress else { return [] }
        switch progress.sweep {
        case .reverse?:
            return Set(graph.consumers()[current].map { [current, $0] })
        default:
            return Set(graph.nodes[current].arguments.filter { !graph.isConstant($0) }.map { [$0, current] })
        }
    }
}
