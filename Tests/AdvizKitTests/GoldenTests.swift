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

/// The tables as printed, kept in `Golden/`: a change to any character of the output shows up
/// here. Regenerate on purpose with `ADVIZ_UPDATE_GOLDEN=1 swift test --filter GoldenTests`.
@Suite struct GoldenTests {
    static let cases: [(name: String, program: String, point: String, options: TraceOptions)] = [
        ("mission", "log(x1*x2)+sin(x2)", "2,5", TraceOptions()),
        ("baydin", "v1 = ln(x1); v2 = x1*x2; v3 = sin(x2); v4 = v1 + v2; y = v4 - v3", "2,5", TraceOptions()),
        ("two-outputs", "a = x1*x2; y1 = sin(a) + x3; y2 = a^2", "1,2,3", TraceOptions(outputSeed: [1, 1])),
        ("kinks", "abs(x1) + relu(x2) + max(x1, x2) + sqrt(x1*x1)", "0,0", TraceOptions(seed: [1, 1])),
        ("neuron", "h = tanh(w1*x1 + w2*x2 + b); loss = 0.5*(h - 1)^2", "x1=1,x2=-2,w1=0.5,w2=-0.3,b=0.1", TraceOptions(mode: .reverse, numberFormat: NumberFormat(significantDigits: 6))),
        // The second-order rows: the backward pass as nodes, their tangents, H·ẋ and the Hessian.
        ("second-order", "x1*x2 + sin(x1)", "2,5", TraceOptions(seed: [1, -1], order: 2)),
    ]

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    @Test(arguments: cases.map(\.name))
    func reportsMatchTheGoldenFiles(name: String) throws {
        let c = Self.cases.first { $0.name == name }!
        let trace = try Trace(expression: c.program, at: c.point, options: c.options)
        let report = TraceReport(trace, source: c.program)
        var outputs = [("txt", report.render(.text, width: 120)), ("narrow.txt", report.render(.text, width: 60))]
        if name == "mission" || name == "neuron" || name == "second-order" {
            outputs += [("md", report.render(.markdown)), ("tex", report.render(.latex)), ("json", report.render(.json))]
        }
        if !trace.warningMessages().isEmpty {
            outputs.append(("warnings.txt", trace.warningMessages().joined(separator: "\n") + "\n"))
        }
        for (ext, text) in outputs {
            let url = Self.folder.appendingPathComponent("\(name).\(ext)")
            if ProcessInfo.processInfo.environment["ADVIZ_UPDATE_GOLDEN"] == "1" {
                try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
                try text.write(to: url, atomically: true, encoding: .utf8)
                continue
            }
            let expected = try String(contentsOf: url, encoding: .utf8)
            #expect(text == expected, "\(name).\(ext) differs from its golden file")
        }
    }

    /// The derivative program, the symbolic derivative and the figure's DOT, as printed: a change
    /// to a generated statement, a simplification or a label shows up here.
    static let programCases: [(name: String, program: String)] = [
        ("mission", "log(x1*x2)+sin(x2)"),
        ("neuron", "h = tanh(w1*x1 + w2*x2 + b); loss = 0.5*(h - 1)^2"),
        ("kinks", "abs(x1) + relu(x2) + max(x1, x2) + sign(x1)*step(x2)"),
    ]

    @Test(arguments: programCases.map(\.name))
    func generatedCodeDerivativesAndFiguresMatchTheGoldenFiles(name: String) throws {
        let c = Self.programCases.first { $0.name == name }!
        let graph = try Graph(parsing: c.program)
        var outputs: [(String, String)] = [
            ("reverse.c", DerivativeProgram.write(graph, mode: .reverse, language: .c, source: c.program)),
            ("forward.swift", DerivativeProgram.write(graph, mode: .forward, language: .swift, source: c.program)),
        ]
        let derivatives = try graph.inputNames.map { try SymbolicDerivative(graph, variable: $0) }
        outputs.append(("diff.txt", DiffReport.render(derivatives, graph: graph, source: c.program, style: .text, json: false)))
        outputs.append(("diff.tex", DiffReport.render(derivatives, graph: graph, source: c.program, style: .latex, json: false)))
        let point = [Double](repeating: 0.5, count: graph.inputCount)
        let figure = try GraphFigure(try Trace(graph, at: point))
        outputs.append(("dot", figure.description().dotText()))
        for (ext, text) in outputs {
            let url = Self.folder.appendingPathComponent("\(name).\(ext)")
            if ProcessInfo.processInfo.environment["ADVIZ_UPDATE_GOLDEN"] == "1" {
                try text.write(to: url, atomically: true, encoding: .utf8)
                continue
            }
            let expected = try String(contentsOf: url, encoding: .utf8)
            #expect(text == expected, "\(name).\(ext) differs from its golden file")
        }
    }
}
