import AdvizCore
import Foundation
import Hummingbird
import HTTPTypes
import NIOCore

/// The fields the classroom's API reads, typed: one struct for `/api/trace`, `/api/explore`,
/// `/api/figure.svg`, `/api/landscape` and `/api/rooms`, decoded from the query and, for POST,
/// from the body (a JSON object, through Hummingbird's `request.decode(as:context:)`, or a form).
///
/// Every field is text as the command line takes it (`at=2,5`, `precision=6`): the route that
/// reads a field checks it and words the error (``ExploreRequest/init(fields:)``). A JSON body
/// may give a number or a list of numbers where the query gives text (`"at": [2, 5]`).
public struct APIFields: Sendable, Equatable {
    /// The program (`expression` is its older name).
    public var program: String?, expression: String?
    /// The point, sweeps and seeds, as `adviz trace` names them without their dashes.
    public var at: String?, mode: String?, wrt: String?, seed: String?, ybar: String?, output: String?, precision: String?
    /// `/api/trace`: 1 or 2 (`trace --order`).
    public var order: String?
    /// `/api/figure.svg`: the step drawn.
    public var step: String?
    /// The figure: what it shows, its theme and direction, the pane it fits, node names.
    public var show: String?, theme: String?, rankdir: String?, fit: String?, names: String?
    /// `/api/landscape`: the window over the first two inputs.
    public var x0: String?, x1: String?, y0: String?, y1: String?
    /// `POST /api/rooms`: the presenter token (or `Authorization: Bearer`).
    public var token: String?

    /// No fields.
    public init() {}

    /// The fields of a query as ``QueryFields`` reads it (names it does not know are ignored).
    init(_ fields: [String: String]) {
        for (key, path) in Self.keyPaths { self[keyPath: path] = fields[key.rawValue] }
    }

    /// The fields by name, as a query spells them: for readers that take a dictionary.
    var dictionary: [String: String] {
        var fields: [String: String] = [:]
        for (key, path) in Self.keyPaths { fields[key.rawValue] = self[keyPath: path] }
        return fields
    }

    /// These fields with `other`'s where it has them (a POST body's over its query's).
    func overridden(by other: APIFields) -> APIFields {
        var merged = self
        for (_, path) in Self.keyPaths where other[keyPath: path] != nil { merged[keyPath: path] = other[keyPath: path] }
        return merged
    }

    /// Reads a request's fields: the query's, and for POST the body's. A body over the program
    /// limit is a 413; a body that is not a JSON object of fields (or a form) is a 400.
    static func read(_ request: Request, _ context: ClassroomContext) async throws(ExploreError) -> APIFields {
        let query = APIFields(QueryFields.parse(request.uri.query ?? ""))
        guard request.method == .post else { return query }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: ExploreRequest.maximumProgramBytes + 8192)
        } catch {
            throw ExploreError(status: 413, message: "the request is larger than the server reads (\(ExploreRequest.maximumProgramBytes) bytes of program)")
        }
        let text = String(buffer: body)
        guard (request.headers[.contentType] ?? "").contains("json") || text.first == "{" else {
            return query.overridden(by: APIFields(QueryFields.parse(text, plusIsSpace: true)))
        }
        do {
            let decoded = Request(head: request.head, body: RequestBody(buffer: body))
            // The context's decoder (JSON) itself, not `request.decode`, which words its own 400s.
            return query.overridden(by: try await context.requestDecoder.decode(APIFields.self, from: decoded, context: context))
        } catch let DecodingError.typeMismatch(_, place) where !place.codingPath.isEmpty {
            throw ExploreError(status: 400, message: "the field `\(place.codingPath[0].stringValue)` must be a string or a number")
        } catch {
            throw ExploreError(status: 400, message: "the body is not a JSON object of fields (such as {\"program\": \"x^2\", \"at\": \"3\"})")
        }
    }
}

