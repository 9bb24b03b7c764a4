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
        var lines = TextLines()
        lines.append(self, style: style, indent: indent, separator: separator)
        return lines.strings
    }

    /// Writes the table's lines into `lines`, each as UTF-8 bytes with its visible width.
    func write(into lines: inout TextLines, style: TerminalStyle, indent: String, separator: String) {
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
        let indentWidth = indent.characterCount, separatorWidth = separator.characterCount
        let space = UInt8(ascii: " ")
        var next = 0
        for row in rows {
            lines.startLine()
            var width = indentWidth
            lines.bytes.append(contentsOf: indentBytes)
            for (c, cell) in row.enumerated() {
                let padding = Swift.max(0, widths[c] - cellWidths[next])
                width += cellWidths[next] + padding
                next += 1
                let isLast = c == row.count - 1
                let coloured = cell.role != nil && style.enabled
                if rightAligned.contains(c) { lines.bytes.append(contentsOf: repeatElement(space, count: padding)) }
                if coloured {
                    lines.bytes.append(contentsOf: style.apply(cell.role!, cell.prefix + cell.text).utf8)
                } else {
                    lines.bytes.append(contentsOf: cell.prefix.utf8)
                    lines.bytes.append(contentsOf: cell.text.utf8)
                }
                if !rightAligned.contains(c) {
                    if !isLast { lines.bytes.append(contentsOf: repeatElement(space, count: padding)) } else { width -= padding }
                }
                if !isLast {
                    lines.bytes.append(contentsOf: separatorBytes)
                    width += separatorWidth
                }
            }
            width -= lines.endLine(trimming: true)
            lines.widths.append(width)
        }
    }
}

/// Lines of text as UTF-8 in one buffer, each with its width on a terminal: a report of a
/// hundred thousand rows is written without a String per line, and laid side by side by widths
/// counted once.
package struct TextLines {
    /// The lines' bytes, each followed by a line break.
    package var bytes: [UInt8] = []
    /// Where each line's line break is in `bytes`.
    package private(set) var ends: [Int] = []
    /// Each line's width on a terminal (characters, escape codes not counted).
    package fileprivate(set) var widths: [Int] = []
    private var start = 0

    /// No lines.
    package init() {}

    /// The number of lines.
    package var count: Int { ends.count }

    /// Adds a line (without a line break).
    package mutating func append(_ line: String) {
        startLine()
        bytes.append(contentsOf: line.utf8)
        _ = endLine(trimming: false)
        widths.append(line.visibleWidth)
    }

    /// Adds `table`'s lines.
    package mutating func append(_ table: TextTable, style: TerminalStyle, indent: String = "  ", separator: String = " ") {
        table.write(into: &self, style: style, indent: indent, separator: separator)
    }

    /// Adds lines.
    package mutating func append(_ lines: [String]) { for line in lines { append(line) } }

    /// Line `i`'s bytes.
    package func line(_ i: Int) -> ArraySlice<UInt8> { bytes[(i == 0 ? 0 : ends[i - 1] + 1)..<ends[i]] }

    /// The lines as Strings.
    package var strings: [String] { (0..<count).map { String(decoding: line($0), as: UTF8.self) } }

    fileprivate mutating func startLine() { start = bytes.count }

    /// Ends the line begun at `startLine`; with `trimming`, its trailing spaces are removed and counted.
    fileprivate mutating func endLine(trimming: Bool) -> Int {
        var removed = 0
        if trimming {
            while bytes.count > start, bytes.last == UInt8(ascii: " ") {
                bytes.removeLast()
                removed += 1
            }
        }
        ends.append(bytes.count)
        bytes.append(UInt8(ascii: "\n"))
        return removed
    }
}

