import AdvizKit
import ArgumentParser
import Foundation

/// `adviz render`: the traced graph as a figure (SVG, PNG, PDF or DOT), or its step-through frames.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Draw the computational graph with its values, tangents, adjoints and edge partials.",
        discussion: """
            The figure is laid out by Graphviz (cgraph and gvc, linked as libraries). The format follows the file's extension (.svg .png .pdf .dot) unless --format is given; the default file is output/<expression>.svg.

            Examples:
              adviz render
                (the built-in example, to output/example.svg)
              adviz render "log(x1*x2)+sin(x2)" --at 2,5 -o output/graph.png
              adviz render "x1*x2 + sin(x1)" --at 1,3 --show tangents \\
                  --wrt x2 --theme print -o fig.pdf
              adviz render --step 9 -o output/step9.svg
                (the state after step 9 of the sweeps)
              adviz render --frames output/frames
                (one SVG per step, and an index.html that plays them)
            """
    )

    @OptionGroup var program: ProgramOptions
    @OptionGroup var seeds: SeedOptions

    @Option(name: [.customShort("o"), .customLong("out")], help: ArgumentHelp("The file to write (default output/<expression>.svg).", valueName: "path"))
    var out: String?

    @Option(help: ArgumentHelp("svg, png, pdf or dot (default: from the file's extension).", valueName: "format"))
    var format: FigureFormat?

    @Option(help: "What the nodes show: values, tangents, adjoints or all.")
    var show: FigureOptions.Show = .all

    @Option(name: .customLong("edge-labels"), help: "What the edges show: auto, none, partials, flow (v̄·∂ in reverse mode) or all.")
    var edgeLabels: FigureOptions.EdgeLabels = .auto

    @Option(help: "Direction of the graph: LR (left to right) or TB (top to bottom).")
    var rankdir: String = "LR"

    @Option(help: "Colours: light, dark, or print (grayscale, safe for paper).")
    var theme: String = "light"

    @Option(help: ArgumentHelp("Font family.", valueName: "name"))
    var font: String = "DejaVu Sans"

    @Option(name: .customLong("font-size"), help: ArgumentHelp("Base font size in points.", valueName: "points"))
    var fontSize: Double = 12

    @Option(help: "Resolution of PNG output, in dots per inch.")
    var dpi: Double = 144

    @Option(help: ArgumentHelp("A heading under the figure.", valueName: "text"))
    var title: String?

    @Option(help: ArgumentHelp("Draw the state after step K of the sweeps (forward steps, then reverse steps).", valueName: "K"))
    var step: Int?

    @Option(help: ArgumentHelp("Write one file per step into this folder, and an index.html that plays them.", valueName: "folder"))
    var frames: String?

    @Option(help: ArgumentHelp("Fold a named statement into one node (repeatable).", valueName: "name"))
    var collapse: [String] = []

    @Option(name: .customLong("max-nodes"), help: ArgumentHelp("Above this many nodes, fold named statements automatically.", valueName: "n"))
    var maxNodes: Int = 120

    @Flag(name: .customLong("no-clusters"), help: "Do not draw named statements as labelled boxes.")
    var noClusters = false

    func validate() throws {
        guard ["LR", "TB"].contains(rankdir) else { throw ValidationError("--rankdir must be LR or TB, got `\(rankdir)`") }
        guard FigureTheme.named(theme) != nil else {
            throw ValidationError("--theme must be one of \(FigureTheme.all.map(\.name).joined(separator: ", ")), got `\(theme)`")
        }
        guard fontSize > 2, fontSize < 200 else { throw ValidationError("--font-size must be between 2 and 200") }
        guard dpi >= 36, dpi <= 1200 else { throw ValidationError("--dpi must be between 36 and 1200") }
        guard maxNodes > 0 else { throw ValidationError("--max-nodes must be positive") }
        if step != nil && frames != nil { throw ValidationError("give either --step or --frames, not both") }
        if frames != nil, let format, format != .svg, format != .png {
            throw ValidationError("--frames writes svg or png (the player shows images), not \(format.rawValue)")
        }
        if let out, format == nil, FigureFormat.from(path: out) == nil {
            throw ValidationError("cannot tell the format of `\(out)` from its extension; use .svg, .png, .pdf or .dot, or give --format")
        }
    }

    func run() throws {
        try runReportingErrors { () throws(AdvizError) in
            let (source, graph, point) = try program.load()
            let mode: TraceMode = switch show {
            case .values, .all: .both
            case .tangents: .forward
            case .adjoints: .reverse
            }
            let trace = try Trace(graph, at: point, options: try seeds.traceOptions(for: graph, mode: mode))
            var options = FigureOptions()
            options.show = show
            options.edgeLabels = edgeLabels
            options.rankdir = rankdir
            options.theme = FigureTheme.named(theme)!
            options.fontName = font
            options.fontSize = fontSize
            options.dpi = dpi
            options.title = title
            options.collapse = collapse
            options.maxNodes = maxNodes
            options.clusters = !noClusters
            let figure = try GraphFigure(trace, options: options)
            for note in figure.notes { printError("note: \(note)") }
            for message in trace.warningMessages() { printError("warning: \(message)") }

            let name = program.expression == nil && program.file == nil ? "example" : Slug.make(source.text)
            if let frames {
                let frameFormat = format ?? .svg
                let bar = ProgressBar(label: "frames", isTerminal: Terminal.isErrorTerminal)
                let paths = try FrameSet.write(figure, to: frames, format: frameFormat, title: title ?? source.text.trimmingCharacters(in: .whitespacesAndNewlines)) { done, total in
                    bar.update(done, of: total)
                }
                bar.finish()
                printError("wrote \(paths.count) frames and \(frames)/index.html")
                return
            }
            if let step, !(0...figure.steps.count).contains(step) {
                throw .usage("--step \(step) is out of range: this trace has steps 0 to \(figure.steps.count)")
            }
            let path = out ?? "output/\(name)\(step.map { "-step\($0)" } ?? "").\((format ?? .svg).rawValue)"
            if out == nil { try AtomicFile.makeFolder("output") }
            let fileFormat = format ?? FigureFormat.from(path: path) ?? .svg
            let renderer = try FigureRenderer(figure, forFrames: step != nil)
            let bytes: [UInt8]
            if let step { bytes = try renderer.renderStep(step, fileFormat) } else { bytes = try renderer.render(fileFormat) }
            try AtomicFile.write(bytes, to: path)
            printError("wrote \(path)")
        }
    }
}

extension FigureFormat: ExpressibleByArgument {}
extension FigureOptions.Show: ExpressibleByArgument {}
extension FigureOptions.EdgeLabels: ExpressibleByArgument {}
