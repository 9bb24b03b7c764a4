import AdvizOutput

/// What can go wrong in adviz's library, by kind: an argument it cannot use, a program that
/// does not parse, a file that cannot be read or written, work past a limit.
///
/// The library says what is wrong; a front end decides what that means for its user. The
/// command line maps each kind to a sysexits code and names its own flags (`--order`); the
/// server maps them to HTTP statuses and names its query parameters. A message that must name a
/// setting holds it as a ``Setting`` (see ``ErrorMessage``), never as a flag's spelling.
public enum AdvizError: Error, Sendable {
    /// An argument the call cannot use: a point with too few values, an order out of range, a
    /// name that is not an input.
    case invalidArgument(ErrorMessage)
    /// A program or lesson that does not parse or make sense, with the place it points at.
    case input(Diagnostic, SourceText)
    /// An input file that does not exist or cannot be read.
    case missingInput(ErrorMessage)
    /// An output file or folder that cannot be created.
    case cannotCreate(ErrorMessage)
    /// An output that cannot be written.
    case cannotWrite(ErrorMessage)
    /// Bad input with no place in a program to point at: numbers that parse but cannot be
    /// used (a plot interval holding fewer doubles than samples).
    case badInput(ErrorMessage)
    /// Work past one of adviz's limits (a symbolic derivative too large to build): the
    /// message names the limit.
    case limit(ErrorMessage)

    /// The former name of ``invalidArgument(_:)``, kept so that code written against it still builds.
    @available(*, deprecated, renamed: "invalidArgument")
    public static func usage(_ message: ErrorMessage) -> AdvizError { .invalidArgument(message) }

    /// A file-writing failure of `AtomicFile` (AdvizOutput) as adviz's error of the same kind.
    public init(_ error: FileWriteError) {
        switch error {
        case .cannotCreate(let message): self = .cannotCreate(ErrorMessage(message))
        case .cannotWrite(let message): self = .cannotWrite(ErrorMessage(message))
        }
    }

    /// Runs `body`, a file write with `AtomicFile`, turning its `FileWriteError` into an
    /// ``AdvizError`` of the same kind (an ``AdvizError`` passes as it is).
    public static func writing<T>(_ body: () throws -> T) throws(AdvizError) -> T {
        do {
            return try body()
        } catch let error as FileWriteError {
            throw AdvizError(error)
        } catch let error as AdvizError {
            throw error
        } catch {
            throw .cannotWrite(ErrorMessage("cannot write: \(error)"))
        }
    }

    /// The message alone, its settings named by `name` (the command line passes its flags).
    public func message(naming name: (Setting) -> String = Setting.defaultName) -> String {
        switch self {
        case .invalidArgument(let message), .missingInput(let message), .cannotCreate(let message), .cannotWrite(let message),
            .badInput(let message), .limit(let message):
            message.text(naming: name)
        case .input(let diagnostic, _):
            diagnostic.message
        }
    }

    /// The message as a tool prints it on stderr, starting with `error:` (a program's error
    /// quotes its line with a caret under the place), its settings named by `name`.
    public func rendered(naming name: (Setting) -> String) -> String {
        switch self {
        case .input(let diagnostic, let source):
            source.render(diagnostic)
        case .invalidArgument, .missingInput, .cannotCreate, .cannotWrite, .badInput, .limit:
            "error: \(message(naming: name))\n"
        }
    }

    /// The message as printed on stderr, starting with `error:`, settings named as
    /// ``Setting/defaultName(_:)`` names them.
    public var rendered: String { rendered(naming: Setting.defaultName) }
}

extension AdvizError: CustomStringConvertible {
    /// The message as a tool prints it (`rendered` without its last newline), so that
    /// `print(error)` in a program that uses the library reads as the tool's errors do.
    public var description: String {
        let text = rendered
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }
}

/// A setting of a library call that an error message may have to name: each front end spells it
/// its own way (`--order` on the command line, `order` in a URL).
public enum Setting: String, Sendable, CaseIterable {
    /// A trace's order (1 or 2).
    case order
    /// The Python function to differentiate.
    case function
    /// A program file.
    case file
    /// The point to evaluate at.
    case at
    /// The output seed ȳ.
    case ybar
    /// The start of a plot's interval.
    case from
    /// The end of a plot's interval.
    case to
    /// How many samples a plot takes.
    case samples
    /// Statements folded into one node of a figure.
    case collapse
    /// The engine that computes many points.
    case engine
    /// The number of nodes above which a figure folds named statements.
    case maxNodes = "max-nodes"
    /// What a figure's edges say (partials, the adjoint's flow, both or nothing).
    case edgeLabels = "edge-labels"
    /// Showing every iteration of a Python function's loops instead of the first few.
    case unfold

    /// The name the library uses when nobody says otherwise: the setting in backticks.
    public static func defaultName(_ setting: Setting) -> String { "`\(setting.rawValue)`" }
}

/// An error's message: text with the ``Setting``s it names kept apart, so that each front end
/// writes them its own way. Written as a string literal; `\(Setting.order)` interpolates a setting.
public struct ErrorMessage: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// A piece of the message: text, or a setting to be named.
    public enum Piece: Sendable, Equatable {
        case text(String)
        case setting(Setting)
    }

    /// The message's pieces, in order.
    public private(set) var pieces: [Piece]

    /// A message of plain text.
    public init(_ text: String) { pieces = [.text(text)] }

    /// A message from a literal without interpolations.
    public init(stringLiteral value: String) { self.init(value) }

    /// A message from a literal with interpolations.
    public init(stringInterpolation: Interpolation) { pieces = stringInterpolation.pieces }

    /// The message with every setting named by `name`.
    public func text(naming name: (Setting) -> String) -> String {
        pieces.map { piece in
            switch piece {
            case .text(let text): text
            case .setting(let setting): name(setting)
            }
        }.joined()
    }

    /// The message with settings named as ``Setting/defaultName(_:)`` names them.
    public var description: String { text(naming: Setting.defaultName) }

    /// Builds a message from a literal: text as it is, a ``Setting`` kept as a setting.
    public struct Interpolation: StringInterpolationProtocol {
        var pieces: [Piece] = []

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) { appendText(literal) }

        /// A setting, named later by whoever prints the message.
        public mutating func appendInterpolation(_ setting: Setting) { pieces.append(.setting(setting)) }

        /// Another message, its settings kept.
        public mutating func appendInterpolation(_ message: ErrorMessage) {
            for piece in message.pieces {
                switch piece {
                case .text(let text): appendText(text)
                case .setting: pieces.append(piece)
                }
            }
        }

        /// Any other value, as `"\(value)"` writes it.
        public mutating func appendInterpolation<T>(_ value: T) { appendText("\(value)") }

        /// Text, joined to the text before it: a message is text and settings in turn.
        mutating func appendText(_ text: String) {
            guard !text.isEmpty else { return }
            if case .text(let before) = pieces.last {
                pieces[pieces.count - 1] = .text(before + text)
            } else {
                pieces.append(.text(text))
            }
        }
    }
}
