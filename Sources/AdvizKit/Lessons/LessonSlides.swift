import Foundation
import Ink

/// A lesson as an HTML slideshow: one rendered frame per step, the narration beside it.
///
/// The graph of each step is drawn through the render pipeline's step frames (one layout
/// per program and point, so nodes stay put from step to step); plots are drawn with Cairo.
/// The page is self-contained: everything it shows is in its folder, nothing comes from the network.
public enum LessonSlides {
    /// Writes the lesson's frames and `index.html` into `folder`; `progress` gets (done, total).
    @discardableResult
    public static func build(_ lesson: Lesson, to folder: String, theme: FigureTheme = .light, progress: (Int, Int) -> Void = { _, _ in }) throws(AdvizError) -> [String] {
        let frames = try LessonRun.frames(lesson)
        try AtomicFile.makeFolder(folder)
        let markdown = MarkdownParser()
        var renderers: [String: FigureRenderer] = [:]
        var written: [String] = []
        var slides: [Slideshow.Slide] = []
        let text = LessonText(style: .plain, width: 88)
        for frame in frames {
            let number = String(format: "%03d", frame.index + 1)
            // The graph at this step, from a renderer shared by every step with the same program and point.
            let image = "step-\(number).svg"
            var caption = "step \(frame.index + 1) of \(frames.count) · \(frame.title)"
            var phase = "forward"
            if let trace = frame.trace {
                let (step, show) = frame.figureState
                let key = "\(frame.program ?? "")|\(trace.point)|\(trace.seed)|\(trace.outputSeed)|\(frame.precision)|\(show)"
                if renderers[key] == nil {
                    var options = FigureOptions()
                    options.show = show
                    options.theme = theme
                    renderers[key] = try FigureRenderer(try GraphFigure(trace, options: options), forFrames: true)
                }
                let renderer = renderers[key]!
                try AtomicFile.write(try renderer.renderStep(step, .svg), to: folder + "/" + image)
                let figureSteps = renderer.figure.steps
                if step > 0, step <= figureSteps.count {
                    caption = figureSteps[step - 1].caption
                    phase = figureSteps[step - 1].phase.rawValue
                } else {
                    caption = step == 0 ? "the graph, before the sweeps" : caption
                }
            } else if let graph = frame.graph {
                // A program but no point yet: the graph's structure.
                let trace = try Trace(graph, at: Array(repeating: 0, count: graph.inputCount))
                var options = FigureOptions()
                options.show = .values
                options.theme = theme
                let renderer = try FigureRenderer(try GraphFigure(trace, options: options), forFrames: true)
                try AtomicFile.write(try renderer.renderStep(0, .svg), to: folder + "/" + image)
                caption = "the graph of \(frame.program ?? "")"
            } else {
                try AtomicFile.write(placeholder(frame.title, theme: theme), to: folder + "/" + image)
            }
            written.append(folder + "/" + image)

            // The narration and the step's other figures.
            var notes = "<h2>\(htmlEscaped(frame.title))</h2>\n"
            if let revealed = frame.revealed {
                notes += "<p class=\"answer\"><strong>Answer</strong> to “\(htmlEscaped(revealed.question))”: \(htmlEscaped(revealed.answer))</p>\n"
            }
            notes += markdown.html(from: frame.narration) + "\n"
            for show in frame.shows where show != .graph {
                if show == .plot, let graph = frame.graph {
                    let plotName = "plot-\(number).svg"
                    var options = PlotOptions()
                    (options.from, options.to) = frame.range ?? (-3, 3)
                    options.symbolic = true
                    options.title = "f = \(frame.program ?? "")"
                    let point = frame.trace?.point ?? Array(repeating: 0, count: graph.inputCount)
                    let canvas = CanvasDrawing(try FunctionPlot(graph, at: point, options: options).canvas())
                    try AtomicFile.write(canvas.render(path: plotName), to: folder + "/" + plotName)
                    written.append(folder + "/" + plotName)
                    notes += "<p><img src=\"\(plotName)\" alt=\"f and its derivative\"></p>\n"
                } else if show == .errorStudy, let graph = frame.graph, let trace = frame.trace {
                    let plotName = "error-\(number).svg"
                    let canvas = CanvasDrawing(ErrorPlot(try ErrorStudy(graph, at: trace.point, input: 0)).canvas())
                    try AtomicFile.write(canvas.render(path: plotName), to: folder + "/" + plotName)
                    written.append(folder + "/" + plotName)
                    notes += "<p><img src=\"\(plotName)\" alt=\"finite-difference error against the step h\"></p>\n"
                    notes += "<pre>\(htmlEscaped(text.figure(show, frame).joined(separator: "\n")))</pre>\n"
                } else {
                    let block = text.figure(show, frame)
                    if !block.isEmpty { notes += "<pre>\(htmlEscaped(block.joined(separator: "\n")))</pre>\n" }
                }
            }
            for message in LessonText.warnings(frame) {
                notes += "<p class=\"warning\"><strong>warning:</strong> \(htmlEscaped(message))</p>\n"
            }
            if let question = frame.question {
                notes += "<p class=\"question\"><strong>Question:</strong> \(htmlEscaped(question)) <em>(the answer comes with the next step)</em></p>\n"
            }
            slides.append(Slideshow.Slide(image: image, caption: caption, phase: phase, notes: notes))
            progress(frame.index + 1, frames.count)
        }
        let page = Slideshow(title: lesson.title, slides: slides, theme: theme)
        try AtomicFile.write(page.html(), to: folder + "/index.html")
        written.append(folder + "/index.html")
        return written
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
