import Foundation

/// Headless Chromium, for tests that open what adviz writes the way a person does: in a browser.
///
/// A page is opened with `--dump-dom` after a script of the test's (``probeScript``) has run in
/// it; the script writes what it measured into the DOM, and the dump carries it back.
enum Chromium {
    /// The browser's path, if one is installed (Debian's `chromium`, or Chrome).
    static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            for folder in path.split(separator: ":") {
                let candidate = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }()

    /// The measuring script injected into players and slideshows (`probe.js` beside this file).
    static let probeScript: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("probe.js")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? "document.body.append('probe.js is missing')"
    }()

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The DOM of `url` (a file) once its scripts have run, as Chromium serialises it.
    ///
    /// File pages may read files beside them (the probe reads the SVG an `<img>` shows);
    /// virtual time lets timers and image loads finish without waiting in real time.
    static func dumpDOM(_ url: URL, width: Int = 1400, height: Int = 900) throws -> String {
        guard let executable else { throw Failure(description: "Chromium is not installed") }
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--allow-file-access-from-files", "--user-data-dir=\(profile.path)",
            "--virtual-time-budget=15000", "--window-size=\(width),\(height)", "--dump-dom", url.absoluteString,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Read before waiting: a big DOM would fill the pipe and block the browser.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure(description: "chromium exited with \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }

    /// The text of the last element `<tag id="id">…</tag>` in a dumped DOM, entities decoded.
    static func element(_ id: String, tag: String, in dom: String) -> String? {
        guard let open = dom.range(of: "<\(tag) id=\"\(id)\">", options: .backwards),
              let close = dom.range(of: "</\(tag)>", range: open.upperBound..<dom.endIndex) else { return nil }
        return String(dom[open.upperBound..<close.lowerBound])
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&nbsp;", with: "\u{A0}")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// A copy of the page at `page` with the probe injected, opened at `fragment` (`#3`); the probe's report.
    /// With `everySlide`, the probe looks at every slide in turn (for the text sizes) instead of stepping.
    static func probe(page: String, fragment: String = "", width: Int = 1400, height: Int = 900, everySlide: Bool = false) throws -> ProbeReport {
        let html = try String(contentsOfFile: page, encoding: .utf8)
        let copy = (page as NSString).deletingLastPathComponent + "/probe-\(UUID().uuidString).html"
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let flag = everySlide ? "window.ADVIZ_PROBE_ALL = true;\n" : ""
        let injected = html.replacingOccurrences(of: "</body>", with: "<script>\n\(flag)\(probeScript)\n</script>\n</body>")
        try injected.write(toFile: copy, atomically: true, encoding: .utf8)
        var url = URL(fileURLWithPath: copy)
        if !fragment.isEmpty, let withFragment = URL(string: url.absoluteString + fragment) { url = withFragment }
        let dom = try dumpDOM(url, width: width, height: height)
        guard let json = element("adviz-probe", tag: "pre", in: dom) else { throw Failure(description: "the probe wrote no report") }
        do {
            return try JSONDecoder().decode(ProbeReport.self, from: Data(json.utf8))
        } catch {
            throw Failure(description: "the probe's report does not read (\(error)): \(json.prefix(2000))")
        }
    }

    /// Where each node of an SVG lies when the file itself is opened: its box and the SVG's box, in CSS pixels.
    static func svgNodeBoxes(_ svg: [UInt8], width: Int = 1600, height: Int = 1000) throws -> SVGReport {
        let script = """
            <script><![CDATA[
            window.addEventListener('load', () => {
              const box = (r) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
              const root = document.documentElement.getBoundingClientRect();
              const nodes = [...document.querySelectorAll('g.node')].map((g) => ({ id: g.id, box: box(g.getBoundingClientRect()) }));
              const out = document.createElementNS('http://www.w3.org/2000/svg', 'desc');
              out.setAttribute('id', 'adviz-probe');
              out.textContent = JSON.stringify({ root: box(root), page: { left: 0, top: 0, right: innerWidth, bottom: innerHeight }, nodes });
              document.documentElement.appendChild(out);
            });
            ]]></script>
            """
        let text = String(decoding: svg, as: UTF8.self).replacingOccurrences(of: "</svg>", with: script + "</svg>")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-probe-\(UUID().uuidString).svg")
        defer { try? FileManager.default.removeItem(at: file) }
        try text.write(to: file, atomically: true, encoding: .utf8)
        let dom = try dumpDOM(file, width: width, height: height)
        guard let json = element("adviz-probe", tag: "desc", in: dom) else { throw Failure(description: "the SVG probe wrote no report") }
        return try JSONDecoder().decode(SVGReport.self, from: Data(json.utf8))
    }
}

/// A rectangle on the page, in CSS pixels.
struct Box: Decodable, CustomStringConvertible {
    var left, top, right, bottom: Double

    func contains(_ other: Box, slack: Double = 1) -> Bool {
        other.left >= left - slack && other.top >= top - slack && other.right <= right + slack && other.bottom <= bottom + slack
    }

    var description: String { "(\(Int(left)),\(Int(top)))–(\(Int(right)),\(Int(bottom)))" }
}

/// What the SVG probe measured.
struct SVGReport: Decodable {
    struct Node: Decodable { var id: String; var box: Box }
    var root: Box
    var page: Box
    var nodes: [Node]
}

/// What `probe.js` measured in a player or slideshow.
struct ProbeReport: Decodable {
    struct Check: Decodable { var name: String; var ok: Bool }
    struct Node: Decodable { var id: String; var box: Box }
    struct State: Decodable {
        var label: String
        var hash: String
        var image: String
        var caption: String
        var counter: String
        var loaded: Bool
        var imageBox: Box
        var paneBox: Box
        var page: Box
        var nodes: [Node]
        /// The on-screen sizes (CSS px) of the figure's texts a person can see.
        var textSizes: [Double]
        /// The camera's view: `fit` (whole), `focus`, `whole`, `manual`.
        var view: String
        var outside: [String]
        var clipped: [String]
        /// The step's nodes (shapes, not edge labels) wholly out of the figure's pane.
        var hiddenFocus: [String]
        /// The camera's markers on show at the pane's edge, each pointing at a node out of view.
        var markers: [String]
        /// The page header's height (CSS px): the title and the step counter.
        var headerHeight: Double
    }
    var checks: [Check]
    var states: [State]
    var errors: [String]
}

/// True when a Chromium is installed; browser tests are skipped (and reported so) without one.
let chromiumIsInstalled = Chromium.executable != nil
