import Synchronization

/// The recording state of a live ``Tape``: what its ``Traced`` values append to.
///
/// Values reach it through an unmanaged reference, so recording an operation costs no
/// reference counting (retain and release were half the cost of recording). That is safe
/// because a core is never freed: when its tape goes, the core's tape is emptied, its
/// serial number moves on, and it waits in a pool for the next tape. A value that outlives
/// its tape finds a serial that is not its own and stops with a message, never reading freed memory.
final class TapeCore: @unchecked Sendable {  // handed between threads only through `pool`'s lock
    /// The tape being recorded (empty while the core is in the pool).
    @exclusivity(unchecked) var builder: GraphBuilder  // one thread records at a time: the runtime check is not needed
    /// Every node's value, by node id, when the tape computes values as it records (a ``Tape``); empty for a ``GraphTape``.
    /// It lives beside the builder, not in it, so the value-less path (the parser, ``GraphTape``, the
    /// scaling benchmark) pays one predictable branch per operation and nothing else.
    @exclusivity(unchecked) var values: [Double] = []
    /// Whether ``values`` is kept.
    private(set) var recordsValues = false
    /// Which tape this core belongs to now; changes each time the core returns to the pool.
    /// Atomic because a stale value may read it on another thread while a tape is released
    /// (relaxed: it only tells a stale value from a live one; the pool's lock orders the rest).
    let serial = Atomic<UInt32>(0)

    private init() { builder = GraphBuilder(inputs: []) }

    private static let pool = Mutex<[Unmanaged<TapeCore>]>([])

    /// A core for a new tape, from the pool if one waits there, with its serial number.
    static func take(_ builder: GraphBuilder, recordsValues: Bool) -> (Unmanaged<TapeCore>, UInt32) {
        let core = pool.withLock { $0.popLast() } ?? Unmanaged.passRetained(TapeCore())
        let serial = core._withUnsafeGuaranteedRef { core in
            core.builder = builder
            core.recordsValues = recordsValues
            if recordsValues { core.values = Array(repeating: .nan, count: builder.count) }  // Tape() starts empty
            return core.serial.load(ordering: .relaxed)
        }
        return (core, serial)
    }

    /// Returns a released tape's core to the pool; its values can no longer record.
    static func giveBack(_ core: Unmanaged<TapeCore>) {
        core._withUnsafeGuaranteedRef { core in
            core.builder = GraphBuilder(inputs: [])
            core.values = []
            core.recordsValues = false
            core.serial.wrappingAdd(1, ordering: .relaxed)
        }
        pool.withLock { $0.append(core) }
    }

    /// Computes the value of node `id` = `op(a, b)` if it is new (a shared node already has its value).
    @inline(__always)
    func noteValue(of id: Int32, _ op: Op, _ a: Int32, _ b: Int32) {
        guard Int(id) == values.count else { return }
        values.append(op.evaluate(values[Int(a)], b >= 0 ? values[Int(b)] : 0))
    }

    /// The core that literals point to (`let c: Traced = 2.0`): never pooled, never recorded on.
    /// Its serial is ``literalCoreSerial``, which no literal's serial equals (see
    /// ``Traced/init(literal:)``), so recording on a literal always leaves the fast path, where
    /// ``Traced`` binds it to the other operand's tape or computes it at once.
    static let literalCore: Unmanaged<TapeCore> = {
        let core = TapeCore()
        core.serial.store(literalCoreSerial, ordering: .relaxed)
        return Unmanaged.passRetained(core)
    }()
    /// The high half of a NaN's bits that no literal holds (a literal NaN is stored as the one
    /// quiet NaN, `0x7FF8_0000_0000_0000`).
    static let literalCoreSerial: UInt32 = 0x7FF8_0001
}
