/// Appends nodes to a tape, sharing identical subexpressions (hash-consing).
///
/// Used by the program compiler and by the ``Traced`` front end: both make the same tape.
///
/// Sharing is exact common-subexpression elimination, but most lookups never touch a hash
/// table: a node `op(a, b)` can only exist already among the users of `a`. So each node keeps
/// its first few users (a `UserList`), and a lookup scans the shorter list; only when both
/// arguments have more users than a list holds does it ask the hash table, which therefore
/// holds only the nodes whose arguments all overflowed their lists. On a long expression that
/// is a small fraction of the tape (nodes on two much-used constants, say), and the lookups
/// touch recent, cached lists instead of a random slot of a table the size of the tape.
public struct GraphBuilder: Sendable {
    private(set) var nodes: [Node] = []
    /// Source spans, one per node once any node has one (empty for a recorded tape).
    private(set) var spans: [SourceSpan?] = []
    private(set) var constantNames: [Int: String] = [:]
    /// The nodes whose arguments all overflowed their user lists (see the type's comment).
    private var existing = NodeTable()
    /// The constants by bit pattern (a few distinct values, each used many times).
    private var constants: [UInt64: Int32] = [:]
    /// The last constants asked for, by the top four bits of a multiplicative hash of their pattern: `1 + x` in a loop
    /// asks for the same constant each time, and a Swift dictionary hashes with SipHash.
    private var recentConstants = [(bits: UInt64, id: Int32)](repeating: (0, -1), count: 16)
    /// Per node, its first users (while sharing; see ``UserLists`` for why it is not an array).
    private var users: UserLists
    /// The input names, in the order they were declared (the order of their nodes in the finished graph).
    public private(set) var inputNames: [String]
    /// The inputs declared after the first other node (by ``input(_:)``), in declaration order.
    /// The finished graph moves them to the front, after the inputs declared first (see ``finish(outputs:statementNames:statements:warnings:)``).
    private(set) var lateInputs: [Int32] = []
    /// Whether identical subexpressions share one node (false keeps the expression a tree).
    public let sharing: Bool

    /// A tape that starts with the given inputs (v-(n-1) … v0), with room for `capacity` nodes
    /// in all (see ``reserveCapacity(_:)``).
    public init(inputs: [String], sharing: Bool = true, capacity: Int = 0) {
        inputNames = inputs
        self.sharing = sharing
        users = UserLists(capacity: sharing ? Swift.max(capacity, inputs.count) : 0)
        if capacity > inputs.count { nodes.reserveCapacity(capacity) }
        nodes.append(contentsOf: repeatElement(Node(op: .input), count: inputs.count))
        if sharing { users.appendEmpty(count: inputs.count) }
    }

    /// The number of nodes so far.
    public var count: Int { nodes.count }

    /// Makes room for `nodeCount` nodes in all, so a long recording appends without copying
    /// the tape each time it doubles (and without touching fresh pages for every copy).
    public mutating func reserveCapacity(_ nodeCount: Int) {
        nodes.reserveCapacity(nodeCount)
        if sharing { uniqueUsers().reserve(nodeCount) }
    }

    /// A new input named `name`, declared now: a micrograd-style `tape.input("w1", -3)` between operations.
    ///
    /// A Wengert list numbers its inputs v-(n-1) … v0 before every step, so an input declared
    /// after other nodes is recorded where it is (the ids already handed out stay valid) and
    /// the finished graph renumbers: inputs first, in declaration order, then the other nodes
    /// in recording order. Moving a leaf earlier keeps every node after its arguments.
    public mutating func input(_ name: String) -> Int32 {
        let isLate = nodes.count > inputNames.count
        let id = append(Node(op: .input), span: nil)
        inputNames.append(name)
        if isLate { lateInputs.append(id) }
        return id
    }

    /// The node of input `index` (in declaration order).
    public func inputNode(_ index: Int) -> Int32 {
        let front = inputNames.count - lateInputs.count
        return index < front ? Int32(index) : lateInputs[index - front]
    }

    /// The declaration index of the input at node `id` (which must be an input).
    func inputIndex(ofNode id: Int32) -> Int {
        let front = inputNames.count - lateInputs.count
        if Int(id) < front { return Int(id) }
        guard let late = lateInputs.firstIndex(of: id) else { preconditionFailure("node \(id) is not an input") }
        return front + late
    }

    /// Where each recorded node sits in the finished graph, or nil when nothing moves (no late inputs).
    private func graphPositions() -> [Int32]? {
        guard !lateInputs.isEmpty else { return nil }
        var position = [Int32](repeating: -1, count: nodes.count)
        let front = inputNames.count - lateInputs.count
        for k in 0..<front { position[k] = Int32(k) }
        for (k, id) in lateInputs.enumerated() { position[Int(id)] = Int32(front + k) }
        var next = Int32(inputNames.count)
        for i in front..<nodes.count where position[i] < 0 {
            position[i] = next
            next += 1
        }
        return position
    }

