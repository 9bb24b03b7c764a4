import AdvizCore
import BrowserDriver
import Foundation
import Testing
@testable import AdvizServe

/// Descent on the landscape (contours for two inputs, the curve for one) and practice that does
/// not repeat itself and says what an answer got wrong, in a real browser.
@Suite(.serialized, .enabled(if: chromiumIsInstalled, "needs Chromium (Debian's `chromium`); skipped without it"))
struct DescentPracticeBrowserTests {
    static func address(_ base: String, _ program: String, at: String) -> String {
        base + "/?program=" + program.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "&at=" + at
    }

    /// Rosenbrock from (−1, 1): ten steps drawn as a path of eleven points over f's contours.
    @Test func descentWalksOnTheContours() async throws {
        try await ClassroomBrowserTests.withServer { _, base in
            try await HeadlessBrowser.withBrowser { browser in
                let page = try await browser.open(Self.address(base, "(x - 1)^2 + 10*(y - x^2)^2", at: "-1,1"))
                try await page.wait(until: "window.advizPage && advizPage.model()", "the trace")
                try await page.click("button[data-tab='descent']")
                try await page.evaluate("document.getElementById('rate').value = '0.01'")
                try await page.click("#descend10")
                try await page.wait(until: "document.querySelectorAll('#descent-landscape circle.path').length === 11", "the path's eleven points on the landscape")
                let contours: Int = try await page.value("document.querySelectorAll('#descent-landscape path.contour').length")
                #expect(contours >= 8, "contour levels drawn")
                let caption: String = try await page.value("document.getElementById('descent-landscape').textContent")
                #expect(caption.contains("contours of f over x, y"))
                // The loss plot is still there beside it.
                #expect(try await page.value("document.querySelectorAll('#descent-plot circle').length", as: Int.self) == 11)
                try await page.screenshot(to: screenshotFolder + "/explore-descent-contours.png")

                // One input: the curve, and the path on it.
                let line = try await browser.open(Self.address(base, "(x-3)^2", at: "0"))
                try await line.wait(until: "window.advizPage && advizPage.model() && advizPage.model().program === '(x-3)^2'", "the trace")
                try await line.click("button[data-tab='descent']")
                try await line.click("#descend10")
                try await line.wait(until: "document.querySelectorAll('#descent-landscape circle.path').length === 11 && document.querySelector('#descent-landscape polyline.curve')", "the curve with the path")
                try await line.screenshot(to: screenshotFolder + "/explore-descent-curve.png")
            }
        }
    }

    /// Eight questions in a row: never the same one twice running; a wrong answer that leaves
    /// out a term is told which.
    @Test func practiceDoesNotRepeatAndNamesTheMissingTerm() async throws {
        try await ClassroomBrowserTests.withServer { _, base in
            try await HeadlessBrowser.withBrowser { browser in
                let page = try await browser.open(Self.address(base, "log(x1*x2)+sin(x2)", at: "2,5"))
                try await page.wait(until: "window.advizPage && advizPage.model()", "the trace")
                try await page.click("button[data-tab='practice']")
                var asked: [String] = []
                for k in 0..<8 {
                    if k > 0 { try await page.click("#next-question") }
                    try await page.wait(until: "advizPage.question() && !advizPage.question().answered && document.getElementById('answer')", "question \(k + 1)")
                    asked.append(try await page.value("advizPage.question().kind + ':' + advizPage.question().id"))
                    try await page.evaluate("advizPage.question().answered = true")
                }
                for (a, b) in zip(asked, asked.dropFirst()) { #expect(a != b, "\(asked)") }

                // v̄₀ = v̄₃·∂v₃/∂v₀ + v̄₁·∂v₁/∂v₀ = cos 5 + 0.2: answering cos 5 alone leaves out v₁'s term.
                try await page.evaluate("""
                    (() => { const n = advizPage.model().nodes.find(n => n.adjoint_row && n.adjoint_row.terms.length === 2);
                      window.__shared = n; })()
                    """)
                let terms: Int = try await page.value("window.__shared.adjoint_row.terms.length")
                #expect(terms == 2)
                let verdict: String = try await page.value("""
                    (() => { const row = window.__shared.adjoint_row; const t = row.terms[0];
                      document.getElementById('answer').value = String(row.value - t.value);
                      return advizPage.diagnosis(document.getElementById('answer').value, row); })()
                    """)
                #expect(verdict.contains("is missing"), "\(verdict)")
            }
        }
    }
}
