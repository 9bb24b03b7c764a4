import AdvizCore
import BrowserDriver
import Foundation
import Hummingbird
import Testing
@testable import AdvizServe

/// The classroom server over HTTP, in process: routes, answers to bad input, limits, lessons, rooms.
@Suite struct ClassroomServerTests {
    static let lessonsFolder: String = {
        // Tests/AdvizServeTests/ → the package's lessons/.
        let here = URL(fileURLWithPath: #filePath)
        return here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("lessons").path
    }()

    static func server(lessons: Bool = false) -> ClassroomServer {
        var options = ServeOptions()
        options.port = 0
        options.token = "test-token"
        options.quiet = true
        if lessons { options.lessons = lessonsFolder }
        return ClassroomServer(options: options)
    }

    static func query(_ fields: [(String, String)]) -> String {
        fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
    }

    static func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(String(buffer: buffer).utf8))
        return try #require(object as? [String: Any])
    }

    @Test func traceAnswersAsTheCommandLineDoes() async throws {
        let app = Self.server().application()
        try await TestServer.router(app) { client in
            try await client.execute(uri: "/api/trace?" + Self.query([("program", "log(x1*x2)+sin(x2)"), ("at", "2,5")]), method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                let expected = try Trace(expression: "log(x1*x2)+sin(x2)", at: "2,5")
                let text = String(buffer: response.body)
                #expect(text == TraceReport(expected, source: "log(x1*x2)+sin(x2)").render(.json))
                let body = try Self.json(response.body)
                let gradient = try #require(body["gradient"] as? [String: Double])
                #expect(gradient["x1"] == 0.5)
                #expect(abs(gradient["x2"]! - (0.2 + cos(5.0))) < 1e-15)
            }
        }
    }

    /// A range the grid cannot step through (x1 − x0 overflows) is a 400 that says so, not a 200
    /// whose every value is null.
    @Test func aLandscapeTooWideForDoublesIs400() async throws {
        let app = Self.server().application()
        try await TestServer.router(app) { client in
            for (axis, range) in [("x", "&x0=-1e308&x1=1e308"), ("y", "&y0=-1e308&y1=1e308")] {
                try await client.execute(uri: "/api/landscape?program=x*y&at=1,2" + range, method: .get) { response in
                    #expect(response.status == .badRequest, "\(axis): \(response.status)")
                    let error = try Self.json(response.body)["error"] as? [String: Any]
                    let message = (error?["message"] as? String) ?? ""
                    #expect(message.contains("`\(axis)1` − `\(axis)0` must be a finite number"), "\(String(buffer: response.body))")
                }
            }
            try await client.execute(uri: "/api/landscape?program=x*y&at=1,2&x0=-1e307&x1=1e307", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func aPlusInTheQueryIsAPlus() async throws {
        // A teacher types `?program=x1+x2` in the address bar: that is x1 + x2, not `x1 x2`.
        let app = Self.server().application()
        try await TestServer.router(app) { client in
            try await client.execute(uri: "/api/trace?program=x1+x2&at=2,5", method: .get) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response.body)
                #expect(body["value"] as? Double == 7)
            }
        }
    }

    @Test func aProgramThatDoesNotParseIs400WithItsPlace() async throws {
        let app = Self.server().application()
        try await TestServer.router(app) { client in
            try await client.execute(uri: "/api/trace?" + Self.query([("program", "x1*x2 +\nsine(x2)"), ("at", "2,5")]), method: .get) { response in
                #expect(response.status == .badRequest)
                let error = try #require(try Self.json(response.body)["error"] as? [String: Any])
                #expect((error["message"] as? String)?.contains("unknown function `sine`") == true)
                #expect(error["line"] as? Int == 2)
                #expect(error["column"] as? Int == 1)
                #expect((error["hint"] as? String)?.contains("sin") == true)
            }
            for (fields, words) in [
                ([("at", "2")], "program is missing"),
                ([("program", "x1*x2")], "point is missing"),
                ([("program", "x1*x2"), ("at", "1,2,3")], "values"),
                ([("program", "x1*x2"), ("at", "1,zwei")], "zwei"),
                ([("program", "x1*x2"), ("at", "1,2"), ("mode", "sideways")], "forward, reverse or both"),
                ([("program", "x1*x2"), ("at", "1,2"), ("wrt", "x3")], "not an input"),
                ([("program", "x1*x2"), ("at", "1,2"), ("precision", "40")], "precision"),
                ([("program", "x1*x2"), ("at", "1,2"), ("order", "3")], "order"),
                ([("program", ""), ("at", "")], "empty program"),
                ([("program", "((((("), ("at", "")], "expected an expression"),
            ] as [([(String, String)], String)] {
                try await client.execute(uri: "/api/trace?" + Self.query(fields), method: .get) { response in
                    #expect(response.status == .badRequest, "\(fields)")
                    let error = try #require(try Self.json(response.body)["error"] as? [String: Any])
                    #expect((error["message"] as? String)?.contains(words) == true, "\(fields): \(error)")
                }
            }
        }
    }

    @Test func aProgramOver64KiBIs413() async throws {
        let app = Self.server().application()
        let long = String(repeating: "x+", count: 33_000) + "x"
        try await TestServer.router(app) { client in
            try await client.execute(uri: "/api/trace", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{\"program\": \"\(long)\", \"at\": \"1\"}")) { response in
                #expect(response.status == .contentTooLarge)
                let error = try #require(try Self.json(response.body)["error"] as? [String: Any])
                #expect((error["message"] as? String)?.contains("at most") == true || (error["message"] as? String)?.contains("larger") == true)
            }
            // Under the limit, a long program in a POST body is traced.
            let fine = String(repeating: "x+", count: 2000) + "x"
            try await client.execute(uri: "/api/trace", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{\"program\": \"\(fine)\", \"at\": 2}")) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response.body)
                #expect(body["value"] as? Double == 4002)
            }
            // A form body, as an HTML form posts it (`+` is a space there, `%2B` a plus).
            try await client.execute(uri: "/api/trace", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "program=x%2B1&at=2")) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response.body)
                #expect(body["value"] as? Double == 3)
            }
        }
    }

    @Test func unknownRoutesAndPathsOutsideTheLessonsAre404() async throws {
        try await TestServer.liveClient(Self.server(lessons: true)) { client in
            for path in ["/nothing", "/api/nothing", "/lessons/../../etc/passwd", "/lessons/..%2F..%2Fetc%2Fpasswd", "/lessons/%2e%2e/%2e%2e/etc/passwd",
                         "/lessons/no-such-lesson/", "/lessons/03-reverse-mode/../../Package.swift", "/lessons/README/", "/lessons/03-reverse-mode/..%2F..%2FPackage.swift"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .notFound, "\(path) → \(response.status)")
                    #expect(!String(buffer: response.body).contains("swift-tools-version"), "\(path)")
                    #expect(!String(buffer: response.body).contains("root:"), "\(path)")
                    // A page address gets a page with the way back; the API keeps its JSON.
                    let isPage = !path.hasPrefix("/api/")
                    #expect((response.headers[.contentType]?.hasPrefix("text/html") ?? false) == isPage, "\(path): \(response.headers[.contentType] ?? "")")
                    #expect(String(buffer: response.body).contains("<a href=\"/lessons\">") == isPage, "\(path)")
                    if !isPage {
                        // The API's JSON error, saying which addresses there are.
                        let body = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any], "\(path)")
                        let error = body["error"] as? [String: Any]
                        let message = (error?["message"] as? String) ?? ""
                        #expect(error?["status"] as? Int == 404 && message.contains("/api/trace"), "\(path): \(body)")
                    }
                    #expect(!String(buffer: response.body).contains("passwd") && !String(buffer: response.body).contains("Package.swift"), "\(path): the path is not echoed")
                }
                try await client.execute(uri: path, method: .head) { response in
                    #expect(response.status == .notFound && response.body.readableBytes == 0, "HEAD \(path)")
                }
            }
        }
    }

    @Test func theExploreModelCarriesEveryNodesSum() async throws {
        let app = Self.server().application()
        try await TestServer.router(app) { client in
            try await client.execute(uri: "/api/explore?" + Self.query([("program", "log(x1*x2)+sin(x2)"), ("at", "2,5")]), method: .get) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response.body)
                let steps = try #require(body["steps"] as? [[String: Any]])
                #expect(steps.count == 3 + 2 + 5 + 2 || steps.count > 6)
                let nodes = try #require(body["nodes"] as? [[String: Any]])
                let v0 = try #require(nodes.first { $0["id"] as? String == "v0" })
                // x2 feeds v1 = x1·x2 and v3 = sin(x2): its adjoint is a sum of two terms.
                #expect((v0["consumers"] as? [String])?.count == 2)
                let row = try #require(v0["adjoint_row"] as? [String: Any])
                #expect((row["definition"] as? String)?.contains("+") == true)
                #expect(abs((row["value"] as? Double ?? 0) - (2 * 0.1 + cos(5.0))) < 1e-15)
                #expect(row["shown"] as? String == "0.4837")
                #expect(body["drawable"] as? Bool == true)
            }
            // NaN stays NaN: a JSON null to compute with, and "NaN" to show.
            try await client.execute(uri: "/api/explore?" + Self.query([("program", "log(x)"), ("at", "-1")]), method: .get) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response.body)
                let nodes = try #require(body["nodes"] as? [[String: Any]])
                let last = try #require(nodes.last)
                #expect(last["value"] is NSNull)
                #expect((last["value_shown"] as? String)?.lowercased().contains("nan") == true)
                #expect((body["warnings"] as? [String])?.isEmpty == false)
            }
        }
    }

    @Test func aFigureFitsItsViewportAndAStepRestylesTheLayout() async throws {
        let server = Self.server()
        let app = server.application()
        try await TestServer.router(app) { client in
            let base = "/api/figure.svg?" + Self.query([("program", "log(x1*x2)+sin(x2)"), ("at", "2,5")])
            var last = ""
            for step in [0, 1, 5, 12] {
                try await client.execute(uri: base + "&step=\(step)", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix("image/svg+xml") == true)
                    let svg = String(buffer: response.body)
                    #expect(svg.contains("<svg"))
                    #expect(svg.contains("width=\"100%\"") && svg.contains("height=\"100%\"") && svg.contains("viewBox="))
                    #expect(svg != last)
                    last = svg
                }
            }
            try await client.execute(uri: base + "&step=99", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: base + "&theme=neon", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
        // Four steps of one program: one layout, four restyles.
        #expect(server.figures.layoutCount == 1)
        #expect(server.figures.restyles >= 4)
    }

    /// The centre of node `id`'s outline (its first path or polygon) in an SVG, rounded to points.
    static func nodeCentre(_ id: String, in svg: String) -> String? {
        guard let group = svg.range(of: "<g id=\"\(id)\" class=\"node\">") ?? svg.range(of: "<g id=\"\(id)\" class=\"node focus\">")
                ?? svg.range(of: "<g id=\"\(id)\" class=\"node focus step\">"),
              let close = svg.range(of: "</g>", range: group.upperBound..<svg.endIndex) else { return nil }
        let body = String(svg[group.upperBound..<close.lowerBound])
        guard let shape = body.range(of: #"( d| points)="[^"]*""#, options: .regularExpression) else { return nil }
        let numbers = body[shape].split(whereSeparator: { !"0123456789.-".contains($0) }).compactMap { Double($0) }
        let xs = stride(from: 0, to: numbers.count - 1, by: 2).map { numbers[$0] }
        let ys = stride(from: 1, to: numbers.count, by: 2).map { numbers[$0] }
        guard let x0 = xs.min(), let x1 = xs.max(), let y0 = ys.min(), let y1 = ys.max() else { return nil }
        return "(\(Int(((x0 + x1) / 2).rounded())), \(Int(((y0 + y1) / 2).rounded())))"
    }

    @Test func anotherPointKeepsTheLayout() async throws {
        let server = Self.server()
        let app = server.application()
        try await TestServer.router(app) { client in
            var places: [String] = []
            for (at, mode) in [("2,5", "both"), ("3,7", "both"), ("-1.5,0.25", "both"), ("3,7", "forward")] {
                let uri = "/api/figure.svg?" + Self.query([("program", "log(x1*x2)+sin(x2)"), ("at", at), ("mode", mode)])
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok)
                    let svg = String(buffer: response.body)
                    places.append(Self.nodeCentre("v3", in: svg) ?? "missing")
                    if at == "3,7" && mode == "both" { #expect(svg.contains("v = 21")) }  // its own numbers: x1·x2 = 21
                }
            }
            // The sin node sits where it sat at the first point: nothing moved.
            #expect(Set(places).count == 1, "\(places)")
            #expect(!places.contains("missing"))
        }
        #expect(server.figures.layoutCount == 1)
    }

    @Test func aGraphTooBigForAPageIsRefusedWithAMessage() async throws {
        let app = Self.server().application()
        // The Explore model too has a limit: 13,000 nested sines are 13,001 nodes.
        let deep = String(repeating: "sin(", count: 13_000) + "x" + String(repeating: ")", count: 13_000)
        try await TestServer.router(app) { client in
            try await client.execute(uri: "/api/explore", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{\"program\": \"\(deep)\", \"at\": \"1\"}")) { response in
                #expect(response.status == .unprocessableContent)
            }
        }
        let program = (1...450).map { "sin(x*\($0))" }.joined(separator: "+")
        try await TestServer.router(app) { client in
            try await client.execute(uri: "/api/figure.svg", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{\"program\": \"\(program)\", \"at\": \"1\"}")) { response in
                #expect(response.status == .unprocessableContent)
                let error = try #require(try Self.json(response.body)["error"] as? [String: Any])
                #expect((error["message"] as? String)?.contains("at most") == true)
            }
        }
    }

    @Test func pagesAreServedWithoutTheNetwork() async throws {
        let app = Self.server(lessons: true).application()
        try await TestServer.router(app) { client in
            for path in ["/", "/follow", "/lessons/"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok, "\(path)")
                    let html = String(buffer: response.body)
                    #expect(html.hasPrefix("<!DOCTYPE html>"))
                    // Nothing from another host: no CDN, no fonts, no scripts from the network.
                    #expect(!html.contains("http://") && !html.contains("https://"), "\(path)")
                    // Its parts are the embedded files, every slot of the shell filled.
                    #expect(!html.contains("{{"), "\(path)")
                    #expect(html.contains(".bar .brand {"), "\(path)")
                }
            }
            try await client.execute(uri: "/", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("<textarea id=\"program\""))
                #expect(html.contains("window.ADVIZ_ROLE = {\"role\": \"explore\"};\nwindow.adviz = window.adviz || {};"))
                #expect(html.contains("window.advizPage = {"))
            }
            try await client.execute(uri: "/lessons/", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("/lessons/03-reverse-mode/"))
                #expect(!html.contains("README"))
            }
            try await client.execute(uri: "/present", method: .get) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/present?token=test-token", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/follow/ZZZZ", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func aLessonPlaysAsItsSlideshow() async throws {
        let app = Self.server(lessons: true).application()
        try await TestServer.router(app) { client in
            try await client.execute(uri: "/lessons/01-computational-graph/", method: .get) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("step-001.svg") || html.contains(".svg"))
                #expect(html.contains("all lessons"))
            }
            try await client.execute(uri: "/lessons/01-computational-graph/step-001.svg", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("<svg"))
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func aRoomNeedsTheTokenAndItsFollowersGetEveryStep() async throws {
        let server = Self.server()
        try await TestServer.live(server) { port in
            let client = SocketClient(port: port)
            try await client.execute(uri: "/api/rooms", method: .post) { response in
                #expect(response.status == .forbidden)
            }
            let code = try await client.execute(uri: "/api/rooms", method: .post, headers: [.authorization: "Bearer test-token"]) { response in
                #expect(response.status == .ok)
                return try #require(try Self.json(response.body)["code"] as? String)
            }
            #expect(code.count == 4)
            // A follower joins, then the presenter sends two states: the follower gets both, in order.
            let state1 = #"{"program":"x^2","at":[3],"mode":"both","step":1}"#
            let state2 = #"{"program":"x^2","at":[3],"mode":"both","step":2}"#
            // The follower is in the room once the server has joined it (after the upgrade's answer).
            let follower = try await TestWebSocket.connect(port: port, path: "/ws/follow/\(code)")
            await server.rooms.waitForFollowers(code, atLeast: 1)
            #expect(await server.rooms.followerCount(code) == 1)
            // The presenter stays connected until the follower has both: a socket closed at once
            // may end the server's handler before it has passed on what it read.
            let received = try await TestWebSocket.with(port: port, path: "/ws/present/\(code)?token=test-token") { _, presenter in
                try await presenter.send(state1)
                try await presenter.send(state2)
                return try await follower.executeThenClose { inbound, outbound in
                    var messages: [String] = []
                    let sender = TextSender(outbound: outbound)
                    for try await text in TextMessages(frames: inbound, sender: sender) {
                        messages.append(text)
                        if messages.count == 2 { break }
                    }
                    try? await sender.close()
                    return messages
                }
            }
            #expect(received == [state1, state2])
            // A late follower lands where the class is.
            #expect(await server.rooms.state(of: code) == state2)
            let late = try await TestWebSocket.with(port: port, path: "/ws/follow/\(code)") { inbound, _ in
                var iterator = inbound.makeAsyncIterator()
                return try await iterator.next()
            }
            #expect(late == state2)
        }
    }
}

