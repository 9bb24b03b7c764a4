import CairoKit
import Foundation
import AdvizCore
import AdvizSymbolic

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
