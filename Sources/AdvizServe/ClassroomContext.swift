import Foundation
import Hummingbird
import HummingbirdCore
import HTTPTypes
import NIOCore
import Synchronization

/// A request's context in the classroom server: Hummingbird's, and the connection it came on, so
/// that costly work can stop when its client leaves.
public struct ClassroomContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection the request came on.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Runs `work` as a task of its own that is cancelled when the connection closes (the client
    /// left, or shut its side: ``RequestGuard`` closes it then) or when this task is cancelled.
    func whileConnected<T: Sendable>(_ work: @escaping @Sendable () async throws(ExploreError) -> T) async throws(ExploreError) -> T {
        let task = Task { () async -> Result<T, ExploreError> in
            do throws(ExploreError) { return .success(try await work()) } catch { return .failure(error) }
        }
        // The connection's close callback holds only this small box, emptied when the work is
        // done: a kept-alive connection's many requests leave nothing of their answers behind.
        let watch = CancelOnClose(task)
        channel.closeFuture.whenComplete { _ in watch.fire() }
        let result = await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
        watch.clear()
        return try result.get()
    }
}

/// What cancels a request's work when its connection closes, until the work is done.
private final class CancelOnClose: Sendable {
    private let cancel: Mutex<(@Sendable () -> Void)?>

    init<T>(_ task: Task<T, Never>) {
        cancel = Mutex({ task.cancel() })
    }

    func fire() { cancel.withLock { $0 }?() }
    func clear() { cancel.withLock { $0 = nil } }
}

extension Router where Context == ClassroomContext {
    /// Routes `GET path` to `handler`, and `HEAD path` to it too, answered with the same status
    /// and headers (its length too) and no body: Hummingbird answers `HEAD` only where a route says so.
    @discardableResult
    func getAndHead(_ path: RouterPath, use handler: @escaping @Sendable (Request, Context) async throws -> Response) -> Self {
        on(path, method: .get, use: handler)
        on(path, method: .head) { request, context in headAnswer(try await handler(request, context)) }
        return self
    }
}

/// `response` as the answer to `HEAD`: its status and headers, its length, no body.
func headAnswer(_ response: Response) -> Response {
    var headers = response.headers
    if headers[.contentLength] == nil, let length = response.body.contentLength { headers[.contentLength] = String(length) }
    return Response(status: response.status, headers: headers, body: ResponseBody())
}

/// A query's fields as people write them.
///
/// A `+` is a plus where the value was typed by hand (`?program=x1+x2`), and a space where the
/// value was form-encoded (`?program=y+%3D+x1+*+x2`, as HTML forms and Python's `urlencode`
/// write it): a value with a percent escape was written by an encoder, which writes a plus as
/// `%2B`, so its `+` can only be a space.
///
/// A form's body (`plusIsSpace`) was always written by an encoder: its `+` is a space.
enum QueryFields {
    static func parse(_ query: String, plusIsSpace: Bool = false) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(parts[0], plusIsSpace: plusIsSpace)
            guard !key.isEmpty else { continue }
            fields[key] = parts.count > 1 ? decode(parts[1], plusIsSpace: plusIsSpace) : ""
        }
        return fields
    }

    static func decode(_ raw: Substring, plusIsSpace: Bool = false) -> String {
        let text = raw.contains("%") || plusIsSpace ? raw.replacingOccurrences(of: "+", with: " ") : String(raw)
        return text.removingPercentEncoding ?? text
    }
}
