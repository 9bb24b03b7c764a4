import Foundation
import AdvizCore
import AdvizSymbolic

/// Where the points of `adviz grad` come from: grids (`-5:5:1000000`) or a CSV file.
public enum PointGrid {
    /// The largest number of points a grid may make.
    public static let maximumPoints = 100_000_000

    /// Parses one grid `start:stop:count` (count points from start to stop, both included).
    public static func axis(_ text: String) throws(AdvizError) -> (start: Double, stop: Double, count: Int) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 3 else { throw .usage("the grid `\(text)` is not start:stop:count (for example -5:5:1000000)") }
        guard let start = Double(parts[0]), start.isFinite else { throw .usage("the grid `\(text)`: the start `\(parts[0])` is not a number") }
        guard let stop = Double(parts[1]), stop.isFinite else { throw .usage("the grid `\(text)`: the stop `\(parts[1])` is not a number") }
        guard let count = Int(parts[2].replacingOccurrences(of: "_", with: "")), count >= 1 else {
            throw .usage("the grid `\(text)`: the count `\(parts[2])` is not a positive whole number")
        }
        guard count <= maximumPoints else { throw .usage("the grid `\(text)`: at most \(maximumPoints) points") }
        return (start, stop, count)
    }

    /// The points of one grid, as `numpy.linspace` makes them (the last point is `stop` exactly).
    public static func linspace(_ start: Double, _ stop: Double, _ count: Int) -> [Double] {
        guard count > 1 else { return [start] }
        let step = (stop - start) / Double(count - 1)
        var points = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count { buffer[i] = start + Double(i) * step }
            initialized = count
        }
        points[count - 1] = stop
        return points
    }

    /// Points from `--grid` texts for `inputs`: one grid per input (by order, or `name=start:stop:count`),
    /// or one grid for a one-input function; several grids make their Cartesian product.
    public static func points(grids: [String], inputs: [String]) throws(AdvizError) -> PointColumns {
        guard !inputs.isEmpty else { throw .usage("the function has no inputs to put on a grid") }
        var axes = [(start: Double, stop: Double, count: Int)?](repeating: nil, count: inputs.count)
        for (k, grid) in grids.enumerated() {
            if let equals = grid.firstIndex(of: "="), !grid[..<equals].contains(":") {
                let name = grid[..<equals].trimmingCharacters(in: .whitespaces)
                guard let j = inputs.firstIndex(of: name) else {
                    throw .usage("a grid names `\(name)`, which is not an input; the inputs are \(PointBinding.listing(inputs))")
                }
                axes[j] = try axis(String(grid[grid.index(after: equals)...]))
            } else {
                guard k < inputs.count else { throw .usage("\(grids.count) grids for \(inputs.count) input\(inputs.count == 1 ? "" : "s")") }
                axes[k] = try axis(grid)
            }
        }
        let missing = inputs.indices.filter { axes[$0] == nil }
        guard missing.isEmpty else {
            throw .usage("a grid is missing for \(missing.map { "`\(inputs[$0])`" }.joined(separator: ", ")): give one grid per input")
        }
        let counts = axes.map { $0!.count }
        let total = counts.reduce(1.0) { $0 * Double($1) }
        guard total <= Double(maximumPoints) else { throw .usage("the grids make \(Int(total)) points; at most \(maximumPoints)") }
        let n = Int(total)
        let lines = axes.map { linspace($0!.start, $0!.stop, $0!.count) }
        // Cartesian product, the last input varying fastest (row-major, as a CSV lists it).
        var columns: [[Double]] = []
        var repeatEach = n
        for (j, line) in lines.enumerated() {
            repeatEach /= counts[j]
            let each = repeatEach
            columns.append([Double](unsafeUninitializedCapacity: n) { buffer, initialized in
                for i in 0..<n { buffer[i] = line[(i / each) % line.count] }
                initialized = n
            })
        }
        return PointColumns(columns: columns)
    }

    /// Points from CSV text: an optional header of input names (any order), then one row per point.
    public static func points(csv text: String, path: String, inputs: [String]) throws(AdvizError) -> PointColumns {
        let source = SourceText(text, name: path)
        var rows = text.split(separator: "\n", omittingEmptySubsequences: false)
        var order = Array(inputs.indices)
        var rowStart = 0  // the byte offset of the current row, for messages that point at it
        func fail(_ message: String, at offset: Int, length: Int = 1) -> AdvizError {
            .input(Diagnostic(message, at: SourceSpan(start: offset, length: Swift.max(1, length))), source)
        }
        if let first = rows.first, first.contains(where: { $0.isLetter && $0 != "e" && $0 != "E" }) {
            let names = first.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            var positions: [Int] = []
            for name in inputs {
                guard let position = names.firstIndex(of: name) else {
                    throw fail("the header has no column `\(name)`; it names \(names.map { "`\($0)`" }.joined(separator: ", "))", at: 0, length: first.utf8.count)
                }
                positions.append(position)
            }
            order = positions
            rows.removeFirst()
            rowStart = first.utf8.count + 1
        }
        var columns = [[Double]](repeating: [], count: inputs.count)
        for row in rows {
            defer { rowStart += row.utf8.count + 1 }
            let trimmed = row.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = row.split(separator: ",", omittingEmptySubsequences: false)
            var column = 0
            var values: [Double] = []
            for field in fields {
                let text = field.trimmingCharacters(in: .whitespaces)
                guard let value = Double(text) else {
                    throw fail(text.isEmpty ? "a value is missing here" : "`\(text)` is not a number", at: rowStart + column + (field.utf8.count - field.drop { $0 == " " }.utf8.count), length: text.utf8.count)
                }
                values.append(value)
                column += field.utf8.count + 1
            }
            guard let needed = order.max(), values.count > needed else {
                throw fail("\(values.count) value\(values.count == 1 ? "" : "s") on this row; the function has \(inputs.count) input\(inputs.count == 1 ? "" : "s")", at: rowStart, length: row.utf8.count)
            }
            for (j, position) in order.enumerated() { columns[j].append(values[position]) }
        }
        guard !(columns.first?.isEmpty ?? true) else { throw .usage("`\(path)` has no points") }
        return PointColumns(columns: columns)
    }
}