extension APIFields: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case program, expression, at, mode, wrt, seed, ybar, output, precision, order, step, show, theme, rankdir, fit, names, x0, x1, y0, y1, token
    }

    /// Each field's name and place.
    static var keyPaths: [(CodingKeys, WritableKeyPath<APIFields, String?>)] {
        [
            (.program, \.program), (.expression, \.expression), (.at, \.at), (.mode, \.mode), (.wrt, \.wrt), (.seed, \.seed),
            (.ybar, \.ybar), (.output, \.output), (.precision, \.precision), (.order, \.order), (.step, \.step), (.show, \.show),
            (.theme, \.theme), (.rankdir, \.rankdir), (.fit, \.fit), (.names, \.names), (.x0, \.x0), (.x1, \.x1), (.y0, \.y0),
            (.y1, \.y1), (.token, \.token),
        ]
    }

    /// A JSON object's fields: text, numbers, or lists of them (joined with commas).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        for (key, path) in Self.keyPaths {
            self[keyPath: path] = try container.decodeIfPresent(FieldText.self, forKey: key)?.text
        }
    }
}

/// A JSON field's value as the query would spell it: `"2,5"`, `2.5`, `[2, 5]`, `true`.
struct FieldText: Decodable {
    var text: String

    init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer()
        if let text = try? value.decode(String.self) {
            self.text = text
        } else if let number = try? value.decode(Int.self) {
            text = String(number)
        } else if let number = try? value.decode(Double.self) {
            text = "\(number)"
        } else if let flag = try? value.decode(Bool.self) {
            text = String(flag)
        } else {
            text = try value.decode([FieldText].self).map(\.text).joined(separator: ",")
        }
    }
}

/// An error answer of the classroom's API, as Hummingbird's `HTTPResponseError`: the status of
/// its ``ExploreError`` and the body the pages read, `{"error": {"message", "line", "column", …}}`.
public struct APIError: HTTPResponseError {
    /// What went wrong, and where in the program.
    public var error: ExploreError

    /// `error` as an answer.
    public init(_ error: ExploreError) {
        self.error = error
    }

    /// Anything a route throws as the API answers it: ``ExploreError`` and the library's errors
    /// with their status and place, anything else a 400 that says what happened.
    public init(any error: any Error) {
        switch error {
        case let error as APIError: self = error
        case let error as ExploreError: self.init(error)
        case let error as AdvizError: self.init(ExploreError(error))
        default: self.init(ExploreError(status: 400, message: "the request could not be read: \(error)"))
        }
    }

    public var status: HTTPResponse.Status { HTTPResponse.Status(code: error.status) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: error.json))
        )
    }
}

/// Answers every error a route throws as an ``APIError`` (a `HEAD` without its body): nothing a
/// client sends gets a 5xx or stops the server. Hummingbird's own answers (404 for no route)
/// pass through, except for a 404: a person who asks for a page that is not there (a mistyped
/// address, a lesson that is not served) gets a page saying so with the way back, and a program
/// that asks for an API address that is not there gets the API's JSON error naming the addresses
/// there are, instead of an empty answer.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError where !(error is APIError) {
            if error.status == .notFound, let page = Self.notFoundPage(request) { return page }
            if error.status == .notFound, request.uri.path.hasPrefix("/api/") {
                let response = try APIError(ExploreError(status: 404, message: Self.noSuchAPI)).response(from: request, context: context)
                return request.method == .head ? headAnswer(response) : response
            }
            throw error
        } catch {
            let response = try APIError(any: error).response(from: request, context: context)
            if response.status == .notFound, let page = Self.notFoundPage(request) { return page }
            return request.method == .head ? headAnswer(response) : response
        }
    }

    /// The answer to an API address no route serves (it names no path: nothing the client sent is echoed).
    static var noSuchAPI: String { "there is no API at this address; the API is /api/trace, /api/explore, /api/landscape, "
        + "/api/figure.svg (GET, HEAD or POST), /api/rooms (POST), /api/rooms/CODE and /api/lessons" }

    /// The page for a page that is not there (nil for the API, and for methods other than GET and
    /// HEAD). It names no path: nothing the client sent is echoed.
    static func notFoundPage(_ request: Request) -> Response? {
        guard request.method == .get || request.method == .head, !request.uri.path.hasPrefix("/api/") else { return nil }
        let text = "There is no page at this address. The classroom has <a href=\"/\">Explore</a>, "
            + "<a href=\"/follow\">Follow a class</a> and <a href=\"/lessons\">the lessons</a>."
        let page = ClassroomServer.html(ClassroomPage.message(title: "Page not found", text: text), status: .notFound)
        return request.method == .head ? headAnswer(page) : page
    }
}
