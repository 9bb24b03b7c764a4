import Foundation

extension PythonModule {
    /// The table `adviz compare` prints under its own for a function that branches on its
    /// inputs: finite differences of the function itself at `point` (each evaluation runs it
    /// and may take another path) against AD's `gradient` of the path taken, the
    /// lines without a final newline; empty for a path that does not branch on its inputs.
    public func differencesLines(_ path: PythonPath, inputs: [String], at point: [Double], gradient ad: [Double], step: Double? = nil) throws(AdvizError) -> [String] {
        guard path.branchesOnInputs else { return [] }
        let rows = try finiteDifferences(function: path.function, at: point, step: step)
        let number = NumberFormat(significantDigits: 12)
        var lines = ["", "The Python function itself, differenced (each evaluation runs it and may take another path):"]
        var table: [[String]] = [["method"] + inputs.map { "∂f/∂\($0)" } + ["error vs AD"]]
        for (scheme, gradient) in rows {
            let error = zip(gradient, ad).map { abs($0 - $1) }.max() ?? 0
            table.append([scheme] + gradient.map { number.string($0) } + [error.isNaN ? "NaN" : NumberFormat(significantDigits: 2).string(error)])
        }
        let widths = (0..<table[0].count).map { c in table.map { $0[c].count }.max() ?? 0 }
        for row in table {
            var line = "  " + row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
            while line.hasSuffix(" ") { line.removeLast() }
            lines.append(line)
        }
        lines.append("  (AD differentiates the path taken at the point: \(path.conditionsText))")
        return lines
    }
}
