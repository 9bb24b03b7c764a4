import CairoKit
import Foundation
import AdvizCore
import AdvizSymbolic

/// What `adviz plot` draws: f and f′ over an interval, with overlays and marked kinks.
public struct PlotOptions: Sendable {
    /// The interval's left end.
    public var from: Double = -5
    /// The interval's right end.
    public var to: Double = 5
    /// Points at which f and f′ are evaluated.
    public var samples: Int = 400
    /// The input varied (others stay at their `--at` values); nil: the only input.
    public var variable: String?
    /// Draw the symbolic derivative too (dashed).
    public var symbolic: Bool = false
    /// Draw a finite-difference estimate as points, as the course notes do.
    public var numeric: FiniteDifference?
    /// A heading.
    public var title: String?

    /// Default options: [-5, 5], 400 samples.
    public init() {}
}

/// The plot of a function and its derivative, as the course notes' `plot_f1_and_f2` draws it.
public struct FunctionPlot: Sendable {
    /// The sample abscissae.
    public let xs: [Double]
    /// f at each sample (NaN where undefined).
    public let values: [Double]
    /// f′ by reverse-mode AD at each sample.
    public let derivatives: [Double]
    /// The symbolic derivative at each sample, when asked for.
    public let symbolic: [Double]?
    /// The finite-difference estimate at every few samples, when asked for.
    public let numeric: [(x: Double, y: Double)]
    /// Where f has a kink or a jump (abs, relu, max, min, sign, step), found by bisection.
    public let kinks: [Double]
    /// The variable's name and the options.
    public let variable: String
    public let options: PlotOptions

    /// Samples `graph` (first output) over the interval, moving `options.variable` and keeping the other inputs at `point`.
    public init(_ graph: Graph, at point: [Double], options: PlotOptions) throws(AdvizError) {
        guard options.to > options.from, options.from.isFinite, options.to.isFinite else {
            throw .invalidArgument("the interval must have \(Setting.from) below \(Setting.to), got [\(options.from), \(options.to)]")
        }
        guard (2...100_000).contains(options.samples) else { throw .invalidArgument("the number of samples must be between 2 and 100000") }
        // Samples must be distinct doubles: [1, 1 + 2⁻⁵²] holds two, not 400.
        let representable = FunctionPlot.doublesBetween(options.from, options.to)
        guard representable >= UInt64(options.samples) else {
            throw .badInput("the interval [\(options.from), \(options.to)] holds \(representable) double\(representable == 1 ? "" : "s"), fewer than the \(options.samples) samples (the limit is one sample per representable number): widen the interval or lower \(Setting.samples)")
        }
        let name = options.variable ?? graph.inputNames.first ?? ""
        guard let j = graph.inputNames.firstIndex(of: name) else {
            throw .invalidArgument("plot needs an input to vary; the inputs are \(PointBinding.listing(graph.inputNames))")
        }
        self.options = options
        variable = name
        let n = options.samples
        let xs = (0..<n).map { options.from + (options.to - options.from) * Double($0) / Double(n - 1) }
        self.xs = xs
        let output = graph.outputs[0].node
        var values: [Double] = [], derivatives: [Double] = []
        let seed = ForwardSweep.unitSeed(j, inputs: graph.inputCount)
        for x in xs {
            var p = point
            p[j] = x
            let evaluation = PrimalSweep.run(graph, at: p)
            let value = evaluation.values[output]
            values.append(value)
            // Where f is undefined its derivative is too, whatever the local rules compute
            // (AD gives 1/x for log at x < 0: the derivative of log|x|, not of log x).
            derivatives.append(value.isFinite ? ForwardSweep.tangents(graph, evaluation, seed: seed)[output] : .nan)
        }
        self.values = values
        self.derivatives = derivatives
        if options.symbolic {
            let d = try SymbolicDerivative(graph, variable: name)
            var bindings = Dictionary(uniqueKeysWithValues: zip(graph.inputNames, point))
            symbolic = xs.map { x in
                bindings[name] = x
                return d.value(at: bindings)
            }
        } else {
            symbolic = nil
        }
        if let scheme = options.numeric {
            let stride = Swift.max(1, n / 25)
            numeric = Swift.stride(from: 0, to: n, by: stride).map { k in
                var p = point
                p[j] = xs[k]
                return (xs[k], scheme.derivative(graph, at: p, input: j, h: scheme.defaultStep(at: xs[k]).h))
            }
        } else {
            numeric = []
        }
        kinks = FunctionPlot.findKinks(graph, at: point, input: j, xs: xs)
    }

