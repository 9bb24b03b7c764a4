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
        /// Text written before `text`, as part of the cell (`= ` before a trace's cells): the
        /// same as joining them, without making the joined string.
        package var prefix: String = ""
        /// A cell of `text`, coloured as `role`.
        public init(_ text: String, _ role: TerminalStyle.Role? = nil) {
            self.text = text
            self.role = role
        }
        /// A cell of `prefix` and `text`, coloured as `role`.
        package init(_ text: String, _ role: TerminalStyle.Role? = nil, prefix: String) {
            self.text = text
            self.role = role
            self.prefix = prefix
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
        // Each cell's width, counted once, row after row.
        var cellWidths: [Int] = []
        cellWidths.reserveCapacity(rows.count * columns)
        for row in rows {
            for (c, cell) in row.enumerated() {
                let width = cell.prefix.characterCount + cell.text.characterCount
                cellWidths.append(width)
                if width <= maxColumnWidth { widths[c] = Swift.max(widths[c], width) }
            }
        }
        let indentBytes = Array(indent.utf8), separatorBytes = Array(separator.utf8)
        let space = UInt8(ascii: " ")
        var line: [UInt8] = []
        var next = 0
        return rows.map { row in
            // Each line as UTF-8 bytes, made into a String once.
            line.removeAll(keepingCapacity: true)
            line.append(contentsOf: indentBytes)
            for (c, cell) in row.enumerated() {
                let padding = Swift.max(0, widths[c] - cellWidths[next])
                next += 1
                let isLast = c == row.count - 1
                let coloured = cell.role != nil && style.enabled
                if rightAligned.contains(c) { line.append(contentsOf: repeatElement(space, count: padding)) }
                if coloured {
                    line.append(contentsOf: style.apply(cell.role!, cell.prefix + cell.text).utf8)
                } else {
                    line.append(contentsOf: cell.prefix.utf8)
                    line.append(contentsOf: cell.text.utf8)
                }
                if !rightAligned.contains(c), !isLast { line.append(contentsOf: repeatElement(space, count: padding)) }
                if !isLast { line.append(contentsOf: separatorBytes) }
            }
            while line.last == space { line.removeLast() }
            return String(decoding: line, as: UTF8.self)
        }
    }
}

extension String {
    /// Appends `count` spaces.
    mutating func append(spaces count: Int) {
        if count > 0 { self += String(repeating: " ", count: count) }
    }

    /// The number of characters (grapheme clusters), as `count` gives it, without segmenting the
    /// usual text of a trace: ASCII, Latin and Greek letters, sub- and superscripts, arrows and
    /// mathematical operators, each with combining marks (`v̄`); anything else is counted by `count`.
    var characterCount: Int {
        var width = 0
        var afterBase = false
        for scalar in unicodeScalars {
            switch scalar.value {
            case 0x20...0x7E, 0xA0...0xAC, 0xAE...0x2FF, 0x370...0x3FF, 0x2070...0x209F, 0x2190...0x22FF:
                width += 1
                afterBase = true
            case 0x300...0x36F where afterBase:
                // A combining mark after a base character is part of it.
                continue
            default:
                return count
            }
        }
        return width
    }

    /// The width of the text on a terminal, ignoring ANSI escape codes.
    var visibleWidth: Int {
        var width = 0
        var inEscape = false
        var afterBase = false
        for scalar in unicodeScalars {
            if scalar == "\u{1B}" {
                inEscape = true
                afterBase = false
                continue
            }
            if inEscape {
                if scalar == "m" { inEscape = false }
                continue
            }
            switch scalar.value {
            case 0x20...0x7E, 0xA0...0xAC, 0xAE...0x2FF, 0x370...0x3FF, 0x2070...0x209F, 0x2190...0x22FF:
                width += 1
                afterBase = true
            case 0x300...0x36F where afterBase:
                continue
            default:
                return segmentedVisibleWidth
            }
        }
        return width
    }

    /// ``visibleWidth`` by grapheme clusters, for text beyond the common characters.
    private var segmentedVisibleWidth: Int {
        var width = 0
        var inEscape = false
        for character in self {
            if character == "\u{1B}" { inEscape = true; continue }
            if inEscape {
                if character == "m" { inEscape = false }
                continue
            }
            width += 1
        }
        return width
    }
}
