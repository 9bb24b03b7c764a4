import AdvizCore

/// Symbolic differentiation: the derivative as an expression, by the rules of the primitive table.
///
/// The rules are the same ones AD uses — each operation's partials as ``Formula``s — applied
/// to expressions instead of numbers: d(vᵢ) = Σₖ ∂vᵢ/∂aₖ · d(aₖ), node by node along the
/// tape. Where AD multiplies numbers, this builds expressions, which is why they swell.
public struct SymbolicDerivative: Sendable {
    /// The arena holding the function and its derivative.
    public private(set) var arena: SymbolicArena
    /// The function's expression.
    public let function: Int
    /// The derivative's expression.
    public let derivative: Int
    /// The input differentiated by.
    public let variable: String
    /// Operations that jump in the derivative (sign, step, floor): where it does not exist.
    public let kinks: [String]
    /// f's steps on the way from the variable to the output, as the tape computes them (the
    /// operation on its arguments' entries, unsimplified, and which arguments vary with the
    /// variable): where one is NaN, or its partial by an argument that varies is infinite or NaN,
    /// the derivative is not a number, as AD's is not (0·∞ = NaN), though the simplified formula
    /// may no longer mention the step (d step(u) = 0, x − x = 0 at ∞, 0·(1/(0·x)) = 0):
    /// simplifying must not turn NaN into a number.
    let dependentSteps: [DependentStep]

    /// One step of f (a node of `graph`) that varies with the variable: see ``dependentSteps``.
    struct DependentStep {
        var node: Int
        var aVaries: Bool, bVaries: Bool
    }
    /// The tape, whose primal sweep gives the steps' values and partials unsimplified (x/x is
    /// NaN at 0, where the simplified formula reads 1).
    let graph: Graph

    /// The most entries an arena may hold (function and derivative, shared subexpressions once):
    /// about 100 MB. Past it the derivative is refused (exit 70) rather than built for minutes
    /// in gigabytes, as `1.0000001^(1.0000001^(…^x))` nested 10,000 deep would be.
    public static let nodeLimit = 1_000_000

    /// The derivative of output `output` of `graph` with respect to the input `variable`.
    ///
    /// Throws ``AdvizError/limit(_:)`` when the expressions would exceed `limit` entries.
    public init(_ graph: Graph, output: Int = 0, variable: String, simplify: Bool = true, limit: Int = nodeLimit) throws(AdvizError) {
        guard let j = graph.inputNames.firstIndex(of: variable) else {
            throw .invalidArgument("`\(variable)` is not an input; the inputs are \(PointBinding.listing(graph.inputNames))")
        }
        guard graph.outputs.indices.contains(output) else { throw .invalidArgument("the graph has no output \(output + 1)") }
        var arena = SymbolicArena(simplifies: simplify)
        let root = graph.outputs[output].node
        var expression = [Int](repeating: 0, count: root + 1)
        var derivative = [Int](repeating: 0, count: root + 1)
        let zero = arena.number(0), one = arena.number(1)
        var dependentSteps: [DependentStep] = []
        let onTheWay = graph.keepingOutput(output).neededByOutputs()
        // Which steps depend on the variable, as the tape sees it: 0·x does, though its derivative simplifies to 0.
        var varies = [Bool](repeating: false, count: root + 1)
        for i in 0...root {
            let node = graph.nodes[i]
            switch node.op {
            case .input:
                expression[i] = arena.variable(graph.inputNames[i])
                derivative[i] = i == j ? one : zero
                varies[i] = i == j
            case .constant:
                if let name = graph.constantNames[i] { arena.namedConstants[name] = node.literal }
                expression[i] = graph.constantNames[i].map { arena.variable($0) } ?? arena.number(node.literal)
                derivative[i] = zero
            default:
                let args = node.arguments
                let argExpressions = args.map { expression[$0] }
                expression[i] = arena.apply(node.op, argExpressions[0], argExpressions.count > 1 ? argExpressions[1] : -1)
                varies[i] = args.contains { varies[$0] }
                if onTheWay[i], varies[i] {
                    dependentSteps.append(DependentStep(node: i, aVaries: varies[args[0]], bVaries: args.count > 1 && varies[args[1]]))
                }
                var sum: Int? = nil
                for (k, a) in args.enumerated() where derivative[a] != zero || !simplify {
                    let partial = SymbolicDerivative.build(node.op.partialFormula(k), args: argExpressions, in: &arena)
                    let term = arena.apply(.mul, partial, derivative[a])
                    sum = sum.map { arena.apply(.add, $0, term) } ?? term
                }
                derivative[i] = sum ?? zero
            }
            if arena.terms.count > limit {
                throw .limit(ErrorMessage(
                    "the symbolic derivative by `\(variable)` would exceed \(limit) nodes (the limit, reached at step \(i + 1) of \(root + 1)); "
                        + "AD's trace has \(graph.nodes.count) nodes (adviz trace or adviz hessian differentiate it)"))
            }
        }
        self.arena = arena
        function = expression[root]
        self.derivative = derivative[root]
        self.variable = variable
        self.dependentSteps = dependentSteps
        self.graph = graph
        var found = Set<String>()
        // Only the derivative's own terms: f's (or a term simplified away) say nothing about where it exists.
        for (id, used) in arena.reachable(from: derivative[root]).enumerated() where used {
            if case .apply(let op, _, _) = arena.terms[id], op.smoothness == .jumps { found.insert(op.name) }
        }
        kinks = found.sorted()
    }

