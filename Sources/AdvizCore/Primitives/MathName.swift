/// How names are written in formulas: `x1` as `x1` in text and `x_{1}` in LaTeX, with the dot of
/// a tangent (`ẋ1`) or the bar of an adjoint (`x̄1`). Traces, figures, symbolic derivatives and
/// lessons all write names through this one scheme.
public enum MathName {
    /// A mark over a name: none, the dot of a tangent, the bar of an adjoint.
    public enum Accent: Sendable { case none, dot, bar }

    /// A variable's name in LaTeX: `x1` → `x_{1}`, `loss` → `\mathrm{loss}`.
    public static func latex(_ name: String) -> String { symbol(name, accent: .none, style: .latex) }

    /// `v3`, `v̇-1`, `x̄1`, or in LaTeX `v_{3}`, `\dot{v}_{-1}`, `\bar{x}_{1}`. With `subscripted`,
    /// text writes the index in Unicode subscripts (`v₋₁`: a minus sign in `v-1` would read as
    /// "v minus 1").
    ///
    /// The index is the name's trailing digits, with a minus sign before them (`v-1`); the stem
    /// is the rest, and the accent goes over its first character.
    public static func symbol(_ name: String, accent: Accent, style: MathStyle, subscripted: Bool = false) -> String {
        let (stem, index) = split(name)
        switch style {
        case .text:
            guard let first = stem.first else { return name }
            var out = String(first)
            out.unicodeScalars.append(contentsOf: mark(accent))
            out.append(contentsOf: stem.dropFirst())
            out.append(contentsOf: subscripted ? String(index).subscripted : String(index))
            return out
        case .latex:
            return latex(stem: stem, index: index, accent: accent)
        }
    }

    /// Step or input number `number` of a trace as a name: `v₃`, `v̄₋₁` (subscripted in text), or
    /// `v_{3}`, `\bar{v}_{-1}` in LaTeX. The same as `symbol("v\(number)", …, subscripted: true)`, without parsing.
    public static func node(_ number: Int, accent: Accent, style: MathStyle) -> String {
        switch style {
        case .text:
            // Written as UTF-8 bytes in one go: `v`, the mark, then ₋ and the digits (U+208B, U+2080…).
            var magnitude = number.magnitude
            var digits = 0
            var probe = magnitude
            repeat { digits += 1; probe /= 10 } while probe > 0
            let length = 1 + (accent == .none ? 0 : 2) + (number < 0 ? 3 : 0) + 3 * digits
            return String(unsafeUninitializedCapacity: length) { bytes in
                var n = 0
                bytes[n] = UInt8(ascii: "v"); n += 1
                if accent != .none {
                    bytes[n] = 0xCC
                    bytes[n + 1] = accent == .dot ? 0x87 : 0x84
                    n += 2
                }
                if number < 0 {
                    bytes[n] = 0xE2; bytes[n + 1] = 0x82; bytes[n + 2] = 0x8B
                }
                var at = length
                repeat {
                    at -= 3
                    bytes[at] = 0xE2; bytes[at + 1] = 0x82; bytes[at + 2] = 0x80 + UInt8(magnitude % 10)
                    magnitude /= 10
                } while magnitude > 0
                return length
            }
        case .latex:
            let base = accent == .dot ? "\\dot{v}" : accent == .bar ? "\\bar{v}" : "v"
            return "\(base)_{\(number)}"
        }
    }

    /// The combining mark of an accent in text: U+0307 (dot), U+0304 (bar), or none.
    private static func mark(_ accent: Accent) -> [Unicode.Scalar] {
        switch accent {
        case .none: []
        case .dot: ["\u{0307}"]
        case .bar: ["\u{0304}"]
        }
    }

    /// The stem and the index of a name: `x12` → (`x`, `12`), `v-1` → (`v`, `-1`), `loss` → (`loss`, ``).
    private static func split(_ name: String) -> (stem: Substring, index: Substring) {
        // Trailing ASCII digits (a digit never joins the character before it into one grapheme,
        // and a digit with a combining mark on it is not a digit here, in bytes as in characters).
        let utf8 = name.utf8
        var start = utf8.endIndex
        while start > utf8.startIndex {
            let before = utf8.index(before: start)
            guard (0x30...0x39).contains(utf8[before]) else { break }
            start = before
        }
        if start > utf8.startIndex, utf8[utf8.index(before: start)] == UInt8(ascii: "-") {
            start = utf8.index(before: start)
        }
        guard let split = String.Index(start, within: name) else { return (name[...], "") }
        return (name[..<split], name[split...])
    }

    private static func latex(stem: Substring, index: Substring, accent: Accent) -> String {
        let escaped = stem.replacingOccurrences(of: "_", with: "\\_")
        let long = stem.count > 1
        var base = long ? "\\mathrm{\(escaped)}" : escaped
        if accent == .dot { base = "\\dot{\(base)}" }
        if accent == .bar { base = long ? "\\overline{\(base)}" : "\\bar{\(base)}" }
        return index.isEmpty ? base : "\(base)_{\(index)}"
    }
}
