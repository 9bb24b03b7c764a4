import Foundation
import Testing

@testable import AdvizCore
@testable import AdvizFigures
@testable import AdvizLessons

/// The highlight is the caption: at every step, the figure draws in focus exactly the nodes and
/// edges that the step's trace row names, and no edge shows an adjoint's share before the row
/// that adds it up. Checked on every step of every shipped lesson and of the Explore menu's sweeps.
@Suite struct HighlightTests {
    /// The ids of the step nodes and edges an SVG draws in focus (class `focus`).
    static func focused(_ svg: [UInt8]) -> (nodes: Set<String>, edges: Set<String>) {
        let text = String(decoding: svg, as: UTF8.self)
        var nodes = Set<String>(), edges = Set<String>()
        for match in text.matches(of: /<g id="([^"]*)" class="(node|edge) focus(?: step)?">/) {
            let id = SVGRestyler.unescaped(String(match.1))
            if match.2 == "node" {
                if !id.hasSuffix(" label") { nodes.insert(id) }
            } else {
                edges.insert(id.replacingOccurrences(of: " (to its label)", with: ""))
            }
        }
        return (nodes, edges)
    }

    /// The arguments whose edges show an adjoint's share (`v̄ᵢ·∂vᵢ/∂vⱼ = …` in the adjoint colour).
    static func flowsShown(_ svg: [UInt8], adjointColour: String) -> Set<String> {
        let text = String(decoding: svg, as: UTF8.self)
        var shown = Set<String>()
        for match in text.matches(of: /<g id="([^"]*) label" class="node[^"]*">([\s\S]*?)<\/g>/) {
            guard match.2.lowercased().contains("fill=\"\(adjointColour.lowercased())\"") else { continue }
            let id = SVGRestyler.unescaped(String(match.1))
            if let arrow = id.range(of: "->") { shown.insert(String(id[..<arrow.lowerBound])) }
        }
        return shown
    }

    /// What a row's formula names: its node, and its arguments (a value or tangent row) or its
    /// consumers (an adjoint row), with the edges between.
    static func named(_ row: TraceRow, _ graph: Graph) -> (nodes: Set<String>, edges: Set<String>) {
        let ids = graph.nodeIDs(), i = row.node
        var nodes: Set<String> = [ids[i]], edges = Set<String>()
        switch row.kind {
        case .primal:
            for j in graph.nodes[i].arguments where !graph.isConstant(j) {
                nodes.insert(ids[j])
                edges.insert("\(ids[j])->\(ids[i])")
            }
        case .tangent:
            for term in row.terms { if let j = term.node { nodes.insert(ids[j]); edges.insert("\(ids[j])->\(ids[i])") } }
        case .adjoint:
            for term in row.terms { if let c = term.node { nodes.insert(ids[c]); edges.insert("\(ids[i])->\(ids[c])") } }
        }
        return (nodes, edges)
    }

    @Test(arguments: LessonTests.course)
    func everyLessonStepHighlightsWhatItsRowNames(_ path: String) throws {
        let lesson = try Lesson.load(path: path)
        let name = URL(fileURLWithPath: path).lastPathComponent
        var renderers: [String: FigureRenderer] = [:]
        var checked = 0
        for frame in try LessonRun.frames(lesson) where !frame.shows.contains(.plot) && !frame.shows.contains(.errorStudy) {
            guard let trace = frame.trace else { continue }
            let (progress, show) = frame.figureProgress
            let rows: [TraceRow], done: Int
            switch (progress.built, progress.sweep) {
            case (let built?, _): (rows, done) = (trace.primalRows(), built)
            case (nil, .primal?): (rows, done) = (trace.primalRows(), progress.values)
            case (nil, .tangent?): (rows, done) = (trace.tangentRows(), progress.tangents)
            case (nil, .reverse?): (rows, done) = (trace.adjointRows(), progress.adjoints)
            case (nil, nil): continue
            }
            guard done > 0, done <= rows.count else { continue }
            let key = "\(frame.program ?? "")|\(trace.graph.nodes.count)|\(trace.point)|\(trace.seed)|\(trace.outputSeed)|\(show.map(\.rawValue).sorted())|\(progress.built != nil)"
            if renderers[key] == nil {
                var options = FigureOptions()
                options.show = show
                options.numbers = progress.built == nil
                renderers[key] = try FigureRenderer(try GraphFigure(trace, options: options), forFrames: true, captionInFigure: false)
            }
            let svg = try renderers[key]!.render(progress, .svg)
            let (nodes, edges) = Self.focused(svg)
            let expected = Self.named(rows[done - 1], trace.graph)
            let what = "\(name), step \(frame.index + 1) (\(trace.rendered(rows[done - 1]).sentence))"
            #expect(nodes == expected.nodes, "\(what): nodes in focus")
            #expect(edges == expected.edges, "\(what): edges in focus")
            if progress.built == nil {
                let computed = Set(trace.adjointRows().prefix(progress.adjoints).map { trace.graph.nodeIDs()[$0.node] })
                let early = Self.flowsShown(svg, adjointColour: FigureTheme.light.adjoint).subtracting(computed)
                #expect(early.isEmpty, "\(what): edges from \(early.sorted()) show a share of an adjoint not computed yet")
            }
            checked += 1
        }
        let runsSweeps = try String(contentsOfFile: path, encoding: .utf8).contains("run:")
        #expect(checked > 0 || !runsSweeps, "\(name): no step was checked")
    }

    /// The Explore menu's examples (the page's `examples`).
    static let exploreExamples: [(String, String)] = [
        ("log(x1*x2) + sin(x2)", "2,5"), ("y = tanh(w1*x1 + w2*x2 + b)", "1,2,0.5,-0.3,0.1"), ("x^2 * sin(x)", "1.5"),
        ("a = x1*x2\ny1 = sin(a)\ny2 = a^2", "2,3"), ("sqrt(x^2 + y^2)", "3,4"), ("h = max(x, 0)\nloss = (h - 1)^2", "0.5"),
        ("(x - 1)^2 + 10*(y - x^2)^2", "-1,1"), ("n = x1*w1 + x2*w2 + b\no = tanh(n)", "2,-3,0,1,6.8813735870195432"),
    ]

    @Test(arguments: exploreExamples.indices)
    func everyExploreStepHighlightsWhatItsRowNames(_ index: Int) throws {
        let (program, at) = Self.exploreExamples[index]
        let trace = try Trace(expression: program, at: at)
        let figure = try GraphFigure(trace)
        let renderer = try FigureRenderer(figure, forFrames: true, captionInFigure: false)
        let primal = Dictionary(uniqueKeysWithValues: trace.primalRows().map { ($0.node, $0) })
        let adjoint = Dictionary(uniqueKeysWithValues: trace.adjointRows().map { ($0.node, $0) })
        let ids = trace.graph.nodeIDs()
        #expect(!figure.steps.isEmpty)
        for (k, step) in figure.steps.enumerated() {
            let svg = try renderer.renderStep(k + 1, .svg)
            let row = try #require(step.phase == .forward ? primal[step.node] : adjoint[step.node])
            let (nodes, edges) = Self.focused(svg)
            let expected = Self.named(row, trace.graph)
            #expect(nodes == expected.nodes, "\(program), step \(k + 1) (\(step.caption)): nodes in focus")
            #expect(edges == expected.edges, "\(program), step \(k + 1) (\(step.caption)): edges in focus")
            let computed = Set(figure.steps.prefix(k + 1).filter { $0.phase == .reverse }.map { ids[$0.node] })
            let early = Self.flowsShown(svg, adjointColour: FigureTheme.light.adjoint).subtracting(computed)
            #expect(early.isEmpty, "\(program), step \(k + 1): edges from \(early.sorted()) show a share of an adjoint not computed yet")
        }
    }
}

