import AdvizCore
import AdvizFigures
import AdvizLessons
import Foundation

/// What a figure shows besides the program and its seeds: the figure options a page can choose.
public struct FigureChoice: Sendable, Hashable {
    /// `all`, or a list of `values`, `tangents`, `adjoints`.
    public var show: String = "all"
    /// `light`, `dark` or `print`.
    public var theme: String = "light"
    /// `LR` or `TB`.
    public var rankdir: String = "LR"
    /// Name nodes by the program's names.
    public var names: Bool = false

    /// The default figure: everything, light, left to right.
    public init() {}

    /// Reads `show`, `theme`, `rankdir` and `names` from query parameters; a bad value is a 400.
    public init(parameters: [String: String]) throws(ExploreError) {
        if let show = parameters["show"], !show.isEmpty {
            guard FigureOptions.quantities(show) != nil else {
                throw ExploreError(status: 400, message: "`show` must be all, or a comma-separated list of values, tangents, adjoints; got `\(show)`")
            }
            self.show = show
        }
        if let theme = parameters["theme"], !theme.isEmpty {
            guard FigureTheme.named(theme) != nil else {
                throw ExploreError(status: 400, message: "`theme` must be one of \(FigureTheme.all.map(\.name).joined(separator: ", ")), got `\(theme)`")
            }
            self.theme = theme
        }
        if let rankdir = parameters["rankdir"], !rankdir.isEmpty {
            guard ["LR", "TB"].contains(rankdir.uppercased()) else { throw ExploreError(status: 400, message: "`rankdir` must be LR or TB, got `\(rankdir)`") }
            self.rankdir = rankdir.uppercased()
        }
        if let names = parameters["names"] { self.names = ["1", "true", "yes", "on"].contains(names.lowercased()) }
    }

    /// The figure options for a page: sized for a screen, folded above ``FigureService/maximumNodes``.
    public var options: FigureOptions {
        var options = FigureOptions()
        options.show = FigureOptions.quantities(show) ?? Set(FigureOptions.Quantity.allCases)
        options.theme = FigureTheme.named(theme) ?? .light
        options.rankdir = rankdir
        options.names = names
        options.dpi = 96
        return options
    }
}

