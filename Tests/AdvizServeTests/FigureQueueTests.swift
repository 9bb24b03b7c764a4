import AdvizCore
import AdvizFigures
import Foundation
import Testing
@testable import AdvizServe

/// Figure work on one Graphviz thread (#29 finding 8): quick work before queued slow work,
/// cancelled work dropped unrun, a full queue refused, costly layouts sent to adviz's own.
@Suite struct FigureQueueTests {
    /// Waits (bounded) until `queue` has `count` jobs waiting.
    static func waitUntil(_ queue: FigureQueue, waiting count: Int) async throws {
        for _ in 0..<4000 where queue.waitingCount < count { try await Task.sleep(for: .milliseconds(2)) }
        #expect(queue.waitingCount == count)
    }

    /// The Graphviz thread busy with a job until the returned gate opens.
    static func blocked(_ queue: FigureQueue) async throws -> Gate {
        let gate = Gate()
        queue.submit(.quick) { _ in gate.wait() }
        for _ in 0..<4000 where !queue.isRunning { try await Task.sleep(for: .milliseconds(2)) }
        #expect(queue.isRunning)
        return gate
    }

    @Test func quickWorkGoesBeforeQueuedSlowWork() async throws {
        // Patience long enough that a loaded machine's waits never promote the slow job first.
        let queue = FigureQueue(patience: .seconds(600))
        let gate = try await Self.blocked(queue)
        let order = MessageBox()
        async let slow: Void = { _ = try await queue.run(.slow) { _ in order.append("slow") } }()
        try await Self.waitUntil(queue, waiting: 1)
        async let quick: Void = { _ = try await queue.run(.quick) { _ in order.append("quick") } }()
        try await Self.waitUntil(queue, waiting: 2)
        gate.open()
        _ = try await (slow, quick)
        #expect(order.all == ["quick", "slow"])
    }

    @Test func cancelledWorkIsDroppedUnrun() async throws {
        let queue = FigureQueue()
        let gate = try await Self.blocked(queue)
        let ran = MessageBox()
        let waiting = Task { try await queue.run(.slow) { _ in ran.append("ran") } }
        try await Self.waitUntil(queue, waiting: 1)
        waiting.cancel()
        await #expect(throws: ExploreError.clientGone) { try await waiting.value }
        #expect(queue.droppedCount == 1)
        gate.open()
        await queue.settled()
        #expect(ran.all.isEmpty)
        // Work whose task was cancelled before it was queued never runs either.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await queue.run(.quick) { _ in ran.append("ran") }
        }
        await #expect(throws: ExploreError.clientGone) { try await early.value }
        #expect(ran.all.isEmpty)
    }

    @Test func aFullQueueIsRefusedAtOnce() async throws {
        let queue = FigureQueue(capacity: 2)
        let gate = try await Self.blocked(queue)
        let first = Task { try await queue.run(.slow) { _ in 1 } }
        let second = Task { try await queue.run(.slow) { _ in 2 } }
        try await Self.waitUntil(queue, waiting: 2)
        do {
            _ = try await queue.run(.slow) { _ in 3 }
            Issue.record("a third slow job was queued past the capacity")
        } catch {
            #expect(error.status == 503)
        }
        gate.open()
        #expect(try await first.value == 1)
        #expect(try await second.value == 2)
    }

    /// Steps drawn ahead never fill the queue for the requests a student waits for.
    @Test func drawingAheadNeverCrowdsOutRequests() async throws {
        let queue = FigureQueue(capacity: 2)
        let gate = try await Self.blocked(queue)
        let ahead = MessageBox()
        for _ in 0..<20 { queue.submit(.background) { _ in ahead.append("ahead") } }
        #expect(queue.waitingCount == queue.backgroundCapacity)
        let asked = Task { try await queue.run(.slow) { _ in 1 } }
        try await Self.waitUntil(queue, waiting: queue.backgroundCapacity + 1)
        gate.open()
        #expect(try await asked.value == 1)
        await queue.settled()
        #expect(ahead.count == queue.backgroundCapacity)
    }

    /// `tan(x0)+tan(x1)+…` of 385 terms took dot 57 s: its long edges across hundreds of ranks
    /// make it costly though it has fewer than 400 nodes; adviz's own layout places it.
    @Test func aCostlyLayoutGoesToAdvizsOwnLayout() throws {
        let long = (0..<385).map { "tan(x\($0))" }.joined(separator: "+")
        let trace = try Trace(expression: long, at: Array(repeating: "1", count: 385).joined(separator: ","))
        let figure = try GraphFigure(trace, options: FigureChoice().options)
        #expect(figure.usesLayeredLayout)
        let small = try GraphFigure(try Trace(expression: "log(x1*x2)+sin(x2)", at: "2,5"), options: FigureChoice().options)
        #expect(!small.usesLayeredLayout)
        let neuron = try GraphFigure(try Trace(expression: "n = x1*w1 + x2*w2 + b; o = tanh(n)", at: "1,2,3,4,5"), options: FigureChoice().options)
        #expect(!neuron.usesLayeredLayout)
    }

    /// The kept steps and layouts stay within their bounds however many programs are drawn.
    @Test func theCachesAreBounded() async throws {
        let service = FigureService(capacity: 4, nodeBudget: 200)
        for k in 0..<40 {
            let request = ExploreRequest(program: "sin(x1*\(k + 2)) + x1*x2", at: "2,5")
            _ = try await service.svg(request, choice: FigureChoice(), step: 1)
            _ = try await service.svg(ExploreRequest(program: request.program, at: "3,\(k)"), choice: FigureChoice(), step: 2)
        }
        await service.settled()
        let kept = service.kept
        #expect(kept.layouts <= 4)
        #expect(kept.layoutNodes <= 200)
        #expect(kept.steps <= 600)
        // Forty programs, each laid out once at least (a step drawn ahead may lay out an evicted one again).
        #expect(service.layoutCount >= 40)
    }
}
