import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

@testable import AdvizBench
@testable import AdvizCore
@testable import AdvizEngines
@testable import AdvizFigures
@testable import AdvizKit
@testable import AdvizLessons
@testable import AdvizPlots
@testable import AdvizSymbolic
import CairoKit

/// Counts the drawing elements of an SVG: Cairo writes strokes as paths and text as glyph uses.
final class SVGElementCounter: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        counts[name, default: 0] += 1
    }
}

@Suite struct PlotTests {
    @Test func functionPlotHasTwoCurvesALegendAndTheKink() throws {
        var options = PlotOptions()
        options.from = -2
        options.to = 2
        options.numeric = .central
        let plot = try FunctionPlot(Graph(parsing: "abs(x)"), at: [0], options: options)
        #expect(plot.kinks == [0])
        #expect(plot.derivatives.first == -1 && plot.derivatives.last == 1)
        #expect(plot.numeric.count >= 20)
        let canvas = plot.canvas()
        let polylines = canvas.commands.filter { if case .polyline = $0 { true } else { false } }
        #expect(polylines.count >= 10)  // axes, grid, f, f′ in two pieces (broken at the kink), legend swatches
        let texts = canvas.commands.compactMap { if case .text(let s, _, _, _, _, _) = $0 { s } else { nil } }
        #expect(texts.contains("f(x)") && texts.contains("f′(x) by automatic differentiation") && texts.contains("f′(x) by central differences"))
        #expect(texts.contains("kink at 0"))

        let svg = canvas.render(.svg)
        let parser = XMLParser(data: Data(svg))
        let counter = SVGElementCounter()
        parser.delegate = counter
        #expect(parser.parse())
        #expect((counter.counts["path"] ?? 0) >= 10)

        let png = canvas.render(.png, scale: 2)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 1440 && height == 900)
        #expect(String(decoding: canvas.render(.pdf).prefix(5), as: UTF8.self) == "%PDF-")
    }

    @Test func polesAndUndefinedRegionsBreakTheCurve() throws {
        var options = PlotOptions()
        options.from = -3
        options.to = 3
        let plot = try FunctionPlot(Graph(parsing: "log(x)"), at: [1], options: options)
        #expect(plot.values.prefix(10).allSatisfy { $0.isNaN })  // undefined left of 0: not drawn
        let tangent = try FunctionPlot(Graph(parsing: "tan(x)"), at: [0], options: options)
        let frame = PlotFrame(xRange: (-3, 3), yRange: FunctionPlot.robustRange(tangent.values.filter(\.isFinite)), width: 720, height: 450)
        #expect(frame.segments(tangent.xs, tangent.values).count >= 2, "tan is broken at its poles ±π/2")
    }

    @Test func errorPlotDrawsEveryScheme() throws {
        let study = try ErrorStudy(Graph(parsing: "exp(x)*sin(x)"), at: [1], input: 0)
        let canvas = ErrorPlot(study).canvas()
        let texts = canvas.commands.compactMap { if case .text(let s, _, _, _, _, _) = $0 { s } else { nil } }
        for scheme in FiniteDifference.allCases { #expect(texts.contains(scheme.rawValue)) }
    }

    /// The texts of a canvas with their baselines.
    static func texts(_ canvas: Canvas) -> [(text: String, y: Double)] {
        var result: [(text: String, y: Double)] = []
        for command in canvas.commands {
            if case .text(let s, _, let y, _, _, _) = command { result.append((s, y)) }
        }
        return result
    }

    @Test func exactZerosAreMarkedAsExactNotDrawnAtATinyNumber() throws {
        let study = try ErrorStudy(Graph(parsing: "exp(x)*sin(x)"), at: [1], input: 0)
        let exactSteps = study.rows.filter { $0.errors[.complexStep] == 0 }
        #expect(!exactSteps.isEmpty, "the complex step agrees with AD to the last bit at some h")
        let canvas = ErrorPlot(study).canvas()
        let texts = PlotTests.texts(canvas).map { $0.text }
        #expect(texts.contains("exact 0") && texts.contains("error exactly 0"))
        // Every exact zero is one hollow circle; the filled points are the nonzero errors only.
        let hollow = canvas.commands.filter { if case .circle(_, _, _, fill: false) = $0 { true } else { false } }
        var zeros = 0
        for row in study.rows { zeros += row.errors.values.filter { $0 == 0 }.count }
        #expect(hollow.count == zeros + 1)  // and the legend's swatch
        #expect(!study.atKink)
        #expect(study.explanation.contains("truncation"))
    }

    @Test func theErrorStudyAtAKinkSaysSo() throws {
        let study = try ErrorStudy(Graph(parsing: "abs(x)"), at: [0], input: 0)
        #expect(study.atKink)
        #expect(study.notes.contains { $0.contains("kink") })
        #expect(study.explanation.contains("kink") && study.explanation.contains("no step is best"))
        let text = study.render(.text)
        #expect(!text.contains("Best step") && !text.contains("round-off ε/h takes over"))
        let texts = PlotTests.texts(ErrorPlot(study).canvas()).map { $0.text }
        #expect(texts.contains { $0.hasPrefix("kink at the point") })
        // A kink elsewhere on the graph, not at the point, is no kink here.
        #expect(try !ErrorStudy(Graph(parsing: "abs(x)"), at: [1], input: 0).atKink)
    }

    @Test func theLegendIsUnderTheFrameOffTheData() throws {
        for source in ["1/x", "relu(log(x))", "sin(x)"] {
            var options = PlotOptions()
            options.numeric = .central
            options.symbolic = true
            let canvas = try FunctionPlot(Graph(parsing: source), at: [1], options: options).canvas()
            let all = PlotTests.texts(canvas)
            let tickBaselines: [Double] = all.filter { $0.text == "2" || $0.text == "-2" }.map { $0.y }
            let lowestTick = tickBaselines.max() ?? 0
            let legend = all.filter { $0.text.hasPrefix("f(x)") || $0.text.hasPrefix("f′(x) by") }
            #expect(legend.count == 3, "\(source)")
            for entry in legend { #expect(entry.y > lowestTick + 10, "\(source): \(entry.text) is under the tick labels") }
        }
    }

    @Test func aDerivativeOnAnotherScaleGetsItsOwnAxis() throws {
        var options = PlotOptions()
        options.from = -0.01
        options.to = 0.01
        let narrow = try FunctionPlot(Graph(parsing: "abs(x)"), at: [0], options: options)
        let texts = PlotTests.texts(narrow.canvas()).map { $0.text }
        #expect(texts.contains("f′") && texts.contains("f′(x) by automatic differentiation (right axis)"))
        #expect(FunctionPlot.needsTwoAxes((-0.001, 0.011), (-1.2, 1.2)))
        #expect(!FunctionPlot.needsTwoAxes((-1.2, 1.2), (-1.1, 1.1)))
        let sine = PlotTests.texts(try FunctionPlot(Graph(parsing: "sin(x)"), at: [0], options: PlotOptions()).canvas()).map { $0.text }
        #expect(!sine.contains("f′"))
        // Zero sits at one height on both axes.
        let (f, g) = FunctionPlot.alignedAtZero((-1, 3), (-10, 2))
        #expect(Swift.abs(-f.0 / (f.1 - f.0) - -g.0 / (g.1 - g.0)) < 1e-12)
    }
}
