import Foundation
import GraphvizKit
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

/// Reads an SVG as XML: node and edge groups by id, and the text of each.
final class SVGReader: NSObject, XMLParserDelegate {
    var nodes: [String: [String]] = [:]
    var edges: [String: [String]] = [:]
    var allText: [String] = []
    private var currentGroup: (kind: String, id: String)?
    private var inText = false
    private var text = ""

    static func read(_ bytes: [UInt8]) throws -> SVGReader {
        let reader = SVGReader()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = reader
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.fileReadCorruptFile) }
        return reader
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        if name == "g", let cls = attributes["class"]?.split(separator: " ").first.map(String.init), cls == "node" || cls == "edge", let id = attributes["id"] {
            currentGroup = (cls, id)
            if cls == "node" { nodes[id] = [] } else { edges[id] = [] }
        }
        if name == "text" {
            inText = true
            text = ""
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" {
            inText = false
            allText.append(text)
            if let group = currentGroup {
                if group.kind == "node" { nodes[group.id, default: []].append(text) } else { edges[group.id, default: []].append(text) }
            }
        }
        if name == "g" { currentGroup = nil }
    }
}

@Suite(.serialized) struct RenderTests {
    func figure(_ program: String = "log(x1*x2)+sin(x2)", at point: String = "2,5", options: FigureOptions = FigureOptions()) throws -> GraphFigure {
        try GraphFigure(Trace(expression: program, at: point), options: options)
    }

    /// Every node and edge is in the SVG, with the numbers the trace prints.
    @Test func svgHasEveryNodeEdgeAndNumber() throws {
        let figure = try figure()
        let svg = try SVGReader.read(try FigureRenderer(figure).render(.svg))
        // Ids keep their ASCII spelling (as JSON's); each labelled edge runs through its label, a node of its own.
        #expect(Set(svg.nodes.keys.filter { !$0.hasSuffix(" label") }) == ["v-1", "v0", "v1", "v2", "v3", "v4"])
        #expect(Set(svg.edges.keys.filter { !$0.hasSuffix(" (to its label)") }) == ["v-1->v1", "v0->v1", "v0->v3", "v1->v2", "v2->v4", "v3->v4"])
        let trace = figure.trace
        let format = trace.options.numberFormat
        for (i, label) in ["v-1", "v0", "v1", "v2", "v3", "v4"].enumerated() {
            let texts = svg.nodes[label]!.joined(separator: " ")
            #expect(texts.contains(format.string(trace.evaluation.values[i])), "\(label): \(texts)")
            #expect(texts.contains(format.string(trace.adjoints![i])), "\(label): \(texts)")
            #expect(texts.contains(format.string(trace.tangents![i])), "\(label): \(texts)")
        }
        let edge = svg.nodes["v0->v3 label"]!.joined(separator: " ")
        #expect(edge.contains("∂v₃/∂v₀ = cos(v₀) = 0.2837"))
        #expect(edge.contains("v̄₃·∂v₃/∂v₀ = 1·0.2837 = 0.2837"), "the flow written in full")
        // Names are written with subscripts: v₋₁ is "v sub minus one", never "v minus 1".
        #expect(svg.nodes["v-1"]!.joined().contains("v₋₁"))
        #expect(!svg.allText.joined(separator: " ").contains("v-1"))
    }

