import AdvizOutput
import Foundation
import Ink
import AdvizCore
import AdvizEngines
import AdvizSymbolic
import AdvizFigures
import AdvizPlots

extension LessonSlides {
    /// Writes a slideshow's slides one frame at a time, keeping what the frames share: one figure
    /// renderer per program and point (so nodes stay put from step to step), the files written.
    struct SlideWriter {
        let folder: String
        let theme: FigureTheme
        let text: LessonText
        let markdown = MarkdownParser()
        var renderers: [String: FigureRenderer] = [:]
        /// The figure of a key drawn the other way (top to bottom for left to right), written as
        /// `image` with `-turned` before its extension: the page shows whichever fills its pane more.
        var turnedRenderers: [String: FigureRenderer] = [:]
        var written: [String] = []
        var slides: [Slideshow.Slide] = []
        /// The current slide's figures' focus, for the page's camera.
        var focus: [String: SVGFocus] = [:]

        init(folder: String, theme: FigureTheme, text: LessonText) {
            self.folder = folder
            self.theme = theme
            self.text = text
        }

        /// What a slide's main pane shows.
        struct Figure {
            var image: String
            var caption: String
            var phase = "forward"
            var turned: String? = nil
        }

        /// The frame as a slide: its figure, the panels under it, the narration beside it.
        mutating func addSlide(_ frame: LessonFrame) throws(AdvizError) {
            focus = [:]
            let figure = try self.figure(frame)
            written.append(folder + "/" + figure.image)
            // The panels under the figure: every other thing the step shows, as the terminal prints it.
            var panels = ""
            for show in frame.shows where show != .graph && show != .plot {
                let lines = text.figure(show, frame)
                // The row the sweep is at (marked ▶) is a span, so that a panel too tall for the slide can scroll to it.
                let marked = lines.map { $0.contains("▶") ? "<span class=\"current\">\(htmlEscaped($0))</span>" : htmlEscaped($0) }
                if !lines.isEmpty { panels += "<pre>\(marked.joined(separator: "\n"))</pre>\n" }
            }
            slides.append(Slideshow.Slide(
                image: figure.image, caption: figure.caption, phase: figure.phase, notes: notes(frame),
                panels: panels.isEmpty ? nil : panels, turned: figure.turned, focus: focus))
        }

        /// The narration: the answer to the last question, the text, warnings, the next question.
        func notes(_ frame: LessonFrame) -> String {
            var notes = "<h2>\(htmlEscaped(frame.title))</h2>\n"
            if let revealed = frame.revealed {
                notes += "<p class=\"answer\"><strong>Answer</strong> to “\(htmlEscaped(revealed.question))”: \(htmlEscaped(revealed.answer))</p>\n"
            }
            notes += markdown.html(from: LessonSlides.joiningParagraphLines(frame.narration)) + "\n"
            for message in LessonText.warnings(frame) {
                notes += "<p class=\"warning\"><strong>warning:</strong> \(htmlEscaped(message))</p>\n"
            }
            if let question = frame.question {
                notes += "<p class=\"question\"><strong>Question:</strong> \(htmlEscaped(question)) <em>(the answer comes with the next step)</em></p>\n"
            }
            return notes
        }

        /// The slide's main pane, written: the plot or the error study when the step shows one,
        /// else the graph as the sweeps have left it, else a card with the step's title.
        mutating func figure(_ frame: LessonFrame) throws(AdvizError) -> Figure {
            let number = String(format: "%03d", frame.index + 1)
            if frame.shows.contains(.plot), let graph = frame.graph {
                let image = "plot-\(number).svg"
                var options = PlotOptions()
                (options.from, options.to) = frame.range ?? (-3, 3)
                options.symbolic = true
                options.title = "f = \(frame.program ?? "")"
                let point = frame.trace?.point ?? Array(repeating: 0, count: graph.inputCount)
                let canvas = CanvasDrawing(try FunctionPlot(graph, at: point, options: options).canvas())
                try write(canvas.render(path: image), image)
                let interval = "[\(NumberFormat().string(options.from)), \(NumberFormat().string(options.to))]"
                return Figure(image: image, caption: "f = \(frame.program ?? "") and its derivative on \(interval)")
            }
            if frame.shows.contains(.errorStudy), let graph = frame.graph, let trace = frame.trace {
                let image = "error-\(number).svg"
                let canvas = CanvasDrawing(ErrorPlot(try ErrorStudy(graph, at: trace.point, input: 0)).canvas())
                try write(canvas.render(path: image), image)
                return Figure(image: image, caption: "the error of finite differences against the step h, for f = \(frame.program ?? "")")
            }
            let image = "step-\(number).svg"
            if let graph = frame.graph {
                if frame.showsGraphAlone { return try graphAlone(frame, graph, image) }
                if let trace = frame.trace { return try graphWithNumbers(frame, graph, trace, image) }
                return Figure(image: image, caption: frame.title)
            }
            try write(LessonSlides.placeholder(frame.title, theme: theme), image)
            return Figure(image: image, caption: frame.title)
        }

