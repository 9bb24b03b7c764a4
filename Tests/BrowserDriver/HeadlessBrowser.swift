import Foundation
import NIOCore
import NIOWebSocket

/// Headless Chromium driven over the DevTools protocol, as a person drives a browser: pages
/// opened by address, keys pressed and text typed into the focused element, the mouse clicked
/// at a place on the screen, and the page's state read back by evaluating JavaScript in it.
///
/// One browser serves every test of the process: it starts at the first ``withBrowser(_:)`` and
/// quits when the process ends (a start-up costs about half a second of CPU, and the browser
/// tests once started 50 of them). Each ``withBrowser(_:)`` has a browser context of its own
/// (its own cookies, storage and windows) over a connection of its own, so tests that share the
/// browser share no state and may run at once.
public enum HeadlessBrowser {
    /// The browser's path, if one is installed (Debian's `chromium`, or Chrome).
    public static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            for folder in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return "\(folder)/\(name)"
            }
        }
        return nil
    }()

    public struct Failure: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// Runs `body` with a browser context of its own in the shared browser, and closes the
    /// context (every page it opened) afterwards.
    public static func withBrowser<T: Sendable>(_ body: @escaping @Sendable (DevTools) async throws -> T) async throws -> T {
        let endpoint = try await SharedBrowser.shared.endpoint()
        // Closing our side ends the inbound messages, and so the reading task.
        return try await TestWebSocket.with(port: endpoint.port, path: endpoint.path, maxFrameSize: 1 << 26) { inbound, outbound in
            let devtools = DevTools(outbound: outbound)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // A browser that quits or crashes ends the messages: every command still waiting
                    // for its answer (and every later one) fails instead of hanging the test.
                    do {
                        for try await text in inbound { await devtools.receive(text) }
                    } catch {}
                    await devtools.connectionEnded()
                }
                defer { group.cancelAll() }
                try await devtools.openContext()
                let result: Result<T, any Error>
                do { result = .success(try await body(devtools)) } catch { result = .failure(error) }
                await devtools.closeContext()
                try? await outbound.close()
                return try result.get()
            }
        }
    }
}

