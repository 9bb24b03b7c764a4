import Foundation
import AdvizCore
import AdvizSymbolic

/// What `adviz grad` prints: the points with every output's value and gradient as CSV, or a summary.
public struct GradientReport: Sendable {
    /// The graph differentiated.
    public let graph: Graph
    /// The points.
    public let points: PointColumns
    /// The values and gradients of each output, in the order of ``Graph/outputs``.
    public let results: [GradientColumns]
    /// How the gradients were computed.
    public let method: DerivativeMethod

    /// A report of `results` (one per output of `graph`) at `points`.
    public init(graph: Graph, points: PointColumns, results: [GradientColumns], method: DerivativeMethod) {
        precondition(results.count == graph.outputCount, "one result per output")
        self.graph = graph
        self.points = points
        self.results = results
        self.method = method
    }

    /// A report of a single-output graph's `result` at `points`.
    public init(graph: Graph, points: PointColumns, result: GradientColumns, method: DerivativeMethod) {
        self.init(graph: graph, points: points, results: [result], method: method)
    }

    /// A number in the CSV: the shortest text that reads back exactly; `nan`, `inf` and `-inf`
    /// for the others (a NaN's sign bit is not a number's sign, so it is never `-nan`).
    static func csvNumber(_ x: Double) -> String { x.isNaN ? "nan" : "\(x)" }

    /// One row per point: the inputs, then for each output its value (when computed) and ∂y/∂xⱼ.
    public func csv() -> String {
        var header = graph.inputNames
        for (output, result) in zip(graph.outputs, results) {
            if !result.values.isEmpty { header.append(output.name) }
            header += graph.inputNames.map { "d\(output.name)/d\($0)" }
        }
        var text = header.joined(separator: ",") + "\n"
        text.reserveCapacity(points.count * 24 * header.count)
        for i in 0..<points.count {
            var cells: [String] = points.columns.map { GradientReport.csvNumber($0[i]) }
            for result in results {
                if !result.values.isEmpty { cells.append(GradientReport.csvNumber(result.values[i])) }
                for column in result.gradients { cells.append(GradientReport.csvNumber(column[i])) }
            }
            text += cells.joined(separator: ",")
            text += "\n"
        }
        return text
    }

    /// Ranges, timing and the engine, for a person.
    public func summary() -> String {
        let format = NumberFormat(significantDigits: 6)
        func range(_ values: [Double]) -> String {
            let finite = values.filter(\.isFinite)
            guard let low = finite.min(), let high = finite.max() else { return "no finite values" }
            let bad = values.count - finite.count
            return "[\(format.string(low)), \(format.string(high))]" + (bad > 0 ? " (\(bad) not finite)" : "")
        }
        var rows: [(String, String)] = []
        rows.append(("points", "\(points.count)"))
        for (j, name) in graph.inputNames.enumerated() { rows.append((name, range(points.columns[j]))) }
        for (output, result) in zip(graph.outputs, results) {
            if !result.values.isEmpty { rows.append((output.name, range(result.values))) }
            for (j, name) in graph.inputNames.enumerated() { rows.append(("∂\(output.name)/∂\(name)", range(result.gradients[j]))) }
        }
        rows.append(("method", method.rawValue))
        let short = NumberFormat(significantDigits: 3)
        let compileSeconds = results.map(\.compileSeconds).reduce(0, +)
        let engines = Array(Set(results.map(\.engine))).sorted().joined(separator: ", ")
        rows.append(("engine", engines + (compileSeconds > 0 ? " (compiled in \(short.string(compileSeconds * 1000)) ms)" : "")))
        let seconds = results.map(\.seconds).reduce(0, +)
        let rate = Double(points.count) / Swift.max(seconds, 1e-9)
        let perOutput = results.count > 1 ? " for \(results.count) outputs" : ""
        rows.append(("time", "\(short.string(seconds * 1000)) ms\(perOutput) (\(short.string(rate / 1e6)) million points/s)"))
        let width = rows.map { $0.0.count }.max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n") + "\n"
    }
}
