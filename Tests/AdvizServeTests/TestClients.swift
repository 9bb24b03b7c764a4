import BrowserDriver
import Foundation
import Hummingbird
import HTTPTypes
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOPosix
import NIOWebSocket
@testable import AdvizServe

// The server's tests talk to it without HummingbirdTesting, whose HTTP client (AsyncHTTPClient)
// brings a TLS stack (BoringSSL, NIOSSL, NIOHTTP2, swift-crypto) that took 40% of a fresh build:
// requests go straight to the router where no socket is needed, and over a plain socket or
// NIO's WebSocket client where one is.

/// An answer as a test reads it.
struct TestResponse: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: ByteBuffer
}

/// Sends requests and hands their answers to a test.
protocol TestHTTPClient: Sendable {
    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse
}

extension TestHTTPClient {
    /// Sends a request and returns what `check` makes of its answer.
    @discardableResult
    func execute<Return>(
        uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil,
        _ check: (TestResponse) async throws -> Return = { $0 }
    ) async throws -> Return {
        try await check(try await executeRequest(uri: uri, method: method, headers: headers, body: body))
    }
}

/// Requests handed to the server's router in process: no socket, no server running.
struct RouterClient<Responder: HTTPResponder>: TestHTTPClient where Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
    let responder: Responder

    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        var headers = headers
        if let body { headers[.contentLength] = String(body.readableBytes) }
        let request = Request(
            head: HTTPRequest(method: method, scheme: "http", authority: "localhost", path: uri, headerFields: headers),
            body: RequestBody(buffer: body ?? ByteBuffer())
        )
        var logger = Logger(label: "adviz-test")
        logger.logLevel = .critical
        let context = Responder.Context(source: ApplicationRequestContextSource(channel: NIOAsyncTestingChannel(), logger: logger))
        let response: Response
        do {
            response = try await responder.respond(to: request, context: context)
        } catch {
            response = Response(status: .internalServerError)
        }
        let collected = CollectedBody()
        try await response.body.write(collected)
        return TestResponse(status: response.status, headers: response.headers, body: collected.buffer)
    }
}

/// A response body gathered into one buffer.
final class CollectedBody: ResponseBodyWriter, @unchecked Sendable {
    private let lock = NSLock()
    private var bytes = ByteBuffer()
    var buffer: ByteBuffer { lock.withLock { bytes } }
    func write(_ buffer: ByteBuffer) async throws { lock.withLock { bytes.writeImmutableBuffer(buffer) } }
    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

/// Requests sent over a new TCP connection each, written and read byte for byte (the address is
/// sent as given: `/lessons/../x` reaches the server with its dots).
struct SocketClient: TestHTTPClient {
    let port: Int

    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        var head = "\(method.rawValue) \(uri) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for field in headers { head += "\(field.name.rawName): \(field.value)\r\n" }
        let content = body.map { String(buffer: $0) } ?? ""
        head += "Content-Length: \(content.utf8.count)\r\n\r\n" + content
        let port = self.port, request = head
        // The socket blocks: it waits on a thread of its own, not on the tasks the server runs on.
        let answer = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String, any Error>) in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    let connection = try RawConnection(port: port)
                    connection.send(request)
                    return connection.readToEnd()
                })
            }
        }
        return try Self.parse(answer)
    }

    /// An HTTP/1.1 answer read to its end: status, headers, body (a chunked body joined).
    static func parse(_ answer: String) throws -> TestResponse {
        guard let split = answer.range(of: "\r\n\r\n") else { throw RawConnection.RawFailure(description: "no answer: \(answer.prefix(200))") }
        let lines = answer[..<split.lowerBound].components(separatedBy: "\r\n")
        var headers = HTTPFields()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":"), let name = HTTPField.Name(String(line[..<colon])) else { continue }
            headers.append(HTTPField(name: name, value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var body = String(answer[split.upperBound...])
        if headers[.transferEncoding]?.contains("chunked") == true { body = unchunked(body) }
        return TestResponse(status: HTTPResponse.Status(code: statusCode(answer)), headers: headers, body: ByteBuffer(string: body))
    }

    static func unchunked(_ text: String) -> String {
        var rest = Substring(text)
        var out = ""
        while let end = rest.range(of: "\r\n"), let size = Int(rest[..<end.lowerBound], radix: 16), size > 0 {
            let start = rest.utf8.index(end.upperBound, offsetBy: 0)
            let stop = rest.utf8.index(start, offsetBy: size)
            out += String(rest[start..<stop])
            rest = rest[stop...].dropFirst(2)
        }
        return out
    }
}

/// Runs servers for tests.
enum TestServer {
    /// Runs `body` with a client that hands requests to `app`'s router.
    static func router<App: ApplicationProtocol, T>(_ app: App, _ body: (RouterClient<App.Responder>) async throws -> T) async throws -> T {
        try await body(RouterClient(responder: try await app.responder))
    }

    /// Runs `server` live on a free port for `body` (given the port), then stops it.
    static func live<T: Sendable>(_ server: ClassroomServer, _ body: @escaping @Sendable (Int) async throws -> T) async throws -> T {
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let app = server.application { port in
            portSink.yield(port)
            portSink.finish()
        }
        // The server reports its port once it listens; a server that cannot start ends the stream.
        let running = Task {
            defer { portSink.finish() }
            try await app.runService(gracefulShutdownSignals: [])
        }
        defer { running.cancel() }
        let port = await ports.first { _ in true }
        guard let port else { throw RawConnection.RawFailure(description: "the server did not start") }
        return try await body(port)
    }

    /// Runs `server` live with a socket client.
    static func liveClient<T: Sendable>(_ server: ClassroomServer, _ body: @escaping @Sendable (SocketClient) async throws -> T) async throws -> T {
        try await live(server) { port in try await body(SocketClient(port: port)) }
    }
}

/// Messages a handler received, read after it returns.
final class MessageBox: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []
    func append(_ text: String) { lock.withLock { messages.append(text) } }
    var count: Int { lock.withLock { messages.count } }
    var all: [String] { lock.withLock { messages } }
}
