import Foundation
import AdvizCore
import AdvizFigures

/// A lesson as a Beamer deck: a title frame with the introduction, then one frame per step with
/// the step's TikZ figure (its sweep as far as the step has gone, the current node and edges
/// highlighted), the narration, the trace rows so far (LaTeX, as `trace --format latex` writes
/// them) and the question or revealed answer. It compiles with `pdflatex`; the lecturer can
/// restyle and annotate everything.
public enum LessonBeamer {
    /// The deck's LaTeX source.
    public static func deck(_ lesson: Lesson, theme: FigureTheme = .light) throws(AdvizError) -> String {
        let frames = try LessonRun.frames(lesson)
        var out = [
            "% A Beamer deck written by `adviz lesson build --format beamer`; compile with pdflatex.",
            "\\documentclass[aspectratio=169,10pt]{beamer}",
            "\\usepackage[utf8]{inputenc}",
            "\\usepackage[T1]{fontenc}",
            "\\usepackage{amsmath,amssymb}",
            "\\usepackage{tikz}",
            "\\usetheme{default}",
            "\\setbeamertemplate{navigation symbols}{}",
            "\\title{\(LessonLatex.text(lesson.title))}",
            "\\subtitle{A lesson of adviz}",
            "\\begin{document}",
            "\\begin{frame}",
            "\\pdfbookmark[1]{\(LessonLatex.bookmark(lesson.title))}{title}",
            "\\titlepage",
            "\\end{frame}",
        ]
        if !lesson.introduction.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            out += ["\\begin{frame}[fragile,shrink]{Introduction}", "\\small", LessonLatex.markdown(lesson.introduction), "\\end{frame}"]
        }
        for (index, frame) in frames.enumerated() {
            out += try stepFrame(frame, number: index + 1, theme: theme)
        }
        out.append("\\end{document}")
        return out.joined(separator: "\n") + "\n"
    }

    /// One step's frame: the figure on the left, the words on the right, the rows below.
    static func stepFrame(_ frame: LessonFrame, number: Int, theme: FigureTheme) throws(AdvizError) -> [String] {
        // `shrink`: a frame whose words run past the slide is scaled to fit (one that fits is not).
        var out = ["\\begin{frame}[fragile,shrink]{\(LessonLatex.text(frame.title))}", "\\pdfbookmark[1]{\(LessonLatex.bookmark(frame.title))}{step\(number)}"]
        var words: [String] = []
        if let revealed = frame.revealed {
            words.append("\\textbf{Answer:} \(LessonLatex.text(revealed.answer))\\par\\medskip")
        }
        words.append(LessonLatex.markdown(frame.narration))
        if let question = frame.question { words.append("\\medskip\\textbf{Question:} \(LessonLatex.text(question))") }
        if let trace = frame.trace, frame.shows.contains(.graph) || frame.shows.contains(.trace) || frame.shows.isEmpty {
            var figure = TikZFigure(trace, theme: theme)
            figure.progress = frame.figureProgress.progress
            figure.show = frame.figureProgress.show
            // The figure across the slide, as large as its shape allows (at most half the height);
            // the words and the rows so far below it, side by side.
            let picture = try figure.picture()
            let wide = picture.width / Swift.max(picture.height, 0.01) > 2.9
            out.append("\\begin{center}" + (wide ? "\\resizebox{\\linewidth}{!}{%" : "\\resizebox{!}{0.5\\textheight}{%"))
            out.append(picture.latex)
            out.append("}\\end{center}")
            let table = rows(frame, trace)
            out += ["\\begin{columns}[T]", "\\begin{column}{\(table.isEmpty ? "0.96" : "0.5")\\textwidth}", "\\footnotesize"] + words + ["\\end{column}"]
            if !table.isEmpty { out += ["\\begin{column}{0.46\\textwidth}"] + table + ["\\end{column}"] }
            out.append("\\end{columns}")
        } else {
            out += ["\\small"] + words
        }
        out.append("\\end{frame}")
        return out
    }

    /// The current phase's rows so far, the last few, as LaTeX maths.
    static func rows(_ frame: LessonFrame, _ trace: Trace) -> [String] {
        let rows: [TraceRow]
        switch frame.phase {
        case .primal?: rows = trace.primalRows()
        case .tangent?: rows = trace.tangentRows()
        case .reverse?: rows = trace.adjointRows()
        default: return []
        }
        let done = Array(rows.prefix(frame.progress).suffix(3))
        guard !done.isEmpty else { return [] }
        let lines = trace.rendered(done, .latex).map { row in
            var text = "\(row.label) &= \(row.definition)"
            if !row.substituted.isEmpty, row.substituted != row.definition { text += " = \(row.substituted)" }
            return text + " = \(row.value)"
        }
        return ["\\footnotesize", "\\vspace{-1.2em}\\begin{align*}", lines.joined(separator: " \\\\\n"), "\\end{align*}"]
    }
}

