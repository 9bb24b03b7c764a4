import Foundation

/// The one thread the classroom server calls Graphviz on, and the queue of figure work waiting for it.
///
/// Graphviz cannot lay out two graphs at once in one process: libgvc keeps a layout's attribute
/// handles (`N_style`, `E_label`, …) and its plugin caches in process-wide variables, so two
/// contexts on two threads corrupt each other (GraphvizKit serializes every call behind one lock).
/// A pool of Graphviz threads would only queue on that lock; instead the server keeps the work in
/// a queue it controls, so that:
/// - small work goes first: a job is *quick* (a step restyled on a kept layout, a small layout) or
///   *slow* (a layout of many nodes), and a quick job never waits behind queued slow ones, only
///   behind the one running, whose time the layout budget bounds (``GraphFigure/layoutCost``);
/// - work whose client left is dropped unrun, and a job that has started is told so (``Job/isCancelled``),
///   to skip what is left of it;
/// - the queue is bounded: past ``capacity`` waiting jobs a request is answered 503 at once;
/// - Graphviz runs on a thread of its own with a large stack, never on Swift's cooperative pool
///   (a layout of seconds would take one of the machine's few pool threads away from every request).
final class FigureQueue: @unchecked Sendable {
    // Safety: every stored property is read and written with `condition` locked.

    /// How much work a job is, for its place in the queue.
    enum Weight: Int, Comparable, Sendable {
        /// A restyle, a cached layout, a small graph: milliseconds.
        case quick = 0
        /// A layout of a big graph: up to the layout budget.
        case slow = 1
        /// Drawing ahead for a student who may never ask: only when nothing else waits.
        case background = 2

        static func < (a: Weight, b: Weight) -> Bool { a.rawValue < b.rawValue }
    }

    /// What a job's work can ask while it runs.
    struct Job: Sendable {
        fileprivate let id: UInt64
        fileprivate let queue: FigureQueue
        /// True once the request that asked for this work is gone (its client left).
        var isCancelled: Bool { queue.isCancelled(id) }
    }

    private struct Entry {
        var id: UInt64
        var weight: Weight
        var queued = ContinuousClock.now
        var run: () -> Void
        var drop: () -> Void
    }

    private let condition = NSCondition()
    private var waiting: [Entry] = []
    private var cancelled: Set<UInt64> = []
    private var runningID: UInt64?
    private var nextID: UInt64 = 1
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    private var started = false

    /// The most jobs that may wait; more are refused (503) rather than queued for minutes.
    let capacity: Int
    /// The most steps drawn ahead that may wait; more are not drawn (nobody asked for them yet).
    let backgroundCapacity = 8
    /// A slow job that has waited this long goes before quick ones: a stream of small figures
    /// never starves a lesson build or a big layout.
    let patience: Duration
    /// How many jobs wait (for tests).
    var waitingCount: Int { condition.withLock { waiting.count } }
    /// Whether a job runs now (for tests).
    var isRunning: Bool { condition.withLock { runningID != nil } }
    /// Jobs dropped unrun because their request was cancelled (for tests and the log).
    var droppedCount: Int { condition.withLock { dropped } }
    private var dropped = 0

    /// A queue of at most `capacity` waiting jobs; a slow job waits at most `patience` behind quick ones.
    init(capacity: Int = 64, patience: Duration = .seconds(2)) {
        self.capacity = capacity
        self.patience = patience
    }