/// A report made of blocks of lines, written into one String once, at the end: a table of a
/// hundred thousand rows is not copied from block to block on the way, and two tables side by
/// side are interleaved as they are written.
package struct TextDocument {
    private enum Block {
        case lines(TextLines)
        case sideBySide(TextLines, TextLines, leftWidth: Int)
    }
    private var blocks: [Block] = []
    /// Single lines, gathered until the next block.
    private var pending = TextLines()

    /// An empty document.
    package init() {}

    /// Adds a line.
    package mutating func append(_ line: String) { pending.append(line) }

    /// Adds lines.
    package mutating func append(_ lines: [String]) { pending.append(lines) }

    /// Adds a block of lines.
    package mutating func append(_ lines: TextLines) {
        flush()
        blocks.append(.lines(lines))
    }

    /// `left` and `right` side by side, 4 spaces apart, if both fit in `width`; else one under
    /// the other with an empty line between.
    package mutating func append(_ left: TextLines, beside right: TextLines, width: Int?) {
        let leftWidth = left.widths.max() ?? 0
        let rightWidth = right.widths.max() ?? 0
        guard let width, leftWidth + 4 + rightWidth <= width else {
            append(left)
            append("")
            append(right)
            return
        }
        flush()
        blocks.append(.sideBySide(left, right, leftWidth: leftWidth))
    }

    private mutating func flush() {
        guard pending.count > 0 else { return }
        blocks.append(.lines(pending))
        pending = TextLines()
    }

    /// The document: every line followed by a line break.
    package var text: String {
        var document = self
        document.flush()
        let blocks = document.blocks
        // The exact size first, so the String is written in place, once.
        var size = 0
        for block in blocks {
            switch block {
            case .lines(let lines): size += lines.bytes.count
            case .sideBySide(let left, let right, let leftWidth):
                for i in 0..<Swift.max(left.count, right.count) {
                    let l = i < left.count ? left.line(i).count : 0
                    let r = i < right.count ? right.line(i).count : 0
                    size += l + 1 + (r > 0 ? leftWidth - (i < left.count ? left.widths[i] : 0) + 4 + r : 0)
                }
            }
        }
        return String(unsafeUninitializedCapacity: size) { buffer in
            var at = 0
            func put(_ bytes: ArraySlice<UInt8>) {
                bytes.withUnsafeBufferPointer { source in
                    guard let base = source.baseAddress, source.count > 0 else { return }
                    (buffer.baseAddress! + at).update(from: base, count: source.count)
                }
                at += bytes.count
            }
            func put(_ byte: UInt8, count: Int) {
                guard count > 0 else { return }
                (buffer.baseAddress! + at).update(repeating: byte, count: count)
                at += count
            }
            for block in blocks {
                switch block {
                case .lines(let lines): put(lines.bytes[...])
                case .sideBySide(let left, let right, let leftWidth):
                    for i in 0..<Swift.max(left.count, right.count) {
                        if i < left.count { put(left.line(i)) }
                        if i < right.count, !right.line(i).isEmpty {
                            put(UInt8(ascii: " "), count: leftWidth - (i < left.count ? left.widths[i] : 0) + 4)
                            put(right.line(i))
                        }
                        put(UInt8(ascii: "\n"), count: 1)
                    }
                }
            }
            return at
        }
    }
}

extension String {
    /// Whether the two are the same UTF-8 bytes: what a writer means by "the same text", and
    /// much cheaper than `==` (Unicode canonical equivalence) on text with `∂`, `v̄` or `·`.
    package func sameBytes(_ other: String) -> Bool {
        var a = self, b = other
        return a.withUTF8 { x in b.withUTF8 { y in x.count == y.count && x.elementsEqual(y) } }
    }

    /// Appends `count` spaces.
    mutating func append(spaces count: Int) {
        if count > 0 { self += String(repeating: " ", count: count) }
    }

    /// The number of characters (grapheme clusters), as `count` gives it, without segmenting the
    /// usual text of a trace: ASCII, Latin and Greek letters, sub- and superscripts, arrows and
    /// mathematical operators, each with combining marks (`v̄`); anything else is counted by `count`.
    package var characterCount: Int { commonTextWidth(skippingEscapes: false) ?? count }

    /// The width of the text on a terminal, ignoring ANSI escape codes: its characters, counted
    /// as ``characterCount`` counts them.
    package var visibleWidth: Int { commonTextWidth(skippingEscapes: true) ?? segmentedVisibleWidth }

    /// The one fast path of ``characterCount`` and ``visibleWidth``: the characters of the usual
    /// text of a trace, one scalar each plus their combining marks, with ANSI escape codes
    /// skipped when `skippingEscapes`; nil at the first scalar it cannot count without
    /// segmenting, for the caller's own fallback.
    @inline(__always)
    private func commonTextWidth(skippingEscapes: Bool) -> Int? {
        var width = 0
        var inEscape = false
        var afterBase = false
        for scalar in unicodeScalars {
            if skippingEscapes {
                if scalar == "\u{1B}" {
                    inEscape = true
                    afterBase = false
                    continue
                }
                if inEscape {
                    if scalar == "m" { inEscape = false }
                    continue
                }
            }
            switch scalar.value {
            case 0x20...0x7E, 0xA0...0xAC, 0xAE...0x2FF, 0x370...0x3FF, 0x2070...0x209F, 0x2190...0x22FF:
                width += 1
                afterBase = true
            case 0x300...0x36F where afterBase:
                // A combining mark after a base character is part of it.
                continue
            default:
                return nil
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
