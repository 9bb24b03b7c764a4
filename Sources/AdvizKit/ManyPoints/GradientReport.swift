import Foundation

/// What `adviz grad` prints: the points with values and gradients as CSV, or a summary.
public struct GradientReport: Sendable {
    /// The graph differentiated.
    public let graph: Graph
    /// The points.
    public let points: PointColumns
    /// The values and gradients.
    public let result: GradientColumns
    /// How the gradient was computed.
    public let method: DerivativeMethod

    /// A report of `result` at `points`.
    public init(graph: Graph, points: PointColumns, result: GradientColumns, method: DerivativeMethod) {
        self.graph = graph
        self.points = points
        self.result = result
        self.method = method
    }

    private var outputName: String { graph.outputs.first?.name ?? "y" }

    /// One row per point: the inputs, the value (when computed) and ∂f/∂xⱼ, numbers that read back exactly.
    public func csv() -> String {
        var header = graph.inputNames
        if !result.values.isEmpty { header.append(outputName) }
        header += graph.inputNames.map { "d\(outputName)/d\($0)" }
        var text = header.joined(separator: ",") + "\n"
        text.reserveCapacity(points.count * 24 * header.count)
        for i in 0..<points.count {
            for column in points.columns { text += "\(column[i])," }
            if !result.values.isEmpty { text += "\(result.values[i])," }
            for (j, column) in result.gradients.enumerated() {
                text += "\(column[i])"
                text += j == result.gradients.count - 1 ? "\n" : ","
            }
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
        if !result.values.isEmpty { rows.append((outputName, range(result.values))) }
        for (j, name) in graph.inputNames.enumerated() { rows.append(("∂\(outputName)/∂\(name)", range(result.gradients[j]))) }
        rows.append(("method", method.rawValue))
        let short = NumberFormat(significantDigits: 3)
        rows.append(("engine", result.engine + (result.compileSeconds > 0 ? " (compiled in \(short.string(result.compileSeconds * 1000)) ms)" : "")))
        let rate = Double(points.count) / Swift.max(result.seconds, 1e-9)
        rows.append(("time", "\(short.string(result.seconds * 1000)) ms (\(short.string(rate / 1e6)) million points/s)"))
        let width = rows.map { $0.0.count }.max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n") + "\n"
    }
}
