import AdvizCore
import AdvizFigures
import Foundation

/// The layouts the figure service keeps: the most recently used programs', bounded by count and
/// by the figure nodes they hold (a figure's memory grows with its nodes; Graphviz's graph too).
///
/// Layouts and their renderers are used only on the ``FigureQueue``'s thread; the lock guards the
/// table so that other threads can ask whether a layout is kept and how much is kept.
final class LayoutStore: @unchecked Sendable {
    // Safety: `entries`, `clock` and `nodes` are read and written with `lock` held; a renderer
    // taken out of an entry is used on the queue's thread only.

    /// What a layout depends on: the program and how it is drawn, not the point or the seeds.
    private struct Key: Hashable {
        var program: String
        var outputs: [String]
        var precision: Int
        var choice: FigureChoice

        init(_ request: ExploreRequest, _ choice: FigureChoice) {
            program = request.program
            outputs = request.outputs
            precision = request.precision
            self.choice = choice
        }
    }

    /// One program's layout, the request it was laid out for, and the figures of other points drawn on it.
    private struct Entry {
        var renderer: FigureRenderer
        var request: ExploreRequest
        var others: [ExploreRequest: GraphFigure] = [:]
        var nodesPerFigure: Int
        var used: UInt64
        /// The figure nodes this entry holds: the layout's and every other point's figure.
        var nodes: Int { nodesPerFigure * (1 + others.count) }
    }

    private let lock = NSLock()
    private var entries: [Key: Entry] = [:]
    private var clock: UInt64 = 0
    private var nodes = 0
    private let capacity: Int
    private let nodeBudget: Int
    /// The most other points' figures kept per layout.
    private let othersPerLayout = 16

    init(capacity: Int, nodeBudget: Int) {
        self.capacity = capacity
        self.nodeBudget = nodeBudget
    }

    /// How many layouts are kept, and their figure nodes.
    var size: (layouts: Int, nodes: Int) { lock.withLock { (entries.count, nodes) } }

    /// Whether the program of `request` drawn as `choice` has a kept layout.
    func isKept(_ request: ExploreRequest, _ choice: FigureChoice) -> Bool {
        lock.withLock { entries[Key(request, choice)] != nil }
    }

    /// The kept layout for `request` and the figure of `request` to draw on it (made by `make`
    /// the first time this point is asked for), or nil when no layout is kept.
    func kept(
        _ request: ExploreRequest, _ choice: FigureChoice, make: () throws(ExploreError) -> GraphFigure
    ) throws(ExploreError) -> (FigureRenderer, GraphFigure)? {
        let key = Key(request, choice)
        let found: (FigureRenderer, GraphFigure?)? = lock.withLock {
            clock += 1
            guard var entry = entries[key] else { return nil }
            entry.used = clock
            entries[key] = entry
            return (entry.renderer, entry.request == request ? entry.renderer.figure : entry.others[request])
        }
        guard let found else { return nil }
        let (renderer, figure) = found
        if let figure { return (renderer, figure) }
        let made = try make()
        lock.withLock {
            guard var entry = entries[key] else { return }
            nodes -= entry.nodes
            if entry.others.count >= othersPerLayout { entry.others.removeAll() }
            entry.others[request] = made
            nodes += entry.nodes
            entries[key] = entry
            evict()
        }
        return (renderer, made)
    }

    /// Keeps `renderer`, laid out for `layoutRequest`, with `figure` of `request` drawn on it.
    func keep(_ renderer: FigureRenderer, laidOutFor layoutRequest: ExploreRequest, _ request: ExploreRequest, _ figure: GraphFigure, _ choice: FigureChoice) {
        lock.withLock {
            clock += 1
            let key = Key(request, choice)
            if let old = entries[key] { nodes -= old.nodes }
            let entry = Entry(renderer: renderer, request: layoutRequest, others: [request: figure], nodesPerFigure: Swift.max(1, figure.trace.graph.nodes.count), used: clock)
            entries[key] = entry
            nodes += entry.nodes
            evict()
        }
    }

    /// Drops the least recently used layouts until the count and the nodes are within bounds
    /// (the one just used stays); call with the lock held.
    private func evict() {
        while entries.count > 1, entries.count > capacity || nodes > nodeBudget {
            guard let oldest = entries.min(by: { $0.value.used < $1.value.used }) else { return }
            nodes -= oldest.value.nodes
            entries[oldest.key] = nil
        }
    }
}

/// A least-recently-used table bounded by its count and by the bytes of what it holds.
struct BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private var values: [Key: (value: Value, bytes: Int, used: UInt64)] = [:]
    private var clock: UInt64 = 0
    /// The bytes held, as the callers counted them.
    private(set) var bytes = 0
    let maximumCount: Int
    let maximumBytes: Int

    init(maximumCount: Int, maximumBytes: Int) {
        self.maximumCount = maximumCount
        self.maximumBytes = maximumBytes
    }

    /// How many values are kept.
    var count: Int { values.count }

    /// The value for `key`, if kept (without marking it used: reads are frequent and the order
    /// of insertion is a good enough age for steps a student walks through).
    subscript(key: Key) -> Value? { values[key]?.value }

    /// Keeps `value` of `bytes` bytes, dropping the least recently inserted values past the bounds.
    /// A value larger than the whole budget is not kept.
    mutating func insert(_ value: Value, forKey key: Key, bytes size: Int) {
        guard size <= maximumBytes else { return }
        clock += 1
        if let old = values.updateValue((value, size, clock), forKey: key) { bytes -= old.bytes }
        bytes += size
        guard values.count > maximumCount || bytes > maximumBytes else { return }
        // Evict the oldest quarter at once: an eviction scans the table.
        let ordered = values.sorted { $0.value.used < $1.value.used }
        var k = 0
        while k < ordered.count - 1, values.count > maximumCount * 3 / 4 || bytes > maximumBytes * 3 / 4 {
            bytes -= ordered[k].value.bytes
            values[ordered[k].key] = nil
            k += 1
        }
    }
}