    @Test func pngAndPdfHaveTheirMagicBytes() throws {
        let renderer = try FigureRenderer(figure())
        let png = try renderer.render(.png)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // The IHDR chunk: width and height, big-endian, at bytes 16-23.
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width > 400 && height > 100, "\(width)×\(height)")
        let pdf = try renderer.render(.pdf)
        #expect(String(decoding: pdf.prefix(5), as: UTF8.self) == "%PDF-")
        #expect(pdf.count > 2000)
    }

    @Test func dotOutputParsesBackWithCgraph() throws {
        let figure = try figure("a = x1*x2; y = log(a) + sin(x2)*a")
        let dot = String(decoding: try FigureRenderer(figure).render(.dot), as: UTF8.self)
        let parsed = try #require(GraphvizDrawing.parse(dot))
        #expect(parsed.nodes == figure.description().nodes.count)
        #expect(parsed.edges == figure.description().edges.count)
    }

    /// Frames come from one layout: every node stays where it was.
    @Test func framesKeepEveryNodeInPlace() throws {
        let figure = try figure()
        let renderer = try FigureRenderer(figure, forFrames: true)
        func positions(_ svg: [UInt8]) -> [String: String] {
            // The first <text> of each node group is anchored at a fixed point of the node.
            let text = String(decoding: svg, as: UTF8.self)
            var result: [String: String] = [:]
            for block in text.components(separatedBy: "<g id=\"").dropFirst() where block.contains("class=\"node") {
                let id = String(block.prefix { $0 != "\"" })
                if let path = block.range(of: "<path") ?? block.range(of: "<polygon") {
                    let rest = block[path.lowerBound...]
                    if let d = rest.range(of: "d=\"") ?? rest.range(of: "points=\"") {
                        result[id] = String(rest[d.upperBound...].prefix { $0 != "\"" })
                    }
                }
            }
            return result
        }
        let first = positions(try renderer.renderStep(1, .svg))
        #expect(first.keys.filter { !$0.hasSuffix(" label") }.count == 6)
        for step in 2...figure.steps.count {
            #expect(positions(try renderer.renderStep(step, .svg)) == first, "step \(step) moved a node")
        }
        #expect(figure.steps.count == 12)  // 6 forward, 6 reverse
        #expect(figure.steps[11].caption == "v̄₋₁ = v̄₁·∂v₁/∂v₋₁ = 0.1·5 = 0.5")
        #expect(figure.steps[6].caption == "v̄₄ = ȳ = 1", "the seed row says its value once")
    }

    @Test func frameFolderHasAPlayer() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-frames-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let paths = try FrameSet.write(try figure(), to: folder, title: "log(x1*x2)+sin(x2)")
        #expect(paths.count == 12)
        let html = try String(contentsOfFile: folder + "/index.html", encoding: .utf8)
        #expect(html.contains("frame-012.svg") && html.contains("ArrowRight"))
        #expect(!html.contains("http://") && !html.contains("https://"), "the player loads nothing from the network")
        for path in paths {
            #expect(try SVGReader.read(Array(Data(contentsOf: URL(fileURLWithPath: path)))).nodes.keys.filter { !$0.hasSuffix(" label") }.count == 6)
        }
        #expect(html.contains("hashchange"), "a link to #N goes to step N")
    }

    @Test func clustersAndCollapse() throws {
        let program = "z = w1*x1 + w2*x2 + b; h = tanh(z); loss = (h - 1)^2"
        let plain = try figure(program, at: "1,2,0.1,0.3,0.4")
        #expect(plain.description().clusters.count == 2)  // z and loss; h has one node
        var options = FigureOptions()
        options.collapse = ["z"]
        let folded = try figure(program, at: "1,2,0.1,0.3,0.4", options: options)
        #expect(folded.nodeCount == plain.nodeCount - 3)
        let svg = try SVGReader.read(try FigureRenderer(folded).render(.svg))
        #expect(svg.nodes["z"] != nil)
        #expect(svg.nodes["z"]!.joined().contains("4 nodes folded"))
        options.collapse = ["nope"]
        #expect(throws: AdvizError.self) { try figure(program, at: "1,2,0.1,0.3,0.4", options: options) }
    }

    /// Statement boxes that share ranks come in statement order, read from the layout itself:
    /// top to bottom when the graph runs left to right, left to right when it runs down.
    /// dot alone draws a layer of four neurons h3, h2, h1, h4.
    @Test(arguments: ["LR", "TB"]) func statementBoxesComeInStatementOrder(rankdir: String) throws {
        let neurons = (1...4).map { "h\($0) = tanh(w\($0)1*x1 + w\($0)2*x2 + b\($0))" }
        let layer = (neurons + ["out = v1*h1 + v2*h2 + v3*h3 + v4*h4", "loss = (out - t)^2"]).joined(separator: "\n")
        let twoLayers = ((1...4).map { "h\($0) = tanh(w\($0)1*x1 + w\($0)2*x2 + w\($0)3*x3 + b\($0))" }
            + (1...3).map { k in "g\(k) = tanh(" + (1...4).map { "u\(k)\($0)*h\($0)" }.joined(separator: " + ") + " + c\(k))" }
            + ["out = v1*g1 + v2*g2 + v3*g3", "loss = (out - t)^2"]).joined(separator: "\n")
        let branches = "u = x1*x2\nv = sin(u) + x1\nw = cos(u) * x2\ny = v*w + u"
        var compared = 0
        for program in [layer, twoLayers, branches] {
            let graph = try Graph(parsing: program)
            for numbers in [true, false] {
                var options = FigureOptions()
                options.rankdir = rankdir
                options.numbers = numbers
                let point = (0..<graph.inputCount).map { 0.1 * Double($0 % 7) - 0.3 }
                let renderer = try FigureRenderer(try GraphFigure(try Trace(graph, at: point), options: options))
                let centers = renderer.nodeCenters()
                // Each box: its nodes' centres along the ranks (from, to) and its middle across them, in reading order.
                let boxes: [(name: String, from: Double, to: Double, middle: Double)] = renderer.figure.description().clusters.map { cluster in
                    let points = cluster.nodes.compactMap { centers[$0] }.map { rankdir == "LR" ? (along: $0.x, across: -$0.y) : (along: -$0.y, across: $0.x) }
                    let name = cluster.attributes.first { $0.name == "label" }?.value ?? "?"
                    return (name, points.map(\.along).min()!, points.map(\.along).max()!, points.map(\.across).reduce(0, +) / Double(points.count))
                }
                for i in boxes.indices {
                    for j in boxes.indices where j > i && max(boxes[i].from, boxes[j].from) <= min(boxes[i].to, boxes[j].to) + 1 {
                        compared += 1
                        #expect(boxes[i].middle < boxes[j].middle, "\(rankdir), numbers \(numbers): \(boxes[i].name) should come before \(boxes[j].name) in \(boxes.map(\.name))")
                    }
                }
            }
        }
        // The layer's 6 pairs of neurons, the two layers' 6 + 3, and v beside w, with numbers and without.
        #expect(compared >= 2 * (6 + 6 + 3 + 1))
    }

    @Test func bigGraphsFoldThemselvesAndSaySo() throws {
        let layer = (1...30).map { "h\($0) = tanh(w\($0)*x1 + b\($0))" }.joined(separator: "; ")
        let program = layer + "; y = " + (1...30).map { "h\($0)" }.joined(separator: " + ")
        let graph = try Graph(parsing: program)
        let trace = try Trace(graph, at: [Double](repeating: 0.1, count: graph.inputCount))
        let figure = try GraphFigure(trace)
        #expect(figure.nodeCount <= FigureOptions().maxNodes)
        #expect(figure.notes.contains { $0.contains("folded") })
    }

    @Test func themesAndPrintIsGrey() throws {
        for theme in FigureTheme.all {
            var options = FigureOptions()
            options.theme = theme
            let svg = String(decoding: try FigureRenderer(figure(options: options)).render(.svg), as: UTF8.self)
            #expect(svg.contains("<svg"))
            if theme.name == "print" {
                // No colour at all: every #rrggbb in the drawing has r = g = b.
                let hex = svg.components(separatedBy: "#").dropFirst().compactMap { part -> String? in
                    let h = String(part.prefix(6))
                    return h.count == 6 && h.allSatisfy(\.isHexDigit) ? h : nil
                }
                for h in hex {
                    let c = Array(h)
                    #expect(c[0] == c[2] && c[2] == c[4] && c[1] == c[3] && c[3] == c[5], "#\(h) is not grey")
                }
            }
        }
    }
}