    /// How many doubles lie in [lo, hi], both ends counted (lo ≤ hi, both finite).
    static func doublesBetween(_ lo: Double, _ hi: Double) -> UInt64 {
        // The bit patterns of non-negative doubles are ordered as the numbers are; across zero,
        // the two magnitudes' patterns add (each below 2⁶³, so the sum fits in 64 bits).
        let a = lo.magnitude.bitPattern, b = hi.magnitude.bitPattern
        switch (lo.sign == .minus && lo != 0, hi.sign == .minus && hi != 0) {
        case (false, false): return b - a + 1
        case (true, true): return a - b + 1
        default: return a + b + 1
        }
    }

    /// Points where a non-smooth operation moves to another smooth piece (``Op/piece(_:_:)``)
    /// between samples, refined by bisection, and samples that land on a kink exactly.
    static func findKinks(_ graph: Graph, at point: [Double], input j: Int, xs: [Double]) -> [Double] {
        let kinky = graph.nodes.indices.filter { graph.nodes[$0].op.piece(0, 0) != nil }
        guard !kinky.isEmpty else { return [] }
        func deciding(_ x: Double) -> [(piece: Double, onKink: Bool)] {
            var p = point
            p[j] = x
            let values = PrimalSweep.run(graph, at: p).values
            return kinky.map { i in
                let node = graph.nodes[i]
                let a = values[Int(node.a)], b = node.op.arity == 2 ? values[Int(node.b)] : 0
                return (node.op.piece(a, b) ?? 0, node.op.kink(a, b) != nil)
            }
        }
        func samePiece(_ p: Double, _ q: Double) -> Bool { p == q || (p.isNaN && q.isNaN) }
        var found: [Double] = []
        var previous = deciding(xs[0])
        for k in 1..<xs.count {
            let current = deciding(xs[k])
            for m in kinky.indices where !samePiece(previous[m].piece, current[m].piece) || current[m].onKink {
                if current[m].onKink { found.append(xs[k]); continue }
                var lo = xs[k - 1], hi = xs[k]
                for _ in 0..<60 {
                    let mid = (lo + hi) / 2
                    if samePiece(deciding(mid)[m].piece, previous[m].piece) { lo = mid } else { hi = mid }
                }
                found.append((lo + hi) / 2)
            }
            previous = current
        }
        var unique: [Double] = []
        let tiny = 1e-9 * Swift.max(1, Swift.abs(xs[0]), Swift.abs(xs[xs.count - 1]))
        for x in found.sorted() where unique.last.map({ Swift.abs($0 - x) > tiny }) ?? true {
            unique.append(Swift.abs(x) < tiny ? 0 : x)  // bisection lands within an ulp of 0: say 0
        }
        return unique
    }

    // MARK: Drawing

