import Foundation
import Testing

@testable import AdvizBench
@testable import AdvizCore
@testable import AdvizEngines
@testable import AdvizFigures
@testable import AdvizKit
@testable import AdvizLessons
@testable import AdvizPlots
@testable import AdvizSymbolic

/// What adviz writes, opened in headless Chromium as a teacher would open it: every node of
/// every figure on the visible page, and the players stepping with their keys and `#N` links.
@Suite(.serialized, .enabled(if: chromiumIsInstalled, "needs Chromium (Debian's `chromium`); skipped without it"))
struct BrowserTests {
    static func folder() -> String {
        NSTemporaryDirectory() + "/adviz-browser-\(UUID().uuidString)"
    }

    /// An SVG at any `--dpi` shows all of itself: Graphviz once scaled its drawing by dpi/72
    /// inside a viewBox of the unscaled size, and browsers showed the top-left quarter.
    @Test(arguments: [72.0, 144, 300])
    func svgShowsEveryNodeAtAnyDPI(_ dpi: Double) async throws {
        var options = FigureOptions()
        options.dpi = dpi
        let figure = try GraphFigure(Trace(expression: "log(x1*x2)+sin(x2)", at: "2,5"), options: options)
        let report = try await Chromium.svgNodeBoxes(try FigureRenderer(figure).render(.svg))
        #expect(report.nodes.filter { !$0.id.hasSuffix(" label") }.count == 6, "six nodes, and the edges' labels")
        for node in report.nodes {
            #expect(report.root.contains(node.box), "\(node.id) at \(node.box) lies outside the SVG's box \(report.root)")
            #expect(report.page.contains(node.box), "\(node.id) at \(node.box) lies outside the page \(report.page)")
        }
    }

    /// A step of `render --step` and a top-to-bottom figure fit too.
    @Test func stepAndTopToBottomFiguresFit() async throws {
        var options = FigureOptions()
        options.rankdir = "TB"
        let figure = try GraphFigure(Trace(expression: "sin(x1)*x2 + log(1 + x1^2) + log(1 + x2^2)", at: "1,2"), options: options)
        let renderer = try FigureRenderer(figure, forFrames: true)
        for step in [0, figure.steps.count / 2, figure.steps.count] {
            let report = try await Chromium.svgNodeBoxes(try renderer.renderStep(step, .svg))
            #expect(!report.nodes.isEmpty)
            for node in report.nodes { #expect(report.root.contains(node.box), "step \(step): \(node.id) at \(node.box) outside \(report.root)") }
        }
    }

    /// Checks one probed page: every look saw its whole figure, no text panel cut, and the keys and links stepped.
    func expectWholeAndStepping(_ report: ProbeReport, _ what: String, nodesExpected: Bool) {
        #expect(report.errors.isEmpty, "\(what): \(report.errors)")
        #expect(report.states.count == 5, "\(what): the probe looked \(report.states.count) times")
        for check in report.checks { #expect(check.ok, "\(what): \(check.name)") }
        for state in report.states {
            #expect(state.loaded, "\(what) \(state.label): \(state.image) did not load")
            if nodesExpected { #expect(!state.nodes.isEmpty, "\(what) \(state.label): no nodes in \(state.image)") }
            #expect(state.outside.isEmpty, "\(what) \(state.label) (\(state.counter)): nodes \(state.outside) outside the visible figure \(state.imageBox)")
            #expect(state.clipped.isEmpty, "\(what) \(state.label) (\(state.counter)): cut off: \(state.clipped)")
        }
    }

    @Test func framesPlayerShowsWholeFramesAndSteps() async throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let figure = try GraphFigure(Trace(expression: "log(x1*x2)+sin(x2)", at: "2,5"))
        try FrameSet.write(figure, to: folder, title: "log(x1*x2)+sin(x2)")
        let player = try await Chromium.probe(page: folder + "/index.html")
        expectWholeAndStepping(player, "player", nodesExpected: true)
        // Opened at a link to a step, the player starts there.
        let opened = try await Chromium.probe(page: folder + "/index.html", fragment: "#4")
        #expect(opened.states.first?.counter == "4 / 12")
    }

    /// A long program as the player's title stays on one line, cut with an ellipsis: it once took
    /// three lines over the figure and pushed the step counter into a column (`50` / `/` / `180`).
    @Test func longTitleTakesOneLine() async throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // The title as a 12-term program would have it, over a small figure (its frames are quick to draw).
        let program = (1...12).map { "sin(x\($0 % 7 + 1)*x\(($0 + 3) % 7 + 1)+\($0))*exp(-x\($0 % 5 + 1)/\($0 + 1))" }.joined(separator: "+")
        let figure = try GraphFigure(Trace(expression: "x1*x2", at: "2,5"))
        try FrameSet.write(figure, to: folder, title: program)
        let report = try await Chromium.probe(page: folder + "/index.html", width: 1280, height: 720)
        let shown = try #require(report.states.first)
        #expect(shown.headerHeight <= 48, "the header is \(shown.headerHeight) px high")
        #expect(shown.counter.hasPrefix("1 / "))
        #expect(try String(contentsOfFile: folder + "/index.html", encoding: .utf8).contains("<h1 title=\""), "the whole title on hover")
    }

    /// A big graph takes the slide: at lesson 07's last step (13 nodes over a 13-row trace) the
    /// drawn graph gets about half the page's height in a 1280×720 window (the trace scrolls
    /// instead); it once got less than a quarter of it.
    @Test func bigGraphTakesTheSlide() async throws {
        let path = LessonTests.course.first { $0.hasSuffix("07-neuron-backprop.md") }!
        let folder = try LessonSlideshows.folder(for: path)
        // Slide 1 is the title (the introduction); the last step is slide 8.
        let report = try await Chromium.probe(page: folder + "/index.html", fragment: "#8", width: 1280, height: 720)
        let shown = try #require(report.states.first)
        #expect(shown.counter == "8 / 8")
        let nodes = shown.nodes.map(\.box)
        let drawn = (nodes.map(\.bottom).max() ?? 0) - (nodes.map(\.top).min() ?? 0)
        #expect(nodes.count >= 13)
        let page = shown.page.bottom - shown.page.top
        #expect(drawn >= 0.45 * page, "the graph is drawn \(Int(drawn)) px high in a page \(Int(page)) px high (the image \(shown.imageBox))")
    }

    /// Every lesson's slideshow, on a laptop screen and on a 16:9 projector.
    @Test(arguments: LessonTests.course)
    func lessonSlideshowShowsWholeFramesAndSteps(_ path: String) async throws {
        let folder = try LessonSlideshows.folder(for: path)
        let name = URL(fileURLWithPath: path).lastPathComponent
        let laptop = try await Chromium.probe(page: folder + "/index.html")
        expectWholeAndStepping(laptop, name, nodesExpected: false)
        // At 1280×720, the keys' walk of the page LegibilityTests reads every slide of.
        var projector = try await LessonSlideshows.projectorProbe(for: path)
        projector.states = projector.stepping ?? []
        expectWholeAndStepping(projector, name + " at 1280×720", nodesExpected: false)
    }
}
