import AdvizKit
import ArgumentParser
import Foundation

/// `adviz render`: the traced graph as a figure (SVG, PNG, PDF or DOT), or its step-through frames.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Draw the computational graph with its values, tangents, adjoints and edge partials.",
        discussion: """
            The figure is laid out by Graphviz (cgraph and gvc, linked as libraries). The format follows the file's extension (.svg .png .pdf .dot) unless --format is given; the default file is output/<expression>-<hash>.svg (a short hash of the program, so two programs never share a file).

            Examples:
              adviz render
                (the built-in example, to output/example.svg)
              adviz render "log(x1*x2)+sin(x2)" --at 2,5 -o output/graph.png
              adviz render "x1*x2 + sin(x1)" --at 1,3 --show tangents \\
                  --wrt x2 --theme print -o fig.pdf
              adviz render "x1*x2 + sin(x1)"
                (no --at: the graph alone, names and operations)
              adviz render --step 9 -o output/step9.svg
                (the state after step 9 of the sweeps)
              adviz render "y = tanh(w1*x1 + w2*x2 + b)" --at x1=1,x2=2,w1=0.5,w2=-0.3,b=0.1 \\
                  --show values,adjoints --names --fit 16:9 -o slide.svg
              adviz render "log(x1*x2)+sin(x2)" --at 2,5 --gradient-graph
                (the backward pass drawn as a graph: f's nodes, then each v̄ᵢ and its sum)
              adviz render --frames output/frames
                (one SVG per step, and an index.html that plays them)
            """
    )

    @OptionGroup var program: ProgramOptions
    @OptionGroup var seeds: SeedOptions
    @OptionGroup var gradientGraph: GradientGraphOptions

    @Option(name: [.customShort("o"), .customLong("out")], help: ArgumentHelp("The file to write (default output/<expression>-<hash>.svg).", valueName: "path"))
    var out: String?

    @Option(help: ArgumentHelp("svg, png, pdf, dot or tikz (a tikzpicture for LaTeX, from Graphviz's layout; default: from the file's extension, .tex is tikz).", valueName: "format"))
    var format: FigureFormat?

    @Option(help: ArgumentHelp("What the nodes show: all, or a list of values, tangents, adjoints (`values,adjoints`).", valueName: "list"))
    var show: String = "all"

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

    @Flag(name: .customLong("share-constants"), help: "Draw a constant once, with an edge to each node that reads it (default: a small copy beside each).")
    var shareConstants = false

    @Flag(help: "With --format tikz: a whole document (the standalone class) that pdflatex compiles as it is.")
    var standalone = false

    @Flag(help: "Name nodes by the program's names (inputs, named statements), with the v-number beside.")
    var names = false

    @Option(help: ArgumentHelp("Fit a page of this aspect, such as 16:9 for a slide: picks LR or TB, whichever is closer, and spreads the drawing to it.", valueName: "w:h"))
    var fit: String?

    func validate() throws {
        guard ["LR", "TB"].contains(rankdir) else { throw ValidationError("--rankdir must be LR or TB, got `\(rankdir)`") }
        guard FigureTheme.named(theme) != nil else {
            throw ValidationError("--theme must be one of \(FigureTheme.all.map(\.name).joined(separator: ", ")), got `\(theme)`")
        }
        if let problem = labelProblem(font, isName: true) { throw ValidationError("--font `\(font)` cannot be used: \(problem)") }
        if let title, let problem = labelProblem(title) { throw ValidationError("--title cannot be used: \(problem)") }
        guard fontSize > 2, fontSize < 200 else { throw ValidationError("--font-size must be between 2 and 200") }
        guard dpi >= 36, dpi <= 1200 else { throw ValidationError("--dpi must be between 36 and 1200") }
        guard maxNodes > 0 else { throw ValidationError("--max-nodes must be positive") }
        guard FigureOptions.quantities(show) != nil else {
            throw ValidationError("--show must be all, or a comma-separated list of values, tangents, adjoints; got `\(show)`")
        }
        if let fit, FigureOptions.aspect(fit) == nil { throw ValidationError("--fit must be an aspect such as 16:9, 4:3 or 1.5, got `\(fit)`") }
        if step != nil && frames != nil { throw ValidationError("give either --step or --frames, not both") }
        if frames != nil, let format, format != .svg, format != .png {
            throw ValidationError("--frames writes svg or png (the player shows images), not \(format.rawValue)")
        }
        if let out, format == nil, FigureFormat.from(path: out) == nil {
            throw ValidationError("cannot tell the format of `\(out)` from its extension; use .svg, .png, .pdf, .dot or .tex (tikz), or give --format")
        }
    }

    func run() throws {
        try runReportingErrors { () throws(AdvizError) in
            let shown = FigureOptions.quantities(show)!
            // With no point (and inputs to give one to), the graph is drawn alone: names and operations.
            let graphAlone = program.at == nil && (program.expression != nil || program.file != nil) && (try? program.loadGraph().graph.inputCount > 0) == true
            if graphAlone, frames != nil { throw .invalidArgument("--frames needs a point: give it with --at") }
            if graphAlone, let step, step > 0 { throw .invalidArgument("--step \(step) needs a point: give it with --at") }
            let (source, loadedGraph, point): (SourceText, Graph, [Double])
            var pythonPath: PythonPath?
            if graphAlone {
                let loaded = try program.loadAll()
                (source, loadedGraph, point, pythonPath) = (loaded.source, loaded.graph, Array(repeating: 0, count: loaded.graph.inputCount), loaded.path)
            } else {
                (source, loadedGraph, point, pythonPath) = try program.loadWithPath()
            }
            let (graph, gradient) = try gradientGraph.apply(to: loadedGraph)
            let mode: TraceMode = shown.contains(.adjoints) ? (shown.contains(.tangents) ? .both : .reverse) : (shown.contains(.tangents) ? .forward : .both)
            let trace = try Trace(graph, at: point, options: try seeds.traceOptions(for: graph, mode: mode))
            var options = FigureOptions()
            options.show = shown
            options.numbers = !graphAlone && step != 0
            options.shareConstants = shareConstants
            options.names = names
            options.fit = fit.flatMap(FigureOptions.aspect)
            options.edgeLabels = edgeLabels
            options.rankdir = rankdir
            options.theme = FigureTheme.named(theme)!
            options.fontName = font
            options.fontSize = fontSize
            options.dpi = dpi
            options.title = title
            options.collapse = collapse
            if let path = pythonPath, gradient == nil {
                // A Python function: a box per call and loop iteration; iterations past the first few folded.
                let groups = path.figureGroups(unfold: program.unfold, naming: \.flag)
                options.statementGroups = groups.labels
                options.collapse += groups.folded.compactMap { graph.statements.indices.contains($0) ? graph.statements[$0].name : nil }
            }
            options.maxNodes = maxNodes
            options.clusters = !noClusters
            options.backwardPassStart = gradient?.primalCount
            let figure = try GraphFigure(trace, options: options)
            for note in figure.noteMessages { printError("note: " + note.text(naming: \.flag)) }
            if options.numbers { for message in trace.warningMessages() { printError("warning: \(message)") } }

            let name = program.expression == nil && program.file == nil ? "example" : Slug.unique(source.text)
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
                throw .invalidArgument("--step \(step) is out of range: this trace has steps 0 to \(figure.steps.count)")
            }
            let path = out ?? "output/\(name)\(step.map { "-step\($0)" } ?? "").\((format ?? .svg).fileExtension)"
            if out == nil { try AdvizError.writing { try AtomicFile.makeFolder("output") } }
            let fileFormat = format ?? FigureFormat.from(path: path) ?? .svg
            if fileFormat == .tikz {
                if let step, step > 0 { throw .invalidArgument("--step draws one step as svg, png or pdf; --format tikz draws the whole figure (`adviz lesson build --format beamer` draws each step of a lesson)") }
                var tikz = TikZFigure(trace, theme: options.theme, show: shown, rankdir: rankdir)
                tikz.decisions = pythonPath?.branchMarks() ?? []
                try AdvizError.writing { try AtomicFile.write(try tikz.latex(standalone: standalone), to: path) }
                printError("wrote \(path)")
                return
            }
            // Step 0 is the graph alone, laid out for itself (the figure draws no numbers).
            let renderer = try FigureRenderer(figure, forFrames: step.map { $0 > 0 } ?? false)
            let bytes: [UInt8]
            if let step, step > 0 { bytes = try renderer.renderStep(step, fileFormat) } else { bytes = try renderer.render(fileFormat) }
            try AdvizError.writing { try AtomicFile.write(bytes, to: path) }
            printError("wrote \(path)")
        }
    }
}

extension FigureFormat: ExpressibleByArgument {}
extension FigureOptions.EdgeLabels: ExpressibleByArgument {}
