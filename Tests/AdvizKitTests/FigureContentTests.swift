import Foundation
import GraphvizKit
import Testing

@testable import AdvizBench
@testable import AdvizCore
@testable import AdvizEngines
@testable import AdvizFigures
@testable import AdvizKit
@testable import AdvizLessons
@testable import AdvizPlots
@testable import AdvizSymbolic

/// What figures and lesson frames show: values that stay, the graph alone, constants beside
/// their users, the numbers asked for, and sentences that say each thing once.
@Suite struct FigureContentTests {
    static func lesson(_ name: String) throws -> Lesson {
        try Lesson.load(path: LessonTests.folder + "/" + name)
    }

    /// The text of every label in a description (nodes' and edges').
    static func labels(_ d: DotGraph) -> String {
        (d.nodes.flatMap(\.attributes) + d.edges.flatMap(\.attributes)).filter { $0.name == "label" }.map(\.value).joined(separator: "\n")
    }

    /// Lesson 02, step 3: the tangent sweep has done three rows, and every value of the primal sweep stays.
    @Test func valuesStayWhenTheTangentSweepStarts() throws {
        let frames = try LessonRun.frames(try Self.lesson("02-forward-mode.md"))
        let frame = frames[2]
        #expect(frame.phase == .tangent && frame.progress == 3)
        let (progress, show) = frame.figureProgress
        #expect(progress.values == frame.trace!.primalRows().count)
        #expect(progress.tangents == 3)
        #expect(show == [.values, .tangents])
        var options = FigureOptions()
        options.show = show
        let d = try GraphFigure(frame.trace!, options: options).description(progress)
        let text = Self.labels(d)
        for value in ["v = 10", "v = 2.303", "v = -0.9589", "v = 1.344"] { #expect(text.contains(value), "\(value) stays") }
        #expect(text.contains("v̇ = 5") && !text.contains("v̇ = 0.5"), "v̇₁ is known, v̇₂ not yet")
        let listing = LessonText().graphListing(frame, frame.graph!).joined(separator: "\n")
        #expect(listing.contains("2.303") && listing.contains("1.344"))
    }

    /// A later phase (the Jacobian) keeps the adjoints of an earlier reverse sweep.
    @Test func theJacobianStepKeepsWhatWasComputed() throws {
        let frames = try LessonRun.frames(try Self.lesson("04-cost-jacobian.md"))
        let jacobian = try #require(frames.first { $0.phase == .jacobian })
        let (progress, show) = jacobian.figureProgress
        let trace = try #require(jacobian.trace)
        #expect(progress.values == trace.primalRows().count)
        if jacobian.completed.contains(.reverse) {
            #expect(progress.adjoints == trace.adjointRows().count && show.contains(.adjoints))
        }
        if jacobian.completed.contains(.tangent) { #expect(progress.tangents == trace.primalRows().count) }
    }

    /// Without a point, or before any sweep: names and operations, no empty `v =` rows, no edge labels.
    @Test func theGraphAloneHasNoNumbers() throws {
        var options = FigureOptions()
        options.numbers = false
        let figure = try GraphFigure(Trace(expression: "x1*x2 + sin(x1)", at: "0,0"), options: options)
        let d = figure.description()
        let text = Self.labels(d)
        #expect(!text.contains("v =") && !text.contains("∂"), "\(text)")
        #expect(text.contains("v₋₁") && text.contains("sin"))
        #expect(figure.steps.isEmpty)
    }

    /// While the graph is built, only the nodes built so far are drawn.
    @Test func theBuildPhaseDrawsTheNodesBuilt() throws {
        var options = FigureOptions()
        options.numbers = false
        let figure = try GraphFigure(Trace(expression: "log(x1*x2) + sin(x2)", at: "0,0"), options: options)
        let d = figure.description(FigureProgress(built: 3))
        let hidden = d.nodes.filter { $0.attributes.contains(DotAttribute("style", "invis")) }.map(\.id)
        #expect(Set(hidden) == ["n3", "n4", "n5"])
        // The text listing gives each node with its arguments.
        let frames = try LessonRun.frames(try Self.lesson("01-computational-graph.md"))
        let build = try #require(frames.first { $0.phase == .build && $0.progress == 3 })
        let listing = LessonText().graphListing(build, build.graph!).joined(separator: "\n")
        #expect(listing.contains("v₁") && listing.contains("v₋₁·v₀"), "\(listing)")
    }

    /// An 8-term sum reads 1 and 2 many times: a small copy beside each user, or one node with --share-constants.
    @Test func constantsAreDrawnBesideEachUser() throws {
        let program = (1...4).map { "log(1 + x\($0)^2)" }.joined(separator: " + ")
        let trace = try Trace(expression: program, at: "1,2,3,4")
        let beside = try GraphFigure(trace).description()
        let constantNodes = beside.nodes.filter { $0.id.hasPrefix("k") }
        #expect(constantNodes.count == 8, "one 1 and one 2 beside each of four users")
        var options = FigureOptions()
        options.shareConstants = true
        let shared = try GraphFigure(trace, options: options).description()
        let sharedConstants = shared.nodes.filter { $0.attributes.contains(DotAttribute("shape", "plaintext")) && !$0.id.hasPrefix("e") }
        #expect(sharedConstants.count == 2)
        #expect(shared.edges.filter { $0.attributes.contains(DotAttribute("style", "dashed")) }.count == 8)
    }

    @Test func showListsAndAspects() {
        #expect(FigureOptions.quantities("values,adjoints") == [.values, .adjoints])
        #expect(FigureOptions.quantities("all") == Set(FigureOptions.Quantity.allCases))
        #expect(FigureOptions.quantities("values,nope") == nil)
        #expect(FigureOptions.aspect("16:9")! == 16.0 / 9)
        #expect(FigureOptions.aspect("1.5") == 1.5)
        #expect(FigureOptions.aspect("0:9") == nil && FigureOptions.aspect("x") == nil)
    }

    /// `--names` heads each node with the program's name, the v-number beside it.
    @Test func namesLabelNodesByStatement() throws {
        var options = FigureOptions()
        options.names = true
        let d = try GraphFigure(Trace(expression: "h = tanh(w*x + b); y = h^2", at: "1,2,3"), options: options).description()
        let text = Self.labels(d)
        #expect(text.contains("<B>h</B>") && text.contains("<B>w</B>"), "\(text)")
    }

    /// A slide's narration keeps a line that starts with a code span in its paragraph.
    @Test func codeSpanAtTheStartOfALineStaysInItsParagraph() {
        let joined = LessonSlides.joiningParagraphLines("On this point adviz warns:\n`v1 = abs(v0)`. Every slope\n\n- a list\n- items\n\n```\ncode\nlines\n```")
        #expect(joined.hasPrefix("On this point adviz warns: `v1 = abs(v0)`. Every slope\n\n- a list\n- items\n\n```\ncode\nlines\n```"))
    }
}
