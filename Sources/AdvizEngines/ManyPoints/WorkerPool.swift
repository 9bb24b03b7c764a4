import Foundation
import Synchronization

/// Threads that live as long as the process and share the points of a kernel call.
///
/// `DispatchQueue.concurrentPerform` wakes its threads for every call: on a 2-core machine the
/// second thread started about 40 µs late, the caller woke 17–35 µs after the last chunk, and
/// some calls ran on one thread (50–110 µs lost per call, where a call of the compiled polynomial
/// takes 400 µs). These workers spin for a short while after a job (``spinSeconds``), so a call
/// that follows finds them awake, then park on a semaphore so an idle process burns nothing.
///
/// A call splits the points into blocks (multiples of 8 points: 64 bytes of Doubles, so no two
/// threads write one cache line) that the caller and the workers claim one at a time: a thread
/// the machine delays takes fewer blocks. The counter that hands out blocks carries the job's
/// number, so a worker that wakes late can never take a block of the next job. One call at a
/// time uses the pool; a call that finds it busy (two requests of a server at once) runs on
/// `concurrentPerform` as before.
package final class WorkerPool: @unchecked Sendable {
    /// One worker per core beyond the caller's.
    package static let shared = WorkerPool(workers: Swift.max(0, ProcessInfo.processInfo.activeProcessorCount - 1))

    /// How long a worker spins for the next job before it parks.
    package static let spinSeconds = 100e-6

    /// The number of worker threads (the caller is one more).
    package let workerCount: Int

    /// The job's number (bits 40 and up), its number of blocks (bits 20–39) and the next block to claim (bits 0–19).
    private let claims = Atomic<Int>(0)
    /// How many workers take part in the current job (the caller asked for this many threads, less itself).
    private let helpers = Atomic<Int>(0)
    /// Blocks of the current job finished.
    private let finished = Atomic<Int>(0)
    /// Whether a call is using the pool.
    private let busy = Atomic<Bool>(false)
    /// The current job: written by the caller before it publishes the job's number in `claims`,
    /// read by a worker only after it claimed a block of that job (so the job cannot change under it).
    private var job = Job(blockSize: 0, count: 0, body: { _ in })
    private let workers: [Worker]

    private struct Job {
        var blockSize: Int
        var count: Int
        var body: @Sendable (Range<Int>) -> Void
    }

    /// A worker's parking place.
    private final class Worker: Sendable {
        /// True while the worker sleeps (or is about to) on `wake`.
        let parked = Atomic<Bool>(false)
        let wake = DispatchSemaphore(value: 0)
    }

    /// A pool of `workers` threads, started at once.
    package init(workers: Int) {
        workerCount = workers
        self.workers = (0..<workers).map { _ in Worker() }
        for index in 0..<workers {
            let thread = Thread { [self] in self.work(index) }
            thread.name = "adviz-kernel-\(index)"
            thread.start()
        }
    }

    /// Runs `body` over `0..<count` in blocks, on the caller and up to `threads − 1` workers; returns when every block is done.
    package func run(count: Int, threads: Int, body: @escaping @Sendable (Range<Int>) -> Void) {
        let helpers = Swift.min(workerCount, threads - 1)
        guard count > 0 else { return }
        guard helpers > 0, busy.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            if helpers > 0 {  // busy: another call has the workers
                let per = (count + threads - 1) / threads
                DispatchQueue.concurrentPerform(iterations: threads) { k in
                    let range = Swift.min(count, k * per)..<Swift.min(count, (k + 1) * per)
                    if !range.isEmpty { body(range) }
                }
            } else {
                body(0..<count)
            }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        // About four blocks per thread: enough to even out a late thread, few enough that claiming costs nothing.
        let participants = helpers + 1
        var blockSize = (count + 4 * participants - 1) / (4 * participants)
        blockSize = Swift.max(1024, (blockSize + 7) / 8 * 8)
        let blocks = (count + blockSize - 1) / blockSize  // at most 4 per thread: far below 2²⁰
        let number = (claims.load(ordering: .relaxed) >> 40) + 1
        job = Job(blockSize: blockSize, count: count, body: body)
        finished.store(0, ordering: .relaxed)
        self.helpers.store(helpers, ordering: .relaxed)
        claims.store(number << 40 | blocks << 20, ordering: .sequentiallyConsistent)  // publishes the job
        for worker in workers.prefix(helpers) where worker.parked.compareExchange(expected: true, desired: false, ordering: .sequentiallyConsistent).exchanged {
            worker.wake.signal()
        }
        var done = runBlocks(number)
        // The last blocks may still be running on workers: wait for them, yielding the core if they are slow.
        var spins = 0
        while done < blocks {
            done = finished.load(ordering: .acquiring)
            spins += 1
            if spins > 2000 { sched_yield() }
        }
    }

    /// Claims and runs blocks of job `number` until none is left; the number of blocks finished when it stopped.
    private func runBlocks(_ number: Int) -> Int {
        var current = claims.load(ordering: .acquiring)
        var done = 0
        // A block is claimed only while one is left, so a thread holding one holds up the job's end,
        // and the job it reads cannot be replaced under it.
        while current >> 40 == number, current & 0xfffff < (current >> 20) & 0xfffff {
            let (exchanged, original) = claims.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            guard exchanged else {
                current = original
                continue
            }
            let block = current & 0xfffff
            let job = self.job
            job.body(block * job.blockSize..<Swift.min(job.count, (block + 1) * job.blockSize))
            done = finished.add(1, ordering: .acquiringAndReleasing).newValue
            current = current + 1
        }
        return done
    }

    /// A worker's life: wait for a job (spinning, then parked), help with it, repeat.
    private func work(_ index: Int) {
        let me = workers[index]
        var seen = 0
        while true {
            var number = claims.load(ordering: .acquiring) >> 40
            if number == seen {
                let start = ContinuousClock.now
                var spins = 0
                while number == seen {
                    spins += 1
                    if spins & 255 == 0, (ContinuousClock.now - start) > .microseconds(Int(WorkerPool.spinSeconds * 1e6)) {
                        park(me, seen: seen)
                        spins = 0
                    }
                    number = claims.load(ordering: .acquiring) >> 40
                }
            }
            seen = number
            // (A stale count read here only makes a worker look for a block that is not there.)
            if index < helpers.load(ordering: .relaxed) { _ = runBlocks(number) }
        }
    }

    /// Sleeps until a caller wakes this worker, unless a job came in the meantime.
    private func park(_ worker: Worker, seen: Int) {
        worker.parked.store(true, ordering: .sequentiallyConsistent)
        if claims.load(ordering: .sequentiallyConsistent) >> 40 != seen {
            // A job came: take back the parking, unless a caller already did (then its signal is owed to us).
            if worker.parked.compareExchange(expected: true, desired: false, ordering: .sequentiallyConsistent).exchanged { return }
        }
        worker.wake.wait()
    }
}
