import AdvizKit
import ArgumentParser
import Foundation

/// The options every command that reads a program shares: the program, the point, the outputs.
struct ProgramOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("The program: an expression, or statements separated by `;` or newlines (a line that starts with + - * / ^ continues the one above); `-` reads standard input. An expression may start with a minus (`\"-x^2\"`); after `--`, every word is the expression.", valueName: "expression"))
    var expression: String?

    @Option(name: [.short, .long], help: ArgumentHelp("Read the program from a file (`-` for standard input).", valueName: "path"))
    var file: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("The point: values by position, in input order (x1, x2, …, x10, then the other names alphabetically: `b*w*x` takes b, w, x), or by name (`x2=5,x1=2`).", valueName: "values"))
    var at: String?

    @Option(name: .customLong("output"), help: ArgumentHelp("The statements that are outputs (default: the named statements nothing later reads, and the last). Repeat or separate with commas.", valueName: "name"))
    var outputs: [String] = []

    @Flag(name: .customLong("no-share"), help: "Keep identical subexpressions as separate nodes (a tree, not a DAG).")
    var noShare = false

    @Option(help: ArgumentHelp("With a Python file: the function to trace (default: the file's last `def`). Its parameters are the inputs, in order.", valueName: "name"))
    var function: String?

    @Flag(help: "With a Python function: show every iteration of its loops in the path (default: the first 3 of each, then `… N more`).")
    var unfold = false

    /// The program's source and its graph (no point: for commands that take many, or none).
    func loadGraph() throws(AdvizError) -> (source: SourceText, graph: Graph) {
        let loaded = try loadAll()
        return (loaded.source, loaded.graph)
    }

    /// Where the program came from, its source and its graph.
    func loadProgram() throws(AdvizError) -> (origin: ProgramSource, source: SourceText, graph: Graph) {
        let loaded = try loadAll()
        return (loaded.origin, loaded.source, loaded.graph)
    }

    /// A program as loaded: where it came from, its source, its graph, and — for a Python
    /// function — the path it takes at the point (its source is then the path's straight-line program).
    struct Loaded {
        var origin: ProgramSource
        var source: SourceText
        var graph: Graph
        var path: PythonPath?
    }

    /// Loads the program. A Python function is run at `--at` (or, for commands without a point,
    /// anywhere if its path does not depend on the point) and its path becomes the program.
    func loadAll() throws(AdvizError) -> Loaded {
        let origin = try ProgramSource.choose(argument: expression, file: file)
        var source = try origin.load()
        let path = try PythonFrontEnd.path(of: source, function: function, at: at)
        if let path { source = path.program }
        let program: Program
        do {
            program = try Program.parse(source)
        } catch {
            throw .input(error, source)
        }
        var requested = outputs.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
        if requested.isEmpty, let path { requested = [path.output] }
        let graph = try Graph(program: program, options: GraphOptions(sharing: !noShare, outputs: requested.isEmpty ? nil : requested, inputs: path?.parameters))
        let style = TerminalStyle(enabled: TerminalStyle.shouldColor(isTerminal: Terminal.isErrorTerminal, environment: ProcessInfo.processInfo.environment))
        if !graph.warnings.isEmpty {
            for warning in graph.warnings {
                let text = source.render(warning, severity: "warning")
                printError(style.apply(.warning, "warning:") + text.dropFirst("warning:".count))
            }
        }
        if let path {
            for note in path.notes { printError("note: " + note) }
            for kink in path.kinks { printError(style.apply(.warning, "warning:") + " " + kink) }
            if path.branchesOnInputs {
                printError("note: `\(path.function)` branches on its inputs: this is the path it takes at the point, and what follows holds where \(path.conditionsText)")
            }
        }
        return Loaded(origin: origin, source: source, graph: graph, path: path)
    }

    /// The program's source, the graph, and the point it is evaluated at.
    func load() throws(AdvizError) -> (source: SourceText, graph: Graph, point: [Double]) {
        let loaded = try loadWithPath()
        return (loaded.source, loaded.graph, loaded.point)
    }

    /// ``load()`` with the Python path, for the commands that show it.
    func loadWithPath() throws(AdvizError) -> (source: SourceText, graph: Graph, point: [Double], path: PythonPath?) {
        let loaded = try loadAll()
        let (origin, source, graph) = (loaded.origin, loaded.source, loaded.graph)
        let pointText: String
        if let at {
            pointText = at
        } else if origin == .example {
            pointText = ProgramSource.builtInPoint
        } else if graph.inputCount == 0 {
            pointText = ""
        } else {
            throw .invalidArgument("--at is missing: give a value for \(graph.inputNames.map { "`\($0)`" }.joined(separator: ", ")), e.g. --at \(graph.inputNames.map { _ in "1" }.joined(separator: ","))")
        }
        return (source, graph, try PointBinding.bind(pointText, to: graph.inputNames, what: "--at"), loaded.path)
    }
}

/// The seeds of the sweeps and the digits shown: shared by `trace` and `render`.
struct SeedOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The input to differentiate by in the tangent trace (the seed ẋ = 1 for it, 0 for the others).", valueName: "input"))
    var wrt: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("The tangent trace's input direction, one number per input (`1,0`) or by name.", valueName: "values"))
    var seed: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("The adjoint trace's output seed ȳ, one number per output (default: 1 for the first output).", valueName: "values"))
    var ybar: String?

    @Option(help: "Significant digits shown (1-17).")
    var precision: Int = 4

    func validate() throws {
        guard (1...17).contains(precision) else { throw ValidationError("--precision must be between 1 and 17, got \(precision)") }
        if wrt != nil && seed != nil { throw ValidationError("give either --wrt or --seed, not both") }
    }

    /// The trace options these seeds make for `graph`.
    func traceOptions(for graph: Graph, mode: TraceMode) throws(AdvizError) -> TraceOptions {
        var options = TraceOptions(mode: mode, numberFormat: NumberFormat(significantDigits: precision))
        if let wrt {
            let index = try inputIndex(wrt, in: graph)
            options.seed = ForwardSweep.unitSeed(index, inputs: graph.inputCount)
        }
        if let seed { options.seed = try PointBinding.bind(seed, to: graph.inputNames, what: "--seed", unnamedAreZero: true) }
        if let ybar { options.outputSeed = try PointBinding.bind(ybar, to: graph.outputs.map(\.name), what: "--ybar", kind: "output", unnamedAreZero: true) }
        return options
    }
}

