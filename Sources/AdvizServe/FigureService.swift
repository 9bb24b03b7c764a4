import AdvizCore
import AdvizFigures
import Foundation
import Synchronization

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

/// The one place the classroom server calls Graphviz, which is not thread-safe: every layout and
/// render runs on the ``FigureQueue``'s thread, lightest work first, while traces, pages and
/// sockets go on concurrently; a request whose client left is dropped from the queue.
///
/// Each program is laid out once per point and figure choice and kept (the most recently used,
/// bounded by count and by size); a step of the step-through restyles that layout instead of
/// laying it out again — the nodes stay where they were, and a step costs a fraction of a layout
/// (`adviz bench --suite serve`). Drawn steps are kept too (bounded by count and bytes), and the
/// next step is drawn ahead when the queue has nothing else to do.
public final class FigureService: Sendable {
    /// The most figure nodes (operations, inputs, constants) the server lays out for a page.
    /// A larger graph is refused with 422 and a message: the page cannot show it legibly.
    /// Graphs that are cheap in nodes but costly for dot (long edges across many ranks) are
    /// placed by adviz's own layout (``GraphFigure/usesLayeredLayout``), so no layout holds the
    /// queue for long.
    public static let maximumNodes = 400

    /// The queue of Graphviz work (shared with the lesson builds).
    let queue: FigureQueue
    /// Layouts, touched only on the queue's thread.
    private let layouts: LayoutStore
    /// Drawn steps and counters, read from any thread.
    private let shared: Mutex<Shared>

    private struct Shared: Sendable {
        var drawn = BoundedCache<DrawnKey, DrawnFigure>(maximumCount: 600, maximumBytes: 24 << 20)
        var layoutCount = 0
        var restyleCount = 0
        var drawnHitCount = 0
    }

    /// A drawn step, kept: a student goes back and forth, and the next step is drawn ahead.
    struct DrawnKey: Hashable, Sendable {
        var request: ExploreRequest
        var choice: FigureChoice
        var step: Int
    }

    struct DrawnFigure: Sendable {
        var svg: String
        var steps: Int
    }

    /// A service keeping the layouts of at most `capacity` programs (and at most `nodeBudget`
    /// figure nodes over all the figures it keeps), its work on `queue`.
    public init(capacity: Int = 48, nodeBudget: Int = 40_000) {
        self.queue = FigureQueue()
        self.layouts = LayoutStore(capacity: capacity, nodeBudget: nodeBudget)
        self.shared = Mutex(Shared())
    }

    init(queue: FigureQueue) {
        self.queue = queue
        self.layouts = LayoutStore(capacity: 48, nodeBudget: 40_000)
        self.shared = Mutex(Shared())
    }

    /// How many layouts the service has made (for tests and the bench).
    public var layoutCount: Int { shared.withLock { $0.layoutCount } }
    /// Steps drawn from a kept layout, of the point it was made for or of another.
    public var restyles: Int { shared.withLock { $0.restyleCount } }
    /// Steps answered from those kept.
    public var drawnHits: Int { shared.withLock { $0.drawnHitCount } }
    /// How many steps, layouts and figures are kept, and the bytes of the steps (for the soak test).
    public var kept: (steps: Int, stepBytes: Int, layouts: Int, layoutNodes: Int) {
        let (steps, bytes) = shared.withLock { ($0.drawn.count, $0.drawn.bytes) }
        let (count, nodes) = layouts.size
        return (steps, bytes, count, nodes)
    }

    /// Waits until the queue has no work, the steps drawn ahead too (tests).
    public func settled() async { await queue.settled() }

