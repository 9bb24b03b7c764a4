/// ANSI colour for terminal output, switched off for pipes and `NO_COLOR`.
///
/// A value, not a global switch: each writer is told whether to colour, so the same
/// process can print coloured tables to a terminal and plain ones to a file.
public struct TerminalStyle: Sendable, Equatable {
    /// Whether escape codes are written at all.
    public var enabled: Bool

    /// A style that colours when `enabled`.
    public init(enabled: Bool) { self.enabled = enabled }

    /// Plain text, for pipes, files and tests.
    public static let plain = TerminalStyle(enabled: false)

    /// A colour or weight applied to a piece of text.
    public enum Role: Sendable {
        case heading, label, value, muted, warning, error, highlight
    }

    /// `text` wrapped in the escape codes of `role` (or unchanged when disabled).
    public func apply(_ role: Role, _ text: String) -> String {
        guard enabled, !text.isEmpty else { return text }
        let code: String
        switch role {
        case .heading: code = "1"
        case .label: code = "36"
        case .value: code = "1"
        case .muted: code = "2"
        case .warning: code = "1;33"
        case .error: code = "1;31"
        case .highlight: code = "1;35"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    /// Whether output to a stream should be coloured: a terminal, and no `NO_COLOR`.
    public static func shouldColor(isTerminal: Bool, environment: [String: String]) -> Bool {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return isTerminal
    }
}

/// A table of text cells laid out in aligned columns.
///
/// Widths are counted in characters (grapheme clusters), so `v̄0` and `∂` count as one
/// column each; colour is added after padding so escape codes never upset alignment.
public struct TextTable: Sendable {
    /// One cell: its text and how to colour it.
    public struct Cell: Sendable {
        /// The cell's text, without escape codes.
        public var text: String
        /// How to colour it, if at all.
        public var role: TerminalStyle.Role?
        /// A cell of `text`, coloured as `role`.
        public init(_ text: String, _ role: TerminalStyle.Role? = nil) {
            self.text = text
            self.role = role
        }
    }

    /// The rows, each a list of cells (rows may be shorter than the widest).
    public var rows: [[Cell]] = []
    /// Right-align these columns (numbers), left-align the others.
    public var rightAligned: Set<Int> = []
    /// Cells wider than this do not widen their column: they overflow it, so that one long
    /// chain-rule sum does not pad every other row of a big trace to its width.
    public var maxColumnWidth = 60

    /// An empty table.
    public init(rightAligned: Set<Int> = []) { self.rightAligned = rightAligned }

    /// Adds a row.
    public mutating func append(_ row: [Cell]) { rows.append(row) }

    /// The table's lines, columns separated by `separator`, trailing spaces removed.
    public func lines(style: TerminalStyle = .plain, indent: String = "  ", separator: String = " ") -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (c, cell) in row.enumerated() where cell.text.count <= maxColumnWidth {
                widths[c] = Swift.max(widths[c], cell.text.count)
            }
        }
        return rows.map { row in
            var line = indent
            for (c, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: Swift.max(0, widths[c] - cell.text.count))
                let text = cell.role.map { style.apply($0, cell.text) } ?? cell.text
                let isLast = c == row.count - 1
                line += rightAligned.contains(c) ? pad + text : text + (isLast ? "" : pad)
                if !isLast { line += separator }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }
}

extension String {
    /// The width of the text on a terminal, ignoring ANSI escape codes.
    var visibleWidth: Int {
        var width = 0
        var inEscape = false
        for scalarChar in self {
            if scalarChar == "\u{1B}" { inEscape = true; continue }
            if inEscape {
                if scalarChar == "m" { inEscape = false }
                continue
            }
            width += 1
        }
        return width
    }
}