    /// The plot drawn on a canvas: axes through the origin, f and f′, overlays, kinks, a legend.
    public func canvas(width: Double = 720, height: Double = 450) -> Canvas {
        var curves: [(name: String, color: String, dash: [Double], ys: [Double], isDerivative: Bool)] = [
            ("f(\(variable))", "#0072B2", [], values, false),
            ("f′(\(variable)) by automatic differentiation", "#D55E00", [], derivatives, true),
        ]
        if let symbolic { curves.append(("f′(\(variable)) symbolic", "#000000", [6, 4], symbolic, true)) }
        let fRange = FunctionPlot.robustRange(values.filter(\.isFinite))
        let derivativeRange = FunctionPlot.robustRange((curves.filter(\.isDerivative).flatMap(\.ys) + numeric.map(\.y)).filter(\.isFinite))
        let twoAxes = FunctionPlot.needsTwoAxes(fRange, derivativeRange)
        var plot: PlotFrame
        if twoAxes {
            let (first, second) = FunctionPlot.alignedAtZero(fRange, derivativeRange)
            plot = PlotFrame(xRange: (options.from, options.to), yRange: first, width: width, height: height)
            plot.secondYRange = second
            plot.right = 64
        } else {
            let all = (curves.flatMap(\.ys) + numeric.map(\.y)).filter(\.isFinite)
            plot = PlotFrame(xRange: (options.from, options.to), yRange: FunctionPlot.robustRange(all), width: width, height: height)
        }
        var legend = curves.map { (twoAxes ? $0.name + ($0.isDerivative ? " (right axis)" : " (left axis)") : $0.name, $0.color, $0.dash) }
        if let scheme = options.numeric { legend.append(("f′(\(variable)) by \(scheme.rawValue) differences", "#009E73", [-1])) }
        plot.reserveLegend(legend.map(\.0), xLabel: false)
        let derivativeFrame = plot.onSecondAxis  // after the legend's room is taken: same bottom
        var c = Canvas(width: width, height: height)
        plot.drawAxes(on: &c, title: options.title ?? "f and its derivative")
        // Where f is undefined (log of a negative, say), a grey band says so instead of a silent gap;
        // the words go in the band's middle, where no curve and no tick label can be.
        var start: Int? = nil
        for k in 0...xs.count {
            let undefined = k < xs.count && !values[k].isFinite
            if undefined, start == nil { start = k }
            if !undefined, let s = start {
                let x0 = plot.px(xs[s]), x1 = plot.px(xs[k - 1])
                c.color("#000000", alpha: 0.06)
                c.rectangle(x0, plot.top, Swift.max(1, x1 - x0), plot.bottom - plot.top, fill: true)
                c.color("#666666")
                c.text("f undefined", (x0 + x1) / 2, (plot.top + plot.bottom) / 2, size: 10, anchor: .center)
                start = nil
            }
        }
        for kink in kinks {
            c.color("#CC79A7")
            c.lineWidth(1)
            c.dash([2, 3])
            c.polyline([(plot.px(kink), plot.top), (plot.px(kink), plot.bottom)])
            c.dash([])
            c.text("kink at \(NumberFormat().string(kink))", plot.px(kink) + 4, plot.top + 12, size: 10)
        }
        // Curves that lie on each other stay visible: AD's is drawn wide, the symbolic one dashed
        // and narrow on top of it. A curve that leaves the frame is cut at its edge, with a mark
        // there (▲ above, ▼ below), never flattened along it.
        for curve in curves {
            c.color(curve.color)
            c.lineWidth(curve.dash.isEmpty && curve.isDerivative && symbolic != nil ? 4 : curve.dash.isEmpty ? 2 : 1.6)
            c.dash(curve.dash)
            let frame = curve.isDerivative ? derivativeFrame : plot
            let (segments, exits) = frame.clippedSegments(xs, curve.ys, breaks: kinks)
            for segment in segments { c.polyline(segment) }
            c.dash([])
            for exit in exits { frame.drawEdgeMark(on: &c, x: exit.x, above: exit.above) }
        }
        c.dash([])
        if options.numeric != nil {
            c.color("#009E73")
            let (lo, hi) = derivativeFrame.yRange
            for p in numeric where p.y.isFinite && p.y >= lo && p.y <= hi { c.circle(derivativeFrame.px(p.x), derivativeFrame.py(p.y), radius: 3) }
        }
        // Tick labels last, on a white ground: no curve or point covers a minus sign.
        plot.drawTickLabels(on: &c)
        if let symbolic, zip(symbolic, derivatives).allSatisfy({ $0 == $1 || ($0.isFinite && $1.isFinite && Swift.abs($0 - $1) <= 1e-9 * Swift.max(1, Swift.abs($1))) || ($0.isNaN && $1.isNaN) }) {
            legend[legend.count - 1].0 += " (on AD's curve: the two agree)"
        }
        plot.drawLegend(on: &c, entries: legend)
        return c
    }

