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

/// Every node's ``UserList``, by node id, in storage of its own: the builder's hottest data.
///
/// A Swift array here cost a copy-on-write check on every access (an append and two updates
/// per recorded operation, each a call into the runtime). The builder instead checks once per
/// operation that it holds the only reference to this storage (copying it when a copied
/// builder is about to change, so ``GraphBuilder`` keeps value semantics) and then reads and
/// writes through a pointer. Room grows by doubling; the node ids are checked by the builder.
final class UserLists: @unchecked Sendable {  // mutated only through a uniquely referenced builder
    private(set) var base: UnsafeMutablePointer<UserList>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }  // UserList is a plain value: nothing to deinitialize

    /// An independent copy, for a builder that was copied and is about to change.
    func copy() -> UserLists {
        let copy = UserLists(capacity: capacity)
        copy.base.initialize(from: base, count: count)
        copy.count = count
        return copy
    }

    /// Makes room for `total` lists in all.
    func reserve(_ total: Int) {
        guard total > capacity else { return }
        let grown = UnsafeMutablePointer<UserList>.allocate(capacity: total)
        grown.moveInitialize(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = total
    }

    /// Adds an empty list, for a new node.
    @inline(__always)
    func appendEmpty() {
        if _slowPath(count == capacity) { reserve(capacity * 2) }
        (base + count).initialize(to: UserList())
        count += 1
    }

    /// Adds `n` empty lists.
    func appendEmpty(count n: Int) {
        reserve(count + n)
        (base + count).initialize(repeating: UserList(), count: n)
        count += n
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
