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
              adviz diff --swell
                (the course notes' polynomial 2x³ − 3x² + 5 nested 1 to 6 times)
            """
    )

    @Argument(help: ArgumentHelp("The expression or program (default: the built-in example).", valueName: "expression"))
    var expression: String?

    @Option(name: [.short, .long], help: ArgumentHelp("Read the program from a file.", valueName: "path"))
    var file: String?

    @Option(help: ArgumentHelp("The input to differentiate by (default: every input, one after another).", valueName: "input"))
    var wrt: String?

    @Flag(name: .customLong("no-simplify"), help: "Show the raw rules, without simplifying.")
    var noSimplify = false

    @Option(help: "Output format: text, latex or json.")
    var format: DiffFormat = .text

    @Flag(help: "Measure expression swell: the notes' polynomial (or EXPR, in x) nested 1 to --depth times.")
    var swell = false

    @Option(help: "The deepest nesting for --swell.")
    var depth: Int = 6

    enum DiffFormat: String, ExpressibleByArgument, CaseIterable { case text, latex, json }

    func validate() throws {
        guard (1...12).contains(depth) else { throw ValidationError("--depth must be between 1 and 12") }
    }

    func run() throws {
        try runReportingErrors { () throws(AdvizError) in
            if swell {
                let rows = try ExpressionSwell.measure(expression ?? ExpressionSwell.notesPolynomial, maxDepth: depth)
                FileHandle.standardOutput.write(Data(DiffReport.swellTable(rows, inner: expression ?? ExpressionSwell.notesPolynomial, json: format == .json).utf8))
                return
            }
            let source = try ProgramSource.choose(argument: expression, file: file).load()
            let graph = try Graph(parsing: source.text, name: source.name)
            let variables = try wrt.map { name throws(AdvizError) -> [String] in
                guard graph.inputNames.contains(name) else {
                    throw .usage("--wrt `\(name)` is not an input; the inputs are \(graph.inputNames.map { "`\($0)`" }.joined(separator: ", "))")
                }
                return [name]
            } ?? graph.inputNames
            var derivatives: [SymbolicDerivative] = []
            for v in variables { derivatives.append(try SymbolicDerivative(graph, variable: v, simplify: !noSimplify)) }
            let text = DiffReport.render(derivatives, graph: graph, source: source.text, style: format == .latex ? .latex : .text, json: format == .json)
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
