import AdvizCore

/// The landscape gradient descent walks on: f (the first output) over a grid of its first two
/// inputs, the others held at the point, or over a line for a function of one input. The
/// Descent tab draws its contours (or its curve) with the path on them.
struct Landscape {
    /// Grid points per side for two inputs; samples for one.
    static let gridSide = 61, lineSamples = 241

    /// `/api/landscape?program=&at=&x0=&x1=[&y0=&y1=]`: `{"inputs", "xs", "ys"?, "values"}`, the
    /// values row by row (`values[i][j]` at `ys[i]`, `xs[j]`); a value that is not a number is `null`.
    static func json(_ request: ExploreRequest, fields: APIFields) throws(ExploreError) -> JSONValue {
        let (graph, point) = try request.graph()
        guard graph.inputCount > 0, graph.outputCount > 0 else {
            throw ExploreError(status: 422, message: "the program has no input to walk along")
        }
        if (try? PythonFrontEnd.path(of: request.source, function: nil, at: request.at)) != nil {
            throw ExploreError(status: 422, message: "a Python function's landscape would need each point's own path: descent draws its loss only")
        }
        func bound(_ name: String, _ given: String?, around center: Double) throws(ExploreError) -> Double {
            guard let text = given, !text.isEmpty else { return center + (name.hasSuffix("0") ? -2 : 2) }
            guard let value = Double(text), value.isFinite else { throw ExploreError(status: 400, message: "`\(name)` must be a finite number, got `\(text)`") }
            return value
        }
        let x0 = try bound("x0", fields.x0, around: point[0]), x1 = try bound("x1", fields.x1, around: point[0])
        guard x0 < x1 else { throw ExploreError(status: 400, message: "`x0` must be below `x1`") }
        // The grid's step is (x1 − x0)/(n − 1): a width that overflows gives no grid but ∞ and NaN.
        guard (x1 - x0).isFinite else { throw ExploreError(status: 400, message: "`x1` − `x0` must be a finite number (the range is too wide for doubles)") }
        let output = graph.outputs[0].node
        var at = point
        func f(_ x: Double, _ y: Double?) -> JSONValue {
            at[0] = x
            if let y { at[1] = y }
            return .finite(PrimalSweep.run(graph, at: at).values[output])
        }
        let xs = (0..<(graph.inputCount == 1 ? lineSamples : gridSide)).map { x0 + (x1 - x0) * Double($0) / Double((graph.inputCount == 1 ? lineSamples : gridSide) - 1) }
        var members: [(String, JSONValue)] = [("inputs", .array(graph.inputNames.prefix(2).map { .string($0) })), ("xs", .array(xs.map { .number($0) }))]
        if graph.inputCount == 1 {
            members.append(("values", .array(xs.map { f($0, nil) })))
        } else {
            let y0 = try bound("y0", fields.y0, around: point[1]), y1 = try bound("y1", fields.y1, around: point[1])
            guard y0 < y1 else { throw ExploreError(status: 400, message: "`y0` must be below `y1`") }
            guard (y1 - y0).isFinite else { throw ExploreError(status: 400, message: "`y1` − `y0` must be a finite number (the range is too wide for doubles)") }
            let ys = (0..<gridSide).map { y0 + (y1 - y0) * Double($0) / Double(gridSide - 1) }
            members.append(("ys", .array(ys.map { .number($0) })))
            members.append(("values", .array(ys.map { y in .array(xs.map { f($0, y) }) })))
        }
        return .object(members)
    }
}
