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
    public static func build(_ lesson: Lesson, to folder: String, theme: FigureTheme = .light, progress: (Int, Int) -> Void = { _, _ in }) throws(AdvizError) -> [String] {
        let frames = try LessonRun.frames(lesson)
        try AtomicFile.makeFolder(folder)
        let markdown = MarkdownParser()
        var renderers: [String: FigureRenderer] = [:]
        var turnedRenderers: [String: FigureRenderer] = [:]
        var written: [String] = []
        var slides: [Slideshow.Slide] = []
        let text = LessonText(style: .plain, width: 88)
        /// The figure of `key` drawn the other way (top to bottom for left to right), written as
        /// `image` with `-turned` before its extension: the page shows whichever fills its pane more.
        var focus: [String: SVGFocus] = [:]
        /// Writes a graph's frame as `name`, noting its focus for the page's camera.
        func writeGraph(_ bytes: [UInt8], _ name: String) throws(AdvizError) {
            try AtomicFile.write(bytes, to: folder + "/" + name)
            focus[name] = SVGFocus(svg: String(decoding: bytes, as: UTF8.self))
        }
        func writeTurned(_ key: String, _ progress: FigureProgress, _ image: String) throws(AdvizError) -> String? {
            guard let renderer = renderers[key], !renderer.figure.usesLayeredLayout else { return nil }
            if turnedRenderers[key] == nil {
                var options = renderer.figure.options
                options.fit = nil
                options.rankdir = renderer.rankdir == "LR" ? "TB" : "LR"
                turnedRenderers[key] = try FigureRenderer(try GraphFigure(renderer.figure.trace, options: options), forFrames: true, captionInFigure: false)
            }
            let name = image.replacingOccurrences(of: ".svg", with: "-turned.svg")
            try writeGraph(try turnedRenderers[key]!.render(progress, .svg), name)
            written.append(folder + "/" + name)
            return name
        }
        // The introduction is the title slide: the lesson's title as the figure, its prose beside it.
        if !lesson.introduction.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            try AtomicFile.write(placeholder(lesson.title, theme: theme), to: folder + "/title.svg")
            written.append(folder + "/title.svg")
            let notes = "<h2>\(htmlEscaped(lesson.title))</h2>\n" + markdown.html(from: joiningParagraphLines(lesson.introduction)) + "\n"
            slides.append(Slideshow.Slide(image: "title.svg", caption: "\(frames.count) steps", phase: "forward", notes: notes))
        }
        for frame in frames {
            focus = [:]
            let number = String(format: "%03d", frame.index + 1)
            var image = "step-\(number).svg"
            var turned: String?
            var caption = frame.title
            var phase = "forward"
            var panels = ""
            func panel(_ lines: [String]) {
                // The row the sweep is at (marked ▶) is a span, so that a panel too tall for the slide can scroll to it.
                let marked = lines.map { $0.contains("▶") ? "<span class=\"current\">\(htmlEscaped($0))</span>" : htmlEscaped($0) }
                if !lines.isEmpty { panels += "<pre>\(marked.joined(separator: "\n"))</pre>\n" }
            }
            if frame.shows.contains(.plot), let graph = frame.graph {
                // The plot takes the main pane.
                image = "plot-\(number).svg"
                var options = PlotOptions()
                (options.from, options.to) = frame.range ?? (-3, 3)
                options.symbolic = true
                options.title = "f = \(frame.program ?? "")"
                let point = frame.trace?.point ?? Array(repeating: 0, count: graph.inputCount)
                let canvas = CanvasDrawing(try FunctionPlot(graph, at: point, options: options).canvas())
                try AtomicFile.write(canvas.render(path: image), to: folder + "/" + image)
                caption = "f = \(frame.program ?? "") and its derivative on [\(NumberFormat().string(options.from)), \(NumberFormat().string(options.to))]"
            } else if frame.shows.contains(.errorStudy), let graph = frame.graph, let trace = frame.trace {
                image = "error-\(number).svg"
                let canvas = CanvasDrawing(ErrorPlot(try ErrorStudy(graph, at: trace.point, input: 0)).canvas())
                try AtomicFile.write(canvas.render(path: image), to: folder + "/" + image)
                caption = "the error of finite differences against the step h, for f = \(frame.program ?? "")"
            } else if let graph = frame.graph {
                let (figureProgress, show) = frame.figureProgress
                if frame.showsGraphAlone {
                    // No numbers yet: the graph alone, names and operations (growing while it is built).
                    let key = "\(frame.program ?? "")|\(graph.nodes.count)|alone"
                    if renderers[key] == nil {
                        let trace: Trace
                        if let known = frame.trace { trace = known } else { trace = try Trace(graph, at: Array(repeating: 0, count: graph.inputCount)) }
                        var options = FigureOptions()
                        options.numbers = false
                        options.theme = theme
                        options.backwardPassStart = frame.backwardPassStart
                        frame.path.map { pythonGroups($0, &options) }
                        renderers[key] = try FigureRenderer(try GraphFigure(trace, options: options), forFrames: true, captionInFigure: false)
                    }
                    let renderer = renderers[key]!
                    try writeGraph(try renderer.render(figureProgress, .svg), image)
                    turned = try writeTurned(key, figureProgress, image)
                    caption = "the graph of f = \(frame.program ?? "")"
                    if let built = figureProgress.built {
                        let trace = renderer.figure.trace
                        let rows = trace.primalRows()
                        let total = rows.count
                        if built > 0, built <= total {
                            let row = trace.rendered(rows[built - 1])
                            caption = "node \(built) of \(total): \(row.label) = \(row.definition)"
                        } else if built == 0 {
                            caption = "the graph of f = \(frame.program ?? ""): no nodes yet"
                        }
                    }
                } else if let trace = frame.trace {
                    let key = "\(frame.program ?? "")|\(graph.nodes.count)|\(trace.point)|\(trace.seed)|\(trace.outputSeed)|\(frame.precision)|\(show.map(\.rawValue).sorted())"
                    if renderers[key] == nil {
                        var options = FigureOptions()
                        options.show = show
                        options.theme = theme
                        options.backwardPassStart = frame.backwardPassStart
                        frame.path.map { pythonGroups($0, &options) }
                        // The direction that suits the slide's figure pane (about 16:10 beside the narration).
                        options.fit = 1.6
                        options.spread = false
                        renderers[key] = try FigureRenderer(try GraphFigure(trace, options: options), forFrames: true, captionInFigure: false)
                    }
                    try writeGraph(try renderers[key]!.render(figureProgress, .svg), image)
                    turned = try writeTurned(key, figureProgress, image)
                    caption = currentRowCaption(trace, figureProgress) ?? "f = \(frame.program ?? "") at \(trace.pointDescription)"
                    phase = figureProgress.sweep == .reverse ? "reverse" : "forward"
                }
            } else {
                try AtomicFile.write(placeholder(frame.title, theme: theme), to: folder + "/" + image)
            }
            written.append(folder + "/" + image)

            // The panels under the figure: every other thing the step shows, as the terminal prints it.
            for show in frame.shows where show != .graph && show != .plot {
                panel(text.figure(show, frame))
            }

            // The narration.
            var notes = "<h2>\(htmlEscaped(frame.title))</h2>\n"
            if let revealed = frame.revealed {
                notes += "<p class=\"answer\"><strong>Answer</strong> to “\(htmlEscaped(revealed.question))”: \(htmlEscaped(revealed.answer))</p>\n"
            }
            notes += markdown.html(from: joiningParagraphLines(frame.narration)) + "\n"
            for message in LessonText.warnings(frame) {
                notes += "<p class=\"warning\"><strong>warning:</strong> \(htmlEscaped(message))</p>\n"
            }
            if let question = frame.question {
                notes += "<p class=\"question\"><strong>Question:</strong> \(htmlEscaped(question)) <em>(the answer comes with the next step)</em></p>\n"
            }
            slides.append(Slideshow.Slide(image: image, caption: caption, phase: phase, notes: notes, panels: panels.isEmpty ? nil : panels, turned: turned, focus: focus))
            progress(frame.index + 1, frames.count)
        }
        let page = Slideshow(title: lesson.title, slides: slides, theme: theme)
        try AtomicFile.write(page.html(), to: folder + "/index.html")
        written.append(folder + "/index.html")
        return written
    }

    /// The row the frame's sweep reached last, as one sentence (`v̄₄ = ȳ = 1`); nil when no sweep moved.
    /// A Python function's figure: a box per loop iteration and call, as `render` draws them,
    /// and the branches' decisions. Nothing is folded: a slide steps through every node, and the
    /// camera follows a node a fold would hide (the Babylonian root's fourth update drew a blank pane).
    static func pythonGroups(_ path: PythonPath, _ options: inout FigureOptions) {
        guard options.backwardPassStart == nil else { return }  // a gradient graph has no statements of its own
        options.statementGroups = path.figureGroups(unfold: true).labels
    }

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
    public static func buildAll(_ lessons: [(path: String, lesson: Lesson)], to folder: String, theme: FigureTheme = .light, progress: (String, Int, Int) -> Void = { _, _, _ in }) throws(AdvizError) {
        try AtomicFile.makeFolder(folder)
        var items = ""
        for (path, lesson) in lessons {
            let slug = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            try build(lesson, to: folder + "/" + slug, theme: theme) { progress(slug, $0, $1) }
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
        try AtomicFile.write(page, to: folder + "/index.html")
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
