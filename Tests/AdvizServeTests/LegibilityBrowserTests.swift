import BrowserDriver
import Foundation
import Testing
@testable import AdvizServe

/// The Explore page read from the back of a room: at 1280×720, at every step of the mission
/// example and of the neuron, the figure's text a person can see has a median of at least 13 CSS
/// px and a 25th percentile of at least 11 px (font size times the drawing's scale on screen).
@Suite(.serialized, .enabled(if: chromiumIsInstalled, "needs Chromium (Debian's `chromium`); skipped without it"))
struct LegibilityBrowserTests {
    /// The sizes (CSS px) of the texts of the figure a person can see: in the pane, within the
    /// window, not blank, not painted in the background colour (room kept for numbers to come).
    static let measure = """
        (() => {
          const pane = document.getElementById('figure'), svg = pane.querySelector(':scope > svg');
          if (!svg) return [];
          const p = pane.getBoundingClientRect();
          const region = { left: Math.max(0, p.left), top: Math.max(0, p.top), right: Math.min(innerWidth, p.right), bottom: Math.min(innerHeight, p.bottom) };
          const paper = svg.querySelector('g.graph > polygon'), background = ((paper && paper.getAttribute('fill')) || 'white').toLowerCase();
          const sizes = [];
          for (const t of svg.querySelectorAll('text')) {
            if (!t.textContent.trim() || (t.getAttribute('fill') || '').toLowerCase() === background) continue;
            const r = t.getBoundingClientRect();
            if (r.right <= region.left || r.left >= region.right || r.bottom <= region.top || r.top >= region.bottom) continue;
            sizes.push(parseFloat(t.getAttribute('font-size') || '14') * t.getScreenCTM().a);
          }
          return sizes;
        })()
        """

    /// The median and 25th percentile of `sizes` (0 when empty).
    static func summary(_ sizes: [Double]) -> (median: Double, quartile: Double) {
        let sorted = sizes.sorted()
        guard !sorted.isEmpty else { return (0, 0) }
        return (sorted[sorted.count / 2], sorted[sorted.count / 4])
    }

    static let examples: [(name: String, program: String, at: String)] = [
        ("the mission example", "log(x1*x2) + sin(x2)", "2,5"),
        ("the neuron", "n = x1*w1 + x2*w2 + b\no = tanh(n)", "2,-3,0,1,6.8813735870195432"),
    ]

    @Test(arguments: examples.indices)
    func exploreTextReadsAt1280x720(_ index: Int) async throws {
        let example = Self.examples[index]
        try await ClassroomBrowserTests.withServer { _, base in
            try await HeadlessBrowser.withBrowser { browser in
                let query = "/?program=" + example.program.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "&at=" + example.at
                let page = try await browser.open(base + query, width: 1280, height: 720)
                try await page.wait(until: "window.advizPage && advizPage.model() && document.querySelector('#figure > svg')", "the figure")
                let steps: Int = try await page.value("advizPage.model().steps.length")
                var all: [Double] = []
                var worst = (step: -1, median: Double.infinity, quartile: Double.infinity)
                for step in 0...steps {
                    try await page.evaluate("advizPage.showStep(\(step))")
                    try await page.wait(until: "advizPage.state().step === \(step) && document.querySelector('#figure > svg')", "step \(step)")
                    let sizes: [Double] = try await page.value(Self.measure)
                    let (median, quartile) = Self.summary(sizes)
                    #expect(!sizes.isEmpty, "\(example.name), step \(step): no text in view")
                    #expect(median >= 13, "\(example.name), step \(step): median text \(median) px")
                    #expect(quartile >= 11, "\(example.name), step \(step): 25th percentile \(quartile) px")
                    if median < worst.median { worst = (step, median, quartile) }
                    all += sizes
                    if step == 0 || step == steps / 2 || step == steps {
                        try await page.screenshot(to: screenshotFolder + "/explore-\(index)-step-\(step).png")
                    }
                }
                let (median, quartile) = Self.summary(all)
                print("legibility: Explore, \(example.name): \(steps + 1) steps, median \(String(format: "%.1f", median)) px, 25th percentile \(String(format: "%.1f", quartile)) px; lowest step \(worst.step): \(String(format: "%.1f / %.1f", worst.median, worst.quartile)) px")
                // The whole graph is a key away, and the camera follows the step again after it.
                try await page.press("w", code: 87)
                try await page.wait(until: "document.getElementById('figure').dataset.view === 'whole' || document.getElementById('figure').dataset.view === 'fit'", "the whole graph")
                try await page.screenshot(to: screenshotFolder + "/explore-\(index)-whole.png")
                try await page.press("w", code: 87)
                try await page.wait(until: "document.getElementById('figure').dataset.view !== 'whole'", "the step again")
            }
        }
    }
}