/// The figure service draws the next step ahead: a student's → finds it drawn.
@Suite struct FigureServiceTests {
    @Test func theNextStepIsDrawnAhead() async throws {
        let service = FigureService()
        var request = ExploreRequest(program: "log(x1*x2)+sin(x2)", at: "2,5")
        request.precision = 4
        _ = try await service.svg(request, choice: FigureChoice(), step: 1)
        for step in 2...5 {
            // The step ahead is drawn when the queue has nothing else to do: once it is settled.
            await service.settled()
            let hits = service.drawnHits
            _ = try await service.svg(request, choice: FigureChoice(), step: step)
            #expect(service.drawnHits == hits + 1, "step \(step) was not drawn ahead")
        }
        #expect(service.layoutCount == 1)
    }
}

extension FigureServiceTests {
    @Test func theNextStepIsDrawnAheadOverHTTP() async throws {
        let server = ClassroomServerTests.server()
        let app = server.application()
        try await TestServer.router(app) { client in
            let base = "/api/figure.svg?" + ClassroomServerTests.query([("program", "log(x1*x2)+sin(x2)"), ("at", "2,5")])
            try await client.execute(uri: base + "&step=1", method: .get) { #expect($0.status == .ok) }
            for step in 2...4 {
                await server.figures.settled()
                let hits = server.figures.drawnHits
                try await client.execute(uri: base + "&step=\(step)", method: .get) { #expect($0.status == .ok) }
                #expect(server.figures.drawnHits == hits + 1, "step \(step) was not drawn ahead")
            }
        }
    }
}
