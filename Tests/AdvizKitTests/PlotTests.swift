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
}
