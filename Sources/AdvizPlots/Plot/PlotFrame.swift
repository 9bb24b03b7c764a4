import CairoKit
import Foundation
import AdvizCore
import AdvizSymbolic

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
