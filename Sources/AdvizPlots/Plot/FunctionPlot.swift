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