    /// Whether f and f′ need an axis each: when one's range is over four times the other's, the
    /// smaller would be drawn flat (|x| on [−0.01, 0.01] spans 0.01, its derivative 2).
    static func needsTwoAxes(_ f: (Double, Double), _ derivative: (Double, Double)) -> Bool {
        let a = f.1 - f.0, b = derivative.1 - derivative.0
        guard a > 0, b > 0 else { return false }
        return Swift.max(a, b) / Swift.min(a, b) > 4
    }

    /// Two ranges widened so that 0 is at the same height on both axes (one x axis serves both).
    static func alignedAtZero(_ f: (Double, Double), _ g: (Double, Double)) -> ((Double, Double), (Double, Double)) {
        let fSpan = f.1 - f.0, gSpan = g.1 - g.0
        // robustRange always includes 0, so each range is 0 at fraction below/span from its bottom.
        let below = Swift.max(-f.0 / fSpan, -g.0 / gSpan), above = Swift.max(f.1 / fSpan, g.1 / gSpan)
        return ((-below * fSpan, above * fSpan), (-below * gSpan, above * gSpan))
    }

    /// A y range that shows the curves and ignores poles: the 1st to 99th percentile, padded.
    static func robustRange(_ values: [Double]) -> (Double, Double) {
        guard !values.isEmpty else { return (-1, 1) }
        let sorted = values.sorted()
        var lo = sorted[Int(Double(sorted.count - 1) * 0.01)], hi = sorted[Int(Double(sorted.count - 1) * 0.99)]
        lo = Swift.min(lo, 0)
        hi = Swift.max(hi, 0)
        if hi - lo < 1e-12 { (lo, hi) = (lo - 1, hi + 1) }
        let pad = (hi - lo) * 0.08
        return (lo - pad, hi + pad)
    }
}

/// The error of each finite-difference scheme against h, on log–log axes.
public struct ErrorPlot: Sendable {
    /// The study plotted.
    public let study: ErrorStudy

    /// A plot of `study`.
    public init(_ study: ErrorStudy) { self.study = study }

