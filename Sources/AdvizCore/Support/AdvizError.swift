/// Everything that can stop a command, each with its sysexits code.
public enum AdvizError: Error, Sendable {
    /// Bad usage: a wrong option or value (`--at` missing a variable). Exit 64.
    case usage(String)
    /// Bad input: a program or lesson that does not parse or make sense. Exit 65.
    case input(Diagnostic, SourceText)
    /// An input file that does not exist or cannot be read. Exit 66.
    case missingInput(String)
    /// An output file or folder that cannot be created. Exit 73.
    case cannotCreate(String)
    /// An output that cannot be written. Exit 74.
    case cannotWrite(String)
    /// Bad input with no place in a program to point at: numbers that parse but cannot be
    /// used (a plot interval holding fewer doubles than samples). Exit 65.
    case badInput(String)
    /// Work past one of adviz's limits (a symbolic derivative too large to build): the
    /// message names the limit. Exit 70.
    case limit(String)

    /// The sysexits code for the error, as swift-argument-parser uses them.
    public var exitCode: Int32 {
        switch self {
        case .usage: 64
        case .input: 65
        case .missingInput: 66
        case .cannotCreate: 73
        case .cannotWrite: 74
        case .badInput: 65
        case .limit: 70
        }
    }

    /// The message as printed on stderr, starting with `error:`.
    public var rendered: String {
        switch self {
        case .usage(let message), .missingInput(let message), .cannotCreate(let message), .cannotWrite(let message),
            .badInput(let message), .limit(let message):
            "error: \(message)\n"
        case .input(let diagnostic, let source):
            source.render(diagnostic)
        }
    }
}

extension AdvizError: CustomStringConvertible {
    /// The message as the command line prints it (``rendered`` without its last newline),
    /// so that `print(error)` in a program that uses the library reads as the tool's errors do.
    public var description: String {
        let text = rendered
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }
}
