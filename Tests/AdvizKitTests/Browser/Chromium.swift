import BrowserDriver
import Foundation

/// Headless Chromium, for tests that open what adviz writes the way a person does: in a browser.
///
/// A page is opened in the test run's one browser (``HeadlessBrowser``) after a script of the
/// test's (``probeScript``) has been put in it; the script writes what it measured into an
/// element of the page, and the test reads it back once it is there.
enum Chromium {
    /// The measuring script injected into players and slideshows (`probe.js` beside this file).
    static let probeScript: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("probe.js")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? "document.body.append('probe.js is missing')"
    }()

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The text a page (a file) writes into its element `id` once its scripts have run.
    ///
    /// File pages may read files beside them (the probe reads the SVG an `<img>` shows). The
    /// wait ends when the element appears; its bound only limits a failure.
    static func report(of url: URL, element id: String, width: Int, height: Int) async throws -> String {
        try await HeadlessBrowser.withBrowser { browser in
            let page = try await browser.open(url.absoluteString, width: width, height: height)
            try await page.wait(until: "document.getElementById('\(id)')", "the report in #\(id)", seconds: 120)
            return try await page.value("document.getElementById('\(id)').textContent", as: String.self)
        }
    }

    /// A copy of the page at `page` with the probe injected, opened at `fragment` (`#3`); the probe's report.
    /// With `everySlide`, the probe looks at every slide in turn (for the text sizes) instead of
    /// stepping; with `thenKeys` too, it then steps from the first slide with the keys, as a page
    /// just opened (the report's `stepping`).
    static func probe(page: String, fragment: String = "", width: Int = 1400, height: Int = 900, everySlide: Bool = false, thenKeys: Bool = false) async throws -> ProbeReport {
        let html = try String(contentsOfFile: page, encoding: .utf8)
        let copy = (page as NSString).deletingLastPathComponent + "/probe-\(UUID().uuidString).html"
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let flag = (everySlide ? "window.ADVIZ_PROBE_ALL = true;\n" : "") + (thenKeys ? "window.ADVIZ_PROBE_THEN_KEYS = true;\n" : "")
        let injected = html.replacingOccurrences(of: "</body>", with: "<script>\n\(flag)\(probeScript)\n</script>\n</body>")
        try injected.write(toFile: copy, atomically: true, encoding: .utf8)
        var url = URL(fileURLWithPath: copy)
        if !fragment.isEmpty, let withFragment = URL(string: url.absoluteString + fragment) { url = withFragment }
        let json = try await report(of: url, element: "adviz-probe", width: width, height: height)
        do {
            return try JSONDecoder().decode(ProbeReport.self, from: Data(json.utf8))
        } catch {
            throw Failure(description: "the probe's report does not read (\(error)): \(json.prefix(2000))")
        }
    }

    /// Where each node of an SVG lies when the file itself is opened: its box and the SVG's box, in CSS pixels.
    static func svgNodeBoxes(_ svg: [UInt8], width: Int = 1600, height: Int = 1000) async throws -> SVGReport {
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
        let json = try await report(of: file, element: "adviz-probe", width: width, height: height)
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
    /// With `thenKeys`: the states the keys showed after every slide was looked at.
    var stepping: [State]?
    var errors: [String]
}

/// True when a Chromium is installed; browser tests are skipped (and reported so) without one.
let chromiumIsInstalled = HeadlessBrowser.executable != nil
