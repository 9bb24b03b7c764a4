/// A character LaTeX's text mode treats specially, escaped (`_` → `\_`, `\` → `\textbackslash{}`);
/// nil for any other character. The one table the LaTeX writers (tables, Beamer) escape by.
package func latexEscaped(_ c: Character) -> String? {
    switch c {
    case "\\": "\\textbackslash{}"
    case "&", "%", "$", "#", "_", "{", "}": "\\" + String(c)
    case "~": "\\textasciitilde{}"
    case "^": "\\textasciicircum{}"
    case "<": "\\textless{}"
    case ">": "\\textgreater{}"
    default: nil
    }
}

/// Text made safe inside HTML, XML attributes and Graphviz's HTML-like labels: `& < > " '`
/// escaped, and control characters (which XML 1.0 cannot hold even escaped) replaced by U+FFFD.
package func htmlEscaped(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.count)
    for c in text {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default:
            if c.unicodeScalars.contains(where: isControl) { out.append("\u{FFFD}") } else { out.append(c) }
        }
    }
    return out
}

/// A control character: C0 (tab, line breaks included), DEL and C1.
private func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
}

/// Why `text` cannot be a one-line label (a title, a font name) written into SVG or HTML,
/// or nil: a control character (XML cannot hold it, Graphviz's label parser rejects it) or,
/// for names that Graphviz copies into attributes without escaping, a quote or markup.
public func labelProblem(_ text: String, isName: Bool = false) -> String? {
    for (offset, scalar) in text.unicodeScalars.enumerated() {
        if isControl(scalar) {
            return "it holds a control character (U+\(String(format: "%04X", scalar.value)) at character \(offset + 1))"
        }
        if isName, "\"'<>&".unicodeScalars.contains(scalar) {
            return "it holds `\(scalar)` (character \(offset + 1)), which a font name cannot have"
        }
    }
    return nil
}

extension Duration {
    /// The duration in seconds, as a Double.
    package var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
