/// The backward pass as a graph of its own: f's nodes, then one node per adjoint v̄ᵢ.
///
/// Reverse mode's adjoint sweep is itself a program (`adviz codegen` writes it); this type
/// writes the same program as data, a ``Graph`` whose nodes compute f and then every
/// adjoint, each the chain-rule sum v̄ᵢ = Σ v̄ⱼ·∂vⱼ/∂vᵢ over the consumers j of vᵢ. The local
/// partials become nodes too, written with the same formulas the sweeps use (``Op/partials(_:_:_:withRespectToB:)``):
/// ∂tanh/∂a is `1 − v·v` over the node's own value, so the gradient graph reuses f's nodes and
/// computes, bit for bit, the numbers of ``ReverseSweep``. Being an ordinary graph, it can be
/// traced, drawn, written as code, and differentiated again: a tangent sweep over it is a
/// Hessian-vector product (see ``HessianSweep``).
///
/// Nodes `0..<primalCount` are f's tape, unchanged (same ids, same Baydin numbers). The
/// outputs are f's output, then ∂y/∂xⱼ for every input j, named `dy/dx1`, ….
///
/// Where the sweeps' rules differ from the arithmetic of formulas, the graph says so in nodes:
/// - each output ∂y/∂xⱼ is `x̄ⱼ + 0·sign(y)`: x̄ⱼ, but NaN where y is NaN, as the rule "a step
///   whose value is NaN has NaN partials" makes every adjoint of the sweep NaN there (the inner
///   adjoint nodes v̄ᵢ of the graph keep the formulas' numbers);
/// - a node upstream of a power that can absorb a NaN (`pow(NaN, 0) = 1`) has `0·sign(v)` of
///   its own value added to its partials.
/// Special points remain where a formula over the graph's values cannot say the rule's
/// number: a power with a variable exponent at base 0 (0^0: b·0^(b−1) = 0·∞; b > 0: v·ln 0 = 0·(−∞),
/// where the rule takes 0),
/// and max/min at equal infinities (∞ − ∞). There the gradient graph gives NaN.
public struct GradientGraph: Sendable {
    /// The gradient graph: f's nodes, then the adjoint nodes.
    public let graph: Graph
    /// The graph differentiated.
    public let original: Graph
    /// The output of `original` differentiated.
    public let output: Int
    /// The number of f's nodes at the start of ``graph`` (the forward pass).
    public let primalCount: Int
    /// For each node of `original`, the node of ``graph`` holding its adjoint v̄ᵢ, or nil where
    /// the adjoint is a structural zero (the node does not reach the output) or it is a constant.
    public let adjointNodes: [Int?]
    /// For each input j, the node of ``graph`` holding ∂y/∂xⱼ (a constant 0 where y does not depend on xⱼ).
    public let gradientNodes: [Int]
    /// For each node of ``graph`` made by the backward pass, the nodes of `original` whose adjoint it holds.
    public let adjointOf: [Int: [Int]]
    /// ``graph`` made ready for the dual sweeps of Hessian-vector products, once.
    let dualProgram: DualSweep.Program

    /// The node of ``graph`` holding f's value.
    public var valueNode: Int { original.outputs[output].node }

    /// Whether node `id` of ``graph`` belongs to the backward pass (it was not in f's tape).
    public func isBackward(_ id: Int) -> Bool { id >= primalCount }

