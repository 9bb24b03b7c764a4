import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// The server at `path` answered without upgrading to a WebSocket.
public struct WebSocketRefused: Error, CustomStringConvertible {
    public var path: String
    public var description: String { "the server did not upgrade \(path) to a WebSocket" }
}

/// A WebSocket client on NIO (already in the graph through Hummingbird): text messages in and out.
public enum TestWebSocket {
    public typealias Socket = NIOAsyncChannel<WebSocketFrame, WebSocketFrame>

    public enum Upgrade: Sendable {
        case websocket(Socket)
        case refused
    }

    /// Connects to `ws://host:port/path`; throws if the server does not upgrade.
    public static func connect(host: String = "127.0.0.1", port: Int, path: String, maxFrameSize: Int = 1 << 16) async throws -> Socket {
        let upgrade: EventLoopFuture<Upgrade> = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(maxFrameSize: maxFrameSize) { channel, _ in
                        channel.eventLoop.makeCompletedFuture { .websocket(try Socket(wrappingChannelSynchronously: channel)) }
                    }
                    var headers = HTTPHeaders()
                    headers.add(name: "Host", value: "\(host):\(port)")
                    // As NIO's own client does: without a length NIO's encoder would send the upgrade chunked.
                    headers.add(name: "Content-Length", value: "0")
                    let configuration = NIOTypedHTTPClientUpgradeConfiguration<Upgrade>(
                        upgradeRequestHead: HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers),
                        upgraders: [upgrader],
                        notUpgradingCompletionHandler: { channel in channel.eventLoop.makeCompletedFuture { .refused } }
                    )
                    return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: .init(upgradeConfiguration: configuration))
                }
            }
        guard case .websocket(let channel) = try await upgrade.get() else {
            throw WebSocketRefused(path: path)
        }
        return channel
    }

    /// Runs `body` with the socket's text messages and a sender, then closes the socket.
    public static func with<T: Sendable>(
        host: String = "127.0.0.1", port: Int, path: String, maxFrameSize: Int = 1 << 16,
        _ body: (TextMessages, TextSender) async throws -> T
    ) async throws -> T {
        let channel = try await connect(host: host, port: port, path: path, maxFrameSize: maxFrameSize)
        return try await channel.executeThenClose { inbound, outbound in
            let sender = TextSender(outbound: outbound)
            let value = try await body(TextMessages(frames: inbound, sender: sender), sender)
            try? await sender.close()
            return value
        }
    }
}

/// Sends text frames (masked, as a client must).
public struct TextSender: Sendable {
    public let outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>

    public init(outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>) {
        self.outbound = outbound
    }

    public func send(_ text: String) async throws {
        try await outbound.write(WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(string: text)))
    }

    public func close() async throws {
        var code = ByteBuffer()
        code.write(webSocketErrorCode: .normalClosure)
        try await outbound.write(WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: code))
    }

    public func pong(_ data: ByteBuffer) async throws {
        try await outbound.write(WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: data))
    }
}

/// The text messages a socket receives (a fragmented message joined), until it closes.
public struct TextMessages: AsyncSequence, Sendable {
    public typealias Element = String
    public let frames: NIOAsyncChannelInboundStream<WebSocketFrame>
    public let sender: TextSender

    public init(frames: NIOAsyncChannelInboundStream<WebSocketFrame>, sender: TextSender) {
        self.frames = frames
        self.sender = sender
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var frames: NIOAsyncChannelInboundStream<WebSocketFrame>.AsyncIterator
        let sender: TextSender

        public mutating func next() async throws -> String? {
            var message = ByteBuffer()
            while let frame = try await frames.next() {
                switch frame.opcode {
                case .text, .continuation:
                    var data = frame.unmaskedData
                    message.writeBuffer(&data)
                    if frame.fin { return String(buffer: message) }
                case .ping:
                    try await sender.pong(frame.unmaskedData)
                case .connectionClose:
                    return nil
                default:
                    continue
                }
            }
            return nil
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(frames: frames.makeAsyncIterator(), sender: sender) }
}