    /// The plot drawn on a canvas. An error of exactly 0 (the complex step often has one, AD's
    /// value and the estimate agreeing to the last bit) has no logarithm: it is marked as a
    /// hollow point on an "exact" row under the axis, not drawn at some small number, and
    /// the line does not join it, so the curve does not seem to zigzag.
    public func canvas(width: Double = 720, height: Double = 450) -> Canvas {
        let colors = ["#D55E00", "#E69F00", "#0072B2", "#009E73", "#CC79A7"]
        let hs = study.rows.map { log10($0.h) }
        let positive = study.rows.flatMap { $0.errors.values }.filter { $0 > 0 && $0.isFinite }
        let lowest = Swift.min(-16, (positive.map(log10).min() ?? -16).rounded(.down))
        let highest = Swift.max(1, (positive.map(log10).max() ?? 1).rounded(.up))
        let hasExact = study.rows.contains { $0.errors.values.contains(0) }
        // The exact row sits one decade under the lowest tick, across a dashed line.
        let exactRow = lowest - 1.2
        var plot = PlotFrame(xRange: (hs.min()!, hs.max()!), yRange: (hasExact ? exactRow - 0.5 : lowest, highest), width: width, height: height)
        plot.logarithmic = true
        plot.logarithmicFloor = lowest
        var entries: [(String, String, [Double])] = FiniteDifference.allCases.enumerated().map { ($1.rawValue, colors[$0], []) }
        if hasExact { entries.append(("error exactly 0", "#333333", [-2])) }
        plot.reserveLegend(entries.map(\.0), xLabel: true)
        var c = Canvas(width: width, height: height)
        plot.drawAxes(on: &c, title: "Error of finite differences against AD, ∂f/∂\(study.input) (log–log)", xLabel: "step h", yLabel: "|error|")
        if hasExact {
            c.color("#999999")
            c.lineWidth(0.8)
            c.dash([3, 3])
            c.polyline([(plot.left, plot.py(lowest - 0.6)), (plot.width - plot.right, plot.py(lowest - 0.6))])
            c.dash([])
            c.color("#333333")
            c.text("exact 0", plot.left - 6, plot.py(exactRow) + 3.5, size: 10, anchor: .right)
        }
        if study.atKink {
            // The kink is why no curve turns: say so on the figure, not only in the terminal.
            c.color("#CC79A7")
            c.text("kink at the point: no step converges; AD's \(NumberFormat().string(study.exact)) is a subgradient", plot.width / 2, plot.top - 2, size: 11, anchor: .center)
        }
        for (k, scheme) in FiniteDifference.allCases.enumerated() {
            let errors = study.rows.map { $0.errors[scheme]! }
            c.color(colors[k])
            c.lineWidth(2)
            var run: [(Double, Double)] = []
            for (x, error) in zip(hs, errors) {
                if error > 0, error.isFinite {
                    run.append((plot.px(x), plot.py(log10(error))))
                } else {
                    c.polyline(run)
                    run = []
                }
            }
            c.polyline(run)
            for (x, error) in zip(hs, errors) {
                if error > 0, error.isFinite {
                    c.circle(plot.px(x), plot.py(log10(error)), radius: 2.5)
                } else if error == 0 {
                    // Schemes exact at the same h would hide each other: each gets its own small offset.
                    let offset = (Double(k) - 2) * 3
                    c.lineWidth(1.5)
                    c.circle(plot.px(x) + offset, plot.py(exactRow), radius: 3.5, fill: false)
                    c.lineWidth(2)
                }
            }
        }
        plot.drawLegend(on: &c, entries: entries)
        return c
    }
}

/// Axes, ticks and the mapping from data to page coordinates.
struct PlotFrame {
    var xRange: (Double, Double)
    var yRange: (Double, Double)
    var width: Double
    var height: Double
    var logarithmic = false
    /// On a logarithmic axis, the lowest decade ticked (below it may sit an "exact 0" row).
    var logarithmicFloor: Double?
    /// The range of a second y axis on the right (f′ when its scale is far from f's), or nil.
    var secondYRange: (Double, Double)?
    let left = 64.0, topMargin = 40.0
    var right = 24.0
    /// Room under the x axis: tick labels, the axis label, and the legend's rows below them.
    var bottomMargin = 44.0
    static let legendLineHeight = 17.0

    init(xRange: (Double, Double), yRange: (Double, Double), width: Double, height: Double) {
        self.xRange = xRange
        self.yRange = yRange
        self.width = width
        self.height = height
    }

    /// The legend's entries laid out in rows under the plot: (row, x offset) for each entry.
    /// Below the frame the legend can cover neither a curve nor a tick label, whatever the data.
    func legendLayout(_ names: [String]) -> [(row: Int, x: Double)] {
        var result: [(row: Int, x: Double)] = []
        var row = 0, x = 0.0
        let available = width - left - right
        for name in names {
            let entryWidth = 32 + Double(name.count) * 6.4 + 18
            if x > 0, x + entryWidth > available { row += 1; x = 0 }
            result.append((row, x))
            x += entryWidth
        }
        return result
    }

