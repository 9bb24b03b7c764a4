import AdvizKit
import ArgumentParser
import Foundation

/// The `adviz` command: automatic differentiation, shown step by step.
@main
struct Adviz: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adviz",
        abstract: "See automatic differentiation: graphs, forward and reverse traces, figures, and the symbolic and numerical alternatives.",
        discussion: """
            With no command, adviz runs `trace` (with no expression, on the built-in example log(x1*x2)+sin(x2) at x1 = 2, x2 = 5).

            Exit codes (sysexits): 0 success (warnings allowed), 64 bad usage, 65 bad input (a program that does not parse), 66 missing input file, 73 output cannot be created, 74 output cannot be written, 70 internal error or a limit reached (a symbolic derivative too large).
            """,
        version: "0.1.0",
        subcommands: [TraceCommand.self, RenderCommand.self, DiffCommand.self, HessianCommand.self, CompareCommand.self, PlotCommand.self, LessonCommand.self, ExplainCommand.self, CodegenCommand.self, GradCommand.self, BenchCommand.self, ServeCommand.self],
        defaultSubcommand: TraceCommand.self
    )

    /// Reads the command line as a person means it (see ``ArgumentRewriting``), then runs the command.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let (word, suggestion) = ArgumentRewriting.mistypedCommand(arguments) {
            printError("error: `\(word)` is not a command; did you mean `\(suggestion)`?\n  (to trace a program named `\(word)`, give the point: adviz trace \(word) --at …)")
            Foundation.exit(64)
        }
        let rewritten = ArgumentRewriting.movingNegativeExpression(arguments)
        // For the tests: the words as the parser will read them, and the options behind that choice.
        // `=1`: of this command line; `=lines`: of each line of standard input, a JSON array of
        // words, a report a line (one run for the hundreds of command lines a test tries).
        switch ProcessInfo.processInfo.environment["ADVIZ_SHOW_ARGUMENTS"] {
        case "1":
            print(showArguments(arguments))
            Foundation.exit(0)
        case "lines":
            while let line = readLine() {
                let words = (try? JSONDecoder().decode([String].self, from: Data(line.utf8))) ?? []
                print(showArguments(words))
            }
            Foundation.exit(0)
        default:
            run(rewritten)
        }
    }

    /// How `arguments` will be read, as JSON: the words the parser gets, the command, its options.
    static func showArguments(_ arguments: [String]) -> String {
        let options = CommandOptions.forArguments(arguments)
        let report: [String: [String]] = [
            "arguments": ArgumentRewriting.movingNegativeExpression(arguments), "command": CommandOptions.commandPath(arguments),
            "flags": options.flags.sorted(), "valued": options.valued.sorted(),
        ]
        return String(decoding: (try? JSONEncoder().encode(report)) ?? Data(), as: UTF8.self)
    }

    /// Parses and runs as `ParsableCommand.main` does, but writes the parser's own errors as
    /// adviz writes its errors (`error: unknown option '--fromat'`, not `Error: Unknown option`),
    /// with the usage line after and the same exit code (64). `--help` and `--version` are the
    /// parser's, unchanged.
    static func run(_ arguments: [String]) {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            let message = fullMessage(for: error)
            if !message.isEmpty { printError(lowercaseErrorPrefix(message)) }
            Foundation.exit(code.rawValue)
        }
    }

    /// `Error: Unknown option …` as `error: unknown option …` (a word in capitals, `CSV`, stays).
    static func lowercaseErrorPrefix(_ message: String) -> String {
        guard message.hasPrefix("Error: ") else { return message }
        let reason = message.dropFirst("Error: ".count)
        guard let first = reason.first, first.isUppercase, !(reason.dropFirst().first?.isUppercase ?? false) else { return "error: " + reason }
        return "error: " + first.lowercased() + reason.dropFirst()
    }
}
