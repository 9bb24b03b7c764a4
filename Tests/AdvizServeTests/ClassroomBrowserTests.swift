import AdvizCore
import BrowserDriver
import Foundation
import Hummingbird
import Testing
@testable import AdvizServe

/// True when a Chromium is installed; these tests are skipped (and reported so) without one.
let chromiumIsInstalled = HeadlessBrowser.executable != nil

/// Where the browser tests leave their screenshots, for a person to look at.
let screenshotFolder: String = {
    let folder = ProcessInfo.processInfo.environment["ADVIZ_SCREENSHOTS"] ?? (NSTemporaryDirectory() + "/adviz-serve-screenshots")
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder
}()

/// The classroom in a real browser: a student types, steps with the keyboard, clicks a node,
/// practises and descends; a class follows its teacher.
@Suite(.serialized, .enabled(if: chromiumIsInstalled, "needs Chromium (Debian's `chromium`); skipped without it"))
struct ClassroomBrowserTests {
    /// Runs a live server on a free port for `body`, then stops it.
    static func withServer<T: Sendable>(lessons: Bool = false, _ body: @escaping @Sendable (ClassroomServer, String) async throws -> T) async throws -> T {
        let server = ClassroomServerTests.server(lessons: lessons)
        return try await TestServer.live(server) { port in try await body(server, "http://127.0.0.1:\(port)") }
    }

