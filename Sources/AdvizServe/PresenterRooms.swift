import Foundation
import HummingbirdWebSocket

/// Presenter mode: a teacher's page drives the step-through, and every student's page that
/// follows the room's code moves with it.
///
/// The teacher's page holds the server's presenter token (printed when the server starts) and
/// opens a room; it sends its state (program, point, mode, step) as a small JSON text whenever it
/// changes. The room keeps the latest state, so a student who joins late, or rejoins after
/// exploring on their own, lands where the class is.
public actor PresenterRooms {
    /// One room: the latest state the presenter sent and the followers' sockets.
    private struct Room {
        var state: String?
        var followers: [UUID: WebSocketOutboundWriter] = [:]
        var presenters: [UUID: WebSocketOutboundWriter] = [:]
        var opened = Date()
    }

    private var rooms: [String: Room] = [:]
    /// Who waits for a room to have followers (``waitForFollowers(_:atLeast:)``).
    private var followerWaits: [(code: String, count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    /// The most rooms open at once (a class, a few teachers); a new one past it closes the oldest.
    private let capacity = 64
    /// The token a presenter's page shows to open a room and drive it.
    public nonisolated let token: String

    /// Rooms that accept `token` from presenters.
    public init(token: String) {
        self.token = token
    }

    /// A new presenter token: 12 characters, hard to guess, easy to copy.
    public static func makeToken() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<12).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }

    /// Opens a room and returns its code: four capital letters, none that reads as another
    /// (no I, O, 0, 1), to be read off a projector and typed on a phone.
    public func open() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ")
        var generator = SystemRandomNumberGenerator()
        var code: String
        repeat {
            code = String((0..<4).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
        } while rooms[code] != nil
        if rooms.count >= capacity, let oldest = rooms.min(by: { $0.value.opened < $1.value.opened })?.key {
            rooms[oldest] = nil
        }
        rooms[code] = Room()
        return code
    }

    /// True if a room with `code` is open.
    public func exists(_ code: String) -> Bool { rooms[code] != nil }

    /// The latest state of room `code`, if its presenter has sent one.
    public func state(of code: String) -> String? { rooms[code]?.state }

    /// How many pages follow room `code`.
    public func followerCount(_ code: String) -> Int { rooms[code]?.followers.count ?? 0 }

    /// Adds a follower's socket to room `code` and sends it the room's latest state; false if there is no such room.
    func join(_ code: String, id: UUID, outbound: WebSocketOutboundWriter) async -> Bool {
        guard rooms[code] != nil else { return false }
        rooms[code]!.followers[id] = outbound
        wakeFollowerWaits()
        if let state = rooms[code]!.state { try? await outbound.write(.text(state)) }
        await tellPresenters(code)
        return true
    }

    /// Returns once room `code` has at least `count` followers: a test waits on this, not on a clock.
    func waitForFollowers(_ code: String, atLeast count: Int) async {
        guard followerCount(code) < count else { return }
        await withCheckedContinuation { followerWaits.append((code, count, $0)) }
    }

    private func wakeFollowerWaits() {
        let (ready, waiting) = (followerWaits.filter { followerCount($0.code) >= $0.count }, followerWaits.filter { followerCount($0.code) < $0.count })
        followerWaits = waiting
        for wait in ready { wait.continuation.resume() }
    }

    /// Removes a follower.
    func leave(_ code: String, id: UUID) async {
        rooms[code]?.followers[id] = nil
        await tellPresenters(code)
    }

    /// Adds a presenter's socket (a teacher may drive from two devices).
    func present(_ code: String, id: UUID, outbound: WebSocketOutboundWriter) async -> Bool {
        guard rooms[code] != nil else { return false }
        rooms[code]!.presenters[id] = outbound
        await tellPresenters(code)
        return true
    }

    /// Removes a presenter's socket; the room stays open for a reconnect.
    func stopPresenting(_ code: String, id: UUID) {
        rooms[code]?.presenters[id] = nil
    }

    /// Keeps `state` as the room's and sends it to every follower and the other presenters; returns how many received it.
    @discardableResult
    func broadcast(_ code: String, state: String, from sender: UUID? = nil) async -> Int {
        guard rooms[code] != nil else { return 0 }
        rooms[code]!.state = state
        let targets = Array(rooms[code]!.followers.values) + rooms[code]!.presenters.filter { $0.key != sender }.map(\.value)
        // Every socket is written concurrently: one slow phone does not hold the class back.
        return await withTaskGroup(of: Bool.self) { group in
            for outbound in targets {
                group.addTask { (try? await outbound.write(.text(state))) != nil }
            }
            var delivered = 0
            for await ok in group where ok { delivered += 1 }
            return delivered
        }
    }

    /// Tells the room's presenters how many follow: `{"followers": n}`.
    private func tellPresenters(_ code: String) async {
        guard let room = rooms[code] else { return }
        let message = "{\"followers\": \(room.followers.count)}"
        for outbound in room.presenters.values { try? await outbound.write(.text(message)) }
    }
}
