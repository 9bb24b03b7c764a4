import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1

/// How long the server waits for a client, and how long a request line may be.
public struct ConnectionLimits: Sendable {
    /// A request's head (its line and headers) must arrive within this time of its first byte
    /// (of the connection opening, for the first request), and each part of its body within this
    /// time of the one before; otherwise the connection is closed (408 when no answer started).
    public var requestTimeout: TimeAmount = .seconds(10)
    /// A kept-alive connection that starts no new request within this time is closed.
    public var idleTimeout: TimeAmount = .seconds(30)
    /// The longest request line (method, address, version) read: a longer one is answered 414
    /// at once. Below NIO's limit on the whole head (80 KB), past which the answer is 431.
    public var maximumRequestLine = 64 * 1024

    /// The defaults: 10 s for a request to arrive, 30 s of idle keep-alive, 64 KB lines.
    public init() {}
}

/// Hummingbird's HTTP/1 and WebSocket channel with two guards in front of it (see ``RequestGuard``).
struct GuardedHTTPChannel: ServerChildChannel {
    typealias Value = HTTP1WebSocketUpgradeChannel.Value
    let base: HTTP1WebSocketUpgradeChannel
    let limits: ConnectionLimits

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            try RequestGuard.install(on: channel, limits)
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        // A connection the guards close before its first request is read (a slow client, a 414)
        // fails the WebSocket negotiation, which Hummingbird would log as an error on the
        // teacher's terminal for every such client; requests log through their own context.
        var quiet = logger
        quiet.logLevel = .critical
        await base.handle(value: value, logger: quiet)
    }
}

