import AdvizCore
import Foundation
import Hummingbird
import NIOCore
import Testing
@testable import AdvizServe

/// The server under hostile or careless clients (#29 findings 8, 10, 14; #27's long address):
/// every request is answered or closed in bounded time, a gone client's work is dropped, and the
/// server keeps answering.
@Suite(.serialized) struct ServerLimitsTests {
    /// Runs a live server with `configure`d options on a free port for `body`, then stops it.
    static func withServer<T: Sendable>(
        _ configure: (inout ServeOptions) -> Void = { _ in },
        _ body: @escaping @Sendable (ClassroomServer, Int) async throws -> T
    ) async throws -> T {
        var options = ServeOptions()
        options.port = 0
        options.token = "test-token"
        options.quiet = true
        configure(&options)
        let server = ClassroomServer(options: options)
        return try await TestServer.live(server) { port in try await body(server, port) }
    }

    /// A plain request on a new connection: the server still answers.
    static func stillAnswers(_ port: Int) throws -> Bool {
        let connection = try RawConnection(port: port)
        connection.send("GET /api/trace?program=x1*x2&at=2,5 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let answer = connection.readToEnd()
        return statusCode(answer) == 200 && answer.contains("\"value\"")
    }

    @Test func anAddressTooLongIsAnswered414AtOnce() async throws {
        try await Self.withServer { _, port in
            for length in [70_000, 1 << 20] {
                let connection = try RawConnection(port: port)
                connection.send("GET /api/trace?program=" + String(repeating: "x%2B", count: length / 4) + "x&at=1 HTTP/1.1\r\nHost: x\r\n\r\n")
                let answer = connection.readToEnd()
                #expect(statusCode(answer) == 414, "\(length): \(answer.prefix(200))")
                #expect(answer.contains("POST"))
            }
            #expect(try Self.stillAnswers(port))
        }
    }

    @Test func headersTooLargeAreAnswered431() async throws {
        try await Self.withServer { _, port in
            let connection = try RawConnection(port: port)
            connection.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "a", count: 100_000) + "\r\n\r\n")
            let answer = connection.readToEnd()
            #expect(statusCode(answer) == 431, "\(answer.prefix(200))")
            #expect(try Self.stillAnswers(port))
        }
    }

    @Test func aSlowClientIsTimedOut() async throws {
        try await Self.withServer({ $0.limits.requestTimeout = .milliseconds(300) }) { _, port in
            // Half a head, then nothing: answered 408 and closed.
            let half = try RawConnection(port: port)
            half.send("GET / HTTP/1.1\r\nHost: x\r\n")
            let (closed, answer) = half.serverClosed()
            #expect(closed)
            #expect(statusCode(answer) == 408, "\(answer.prefix(200))")
            // A socket that sends nothing at all: closed too.
            let silent = try RawConnection(port: port)
            #expect(silent.serverClosed().closed)
            // A body that stops halfway: closed.
            let body = try RawConnection(port: port)
            body.send("POST /api/trace HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"program\"")
            #expect(body.serverClosed().closed)
            #expect(try Self.stillAnswers(port))
        }
    }

    @Test func headIsAnsweredOnEveryGetRoute() async throws {
        try await Self.withServer { _, port in
            for path in ["/", "/lessons/", "/api/lessons", "/api/trace?program=x1*x2&at=2,5", "/follow"] {
                let get = try RawConnection(port: port)
                get.send("GET \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                let full = get.readToEnd()
                let head = try RawConnection(port: port)
                head.send("HEAD \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                let answer = head.readToEnd()
                #expect(statusCode(answer) == 200, "\(path): \(answer.prefix(200))")
                let parts = answer.components(separatedBy: "\r\n\r\n")
                #expect(parts.count == 2 && parts[1].isEmpty, "\(path): HEAD sent a body")
                let getBody = full.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
                #expect(answer.lowercased().contains("content-length: \(getBody.utf8.count)"), "\(path): \(answer)")
            }
        }
    }

    /// A client that leaves while its figure waits: the work is dropped, never run.
    @Test func aGoneClientsFigureIsDropped() async throws {
        try await Self.withServer { server, port in
            let queue = server.figures.queue
            let gate = Gate()
            // The Graphviz thread is busy with something else until the gate opens.
            queue.submit(.quick) { _ in gate.wait() }
            for _ in 0..<2000 where !queue.isRunning { try await Task.sleep(for: .milliseconds(5)) }
            let connection = try RawConnection(port: port)
            connection.send("GET /api/figure.svg?program=sin(x1)*x2&at=2,5 HTTP/1.1\r\nHost: x\r\n\r\n")
            for _ in 0..<2000 where queue.waitingCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
            #expect(queue.waitingCount == 1)
            connection.close()
            for _ in 0..<2000 where queue.droppedCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
            #expect(queue.droppedCount == 1)
            gate.open()
            await queue.settled()
            #expect(server.figures.layoutCount == 0)
            #expect(try Self.stillAnswers(port))
        }
    }

    @Test func queriesAsPeopleWriteThem() async throws {
        try await Self.withServer { _, port in
            for query in [
                "program=y+%3D+x1+*+x2&at=x1%3D2%2Cx2%3D5",  // Python's urlencode
                "program=y%20=%20x1*x2&at=x1=2,x2=5",  // the command line's point
                "program=x1*x2&at=2,5",  // positional
            ] {
                let connection = try RawConnection(port: port)
                connection.send("GET /api/trace?\(query) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                let answer = connection.readToEnd()
                #expect(statusCode(answer) == 200, "\(query): \(answer.suffix(300))")
                #expect(answer.contains("\"value\": 10,"), "\(query): \(answer.prefix(600))")
            }
        }
    }
}

/// A gate a queued job waits at until a test opens it.
final class Gate: @unchecked Sendable {
    private let condition = NSCondition()
    private var isOpen = false
    func wait() { condition.withLock { while !isOpen { condition.wait() } } }
    func open() { condition.withLock { isOpen = true; condition.broadcast() } }
}
