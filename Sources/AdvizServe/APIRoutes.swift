import AdvizCore
import AdvizFigures
import Hummingbird
import HTTPTypes
import NIOCore

/// The HTTP API the pages use: one function per route; a route throws what goes wrong
/// (``ExploreError``) and ``APIErrorMiddleware`` answers it as an ``APIError``.
extension ClassroomServer {
    func addAPI(to router: Router<ClassroomContext>) {
        // GET, HEAD, and POST for programs too long for an address (the same fields in the body).
        for method in [HTTPRequest.Method.get, .post, .head] {
            router.on("/api/trace", method: method) { request, context in try await headed(method, trace(request, context)) }
            router.on("/api/explore", method: method) { request, context in try await headed(method, explore(request, context)) }
            router.on("/api/landscape", method: method) { request, context in try await headed(method, landscape(request, context)) }
            router.on("/api/figure.svg", method: method) { request, context in try await headed(method, figure(request, context)) }
        }
        router.post("/api/rooms") { request, context in try await openRoom(request, context) }
        router.getAndHead("/api/rooms/:code") { _, context in try await room(context) }
        router.getAndHead("/api/lessons") { _, _ in
            Self.json(JSONValue.array(lessonNames().map { name in
                .object([("name", .string(name)), ("title", .string(lessonTitle(name))), ("url", .string("/lessons/\(name)/"))])
            }).serialized())
        }
    }

    /// `/api/trace`: `trace --format json`.
    func trace(_ request: Request, _ context: ClassroomContext) async throws(ExploreError) -> Response {
        let fields = try await APIFields.read(request, context)
        let explore = try ExploreRequest(fields: fields)
        let trace = try explore.trace(order: try Self.order(fields))
        return Self.json(TraceReport(trace, source: explore.program).render(.json))
    }

    /// `/api/explore`: the page's model (``ExploreModel``), and whether its figure can be drawn.
    func explore(_ request: Request, _ context: ClassroomContext) async throws(ExploreError) -> Response {
        let fields = try await APIFields.read(request, context)
        let explore = try ExploreRequest(fields: fields)
        let choice = try FigureChoice(parameters: fields.dictionary)
        let trace = try explore.trace()
        // The page's model holds every node's rows: a program of thousands of nodes is
        // megabytes the page cannot show, and seconds other students would wait for.
        guard trace.graph.nodes.count <= Self.maximumExploreNodes else {
            throw ExploreError(status: 422, message: "the graph has \(trace.graph.nodes.count) nodes; the Explore page shows at most \(Self.maximumExploreNodes) (its trace is at /api/trace, or `adviz trace`)")
        }
        let model: ExploreModel
        do { model = try ExploreModel(trace, figureOptions: choice.options) } catch { throw ExploreError(any: error) }
        var document = model.json(program: explore.program)
        if case .object(var members) = document {
            members.append(("drawable", .bool(trace.graph.nodes.count <= FigureService.maximumNodes)))
            document = .object(members)
        }
        return Self.json(document.serialized(pretty: false))
    }

    /// `/api/landscape`: f over a grid for the Descent tab (``Landscape``).
    func landscape(_ request: Request, _ context: ClassroomContext) async throws(ExploreError) -> Response {
        let fields = try await APIFields.read(request, context)
        return Self.json(try Landscape.json(try ExploreRequest(fields: fields), fields: fields).serialized(pretty: false))
    }

    /// `/api/figure.svg`: the figure after a step, its step count in `X-Adviz-Steps`.
    func figure(_ request: Request, _ context: ClassroomContext) async throws(ExploreError) -> Response {
        let fields = try await APIFields.read(request, context)
        let explore = try ExploreRequest(fields: fields)
        let choice = try FigureChoice(parameters: fields.dictionary)
        var step: Int?
        if let text = fields.step, !text.isEmpty {
            guard let value = Int(text) else { throw ExploreError(status: 400, message: "`step` must be a whole number, got `\(text)`") }
            step = value
        }
        // The figure's work is cancelled (dropped from the queue) if the client leaves.
        let chosen = step
        let (svg, steps) = try await context.whileConnected { () async throws(ExploreError) in try await figures.svg(explore, choice: choice, step: chosen) }
        var headers: HTTPFields = [.contentType: "image/svg+xml; charset=utf-8", .cacheControl: "private, max-age=600"]
        headers[HTTPField.Name("X-Adviz-Steps")!] = String(steps)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: svg)))
    }

    /// `POST /api/rooms`: opens a room for the presenter token's holder.
    func openRoom(_ request: Request, _ context: ClassroomContext) async throws(ExploreError) -> Response {
        let fields = try await APIFields.read(request, context)
        let bearer = request.headers[.authorization].map { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : $0 }
        guard (fields.token ?? bearer) == rooms.token else {
            throw ExploreError(status: 403, message: "presenting needs the presenter token that `adviz serve` printed")
        }
        let code = await rooms.open()
        return Self.json(JSONValue.object([("code", .string(code)), ("follow", .string("/follow/\(code)"))]).serialized())
    }

    /// `GET /api/rooms/CODE`: whether it is open and how many follow.
    func room(_ context: ClassroomContext) async throws(ExploreError) -> Response {
        let code = (context.parameters.get("code") ?? "").uppercased()
        guard await rooms.exists(code) else { throw ExploreError(status: 404, message: "there is no room `\(code)`") }
        let followers = await rooms.followerCount(code)
        return Self.json(JSONValue.object([("code", .string(code)), ("followers", .integer(followers))]).serialized())
    }

    /// `order` of `/api/trace`: 1 or 2.
    static func order(_ fields: APIFields) throws(ExploreError) -> Int {
        guard let text = fields.order, !text.isEmpty else { return 1 }
        guard let order = Int(text), (1...2).contains(order) else { throw ExploreError(status: 400, message: "`order` is 1 or 2, got `\(text)`") }
        return order
    }
}

/// `response` as the answer to `method`: without its body for `HEAD`.
func headed(_ method: HTTPRequest.Method, _ response: Response) -> Response {
    method == .head ? headAnswer(response) : response
}