        /// No numbers yet: the graph alone, names and operations (growing while it is built).
        mutating func graphAlone(_ frame: LessonFrame, _ graph: Graph, _ image: String) throws(AdvizError) -> Figure {
            let (figureProgress, _) = frame.figureProgress
            let key = "\(frame.program ?? "")|\(graph.nodes.count)|alone"
            if renderers[key] == nil {
                let trace: Trace
                if let known = frame.trace { trace = known } else { trace = try Trace(graph, at: Array(repeating: 0, count: graph.inputCount)) }
                var options = FigureOptions()
                options.numbers = false
                options.theme = theme
                options.backwardPassStart = frame.backwardPassStart
                frame.path.map { LessonSlides.pythonGroups($0, &options) }
                renderers[key] = try FigureRenderer(try GraphFigure(trace, options: options), forFrames: true, captionInFigure: false)
            }
            let renderer = renderers[key]!
            try writeGraph(try renderer.render(figureProgress, .svg), image)
            var figure = Figure(image: image, caption: "the graph of f = \(frame.program ?? "")")
            figure.turned = try writeTurned(key, figureProgress, image)
            if let built = figureProgress.built {
                let rows = renderer.figure.trace.primalRows()
                if built > 0, built <= rows.count {
                    let row = renderer.figure.trace.rendered(rows[built - 1])
                    figure.caption = "node \(built) of \(rows.count): \(row.label) = \(row.definition)"
                } else if built == 0 {
                    figure.caption = "the graph of f = \(frame.program ?? ""): no nodes yet"
                }
            }
            return figure
        }

        /// The graph with the numbers the sweeps have reached.
        mutating func graphWithNumbers(_ frame: LessonFrame, _ graph: Graph, _ trace: Trace, _ image: String) throws(AdvizError) -> Figure {
            let (figureProgress, show) = frame.figureProgress
            let key = "\(frame.program ?? "")|\(graph.nodes.count)|\(trace.point)|\(trace.seed)|\(trace.outputSeed)|\(frame.precision)|\(show.map(\.rawValue).sorted())"
            if renderers[key] == nil {
                var options = FigureOptions()
                options.show = show
                options.theme = theme
                options.backwardPassStart = frame.backwardPassStart
                frame.path.map { LessonSlides.pythonGroups($0, &options) }
                // The direction that suits the slide's figure pane (about 16:10 beside the narration).
                options.fit = 1.6
                options.spread = false
                renderers[key] = try FigureRenderer(try GraphFigure(trace, options: options), forFrames: true, captionInFigure: false)
            }
            try writeGraph(try renderers[key]!.render(figureProgress, .svg), image)
            let caption = LessonSlides.currentRowCaption(trace, figureProgress) ?? "f = \(frame.program ?? "") at \(trace.pointDescription)"
            return Figure(
                image: image, caption: caption, phase: figureProgress.sweep == .reverse ? "reverse" : "forward",
                turned: try writeTurned(key, figureProgress, image))
        }

        /// Writes a file of the slideshow's folder.
        func write(_ bytes: [UInt8], _ name: String) throws(AdvizError) {
            try AdvizError.writing { try AtomicFile.write(bytes, to: folder + "/" + name) }
        }

        /// Writes text to a file of the slideshow's folder.
        func write(_ text: String, _ name: String) throws(AdvizError) {
            try AdvizError.writing { try AtomicFile.write(text, to: folder + "/" + name) }
        }

        /// Writes a graph's frame as `name`, noting its focus for the page's camera.
        mutating func writeGraph(_ bytes: [UInt8], _ name: String) throws(AdvizError) {
            try write(bytes, name)
            focus[name] = SVGFocus(svg: String(decoding: bytes, as: UTF8.self))
        }

        /// The figure of `key` drawn the other way, written beside `image`; nil for a layered layout.
        mutating func writeTurned(_ key: String, _ progress: FigureProgress, _ image: String) throws(AdvizError) -> String? {
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
    }
}
