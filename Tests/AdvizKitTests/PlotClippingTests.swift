import Foundation
import Testing

@testable import AdvizCore
@testable import AdvizPlots

/// `plot` draws a steep f′ cut at the frame with a mark, never flattened along its edge; poles
/// are not joined; tick labels stay on top.
@Suite struct PlotClippingTests {
    /// 1/x² on [0.1, 3] in a frame up to 5: the curve leaves through the top once, at x = 1/√5,
    /// and no two of its points lie along the top edge (the old plateau).
    @Test func aSteepCurveIsCutAtTheFrameNotFlattened() {
        let frame = PlotFrame(xRange: (0.1, 3), yRange: (-1, 5), width: 720, height: 450)
        let xs = stride(from: 0.1, through: 3, by: 0.01).map { $0 }
        let ys = xs.map { 1 / ($0 * $0) }
        let (segments, exits) = frame.clippedSegments(xs, ys)
        #expect(segments.count == 1)
        #expect(exits.count == 1 && exits[0].above)
        #expect(Swift.abs(exits[0].x - frame.px(1 / 5.0.squareRoot())) < 0.5, "cut where 1/x² = 5")
        let onTop = segments[0].filter { Swift.abs($0.1 - frame.top) < 0.01 }
        #expect(onTop.count == 1, "one point on the edge, where it crosses; no plateau")
    }

    /// tan on [−3, 3]: the poles split the curve, never a line across the frame.
    @Test func polesAreNotJoined() {
        let frame = PlotFrame(xRange: (-3, 3), yRange: (-10, 10), width: 720, height: 450)
        let xs = stride(from: -3.0, through: 3, by: 0.013).map { $0 }
        let (segments, exits) = frame.clippedSegments(xs, xs.map(tan))
        #expect(segments.count == 3, "three branches of tan")
        #expect(exits.count == 4)
        for segment in segments {
            for (a, b) in zip(segment, segment.dropFirst()) { #expect(Swift.abs(a.1 - b.1) < frame.bottom - frame.top) }
        }
    }

    /// The trial's plot: the tick labels are drawn after the curves, each on a white ground.
    @Test func tickLabelsAreDrawnLast() throws {
        let graph = try Graph(parsing: "log(x1*x2)+sin(x2)")
        var options = PlotOptions()
        options.variable = "x2"
        (options.from, options.to) = (0.1, 10)
        options.symbolic = true
        let canvas = try FunctionPlot(graph, at: [2, 5], options: options).canvas()
        var texts: [String] = [], lastCurve = 0, lastTickLabel = 0
        for (k, command) in canvas.commands.enumerated() {
            switch command {
            case .polyline(let points) where points.count > 20: lastCurve = k
            case .text(let text, _, _, _, _, _):
                texts.append(text)
                if text == "-1" || text == "1" { lastTickLabel = k }
            default: break
            }
        }
        #expect(texts.contains { $0.contains("on AD") }, "the legend says the symbolic curve lies on AD's")
        #expect(lastTickLabel > lastCurve, "tick labels come after the curves")
    }
}