/// The one Chromium process of the test process, started on first use.
///
/// It runs under a small shell that reads its standard input, a pipe only this process writes:
/// when the tests end (or crash), the pipe closes, and the shell quits the browser and removes its
/// profile, so no browser outlives the tests. (It does not `wait` for the browser: dash's `wait`
/// once hung on the browser's exited process; the shell's own exit hands it to init.)
actor SharedBrowser {
    static let shared = SharedBrowser()

    private var started: Task<(port: Int, path: String), any Error>?
    /// The watchdog shell, and the write end of its pipe, held for the life of the process.
    private var watchdog: Process?
    private var lifeline: Pipe?

    func endpoint() async throws -> (port: Int, path: String) {
        if let started { return try await started.value }
        let task = Task { try await launch() }
        started = task
        return try await task.value
    }

    private func launch() async throws -> (port: Int, path: String) {
        guard let executable = HeadlessBrowser.executable else { throw HeadlessBrowser.Failure(description: "Chromium is not installed") }
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-devtools-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        let watchdog = #"""
            "$0" "$@" </dev/null >/dev/null 2>&1 & browser=$!
            while read -r _; do :; done
            kill "$browser" 2>/dev/null; sleep 2; rm -rf "$ADVIZ_BROWSER_PROFILE"
            """#
        process.arguments = [
            "-c", watchdog, executable,
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars", "--mute-audio",
            // No work besides the pages (updates, sync, metrics, translation): the tests share two cores.
            "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
            "--disable-extensions", "--disable-sync", "--disable-breakpad", "--metrics-recording-only",
            "--password-store=basic", "--disable-features=Translate,MediaRouter,OptimizationHints",
            // Pages adviz writes to files read the files beside them (the probe reads the SVG an `<img>` shows).
            "--allow-file-access-from-files",
            "--remote-debugging-port=0", "--remote-allow-origins=*", "--user-data-dir=\(profile.path)",
            "--window-size=1400,900", "about:blank",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["ADVIZ_BROWSER_PROFILE"] = profile.path
        process.environment = environment
        let pipe = Pipe()
        process.standardInput = pipe
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.watchdog = process
        lifeline = pipe
        // Chromium writes its port and the browser's path into the profile once it listens.
        let portFile = profile.appendingPathComponent("DevToolsActivePort")
        var lines: [Substring] = []
        for _ in 0..<600 {
            if let text = try? String(contentsOf: portFile, encoding: .utf8) {
                lines = text.split(separator: "\n")
                if lines.count >= 2 { break }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard lines.count >= 2 else { throw HeadlessBrowser.Failure(description: "Chromium did not open its DevTools port") }
        guard let port = Int(lines[0]) else { throw HeadlessBrowser.Failure(description: "Chromium wrote no port: \(lines[0])") }
        return (port, String(lines[1]))
    }
}

/// The DevTools connection: commands by id, their answers matched back.
public actor DevTools {
    private let outbound: TextSender
    private var nextID = 0
    private var waiting: [Int: CheckedContinuation<String, any Error>] = [:]
    /// The browser context this connection's pages open in (``HeadlessBrowser/withBrowser(_:)``).
    private var context: String?
    /// Whether the connection has ended: no answer will come.
    private var ended = false

    init(outbound: TextSender) {
        self.outbound = outbound
    }

    /// Sends `method` with `params` (to a page's `session`), and returns the answer's `result` as JSON text.
    public func send(_ method: String, _ params: [String: any Sendable] = [:], session: String? = nil) async throws -> String {
        nextID += 1
        let id = nextID
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if let session { message["sessionId"] = session }
        let text = String(decoding: try JSONSerialization.data(withJSONObject: message), as: UTF8.self)
        return try await withCheckedThrowingContinuation { continuation in
            guard !ended else { return continuation.resume(throwing: Self.connectionLost) }
            waiting[id] = continuation
            Task { do { try await outbound.send(text) } catch { self.fail(id, error) } }
        }
    }

    static let connectionLost = HeadlessBrowser.Failure(description: "the DevTools connection ended (did the browser quit or crash?)")

    /// Fails every command waiting for an answer, and every later one.
    func connectionEnded() {
        ended = true
        let pending = waiting
        waiting = [:]
        for continuation in pending.values { continuation.resume(throwing: Self.connectionLost) }
    }

    private func fail(_ id: Int, _ error: any Error) {
        waiting.removeValue(forKey: id)?.resume(throwing: error)
    }

    func receive(_ text: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], let id = object["id"] as? Int,
              let continuation = waiting.removeValue(forKey: id) else { return }
        if let error = object["error"] {
            continuation.resume(throwing: HeadlessBrowser.Failure(description: "DevTools: \(error)"))
        } else {
            let result = object["result"] ?? [:]
            continuation.resume(returning: String(decoding: (try? JSONSerialization.data(withJSONObject: result)) ?? Data("{}".utf8), as: UTF8.self))
        }
    }

    /// A browser context of this connection's own: its pages share nothing with other tests' pages.
    func openContext() async throws {
        let created = try DevToolsJSON.object(try await send("Target.createBrowserContext"))
        context = try DevToolsJSON.string(created["browserContextId"])
    }

    /// Closes the context and every page in it.
    func closeContext() async {
        guard let context else { return }
        self.context = nil
        _ = try? await send("Target.disposeBrowserContext", ["browserContextId": context])
    }

    /// Opens `url` in a new page and returns it.
    public func open(_ url: String, width: Int = 1400, height: Int = 900) async throws -> BrowserPage {
        var parameters: [String: any Sendable] = ["url": "about:blank"]
        if let context { parameters["browserContextId"] = context }
        let target = try DevToolsJSON.object(try await send("Target.createTarget", parameters))
        let targetID = try DevToolsJSON.string(target["targetId"])
        let attached = try DevToolsJSON.object(try await send("Target.attachToTarget", ["targetId": targetID, "flatten": true]))
        let page = BrowserPage(devtools: self, session: try DevToolsJSON.string(attached["sessionId"]))
        _ = try await page.send("Page.enable")
        _ = try await page.send("Emulation.setDeviceMetricsOverride", ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 800])
        _ = try await page.send("Page.navigate", ["url": url])
        return page
    }
}

/// One page (tab) of the browser.
public struct BrowserPage: Sendable {
    public let devtools: DevTools
    public let session: String

    public func send(_ method: String, _ params: [String: any Sendable] = [:]) async throws -> String {
        try await devtools.send(method, params, session: session)
    }

    /// Evaluates `expression` in the page (awaiting a promise), and returns its value as JSON text.
    @discardableResult
    public func evaluate(_ expression: String) async throws -> String {
        let answer = try DevToolsJSON.object(try await send("Runtime.evaluate", ["expression": expression, "awaitPromise": true, "returnByValue": true]))
        if let exception = answer["exceptionDetails"] as? [String: Any] {
            throw HeadlessBrowser.Failure(description: "the page threw: \((exception["exception"] as? [String: Any])?["description"] ?? exception["text"] ?? "?")")
        }
        let result = answer["result"] as? [String: Any] ?? [:]
        guard let value = result["value"] else { return "null" }
        return String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]), as: UTF8.self)
    }

    /// The value of `expression` decoded as `T`.
    public func value<T: Decodable>(_ expression: String, as type: T.Type = T.self) async throws -> T {
        try JSONDecoder().decode(T.self, from: Data(try await evaluate(expression).utf8))
    }

    /// Waits until `condition` (JavaScript) is true, up to `seconds`; throws with `what` otherwise.
    public func wait(until condition: String, _ what: String, seconds: Double = 45) async throws {
        let start = Date()
        let deadline = start.addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? await evaluate("!!(\(condition))")) == "true" {
                // A slow wait is worth knowing about, though it passed.
                if Date().timeIntervalSince(start) > 2 { print("note: waited \(Int(Date().timeIntervalSince(start) * 1000)) ms for \(what)") }
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HeadlessBrowser.Failure(description: "timed out waiting for \(what) (\(condition))")
    }

    /// Presses a key, as the keyboard sends it to the focused element.
    public func press(_ key: String, code: Int, modifiers: Int = 0) async throws {
        for type in ["keyDown", "keyUp"] {
            _ = try await send("Input.dispatchKeyEvent", ["type": type, "key": key, "code": key, "windowsVirtualKeyCode": code, "nativeVirtualKeyCode": code, "modifiers": modifiers])
        }
    }

    /// Types `text` into the focused element.
    public func type(_ text: String) async throws {
        _ = try await send("Input.insertText", ["text": text])
    }

    /// Clicks with the mouse at the middle of the element `selector` finds.
    public func click(_ selector: String) async throws {
        let point: [Double] = try await value("(() => { const e = document.querySelector(\(DevToolsJSON.quoted(selector))); if (!e) return null; e.scrollIntoView({block: 'nearest'}); const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()")
        for type in ["mousePressed", "mouseReleased"] {
            _ = try await send("Input.dispatchMouseEvent", ["type": type, "x": point[0], "y": point[1], "button": "left", "clickCount": 1])
        }
    }

    /// A PNG of what the page shows.
    public func screenshot(to path: String) async throws {
        // A tab in the background draws no frames, and its screenshot would wait for one.
        _ = try await send("Page.bringToFront")
        let answer = try DevToolsJSON.object(try await send("Page.captureScreenshot", ["format": "png"]))
        guard let data = Data(base64Encoded: try DevToolsJSON.string(answer["data"])) else { throw HeadlessBrowser.Failure(description: "no screenshot") }
        try data.write(to: URL(fileURLWithPath: path))
    }
}

/// Small JSON helpers for DevTools answers.
public enum DevToolsJSON {
    public static func object(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { throw HeadlessBrowser.Failure(description: "not a JSON object: \(text.prefix(200))") }
        return object
    }

    public static func string(_ value: Any?) throws -> String {
        guard let text = value as? String else { throw HeadlessBrowser.Failure(description: "expected a string, got \(String(describing: value))") }
        return text
    }

    public static func quoted(_ text: String) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: text, options: [.fragmentsAllowed])) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}
