import AdvizKit
import ArgumentParser
import Foundation

/// `adviz grad`: values and gradients at many points, compiled or interpreted.
struct GradCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grad",
        abstract: "Values and gradients of an expression at many points (a grid or a CSV file), fast.",
        discussion: """
            The derivative program is compiled with the toolchain's clang (cached, loaded in \
            process) and run on all cores; without a compiler, or with --engine interpreted, a \
            vectorised interpreter runs the tape over blocks of points.

            Examples:
              adviz grad "x^2" --grid -5:5:1000000 --summary
              adviz grad "x1*x2 + sin(x1)" --grid -1:1:101 --grid 0:2:101 -o grad.csv
              adviz grad "log(x1*x2)+sin(x2)" --input points.csv
              adviz grad "2*x^3 - 3*x^2 + 5" --grid -5:5:11 --method central
              adviz grad "a = x1*x2; y1 = sin(a); y2 = a^2" --grid 0:1:3 --grid 1:2:3
                (columns y1, dy1/dx1, dy1/dx2, y2, dy2/dx1, dy2/dx2)

            Compiled kernels keep IEEE arithmetic in the tape's order, so they give the trace's \
            numbers; --fast-math trades that for speed.
            """
    )

    @OptionGroup var program: ProgramOptions

    @Option(parsing: .unconditionalSingleValue, help: ArgumentHelp("A grid start:stop:count, one per input in order (or name=start:stop:count); several make their product.", valueName: "grid"))
    var grid: [String] = []

    @Option(help: ArgumentHelp("Read the points from a CSV file (`-` for standard input): a header of input names, or columns in input order.", valueName: "path"))
    var input: String?

    @Option(help: "How to differentiate: reverse, forward, central or symbolic.")
    var method: DerivativeMethod = .reverse

    @Option(help: "auto (compiled where a compiler exists), compiled or interpreted.")
    var engine: EngineChoice = .auto

    @Option(help: "Threads to use (default: one per core).")
    var threads: Int?

    @Flag(help: "Compile the kernel with -ffast-math-style flags (reassociation, reciprocals, fused multiply-adds): faster, but its numbers may differ from the trace's.")
    var fastMath = false

    @Flag(help: "Print a summary (ranges, timing, engine) instead of the CSV.")
    var summary = false

    @Option(name: [.short, .customLong("output-file")], help: ArgumentHelp("Write the CSV to this file (atomically).", valueName: "path"))
    var outputFile: String?

    func validate() throws {
        if program.at != nil { throw ValidationError("grad takes many points, not --at: give them with --grid start:stop:count or --input file.csv (for one point, `adviz trace … --at …`)") }
        if fastMath && engine == .interpreted { throw ValidationError("--fast-math applies to the compiled kernel, not --engine interpreted") }
        if grid.isEmpty && input == nil { throw ValidationError("give the points with --grid start:stop:count or --input file.csv") }
        if !grid.isEmpty && input != nil { throw ValidationError("give either --grid or --input, not both") }
        if input == "-" && (program.expression == "-" || program.file == "-") {
            throw ValidationError("the program and --input cannot both be read from standard input")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        try runReportingErrors { () throws(AdvizError) in
            let (_, graph) = try program.loadGraph()
            guard graph.inputCount > 0 else { throw .usage("the expression has no inputs to differentiate by") }
            let points: PointColumns
            if let input {
                let name = input == "-" ? "standard input" : "`\(input)`"
                let text = try InputFile.text(try InputFile.read(input), name: name)
                points = try PointGrid.points(csv: text, path: input == "-" ? "<stdin>" : input, inputs: graph.inputNames)
            } else {
                points = try PointGrid.points(grids: grid, inputs: graph.inputNames)
            }
            // One engine per output: each differentiates its own output, all on the same points.
            var results: [GradientColumns] = []
            for k in graph.outputs.indices {
                let gradientEngine = try GradientEngine(
                    graph, output: k, choice: engine, symbolic: method == .symbolic, threads: threads, math: fastMath ? .fast : .strict
                ) { printError($0) }
                results.append(try gradientEngine.gradient(at: points, method: method))
            }
            let report = GradientReport(graph: graph, points: points, results: results, method: method)
            let text = summary ? report.summary() : report.csv()
            if let outputFile {
                try AtomicFile.write(text, to: outputFile)
            } else {
                try writeStandardOutput(text)
            }
        }
    }
}
