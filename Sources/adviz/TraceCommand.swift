import AdvizKit
import ArgumentParser
import Foundation

/// `adviz trace`: the forward primal, forward tangent and reverse adjoint traces of a program.
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Print the forward and reverse traces of an expression, step by step.",
        discussion: """
            Examples:
              adviz trace
                (the built-in example at (2, 5))
              adviz trace "log(x1*x2)+sin(x2)" --at 2,5
              adviz trace "x1*x2 + sin(x1)" --at x1=1,x2=3 --wrt x2
              adviz trace "a = x1*x2; y1 = sin(a); y2 = a^2" --at 2,3 \\
                  --mode reverse --ybar 0,1
              adviz trace -f prog.adv --at 1,2 --format json
              adviz trace -f lab.py --function f_polynomial --at 2
                (a Python function: the path it takes at the point, loops unrolled)
              adviz trace "x1*x2 + sin(x1)" --at 2,5 --order 2
                (adds the backward pass as nodes, their tangents, H·ẋ and the Hessian)
              adviz trace "log(x1*x2)+sin(x2)" --at 2,5 --accumulate
                (the reverse sweep as a tape runs it: v̄₀ += v̄₃·∂v₃/∂v₀, one edge at a time)
              adviz trace "log(x1*x2)+sin(x2)" --at 2,5 --backward recursive-overwrite
                (the course notes' ReverseDiff.backward, grad = g: its visits and its wrong ∂y/∂x2)
            """
    )

    @OptionGroup var program: ProgramOptions

    @Option(help: "Which sweeps to show: forward, reverse or both.")
    var mode: TraceMode = .both

    @Option(help: "Output format: text, markdown, latex or json.")
    var format: ReportFormat = .text

    @Option(help: ArgumentHelp("2 adds the second-order rows: the backward pass as nodes (the gradient graph) with their tangents along the seed, H·ẋ and the Hessian (forward over reverse); JSON gains `hessian` and `second_order`.", valueName: "1|2"))
    var order: Int = 1

    @OptionGroup var seeds: SeedOptions

    @Flag(help: "Add the reverse sweep as increments in the order a tape runs them (v̄₀ += v̄₃·∂v₃/∂v₀ = 0 + 1·cos(5) = 0.2837), each adjoint starting at 0.")
    var accumulate = false

    @Option(help: ArgumentHelp("The backward pass shown: tape (each edge once, +=: what adviz does), recursive (the notes' recursion with +=, one visit per path) or recursive-overwrite (the notes' ReverseDiff.backward as written, grad = g: a node reached twice keeps the last path's share).", valueName: "tape|recursive|recursive-overwrite"))
    var backward: BackwardAlgorithm = .tape
    @OptionGroup var gradientGraph: GradientGraphOptions

    @Flag(help: "With --format latex: a whole document (article class, amsmath and amssymb) that pdflatex compiles as it is.")
    var standalone = false

    @Option(help: "Colour: auto (on a terminal, unless NO_COLOR is set), always or never.")
    var color: ColorChoice = .auto

    @Option(help: ArgumentHelp("The text width for laying tables side by side (default: the terminal's, else 120).", valueName: "columns"))
    var width: Int?

    func validate() throws {
        if standalone && format != .latex { throw ValidationError("--standalone is for --format latex") }
        if !(1...2).contains(order) { throw ValidationError("--order is 1 or 2") }
        if accumulate && mode == .forward { throw ValidationError("--accumulate shows the reverse sweep: use it with --mode reverse or both") }
        if accumulate && backward != .tape { throw ValidationError("--accumulate shows the tape's sweep; --backward \(backward.rawValue) shows another pass") }
    }

    func run() throws {
        try runReportingErrors { () throws(AdvizError) in
            let (source, loaded, point, path) = try program.loadWithPath()
            let graph = try gradientGraph.apply(to: loaded).graph
            var options = try seeds.traceOptions(for: graph, mode: mode)
            options.order = order
            let trace = try Trace(graph, at: point, options: options)
            let environment = ProcessInfo.processInfo.environment
            let style = format == .text ? color.style(isTerminal: Terminal.isOutputTerminal) : .plain
            var report = TraceReport(trace, source: source.text)
            report.accumulate = accumulate
            report.backward = backward
            var text = standalone ? report.latexDocument() : report.render(format, width: width ?? Terminal.width(environment: environment) ?? 120, style: style)
            if let path {
                // The path the Python function took: its decisions before the tables, or a member of the JSON.
                switch format {
                case .json:
                    if case .object(var members) = report.json() {
                        members.append(("python_path", path.json()))
                        text = JSONValue.object(members).serialized() + "\n"
                    }
                case .text: text = style.apply(.heading, "python: ") + path.report(unfold: program.unfold, naming: \.flag) + "\n" + text
                case .markdown: text = "```\n" + path.report(unfold: program.unfold, naming: \.flag) + "```\n\n" + text
                case .latex: text = path.report(unfold: program.unfold, naming: \.flag).split(separator: "\n").map { "% " + $0 }.joined(separator: "\n") + "\n" + text
                }
            }
            try writeStandardOutput(text)
            if format != .json {
                let warn = TerminalStyle(enabled: TerminalStyle.shouldColor(isTerminal: Terminal.isErrorTerminal, environment: environment))
                for message in trace.warningMessages() { printError(warn.apply(.warning, "warning:") + " " + message) }
            }
        }
    }
}
