import Foundation
import AdvizCore

/// Measures printed traces: the text, Markdown, LaTeX and JSON reports of a long sum and of a
/// big random program, each against the JSON report of the same trace (the target: a printed
/// trace within 2× the JSON one; a 100,000-node text trace under 2 s).
///
/// Each case times the trace (the sweeps, once per repetition) and then each format's report
/// of it, formats taken in turn within a repetition so that a noisy neighbour slows them alike;
/// the medians are reported. `total` is trace + report: what `adviz trace` spends after parsing.
public enum TraceBenchmark {
    /// One format of one case.
    public struct Row: Sendable {
        /// `sum`: Σ xᵢ·xᵢ over `terms` inputs, parsed from text; `program`: a random program of that many steps over 8 inputs.
        public var caseName: String
        /// Nodes of the graph.
        public var nodes: Int
        /// text, markdown, latex or json.
        public var format: String
        /// The trace: primal, tangent and adjoint sweeps and the Jacobians (ms, median).
        public var traceMilliseconds: Double
        /// The report from the trace (ms, median).
        public var reportMilliseconds: Double
        /// The report's size in bytes.
        public var bytes: Int
        /// trace + report (ms).
        public var totalMilliseconds: Double { traceMilliseconds + reportMilliseconds }
        /// total / the JSON report's total for the same case.
        public var ratioToJSON: Double
    }

    /// `x1*x1+x2*x2+…`: a sum of `terms` products, one input each.
    public static func sum(terms: Int) -> String {
        (1...terms).map { "x\($0)*x\($0)" }.joined(separator: "+")
    }

    /// Runs the sum of `terms` terms and the program of `steps` steps, `repetitions` times each.
    public static func run(terms: Int, steps: Int, repetitions: Int = 3, progress: (String) -> Void = { _ in }) throws(AdvizError) -> [Row] {
        progress("trace: a sum of \(terms) terms")
        let sumGraph = try Graph(parsing: sum(terms: terms))
        let sumPoint = (0..<terms).map { Double($0 % 7 + 1) / 4 }
        var rows = try measure("sum of \(terms) terms", sumGraph, at: sumPoint, repetitions: repetitions)
        progress("trace: a program of \(steps) steps")
        let program = BenchmarkGraphs.expressionGraph(steps: steps, inputs: 8)
        rows += try measure("program of \(steps) steps", program, at: (1...8).map { Double($0) / 10 }, repetitions: repetitions)
        return rows
    }

    static func measure(_ name: String, _ graph: Graph, at point: [Double], repetitions: Int) throws(AdvizError) -> [Row] {
        let formats: [ReportFormat] = [.json, .text, .markdown, .latex]
        var traceTimes: [Double] = []
        var reportTimes = [[Double]](repeating: [], count: formats.count)
        var bytes = [Int](repeating: 0, count: formats.count)
        for _ in 0..<repetitions {
            var trace: Trace?
            traceTimes.append(try millisecondsThrowing { () throws(AdvizError) in trace = try Trace(graph, at: point) })
            let report = TraceReport(trace!, source: nil)
            for (k, format) in formats.enumerated() {
                var text = ""
                reportTimes[k].append(milliseconds { text = report.render(format, width: 120) })
                bytes[k] = text.utf8.count
            }
        }
        let traceMedian = median(traceTimes)
        let jsonTotal = traceMedian + median(reportTimes[0])
        return formats.enumerated().map { k, format in
            let report = median(reportTimes[k])
            return Row(
                caseName: name, nodes: graph.nodes.count, format: format.rawValue, traceMilliseconds: traceMedian,
                reportMilliseconds: report, bytes: bytes[k], ratioToJSON: (traceMedian + report) / jsonTotal)
        }
    }
}