    /// Makes room under the frame for the legend's rows.
    mutating func reserveLegend(_ names: [String], xLabel: Bool) {
        let rows = (legendLayout(names).map(\.row).max() ?? -1) + 1
        bottomMargin = (xLabel ? 62 : 44) + Double(rows) * PlotFrame.legendLineHeight
    }

    /// The frame with the second y axis's range as its y range: f′'s curves are drawn through it.
    var onSecondAxis: PlotFrame {
        var frame = self
        if let secondYRange { frame.yRange = secondYRange }
        return frame
    }

    var top: Double { topMargin }
    var bottom: Double { height - bottomMargin }
    func px(_ x: Double) -> Double { left + (x - xRange.0) / (xRange.1 - xRange.0) * (width - left - right) }
    func py(_ y: Double) -> Double { bottom - (y - yRange.0) / (yRange.1 - yRange.0) * (bottom - top) }

    /// Polylines through the finite points, cut where they cross the frame's top or bottom (at
    /// the crossing, not flattened along the edge), broken at gaps, kinks and poles; and where
    /// each cut is, in pixels, and whether the curve went above.
    func clippedSegments(_ xs: [Double], _ ys: [Double], breaks: [Double] = []) -> (segments: [[(Double, Double)]], exits: [(x: Double, above: Bool)]) {
        var result: [[(Double, Double)]] = []
        var exits: [(x: Double, above: Bool)] = []
        var current: [(Double, Double)] = []
        let (lo, hi) = yRange
        func flush() {
            if current.count > 1 { result.append(current) }
            current = []
        }
        func crossing(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, at edge: Double) -> Double {
            x0 + (edge - y0) / (y1 - y0) * (x1 - x0)
        }
        var previous: (x: Double, y: Double)?
        for (x, y) in zip(xs, ys) {
            if let p = previous, breaks.contains(where: { $0 > p.x && $0 < x }) {
                flush()
                previous = nil
            }
            guard y.isFinite else {
                flush()
                previous = nil
                continue
            }
            let inside = y >= lo && y <= hi
            defer { previous = (x, y) }
            guard let p = previous else {
                if inside { current = [(px(x), py(y))] }
                continue
            }
            // A pole between samples (a jump of more than the frame's height, through the frame): not joined.
            let jump = Swift.abs(py(y) - py(p.y)) > (bottom - top) * 1.5 && (p.y < 0) != (y < 0)
            let wasInside = p.y >= lo && p.y <= hi
            if jump {
                flush()
                if inside { current = [(px(x), py(y))] }
                continue
            }
            switch (wasInside, inside) {
            case (true, true):
                current.append((px(x), py(y)))
            case (true, false):
                let edge = y > hi ? hi : lo
                let xb = crossing(p.x, p.y, x, y, at: edge)
                current.append((px(xb), py(edge)))
                exits.append((px(xb), y > hi))
                flush()
            case (false, true):
                let edge = p.y > hi ? hi : lo
                let xb = crossing(p.x, p.y, x, y, at: edge)
                exits.append((px(xb), p.y > hi))
                current = [(px(xb), py(edge)), (px(x), py(y))]
            case (false, false):
                // Through the whole frame between two samples (above to below or back).
                if (p.y > hi && y < lo) || (p.y < lo && y > hi) {
                    let a = crossing(p.x, p.y, x, y, at: p.y > hi ? hi : lo), b = crossing(p.x, p.y, x, y, at: y > hi ? hi : lo)
                    result.append([(px(a), py(p.y > hi ? hi : lo)), (px(b), py(y > hi ? hi : lo))])
                }
            }
        }
        flush()
        return (result, exits)
    }

