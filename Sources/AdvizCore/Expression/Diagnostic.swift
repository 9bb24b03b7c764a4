/// A place in the source text: a byte range of its UTF-8 encoding.
public struct SourceSpan: Sendable, Hashable {
    /// Offset of the first byte.
    public var start: Int
    /// Number of bytes (at least 1 where there is something to underline).
    public var length: Int

    /// A span of `length` bytes from `start`.
    public init(start: Int, length: Int) {
        self.start = start
        self.length = length
    }
}

/// An error in a program, with the place it points at: what the user sees as
/// `error: …`, the source line, and a caret under the column.
public struct Diagnostic: Error, Sendable, Equatable {
    /// The reason, lowercase and short ("unknown function `sine`").
    public var message: String
    /// Where in the source it applies.
    public var span: SourceSpan
    /// A suggestion, where one helps ("did you mean `sin`?").
    public var hint: String?

    /// A diagnostic with a message, a place and an optional hint.
    public init(_ message: String, at span: SourceSpan, hint: String? = nil) {
        self.message = message
        self.span = span
        self.hint = hint
    }
}

/// Program text together with a name for it (a file path, `<expression>`, `<stdin>`),
/// able to turn byte offsets into the line and column a person counts.
public struct SourceText: Sendable {
    /// Where the text came from, for messages.
    public var name: String
    /// The text itself.
    public var text: String

    /// Source `text` named `name`.
    public init(_ text: String, name: String = "<expression>") {
        self.text = text
        self.name = name
    }

    /// The 1-based line and column (in characters) of a byte offset, and that line's text.
    public func location(ofByte offset: Int) -> (line: Int, column: Int, lineText: String) {
        let bytes = Array(text.utf8)
        let clamped = Swift.max(0, Swift.min(offset, bytes.count))
        var lineStart = 0
        var line = 1
        for i in 0..<clamped where bytes[i] == UInt8(ascii: "\n") {
            line += 1
            lineStart = i + 1
        }
        var lineEnd = lineStart
        while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
        let prefix = String(decoding: bytes[lineStart..<clamped], as: UTF8.self)
        var lineText = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
        if lineText.hasSuffix("\r") { lineText.removeLast() }
        return (line, prefix.count + 1, lineText)
    }

    /// The diagnostic written as a person reads it: `error:`, the location, the source
    /// line (shortened around the place when it is long), a caret, and the hint.
    public func render(_ diagnostic: Diagnostic, severity: String = "error") -> String {
        let (line, column, lineText) = location(ofByte: diagnostic.span.start)
        let endLocation = location(ofByte: diagnostic.span.start + Swift.max(diagnostic.span.length, 1))
        let width = endLocation.line == line ? Swift.max(1, endLocation.column - column) : 1
        var shown = Array(lineText.map { $0.isControlLikeForDisplay ? "�" : String($0) })
        var caretColumn = column - 1
        // Long lines (a generated program) are cut to a window around the column.
        let window = 100
        var prefixMark = "", suffixMark = ""
        if shown.count > window {
            let start = Swift.max(0, Swift.min(caretColumn - window / 2, shown.count - window))
            let end = Swift.min(shown.count, start + window)
            if start > 0 { prefixMark = "…" }
            if end < shown.count { suffixMark = "…" }
            shown = Array(shown[start..<end])
            caretColumn = caretColumn - start + prefixMark.count
        }
        let gutter = String(line)
        let pad = String(repeating: " ", count: gutter.count)
        let caretCount = Swift.max(1, Swift.min(width, shown.count + 1 - Swift.max(0, caretColumn - prefixMark.count)))
        var out = "\(severity): \(diagnostic.message)\n"
        out += "\(pad)--> \(name):\(line):\(column)\n"
        out += "\(pad) |\n"
        out += "\(gutter) | \(prefixMark)\(shown.joined())\(suffixMark)\n"
        out += "\(pad) | \(String(repeating: " ", count: Swift.max(0, caretColumn)))\(String(repeating: "^", count: caretCount))\n"
        if let hint = diagnostic.hint { out += "\(pad) = hint: \(hint)\n" }
        return out
    }
}

extension Character {
    /// True for characters that would move the cursor or vanish when echoed to a terminal.
    var isControlLikeForDisplay: Bool {
        unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || (0x80..<0xA0).contains($0.value) }
    }
}
