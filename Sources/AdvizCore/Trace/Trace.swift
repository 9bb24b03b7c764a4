/// Which sweeps a trace shows.
public enum TraceMode: String, Sendable, CaseIterable {
    /// The primal trace and the tangent trace for one input direction.
    case forward
    /// The primal trace and the adjoint trace from the output seed.
    case reverse
    /// All three.
    case both

    var showsForward: Bool { self != .reverse }
    var showsReverse: Bool { self != .forward }
}

/// What to trace: the sweeps, their seeds, and how numbers are written.
public struct TraceOptions: Sendable {
    /// Which sweeps to run and show.
    public var mode: TraceMode
    /// The input direction for the tangent sweep (nil: the first input, ẋ1 = 1).
    public var seed: [Double]?
    /// The output seed ȳ for the adjoint sweep (nil: 1 for the first output, 0 for the others).
    public var outputSeed: [Double]?
    /// Significant digits in the tables.
    public var numberFormat: NumberFormat
    /// 1, or 2 for the second-order rows (the tangents of the first output's adjoints, by a
    /// tangent sweep over its gradient graph along `seed`) and the Hessian.
    public var order: Int

    /// Options for a trace; every argument has the default the CLI uses.
    public init(mode: TraceMode = .both, seed: [Double]? = nil, outputSeed: [Double]? = nil, numberFormat: NumberFormat = NumberFormat(), order: Int = 1) {
        self.mode = mode
        self.seed = seed
        self.outputSeed = outputSeed
        self.numberFormat = numberFormat
        self.order = order
    }
}

/// A traced evaluation: the graph, its sweeps, and everything the tables show, as data.
///
/// `Trace` runs the sweeps and keeps them; its rows (``primalRows()``, ``tangentRows()``,
/// ``adjointRows()``) are data, written out in a ``MathStyle`` by `rendered(_:_:)`;
/// the text, Markdown, LaTeX and JSON writers lay those out.
public struct Trace: Sendable {
    /// The graph traced.
    public let graph: Graph
    /// The options it was traced with.
    public let options: TraceOptions
    /// The point, one value per input.
    public let point: [Double]
    /// The primal sweep: values and local partials.
    public let evaluation: Evaluation
    /// The input direction of the tangent sweep.
    public let seed: [Double]
    /// The tangents of every node, where forward mode ran.
    public let tangents: [Double]?
    /// The output seed of the adjoint sweep.
    public let outputSeed: [Double]
    /// The adjoints of every node, where reverse mode ran.
    public let adjoints: [Double]?
    /// The Jacobian by n forward sweeps; nil where n sweeps over this tape would take long
    /// (more than ``forwardJacobianLimit`` node visits): the trace still reports their cost.
    public let forwardJacobian: JacobianResult?
    /// The most node visits (inputs × tape length) spent on the forward-mode Jacobian.
    public static let forwardJacobianLimit = 20_000_000
    /// The Jacobian by m reverse sweeps.
    public let reverseJacobian: JacobianResult
    /// The second-order rows and the Hessian of the first output, where the order is 2.
    public let secondOrder: SecondOrderTrace?

    /// For every node, whether the tangent sweep reaches it from an input with a nonzero seed;
    /// the others hold a structural zero (see ``ForwardSweep/tangents(_:_:seed:)``).
    public var reachedBySeed: [Bool] {
        var active = [Bool](repeating: false, count: graph.nodes.count)
        for (j, s) in seed.enumerated() { active[j] = s != 0 }
        for i in graph.inputCount..<graph.nodes.count where graph.nodes[i].op.arity > 0 {
            active[i] = graph.nodes[i].arguments.contains { active[$0] }
        }
        return active
    }

    /// For every node, whether the adjoint sweep reaches it from an output with a nonzero seed;
    /// the others hold a structural zero (see ``ReverseSweep/adjoints(_:_:outputSeed:)``).
    public var reachingSeededOutputs: [Bool] {
        var live = [Bool](repeating: false, count: graph.nodes.count)
        for (k, output) in graph.outputs.enumerated() where outputSeed[k] != 0 { live[output.node] = true }
        for i in graph.nodes.indices.reversed() where live[i] {
            for argument in graph.nodes[i].arguments { live[argument] = true }
        }
        return live
    }

    /// Traces `graph` at `point`. Throws an invalid-argument error for seeds of the wrong length.
    public init(_ graph: Graph, at point: [Double], options: TraceOptions = TraceOptions()) throws(AdvizError) {
        guard graph.outputCount > 0 else { throw .invalidArgument("the graph has no outputs: a trace needs at least one") }
        guard point.count == graph.inputCount else {
            throw .invalidArgument("expected \(graph.inputCount) values, one per input, got \(point.count)")
        }
        guard (1...2).contains(options.order) else { throw .invalidArgument("\(Setting.order) \(options.order): a trace shows order 1 or 2") }
        let seed = options.seed ?? (graph.inputCount > 0 ? ForwardSweep.unitSeed(0, inputs: graph.inputCount) : [])
        guard seed.count == graph.inputCount else {
            throw .invalidArgument("the tangent seed has \(seed.count) values; expected \(graph.inputCount), one per input (\(PointBinding.listing(graph.inputNames)))")
        }
        let outputSeed = options.outputSeed ?? ReverseSweep.unitSeed(0, outputs: graph.outputCount)
        guard outputSeed.count == graph.outputCount else {
            throw .invalidArgument("the output seed ȳ has \(outputSeed.count) values; expected \(graph.outputCount), one per output (\(PointBinding.listing(graph.outputs.map(\.name))))")
        }
        self.graph = graph
        self.options = options
        self.point = point
        self.seed = seed
        self.outputSeed = outputSeed
        evaluation = PrimalSweep.run(graph, at: point)
        tangents = options.mode.showsForward ? ForwardSweep.tangents(graph, evaluation, seed: seed) : nil
        adjoints = options.mode.showsReverse ? ReverseSweep.adjoints(graph, evaluation, outputSeed: outputSeed) : nil
        forwardJacobian = graph.inputCount * graph.nodes.count <= Trace.forwardJacobianLimit
            ? Jacobian.byForwardMode(graph, evaluation) : nil
        reverseJacobian = Jacobian.byReverseMode(graph, evaluation)
        secondOrder = options.order == 2
            ? try SecondOrderTrace(graph, output: 0, at: point, seed: seed, numberFormat: options.numberFormat) : nil
    }

