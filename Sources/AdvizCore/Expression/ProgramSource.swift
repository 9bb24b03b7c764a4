import Foundation
import Synchronization

/// Where a program comes from: an argument, a file, or standard input.
public enum ProgramSource: Sendable, Equatable {
    /// The expression of the mission: log(x1·x2) + sin(x2) at (2, 5), Baydin's running example's sibling.
    public static let builtInExample = "log(x1*x2)+sin(x2)"
    /// The point of the built-in example.
    public static let builtInPoint = "2,5"

    /// Program text given on the command line (`-` means standard input).
    case argument(String)
    /// A program file (`-f prog.adv`).
    case file(String)
    /// Standard input.
    case standardInput
    /// The built-in example.
    case example

    /// Picks the source from an optional argument and an optional file; both is an invalid argument.
    public static func choose(argument: String?, file: String?) throws(AdvizError) -> ProgramSource {
        switch (argument, file) {
        case (.some, .some): throw .invalidArgument("give the program either as an argument or with \(Setting.file), not both")
        case (.some("-"), nil): return .standardInput
        case (.some(let text), nil): return .argument(text)
        case (nil, .some("-")): return .standardInput
        case (nil, .some(let path)): return .file(path)
        case (nil, nil): return .example
        }
    }

    /// Standard input, read once: a command may load its program more than once (a Python
    /// function's path, then its graph), and a pipe gives its text only the first time.
    private static let standardInputRead = Mutex<String?>(nil)

    static func standardInputText() throws(AdvizError) -> String {
        if let known = standardInputRead.withLock({ $0 }) { return known }
        let text = try InputFile.text(try InputFile.read("-"), name: "standard input")
        standardInputRead.withLock { $0 = text }
        return text
    }

    /// Reads the program text, with a name for messages.
    public func load() throws(AdvizError) -> SourceText {
        switch self {
        case .argument(let text): return SourceText(text, name: "<expression>")
        case .example: return SourceText(ProgramSource.builtInExample, name: "<example>")
        case .standardInput:
            return SourceText(try ProgramSource.standardInputText(), name: "<stdin>")
        case .file(let path):
            return SourceText(try InputFile.text(try InputFile.read(path), name: "`\(path)`"), name: path)
        }
    }
}