    @Test func aStudentExplores() async throws {
        try await Self.withServer { _, base in
            try await HeadlessBrowser.withBrowser { browser in
                let page = try await browser.open(base + "/?program=" + "log(x1*x2)+sin(x2)".addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "&at=2,5")
                try await page.wait(until: "window.advizPage && advizPage.model() && document.querySelectorAll('#figure g.node[data-node]').length === 6", "the figure's six nodes")
                // Opened without a step, the page shows the last one: every sweep done.
                #expect(try await page.value("advizPage.state().step", as: Int.self) == 12)

                // Typing a program: a typo is answered in place, with a caret and a hint.
                try await page.click("#program")
                try await page.evaluate("document.getElementById('program').select()")
                try await page.type("x1*x2 + sine(x1)")
                try await page.press("Enter", code: 13, modifiers: 2)  // Ctrl+Enter traces now
                try await page.wait(until: "!document.getElementById('error').hidden", "the error box")
                let error: String = try await page.value("document.getElementById('error').textContent")
                #expect(error.contains("unknown function `sine`"))
                #expect(error.contains("^^^^"))
                #expect(error.contains("did you mean `sin`"))
                try await page.screenshot(to: screenshotFolder + "/explore-error.png")

                try await page.evaluate("document.getElementById('program').select()")
                try await page.type("x1*x2 + sin(x1)")
                try await page.press("Enter", code: 13, modifiers: 2)
                try await page.wait(until: "document.getElementById('error').hidden && advizPage.model().program === 'x1*x2 + sin(x1)'", "the new trace")
                // The URL holds the state, so the teacher can link it.
                let address: String = try await page.value("decodeURIComponent(location.search)")
                #expect(address.contains("program=x1*x2 + sin(x1)"))

                // Stepping with the keyboard.
                try await page.evaluate("document.activeElement.blur()")
                try await page.press("Home", code: 36)
                try await page.wait(until: "advizPage.state().step === 0", "step 0")
                for _ in 0..<3 { try await page.press("ArrowRight", code: 39) }
                try await page.wait(until: "advizPage.state().step === 3", "step 3")
                let caption: String = try await page.value("document.getElementById('caption').textContent")
                let third: String = try await page.value("advizPage.model().steps[2].caption")
                #expect(caption == third)
                try await page.press("ArrowLeft", code: 37)
                try await page.wait(until: "advizPage.state().step === 2", "step 2")
                try await page.press("End", code: 35)
                try await page.wait(until: "advizPage.state().step === advizPage.model().steps.length", "the last step")
                try await page.wait(until: "document.querySelectorAll('#figure g.node[data-node]').length > 0", "the last figure")

                // Clicking x1's node: the inspector shows its adjoint as the sum over its two consumers.
                try await page.click("#figure g.node[data-node='v-1']")
                try await page.wait(until: "document.getElementById('inspector').textContent.includes('v̄₋₁') || document.getElementById('inspector').textContent.includes('v̄-1')", "the inspector")
                let inspector: String = try await page.value("document.getElementById('inspector').textContent")
                let row: [String: String] = try await page.value("(() => { const r = advizPage.model().nodes.find(n => n.id === 'v-1').adjoint_row; return { definition: r.definition, substituted: r.substituted, shown: r.shown }; })()")
                #expect(inspector.contains(row["definition"]!))
                #expect(inspector.contains(row["substituted"]!))
                #expect(row["definition"]!.contains("+"), "x1 feeds x1*x2 and sin(x1): its adjoint is a sum")
                // ∂/∂x1 of x1·x2 + sin(x1) at (2, 5) is x2 + cos(x1) = 5 + cos 2.
                #expect(row["shown"] == NumberFormatTest.four(5 + cos(2.0)))
                try await page.screenshot(to: screenshotFolder + "/explore-inspector.png")

                // Practice: a right answer scores, a wrong one shows the sum that makes it.
                try await page.click("button[data-tab='practice']")
                try await page.wait(until: "advizPage.question() && document.getElementById('answer')", "a question")
                let right: String = try await page.value("(() => { const q = advizPage.question(); const n = advizPage.model().nodes.find(n => n.id === q.id); return n[q.kind + '_row'].shown; })()")
                try await page.click("#answer")
                try await page.type(right)
                try await page.press("Enter", code: 13)
                try await page.wait(until: "document.getElementById('score').textContent === '1 / 1'", "a right answer scored")
                #expect(try await page.value("document.getElementById('verdict').textContent", as: String.self).contains("Right"))
                try await page.click("#next-question")
                try await page.wait(until: "advizPage.question() && !advizPage.question().answered && document.getElementById('answer')", "a second question")
                try await page.click("#answer")
                try await page.type("12345.678")
                try await page.press("Enter", code: 13)
                try await page.wait(until: "document.getElementById('score').textContent === '1 / 2'", "a wrong answer counted")
                let verdict: String = try await page.value("document.getElementById('verdict').textContent")
                let sum: String = try await page.value("(() => { const q = advizPage.question(); const n = advizPage.model().nodes.find(n => n.id === q.id); return n[q.kind + '_row'].substituted; })()")
                #expect(verdict.contains("Not quite") && verdict.contains(sum))
                try await page.screenshot(to: screenshotFolder + "/explore-practice.png")

                // Descent on (x − 3)²: ten steps of η = 0.1 bring x from 0 to 3·(1 − 0.8¹⁰).
                let descent = try await browser.open(base + "/?program=" + "(x-3)^2".addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "&at=0")
                try await descent.wait(until: "window.advizPage && advizPage.model() && advizPage.model().program === '(x-3)^2'", "the descent trace")
                try await descent.click("button[data-tab='descent']")
                try await descent.click("#descend10")
                try await descent.wait(until: "document.querySelectorAll('#descent-plot circle').length === 11", "ten descent steps plotted")
                let x: Double = try await descent.value("advizPage.state().at[0]")
                #expect(abs(x - 3 * (1 - pow(0.8, 10))) < 1e-9)
                try await descent.screenshot(to: screenshotFolder + "/explore-descent.png")
            }
        }
    }

    /// A link whose program does not read: the error box points at it, and the figure's pane
    /// says to fix it (it said "Type a program and press Trace." under a program).
    @Test func aLinkedProgramWithATypoSaysWhereAndWhatToDo() async throws {
        try await Self.withServer { _, base in
            try await HeadlessBrowser.withBrowser { browser in
                let page = try await browser.open(base + "/?program=" + "log(x1*x2)+sinn(x2)".addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "&at=2,5")
                try await page.wait(until: "!document.getElementById('error').hidden", "the error box")
                let error: String = try await page.value("document.getElementById('error').textContent")
                #expect(error.contains("sinn") && error.contains("did you mean `sin`"), "\(error)")
                let pane: String = try await page.value("document.getElementById('figure').textContent")
                #expect(pane.contains("fix it and press Trace") && !pane.contains("Type a program"), "\(pane)")
            }
        }
    }

