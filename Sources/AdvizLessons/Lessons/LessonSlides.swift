import AdvizOutput
import Foundation
import Ink
import AdvizCore
import AdvizEngines
import AdvizSymbolic
import AdvizFigures
import AdvizPlots

/// A lesson as an HTML slideshow: one rendered frame per step, the narration beside it.
///
/// The graph of each step is drawn through the render pipeline's step frames (one layout
/// per program and point, so nodes stay put from step to step); plots are drawn with Cairo.
/// The page is self-contained: everything it shows is in its folder, nothing comes from the network.
public enum LessonSlides {
    /// Writes the lesson's frames and `index.html` into `folder`; `progress` gets (done, total).
    ///
    /// Each slide's main pane shows the step's figure: the graph as the sweeps have left it (the
    /// graph alone before any sweep, growing node by node while it is built), or the plot or the
    /// error study when the step shows one. Traces, programs and tables go in panels under it;
    /// the narration in a column beside it.
    @discardableResult
    public static func build(
        _ lesson: Lesson, to folder: String, theme: FigureTheme = .light, race: @escaping LessonRace = LessonText.noRace, progress: (Int, Int) -> Void = { _, _ in }
    ) throws(AdvizError) -> [String] {
        let frames = try LessonRun.frames(lesson)
        try AdvizError.writing { try AtomicFile.makeFolder(folder) }
        var writer = SlideWriter(folder: folder, theme: theme, text: LessonText(style: .plain, width: 88, race: race))
        // The introduction is the title slide: the lesson's title as the figure, its prose beside it.
        if !lesson.introduction.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            try AdvizError.writing { try AtomicFile.write(placeholder(lesson.title, theme: theme), to: folder + "/title.svg") }
            writer.written.append(folder + "/title.svg")
            let notes = "<h2>\(htmlEscaped(lesson.title))</h2>\n" + writer.markdown.html(from: joiningParagraphLines(lesson.introduction)) + "\n"
            writer.slides.append(Slideshow.Slide(image: "title.svg", caption: "\(frames.count) steps", phase: "forward", notes: notes))
        }
        for frame in frames {
            try writer.addSlide(frame)
            progress(frame.index + 1, frames.count)
        }
        let page = Slideshow(title: lesson.title, slides: writer.slides, theme: theme)
        try AdvizError.writing { try AtomicFile.write(page.html(), to: folder + "/index.html") }
        writer.written.append(folder + "/index.html")
        return writer.written
    }

    /// A Python function's figure: a box per loop iteration and call, as `render` draws them,
    /// and the branches' decisions. Nothing is folded: a slide steps through every node, and the
    /// camera follows a node a fold would hide (the Babylonian root's fourth update drew a blank pane).
    static func pythonGroups(_ path: PythonPath, _ options: inout FigureOptions) {
        guard options.backwardPassStart == nil else { return }  // a gradient graph has no statements of its own
        options.statementGroups = path.figureGroups(unfold: true).labels
    }

    /// The row the frame's sweep reached last, as one sentence (`v̄₄ = ȳ = 1`); nil when no sweep moved.
    static func currentRowCaption(_ trace: Trace, _ progress: FigureProgress) -> String? {
        let (rows, done): ([TraceRow], Int)
        switch progress.sweep {
        case .primal?: (rows, done) = (trace.primalRows(), progress.values)
        case .tangent?: (rows, done) = (trace.tangentRows(), progress.tangents)
        case .reverse?: (rows, done) = (trace.adjointRows(), progress.adjoints)
        case nil: return nil
        }
        guard done > 0, done <= rows.count else { return nil }
        return trace.rendered(rows[done - 1]).sentence
    }

    /// Markdown with each paragraph's lines joined into one: Ink would start a new paragraph at a
    /// line that begins with a code span. Code blocks, lists, headings, quotes and tables keep their lines.
    static func joiningParagraphLines(_ markdown: String) -> String {
        var out: [String] = []
        var inCode = false
        var previousIsParagraph = false
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                inCode.toggle()
                out.append(line)
                previousIsParagraph = false
                continue
            }
            let startsBlock = trimmed.isEmpty || inCode || trimmed.hasPrefix("#") || trimmed.hasPrefix(">") || trimmed.hasPrefix("|")
                || trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") || trimmed.hasPrefix("+ ")
                || (trimmed.first?.isNumber == true && trimmed.prefix(4).contains(". "))
                || line.hasPrefix("    ")
            if !startsBlock, previousIsParagraph, let last = out.popLast() {
                out.append(last + " " + trimmed)
            } else {
                out.append(line)
            }
            previousIsParagraph = !trimmed.isEmpty && !inCode && !trimmed.hasPrefix("#") && !trimmed.hasPrefix("|")
        }
        return out.joined(separator: "\n")
    }

    /// Builds every lesson of `lessons` into its own folder under `folder`, with an index page linking them.
    public static func buildAll(
        _ lessons: [(path: String, lesson: Lesson)], to folder: String, theme: FigureTheme = .light, race: @escaping LessonRace = LessonText.noRace,
        progress: (String, Int, Int) -> Void = { _, _, _ in }
    ) throws(AdvizError) {
        try AdvizError.writing { try AtomicFile.makeFolder(folder) }
        var items = ""
        for (path, lesson) in lessons {
            let slug = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            try build(lesson, to: folder + "/" + slug, theme: theme, race: race) { progress(slug, $0, $1) }
            items += "<li><a href=\"\(htmlEscaped(slug))/index.html\">\(htmlEscaped(lesson.title))</a> <span>\(lesson.steps.count) steps</span></li>\n"
        }
        let page = """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>adviz lessons</title>
            <style>
              body { margin: 2em auto; max-width: 44em; padding: 0 1em; background: \(theme.background); color: \(theme.text); font: 17px/1.6 "DejaVu Sans", system-ui, sans-serif; }
              a { color: \(theme.highlight); } li span { color: \(theme.mutedText); font-size: .85em; margin-left: .5em; }
            </style></head>
            <body>
            <h1>Automatic differentiation, step by step</h1>
            <p>Each lesson plays one step at a time: ← and → (or space) to move, Home and End to jump.</p>
            <ol>
            \(items)</ol>
            </body>
            </html>

            """
        try AdvizError.writing { try AtomicFile.write(page, to: folder + "/index.html") }
    }

    /// An SVG card with the step's title, for steps before any program is set.
    static func placeholder(_ title: String, theme: FigureTheme) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" width="640" height="200" viewBox="0 0 640 200">
        <rect width="640" height="200" fill="\(theme.background)"/>
        <text x="320" y="108" text-anchor="middle" font-family="DejaVu Sans, sans-serif" font-size="22" fill="\(theme.text)">\(htmlEscaped(title))</text>
        </svg>

        """
    }
}
