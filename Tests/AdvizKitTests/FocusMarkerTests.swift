import Foundation
import Testing

@testable import AdvizCore
@testable import AdvizFigures

/// The camera of the players and the classroom knows each node a step names, by box and name, so
/// that it can point at those a readable view cannot hold (lesson 08's `v₅ = v₄/v₋₁`, whose
/// `v₋₁` lies at the far end of the graph).
@Suite struct FocusMarkerTests {
    /// The step `v̄₀ = v̄₃·∂v₃/∂v₀ + v̄₁·∂v₁/∂v₀` names three nodes: each is a focus node with its
    /// name and a box inside the focus box; the edges' labels are not nodes.
    @Test func focusNodesHaveBoxesAndNames() throws {
        let figure = try GraphFigure(Trace(expression: "log(x1*x2)+sin(x2)", at: "2,5"))
        let index = try #require(figure.steps.firstIndex { $0.caption.hasPrefix("v̄₀ = ") })
        let svg = String(decoding: try FigureRenderer(figure, forFrames: true).renderStep(index + 1, .svg), as: UTF8.self)
        let focus = SVGFocus(svg: svg)
        #expect(focus.nodes.map(\.name).sorted() == ["v₀", "v₁", "v₃"], "\(focus.nodes)")
        let box = try #require(focus.box)
        for node in focus.nodes {
            #expect(node.box[0] < node.box[2] && node.box[1] < node.box[3], "\(node)")
            #expect(node.box[0] >= box[0] && node.box[1] >= box[1] && node.box[2] <= box[2] && node.box[3] <= box[3], "\(node) in \(box)")
        }
    }

    /// The slideshow hands them to its camera with the rest of the focus.
    @Test func slideshowDataCarriesTheFocusNodes() throws {
        let figure = try GraphFigure(Trace(expression: "log(x1*x2)+sin(x2)", at: "2,5"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-focus-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FrameSet.write(figure, to: folder, title: "focus")
        let page = try String(contentsOfFile: folder + "/index.html", encoding: .utf8)
        #expect(page.contains("\"nodes\":[{\"box\":["), "the slides' focus lists its nodes")
        #expect(page.contains("\"name\":\"v₋₁\""))
        #expect(page.contains("nodes: () =>"), "the camera is told where they are")
    }

    /// A name is the node's first text, its character references read.
    @Test func firstTextReadsReferences() {
        #expect(SVGFocus.firstText(in: "<path d=\"M0,0\"/>\n<text x=\"1\" y=\"2\">v&#45;1 &amp; x</text><text>v = 2</text>") == "v-1 & x")
        #expect(SVGFocus.firstText(in: "<path d=\"M0,0\"/>") == "")
    }
}
