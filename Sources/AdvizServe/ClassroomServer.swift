import AdvizCore
import AdvizFigures
import AdvizLessons
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import HTTPTypes
import Logging
import NIOCore

/// How `adviz serve` runs: where it listens, which lessons it serves, the presenter's token.
public struct ServeOptions: Sendable {
    /// The address to bind: loopback by default; `0.0.0.0` opens the server to the classroom's network.
    public var host: String = "127.0.0.1"
    /// The port (0: any free one, as tests use).
    public var port: Int = 8080
    /// A folder of lessons served under `/lessons/` besides the shipped course (its lesson of a
    /// shipped lesson's name replaces that one); nil: the shipped course only.
    public var lessons: String?
    /// Serve the shipped course (``ShippedLessons``) too; false serves only the folder's lessons.
    public var shippedLessons = true
    /// The token that lets a page present (drive a room); a new random one when nil.
    public var token: String?
    /// Log every request (to standard error).
    public var verbose = false
    /// Log nothing, not even warnings (tests that stop servers by cancelling them).
    public var quiet = false
    /// How long the server waits for a slow client, and the longest request line.
    public var limits = ConnectionLimits()

    /// The defaults: loopback, port 8080, the shipped lessons.
    public init() {}

    /// The address to bind for `host` as a person writes it: `0` (as `ping 0` reads it) and
    /// `[::]` are `0.0.0.0` and `::`, every interface; anything else as given.
    public static func boundAddress(_ host: String) -> String {
        switch host.trimmingCharacters(in: .whitespaces) {
        case "0", "0.0.0.0", "0.0": return "0.0.0.0"
        case "::", "[::]", "::0", "[::0]": return "::"
        case let other where other.hasPrefix("[") && other.hasSuffix("]"): return String(other.dropFirst().dropLast())
        default: return host
        }
    }

    /// Whether `host` (as ``boundAddress(_:)`` gives it) binds every network interface.
    public static func isEveryInterface(_ host: String) -> Bool {
        let bound = boundAddress(host)
        return bound == "0.0.0.0" || bound == "::"
    }
}

/// The live classroom: the Explore page for any program, practice and descent, the lessons
/// played live, presenter mode, and the HTTP API the pages use.
///
/// Routes (all answers to bad input are 4xx with `{"error": {"message", "line", "column"}}`;
/// nothing a client sends makes a 5xx or stops the server):
///
/// | route | answer |
/// |---|---|
/// | `GET /` | the Explore page (`?program=&at=&mode=&step=` restore a linked state) |
/// | `GET /present?token=` | the Explore page driving a room |
/// | `GET /follow/CODE` | the Explore page following room CODE |
/// | `GET /lessons/`, `/lessons/NAME/` | the lesson folder; a lesson as its slideshow |
/// | `GET /api/trace?program=&at=&mode=&wrt=&seed=&ybar=&order=` | `trace --format json` |
/// | `GET /api/explore?…` | the page's model: steps, nodes, rows (``ExploreModel``) |
/// | `GET /api/figure.svg?…&step=&show=&theme=` | the figure after a step, fitted to its viewport |
/// | `GET /api/landscape?…&x0=&x1=&y0=&y1=` | f over a grid of its first two inputs (a line for one): the Descent tab's contours |
/// | `POST /api/rooms` (token) | opens a room: `{"code"}` |
/// | `GET /api/rooms/CODE` | whether it is open and how many follow |
/// | WebSocket `/ws/present/CODE?token=`, `/ws/follow/CODE` | the room's state messages |
///
/// The API routes take POST too, with the same fields as a form or a JSON object, for programs
/// too long for a URL (up to ``ExploreRequest/maximumProgramBytes``).
public struct ClassroomServer: Sendable {
    /// How the server runs.
    public let options: ServeOptions
    /// The most nodes the Explore page's model carries (its figure: ``FigureService/maximumNodes``).
    public static let maximumExploreNodes = 2000
    /// The Graphviz layouts and lesson builds, one at a time.
    public let figures: FigureService
    /// Presenter rooms.
    public let rooms: PresenterRooms
    /// The lessons' slideshows.
    public let lessons: LessonLibrary
    /// The lessons served: the shipped course and the folder's.
    public let catalog: LessonCatalog