    /// Parses, builds and traces in one call, binding `point` as `--at` does (`"2,5"`).
    public init(expression: String, at point: String, options: TraceOptions = TraceOptions(), graphOptions: GraphOptions = GraphOptions()) throws(AdvizError) {
        let graph = try Graph(parsing: expression, options: graphOptions)
        try self.init(graph, at: try PointBinding.bind(point, to: graph.inputNames), options: options)
    }

    /// The value of each output.
    public var outputValues: [Double] { evaluation.outputValues(of: graph) }

    /// The gradient of the first output (row 0 of the Jacobian).
    public var gradient: [Double] { reverseJacobian.matrix.first ?? [] }

    /// The warnings of the primal sweep, each written with its node: `v2 = log(v1) at v1 = -3: …`.
    public func warningMessages(_ style: MathStyle = .text) -> [String] {
        let writer = TraceWriter(trace: self, style: style)
        return evaluation.warnings.map { writer.warning($0) }
    }

    /// `row` written out in `style`: its label, definition, formula, substituted numbers and
    /// value as the trace tables print them (see ``RenderedRow``).
    ///
    /// ```swift
    /// let trace = try Trace(expression: "log(x1*x2)+sin(x2)", at: "2,5")
    /// for row in trace.rendered(trace.adjointRows()) {
    ///     print(row.label, "=", row.formula, "=", row.substituted, "=", row.value)
    /// }
    /// // v̄₀ = v̄₃·cos(v₀) + v̄₁·v₋₁ = 1·cos(5) + 0.1·2 = 0.4837 (among others)
    /// ```
    public func rendered(_ row: TraceRow, _ style: MathStyle = .text) -> RenderedRow {
        TraceWriter(trace: self, style: style).rendered(row)
    }

    /// Rows written out in `style` (see `rendered(_:_:)`).
    public func rendered(_ rows: [TraceRow], _ style: MathStyle = .text) -> [RenderedRow] {
        let writer = TraceWriter(trace: self, style: style, caching: rows.count > 64 && rows.count >= graph.nodes.count / 4)
        return rows.map { writer.rendered($0) }
    }

    /// A local partial written out in `style`: label `∂v₃/∂v₀`, definition and formula `cos(v₀)`,
    /// substituted `cos(5)`, value `0.2837`.
    public func rendered(_ partial: EdgePartial, _ style: MathStyle = .text) -> RenderedRow {
        TraceWriter(trace: self, style: style).rendered(partial)
    }

    /// Local partials written out in `style`.
    public func rendered(_ partials: [EdgePartial], _ style: MathStyle = .text) -> [RenderedRow] {
        let writer = TraceWriter(trace: self, style: style, caching: partials.count > 64 && partials.count >= graph.nodes.count / 4)
        return partials.map { writer.rendered($0) }
    }

    /// The name of node `id` in `style`, as every table and figure writes it: `v₃`, with `accent`
    /// `v̇₃` (its tangent) or `v̄₃` (its adjoint); a constant's name or value.
    public func symbol(of id: Int, accent: MathName.Accent = .none, _ style: MathStyle = .text) -> String {
        TraceWriter(trace: self, style: style).nodeSymbol(id, accent: accent)
    }
}

/// The trace's point and seeds in words, for captions and headings (figures, lessons).
extension Trace {
    /// `ẋ1 = 1, ẋ2 = 0`: the tangent sweep's seed.
    public var seedDescription: String {
        let writer = TraceWriter(trace: self, style: .text)
        let pairs = zip(graph.inputNames, seed).map { (writer.symbol($0, accent: .dot), $1) }
        // With many inputs, name only the ones the direction moves.
        if pairs.count > 4 {
            let moving = pairs.filter { $0.1 != 0 }
            if moving.count < pairs.count {
                return moving.map { "\($0.0) = \(options.numberFormat.string($0.1))" }.joined(separator: ", ") + (moving.isEmpty ? "all 0" : ", the others 0")
            }
        }
        return pairs.map { "\($0.0) = \(options.numberFormat.string($0.1))" }.joined(separator: ", ")
    }

    /// `x1 = 2, x2 = 5`: the point of the trace.
    public var pointDescription: String {
        let writer = TraceWriter(trace: self, style: .text)
        return zip(graph.inputNames, point).map { "\(writer.symbol($0)) = \(options.numberFormat.exact($1))" }.joined(separator: ", ")
    }

    /// `ȳ = 1`: the adjoint sweep's seed.
    public var outputSeedDescription: String {
        let writer = TraceWriter(trace: self, style: .text)
        return zip(graph.outputs, outputSeed).map { "\(writer.outputSeedSymbol($0.name)) = \(options.numberFormat.string($1))" }.joined(separator: ", ")
    }
}