    @Test func aPhoneHeldUprightDrawsTheGraphTopToBottom() async throws {
        try await Self.withServer { _, base in
            try await HeadlessBrowser.withBrowser { browser in
                let phone = try await browser.open(base + "/?program=" + "x1*x2 + sin(x1)".addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "&at=2,5", width: 400, height: 800)
                try await phone.wait(until: "window.advizPage && advizPage.model() && document.querySelector('#figure svg')", "the figure")
                // The server chose the direction that draws the graph larger in the tall pane: top to bottom.
                // (the input x1 above the output, rather than to its left).
                let input: [Double] = try await phone.value("(() => { const r = document.querySelector('#figure g.node#v-1').getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()")
                let output: [Double] = try await phone.value("(() => { const r = document.querySelector('#figure g.node#v3').getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()")
                #expect(output[1] - input[1] > abs(output[0] - input[0]), "x1 at \(input), the output at \(output)")
                // The figure comes first, above the program box.
                let figureTop: Double = try await phone.value("document.getElementById('figure').getBoundingClientRect().top")
                let programTop: Double = try await phone.value("document.getElementById('program').getBoundingClientRect().top")
                #expect(figureTop < programTop)
                try await phone.screenshot(to: screenshotFolder + "/phone.png")
            }
        }
    }

    @Test func aClassFollowsItsTeacher() async throws {
        try await Self.withServer { server, base in
            try await HeadlessBrowser.withBrowser { browser in
                let teacher = try await browser.open(base + "/present?token=test-token&program=" + "x1*x2 + sin(x1)".addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "&at=2,5")
                // The presenter's page opens a room and shows its code.
                try await teacher.wait(until: "document.querySelector('#banner .code')", "the room's code")
                let code: String = try await teacher.value("document.querySelector('#banner .code').textContent")
                #expect(code.count == 4)
                // The token is not left in the address bar the projector shows.
                let address: String = try await teacher.value("location.href")
                #expect(!address.contains("test-token"))
                let students = try await [browser.open(base + "/follow/\(code)"), browser.open(base + "/follow/\(code)")]
                for student in students {
                    try await student.wait(until: "window.advizPage && advizPage.model() && advizPage.model().program === 'x1*x2 + sin(x1)'", "the class's program")
                }
                try await teacher.wait(until: "document.getElementById('followers').textContent === '2 following'", "two followers counted")
                // The teacher steps with the keyboard; the students' pages move with it.
                try await teacher.evaluate("document.activeElement.blur()")
                try await teacher.press("Home", code: 36)
                for _ in 0..<4 { try await teacher.press("ArrowRight", code: 39) }
                try await teacher.wait(until: "advizPage.state().step === 4", "the teacher at step 4")
                for student in students { try await student.wait(until: "advizPage.state().step === 4", "a student at step 4") }
                try await students[0].screenshot(to: screenshotFolder + "/follow.png")
                try await teacher.screenshot(to: screenshotFolder + "/present.png")
                // One student explores alone: the class goes on without them; rejoining lands where the class is.
                try await students[0].click("#detach")
                try await teacher.press("ArrowRight", code: 39)
                try await students[1].wait(until: "advizPage.state().step === 5", "the class at step 5")
                // The detached student received the class's step 5 too, and stays at 4.
                try await students[0].wait(until: "advizPage.roomState() && advizPage.roomState().step === 5", "the class's step 5 received")
                #expect(try await students[0].value("advizPage.state().step", as: Int.self) == 4)
                try await students[0].click("#rejoin")
                try await students[0].wait(until: "advizPage.state().step === 5", "the student back with the class")
                // A new program reaches everyone.
                try await teacher.click("#program")
                try await teacher.evaluate("document.getElementById('program').select()")
                try await teacher.type("exp(x1)*x2")
                try await teacher.press("Enter", code: 13, modifiers: 2)
                for student in students {
                    try await student.wait(until: "advizPage.model() && advizPage.model().program === 'exp(x1)*x2'", "the new program followed")
                }
                #expect(await server.rooms.followerCount(code) == 2)
                // The teacher's page reloaded (F5) stays in its room: the class is not stranded.
                try await teacher.evaluate("window.beforeReload = true; location.reload()")
                try await teacher.wait(until: "!window.beforeReload && document.querySelector('#banner .code')", "the room's code after a reload")
                #expect(try await teacher.value("document.querySelector('#banner .code').textContent", as: String.self) == code)
            }
        }
    }
}

/// The trace's number format at four digits, for comparing what pages show.
enum NumberFormatTest {
    static func four(_ x: Double) -> String {
        NumberFormat(significantDigits: 4).string(x)
    }
}