    /// A server with `options` (a new presenter token unless one is given).
    public init(options: ServeOptions) {
        self.options = options
        let queue = FigureQueue()
        self.figures = FigureService(queue: queue)
        self.lessons = LessonLibrary(queue: queue)
        self.catalog = LessonCatalog(folder: options.lessons, includesShipped: options.shippedLessons)
        self.rooms = PresenterRooms(token: options.token ?? PresenterRooms.makeToken())
    }

    /// The Hummingbird application: the HTTP routes and the WebSocket routes. `onRunning` gets
    /// the port the server listens on once it does (the one asked for, or the free one for port 0).
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        var logger = Logger(label: "adviz-serve")
        logger.logLevel = options.quiet ? .critical : options.verbose ? .info : .warning
        let router = Router(context: ClassroomContext.self)
        if options.verbose { router.add(middleware: LogRequestsMiddleware(.info)) }
        router.add(middleware: APIErrorMiddleware())
        addPages(to: router)
        addAPI(to: router)
        addLessons(to: router)
        let socketRouter = Router(context: BasicWebSocketRequestContext.self)
        addRooms(to: socketRouter)
        let socketResponder = socketRouter.buildResponder()
        let limits = options.limits
        return Application(
            router: router,
            // A connection idle for 30 s is closed, and a request that does not arrive within 10 s
            // (a phone asleep mid-request, a half-sent request, a slow client): they hold nothing,
            // and Ctrl-C never waits on them. Sockets past the upgrade keep their pings.
            server: HTTPServerBuilder { responder in
                GuardedHTTPChannel(
                    base: HTTP1WebSocketUpgradeChannel(
                        responder: responder, webSocketResponder: socketResponder,
                        configuration: .init(http1: .init(idleTimeout: limits.idleTimeout), ws: .init(maxFrameSize: 1 << 16))
                    ),
                    limits: limits
                )
            },
            configuration: .init(address: .hostname(ServeOptions.boundAddress(options.host), port: options.port), serverName: "adviz"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? options.port) },
            logger: logger
        )
    }

    // MARK: Pages

    private func addPages(to router: Router<ClassroomContext>) {
        router.getAndHead("/") { _, _ in Self.html(ClassroomPage.explore.html()) }
        router.getAndHead("/present") { request, _ -> Response in
            // The token comes in the printed address once; the page then drops it from the address
            // bar (a projector shows it), and a cookie keeps this browser the presenter on reload.
            let cookie = (request.headers[.cookie] ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                .first { $0.hasPrefix("adviz-presenter=") }.map { String($0.dropFirst("adviz-presenter=".count)) }
            guard request.uri.queryParameters["token"].map(String.init) == rooms.token || cookie == rooms.token else {
                return Self.html(ClassroomPage.message(title: "Presenter token needed", text: "Open the presenter's address printed by <code>adviz serve</code> (it ends in <code>?token=…</code>)."), status: .forbidden)
            }
            var response = Self.html(ClassroomPage.present(token: rooms.token).html())
            response.headers[.setCookie] = "adviz-presenter=\(rooms.token); Path=/present; HttpOnly; SameSite=Strict"
            return response
        }
        router.getAndHead("/follow/:code") { _, context -> Response in
            let code = (context.parameters.get("code") ?? "").uppercased()
            guard await rooms.exists(code) else {
                return Self.html(ClassroomPage.message(title: "No room \(htmlEscaped(code))", text: "Check the code on the projector: four capital letters. The presenter's page opens a room when it starts."), status: .notFound)
            }
            return Self.html(ClassroomPage.follow(code: code).html())
        }
        router.getAndHead("/follow") { request, _ -> Response in
            // The join form sends ?code=ABCD.
            let code = (request.uri.queryParameters["code"].map(String.init) ?? "").trimmingCharacters(in: .whitespaces).uppercased()
            guard !code.isEmpty else { return Self.html(ClassroomPage.joinForm()) }
            return Response(status: .seeOther, headers: [.location: "/follow/\(code.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"])
        }
        router.getAndHead("/favicon.ico") { _, _ in Response(status: .noContent) }
    }

    // MARK: Lessons

    /// The lessons served, by file name without `.md` (the folder's README is the folder's, not a lesson).
    func lessonNames() -> [String] { catalog.names() }

    /// A lesson's title, from its text (its name where the text does not parse).
    func lessonTitle(_ name: String) -> String {
        guard let text = catalog.text(of: name)?.text, let lesson = try? Lesson.parse(text, name: name + ".md") else { return name }
        return lesson.title
    }

    /// A file or lesson name that cannot leave its folder: letters, digits, `-`, `_` and inner dots.
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && name.utf8.count <= 200 && name.unicodeScalars.allSatisfy { scalar in
            CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII || scalar == "-" || scalar == "_" || scalar == "."
        }
    }

    private func addLessons(to router: Router<ClassroomContext>) {
        // Hummingbird matches `/lessons` and `/lessons/` alike (and `/lessons/NAME` with its slash).
        router.getAndHead("/lessons") { _, _ in
            let entries = lessonNames().map { ($0, lessonTitle($0)) }
            return Self.html(ClassroomPage.lessonIndex(entries, folder: catalog.folderName ?? "the course"))
        }
        router.getAndHead("/lessons/:name") { request, context -> Response in
            let name = context.parameters.get("name") ?? ""
            guard Self.isPlainName(name), lessonNames().contains(name) else { throw Self.notFound }
            // The slideshow names its images relative to itself: its address ends in a slash.
            guard request.uri.path.hasSuffix("/") else { return Response(status: .movedPermanently, headers: [.location: "/lessons/\(name)/"]) }
            return try await serveLessonFile(name, "index.html")
        }
        router.getAndHead("/lessons/:name/:file") { _, context in
            try await serveLessonFile(context.parameters.get("name") ?? "", context.parameters.get("file") ?? "")
        }
    }

    /// A file of a lesson's slideshow, from the build in memory: only names the build wrote are
    /// served, so no path leads outside the lesson folder.
    private func serveLessonFile(_ name: String, _ file: String) async throws -> Response {
        guard Self.isPlainName(name), Self.isPlainName(file), let text = catalog.text(of: name)?.text else { throw Self.notFound }
        let build = try await lessons.lesson(named: name, text: text)
        guard var bytes = build.files[file] else { throw ExploreError(status: 404, message: "no such file in lesson `\(name)`") }
        let type: String
        if file.hasSuffix(".html") {
            type = "text/html; charset=utf-8"
            bytes = Array(ClassroomPage.withLessonBar(String(decoding: bytes, as: UTF8.self), name: name).utf8)
        } else if file.hasSuffix(".svg") {
            type = "image/svg+xml"
        } else if file.hasSuffix(".png") {
            type = "image/png"
        } else {
            type = "application/octet-stream"
        }
        return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    // MARK: Rooms

    private func addRooms(to router: Router<BasicWebSocketRequestContext>) {
        router.ws("/ws/follow/:code") { _, context in
            await rooms.exists((context.parameters.get("code") ?? "").uppercased()) ? .upgrade() : .dontUpgrade
        } onUpgrade: { inbound, outbound, context in
            let code = (context.requestContext.parameters.get("code") ?? "").uppercased()
            let id = UUID()
            guard await rooms.join(code, id: id, outbound: outbound) else { return }
            // A follower only listens; what it sends (a ping) is read and dropped.
            do {
                for try await _ in inbound.messages(maxSize: 1 << 12) {}
            } catch {}
            await rooms.leave(code, id: id)
        }
        router.ws("/ws/present/:code") { request, context in
            let code = (context.parameters.get("code") ?? "").uppercased()
            guard request.uri.queryParameters["token"].map(String.init) == rooms.token, await rooms.exists(code) else { return .dontUpgrade }
            return .upgrade()
        } onUpgrade: { inbound, outbound, context in
            let code = (context.requestContext.parameters.get("code") ?? "").uppercased()
            let id = UUID()
            guard await rooms.present(code, id: id, outbound: outbound) else { return }
            do {
                for try await message in inbound.messages(maxSize: 1 << 16) {
                    guard case .text(let state) = message, state.first == "{" else { continue }
                    await rooms.broadcast(code, state: state, from: id)
                }
            } catch {}
            await rooms.stopPresenting(code, id: id)
        }
    }

    // MARK: Answers

    /// A thing that is not there, as the API answers it.
    static let notFound = ExploreError(status: 404, message: "not found")

    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store", HTTPField.Name("Content-Security-Policy")!: "default-src 'self' 'unsafe-inline' data:; connect-src 'self' ws: wss:"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }
}