    /// A table formula as an expression, its `.arg(k)` replaced by `args[k]`.
    static func build(_ formula: Formula, args: [Int], in arena: inout SymbolicArena) -> Int {
        switch formula {
        case .arg(let k): return args[k]
        case .number(let x): return arena.number(x)
        case .quantity(_, let value): return arena.number(value)
        case .apply(let op, let operands):
            let parts = operands.map { build($0, args: args, in: &arena) }
            return arena.apply(op, parts[0], parts.count > 1 ? parts[1] : -1)
        }
    }

    /// The derivative's value at a point (inputs and the constants `pi`, `e` by name).
    public func value(at point: [String: Double]) -> Double {
        var values = point
        for (name, value) in Program.namedConstants where values[name] == nil { values[name] = value }
        let result = arena.evaluateAll(upTo: derivative, values)[derivative]
        guard !dependentSteps.isEmpty else { return result }
        let steps = PrimalSweep.run(graph, at: graph.inputNames.map { values[$0] ?? .nan })
        for step in dependentSteps {
            if steps.values[step.node].isNaN { return .nan }
            if result.isFinite, step.aVaries && !steps.partialA[step.node].isFinite || step.bVaries && !steps.partialB[step.node].isFinite { return .nan }
        }
        return result
    }
}

extension SymbolicDerivative {
    /// The derivatives as one tape, output j being the derivative with respect to `inputs[j]`'s variable,
    /// so the symbolic derivative can be evaluated by the same engines as the function.
    public static func graph(of derivatives: [SymbolicDerivative], inputs: [String]) -> Graph {
        var builder = GraphBuilder(inputs: inputs)
        let inputIndex = Dictionary(uniqueKeysWithValues: inputs.enumerated().map { ($0.element, Int32($0.offset)) })
        var outputs: [GraphOutput] = []
        for derivative in derivatives {
            let arena = derivative.arena
            let root = derivative.derivative
            var node = [Int32](repeating: -1, count: root + 1)
            for id in 0...root {
                switch arena.terms[id] {
                case .variable(let name):
                    node[id] = inputIndex[name] ?? builder.constant(Program.namedConstants[name] ?? .nan, name: name)
                case .number(let x):
                    node[id] = builder.constant(x)
                case .apply(let op, let a, let b):
                    node[id] = builder.apply(op, node[a], b >= 0 ? node[b] : -1)
                }
            }
            outputs.append(GraphOutput(name: "d/d\(derivative.variable)", node: Int(node[root])))
        }
        return builder.finish(outputs: outputs)
    }
}
