import AdvizCore
import AdvizFigures
import Foundation

/// The classroom's pages: one Explore page in three roles (on one's own, presenting, following),
/// and the small pages around it. Everything a page needs — style, script, figures from the API —
/// comes from the server itself: no network, no CDN, so it works in a classroom without internet.
enum ClassroomPage {
    /// Exploring alone.
    case explore
    /// Driving room steps for followers; the page holds the presenter token.
    case present(token: String)
    /// Following room `code`.
    case follow(code: String)

    /// The page's HTML: the shell, the style, the role, the script.
    func html() -> String {
        let role: String
        switch self {
        case .explore: role = #"{"role": "explore"}"#
        case .present(let token): role = #"{"role": "present", "token": "\#(token)"}"#
        case .follow(let code): role = #"{"role": "follow", "code": "\#(code)"}"#
        }
        return ClassroomPage.shell(title: "adviz · Explore", body: ClassroomPage.exploreBody, script: "window.ADVIZ_ROLE = \(role);\n" + FigureCamera.script + "\n" + ClassroomPage.exploreScript)
    }

    /// A page of its own: a shell with the site's bar and a body.
    static func shell(title: String, body: String, script: String = "") -> String {
        page.filled(["title": htmlEscaped(title), "style": style + FigureCamera.style(background: "var(--bg)"), "body": body, "script": script])
    }

    /// A page that says one thing (a missing room, a missing token).
    static func message(title: String, text: String) -> String {
        shell(title: "adviz · \(title)", body: "<main class=\"message\"><h1>\(htmlEscaped(title))</h1><p>\(text)</p><p><a href=\"/\">Explore on your own</a></p></main>")
    }

    /// The form a student types the room's code in.
    static func joinForm() -> String {
        shell(title: "adviz · Follow a class", body: """
            <main class="message"><h1>Follow a class</h1>
            <p>Type the four letters on the projector.</p>
            <form action="/follow" method="get"><input name="code" id="code" maxlength="8" autocomplete="off" autofocus placeholder="ABCD" style="text-transform:uppercase;font-size:2em;width:6em"> <button>Follow</button></form>
            </main>
            """)
    }

    /// The lesson folder as a list of links.
    static func lessonIndex(_ lessons: [(name: String, title: String)], folder: String?) -> String {
        let items = lessons.map { "<li><a href=\"/lessons/\(htmlEscaped($0.name))/\">\(htmlEscaped($0.title))</a> <span class=\"muted\">\(htmlEscaped($0.name))</span></li>" }
        let body: String
        if folder == nil {
            body = "<p>No lesson folder: start the server with <code>adviz serve --lessons lessons/</code>.</p>"
        } else if items.isEmpty {
            body = "<p>The folder <code>\(htmlEscaped(folder ?? ""))</code> has no lessons (<code>*.md</code> files).</p>"
        } else {
            body = "<ol class=\"lessons\">\(items.joined(separator: "\n"))</ol><p class=\"muted\">Each lesson plays as a slideshow: ←/→ or the slider to step, <kbd>p</kbd> to play. A lesson is built the first time it is opened (a few seconds).</p>"
        }
        return shell(title: "adviz · Lessons", body: "<main class=\"message wide\"><h1>Lessons</h1>\(body)</main>")
    }

    /// A lesson's slideshow with a link back to the lesson list in its corner.
    static func withLessonBar(_ page: String, name: String) -> String {
        let link = "<a href=\"/lessons/\" style=\"position:fixed;right:12px;top:52px;z-index:9;font:13px system-ui,sans-serif;background:#fffe;color:#0b5cad;padding:3px 8px;border-radius:6px;border:1px solid #ccc;text-decoration:none\">↩ all lessons</a>"
        guard let end = page.range(of: "</body>", options: .backwards) else { return page + link }
        return page.replacingCharacters(in: end, with: link + "</body>")
    }

    // The page's parts are files in Resources/, embedded in the binary when it is built
    // (`.embedInCode` in Package.swift): the installed `adviz` needs nothing beside it.

    /// Every page's shell (Resources/page.html): the site's bar, a body, a script.
    static let page = HTMLTemplate(PackageResources.page_html)
    /// The Explore page's body (Resources/explore.html): the side panel and the stage.
    static let exploreBody = HTMLTemplate.text(PackageResources.explore_html)
    /// The classroom's style sheet (Resources/classroom.css).
    static let style = HTMLTemplate.text(PackageResources.classroom_css)
    /// The Explore page's script (Resources/explore.js): the state in the URL, the trace from
    /// `/api/explore`, the figure of each step from `/api/figure.svg`, the inspector, practice,
    /// descent, and the presenter's room over a WebSocket. Plain JavaScript, no library.
    static let exploreScript = HTMLTemplate.text(PackageResources.explore_js)
}