    /// The SVG of `request`'s figure after step `step` (nil: the last; 0: the graph before the
    /// sweeps), fitted to its viewport (width and height 100%, the viewBox kept), and the number of steps.
    ///
    /// A program is laid out once: its steps restyle that layout, and so do its other points,
    /// modes and seeds, so nothing moves while a student drags a slider. If the calling task is
    /// cancelled (its client left) while the work waits, the work is dropped.
    public func svg(_ request: ExploreRequest, choice: FigureChoice, step: Int?) async throws(ExploreError) -> (svg: String, steps: Int) {
        if let step {
            let key = DrawnKey(request: request, choice: choice, step: step)
            let kept = shared.withLock { (shared: inout Shared) -> DrawnFigure? in
                guard let kept = shared.drawn[key] else { return nil }
                shared.drawnHitCount += 1
                return kept
            }
            if let kept {
                prefetch(request, choice, after: step, of: kept.steps)
                return (kept.svg, kept.steps)
            }
        }
        let weight: FigureQueue.Weight = try layouts.isKept(request, choice) ? .quick : Self.weight(of: request)
        let answer = try await queue.run(weight) { [self] job throws(ExploreError) in
            try drawFresh(request, choice: choice, step: step, job: job)
        }
        let chosen = step ?? answer.steps
        remember(DrawnKey(request: request, choice: choice, step: chosen), answer)
        prefetch(request, choice, after: chosen, of: answer.steps)
        return (answer.svg, answer.steps)
    }

    /// How long a new layout of `request` keeps the queue: small graphs are quick.
    private static func weight(of request: ExploreRequest) throws(ExploreError) -> FigureQueue.Weight {
        let trace = try request.trace()
        return trace.graph.nodes.count < 60 ? .quick : .slow
    }

    private func remember(_ key: DrawnKey, _ answer: DrawnFigure) {
        shared.withLock { $0.drawn.insert(answer, forKey: key, bytes: answer.svg.utf8.count + 256) }
    }

    /// Draws the step after `step` when the queue is otherwise idle, unless it is kept already:
    /// by the time the student presses → it is there.
    private func prefetch(_ request: ExploreRequest, _ choice: FigureChoice, after step: Int, of stepCount: Int) {
        let next = step + 1
        let key = DrawnKey(request: request, choice: choice, step: next)
        guard next <= stepCount, shared.withLock({ $0.drawn[key] == nil }) else { return }
        queue.submit(.background) { [self] job in
            guard shared.withLock({ $0.drawn[key] == nil }), let answer = try? drawFresh(request, choice: choice, step: next, job: job) else { return }
            remember(key, answer)
        }
    }

    /// Lays out (or finds the kept layout) and draws; on the queue's thread only.
    private func drawFresh(_ request: ExploreRequest, choice: FigureChoice, step: Int?, job: FigureQueue.Job) throws(ExploreError) -> DrawnFigure {
        if job.isCancelled { throw .clientGone }
        if let kept = try layouts.kept(request, choice, make: { () throws(ExploreError) in try Self.figure(request, choice) }) {
            let (renderer, figure) = kept
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
        shared.withLock { $0.layoutCount += 1 }
        layouts.keep(renderer, laidOutFor: wide, request, figure, choice)
        // The layout is kept for the next student; this one has left.
        if job.isCancelled { throw .clientGone }
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
    private func draw(_ stepCount: Int, _ step: Int?, _ render: (Int) throws(AdvizError) -> [UInt8]) throws(ExploreError) -> DrawnFigure {
        let chosen = step ?? stepCount
        guard (0...stepCount).contains(chosen) else {
            throw ExploreError(status: 400, message: "`step` \(chosen) is out of range: this trace has steps 0 to \(stepCount)")
        }
        do {
            let bytes = try render(chosen)
            shared.withLock { $0.restyleCount += 1 }
            return DrawnFigure(svg: Self.fittedToViewport(String(decoding: bytes, as: UTF8.self)), steps: stepCount)
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
        // The focus nodes, each `x0 y0 x1 y1 name`, separated by `;` (names have neither `;` nor spaces).
        let nodes = focus.nodes.map { ($0.box.map { String($0) } + [$0.name]).joined(separator: " ") }.joined(separator: ";")
        tag = tag.replacingOccurrences(
            of: "<svg",
            with: "<svg data-focus=\"\(box)\" data-step=\"\(step)\" data-nodes=\"\(htmlEscaped(nodes))\" data-readable=\"\(String(format: "%.3f", focus.readableScale))\"")
        return svg.replacingCharacters(in: open.lowerBound..<close.upperBound, with: tag)
    }
}
