/// One entry of the tape: an operation and the ids of its arguments.
public struct Node: Hashable, Sendable {
    /// The elementary operation.
    public var op: Op
    /// The id of the first argument, or -1.
    public var a: Int32
    /// The id of the second argument, or -1 for unary operations.
    public var b: Int32
    /// The value of a constant (0 for every other operation).
    public var literal: Double

    /// A node applying `op` to the nodes `a` and `b`.
    public init(op: Op, a: Int32 = -1, b: Int32 = -1, literal: Double = 0) {
        self.op = op
        self.a = a
        self.b = b
        self.literal = literal
    }

    /// The argument ids, in order (none, one or two).
    public var arguments: [Int] {
        switch op.arity {
        case 0: []
        case 1: [Int(a)]
        default: [Int(a), Int(b)]
        }
    }
}

/// An output of the function: a name (`y`, `y2`, `loss`) and the node that holds it.
public struct GraphOutput: Sendable, Equatable {
    /// The statement's name.
    public var name: String
    /// The node computing it.
    public var node: Int

    /// Output `name`, held by node `node`.
    public init(name: String, node: Int) {
        self.name = name
        self.node = node
    }
}

/// A statement of the program the graph came from, and the stretch of tape it created.
public struct GraphStatement: Sendable, Equatable {
    /// The statement's name (`h` in `h = tanh(z)`), or nil for a bare expression.
    public var name: String?
    /// The node holding the statement's value.
    public var root: Int
    /// The nodes the statement created (shared nodes belong to the statement that made them first).
    public var nodes: Range<Int>
}

/// A computational graph as a tape: nodes in evaluation order, inputs first.
///
/// This is the Wengert list of Baydin et al. (2018): the n inputs are v-(n-1) … v0 and
/// each elementary step after them is v1, v2, …; constants sit on the tape too but take
/// no number, since they are written by value. Creation order is a topological order,
/// so every pass is a plain loop over `nodes` (forward) or over it backwards (reverse).
public struct Graph: Sendable {
    /// The tape, in evaluation order. Nodes `0..<inputNames.count` are the inputs.
    public let nodes: [Node]
    /// The names of the inputs, in the order of their nodes.
    public let inputNames: [String]
    /// The outputs, in the order of the statements that make them.
    public let outputs: [GraphOutput]
    /// The names of named constants (`pi`, `e`) by node id.
    public let constantNames: [Int: String]
    /// The statement names given to nodes (`a = x1*x2` names the node of `x1*x2` `a`).
    public let statementNames: [Int: String]
    /// Where each node was first written in the source, where it came from a program.
    public let spans: NodeSpans
    /// The program's statements and the nodes each created (empty for a recorded ``Tape``).
    public let statements: [GraphStatement]
    /// Baydin's index of each node: -(n-1) … 0 for inputs, 1, 2, … for steps, nil for constants.
    public let stepNumbers: StepNumbers
    /// What the program's author should know that is not an error (a statement with no effect),
    /// each pointing into the source; empty for a recorded ``Tape``.
    public let warnings: [Diagnostic]

    /// A graph from a finished tape; `stepNumbers` are derived from it.
    public init(
        nodes: [Node], inputNames: [String], outputs: [GraphOutput],
        constantNames: [Int: String] = [:], statementNames: [Int: String] = [:], spans: [SourceSpan?]? = nil,
        statements: [GraphStatement] = [], warnings: [Diagnostic] = []
    ) {
        self.statements = statements
        self.warnings = warnings
        self.nodes = nodes
        self.inputNames = inputNames
        self.outputs = outputs
        self.constantNames = constantNames
        self.statementNames = statementNames
        self.spans = NodeSpans(spans ?? [])
        stepNumbers = StepNumbers(nodes, inputCount: inputNames.count)
    }

    /// Throws unless every name in `names` is non-empty and given once; `kind` (`input`,
    /// `output`) names them in the message. The library's own check on what a caller builds.
    ///
    /// A tape of a million inputs checks a million names, so this is an open-addressing table of
    /// FNV-1a hashes over the names' bytes (a `Set<String>` hashes with SipHash and doubled the
    /// recording time of the scaling benchmark); names are compared only where hashes meet.
    public static func checkNames(_ names: [String], of kind: String) throws(AdvizError) {
        var capacity = 16
        while capacity < names.count * 2 { capacity <<= 1 }
        var slots = [Int32](repeating: -1, count: capacity)  // index into `names`, or -1
        var hashes = [UInt64](repeating: 0, count: capacity)
        for (index, name) in names.enumerated() {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            var blank = true
            // The bytes read through a pointer: iterating `utf8` of a short (inline) string costs
            // a bounds and encoding check per byte, most of this loop's time.
            var bytes = name
            bytes.withUTF8 { utf8 in
                for byte in utf8 {
                    hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
                    // Any other ASCII byte makes the name not blank; a non-ASCII byte may belong to a
                    // space such as U+3000 or U+00A0, so such a name is asked about below.
                    if byte < 0x80 && byte != 0x20 && !(0x09...0x0D).contains(byte) { blank = false }
                }
            }
            // FNV's low bits, which pick the slot, change little between x1, x2, …: mix the high bits in.
            hash ^= hash >> 29
            if blank, name.allSatisfy(\.isWhitespace) { throw .invalidArgument("an \(kind) name is empty; every \(kind) needs a name") }
            var slot = Int(truncatingIfNeeded: hash) & (capacity - 1)
            while slots[slot] >= 0 {
                if hashes[slot] == hash, names[Int(slots[slot])] == name {
                    throw .invalidArgument("the \(kind) name `\(name)` is given twice; each \(kind) needs its own name")
                }
                slot = (slot + 1) & (capacity - 1)
            }
            slots[slot] = Int32(index)
            hashes[slot] = hash
        }
    }

