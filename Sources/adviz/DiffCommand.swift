import AdvizKit
import ArgumentParser
import Foundation

/// `adviz diff`: the symbolic derivative, and how big it gets.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Differentiate symbolically, by the same rules AD uses, and measure expression swell.",
        discussion: """
            Examples:
              adviz diff "x^3*sin(x)"
              adviz diff "log(x1*x2)+sin(x2)" --wrt x2 --format latex
              adviz diff "abs(x)"
                (sign(x), and where it does not exist)
              adviz diff "x1^2*x2" --at 3,2
                (the derivatives, then their values at the point)
              adviz diff "x1^2*sin(x2)" --order 2 --at 1,2
                (the second derivatives ∂²f/∂xᵢ∂xⱼ, their values, and how they swell)
              adviz diff --swell
                (the course notes' polynomial 2x³ − 3x² + 5 nested 1 to 6 times)
            """
    )

    @OptionGroup var program: ProgramOptions

    @Option(help: ArgumentHelp("The input to differentiate by (default: every input, one after another).", valueName: "input"))
    var wrt: String?

    @Flag(name: .customLong("no-simplify"), help: "Show the raw rules, without simplifying.")
    var noSimplify = false

    @Option(help: "Output format: text, latex or json.")
    var format: DiffFormat = .text

    @Flag(help: "Measure expression swell: the notes' polynomial (or EXPR, in x) nested 1 to --depth times.")
    var swell = false

    @Option(help: "1 for the gradient, 2 for the second derivatives ∂²f/∂xᵢ∂xⱼ (i ≤ j).")
    var order: Int = 1

    @Option(help: "The deepest nesting for --swell.")
    var depth: Int = 6

    @Option(help: ArgumentHelp("The most nodes a symbolic derivative may hold (shared subexpressions once); past it adviz stops with exit 70 instead of building for minutes.", valueName: "count"))
    var maxNodes: Int = SymbolicDerivative.nodeLimit

    enum DiffFormat: String, ExpressibleByArgument, CaseIterable { case text, latex, json }

    func validate() throws {
        guard (1...12).contains(depth) else { throw ValidationError("--depth must be between 1 and 12") }
        guard maxNodes >= 1 else { throw ValidationError("--max-nodes must be at least 1, got \(maxNodes)") }
        guard (1...2).contains(order) else { throw ValidationError("--order must be 1 or 2, got \(order)") }
        if order == 2 && (swell || wrt != nil) { throw ValidationError("--order 2 gives every second derivative; it takes neither --swell nor --wrt") }
    }

    func run() throws {
        try runReportingErrors { () throws(AdvizError) in
            if swell {
                let inner = program.expression ?? ExpressionSwell.notesPolynomial
                let rows = try ExpressionSwell.measure(inner, maxDepth: depth)
                try writeStandardOutput(DiffReport.swellTable(rows, inner: inner, json: format == .json))
                return
            }
            if program.at == nil, order == 1, let pieces = try piecewise() {
                try writeStandardOutput(pieces)
                return
            }
            let (origin, source, graph) = try program.loadProgram()
            var point: [Double]? = nil
            if let at = program.at {
                point = try PointBinding.bind(at, to: graph.inputNames, what: "--at")
            } else if origin == .example {
                point = try PointBinding.bind(ProgramSource.builtInPoint, to: graph.inputNames)
            }
            let variables = try wrt.map { name throws(AdvizError) -> [String] in
                guard graph.inputNames.contains(name) else {
                    throw .invalidArgument(graph.inputCount == 0
                        ? "--wrt `\(name)`: the program has no inputs (its derivative is 0)"
                        : "--wrt `\(name)` is not an input; the inputs are \(graph.inputNames.map { "`\($0)`" }.joined(separator: ", "))")
                }
                return [name]
            } ?? graph.inputNames
            if order == 2 {
                var sections: [String] = []
                for k in graph.outputs.indices {
                    let second = try SymbolicSecondDerivatives(graph, output: k, simplify: !noSimplify, limit: maxNodes)
                    sections.append(second.render(source: source.text, point: point, style: format == .latex ? .latex : .text, json: format == .json))
                }
                // Several outputs in JSON: one array of their objects, as --order 1 writes them.
                let text = format == .json && sections.count > 1
                    ? "[\n" + sections.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ",\n") + "\n]\n"
                    : sections.joined(separator: format == .json ? "" : "\n")
                try writeStandardOutput(text)
                return
            }
            // Every output in turn, a section each.
            var sections: [String] = []
            for k in graph.outputs.indices {
                var derivatives: [SymbolicDerivative] = []
                for v in variables { derivatives.append(try SymbolicDerivative(graph, output: k, variable: v, simplify: !noSimplify, limit: maxNodes)) }
                sections.append(DiffReport.render(
                    derivatives, graph: graph, output: k, source: source.text, point: point,
                    style: format == .latex ? .latex : .text, json: format == .json))
            }
            let text = format == .json && sections.count > 1
                ? "[\n" + sections.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ",\n") + "\n]\n"
                : sections.joined(separator: format == .json ? "" : "\n")
            try writeStandardOutput(text)
        }
    }

    /// A Python function that branches on its inputs, without a point: one derivative per path,
    /// each with the conditions under which the function takes it (a piecewise result), never one
    /// formula for all. Nil for anything else.
    private func piecewise() throws(AdvizError) -> String? {
        let source = try ProgramSource.choose(argument: program.expression, file: program.file).load()
        guard PythonDetection.isPython(source) else { return nil }
        let module = try PythonModule.parse(source)
        let (found, complete) = try module.paths(function: program.function)
        guard found.count > 1 || found.first?.branchesOnInputs == true, let function = found.first?.function else { return nil }
        // Combinations of branches no input reaches (`x > 0`, then `x < -1`) are no piece.
        var paths: [PythonPath] = []
        var dropped: [String] = []
        for path in found {
            if let contradiction = PathFeasibility.contradiction(in: path, module: module) { dropped.append(contradiction) } else { paths.append(path) }
        }
        var out = "`\(function)` branches on its inputs: one derivative per path (\(paths.count)\(complete ? "" : ", the first found; there are more")), each where its conditions hold\n"
        var pieces: [String] = []
        for path in paths {
            let conditions = path.conditions.isEmpty ? "always" : path.conditionsText
            let quoted = JSONValue.array(path.conditions.map { .string($0) }).serialized(pretty: false)
            if let failure = path.failure {
                out += "\nwhere \(conditions): no derivative (\(failure))\n"
                pieces.append("{\"conditions\": \(quoted), \"failure\": \(JSONValue.string(failure).serialized(pretty: false))}")
                continue
            }
            let parsed: Program
            do { parsed = try Program.parse(path.program) } catch { throw .input(error, path.program) }
            let graph = try Graph(program: parsed, options: GraphOptions(outputs: [path.output], inputs: path.parameters))
            let variables = wrt.map { [$0] } ?? graph.inputNames
            var derivatives: [SymbolicDerivative] = []
            for v in variables where graph.inputNames.contains(v) {
                derivatives.append(try SymbolicDerivative(graph, output: 0, variable: v, simplify: !noSimplify, limit: maxNodes))
            }
            out += "\nwhere " + conditions + ":\n"
            out += DiffReport.render(derivatives, graph: graph, output: 0, source: path.program.text, point: nil, style: format == .latex ? .latex : .text, json: false)
            let json = DiffReport.render(derivatives, graph: graph, output: 0, source: path.program.text, point: nil, style: .text, json: true)
            pieces.append("{\"conditions\": \(quoted), \"derivative\": \(json.trimmingCharacters(in: .whitespacesAndNewlines))}")
        }
        if !dropped.isEmpty {
            out += "\n\(dropped.count) combination\(dropped.count == 1 ? "" : "s") of branches dropped: no input takes \(dropped.count == 1 ? "it" : "them") (\(dropped.joined(separator: "; ")) cannot hold together); \(PathFeasibility.scope)\n"
        }
        guard format == .json else { return out }
        let droppedJSON = JSONValue.array(dropped.map { .string($0) }).serialized(pretty: false)
        return "{\"function\": \(JSONValue.string(function).serialized(pretty: false)), \"complete\": \(complete), \"pieces\": [\n"
            + pieces.joined(separator: ",\n") + "\n], \"dropped\": \(droppedJSON)}\n"
    }
}
