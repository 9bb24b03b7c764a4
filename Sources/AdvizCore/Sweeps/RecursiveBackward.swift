/// How a reverse pass walks the graph.
///
/// The course notes' `ReverseDiff.backward` is recursive: a node sets `self.grad = grad` and
/// calls `backward` on each parent with its share. A node reached by two paths (x2 in
/// `log(x1*x2)+sin(x2)`) is visited twice, and the second visit overwrites the first: the
/// gradient is wrong. With `+=` it is right, but every path from the output is walked on its
/// own, 2ᵏ visits for a chain of k shared nodes. The tape walks each edge once, in reverse
/// order, and sums (`+=`): the same numbers at the cost of one forward sweep.
public enum BackwardAlgorithm: String, Sendable, CaseIterable {
    /// The tape, backwards: each edge once, adjoints summed. What adviz does.
    case tape
    /// The notes' recursion with `grad += g`: right, at one visit per path from the output.
    case recursive
    /// The notes' recursion as written, `grad = g` at each visit: a node reached by several
    /// paths keeps only the last path's contribution.
    case recursiveOverwrite = "recursive-overwrite"
}

/// One visit of a recursive backward pass: `node.backward(g)` called by `from`.
public struct BackwardVisit: Sendable, Equatable {
    /// The node visited.
    public var node: Int
    /// The consumer whose visit called this one, and the position of `node` among its
    /// arguments; nil for the first visit of a backward call, from output `output`'s seed.
    public var from: (consumer: Int, position: Int)?
    /// The output whose `backward(ȳ)` call this visit belongs to.
    public var output: Int
    /// How deep in the recursion (0: the output itself).
    public var depth: Int
    /// The `g` the caller's visit received (or the seed ȳ, for the output's visit).
    public var callerGrad: Double
    /// The local partial ∂consumer/∂node at `position`, as a formula over the consumer's
    /// arguments (`1` for a seed).
    public var partial: Formula
    /// Its value.
    public var partialValue: Double
    /// What this visit receives: `callerGrad · partialValue` (the seed itself at an output).
    public var received: Double
    /// The node's `grad` before the visit; nil where it was never set (Python's `None`).
    public var gradBefore: Double?
    /// The node's `grad` after it.
    public var gradAfter: Double

    /// Whether the visit threw away something: `grad = g` over an earlier, different grad.
    public var overwrites: Bool {
        guard let gradBefore else { return false }
        return gradBefore.bitPattern != gradAfter.bitPattern && gradAfter.bitPattern == received.bitPattern
    }

    public static func == (lhs: BackwardVisit, rhs: BackwardVisit) -> Bool {
        lhs.node == rhs.node && lhs.from?.consumer == rhs.from?.consumer && lhs.from?.position == rhs.from?.position
            && lhs.output == rhs.output && lhs.depth == rhs.depth && lhs.callerGrad.bitPattern == rhs.callerGrad.bitPattern
            && lhs.partial == rhs.partial && lhs.received.bitPattern == rhs.received.bitPattern
            && lhs.gradBefore?.bitPattern == rhs.gradBefore?.bitPattern && lhs.gradAfter.bitPattern == rhs.gradAfter.bitPattern
    }
}

/// A recursive backward pass run as the course notes write it, one visit per path from each
/// seeded output, with the visits it made.
///
/// The recursion runs on an explicit stack (a visit's parents are pushed last first, so each
/// parent's whole subtree is walked before the next parent, as Python's recursion would).
/// Constants take no visit: they are not nodes of the trace.
public struct RecursiveBackwardPass: Sendable {
    /// How it accumulates: ``BackwardAlgorithm/recursive`` or ``BackwardAlgorithm/recursiveOverwrite``.
    public let algorithm: BackwardAlgorithm
    /// The visits, in the order they are made: the first ``visitRecordLimit`` of them.
    public let visits: [BackwardVisit]
    /// How many visits the recursion makes in all: the number of paths from the seeded outputs
    /// to each node, summed (counted without walking them; exact below 2⁵³).
    public let visitCount: Double
    /// Whether every visit ran (false past ``visitRunLimit``: then ``grads`` is nil).
    public var isComplete: Bool { grads != nil }
    /// Each node's final `grad` (nil where never visited); nil if the pass was too long to run.
    public let grads: [Double?]?
    /// The number of edges the tape's sweep walks for the same seeds: its cost, for comparison.
    public let tapeEdgeVisits: Int

