import AdvizKit
import ArgumentParser
import Foundation

/// What the command line means before swift-argument-parser reads it: an expression that starts
/// with a minus, and a mistyped command name.
///
/// `adviz trace "-x^2" --at 3` would otherwise be read as an unknown option `-x^2`; and since
/// `trace` is the default command, `adviz rendr` would be read as the trace of a program `rendr`.
enum ArgumentRewriting {
    /// The commands, for "did you mean": read from ``Adviz``'s own list, so a new command is never missed.
    static let commandNames = Adviz.configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]

    /// The short options the commands define (`-f`, `-o`, `-h`): words that are options, not expressions.
    static let shortOptions: Set<String> = ["-f", "-o", "-h", "-?"]

    /// Options that take no value, so the word after one is not that option's value.
    static let flags: Set<String> = [
        "--error-study", "--no-clusters", "--no-share", "--no-simplify", "--all", "--fast-math", "--kernel", "--quick",
        "--summary", "--swell", "--symbolic", "--help", "--version", "--share-constants", "--names", "--standalone",
    ]

    /// A mistyped command: the first word is a bare name within two edits of a command, and either
    /// a second word follows (a command's program), or no `--at`, `--file` or `-f` follows that
    /// would make the first word a program of its own.
    static func mistypedCommand(_ arguments: [String]) -> (word: String, suggestion: String)? {
        guard let first = arguments.first, !commandNames.contains(first), first.allSatisfy({ $0.isLetter }) else { return nil }
        // `adviz traec x --at 1`: a second program after the first word means the first was a command.
        let secondWord = arguments.count > 1 && !arguments[1].hasPrefix("-")
        guard secondWord || !arguments.contains(where: { $0 == "--at" || $0.hasPrefix("--at=") || $0 == "-f" || $0 == "--file" }) else { return nil }
        guard let suggestion = Suggestion.closest(to: first, among: commandNames.filter { $0 != "help" }) else { return nil }
        return (first, suggestion)
    }

    /// The arguments with an expression that starts with `-` moved behind `--`, where the parser
    /// reads it as the expression (unchanged when `--` is already there).
    static func movingNegativeExpression(_ arguments: [String]) -> [String] {
        guard !arguments.contains("--") else { return arguments }
        for (i, word) in arguments.enumerated() {
            guard word.hasPrefix("-"), !word.hasPrefix("--"), word != "-", !shortOptions.contains(word) else { continue }
            // `-3,2` after `--at` is that option's value; after a command, a flag or nothing, a program.
            if i > 0 {
                let previous = arguments[i - 1]
                let takesValue = (previous.hasPrefix("--") && !previous.contains("=") && !flags.contains(previous))
                    || previous == "-f" || previous == "-o"
                if takesValue { continue }
            }
            var rest = arguments
            rest.remove(at: i)
            return rest + ["--", word]
        }
        return arguments
    }
}
