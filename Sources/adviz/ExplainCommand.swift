import AdvizKit
import ArgumentParser
import Foundation

/// `adviz explain`: a complete lesson about one program at one point.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Write a step-through lesson about a program at a point (the lesson format of lessons/README.md).",
        discussion: """
            The lesson builds the graph node by node, runs the primal sweep, a tangent sweep and the \
            reverse sweep one node per step, explains kinks and domain warnings where they occur, counts \
            the Jacobian's cost, asks practice questions and sums up the gradient. Every number is the \
            trace's; the same program and point always give the same lesson.

            Examples:
              adviz explain "log(x1*x2) + sin(x2)" --at 2,5
              adviz explain "x*sin(x)*exp(x)" --at 1 -o my-lesson.md
              adviz explain "abs(x1) + x1*x2" --at 0,3 -o kink.md --build output/kink/
              adviz explain "a = x1*x2; b = sin(a); c = a^2" --at 1,2 --ybar 0.5,2
              adviz lesson play my-lesson.md
            """
    )

    @Argument(help: ArgumentHelp("The program: an expression, or statements separated by `;` or newlines; `-` reads standard input. Its outputs are the statements named y… (y1, y2, …), or else the last.", valueName: "expression"))
    var expression: String?

    @Option(name: [.short, .long], help: ArgumentHelp("Read the program from a file (`-` for standard input).", valueName: "path"))
    var file: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("The point: values by position, in input order (x1, x2, …, x10, then the other names alphabetically: `b*w*x` takes b, w, x), or by name (`x2=5,x1=2`).", valueName: "values"))
    var at: String?

    @Option(name: [.short, .long], help: ArgumentHelp("Write the lesson to this file (default: standard output).", valueName: "file.md"))
    var output: String?

    @Option(help: ArgumentHelp("Also build the lesson into an HTML slideshow in this folder.", valueName: "folder"))
    var build: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("The reverse sweep's output seed ȳ, one number per output or by name (default: 1 for the first output).", valueName: "values"))
    var ybar: String?

    @Option(help: "Significant digits shown (1-17).")
    var precision: Int = 4

    @Option(help: ArgumentHelp("With a Python file: the function to explain (default: the file's last `def`).", valueName: "name"))
    var function: String?

    func validate() throws {
        guard (1...17).contains(precision) else { throw ValidationError("--precision must be between 1 and 17, got \(precision)") }
    }

    func run() throws {
        try runReportingErrors { () throws(AdvizError) in
            let origin = try ProgramSource.choose(argument: expression, file: file)
            var source = try origin.load()
            // A Python function: the lesson explains the path it takes at the point.
            let path = try PythonFrontEnd.path(of: source, function: function, at: at)
            if let path { source = path.program }
            let program: Program
            do throws(Diagnostic) {
                program = try Program.parse(source)
            } catch {
                throw .input(error, source)
            }
            let graph = try Graph(program: program, options: GraphOptions(outputs: path.map { [$0.output] }, inputs: path?.parameters))
            var pointText: String
            if let at {
                pointText = at
                if path != nil {
                    // By name: the lesson reads the path's program, whose inputs sort by name, not by parameter order.
                    let point = try PointBinding.bind(at, to: graph.inputNames, what: "--at")
                    pointText = zip(graph.inputNames, point).map { "\($0)=\($1)" }.joined(separator: ",")
                }
            } else if origin == .example {
                pointText = ProgramSource.builtInPoint
            } else {
                throw .invalidArgument("--at is missing: give a value for \(graph.inputNames.map { "`\($0)`" }.joined(separator: ", ")), e.g. --at \(graph.inputNames.map { _ in "1" }.joined(separator: ","))")
            }
            let seed = try ybar.map { text throws(AdvizError) in
                try PointBinding.bind(text, to: graph.outputs.map(\.name), what: "--ybar", kind: "output", unnamedAreZero: true)
            }
            let text = try LessonExplanation.lesson(program: source.text, at: pointText, precision: precision, ybar: seed)
            let name = output ?? "<explain>"
            // The lesson is checked as `lesson check` would before anyone sees it.
            let lesson = try Lesson.parse(text, name: name)
            _ = try LessonRun.frames(lesson)
            if let output {
                try AdvizError.writing { try AtomicFile.write(text, to: output) }
                printError("wrote \(output) (\(lesson.steps.count) steps)")
            } else if build == nil {
                try writeStandardOutput(text)
            }
            if let build {
                let bar = ProgressBar(label: "building", isTerminal: Terminal.isErrorTerminal)
                _ = try LessonSlides.build(lesson, to: build, race: DerivativeRace.lessonTable) { done, total in bar.update(done, of: total) }
                bar.finish()
                printError("wrote \(build)/index.html (\(lesson.steps.count) steps)")
            }
        }
    }
}
