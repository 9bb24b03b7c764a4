import BrowserDriver
import Foundation
import Testing
@testable import AdvizServe

/// Links as people write them (#24 item 8), read by the Explore page in Chromium.
@Suite(.serialized, .enabled(if: chromiumIsInstalled, "needs Chromium (Debian's `chromium`); skipped without it"))
struct LinkBrowserTests {
    @Test func formEncodedLinksAndTheCommandLinesPointAreRead() async throws {
        try await ClassroomBrowserTests.withServer { _, base in
            try await HeadlessBrowser.withBrowser { browser in
                // As Python's urlencode writes it: `+` for spaces, `%3D` for `=`; the point as the CLI writes it.
                let page = try await browser.open(base + "/?program=y+%3D+x1+*+x2&at=x1=2,x2=5")
                try await page.wait(until: "window.advizPage && advizPage.model() && advizPage.state().at.length === 2", "the model")
                #expect(try await page.value("advizPage.state().program", as: String.self) == "y = x1 * x2")
                #expect(try await page.value("advizPage.state().at", as: [Double].self) == [2, 5])
                #expect(try await page.value("advizPage.model().values[0]", as: Double.self) == 10)
                // The page's own address (what `copy link` writes) opens the same state again.
                let link = try await page.value("location.href", as: String.self)
                let again = try await browser.open(link)
                try await again.wait(until: "window.advizPage && advizPage.model()", "the model again")
                #expect(try await again.value("advizPage.state().program", as: String.self) == "y = x1 * x2")
                #expect(try await again.value("advizPage.state().at", as: [Double].self) == [2, 5])
                // A plus typed by hand is a plus; a positional point works as before.
                let typed = try await browser.open(base + "/?program=x1+x2&at=2,5")
                try await typed.wait(until: "window.advizPage && advizPage.model()", "the typed link")
                #expect(try await typed.value("advizPage.state().program", as: String.self) == "x1+x2")
                #expect(try await typed.value("advizPage.model().values[0]", as: Double.self) == 7)
            }
        }
    }
}