    /// Runs `work` on the Graphviz thread after the jobs ahead of it, and returns its result.
    ///
    /// If the calling task is cancelled while the job waits, the job is dropped and this throws
    /// ``ExploreError/clientGone``; if it is cancelled while the job runs, `work` sees
    /// ``Job/isCancelled`` and may stop early. A full queue throws a 503 at once.
    func run<T: Sendable>(_ weight: Weight, _ work: @escaping @Sendable (Job) throws(ExploreError) -> T) async throws(ExploreError) -> T {
        let id = condition.withLock { () -> UInt64 in
            defer { nextID += 1 }
            return nextID
        }
        let job = Job(id: id, queue: self)
        let result: Result<T, ExploreError> = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, ExploreError>, Never>) in
                let entry = Entry(
                    id: id, weight: weight,
                    run: { continuation.resume(returning: Result { () throws(ExploreError) -> T in try work(job) }) },
                    drop: { continuation.resume(returning: .failure(.clientGone)) }
                )
                if let refused = enqueue(entry) { continuation.resume(returning: .failure(refused)) }
            }
        } onCancel: {
            cancel(id)
        }
        // A cancellation that came as the job finished leaves nothing behind.
        condition.withLock { _ = cancelled.remove(id) }
        return try result.get()
    }

    /// Queues `work` without waiting for it (drawing ahead); it is dropped if the queue is full.
    func submit(_ weight: Weight, _ work: @escaping @Sendable (Job) -> Void) {
        let id = condition.withLock { () -> UInt64 in
            defer { nextID += 1 }
            return nextID
        }
        let job = Job(id: id, queue: self)
        _ = enqueue(Entry(id: id, weight: weight, run: { work(job) }, drop: {}))
    }

    /// Waits until no job waits or runs (tests: the step drawn ahead is there).
    func settled() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = condition.withLock { () -> Bool in
                if waiting.isEmpty && runningID == nil { return true }
                idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    /// Adds `entry` to the queue; an error if it cannot wait (the queue is full, or its request is gone).
    private func enqueue(_ entry: Entry) -> ExploreError? {
        condition.lock()
        defer { condition.unlock() }
        if cancelled.remove(entry.id) != nil {
            dropped += 1
            return .clientGone
        }
        let background = waiting.reduce(0) { $0 + ($1.weight == .background ? 1 : 0) }
        if entry.weight == .background {
            guard background < backgroundCapacity else { return ExploreError(status: 503, message: "enough steps are being drawn ahead") }
        } else {
            let asked = waiting.count - background
            guard asked < capacity || entry.weight == .quick && asked < 2 * capacity else {
                return ExploreError(status: 503, message: "the figure service is busy (\(asked) figures waiting); try again in a moment")
            }
        }
        waiting.append(entry)
        if !started {
            started = true
            let thread = Thread { [self] in work() }
            thread.name = "adviz-graphviz"
            // dot recurses over the graph: more stack than a secondary thread's default.
            thread.stackSize = 16 << 20
            thread.start()
        }
        condition.signal()
        return nil
    }

    /// Marks job `id` cancelled: dropped if it waits, told so if it runs, refused if not yet queued.
    private func cancel(_ id: UInt64) {
        condition.lock()
        if let index = waiting.firstIndex(where: { $0.id == id }) {
            let entry = waiting.remove(at: index)
            dropped += 1
            let waiters = takeIdleWaitersIfIdle()
            condition.unlock()
            entry.drop()
            for waiter in waiters { waiter.resume() }
            return
        }
        cancelled.insert(id)
        condition.unlock()
    }

    fileprivate func isCancelled(_ id: UInt64) -> Bool {
        condition.withLock { cancelled.contains(id) }
    }

    /// The waiters for an idle queue, taken if it is idle now; call with the lock held.
    private func takeIdleWaitersIfIdle() -> [CheckedContinuation<Void, Never>] {
        guard waiting.isEmpty, runningID == nil else { return [] }
        defer { idleWaiters.removeAll() }
        return idleWaiters
    }

    /// The Graphviz thread: the lightest waiting job first (in arrival order among equals; a slow
    /// job that has waited past ``patience`` counts as quick), forever.
    private func work() {
        while true {
            condition.lock()
            while waiting.isEmpty { condition.wait() }
            let now = ContinuousClock.now
            func weight(_ entry: Entry) -> Weight { entry.weight == .slow && now - entry.queued > patience ? .quick : entry.weight }
            var best = 0
            for k in waiting.indices.dropFirst() where weight(waiting[k]) < weight(waiting[best]) { best = k }
            let entry = waiting.remove(at: best)
            runningID = entry.id
            condition.unlock()
            entry.run()
            condition.lock()
            runningID = nil
            cancelled.remove(entry.id)
            let waiters = takeIdleWaitersIfIdle()
            condition.unlock()
            for waiter in waiters { waiter.resume() }
        }
    }
}