    /// The number of inputs, n.
    public var inputCount: Int { inputNames.count }
    /// The number of outputs, m.
    public var outputCount: Int { outputs.count }
    /// The number of elementary steps (nodes that are neither inputs nor constants), l.
    public var stepCount: Int { nodes.count - inputCount - constantCount }
    /// The number of constants on the tape.
    public var constantCount: Int { nodes.reduce(0) { $0 + ($1.op == .constant ? 1 : 0) } }

    /// The edges that carry derivatives: arguments that are not constants, one per use.
    public var differentiableEdgeCount: Int {
        var count = 0
        for node in nodes where node.op.arity > 0 {
            if nodes[Int(node.a)].op != .constant { count += 1 }
            if node.op.arity == 2, nodes[Int(node.b)].op != .constant { count += 1 }
        }
        return count
    }

    /// The name of node `id` in traces: `v-1`, `v3`, or a constant's value.
    public func label(_ id: Int, format: NumberFormat = NumberFormat()) -> String {
        if let number = stepNumbers[id] { return "v\(number)" }
        return constantNames[id] ?? format.string(nodes[id].literal)
    }

    /// The name of node `id` as text and figures write it: `v₋₁`, `v₃` (Unicode subscripts), or a constant's value.
    public func displayLabel(_ id: Int, format: NumberFormat = NumberFormat()) -> String {
        if let number = stepNumbers[id] { return MathName.node(number, accent: .none, style: .text) }
        return label(id, format: format)
    }

    /// Every node's id for tools (JSON, the SVG's element ids): `v-1`, `v0`, `v3` as Baydin numbers
    /// them, and `c1`, `c2`, … for constants in tape order. One spelling, in ASCII, for every writer.
    public func nodeIDs() -> [String] {
        var constantNumber = 0
        return nodes.indices.map { i in
            if let n = stepNumbers[i] { return "v\(n)" }
            constantNumber += 1
            return "c\(constantNumber)"
        }
    }

    /// True if node `id` is a constant.
    public func isConstant(_ id: Int) -> Bool { nodes[id].op == .constant }

    /// For every node, whether some output depends on it (one backward pass over the tape).
    public func neededByOutputs() -> [Bool] {
        var needed = [Bool](repeating: false, count: nodes.count)
        for output in outputs { needed[output.node] = true }
        for i in nodes.indices.reversed() where needed[i] && nodes[i].op.arity > 0 {
            needed[Int(nodes[i].a)] = true
            if nodes[i].op.arity == 2 { needed[Int(nodes[i].b)] = true }
        }
        return needed
    }

    /// For every node, the nodes that use it, in descending order (the order reverse mode meets them).
    ///
    /// A node that uses the same argument twice (`x*x`) is listed once.
    public func consumers() -> [[Int]] {
        var result = Array(repeating: [Int](), count: nodes.count)
        for i in stride(from: nodes.count - 1, through: 0, by: -1) {
            let node = nodes[i]
            guard node.op.arity > 0 else { continue }
            result[Int(node.a)].append(i)
            if node.op.arity == 2, node.b != node.a { result[Int(node.b)].append(i) }
        }
        return result
    }
}

/// Baydin's number of each node (v-1, v0, v1, …), nil for constants: one Int32 per node.
public struct StepNumbers: Sendable {
    private let numbers: [Int32]
    private static let none = Int32.min

    /// Numbers the tape: inputs -(n-1) … 0, then the steps 1, 2, … in order; constants take none.
    init(_ nodes: [Node], inputCount n: Int) {
        numbers = [Int32](unsafeUninitializedCapacity: nodes.count) { numbers, made in
            nodes.withUnsafeBufferPointer { nodes in
                var next: Int32 = 1
                for i in 0..<nodes.count {
                    switch nodes[i].op {
                    case .input: numbers[i] = Int32(i - (n - 1))
                    case .constant: numbers[i] = StepNumbers.none
                    default:
                        numbers[i] = next
                        next += 1
                    }
                }
            }
            made = nodes.count
        }
    }

    /// The number of node `id`, or nil for a constant.
    public subscript(id: Int) -> Int? {
        let number = numbers[id]
        return number == StepNumbers.none ? nil : Int(number)
    }
}

/// Where each node was first written in the source; empty (all nil) for a recorded tape.
public struct NodeSpans: Sendable {
    /// One span per node, or none at all.
    package let storage: [SourceSpan?]

    init(_ storage: [SourceSpan?]) { self.storage = storage }

    /// The span of node `id`, if it came from program text.
    public subscript(id: Int) -> SourceSpan? { id < storage.count ? storage[id] : nil }
}

extension Graph {
    /// The same tape with only output `index` (the other outputs' nodes stay, unused).
    public func keepingOutput(_ index: Int) -> Graph {
        Graph(
            nodes: nodes, inputNames: inputNames, outputs: [outputs[index]], constantNames: constantNames,
            statementNames: statementNames, spans: spans.storage, statements: statements)
    }
}

extension Graph {
    /// The local partial of node `id` by its argument at `position`, as a formula over the node's
    /// arguments (`.arg(k)` stands for argument k) with constant arguments folded in: ∂(3·v0)/∂v0
    /// is `3`. Traces print it and generated code computes it: one substitution for both.
    public func partialFormula(_ id: Int, argument position: Int) -> Formula {
        let node = nodes[id]
        let arguments: [Formula] = node.arguments.enumerated().map { index, argument in
            isConstant(argument) ? .number(nodes[argument].literal) : .arg(index)
        }
        return node.op.partialFormula(position).substituting(arguments).folded()
    }
}
