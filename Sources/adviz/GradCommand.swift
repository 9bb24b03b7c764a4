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
            let origin = try ProgramSource.choose(argument: program.expression, file: program.file)
            if let grouped = try perPathGradients(try origin.load()) {
                let report = GradientReport(graph: grouped.0, points: grouped.1, results: [grouped.2], method: method)
                try write(summary ? report.summary() : report.csv())
                return
            }
            let (_, graph) = try program.loadGraph()
            guard graph.inputCount > 0 else { throw .invalidArgument("the expression has no inputs to differentiate by") }
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
                    graph, output: k, choice: engine, symbolic: method == .symbolic, threads: threads, math: fastMath ? .fast : .strict,
                    note: { printError($0) }, naming: \.flag
                )
                results.append(try gradientEngine.gradient(at: points, method: method))
            }
            let report = GradientReport(graph: graph, points: points, results: results, method: method)
            try write(summary ? report.summary() : report.csv())
        }
    }

    private func write(_ text: String) throws(AdvizError) {
        if let outputFile {
            try AdvizError.writing { try AtomicFile.write(text, to: outputFile) }
        } else {
            try writeStandardOutput(text)
        }
    }

    /// A Python function that branches on its inputs: the function is run at every point to
    /// find the path it takes there, and the points of each path share that path's tape and
    /// engine. Nil for anything else (one tape serves every point).
    private func perPathGradients(_ source: SourceText) throws(AdvizError) -> (Graph, PointColumns, GradientColumns)? {
        guard PythonDetection.isPython(source) else { return nil }
        let module = try PythonModule.parse(source)
        let chosen = try module.function(named: program.function)
        guard try module.trace(function: chosen.name, at: Array(repeating: 1, count: chosen.parameters.count)).branchesOnInputs else { return nil }
        guard !chosen.parameters.isEmpty else { return nil }
        let points: PointColumns
        if let input {
            guard let data = FileManager.default.contents(atPath: input) else { throw .missingInput("cannot read `\(input)`") }
            points = try PointGrid.points(csv: String(decoding: data, as: UTF8.self), path: input, inputs: chosen.parameters)
        } else {
            points = try PointGrid.points(grids: grid, inputs: chosen.parameters)
        }
        if let compiled = try controlFlowGradients(module, function: chosen.name, points: points) { return compiled }
        let started = Date()
        var groups: [String: (path: PythonPath, indices: [Int])] = [:]
        var order: [String] = []
        for i in 0..<points.count {
            let path = try module.trace(function: chosen.name, at: points.columns.map { $0[i] })
            if groups[path.signature] == nil { groups[path.signature] = (path, []); order.append(path.signature) }
            groups[path.signature]!.indices.append(i)
        }
        let findSeconds = Date().timeIntervalSince(started)
        var merged: GradientColumns?
        var firstGraph: Graph?
        var values = [Double](repeating: .nan, count: points.count)
        var gradients = [[Double]](repeating: values, count: chosen.parameters.count)
        var engines = Set<String>()
        var seconds = findSeconds, compileSeconds = 0.0
        for key in order {
            let (path, indices) = groups[key]!
            let graph = try pathGraph(path)
            firstGraph = firstGraph ?? graph
            let subset = PointColumns(columns: points.columns.map { column in indices.map { column[$0] } })
            // Many paths would compile many kernels: past a few, the interpreter runs them.
            let choice: EngineChoice = engine == .auto && order.count > 4 ? .interpreted : engine
            let gradientEngine = try GradientEngine(
                graph, output: 0, choice: choice, symbolic: method == .symbolic, threads: threads, math: fastMath ? .fast : .strict,
                note: { printError($0) }, naming: \.flag
            )
            let result = try gradientEngine.gradient(at: subset, method: method)
            for (k, i) in indices.enumerated() {
                if !result.values.isEmpty { values[i] = result.values[k] }
                for j in gradients.indices { gradients[j][i] = result.gradients[j][k] }
            }
            engines.insert(result.engine)
            seconds += result.seconds
            compileSeconds += result.compileSeconds
            merged = merged ?? result
        }
        guard var result = merged, let graph = firstGraph else { return nil }
        result.values = values
        result.gradients = gradients
        result.seconds = seconds
        result.compileSeconds = compileSeconds
        let ms = NumberFormat(significantDigits: 3).string(findSeconds * 1000)
        result.engine = engines.sorted().joined(separator: ", ") + "; \(order.count) path\(order.count == 1 ? "" : "s") (`\(chosen.name)` branches on its inputs: it was run at each point to find its path, \(ms) ms, and each path's points share one tape)"
        printError("note: `\(chosen.name)` branches on its inputs: its \(points.count) points take \(order.count) path\(order.count == 1 ? "" : "s"), each differentiated on its own tape")
        return (graph, points, result)
    }

    /// The reverse gradient by one compiled kernel that keeps the function's loops and branches,
    /// each point on its own path; nil where it cannot be built under `--engine auto` (the
    /// points are then grouped by path, which says what that costs).
    private func controlFlowGradients(_ module: PythonModule, function: String, points: PointColumns) throws(AdvizError) -> (Graph, PointColumns, GradientColumns)? {
        guard engine != .interpreted, method == .reverse, !program.noShare, !fastMath, points.count > 0 else { return nil }
        let result: GradientColumns
        do {
            result = try PythonGradients.compiled(module, function: function, points: points, threads: threads)
        } catch {
            if case .input = error { throw error }
            if engine == .compiled { throw error }
            printError("note: \(error); the points are grouped by path instead")
            return nil
        }
        let graph = try pathGraph(try module.trace(function: function, at: points.columns.map { $0[0] }))
        printError("note: `\(function)` branches on its inputs: one kernel keeps its loops and branches, and each of the \(points.count) points follows its own path")
        return (graph, points, result)
    }

    private func pathGraph(_ path: PythonPath) throws(AdvizError) -> Graph {
        let parsed: Program
        do { parsed = try Program.parse(path.program) } catch { throw .input(error, path.program) }
        return try Graph(program: parsed, options: GraphOptions(sharing: !program.noShare, outputs: [path.output], inputs: path.parameters))
    }
}