    /// The most visits run (beyond, the count is reported and the pass is not run).
    public static let visitRunLimit = 2_000_000
    /// The most visits recorded for display.
    public static let visitRecordLimit = 10_000

    /// Runs the notes' recursion on `graph`, evaluated by `evaluation`, calling `backward(ȳₖ)`
    /// on each output with a nonzero seed, in order.
    public init(_ graph: Graph, _ evaluation: Evaluation, outputSeed: [Double], algorithm: BackwardAlgorithm) {
        precondition(algorithm != .tape, "the tape is ReverseSweep")
        precondition(outputSeed.count == graph.outputCount, "one seed component per output")
        self.algorithm = algorithm
        let count = graph.nodes.count
        // Paths from the seeded outputs to every node: one visit each.
        var paths = [Double](repeating: 0, count: count)
        var reached = [Bool](repeating: false, count: count)
        for (k, output) in graph.outputs.enumerated() where outputSeed[k] != 0 {
            paths[output.node] += 1
            reached[output.node] = true
        }
        var edges = 0
        for i in graph.nodes.indices.reversed() where reached[i] {
            for argument in graph.nodes[i].arguments where !graph.isConstant(argument) {
                paths[argument] += paths[i]
                reached[argument] = true
                edges += 1
            }
        }
        tapeEdgeVisits = edges
        visitCount = graph.nodes.indices.reduce(0) { $0 + (graph.isConstant($1) ? 0 : paths[$1]) }
        guard visitCount <= Double(Self.visitRunLimit) else {
            visits = []
            grads = nil
            return
        }
        var recorded: [BackwardVisit] = []
        var grad = [Double?](repeating: nil, count: count)
        var stack: [BackwardVisit] = []
        for (k, output) in graph.outputs.enumerated() where outputSeed[k] != 0 {
            stack.append(BackwardVisit(
                node: output.node, from: nil, output: k, depth: 0, callerGrad: outputSeed[k], partial: .number(1),
                partialValue: 1, received: outputSeed[k], gradBefore: nil, gradAfter: 0))
            while var visit = stack.popLast() {
                visit.gradBefore = grad[visit.node]
                visit.gradAfter = algorithm == .recursiveOverwrite ? visit.received : (grad[visit.node] ?? 0) + visit.received
                grad[visit.node] = visit.gradAfter
                if recorded.count < Self.visitRecordLimit { recorded.append(visit) }
                let node = graph.nodes[visit.node]
                for position in (0..<node.op.arity).reversed() {
                    let argument = node.arguments[position]
                    guard !graph.isConstant(argument) else { continue }
                    let partial = position == 0 ? evaluation.partialA[visit.node] : evaluation.partialB[visit.node]
                    stack.append(BackwardVisit(
                        node: argument, from: (visit.node, position), output: k, depth: visit.depth + 1,
                        callerGrad: visit.received, partial: graph.partialFormula(visit.node, argument: position),
                        partialValue: partial, received: visit.received * partial, gradBefore: nil, gradAfter: 0))
                }
            }
        }
        visits = recorded
        grads = grad
    }

    /// The gradient it ends with, one entry per input (nil where the input was never visited:
    /// its `grad` is still `None`); nil where the pass was too long to run.
    public func gradient(inputs: Int) -> [Double?]? {
        grads.map { Array($0.prefix(inputs)) }
    }
}
