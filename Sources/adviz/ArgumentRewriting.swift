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
    ///
    /// Which words are options, and which options take a value, come from the parser's own
    /// definition of the command the words run (``CommandOptions``), never from a list kept by hand.
    static func movingNegativeExpression(_ arguments: [String]) -> [String] {
        guard !arguments.contains("--"), arguments.contains(where: { $0.hasPrefix("-") && !$0.hasPrefix("--") && $0 != "-" }) else {
            return arguments
        }
        let options = CommandOptions.forArguments(arguments)
        for (i, word) in arguments.enumerated() {
            guard word.hasPrefix("-"), !word.hasPrefix("--"), word != "-", !options.isOption(word) else { continue }
            // `-3,2` after `--at` is that option's value; after a command, a flag or nothing, a program.
            if i > 0, options.takesValue(arguments[i - 1]) { continue }
            var rest = arguments
            rest.remove(at: i)
            return rest + ["--", word]
        }
        return arguments
    }
}

/// The options one command defines, read from swift-argument-parser's description of it (the
/// JSON behind `--experimental-dump-help`): its flags, and its options that take a value.
struct CommandOptions: Equatable {
    /// Every name (`--at`, `-f`) of an option that takes a value.
    var valued: Set<String> = []
    /// Every name of a flag (no value): `--gradient-graph`, `--help`, `-h`.
    var flags: Set<String> = []

    /// Whether `word` is one of the command's option or flag names.
    func isOption(_ word: String) -> Bool { valued.contains(word) || flags.contains(word) }

    /// Whether the word after `word` is `word`'s value (`--at` followed by `-3`, not `--at=-3`).
    func takesValue(_ word: String) -> Bool { valued.contains(word) }

    /// The options of every command, by its path (`["trace"]`, `["lesson", "build"]`; `[]` for adviz itself).
    static let all: [[String]: CommandOptions] = {
        guard let info = try? JSONDecoder().decode(ToolInfo.self, from: Data(Adviz._dumpHelp().utf8)) else { return [:] }
        var table: [[String]: CommandOptions] = [:]
        func visit(_ command: ToolInfo.Command, path: [String]) {
            var options = CommandOptions()
            for argument in command.arguments ?? [] where argument.kind != "positional" {
                for name in argument.names ?? [] {
                    let spelled = (name.kind == "long" ? "--" : "-") + name.name
                    if argument.kind == "flag" { options.flags.insert(spelled) } else { options.valued.insert(spelled) }
                }
            }
            table[path] = options
            for sub in command.subcommands ?? [] { visit(sub, path: path + [sub.commandName]) }
        }
        visit(info.command, path: [])
        return table
    }()

    /// The path of the command `arguments` run: the leading words that name subcommands, else
    /// the default command (`trace`).
    static func commandPath(_ arguments: [String]) -> [String] {
        var path: [String] = []
        for word in arguments {
            guard all[path + [word]] != nil else { break }
            path.append(word)
        }
        return path.isEmpty ? [TraceCommand.configuration.commandName ?? "trace"] : path
    }

    /// The options of the command `arguments` run.
    static func forArguments(_ arguments: [String]) -> CommandOptions {
        all[commandPath(arguments)] ?? CommandOptions()
    }

    /// The part of swift-argument-parser's `ToolInfoV0` read here.
    private struct ToolInfo: Decodable {
        struct Name: Decodable {
            var kind: String
            var name: String
        }
        struct Argument: Decodable {
            var kind: String
            var names: [Name]?
        }
        struct Command: Decodable {
            var commandName: String
            var arguments: [Argument]?
            var subcommands: [Command]?
        }
        var command: Command
    }
}
