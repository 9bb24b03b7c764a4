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
    public static func symbol(_ name: String, accent: Accent, style: MathStyle, subscripted: Bool = false) -> String {
        let digits = String(name.reversed().prefix { $0.isASCII && $0.isNumber }.reversed())
        var stem = String(name.dropLast(digits.count))
        var index = digits
        if stem.hasSuffix("-") {
            stem.removeLast()
            index = "-" + index
        }
        switch style {
        case .text:
            guard let first = stem.first else { return name }
            let mark = accent == .dot ? "\u{0307}" : accent == .bar ? "\u{0304}" : ""
            return String(first) + mark + stem.dropFirst() + (subscripted ? index.subscripted : index)
        case .latex:
            let escaped = stem.replacingOccurrences(of: "_", with: "\\_")
            var base = stem.count > 1 ? "\\mathrm{\(escaped)}" : escaped
            if accent == .dot { base = "\\dot{\(base)}" }
            if accent == .bar { base = stem.count > 1 ? "\\overline{\(base)}" : "\\bar{\(base)}" }
            return index.isEmpty ? base : "\(base)_{\(index)}"
        }
    }
}