    /// The gradient graph of output `output` of `graph`.
    public init(of graph: Graph, output: Int = 0) throws(AdvizError) {
        guard graph.outputs.indices.contains(output) else {
            throw .invalidArgument("the graph has \(graph.outputCount) output\(graph.outputCount == 1 ? "" : "s"); there is no output \(output + 1) to differentiate")
        }
        original = graph
        self.output = output
        primalCount = graph.nodes.count
        var builder = SharingTape(graph.nodes)
        let nodes = graph.nodes
        let y = graph.outputs[output].node

        // Which nodes reach y: the others' adjoints are structural zeros (ReverseSweep's `live`).
        var live = [Bool](repeating: false, count: nodes.count)
        live[y] = true
        for i in nodes.indices.reversed() where live[i] {
            for argument in nodes[i].arguments { live[argument] = true }
        }
        // Nodes upstream of a power that can absorb a NaN (pow(NaN, 0) = pow(1, NaN) = 1): their
        // partials carry the NaN rule themselves (as DerivativeCode guards them).
        var guarded = [Bool](repeating: false, count: nodes.count)
        for i in nodes.indices.reversed() {
            let node = nodes[i]
            let absorbing = node.op == .pow && (!graph.isConstant(Int(node.b)) || nodes[Int(node.b)].literal == 0)
            if absorbing || guarded[i] {
                for argument in node.arguments where !graph.isConstant(argument) { guarded[argument] = true }
            }
        }

        let consumers = graph.consumers()
        var adjoint = [Int32?](repeating: nil, count: nodes.count)
        var statements = graph.statements
        var names: [Int: [String]] = [:]
        var holders: [Int: [Int]] = [:]  // node of the gradient graph → the nodes of f whose adjoint it holds
        for i in nodes.indices.reversed() where live[i] && !graph.isConstant(i) {
            let start = builder.count
            var sum: Int32? = nil
            func add(_ term: Int32) { sum = sum.map { builder.apply(.add, $0, term) } ?? term }
            if i == y { add(builder.constant(1)) }  // the seed ȳ = 1
            for c in consumers[i] where live[c] {
                guard let adjointOfC = adjoint[c] else { continue }
                for (k, argument) in nodes[c].arguments.enumerated() where argument == i {
                    var partial = builder.partial(of: c, argument: k, in: graph)
                    if guarded[c] { partial = builder.apply(.add, partial, builder.nanOf(Int32(c))) }
                    add(builder.times(adjointOfC, partial))
                }
            }
            guard let total = sum else { continue }
            adjoint[i] = total
            names[Int(total), default: []].append("v̄" + String(graph.label(i).dropFirst()))
            holders[Int(total), default: []].append(i)
            if builder.count > start {
                statements.append(GraphStatement(name: "v̄" + String(graph.label(i).dropFirst()), root: Int(total), nodes: start..<builder.count))
            }
        }
        let zero = builder.constant(0)
        // ∂y/∂xⱼ = x̄ⱼ + 0·sign(y): x̄ⱼ, but NaN where y is NaN (see the type's comment).
        let canBeNaN = nodes[y].op.arity > 0
        let nanGuard = canBeNaN ? builder.nanOf(Int32(y)) : zero
        let gradient = (0..<graph.inputCount).map { j in
            guard let adjoint = adjoint[j] else { return Int(zero) }
            return Int(canBeNaN ? builder.apply(.add, adjoint, nanGuard) : adjoint)
        }
        adjointNodes = adjoint.map { $0.map(Int.init) }
        gradientNodes = gradient
        adjointOf = holders

        let yName = graph.outputs[output].name
        var outputs = [graph.outputs[output]]
        for (j, name) in graph.inputNames.enumerated() {
            outputs.append(GraphOutput(name: "d\(yName)/d\(name)", node: gradient[j]))
        }
        var statementNames = graph.statementNames
        for (node, labels) in names where node >= graph.nodes.count { statementNames[node] = labels.joined(separator: " = ") }
        self.graph = Graph(
            nodes: builder.nodes, inputNames: graph.inputNames, outputs: outputs, constantNames: graph.constantNames,
            statementNames: statementNames, spans: nil, statements: statements, warnings: graph.warnings)
        dualProgram = DualSweep.Program(self.graph)
    }
}

/// A tape that starts as a copy of another and appends shared nodes (hash-consing on every node,
/// constants folded): the gradient graph's builder.
struct SharingTape {
    private(set) var nodes: [Node]
    private var existing: [Key: Int32] = [:]

    /// A node's identity: a constant's bits, not its value, so that −0 and 0 stay apart.
    private struct Key: Hashable {
        var op: Op
        var a: Int32
        var b: Int32
        var bits: UInt64
        init(_ node: Node) {
            op = node.op
            a = node.a
            b = node.b
            bits = node.literal.bitPattern
        }
    }

