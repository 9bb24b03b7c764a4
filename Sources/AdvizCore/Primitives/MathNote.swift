/// What the primitive table says about a point where an operation is not smooth or not defined
/// ("abs at its kink 0: subgradient 0 used"), as data: text, and the places where it names a
/// local partial, so that each writer names the partial its own way (`∂v₁/∂v₀` in a trace, the
/// argument's role where one node is both arguments) instead of patching a string.
///
/// Written as a string with interpolations, the table stays readable:
/// `"sqrt at 0: \(partial: 0) = inf"`.
public struct MathNote: Sendable, Equatable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// A piece of the note: text, or the local partial by the operation's argument `argument`.
    public enum Piece: Sendable, Equatable, Hashable {
        case text(String)
        case partial(argument: Int)
    }

    /// The pieces, in order.
    public var pieces: [Piece]

    /// A note of plain text.
    public init(stringLiteral text: String) { pieces = [.text(text)] }

    /// A note from a string with interpolations.
    public init(stringInterpolation: StringInterpolation) { pieces = stringInterpolation.pieces }

    /// Builds a note: literal text, values written as text, and ``Piece/partial(argument:)``.
    public struct StringInterpolation: StringInterpolationProtocol {
        var pieces: [Piece] = []
        public init(literalCapacity: Int, interpolationCount: Int) {}
        public mutating func appendLiteral(_ literal: String) { if !literal.isEmpty { pieces.append(.text(literal)) } }
        public mutating func appendInterpolation(_ value: some CustomStringConvertible) { pieces.append(.text(value.description)) }
        /// The local partial by argument `argument` (0 for a, 1 for b).
        public mutating func appendInterpolation(partial argument: Int) { pieces.append(.partial(argument: argument)) }
    }

    /// The note with each partial named by `name` (given the argument's position).
    public func rendered(naming name: (Int) -> String) -> String {
        pieces.map { piece in
            switch piece {
            case .text(let text): text
            case .partial(let argument): name(argument)
            }
        }.joined()
    }

    /// The note's clauses (it separates them with `; `), each a note of its own.
    public var clauses: [MathNote] {
        var result: [MathNote] = [MathNote(pieces: [])]
        for piece in pieces {
            guard case .text(let text) = piece else {
                result[result.count - 1].pieces.append(piece)
                continue
            }
            let parts = text.components(separatedBy: "; ")
            for (k, part) in parts.enumerated() {
                if k > 0 { result.append(MathNote(pieces: [])) }
                if !part.isEmpty { result[result.count - 1].pieces.append(.text(part)) }
            }
        }
        return result.filter { !$0.pieces.isEmpty }
    }

    /// The arguments whose partials the note names.
    public var partialsNamed: Set<Int> {
        Set(pieces.compactMap { if case .partial(let k) = $0 { k } else { nil } })
    }

    /// The note with the partials written `∂/∂a` and `∂/∂b`, as the table speaks of its arguments.
    public var description: String { rendered { $0 == 0 ? "∂/∂a" : "∂/∂b" } }

    /// Clauses joined back into one note.
    public init(joining clauses: [MathNote]) {
        var pieces: [Piece] = []
        for (k, clause) in clauses.enumerated() {
            if k > 0 { pieces.append(.text("; ")) }
            pieces += clause.pieces
        }
        self.pieces = pieces
    }

    init(pieces: [Piece]) { self.pieces = pieces }
}
