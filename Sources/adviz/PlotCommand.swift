import AdvizKit
import ArgumentParser
import Foundation

/// `adviz plot`: f and f′ over an interval, or the error of finite differences against h.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Plot f and its derivative (by AD) over an interval, with overlays; or the error study.",
        discussion: """
            Drawn with Cairo to SVG, PNG or PDF (by the file's extension). Without -o the plot goes to output/<expression>-<hash>-plot.svg (a short hash of the program, so two programs never share a file).

            Examples:
              adviz plot "abs(x)" --from -2 --to 2 --numeric central -o output/abs.png
              adviz plot "sin(x)*x" --symbolic
              adviz plot "x1^2*x2" --at 1,3 --wrt x1
                (x2 stays at 3)
              adviz plot "exp(x)*sin(x)" --at 1 --error-study -o output/error.svg
            """
    )

    @OptionGroup var program: ProgramOptions

    @Option(name: [.customShort("o"), .customLong("out")], help: ArgumentHelp("The file to write: .svg, .png or .pdf.", valueName: "path"))
    var out: String?

    @Option(parsing: .unconditional, help: "The interval's left end.")
    var from: Double = -5

    @Option(parsing: .unconditional, help: "The interval's right end.")
    var to: Double = 5

    @Option(help: "Points sampled.")
    var samples: Int = 400

    @Option(help: ArgumentHelp("The input to vary (default: the first); the others stay at their --at values.", valueName: "input"))
    var wrt: String?

    @Flag(help: "Overlay the symbolic derivative (dashed).")
    var symbolic = false

    @Option(help: ArgumentHelp("Overlay a finite-difference estimate as points: forward, backward, central, complex-step, richardson.", valueName: "scheme"))
    var numeric: FiniteDifference?

    @Flag(name: .customLong("error-study"), help: "Plot each scheme's error against h (log–log) at the --at point instead.")
    var errorStudy = false

    @Option(help: ArgumentHelp("A heading.", valueName: "text"))
    var title: String?

    func validate() throws {
        guard from.isFinite, to.isFinite else { throw ValidationError("--from and --to must be finite numbers") }
        guard from < to else { throw ValidationError("--from must be below --to") }
        if let title, let problem = labelProblem(title) { throw ValidationError("--title cannot be used: \(problem)") }
        guard (2...100_000).contains(samples) else { throw ValidationError("--samples must be between 2 and 100000") }
        if let out, !["svg", "png", "pdf"].contains(URL(fileURLWithPath: out).pathExtension.lowercased()) {
            throw ValidationError("cannot tell the format of `\(out)`; use .svg, .png or .pdf")
        }
    }

    func run() throws {
        try runReportingErrors { () throws(AdvizError) in
            let (origin, source, graph) = try program.loadProgram()
            guard graph.inputCount > 0 else { throw .invalidArgument("the program has no input to plot against") }
            // The point is needed for the inputs that stay fixed (and for the error study); one input needs none.
            let point: [Double]
            if let at = program.at {
                point = try PointBinding.bind(at, to: graph.inputNames, what: "--at")
            } else if origin == .example {
                point = try PointBinding.bind(ProgramSource.builtInPoint, to: graph.inputNames)
            } else if graph.inputCount == 1 && !errorStudy {
                point = [0]
            } else {
                throw .invalidArgument("--at is missing: give values for \(graph.inputNames.map { "`\($0)`" }.joined(separator: ", ")) (the inputs not plotted stay there)")
            }
            let name = origin == .example ? "example" : Slug.unique(source.text)
            let basePath = out ?? "output/\(name)-\(errorStudy ? "error" : "plot").svg"
            if out == nil { try AdvizError.writing { try AtomicFile.makeFolder("output") } }
            // One plot per output; with several, each file is named after its output (`plot-y1.svg`).
            for k in graph.outputs.indices {
                let single = graph.keepingOutput(k)
                let canvas: CanvasDrawing
                if errorStudy {
                    let j = try inputIndex(wrt, in: graph)
                    let study = try ErrorStudy(single, at: point, input: j)
                    // As `compare` does: the kink or undefined partial behind what the plot shows.
                    for note in study.notes { printError("note: " + note) }
                    if study.atKink { printError(study.explanation) }
                    canvas = .init(ErrorPlot(study).canvas())
                } else {
                    var options = PlotOptions()
                    options.from = from
                    options.to = to
                    options.samples = samples
                    options.variable = wrt
                    options.symbolic = symbolic
                    options.numeric = numeric
                    let program = source.text.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\n", with: "; ")
                    options.title = title ?? (graph.outputCount > 1 ? "\(graph.outputs[k].name) of \(program)" : "f = \(program)")
                    canvas = .init(try FunctionPlot(single, at: point, options: options).canvas())
                }
                var path = basePath
                if graph.outputCount > 1 {
                    let url = URL(fileURLWithPath: basePath)
                    let stem = url.deletingPathExtension().lastPathComponent + "-" + Slug.make(graph.outputs[k].name)
                    let folder = (basePath as NSString).deletingLastPathComponent
                    path = (folder.isEmpty ? "" : folder + "/") + stem + "." + url.pathExtension
                }
                try AdvizError.writing { try AtomicFile.write(canvas.render(path: path), to: path) }
                printError("wrote \(path)")
            }
        }
    }
}

extension FiniteDifference: ExpressibleByArgument {}