    init(_ nodes: [Node]) {
        self.nodes = nodes
        for (i, node) in nodes.enumerated() where node.op != .input {
            let key = Key(node)
            if existing[key] == nil { existing[key] = Int32(i) }
        }
    }

    var count: Int { nodes.count }

    func literal(_ id: Int32) -> Double? {
        nodes[Int(id)].op == .constant ? nodes[Int(id)].literal : nil
    }

    mutating func constant(_ value: Double) -> Int32 {
        intern(Node(op: .constant, literal: value))
    }

    /// `op(a, b)`; on constants, the constant it evaluates to (the sweep would compute the same number).
    mutating func apply(_ op: Op, _ a: Int32, _ b: Int32 = -1) -> Int32 {
        if let x = literal(a), op.arity == 1 || literal(b) != nil {
            return constant(op.evaluate(x, op.arity == 2 ? literal(b)! : 0))
        }
        return intern(Node(op: op, a: a, b: op.arity == 2 ? b : -1))
    }

    /// `0·sign(v)`: ±0, or NaN where node `v`'s value is NaN. Added to a number, it carries the
    /// sweeps' NaN rule without changing the number, and its tangent is 0 wherever v̇ is finite
    /// (a product would turn an infinite partial's tangent into 0·∞ = NaN).
    mutating func nanOf(_ v: Int32) -> Int32 {
        apply(.mul, constant(0), apply(.sign, v))
    }

    /// v̄·p, the product the reverse sweep forms (1·v̄ and −1·v̄ are exact, so they need no node).
    mutating func times(_ adjoint: Int32, _ partial: Int32) -> Int32 {
        switch literal(adjoint) {
        case 1: return partial
        case -1: return apply(.neg, partial)
        default: break
        }
        switch literal(partial) {
        case 1: return adjoint
        case -1: return apply(.neg, adjoint)
        default: return apply(.mul, adjoint, partial)
        }
    }

    /// The local partial of node `c` of `graph` by its argument `k`, as nodes over its arguments
    /// and value: the formulas of ``Op/partials(_:_:_:withRespectToB:)``, so the numbers agree.
    mutating func partial(of c: Int, argument k: Int, in graph: Graph) -> Int32 {
        let node = graph.nodes[c]
        let a = node.a, b = node.b, v = Int32(c)
        // The rule's partials as the sweeps compute them (tanh′ = 1 − v·v reads the value v, the
        // third argument), so the numbers agree; a constant exponent is folded first (x³ → 3·x²).
        if node.op == .pow, k == 0, let exponent = literal(b) {
            if exponent == 0 { return constant(0) }
            if exponent == 2 { return apply(.mul, constant(2), a) }
            // b·a^c, and the correction m^e where b − 1 rounds (see OpRules.Pow.powerPartial).
            let (c, e) = OpRules.Pow.exponentSplit(exponent)
            if e == 0 { return apply(.mul, b, apply(.pow, a, constant(c))) }
            return build(OpRules.Pow.powerPartialFormula(.number(exponent)), arguments: [a, b, v])
        }
        return build(node.op.rule.sweepFormulas[k], arguments: [a, b, v])
    }

    /// `formula` as nodes, `.arg(k)` standing for node `arguments[k]`.
    mutating func build(_ formula: Formula, arguments: [Int32]) -> Int32 {
        switch formula {
        case .arg(let k): return arguments[k]
        case .number(let x): return constant(x)
        case .quantity(_, let value): return constant(value)
        case .apply(let op, let operands):
            let ids = operands.map { build($0, arguments: arguments) }
            return apply(op, ids[0], ids.count > 1 ? ids[1] : -1)
        }
    }

    private mutating func intern(_ node: Node) -> Int32 {
        let key = Key(node)
        if let id = existing[key] { return id }
        let id = Int32(nodes.count)
        nodes.append(node)
        existing[key] = id
        return id
    }
}
