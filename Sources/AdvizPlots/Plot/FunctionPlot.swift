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
            throw .usage("the interval must have --from below --to, got [\(options.from), \(options.to)]")
        }
        guard (2...100_000).contains(options.samples) else { throw .usage("the number of samples must be between 2 and 100000") }
        let name = options.variable ?? graph.inputNames.first ?? ""
        guard let j = graph.inputNames.firstIndex(of: name) else {
            throw .usage("plot needs an input to vary; the inputs are \(PointBinding.listing(graph.inputNames))")
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
        var curves: [(name: String, color: String, dash: [Double], ys: [Double])] = [
            ("f(\(variable))", "#0072B2", [], values),
            ("f′(\(variable)) by automatic differentiation", "#D55E00", [], derivatives),
        ]
        if let symbolic { curves.append(("f′(\(variable)) symbolic", "#000000", [6, 4], symbolic)) }
        var all = curves.flatMap(\.ys) + numeric.map(\.y)
        all = all.filter(\.isFinite)
        let (ymin, ymax) = FunctionPlot.robustRange(all)
        var plot = PlotFrame(xRange: (options.from, options.to), yRange: (ymin, ymax), width: width, height: height)
        var c = Canvas(width: width, height: height)
        plot.drawAxes(on: &c, title: options.title ?? "f and its derivative")
        // Where f is undefined (log of a negative, say), a grey band says so instead of a silent gap.
        var start: Int? = nil
        for k in 0...xs.count {
            let undefined = k < xs.count && !values[k].isFinite
            if undefined, start == nil { start = k }
            if !undefined, let s = start {
                let x0 = plot.px(xs[s]), x1 = plot.px(xs[k - 1])
                c.color("#000000", alpha: 0.06)
                c.rectangle(x0, plot.top, Swift.max(1, x1 - x0), plot.bottom - plot.top, fill: true)
                c.color("#666666")
                c.text("f undefined", (x0 + x1) / 2, plot.bottom - 8, size: 10, anchor: .center)
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
        for curve in curves {
            c.color(curve.color)
            c.lineWidth(2)
            c.dash(curve.dash)
            for segment in plot.segments(xs, curve.ys, breaks: kinks) { c.polyline(segment) }
        }
        c.dash([])
        if let scheme = options.numeric {
            c.color("#009E73")
            for p in numeric where p.y.isFinite && p.y >= ymin && p.y <= ymax { c.circle(plot.px(p.x), plot.py(p.y), radius: 3) }
            curves.append(("f′(\(variable)) by \(scheme.rawValue) differences", "#009E73", [-1], []))
        }
        plot.drawLegend(on: &c, entries: curves.map { ($0.name, $0.color, $0.dash) })
        return c
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

    /// The plot drawn on a canvas.
    public func canvas(width: Double = 720, height: Double = 450) -> Canvas {
        let floor = 1e-17
        let colors = ["#D55E00", "#E69F00", "#0072B2", "#009E73", "#CC79A7"]
        let hs = study.rows.map { log10($0.h) }
        var plot = PlotFrame(xRange: (hs.min()!, hs.max()!), yRange: (log10(floor), 1), width: width, height: height)
        plot.logarithmic = true
        var c = Canvas(width: width, height: height)
        plot.drawAxes(on: &c, title: "Error of finite differences against AD, ∂f/∂\(study.input) (log–log)", xLabel: "step h", yLabel: "|error|")
        var entries: [(String, String, [Double])] = []
        for (k, scheme) in FiniteDifference.allCases.enumerated() {
            let ys = study.rows.map { log10(Swift.max(floor, $0.errors[scheme]!)) }
            c.color(colors[k])
            c.lineWidth(2)
            c.polyline(zip(hs, ys).map { (plot.px($0), plot.py($1)) })
            for (x, y) in zip(hs, ys) { c.circle(plot.px(x), plot.py(y), radius: 2.5) }
            entries.append((scheme.rawValue, colors[k], []))
        }
        // The top middle is where the error curves are not: small h has round-off, large h truncation.
        plot.drawLegend(on: &c, entries: entries, at: 0.4)
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
    let left = 64.0, right = 24.0, topMargin = 40.0, bottomMargin = 44.0

    init(xRange: (Double, Double), yRange: (Double, Double), width: Double, height: Double) {
        self.xRange = xRange
        self.yRange = yRange
        self.width = width
        self.height = height
    }

    var top: Double { topMargin }
    var bottom: Double { height - bottomMargin }
    func px(_ x: Double) -> Double { left + (x - xRange.0) / (xRange.1 - xRange.0) * (width - left - right) }
    func py(_ y: Double) -> Double { bottom - (y - yRange.0) / (yRange.1 - yRange.0) * (bottom - top) }

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
        var t = (lo / step).rounded(.up) * step
        var result: [Double] = []
        while t <= hi + step * 1e-9 {
            result.append(Swift.abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        return result
    }

    mutating func drawAxes(on c: inout Canvas, title: String, xLabel: String? = nil, yLabel: String? = nil) {
        c.color("#1a1a1a")
        c.text(title, width / 2, 24, size: 14, anchor: .center, bold: true)
        // Axes through the origin where it is in view, else along the frame.
        let x0 = logarithmic ? left : (xRange.0 <= 0 && xRange.1 >= 0 ? px(0) : left)
        let y0 = logarithmic ? bottom : (yRange.0 <= 0 && yRange.1 >= 0 ? py(0) : bottom)
        c.color("#d9d9d9")
        c.lineWidth(0.6)
        let xTicks = logarithmic ? stride(from: xRange.0.rounded(.up), through: xRange.1, by: 2).map { $0 } : PlotFrame.ticks(xRange.0, xRange.1)
        let yTicks = logarithmic ? stride(from: yRange.0.rounded(.up), through: yRange.1, by: 2).map { $0 } : PlotFrame.ticks(yRange.0, yRange.1)
        for t in xTicks { c.polyline([(px(t), top), (px(t), bottom)]) }
        for t in yTicks { c.polyline([(left, py(t)), (width - right, py(t))]) }
        c.color("#333333")
        c.lineWidth(1.2)
        c.polyline([(left, y0), (width - right, y0)])
        c.polyline([(x0, top), (x0, bottom)])
        let format = NumberFormat(significantDigits: 3)
        for t in xTicks {
            c.polyline([(px(t), y0 - 3), (px(t), y0 + 3)])
            let label = logarithmic ? "1e\(Int(t))" : format.string(t)
            c.text(label, px(t), Swift.min(bottom + 16, y0 + 15), size: 10, anchor: .center)
        }
        for t in yTicks where logarithmic || t != 0 {
            c.polyline([(x0 - 3, py(t)), (x0 + 3, py(t))])
            let label = logarithmic ? "1e\(Int(t))" : format.string(t)
            c.text(label, x0 - 6, py(t) + 3.5, size: 10, anchor: .right)
        }
        if let xLabel { c.text(xLabel, width - right, bottom + 34, size: 11, anchor: .right) }
        if let yLabel { c.text(yLabel, left, top - 8, size: 11, anchor: .left) }
    }

    func drawLegend(on c: inout Canvas, entries: [(String, String, [Double])], at fraction: Double = 0) {
        let x = left + 12 + fraction * (width - left - right), lineHeight = 17.0
        let boxWidth = 16 + 30 + Double(entries.map(\.0.count).max() ?? 10) * 6.6
        c.color("#ffffff", alpha: 0.88)
        c.rectangle(x - 6, top + 4, boxWidth, Double(entries.count) * lineHeight + 10, fill: true)
        c.color("#999999")
        c.lineWidth(0.8)
        c.rectangle(x - 6, top + 4, boxWidth, Double(entries.count) * lineHeight + 10, fill: false)
        for (k, entry) in entries.enumerated() {
            let y = top + 18 + Double(k) * lineHeight
            c.color(entry.1)
            if entry.2 == [-1] {
                c.circle(x + 12, y - 4, radius: 3)
            } else {
                c.lineWidth(2)
                c.dash(entry.2)
                c.polyline([(x, y - 4), (x + 24, y - 4)])
                c.dash([])
            }
            c.color("#1a1a1a")
            c.text(entry.0, x + 32, y, size: 11)
        }
    }
}