/// Lesson prose as LaTeX: Markdown's paragraphs, emphasis, code and lists, and the Unicode the
/// lessons write (v̄₀, ∂, ·, →) as maths that pdflatex typesets.
enum LessonLatex {
    /// A bookmark's text: plain ASCII-safe words (PDF outlines take no maths).
    static func bookmark(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0.isASCII && !"\\{}$%&#^_~`".unicodeScalars.contains($0) }.map(Character.init))
    }

    static let symbols: [Character: String] = [
        "∂": "\\partial ", "·": "\\cdot ", "−": "-", "∇": "\\nabla ", "→": "\\to ", "←": "\\leftarrow ", "≈": "\\approx ",
        "×": "\\times ", "≤": "\\le ", "≥": "\\ge ", "≠": "\\ne ", "∞": "\\infty ", "ε": "\\varepsilon ", "Σ": "\\Sigma ",
        "⇒": "\\Rightarrow ", "↑": "\\uparrow ", "√": "\\surd ", "π": "\\pi ", "′": "'", "″": "''", "ȳ": "\\bar{y}", "ẋ": "\\dot{x}",
        "ℝ": "\\mathbb{R}", "∈": "\\in ", "±": "\\pm ", "α": "\\alpha ", "β": "\\beta ", "η": "\\eta ", "σ": "\\sigma ", "θ": "\\theta ",
        "λ": "\\lambda ", "μ": "\\mu ", "δ": "\\delta ", "Δ": "\\Delta ", "∑": "\\sum ", "⋅": "\\cdot ", "∘": "\\circ ",
    ]
    static let subscripts: [Character: String] = ["₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6", "₇": "7", "₈": "8", "₉": "9", "₋": "-", "ᵢ": "i", "ⱼ": "j", "ₖ": "k", "ₙ": "n", "ₘ": "m"]
    static let superscripts: [Character: String] = ["⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-", "ᵏ": "k", "ⁿ": "n", "ᵐ": "m", "ᵀ": "T"]
    static let textReplacements: [Character: String] = [
        "“": "``", "”": "''", "‘": "`", "’": "'", "—": "---", "–": "--", "…": "\\ldots{}", "\u{00A0}": "~",
    ]

    /// One line of prose: special characters escaped, `code` in typewriter, **bold**, *emphasis*,
    /// and Unicode maths as maths.
    static func text(_ input: String) -> String {
        var out = ""
        let chars = Array(input)
        var i = 0
        var bold = false, emphasis = false
        while i < chars.count {
            let c = chars[i]
            if c == "`", let end = chars[(i + 1)...].firstIndex(of: "`") {
                out += "\\texttt{" + escape(String(chars[(i + 1)..<end])) + "}"
                i = end + 1
                continue
            }
            if c == "*", i + 1 < chars.count, chars[i + 1] == "*" {
                out += bold ? "}" : "\\textbf{"
                bold.toggle()
                i += 2
                continue
            }
            if c == "*", i + 1 < chars.count, !chars[i + 1].isWhitespace || emphasis {
                out += emphasis ? "}" : "\\emph{"
                emphasis.toggle()
                i += 1
                continue
            }
            // A symbol with accents or subscripts (v̄₋₁, ẋ1, x¹⁶): one piece of maths.
            if c.isLetter || symbols[c] != nil, let (math, next) = mathToken(chars, i) {
                out += "$" + math + "$"
                i = next
                continue
            }
            if let sub = subscripts[c] { out += "$_{\(sub)}$"; i += 1; continue }
            if let sup = superscripts[c] { out += "$^{\(sup)}$"; i += 1; continue }
            if let symbol = symbols[c] { out += "$\(symbol)$"; i += 1; continue }
            if let replacement = textReplacements[c] { out += replacement; i += 1; continue }
            if c == "\"" {
                // A straight double quote opens after a space or a bracket and closes otherwise
                // (in T1 fonts `"` itself prints as a straight ″).
                let opens = out.last.map { $0.isWhitespace || "([{-/".contains($0) } ?? true
                out += opens ? "``" : "''"
                i += 1
                continue
            }
            out += escape(String(c))
            i += 1
        }
        if emphasis { out += "}" }
        if bold { out += "}" }
        return out
    }

    /// The maths of a symbol at `i` with its accents, subscripts and superscripts, if it has any.
    static func mathToken(_ chars: [Character], _ i: Int) -> (String, Int)? {
        let c = chars[i]
        let scalars = Array(c.unicodeScalars)
        var base = symbols[c] ?? String(String.UnicodeScalarView(scalars.prefix(1)))
        if symbols[c] == nil {
            guard base.unicodeScalars.allSatisfy(\.isASCII) else { return nil }
            for mark in scalars.dropFirst() {
                switch mark.value {
                case 0x304: base = "\\bar{\(base)}"
                case 0x307: base = "\\dot{\(base)}"
                case 0x302: base = "\\hat{\(base)}"
                default: return nil
                }
            }
        }
        var j = i + 1, sub = "", sup = ""
        while j < chars.count, let s = subscripts[chars[j]] { sub += s; j += 1 }
        while j < chars.count, let s = superscripts[chars[j]] { sup += s; j += 1 }
        guard scalars.count > 1 || !sub.isEmpty || !sup.isEmpty || symbols[c] != nil else { return nil }
        return (base + (sub.isEmpty ? "" : "_{\(sub)}") + (sup.isEmpty ? "" : "^{\(sup)}"), j)
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            if let escaped = latexEscaped(c) {
                out += escaped
            } else if c.isASCII {
                out.append(c)
            } else if let t = textReplacements[c] {
                out += t
            } else if let s = symbols[c] {
                out += "$\(s)$"
            } else if let s = subscripts[c] {
                out += "$_{\(s)}$"
            } else if let s = superscripts[c] {
                out += "$^{\(s)}$"
            } else {
                out += "?"  // pdflatex stops at a character it has no glyph for
            }
        }
        return out
    }

    /// Markdown blocks: paragraphs, `-` lists, fenced code (verbatim).
    static func markdown(_ markdown: String) -> String {
        var out: [String] = []
        var paragraph: [String] = []
        var inList = false, inCode = false
        func flush() {
            if !paragraph.isEmpty { out.append(text(paragraph.joined(separator: " ")) + "\\par\\smallskip") }
            paragraph = []
        }
        for raw in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") {
                flush()
                if inList { out.append("\\end{itemize}"); inList = false }
                out.append(inCode ? "\\end{verbatim}" : "\\begin{verbatim}")
                inCode.toggle()
                continue
            }
            // pdflatex's verbatim takes ASCII only.
            if inCode { out.append(String(line.map { $0.isASCII ? $0 : "?" })); continue }
            if trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") {
                flush()
                if !inList { out.append("\\begin{itemize}"); inList = true }
                out.append("\\item " + text(String(trimmed.dropFirst(2))))
            } else if trimmed.isEmpty {
                flush()
                if inList { out.append("\\end{itemize}"); inList = false }
            } else if trimmed.count >= 3, Set(trimmed).count == 1, ["-", "*", "_"].contains(trimmed.first!) {
                // A Markdown rule (`---`) is a rule, not an em dash.
                flush()
                if inList { out.append("\\end{itemize}"); inList = false }
                out.append("\\medskip\\hrule\\medskip")
            } else if inList, line.hasPrefix("  ") {
                out[out.count - 1] += " " + text(trimmed)
            } else {
                if inList { out.append("\\end{itemize}"); inList = false }
                paragraph.append(trimmed.hasPrefix("#") ? "**" + trimmed.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces) + "**" : trimmed)
            }
        }
        flush()
        if inList { out.append("\\end{itemize}") }
        if inCode { out.append("\\end{verbatim}") }
        return out.joined(separator: "\n")
    }
}