/// Guards a connection where Hummingbird does not:
/// - a request that arrives too slowly (a head or body trickling in, a socket that sends nothing)
///   is closed after ``ConnectionLimits/requestTimeout``; Hummingbird's idle timeout only starts
///   once the first request has been read;
/// - a head NIO cannot read (too long, malformed) is answered at once — 414 for a request line
///   over ``ConnectionLimits/maximumRequestLine``, 431 for headers over NIO's 80 KB, 400 otherwise —
///   where the WebSocket upgrade's pipeline would drop the error and leave the client waiting;
/// - a client that closes its side while its request runs is taken as gone: the connection is
///   closed, so the request's work is cancelled (``ClassroomContext``).
///
/// It sits right after NIO's HTTP decoder (its parts are NIO's), and removes itself and its line
/// guard when a WebSocket upgrade is asked for: a socket's frames are not HTTP.
final class RequestGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum Phase {
        /// Waiting for a request: nothing of it has arrived.
        case idle
        /// Its first bytes have arrived, not yet its whole head.
        case head
        /// Its head has arrived, not yet its end.
        case body
        /// Read; the answer is being written.
        case answering
    }

    private let limits: ConnectionLimits
    private let lineGuard: RequestLineGuard
    private var phase = Phase.head
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?
    private var answerStarted = false
    /// Whether the current request's answer was written to its end (it may end before the request
    /// does: a 413 while its body still arrives).
    private var answerEnded = false
    /// An error answer was written: the rest of the request is read and dropped until the close.
    private var closing = false

    private init(limits: ConnectionLimits, lineGuard: RequestLineGuard) {
        self.limits = limits
        self.lineGuard = lineGuard
    }

    /// Adds the line guard in front of the pipeline and the request guard after NIO's decoder.
    static func install(on channel: any Channel, _ limits: ConnectionLimits) throws {
        let operations = channel.pipeline.syncOperations
        let decoder = try operations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
        let lineGuard = RequestLineGuard(maximumLine: limits.maximumRequestLine)
        let guardHandler = RequestGuard(limits: limits, lineGuard: lineGuard)
        lineGuard.owner = guardHandler
        try operations.addHandler(lineGuard, position: .first)
        try operations.addHandler(guardHandler, position: .after(decoder))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        // The first request's head is due from the moment the connection opens.
        arm(limits.requestTimeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        self.context = nil
    }

    /// The line guard saw the first bytes of a request.
    fileprivate func requestBegan() {
        guard phase == .idle else { return }
        phase = .head
        arm(limits.requestTimeout)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if closing { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            phase = .body
            answerStarted = false
            answerEnded = false
            if head.headers[canonicalForm: "upgrade"].contains(where: { $0.lowercased() == "websocket" }) {
                // A WebSocket: its frames follow the upgrade; NIO and Hummingbird time it out (pings).
                timer?.cancel()
                timer = nil
                context.fireChannelRead(data)
                context.pipeline.syncOperations.removeHandler(lineGuard, promise: nil)
                context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
                return
            }
            arm(limits.requestTimeout)
        case .body:
            arm(limits.requestTimeout)
        case .end:
            lineGuard.requestEnded()
            if answerEnded {
                phase = .idle
                arm(limits.idleTimeout)
            } else {
                phase = .answering
                timer?.cancel()
                timer = nil
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head: answerStarted = true
        case .body: break
        case .end:
            answerEnded = true
            if phase == .answering {
                phase = .idle
                arm(limits.idleTimeout)
            }
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if closing { return }
        guard let parseError = error as? HTTPParserError, phase == .head || phase == .idle else {
            context.fireErrorCaught(error)
            return
        }
        let (status, message): (HTTPResponseStatus, String) =
            switch parseError {
            case .headerOverflow:
                lineGuard.lineEnded
                    ? (.requestHeaderFieldsTooLarge, "the request's headers are larger than the server reads (80 KB)")
                    : (.uriTooLong, RequestLineGuard.tooLongMessage(limits.maximumRequestLine))
            default: (.badRequest, "the request is not HTTP the server can read")
            }
        answer(context, status, message)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The client shut its side: nobody will read an answer, so the request's work stops.
        if case ChannelEvent.inputClosed = event {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Writes an error answer (unless one has started) and closes the connection.
    private func answer(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus, _ message: String) {
        timer?.cancel()
        timer = nil
        guard !answerStarted else {
            context.close(promise: nil)
            return
        }
        answerStarted = true
        closing = true
        let body = context.channel.allocator.buffer(string: ExploreError(status: Int(status.code), message: message).json)
        let headers = HTTPHeaders([
            ("content-type", "application/json; charset=utf-8"), ("content-length", String(body.readableBytes)), ("connection", "close"),
        ])
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        lingeringClose(context)
    }

    /// Starts the timer afresh: when it fires, the connection is closed (with a 408 while a head
    /// is awaited and no answer has started).
    private func arm(_ delay: TimeAmount) {
        timer?.cancel()
        guard let context else { return }
        timer = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: delay) { [self] in
            timer = nil
            guard let context = self.context else { return }
            switch phase {
            case .idle: context.close(promise: nil)
            case .head: answer(context, .requestTimeout, "the request did not arrive in time")
            case .body, .answering: context.close(promise: nil)
            }
        }
    }
}

/// Watches a request's first line in the bytes as they arrive: a line longer than the limit is
/// answered 414 at once (NIO would read 80 KB first and then fail without an answer), and the
/// first byte of a request tells the ``RequestGuard`` that its head is due.
final class RequestLineGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let maximumLine: Int
    private var lineBytes = 0
    /// Whether the current request's line has ended (its first newline arrived).
    private(set) var lineEnded = false
    private var refused = false
    fileprivate weak var owner: RequestGuard?

    init(maximumLine: Int) {
        self.maximumLine = maximumLine
    }

    static func tooLongMessage(_ limit: Int) -> String {
        "the address is longer than the server reads (\(limit / 1024) KB); send a long program with POST (a form or a JSON body)"
    }

    /// The request was read to its end: the next bytes start another.
    func requestEnded() {
        lineBytes = 0
        lineEnded = false
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if refused { return }
        let bytes = unwrapInboundIn(data)
        if !lineEnded, bytes.readableBytes > 0 {
            if lineBytes == 0 { owner?.requestBegan() }
            if let newline = bytes.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                lineBytes += newline - bytes.readerIndex
                lineEnded = true
            } else {
                lineBytes += bytes.readableBytes
            }
            if lineBytes > maximumLine {
                refuse(context)
                return
            }
        }
        context.fireChannelRead(data)
    }

    /// Answers 414 straight onto the socket (the HTTP encoder may be mid-answer for nobody) and closes.
    private func refuse(_ context: ChannelHandlerContext) {
        refused = true
        let body = ExploreError(status: 414, message: Self.tooLongMessage(maximumLine)).json
        let text = "HTTP/1.1 414 URI Too Long\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: \(body.utf8.count)\r\nconnection: close\r\n\r\n" + body
        context.writeAndFlush(NIOAny(context.channel.allocator.buffer(string: text)), promise: nil)
        lingeringClose(context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Once refused, the client's closing its side ends the connection.
        if refused, case ChannelEvent.inputClosed = event {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}

/// Closes after an error answer without losing it: the sending side is shut (the client reads
/// the answer and then the end), what the client still sends is read and dropped, and the
/// connection closes when the client closes or after two seconds. Closing at once while the
/// client still sends (a 1 MB address) would reset the connection, and the client could lose
/// the answer.
private func lingeringClose(_ context: ChannelHandlerContext) {
    context.close(mode: .output, promise: nil)
    context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: .seconds(2)) {
        context.close(promise: nil)
    }
}