    /// A constant node (shared with an equal constant unless sharing is off).
    public mutating func constant(_ value: Double, name: String? = nil, span: SourceSpan? = nil) -> Int32 {
        let id: Int32
        let bits = value.bitPattern
        let slot = Int(truncatingIfNeeded: (bits &* 0x9E37_79B9_7F4A_7C15) >> 60)
        if sharing, recentConstants[slot].id >= 0, recentConstants[slot].bits == bits {
            id = recentConstants[slot].id
        } else if sharing, let shared = constants[bits] {
            id = shared
            recentConstants[slot] = (bits, id)
        } else {
            id = append(Node(op: .constant, literal: value), span: span)
            if sharing {
                constants[bits] = id
                recentConstants[slot] = (bits, id)
            }
        }
        if let name { constantNames[Int(id)] = name }
        return id
    }

    /// The node of `op` applied to `a` (and `b`), reusing an identical node where sharing.
    ///
    /// The arguments must be nodes already on the tape. This runs once per recorded operation
    /// (a million times for a long tape), so the user lists are read and written through a
    /// pointer after one check that this builder is their only owner.
    @inline(__always)
    public mutating func apply(_ op: Op, _ a: Int32, _ b: Int32 = -1, span: SourceSpan? = nil) -> Int32 {
        precondition(op.arity > 0, "apply needs an operation, not a leaf")
        let node = Node(op: op, a: a, b: op.arity == 2 ? b : -1)
        // Unsigned comparisons: a negative id fails them too.
        precondition(
            UInt(bitPattern: Int(a)) < UInt(nodes.count) && (op.arity == 1 || UInt(bitPattern: Int(b)) < UInt(nodes.count)),
            "apply's arguments must be nodes on the tape")
        guard sharing else { return append(node, span: span) }
        let lists = uniqueUsers().base
        // An equal node is a user of `a` (and of `b`): look in the shorter list, or in the table when both overflowed.
        let usersOfA = lists[Int(a)]
        let usersOfB = node.b >= 0 ? lists[Int(node.b)] : usersOfA
        let list = usersOfA.count <= usersOfB.count ? usersOfA : usersOfB
        if list.count > 0 {
            if !list.overflowed {
                for k in 0..<Int(list.count) where nodes[Int(list[k])] == node { return list[k] }
            } else if let id = existing.find(node, in: nodes) {
                return id
            }
        }
        let id = appendNode(node, span: span)
        users.appendEmpty()
        let base = users.base  // appendEmpty may have moved the lists
        if _slowPath(base[Int(a)].append(id)) { listOverflowed(a) }
        if node.b >= 0 && node.b != a, _slowPath(base[Int(node.b)].append(id)) { listOverflowed(node.b) }
        if _slowPath(allArgumentsOverflowed(node, base)) { existing.insert(id, for: node, in: nodes) }
        return id
    }

    /// The user lists, copied first if another builder (a copy of this one) shares them.
    @inline(__always)
    private mutating func uniqueUsers() -> UserLists {
        if _slowPath(!isKnownUniquelyReferenced(&users)) { users = users.copy() }
        return users
    }

    /// True if every argument of `node` has overflowed its user list: the nodes the table must hold.
    @inline(__always)
    private func allArgumentsOverflowed(_ node: Node, _ lists: UnsafeMutablePointer<UserList>) -> Bool {
        lists[Int(node.a)].overflowed && (node.b < 0 || lists[Int(node.b)].overflowed)
    }

    /// `argument`'s user list has just overflowed: the users it held can no longer be found by
    /// scanning it, so those whose arguments have all overflowed join the table.
    @inline(never)
    private mutating func listOverflowed(_ argument: Int32) {
        let lists = users.base
        let held = lists[Int(argument)]
        for k in 0..<UserList.capacity {
            let first = nodes[Int(held[k])]
            if allArgumentsOverflowed(first, lists) { existing.insert(held[k], for: first, in: nodes) }
        }
    }

    /// Appends a leaf or, without sharing, any node.
    @inline(__always)
    private mutating func append(_ node: Node, span: SourceSpan?) -> Int32 {
        let id = appendNode(node, span: span)
        if sharing { uniqueUsers().appendEmpty() }
        return id
    }

    /// Appends `node` and its span, without its user list.
    @inline(__always)
    private mutating func appendNode(_ node: Node, span: SourceSpan?) -> Int32 {
        let id = Int32(nodes.count)
        nodes.append(node)
        if _slowPath(span != nil || !spans.isEmpty) {
            if spans.isEmpty { spans = Array(repeating: nil, count: nodes.count - 1) }
            spans.append(span)
        }
        return id
    }