    /// A small triangle at the frame's edge where a curve leaves it: ▲ at the top, ▼ at the bottom.
    func drawEdgeMark(on c: inout Canvas, x: Double, above: Bool) {
        let y = above ? top : bottom, d: Double = above ? -1 : 1
        c.lineWidth(1.4)
        c.polyline([(x - 5, y), (x, y + 7 * d), (x + 5, y), (x - 5, y)])
    }

    /// Polylines through the finite points inside the frame, broken at gaps and poles.
    func segments(_ xs: [Double], _ ys: [Double], breaks: [Double] = []) -> [[(Double, Double)]] {
        var result: [[(Double, Double)]] = []
        var current: [(Double, Double)] = []
        let span = yRange.1 - yRange.0
        var previousX = -Double.infinity
        for (x, y) in zip(xs, ys) {
            // A kink between two samples: a jump in f′ must not be drawn as a steep line.
            if !current.isEmpty, breaks.contains(where: { $0 > previousX && $0 < x }) {
                result.append(current)
                current = []
            }
            previousX = x
            let inside = y.isFinite && y >= yRange.0 - span && y <= yRange.1 + span
            if inside, let last = current.last, Swift.abs(py(y) - last.1) > (bottom - top) * 1.5 {
                result.append(current)  // a pole between samples: do not join across it
                current = []
            }
            if inside {
                current.append((px(x), Swift.min(bottom + 2, Swift.max(top - 2, py(y)))))
            } else if !current.isEmpty {
                result.append(current)
                current = []
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// Ticks at 1, 2 or 5 × 10ᵏ, about `count` of them.
    static func ticks(_ lo: Double, _ hi: Double, count: Int = 8) -> [Double] {
        let raw = (hi - lo) / Double(count)
        let magnitude = Foundation.pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        // Each tick from its index, not by adding the step again and again: on an interval a few
        // ulps wide the step is below the spacing of doubles, `t += step` never moves, and the
        // loop would grow its array without end. At most 4·count ticks, and no tick twice.
        guard step > 0, step.isFinite, lo.isFinite, hi.isFinite else { return [lo] }
        let first = (lo / step).rounded(.up)
        var result: [Double] = []
        for k in 0..<(4 * count) {
            let t = (first + Double(k)) * step
            guard t <= hi + step * 1e-9 else { break }
            let tick = Swift.abs(t) < step * 1e-9 ? 0 : t
            if result.last != tick { result.append(tick) }
        }
        return result
    }

    mutating func drawAxes(on c: inout Canvas, title: String, xLabel: String? = nil, yLabel: String? = nil) {
        c.color("#1a1a1a")
        c.text(title, width / 2, 24, size: 14, anchor: .center, bold: true)
        // Axes through the origin where it is in view, else along the frame.
        // With two y axes each is drawn along its side of the frame, in its curve's colour.
        let x0 = logarithmic || secondYRange != nil ? left : (xRange.0 <= 0 && xRange.1 >= 0 ? px(0) : left)
        let y0 = logarithmic ? bottom : (yRange.0 <= 0 && yRange.1 >= 0 ? py(0) : bottom)
        c.color("#d9d9d9")
        c.lineWidth(0.6)
        let xTicks = logarithmic ? stride(from: xRange.0.rounded(.up), through: xRange.1, by: 2).map { $0 } : PlotFrame.ticks(xRange.0, xRange.1)
        let yTicks = logarithmic
            ? stride(from: (logarithmicFloor ?? yRange.0).rounded(.up), through: yRange.1, by: 2).map { $0 }
            : PlotFrame.ticks(yRange.0, yRange.1)
        for t in xTicks { c.polyline([(px(t), top), (px(t), bottom)]) }
        for t in yTicks { c.polyline([(left, py(t)), (width - right, py(t))]) }
        c.color("#333333")
        c.lineWidth(1.2)
        c.polyline([(left, y0), (width - right, y0)])
        c.polyline([(x0, top), (x0, bottom)])
        if let secondYRange {
            c.polyline([(width - right, top), (width - right, bottom)])
            let second = onSecondAxis
            for t in PlotFrame.ticks(secondYRange.0, secondYRange.1) {
                c.color("#333333")
                c.polyline([(width - right - 3, second.py(t)), (width - right + 3, second.py(t))])
                c.color(secondAxisColor)
                c.text(NumberFormat(significantDigits: 3).string(t), width - right + 6, second.py(t) + 3.5, size: 10, anchor: .left)
            }
            c.color(firstAxisColor)
            c.text("f", x0 - 6, top - 8, size: 11, anchor: .right, bold: true)
            c.color(secondAxisColor)
            c.text("f′", width - right + 6, top - 8, size: 11, anchor: .left, bold: true)
            c.color("#333333")
        }
        let format = NumberFormat(significantDigits: 3)
        for t in xTicks {
            c.polyline([(px(t), y0 - 3), (px(t), y0 + 3)])
            let label = logarithmic ? "1e\(Int(t))" : format.string(t)
            c.text(label, px(t), Swift.min(bottom + 16, y0 + 15), size: 10, anchor: .center)
        }
        if secondYRange != nil { c.color(firstAxisColor) }
        for t in yTicks where logarithmic || secondYRange != nil || t != 0 {
            c.polyline([(x0 - 3, py(t)), (x0 + 3, py(t))])
            let label = logarithmic ? "1e\(Int(t))" : format.string(t)
            c.text(label, x0 - 6, py(t) + 3.5, size: 10, anchor: .right)
        }
        yTickLabels = yTicks.filter { logarithmic || secondYRange != nil || $0 != 0 }.map { t in
            (logarithmic ? "1e\(Int(t))" : format.string(t), x0 - 6, py(t) + 3.5, secondYRange != nil ? firstAxisColor : "#333333")
        }
        c.color("#333333")
        if let xLabel { c.text(xLabel, width - right, bottom + 34, size: 11, anchor: .right) }
        if let yLabel { c.text(yLabel, left, top - 8, size: 11, anchor: .left) }
    }

    /// The y axis's tick labels as drawn (text, right edge, baseline, colour), to draw again on
    /// top of the curves.
    var yTickLabels: [(String, Double, Double, String)] = []

    /// The y tick labels again, each on a white ground, over whatever was drawn since the axes.
    func drawTickLabels(on c: inout Canvas) {
        for (label, x, y, color) in yTickLabels {
            let width = Double(label.count) * 6.2 + 4
            c.color("#ffffff", alpha: 0.9)
            c.rectangle(x - width + 2, y - 10, width, 13, fill: true)
            c.color(color)
            c.text(label, x, y, size: 10, anchor: .right)
        }
    }

    /// Colours of the two y axes' labels (f's and f′'s curves) when there are two.
    var firstAxisColor = "#0072B2", secondAxisColor = "#D55E00"

    /// The legend in rows under the frame (reserved with ``reserveLegend(_:xLabel:)``).
    func drawLegend(on c: inout Canvas, entries: [(String, String, [Double])]) {
        let layout = legendLayout(entries.map(\.0))
        let rows = (layout.map(\.row).max() ?? -1) + 1
        let firstBaseline = height - Double(rows) * PlotFrame.legendLineHeight + 4
        for (entry, place) in zip(entries, layout) {
            let x = left + place.x, y = firstBaseline + Double(place.row) * PlotFrame.legendLineHeight
            c.color(entry.1)
            if entry.2 == [-1] {
                c.circle(x + 12, y - 4, radius: 3)
            } else if entry.2 == [-2] {
                c.circle(x + 12, y - 4, radius: 3.5, fill: false)
            } else {
                c.lineWidth(2)
                c.dash(entry.2)
                c.polyline([(x, y - 4), (x + 24, y - 4)])
                c.dash([])
            }
            c.color("#1a1a1a")
            c.text(entry.0, x + 30, y, size: 11)
        }
    }
}