@Suite struct FrameStyleTests {
    /// An edge highlighted in one frame is drawn plainly again in the next.
    @Test func highlightsDoNotLinger() throws {
        let figure = try GraphFigure(Trace(expression: "log(x1*x2)+sin(x2)", at: "2,5"))
        let renderer = try FigureRenderer(figure, forFrames: true)
        let highlighted = figure.options.theme.highlight.lowercased()
        func edgeStroke(_ svg: [UInt8], _ id: String) -> String {
            let text = String(decoding: svg, as: UTF8.self)
            guard let start = text.range(of: "<g id=\"\(id)\" class=\"edge\">") ?? text.range(of: "<g id=\"\(id)\" class=\"edge focus\">") else { return "" }
            let rest = text[start.upperBound...]
            guard let stroke = rest.range(of: "stroke=\"") else { return "" }
            return String(rest[stroke.upperBound...].prefix { $0 != "\"" }).lowercased()
        }
        // Step 3 computes v1 = v-1·v0: its incoming edges are highlighted, then not at step 4.
        #expect(edgeStroke(try renderer.renderStep(3, .svg), "v&#45;1&#45;&gt;v1") == highlighted)
        #expect(edgeStroke(try renderer.renderStep(4, .svg), "v&#45;1&#45;&gt;v1") != highlighted)
    }