/// The one place the classroom server calls Graphviz, which is not thread-safe: an actor, so
/// layouts run one at a time while traces, pages and sockets go on concurrently.
///
/// Each program is laid out once per point and figure choice and kept (the most recent few);
/// a step of the step-through restyles that layout instead of laying it out again — the nodes
/// stay where they were, and a step costs a fraction of a layout (`adviz bench --suite serve`).
public actor FigureService {
    /// The most figure nodes (operations, inputs, constants) the server lays out for a page.
    /// A larger graph is refused with 422 and a message: Graphviz cannot be interrupted, and a
    /// layout of thousands of nodes would hold every other class member's figure for seconds.
    public static let maximumNodes = 400

    private struct Key: Hashable {
        var request: ExploreRequest
        var choice: FigureChoice
    }

    private struct Entry {
        var renderer: FigureRenderer
        var stepCount: Int
        var used: UInt64
    }

    private var renderers: [Key: Entry] = [:]
    private var clock: UInt64 = 0
    private let capacity: Int
    private var lessonCache: [String: LessonBuild] = [:]

    /// How many layouts and restyled steps the service has drawn (for tests and the bench).
    public private(set) var layouts = 0
    /// Steps drawn from a kept layout.
    public private(set) var restyles = 0

    /// A service keeping the `capacity` most recently used layouts.
    public init(capacity: Int = 48) {
        self.capacity = capacity
    }

    /// The SVG of `request`'s figure after step `step` (0: the graph before the sweeps), fitted to
    /// its viewport (width and height 100%, the viewBox kept), and the number of steps.
    public func svg(_ request: ExploreRequest, choice: FigureChoice, step: Int?) throws(ExploreError) -> (svg: String, steps: Int) {
        let key = Key(request: request, choice: choice)
        clock += 1
        let entry: Entry
        if var kept = renderers[key] {
            kept.used = clock
            renderers[key] = kept
            entry = kept
        } else {
            let trace = try request.trace()
            guard trace.graph.nodes.count <= Self.maximumNodes else {
                throw ExploreError(status: 422, message: "the graph has \(trace.graph.nodes.count) nodes; a page draws at most \(Self.maximumNodes) (trace it with `adviz trace`, or draw it with `adviz render`, which folds named statements)")
            }
            let figure: GraphFigure
            let renderer: FigureRenderer
            do {
                figure = try GraphFigure(trace, options: choice.options)
                renderer = try FigureRenderer(figure, forFrames: true, captionInFigure: false)
            } catch {
                throw ExploreError(error)
            }
            layouts += 1
            entry = Entry(renderer: renderer, stepCount: figure.steps.count, used: clock)
            renderers[key] = entry
            if renderers.count > capacity, let oldest = renderers.min(by: { $0.value.used < $1.value.used })?.key {
                renderers[oldest] = nil
            }
        }
        let chosen = step ?? entry.stepCount
        guard (0...entry.stepCount).contains(chosen) else {
            throw ExploreError(status: 400, message: "`step` \(chosen) is out of range: this trace has steps 0 to \(entry.stepCount)")
        }
        let bytes: [UInt8]
        do {
            bytes = try entry.renderer.renderStep(chosen, .svg)
        } catch {
            throw ExploreError(error)
        }
        restyles += 1
        return (Self.fittedToViewport(String(decoding: bytes, as: UTF8.self)), entry.stepCount)
    }

    /// Graphviz's SVG sized in points made to scale with whatever holds it: the root's `width`
    /// and `height` become 100% (the `viewBox` keeps the drawing's proportions), so the figure
    /// fills a browser window or a page's pane and is never cropped.
    public static func fittedToViewport(_ svg: String) -> String {
        guard let open = svg.range(of: "<svg"), let close = svg.range(of: ">", range: open.upperBound..<svg.endIndex) else { return svg }
        var tag = String(svg[open.lowerBound..<close.upperBound])
        for attribute in ["width", "height"] {
            if let range = tag.range(of: " \(attribute)=\"[^\"]*\"", options: .regularExpression) {
                tag.replaceSubrange(range, with: " \(attribute)=\"100%\"")
            }
        }
        if !tag.contains("preserveAspectRatio") { tag = tag.replacingOccurrences(of: "<svg", with: "<svg preserveAspectRatio=\"xMidYMid meet\"") }
        return svg.replacingCharacters(in: open.lowerBound..<close.upperBound, with: tag)
    }

    // MARK: Lessons

    /// A lesson built into memory: the slideshow page and its images, by file name.
    public struct LessonBuild: Sendable {
        /// The file names and their bytes (`index.html`, `step-001.svg`, …).
        public var files: [String: [UInt8]]
        /// When the lesson file was last changed, to rebuild after an edit.
        public var modified: Date?
    }

    /// The lesson at `path` as its slideshow (built once, and again when the file changes).
    /// Graphviz draws its frames, so lessons are built here, one at a time.
    public func lesson(at path: String) throws(ExploreError) -> LessonBuild {
        let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate]) as? Date
        if let kept = lessonCache[path], kept.modified == modified { return kept }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-serve-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            let lesson = try Lesson.load(path: path)
            let written = try LessonSlides.build(lesson, to: folder)
            var files: [String: [UInt8]] = [:]
            for file in written + [folder + "/index.html"] {
                let name = (file as NSString).lastPathComponent
                if let data = FileManager.default.contents(atPath: file) { files[name] = Array(data) }
            }
            let build = LessonBuild(files: files, modified: modified)
            lessonCache[path] = build
            return build
        } catch {
            throw ExploreError(error)
        }
    }
}