/// A heading for output `k`'s section when a command treats every output in turn (nil for one output).
func outputHeading(_ graph: Graph, _ k: Int, format: ReportFormat = .text) -> String? {
    guard graph.outputCount > 1 else { return nil }
    let name = graph.outputs[k].name
    switch format {
    case .text: return "Output \(name) (\(k + 1) of \(graph.outputCount))"
    case .markdown: return "## Output `\(name)`"
    case .latex: return "% output \(name)"
    case .json: return nil
    }
}

/// The index of the input named by `--wrt` (the first input when none is named).
func inputIndex(_ name: String?, in graph: Graph) throws(AdvizError) -> Int {
    guard let name else { return 0 }
    guard let j = graph.inputNames.firstIndex(of: name) else {
        if graph.inputCount == 0 { throw .invalidArgument("--wrt `\(name)`: the program has no inputs, so there is nothing to differentiate by (its derivative is 0)") }
        let hint = Suggestion.closest(to: name, among: graph.inputNames).map { "did you mean `\($0)`? " } ?? ""
        throw .invalidArgument("--wrt `\(name)` is not an input; \(hint)the inputs are \(graph.inputNames.map { "`\($0)`" }.joined(separator: ", "))")
    }
    return j
}

/// Runs a command body, turning adviz's errors into a message on stderr and a sysexits code.
func runReportingErrors(_ body: () throws(AdvizError) -> Void) throws {
    do {
        try body()
    } catch {
        let color = TerminalStyle(enabled: TerminalStyle.shouldColor(isTerminal: Terminal.isErrorTerminal, environment: ProcessInfo.processInfo.environment))
        var message = error.rendered(naming: \.flag)
        if message.hasPrefix("error:") { message = color.apply(.error, "error:") + message.dropFirst(6) }
        FileHandle.standardError.write(Data(message.utf8))
        throw ExitCode(error.exitCode)
    }
}

extension AdvizError {
    /// The sysexits code the command exits with, as swift-argument-parser uses them: 64 a
    /// wrong option or value, 65 bad input, 66 a missing input file, 73 an output that cannot be
    /// created, 74 one that cannot be written, 70 a limit reached.
    var exitCode: Int32 {
        switch self {
        case .invalidArgument: 64
        case .input: 65
        case .missingInput: 66
        case .cannotCreate: 73
        case .cannotWrite: 74
        case .badInput: 65
        case .limit: 70
        }
    }
}

extension Setting {
    /// The command-line flag that gives the setting.
    var flag: String {
        switch self {
        case .order: "--order"
        case .function: "--function"
        case .file: "--file"
        case .at: "--at"
        case .ybar: "--ybar"
        case .from: "--from"
        case .to: "--to"
        case .samples: "--samples"
        case .collapse: "--collapse"
        case .engine: "--engine"
        case .maxNodes: "--max-nodes"
        case .edgeLabels: "--edge-labels"
        case .unfold: "--unfold"
        }
    }
}

/// Writes the command's result to standard output; a full disk or a closed pipe is an error that
/// says so (exit 74), never a crash.
func writeStandardOutput(_ text: String) throws(AdvizError) {
    do {
        try FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
    } catch {
        throw .cannotWrite("cannot write to standard output: \((error as NSError).localizedDescription)")
    }
}

/// Writes text to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}

/// How a command decides on colour: `--color auto|always|never`.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never

    func style(isTerminal: Bool) -> TerminalStyle {
        switch self {
        case .always: TerminalStyle(enabled: true)
        case .never: .plain
        case .auto: TerminalStyle(enabled: TerminalStyle.shouldColor(isTerminal: isTerminal, environment: ProcessInfo.processInfo.environment))
        }
    }
}

extension ReportFormat: ExpressibleByArgument {}
extension TraceMode: ExpressibleByArgument {}
extension BackwardAlgorithm: ExpressibleByArgument {}

/// `--gradient-graph`: replace the program's graph by its gradient graph (f, then the backward
/// pass as nodes), which `render`, `trace` and `codegen` then treat like any other graph.
struct GradientGraphOptions: ParsableArguments {
    @Flag(name: .customLong("gradient-graph"), help: "Use the gradient graph: f's nodes, then the backward pass (every adjoint v̄ᵢ and its sum) as nodes of its own; its outputs are f and ∂f/∂xⱼ.")
    var enabled = false

    /// `graph`, or its gradient graph (of the first output) when the flag is given.
    func apply(to graph: Graph) throws(AdvizError) -> (graph: Graph, gradient: GradientGraph?) {
        guard enabled else { return (graph, nil) }
        guard graph.outputCount > 0 else { throw .invalidArgument("the program has no outputs: name one with --output") }
        if graph.outputCount > 1 { printError("note: --gradient-graph differentiates the first output, `\(graph.outputs[0].name)` (choose another with --output)") }
        let gradient = try GradientGraph(of: graph, output: 0)
        return (gradient.graph, gradient)
    }
}
