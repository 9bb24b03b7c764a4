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
    /// Per node, its first users (while sharing).
    private var users: [UserList] = []
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
        if capacity > inputs.count { reserveCapacity(capacity) }
        nodes.append(contentsOf: repeatElement(Node(op: .input), count: inputs.count))
        if sharing { users.append(contentsOf: repeatElement(UserList(), count: inputs.count)) }
    }

    /// The number of nodes so far.
    public var count: Int { nodes.count }

    /// Makes room for `nodeCount` nodes in all, so a long recording appends without copying
    /// the tape each time it doubles (and without touching fresh pages for every copy).
    public mutating func reserveCapacity(_ nodeCount: Int) {
        nodes.reserveCapacity(nodeCount)
        if sharing { users.reserveCapacity(nodeCount) }
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
    @inline(__always)
    public mutating func apply(_ op: Op, _ a: Int32, _ b: Int32 = -1, span: SourceSpan? = nil) -> Int32 {
        precondition(op.arity > 0, "apply needs an operation, not a leaf")
        let node = Node(op: op, a: a, b: op.arity == 2 ? b : -1)
        guard sharing else { return append(node, span: span) }
        // An equal node is a user of `a` (and of `b`): look in the shorter list, or in the table when both overflowed.
        let usersOfA = users[Int(a)]
        let usersOfB = node.b >= 0 ? users[Int(node.b)] : usersOfA
        let list = usersOfA.count <= usersOfB.count ? usersOfA : usersOfB
        if list.count > 0 {
            if !list.overflowed {
                for k in 0..<Int(list.count) where nodes[Int(list[k])] == node { return list[k] }
            } else if let id = existing.find(node, in: nodes) {
                return id
            }
        }
        let id = append(node, span: span)
        noteUse(of: a, by: id)
        if node.b >= 0 && node.b != a { noteUse(of: node.b, by: id) }
        if allArgumentsOverflowed(node) { existing.insert(id, for: node, in: nodes) }
        return id
    }

    /// True if every argument of `node` has overflowed its user list: the nodes the table must hold.
    @inline(__always)
    private func allArgumentsOverflowed(_ node: Node) -> Bool {
        users[Int(node.a)].overflowed && (node.b < 0 || users[Int(node.b)].overflowed)
    }

    /// Records that `user` uses `argument`. When the argument's list overflows, the users it
    /// held can no longer be found by scanning it: those whose arguments have all overflowed join the table.
    @inline(__always)
    private mutating func noteUse(of argument: Int32, by user: Int32) {
        guard users[Int(argument)].append(user) else { return }
        let held = users[Int(argument)]
        for k in 0..<UserList.capacity {
            let first = nodes[Int(held[k])]
            if allArgumentsOverflowed(first) { existing.insert(held[k], for: first, in: nodes) }
        }
    }

    @inline(__always)
    private mutating func append(_ node: Node, span: SourceSpan?) -> Int32 {
        let id = Int32(nodes.count)
        nodes.append(node)
        if sharing { users.append(UserList()) }
        if span != nil || !spans.isEmpty {
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

/// A node's first users, up to ``capacity`` of them, and whether more have come since.
struct UserList: Sendable {
    static let capacity = 3
    /// How many users the list holds; `capacity + 1` once it has overflowed.
    private(set) var count: Int32 = 0
    private var first: (Int32, Int32, Int32) = (-1, -1, -1)

    /// True once the node has had more users than the list holds.
    var overflowed: Bool { count > Int32(UserList.capacity) }

    /// User `k` (k < count, and the list has not overflowed; after overflow, the users it held).
    @inline(__always)
    subscript(k: Int) -> Int32 {
        switch k {
        case 0: first.0
        case 1: first.1
        default: first.2
        }
    }

    /// Adds a user; true if this is the one that overflows the list.
    @inline(__always)
    mutating func append(_ user: Int32) -> Bool {
        switch count {
        case 0: first.0 = user
        case 1: first.1 = user
        case 2: first.2 = user
        case 3:
            count = 4
            return true
        default: return false
        }
        count += 1
        return false
    }
}

/// The hash-consing index for nodes whose arguments all overflowed their user lists: node → id, open addressing over the tape itself.
///
/// A Swift `Dictionary<Node, Int32>` hashes with SipHash and stores a copy of every node;
/// this table stores only ids and hashes with a multiply-xorshift.
struct NodeTable: Sendable {
    /// Each slot: a node id in the low 32 bits and 32 bits of its hash above (empty: all ones).
    /// The hash bits let a probe skip a slot without loading the node it names.
    private var slots: [UInt64] = Array(repeating: .max, count: 64)
    private var count = 0

    @inline(__always)
    private static func hash(_ node: Node) -> UInt64 {
        var h = UInt64(node.op.rawValue) &* 0x9E37_79B9_7F4A_7C15
        h ^= UInt64(UInt32(bitPattern: node.a)) &* 0xC2B2_AE3D_27D4_EB4F
        h ^= UInt64(UInt32(bitPattern: node.b)) &* 0x1656_67B1_9E37_79F9
        h ^= node.literal.bitPattern &* 0x85EB_CA77_C2B2_AE63
        h ^= h >> 31
        h &*= 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 29)
    }

    /// The id of a node equal to `node`, if one is in the table.
    func find(_ node: Node, in nodes: [Node]) -> Int32? {
        let hash = NodeTable.hash(node)
        let tag = hash >> 32
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: tag) & mask
        while true {
            let slot = slots[i]
            if slot == .max { return nil }
            if slot >> 32 == tag {
                let id = Int32(truncatingIfNeeded: slot & 0xFFFF_FFFF)
                if nodes[Int(id)] == node { return id }
            }
            i = (i + 1) & mask
        }
    }

    /// Records that `node` is at `id` (the caller knows it is not there yet).
    mutating func insert(_ id: Int32, for node: Node, in nodes: [Node]) {
        if (count + 1) * 2 > slots.count { grow() }
        let tag = NodeTable.hash(node) >> 32
        place(UInt64(UInt32(bitPattern: id)) | tag << 32, tag)
        count += 1
    }

    /// Puts `slot` at the first free place from its tag's home (the slot index is always the tag's low bits).
    private mutating func place(_ slot: UInt64, _ tag: UInt64) {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: tag) & mask
        while slots[i] != .max { i = (i + 1) & mask }
        slots[i] = slot
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: .max, count: old.count * 2)
        for slot in old where slot != .max { place(slot, slot >> 32) }
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