    /// The finished graph with these outputs and statement names.
    public func finish(
        outputs: [GraphOutput], statementNames: [Int: String] = [:], statements: [GraphStatement] = [],
        warnings: [Diagnostic] = []
    ) -> Graph {
        if let position = graphPositions() {
            // Late inputs: renumber so the inputs come first (only recorded tapes declare them; the parser never does).
            precondition(statements.isEmpty, "statements refer to nodes by range and cannot be renumbered")
            var moved = [Node](repeating: Node(op: .input), count: nodes.count)
            var movedSpans = spans.isEmpty ? [] : [SourceSpan?](repeating: nil, count: nodes.count)
            for (i, node) in nodes.enumerated() {
                var node = node
                if node.a >= 0 { node.a = position[Int(node.a)] }
                if node.b >= 0 { node.b = position[Int(node.b)] }
                moved[Int(position[i])] = node
                if !spans.isEmpty { movedSpans[Int(position[i])] = spans[i] }
            }
            let rename = { (names: [Int: String]) in Dictionary(uniqueKeysWithValues: names.map { (Int(position[$0.key]), $0.value) }) }
            return Graph(
                nodes: moved, inputNames: inputNames, outputs: outputs.map { GraphOutput(name: $0.name, node: Int(position[$0.node])) },
                constantNames: rename(constantNames), statementNames: rename(statementNames),
                spans: movedSpans.isEmpty ? nil : movedSpans, statements: statements, warnings: warnings)
        }
        return Graph(
            nodes: nodes, inputNames: inputNames, outputs: outputs, constantNames: constantNames,
            statementNames: statementNames, spans: spans.isEmpty ? nil : spans, statements: statements,
            warnings: warnings)
    }
}

/// Options for turning a program into a graph.
public struct GraphOptions: Sendable, Equatable {
    /// Share identical subexpressions (on by default; `--no-share` turns it off).
    public var sharing: Bool
    /// The statements to treat as outputs; nil picks them by the default rule.
    public var outputs: [String]?
    /// The inputs in order, used or not (a Python function's parameters); nil: the names used
    /// but never assigned, in natural order.
    public var inputs: [String]?

    /// Options with sharing on and the default choice of outputs.
    public init(sharing: Bool = true, outputs: [String]? = nil, inputs: [String]? = nil) {
        self.sharing = sharing
        self.outputs = outputs
        self.inputs = inputs
    }
}

extension Graph {
    /// Parses and builds the graph of program text in one step.
    public init(parsing text: String, name: String = "<expression>", options: GraphOptions = GraphOptions())
        throws(AdvizError)
    {
        let source = SourceText(text, name: name)
        let program: Program
        do {
            program = try Program.parse(source)
        } catch {
            throw .input(error, source)
        }
        try self.init(program: program, options: options)
    }
}

/// The order in which inputs are numbered, the one rule `--at 2,5`, `--seed`, `--grid` and CSV
/// columns without a header follow: x1, x2, …, x10 first (an `x` with a number), then every
/// other name alphabetically, numbers compared as numbers (w2 before w10). A plain `x` is one
/// of the others: `b*w*x` takes its point as b, w, x.
public enum NaturalOrder {
    /// `names` in natural order; each name's key is computed once (a million inputs sort in a second, not a minute).
    public static func sorted(_ names: some Sequence<String>) -> [String] {
        names.map { ($0, key($0)) }.sorted(by: precedes).map(\.0)
    }

    private typealias Key = (isX: Bool, stem: String, number: Int?)

    private static func precedes(_ lhs: (String, Key), _ rhs: (String, Key)) -> Bool {
        let l = lhs.1, r = rhs.1
        if l.isX != r.isX { return l.isX }
        if l.stem != r.stem { return l.stem < r.stem }
        if l.number != r.number { return (l.number ?? -1) < (r.number ?? -1) }
        return lhs.0 < rhs.0
    }

    private static func key(_ name: String) -> Key {
        // Trailing ASCII digits, read on the UTF-8 bytes (this runs once per input name).
        let bytes = name.utf8
        var digitsStart = bytes.endIndex
        while digitsStart > bytes.startIndex {
            let before = bytes.index(before: digitsStart)
            guard bytes[before] >= 48 && bytes[before] <= 57 else { break }
            digitsStart = before
        }
        let stem = String(Substring(name.utf8[..<digitsStart]))
        var number: Int? = nil
        if digitsStart < bytes.endIndex {
            var value = 0
            for byte in bytes[digitsStart...].prefix(18) { value = value * 10 + Int(byte - 48) }
            number = value
        }
        return (stem == "x" && number != nil, stem, number)
    }
}