    @Test func graphWithNoStepsStillPlays() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-nosteps-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let figure = try GraphFigure(Trace(expression: "pi", at: ""))
        let paths = try FrameSet.write(figure, to: folder, title: "2*pi")
        #expect(paths.count == 1)
        #expect(try String(contentsOfFile: folder + "/index.html", encoding: .utf8).contains("frame-001.svg"))
    }
}

@Suite struct CompactFrameTests {
    /// Frames of a big graph change only fills and pens: the same layout, the same text.
    @Test func bigGraphFramesChangeOnlyStyles() throws {
        let graph = BenchmarkGraphs.expressionGraph(steps: 420, inputs: 4)
        var options = FigureOptions()
        options.maxNodes = 10_000
        let figure = try GraphFigure(Trace(graph, at: [0.1, 0.2, 0.3, 0.4]), options: options)
        #expect(figure.usesLayeredLayout)
        let renderer = try FigureRenderer(figure, forFrames: true)
        func texts(_ svg: [UInt8]) -> [String] {
            String(decoding: svg, as: UTF8.self).components(separatedBy: "<text").dropFirst().map { String($0.prefix { $0 != "<" }) }
        }
        let early = try renderer.renderStep(3, .svg), late = try renderer.renderStep(figure.steps.count - 5, .svg)
        #expect(texts(early) == texts(late), "the same labels at the same places in every frame")
        #expect(early != late, "the fills differ")
    }
}

/// Later frames of a big step-through are the first frame's SVG restyled: they must match what Graphviz draws.
@Suite struct RestyledFrameTests {
    /// Each node's and edge's fill and stroke in an SVG, by node title and edge id.
    static func styles(_ svg: [UInt8]) throws -> [String: String] {
        let text = String(decoding: svg, as: UTF8.self)
        let pattern = try NSRegularExpression(pattern: "<g id=\"([^\"]+)\" class=\"(node|edge)\">\\s*<title>([^<]*)</title>\\s*<(path|polygon) fill=\"([^\"]*)\" stroke=\"([^\"]*)\"(?: stroke-width=\"([^\"]*)\")?")
        var result: [String: String] = [:]
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            func group(_ k: Int) -> String { Range(match.range(at: k), in: text).map { String(text[$0]) } ?? "" }
            let key = group(2) == "node" ? group(3) : SVGRestyler.unescaped(group(1))
            result[key] = "\(group(5)) \(group(6)) \(group(7))"
        }
        return result
    }

    @Test func restyledFramesMatchGraphvizFrames() throws {
        let graph = BenchmarkGraphs.expressionGraph(steps: 440, inputs: 8)
        _ = graph
        let trace = try Trace(graph, at: (1...8).map { Double($0) / 10 })
        var options = FigureOptions()
        options.maxNodes = Int.max
        let figure = try GraphFigure(trace, options: options)
        #expect(figure.usesLayeredLayout)
        let restyling = try FigureRenderer(figure, forFrames: true)
        _ = try restyling.renderStep(1, .svg)
        for step in [2, 200, figure.steps.count / 2 + 7, figure.steps.count] {
            let restyled = try restyling.renderStep(step, .svg)
            let drawn = try FigureRenderer(figure, forFrames: true).renderStep(step, .svg)  // a fresh renderer draws with Graphviz
            let expected = try Self.styles(drawn)
            #expect(expected.count > 800, "nodes and edges found")
            let got = try Self.styles(restyled)
            let differing = expected.keys.filter { got[$0] != expected[$0] }.sorted()
            #expect(differing.isEmpty, "step \(step): \(differing.count) differ, e.g. \(differing.prefix(4).map { "\($0): \(got[$0] ?? "missing") vs \(expected[$0]!)" })")
            // The restyled frame is still well-formed XML.
            #expect(XMLParser(data: Data(restyled)).parse())
        }
    }
}
