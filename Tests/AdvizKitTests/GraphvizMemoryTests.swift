import Foundation
import GraphvizKit
import Testing

@testable import AdvizCore
@testable import AdvizFigures

/// Graphviz 2.42 leaked 8–20 KB per layout of a figure with HTML-like labels (issue 29, finding
/// 10); GraphvizKit repairs both leaks in process. These tests draw many figures in one process
/// and read its resident memory, and check the repairs change no byte of a figure.
///
/// Serialized: the second test turns the repairs off for a moment, which the first would measure.
@Suite(.serialized) struct GraphvizMemoryTests {
    /// The process's resident memory in bytes (`/proc/self/statm`, its second field in pages).
    static func residentBytes() throws -> Int {
        let statm = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8)
        let fields = statm.split(separator: " ")
        let pages = try #require(fields.count > 1 ? Int(fields[1]) : nil)
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// The `k`-th of many distinct programs, as a class would type them: a few terms of
    /// different functions and constants (the soak's mix, Benchmarks/serve/soak.py).
    static func program(_ k: Int) -> String {
        var state = UInt64(k) &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        let functions = ["sin", "cos", "tanh", "exp", "log", "sqrt"]
        let terms = (0..<(2 + next(4))).map { _ in
            let f = functions[next(functions.count)]
            let inner = ["log", "sqrt"].contains(f) ? "x\(1 + next(3))^2 + \(1 + next(9))" : "x\(1 + next(3))*\(2 + next(8))"
            return "\(1 + next(7))*\(f)(\(inner))"
        }
        return terms.joined(separator: " + ") + " + x1*x2*x3 + \(k)"
    }

    /// Lays out and draws the figures of programs `range` (values, tangents and adjoints: every
    /// node a label of four lines with bold and subscripts, as `adviz serve` draws them).
    static func draw(_ range: Range<Int>) throws {
        for k in range {
            let figure = try GraphFigure(Trace(expression: program(k), at: "1.5,-0.25,3"))
            let svg = try FigureRenderer(figure).render(.svg)
            #expect(svg.count > 1000, "figure \(k) is empty")
        }
    }

    /// Many distinct figures in one process: after a warm-up, resident memory stops growing
    /// (Graphviz 2.42 unrepaired lost 8–20 KB per figure: at least 640 KB per round of 80), and
    /// the repairs freed what Graphviz lost.
    ///
    /// Measured in a process of its own (``AloneInAProcess``), in rounds, and the quietest round
    /// is judged: a leak grows every round.
    @Test(.enabled(if: GraphvizRepairs.isEnabled, "Graphviz is not a version whose leaks adviz repairs"))
    func manyFiguresKeepMemoryBounded() throws {
        guard try AloneInAProcess.measuresHere("manyFiguresKeepMemoryBounded()") else { return }
        try Self.draw(0..<60)
        let freedBefore = GraphvizRepairs.freedBlocks
        let (rounds, perRound) = (8, 80)
        var growths: [Int] = []
        for round in 0..<rounds {
            let before = try Self.residentBytes()
            try Self.draw((60 + round * perRound)..<(60 + (round + 1) * perRound))
            growths.append(try Self.residentBytes() - before)
        }
        let freed = GraphvizRepairs.freedBlocks
        let figures = rounds * perRound
        // Every node's label has four lines, and each node's name is bold (parsed as markup).
        #expect(freed.lines - freedBefore.lines >= figures * 20)
        #expect(freed.markups - freedBefore.markups >= figures * 5)
        let quietest = try #require(growths.min())
        #expect(quietest < 256 << 10, "resident memory grew in every round of \(perRound) figures: \(growths.map { $0 >> 10 }) KB")
    }

    /// The repairs free only what Graphviz never reads again: a figure is the same bytes with them
    /// and without them, in SVG and in PNG (drawn through pango and cairo).
    @Test(.enabled(if: GraphvizRepairs.isEnabled, "Graphviz is not a version whose leaks adviz repairs"))
    func figuresAreTheSameBytesWithTheRepairs() throws {
        let programs = [("log(x1*x2)+sin(x2)", "2,5"), ("y = tanh(w1*x1 + w2*x2 + b)", "1,2,0.5,-0.3,0.1"), (Self.program(7), "1.5,-0.25,3"), ("exp(-x^2/2)/sqrt(2*3.14159)", "-0")]
        for (program, point) in programs {
            let figure = try GraphFigure(Trace(expression: program, at: point))
            var drawn: [Bool: [[UInt8]]] = [:]
            for repaired in [false, true] {
                GraphvizRepairs.isEnabled = repaired
                defer { GraphvizRepairs.isEnabled = true }
                let renderer = try FigureRenderer(figure, forFrames: true)
                drawn[repaired] = [try renderer.render(.svg), try renderer.renderStep(1, .svg), try renderer.render(.png)]
            }
            #expect(drawn[true] == drawn[false], "\(program): the repairs changed the figure")
            #expect(drawn[true]?.allSatisfy { $0.count > 500 } == true)
        }
    }
}
