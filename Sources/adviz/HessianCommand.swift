import AdvizKit
import ArgumentParser
import Foundation

/// `adviz hessian`: second derivatives by forward-over-reverse, with their cost.
struct HessianCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hessian",
        abstract: "The Hessian at a point, by tangent sweeps over the gradient graph (forward-over-reverse).",
        discussion: """
            The backward pass is a graph of its own (see `adviz render --gradient-graph`); one \
            tangent sweep over it is a Hessian-vector product H·u, and n of them, one per input, \
            give the whole Hessian. The report checks its symmetry and counts what it cost against \
            forward-over-forward, reverse-over-reverse and symbolic second derivatives.

            Examples:
              adviz hessian "log(x1*x2) + sin(x2)" --at 2,5
              adviz hessian "x1^2*x2 + exp(x1*x2)" --at 1,0.5 --format json
              adviz hessian "abs(x)" --at 0
                (0, with the kink's warning)
            """
    )

    @OptionGroup var program: ProgramOptions

    @Option(help: ArgumentHelp("The output to differentiate twice (default: the first).", valueName: "name"))
    var of: String?

    @Option(help: "Output format: text, markdown, latex or json.")
    var format: ReportFormat = .text

    @Option(help: "Significant digits shown (1-17).")
    var precision: Int = 6

    func validate() throws {
        guard (1...17).contains(precision) else { throw ValidationError("--precision must be between 1 and 17, got \(precision)") }
    }

    func run() throws {
        try runReportingErrors { () throws(AdvizError) in
            let (source, graph, point) = try program.load()
            guard graph.outputCount > 0 else { throw .invalidArgument("the program has no outputs: name one with --output") }
            guard graph.inputCount > 0 else { throw .invalidArgument("the program has no inputs: its Hessian is empty") }
            var output = 0
            if let of {
                guard let k = graph.outputs.firstIndex(where: { $0.name == of }) else {
                    throw .invalidArgument("--of `\(of)` is not an output; the outputs are \(graph.outputs.map { "`\($0.name)`" }.joined(separator: ", "))")
                }
                output = k
            }
            let gradientGraph = try GradientGraph(of: graph, output: output)
            let result = HessianSweep.hessian(gradientGraph, at: point)
            // Symbolic second derivatives, for the cost table: small programs only (they swell).
            var symbolicNodes: Int? = nil
            if graph.nodes.count <= 400, graph.inputCount <= 12 {
                symbolicNodes = try? SymbolicSecondDerivatives(graph, output: output).dagNodes
            }
            let report = HessianReport(
                gradientGraph: gradientGraph, point: point, result: result, symbolicNodes: symbolicNodes,
                source: source.text.replacingNewlines(),
                numberFormat: NumberFormat(significantDigits: precision))
            try writeStandardOutput(report.render(format))
            if format != .json { for message in report.warningMessages() { printError("warning: \(message)") } }
        }
    }
}
