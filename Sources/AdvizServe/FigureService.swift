import AdvizCore
import AdvizFigures
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
    /// The aspect (width / height) of the pane the figure goes in, if the page gives it: the
    /// direction that draws the graph larger there is chosen (``FigureOptions/fit``), unless
    /// `rankdir` is given.
    public var fit: Double?

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
        if let fit = parameters["fit"], !fit.isEmpty, parameters["rankdir"]?.isEmpty ?? true {
            guard let aspect = FigureOptions.aspect(fit) else { throw ExploreError(status: 400, message: "`fit` must be an aspect such as 16:9 or 1.6, got `\(fit)`") }
            // A tenth of a step apart at most: a window resized by a few pixels keeps its layout.
            self.fit = (aspect * 10).rounded() / 10
        }
    }

    /// The figure options for a page: sized for a screen, folded above ``FigureService/maximumNodes``.
    public var options: FigureOptions {
        var options = FigureOptions()
        options.show = FigureOptions.quantities(show) ?? Set(FigureOptions.Quantity.allCases)
        options.theme = FigureTheme.named(theme) ?? .light
        options.rankdir = rankdir
        options.names = names
        options.dpi = 96
        if let fit {
            options.fit = fit
            options.spread = false
        }
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

    /// What a layout depends on: the program and how it is drawn, not the point or the seeds.
    private struct LayoutKey: Hashable {
        var program: String
        var outputs: [String]
        var precision: Int
        var choice: FigureChoice

        init(_ request: ExploreRequest, _ choice: FigureChoice) {
            program = request.program
            outputs = request.outputs
            precision = request.precision
            self.choice = choice
        }
    }

    /// One program's layout, the request it was laid out for, and the figures of other points drawn on it.
    private struct Entry {
        var renderer: FigureRenderer
        var request: ExploreRequest
        var stepCount: Int
        var others: [ExploreRequest: GraphFigure] = [:]
        var used: UInt64
    }

    private var entries: [LayoutKey: Entry] = [:]
    private var clock: UInt64 = 0
    private let capacity: Int

    /// How many layouts the service has made (for tests and the bench).
    public private(set) var layouts = 0
    /// Steps drawn from a kept layout, of the point it was made for or of another.
    public private(set) var restyles = 0

    /// A service keeping the layouts of the `capacity` most recently used programs.
    public init(capacity: Int = 48) {
        self.capacity = capacity
    }

    /// The SVG of `request`'s figure after step `step` (nil: the last; 0: the graph before the
    /// sweeps), fitted to its viewport (width and height 100%, the viewBox kept), and the number of steps.
    ///
    /// A program is laid out once: its steps restyle that layout, and so do its other points,
    /// modes and seeds, so nothing moves while a student drags a slider.
    public func svg(_ request: ExploreRequest, choice: FigureChoice, step: Int?) throws(ExploreError) -> (svg: String, steps: Int) {
        if let step, let kept = drawn[DrawnKey(request: request, choice: choice, step: step)] {
            drawnHits += 1
            prefetch(request, choice, after: step, of: kept.steps)
            return kept
        }
        let answer = try drawFresh(request, choice: choice, step: step)
        let chosen = step ?? answer.steps
        remember(DrawnKey(request: request, choice: choice, step: chosen), answer)
        prefetch(request, choice, after: chosen, of: answer.steps)
        return answer
    }

    /// A drawn step, kept: a student goes back and forth, and the next step is drawn ahead.
    private struct DrawnKey: Hashable {
        var request: ExploreRequest
        var choice: FigureChoice
        var step: Int
    }

    private var drawn: [DrawnKey: (svg: String, steps: Int)] = [:]
    private var drawnOrder: [DrawnKey] = []
    /// Steps answered from those kept.
    public private(set) var drawnHits = 0

    private func remember(_ key: DrawnKey, _ answer: (svg: String, steps: Int)) {
        if drawn.updateValue(answer, forKey: key) == nil { drawnOrder.append(key) }
        if drawnOrder.count > 600 {
            for old in drawnOrder.prefix(300) { drawn[old] = nil }
            drawnOrder.removeFirst(300)
        }
    }

    /// Draws the step after `step` in the background, unless it is kept already: by the time the
    /// student presses → it is there. It waits behind whatever the actor is doing.
    private func prefetch(_ request: ExploreRequest, _ choice: FigureChoice, after step: Int, of stepCount: Int) {
        let next = step + 1
        guard next <= stepCount, drawn[DrawnKey(request: request, choice: choice, step: next)] == nil else { return }
        // Detached, low priority and a moment later: the answer being sent goes out first.
        Task.detached(priority: .background) { [self] in
            try? await Task.sleep(for: .milliseconds(2))
            await self.drawAhead(request, choice, next)
        }
    }

    private func drawAhead(_ request: ExploreRequest, _ choice: FigureChoice, _ step: Int) {
        let key = DrawnKey(request: request, choice: choice, step: step)
        guard drawn[key] == nil, let answer = try? drawFresh(request, choice: choice, step: step) else { return }
        remember(key, answer)
    }

    private func drawFresh(_ request: ExploreRequest, choice: FigureChoice, step: Int?) throws(ExploreError) -> (svg: String, steps: Int) {
        let key = LayoutKey(request, choice)
        clock += 1
        if var entry = entries[key] {
            entry.used = clock
            let figure: GraphFigure
            if entry.request == request {
                figure = entry.renderer.figure
            } else if let kept = entry.others[request] {
                figure = kept
            } else {
                figure = try Self.figure(request, choice)
                if entry.others.count >= 16 { entry.others.removeAll() }
                entry.others[request] = figure
            }
            entries[key] = entry
            let renderer = entry.renderer
            if let drawn = try? draw(figure.steps.count, step, { step throws(AdvizError) in
                guard let bytes = try renderer.renderStep(step, of: figure, .svg) else { throw .cannotWrite("another layout") }
                return bytes
            }) {
                return drawn
            }
            if let step, !(0...figure.steps.count).contains(step) { return try draw(figure.steps.count, step) { _ in [] } }
            // Not drawable on the kept layout (another graph after all): lay it out afresh below.
        }
        let figure = try Self.figure(request, choice)
        // The layout is made for wide numbers (a point of many digits, two more digits shown):
        // another point's numbers then fit the same boxes, and nothing needs to move.
        var wide = request
        wide.at = (0..<figure.trace.graph.inputCount).map { NumberFormat.shortest(1.2345678 + 0.1111111 * Double($0)) }.joined(separator: ",")
        wide.precision = Swift.min(17, request.precision + 2)
        let layoutFigure = (try? Self.figure(wide, choice)) ?? figure
        let renderer: FigureRenderer
        do {
            renderer = try FigureRenderer(layoutFigure, forFrames: true, captionInFigure: false)
        } catch {
            throw ExploreError(error)
        }
        layouts += 1
        var entry = Entry(renderer: renderer, request: wide, stepCount: layoutFigure.steps.count, used: clock)
        entry.others[request] = figure
        entries[key] = entry
        if entries.count > capacity, let oldest = entries.min(by: { $0.value.used < $1.value.used })?.key {
            entries[oldest] = nil
        }
        return try draw(figure.steps.count, step) { step throws(AdvizError) in
            // Every point of the program, this one too, is drawn the same way on the one layout.
            guard let bytes = try renderer.renderStep(step, of: figure, .svg) else { return try renderer.renderStep(step, .svg) }
            return bytes
        }
    }

    /// The figure of a request, refused when it is too big for a page.
    private static func figure(_ request: ExploreRequest, _ choice: FigureChoice) throws(ExploreError) -> GraphFigure {
        let trace = try request.trace()
        guard trace.graph.nodes.count <= maximumNodes else {
            throw ExploreError(status: 422, message: "the graph has \(trace.graph.nodes.count) nodes; a page draws at most \(maximumNodes) (trace it with `adviz trace`, or draw it with `adviz render`, which folds named statements)")
        }
        do {
            return try GraphFigure(trace, options: choice.options)
        } catch {
            throw ExploreError(error)
        }
    }

    /// Checks the step, draws it with `render`, and fits the SVG to its viewport.
    private func draw(_ stepCount: Int, _ step: Int?, _ render: (Int) throws(AdvizError) -> [UInt8]) throws(ExploreError) -> (svg: String, steps: Int) {
        let chosen = step ?? stepCount
        guard (0...stepCount).contains(chosen) else {
            throw ExploreError(status: 400, message: "`step` \(chosen) is out of range: this trace has steps 0 to \(stepCount)")
        }
        do {
            let bytes = try render(chosen)
            restyles += 1
            return (Self.fittedToViewport(String(decoding: bytes, as: UTF8.self)), stepCount)
        } catch {
            throw ExploreError(error)
        }
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
        // What the page's camera follows: the step's focus, and the scale at which the text reads.
        let focus = SVGFocus(svg: svg)
        let box = focus.box.map { $0.map { String($0) }.joined(separator: " ") } ?? ""
        let step = focus.step.map { $0.map { String($0) }.joined(separator: " ") } ?? ""
        tag = tag.replacingOccurrences(of: "<svg", with: "<svg data-focus=\"\(box)\" data-step=\"\(step)\" data-readable=\"\(String(format: "%.3f", focus.readableScale))\"")
        return svg.replacingCharacters(in: open.lowerBound..<close.upperBound, with: tag)
    }
}