/// Node names in prose are written as the figures write them, whatever the lesson file spells.
@Suite struct SubscriptedNamesTests {
    @Test func nodeNamesInProseTakeSubscripts() {
        #expect("v0 = x2 is read by v1 = v-1·v0. What is v̄0?".subscriptingNodeNames == "v₀ = x2 is read by v₁ = v₋₁·v₀. What is v̄₀?")
        #expect("v̇3 and 1/v0, v12".subscriptingNodeNames == "v̇₃ and 1/v₀, v₁₂")
        // Not a node name: part of a word, a number, a program's input.
        #expect("nv0 v0x v1.5 x1 dev2".subscriptingNodeNames == "nv0 v0x v1.5 x1 dev2")
    }
}

/// `render --gradient-graph` reads as the backward pass: subscripted names, no adjoint rows (its
/// adjoints are not computed), the NaN guards said in words, a legend naming what is shown.
@Suite struct GradientGraphFigureTests {
    @Test func gradientGraphReadsAsTheBackwardPass() throws {
        let gradient = try GradientGraph(of: try Graph(parsing: "log(x1*x2)+sin(x2)"))
        let trace = try Trace(gradient.graph, at: [2, 5])
        var options = FigureOptions()
        options.backwardPassStart = gradient.primalCount
        let svg = String(decoding: try FigureRenderer(try GraphFigure(trace, options: options)).render(.svg), as: UTF8.self)
        #expect(!svg.contains("v̄ ="), "no adjoint rows")
        #expect(!svg.contains(">sign<"), "the guards' sign nodes are not drawn")
        #expect(svg.contains("NaN where v₄ is NaN"))
        #expect(svg.contains("(v̄₋₁)") && !svg.contains("v̄&#45;1"))
        #expect(svg.contains("outputs: y, ∂y/∂x₁, ∂y/∂x₂"))
        #expect(!svg.contains("d̄y/dx1"))
    }
}
