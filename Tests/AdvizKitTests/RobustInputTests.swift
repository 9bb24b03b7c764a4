import Foundation
import Testing
import AdvizOutput

@testable import AdvizCore
@testable import AdvizEngines
@testable import AdvizFigures
@testable import AdvizPlots
import GraphvizKit

/// Inputs as people have them (issue 29, findings 6, 11, 13, 16, 17): CSV as spreadsheets write
/// it, plot intervals a few ulps wide, default names, labels with quotes, one input order.
@Suite struct RobustInputTests {
    private func message(_ body: () throws -> Void) -> (text: String, isBadInput: Bool)? {
        do {
            try body()
            return nil
        } catch let error as AdvizError {
            return (error.rendered, error.isBadInput)
        } catch {
            return ("\(error)", false)
        }
    }

    @Test func csvWithCRLFAndByteOrderMark() throws {
        let windows = try PointGrid.points(csv: "\u{FEFF}x2,x1\r\n1,2\r\n3,4\r\n", path: "p.csv", inputs: ["x1", "x2"])
        #expect(windows.columns == [[2, 4], [1, 3]])
        let loneCR = try PointGrid.points(csv: "x\r1\r2", path: "p.csv", inputs: ["x"])
        #expect(loneCR.columns == [[1, 2]])
    }

    @Test func csvWithQuotedFields() throws {
        let quoted = try PointGrid.points(csv: "\"x1\",\"x2\"\n\"1.5\", 2\n", path: "p.csv", inputs: ["x1", "x2"])
        #expect(quoted.columns == [[1.5], [2]])
        // A quoted header may hold a comma or a doubled quote; the column is found by its name.
        let odd = try PointGrid.points(csv: "\"a, b\",x,\"say \"\"hi\"\"\"\n7,8,9\n", path: "p.csv", inputs: ["x"])
        #expect(odd.columns == [[8]])
        let unclosed = message { _ = try PointGrid.points(csv: "x\n\"1\n", path: "p.csv", inputs: ["x"]) }
        #expect(unclosed?.isBadInput == true)
        #expect(unclosed?.text.contains("p.csv:2:1") == true, "\(unclosed?.text ?? "")")
        #expect(unclosed?.text.contains("never closed") == true)
    }

    @Test func raggedRowsAreErrorsNamingTheRow() throws {
        let extra = message { _ = try PointGrid.points(csv: "x1,x2\n1,2\n3,4,5\n", path: "p.csv", inputs: ["x1", "x2"]) }
        #expect(extra?.isBadInput == true)
        #expect(extra?.text.contains("row 2 (line 3) has 3 values; the header names 2 columns") == true, "\(extra?.text ?? "")")
        #expect(extra?.text.contains("p.csv:3:1") == true)
        let short = message { _ = try PointGrid.points(csv: "1,2\n3\n", path: "p.csv", inputs: ["x1", "x2"]) }
        #expect(short?.text.contains("row 2 (line 2) has 1 value; the function has 2 inputs") == true, "\(short?.text ?? "")")
        let noHeaderExtra = message { _ = try PointGrid.points(csv: "1,2,3\n", path: "p.csv", inputs: ["x1", "x2"]) }
        #expect(noHeaderExtra?.text.contains("row 1 (line 1) has 3 values") == true, "\(noHeaderExtra?.text ?? "")")
        // Blank lines and comments are not rows; a bad number still points at its column.
        let bad = message { _ = try PointGrid.points(csv: "x1,x2\r\n\r\n# note\r\n1, 2x\r\n", path: "p.csv", inputs: ["x1", "x2"]) }
        #expect(bad?.text.contains("p.csv:4:4") == true, "\(bad?.text ?? "")")
        #expect(bad?.text.contains("`2x` is not a number") == true)
    }

    @Test func plotTicksOnAnIntervalOfOneUlp() throws {
        let lo = 1.0, hi = 1.0.nextUp
        let ticks = PlotFrame.ticks(lo, hi)
        #expect(ticks.count <= 32)
        #expect(Set(ticks).count == ticks.count)
        #expect(PlotFrame.ticks(1e15, 1e15.nextUp).count <= 32)
        #expect(PlotFrame.ticks(-5, 5) == [-4, -2, 0, 2, 4], "ordinary intervals keep their ticks")
    }

