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
        guard parts.count == 3 else { throw .invalidArgument("the grid `\(text)` is not start:stop:count (for example -5:5:1000000)") }
        guard let start = Double(parts[0]), start.isFinite else { throw .invalidArgument("the grid `\(text)`: the start `\(parts[0])` is not a number") }
        guard let stop = Double(parts[1]), stop.isFinite else { throw .invalidArgument("the grid `\(text)`: the stop `\(parts[1])` is not a number") }
        guard let count = Int(parts[2].replacingOccurrences(of: "_", with: "")), count >= 1 else {
            throw .invalidArgument("the grid `\(text)`: the count `\(parts[2])` is not a positive whole number")
        }
        guard count <= maximumPoints else { throw .invalidArgument("the grid `\(text)`: at most \(maximumPoints) points") }
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
        guard !inputs.isEmpty else { throw .invalidArgument("the function has no inputs to put on a grid") }
        var axes = [(start: Double, stop: Double, count: Int)?](repeating: nil, count: inputs.count)
        for (k, grid) in grids.enumerated() {
            if let equals = grid.firstIndex(of: "="), !grid[..<equals].contains(":") {
                let name = grid[..<equals].trimmingCharacters(in: .whitespaces)
                guard let j = inputs.firstIndex(of: name) else {
                    throw .invalidArgument("a grid names `\(name)`, which is not an input; the inputs are \(PointBinding.listing(inputs))")
                }
                axes[j] = try axis(String(grid[grid.index(after: equals)...]))
            } else {
                guard k < inputs.count else { throw .invalidArgument("\(grids.count) grids for \(inputs.count) input\(inputs.count == 1 ? "" : "s")") }
                axes[k] = try axis(grid)
            }
        }
        let missing = inputs.indices.filter { axes[$0] == nil }
        guard missing.isEmpty else {
            throw .invalidArgument("a grid is missing for \(missing.map { "`\(inputs[$0])`" }.joined(separator: ", ")): give one grid per input")
        }
        let counts = axes.map { $0!.count }
        let total = counts.reduce(1.0) { $0 * Double($1) }
        guard total <= Double(maximumPoints) else { throw .invalidArgument("the grids make \(Int(total)) points; at most \(maximumPoints)") }
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

    /// Points from CSV text: an optional header of input names (any order, quoted or not),
    /// then one row per point, as RFC 4180 writes CSV (CRLF or LF, quoted fields, a UTF-8
    /// byte-order mark). Every row has the header's number of values (without a header, one
    /// per input): a row with more or fewer is an error naming it, never a value dropped.
    public static func points(csv text: String, path: String, inputs: [String]) throws(AdvizError) -> PointColumns {
        let source = SourceText(text, name: path)
        func fail(_ message: String, at offset: Int, length: Int = 1) -> AdvizError {
            .input(Diagnostic(message, at: SourceSpan(start: offset, length: Swift.max(1, length))), source)
        }
        var rows = try CSVRecords(text) { message, offset, length in fail(message, at: offset, length: length) }.records
        guard !rows.isEmpty else { throw .invalidArgument("`\(path)` has no points") }
        var order = Array(inputs.indices)
        var width = inputs.count
        var widthReason = "the function has \(inputs.count) input\(inputs.count == 1 ? "" : "s") (and the file no header)"
        // A header: a first row with a name in it (a field, quoted or not, that is not a number).
        let first = rows[0]
        if first.fields.contains(where: { !$0.text.isEmpty && Double($0.text) == nil }) {
            let names = first.fields.map(\.text)
            var positions: [Int] = []
            for name in inputs {
                guard let position = names.firstIndex(of: name) else {
                    throw fail("the header has no column `\(name)`; it names \(names.map { "`\($0)`" }.joined(separator: ", "))", at: first.offset, length: first.length)
                }
                positions.append(position)
            }
            order = positions
            width = names.count
            widthReason = "the header names \(names.count) column\(names.count == 1 ? "" : "s")"
            rows.removeFirst()
        }
        var columns = [[Double]](repeating: [], count: inputs.count)
        for (k, row) in rows.enumerated() {
            guard row.fields.count == width else {
                let number = k + 1
                throw fail("row \(number) (line \(row.line)) has \(row.fields.count) value\(row.fields.count == 1 ? "" : "s"); \(widthReason)", at: row.offset, length: row.length)
            }
            for (j, position) in order.enumerated() {
                let field = row.fields[position]
                guard let value = Double(field.text) else {
                    throw fail(field.text.isEmpty ? "a value is missing here" : "`\(field.text)` is not a number", at: field.offset, length: field.text.utf8.count)
                }
                columns[j].append(value)
            }
        }
        guard !(columns.first?.isEmpty ?? true) else { throw .invalidArgument("`\(path)` has no points") }
        return PointColumns(columns: columns)
    }
}
