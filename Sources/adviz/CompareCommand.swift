import AdvizKit
import ArgumentParser
import Foundation

/// `adviz compare`: automatic, symbolic and numerical derivatives side by side.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare automatic, symbolic and numerical differentiation at a point.",
        discussion: """
            Examples:
              adviz compare
                (the built-in example at (2, 5))
              adviz compare "x^2" --at 3 --error-study
              adviz compare "abs(x)" --at 0
                (the kink: what each method answers)
              adviz compare "sin(x1)*x2" --at 1,2 --step 1e-4 --format markdown
            """
    )

    @OptionGroup var program: ProgramOptions

    @Option(help: ArgumentHelp("One step h for every finite-difference scheme (default: chosen per scheme).", valueName: "h"))
    var step: Double?

    @Flag(name: .customLong("error-study"), help: "Also tabulate each scheme's error for h = 1e-1 … 1e-15.")
    var errorStudy = false

    @Option(help: ArgumentHelp("The input for --error-study (default: the first).", valueName: "input"))
    var wrt: String?

    @Option(help: "Output format: text, markdown, latex or json.")
    var format: ReportFormat = .text

    @Option(help: "Colour: auto, always or never.")
    var color: ColorChoice = .auto

    func validate() throws {
        if let step { guard step > 0, step.isFinite else { throw ValidationError("--step must be a positive number") } }
    }

    func run() throws {
        try runReportingErrors { () throws(AdvizError) in
            let (_, graph, point, path) = try program.loadWithPath()
            guard graph.inputCount > 0 else { throw .invalidArgument("the program has no inputs to differentiate by") }
            let style = format == .text ? color.style(isTerminal: Terminal.isOutputTerminal) : .plain
            // Every output in turn, a section each (JSON: an array of the single-output objects).
            var sections: [String] = []
            for k in graph.outputs.indices {
                let single = graph.keepingOutput(k)
                var text = try Comparison(single, at: point, step: step).render(format, style: style)
                if errorStudy {
                    let j = try inputIndex(wrt, in: graph)
                    text += (format == .text ? "\n" : "") + (try ErrorStudy(single, at: point, input: j).render(format, style: style))
                }
                if let heading = outputHeading(graph, k, format: format) { text = style.apply(.heading, heading) + "\n\n" + text }
                sections.append(text)
            }
            let text = format == .json && sections.count > 1
                ? "[\n" + sections.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ",\n") + "\n]\n"
                : sections.joined(separator: "\n")
            try writeStandardOutput(text + (try pythonDifferences(path, graph: graph, point: point)))
        }
    }

    /// For a Python function that branches on its inputs: finite differences of the function
    /// itself, whose evaluations may take another path near a branch boundary (the table above
    /// differences the path taken at the point).
    private func pythonDifferences(_ path: PythonPath?, graph: Graph, point: [Double]) throws(AdvizError) -> String {
        guard let path, path.branchesOnInputs, format == .text else { return "" }
        let module = try PythonModule.parse(try ProgramSource.choose(argument: program.expression, file: program.file).load())
        let lines = try module.differencesLines(path, inputs: graph.inputNames, at: point, gradient: try Trace(graph, at: point).gradient, step: step)
        return lines.joined(separator: "\n") + "\n"
    }
}