    @Test func plotRefusesMoreSamplesThanDoubles() throws {
        #expect(FunctionPlot.doublesBetween(1, 1.0.nextUp) == 2)
        #expect(FunctionPlot.doublesBetween(-0.0, 0.0) == 1)
        #expect(FunctionPlot.doublesBetween(-Double.leastNonzeroMagnitude, Double.leastNonzeroMagnitude) == 3)
        #expect(FunctionPlot.doublesBetween(-5, 5) > 1 << 62, "the default interval, across zero, without overflow")
        #expect(FunctionPlot.doublesBetween(-Double.greatestFiniteMagnitude, Double.greatestFiniteMagnitude) > 1 << 63)
        #expect(FunctionPlot.doublesBetween(-2, -1) == FunctionPlot.doublesBetween(1, 2))
        let graph = try Graph(parsing: "x^2")
        for lo in [1.0, 100, 1e15] {
            var options = PlotOptions()
            options.from = lo
            options.to = lo.nextUp
            let failure = message { _ = try FunctionPlot(graph, at: [0], options: options) }
            #expect(failure?.isBadInput == true)
            #expect(failure?.text.contains("holds 2 doubles, fewer than the 400 samples") == true, "\(failure?.text ?? "")")
            options.samples = 2
            let plot = try FunctionPlot(graph, at: [0], options: options)
            #expect(plot.xs == [lo, lo.nextUp])
            _ = plot.canvas()
        }
    }

    @Test func defaultNamesDifferPerProgram() {
        let programs = ["x-2", "x^2", "x/2", "x*2", "x+2", "x**2"]
        let names = programs.map(Slug.unique)
        #expect(Set(names).count == programs.count, "\(names)")
        #expect(names.allSatisfy { $0.hasPrefix("x-2-") })
        #expect(Slug.unique("x^2") == Slug.unique("  x^2\n"), "the same program, the same name")
        // Stable across runs and versions: FNV-1a of the text, not Swift's seeded hash.
        #expect(Slug.unique("log(x1*x2)+sin(x2)") == Slug.unique("log(x1*x2)+sin(x2)"))
        #expect(Slug.unique("x").count == "x-".count + 8)
    }

    @Test func labelsThatCannotGoIntoSVG() throws {
        #expect(labelProblem("DejaVu Sans", isName: true) == nil)
        #expect(labelProblem("Sans\" onload=\"alert(1)", isName: true) != nil)
        #expect(labelProblem("a\u{01}b") != nil)
        #expect(labelProblem("∂y/∂x, \"quoted\" & <b>") == nil)
        #expect(htmlEscaped("a\u{01}b'\"<&") == "a\u{FFFD}b&#39;&quot;&lt;&amp;")
        let trace = try Trace(Graph(parsing: "x^2"), at: [3])
        var options = FigureOptions()
        options.fontName = "Sans\" onload=\"alert(1)"
        #expect(throws: AdvizError.self) { try GraphFigure(trace, options: options) }
    }

    @Test func oneInputOrder() throws {
        // The README's rule: x1, x2, …, x10 first, then every other name alphabetically (a plain x too).
        #expect(try Graph(parsing: "b*w*x").inputNames == ["b", "w", "x"])
        #expect(try Graph(parsing: "tanh(w1*x1 + w2*x2 + b)").inputNames == ["x1", "x2", "b", "w1", "w2"])
        #expect(try Graph(parsing: "x + x10 + x2 + a + w10 + w2").inputNames == ["x2", "x10", "a", "w2", "w10", "x"])
        #expect(try Graph(parsing: "y*x").inputNames == ["x", "y"])
    }

    @Test func notUTF8PointsAtTheByte() {
        let failure = message { _ = try InputFile.text(Data([0x78, 0x2B, 0x0A, 0x31, 0xFF, 0x32]), name: "`p.adv`") }
        #expect(failure?.isBadInput == true)
        #expect(failure?.text.contains("`p.adv` is not UTF-8 text: byte 4 (0xff)") == true, "\(failure?.text ?? "")")
        #expect(failure?.text.contains(" p.adv:2:2") == true, "the place, as every message names it: \(failure?.text ?? "")")
    }
}

/// Finding 13: an error Graphviz reports (and goes on after) is a thrown error, never exit 0.
@Suite struct GraphvizErrorTests {
    @Test func aLabelGraphvizCannotParseIsAnError() throws {
        var description = DotGraph()
        description.nodes = [DotNode(id: "a", attributes: [.html("label", "<B>bold</I>")])]
        #expect(throws: GraphvizError.self) { try GraphvizDrawing(description) }
        var fine = DotGraph()
        fine.nodes = [DotNode(id: "a", attributes: [.html("label", "<B>bold &amp; sure</B>")])]
        let drawing = try GraphvizDrawing(fine)
        #expect(try drawing.render(.svg).count > 100)
    }
}

extension AdvizError {
    /// Whether the error is bad input (a program or numbers that cannot be used), what the
    /// command line reports with exit 65.
    var isBadInput: Bool {
        switch self {
        case .input, .badInput: true
        default: false
        }
    }
}
