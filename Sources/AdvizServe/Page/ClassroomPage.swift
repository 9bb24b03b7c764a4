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
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(htmlEscaped(title))</title>
        <style>\(style)\(FigureCamera.style(background: "var(--bg)"))</style>
        </head>
        <body>
        <header class="bar">
          <a class="brand" href="/">adviz</a>
          <nav><a href="/">Explore</a><a href="/lessons/">Lessons</a><a href="/follow">Follow a class</a></nav>
          <span id="role"></span>
        </header>
        \(body)
        <script>\(script)</script>
        </body>
        </html>
        """
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

    static let exploreBody = """
        <main class="explore">
          <section class="side">
            <label for="program" class="head">Program</label>
            <textarea id="program" spellcheck="false" rows="3" aria-label="program"></textarea>
            <div class="row small"><button id="go" title="Ctrl+Enter">Trace</button>
              <select id="examples" aria-label="examples" style="flex:1;min-width:0;max-width:100%"><option value="">Examples…</option></select></div>
            <pre id="error" class="error" hidden></pre>
            <div id="point"></div>
            <div class="row small">
              <label>Mode <select id="mode"><option value="both">both</option><option value="forward">forward</option><option value="reverse">reverse</option></select></label>
              <label id="wrtbox">ẋ = 1 for <select id="wrt"></select></label>
              <label id="ybarbox">ȳ <input id="ybar" size="6" placeholder="1"></label>
            </div>
            <div class="row small">
              <label>Show <select id="show"><option value="all">all</option><option value="values">values</option><option value="values,tangents">values, tangents</option><option value="values,adjoints">values, adjoints</option></select></label>
              <label>Theme <select id="theme"><option>light</option><option>dark</option><option>print</option></select></label>
            </div>
            <div class="tabs" role="tablist">
              <button role="tab" data-tab="inspect" class="on">Inspect</button><button role="tab" data-tab="practice">Practice</button><button role="tab" data-tab="descent">Descent</button>
            </div>
            <div id="tab-inspect" class="tab">
              <p class="muted" id="inspect-hint">Click a node of the graph to see its value, tangent and adjoint, and the chain-rule sum that makes its adjoint.</p>
              <div id="inspector"></div>
            </div>
            <div id="tab-practice" class="tab" hidden>
              <p class="muted">adviz hides one number; work it out from the figure, as the trace would. Answers are checked at the digits shown.</p>
              <div id="question"></div>
              <div class="row"><button id="next-question">New question</button> <span id="score" class="score">0 / 0</span></div>
            </div>
            <div id="tab-descent" class="tab" hidden>
              <p class="muted">Gradient descent on the first output: each step moves the point by −η·∇f.</p>
              <div class="row small"><label>η <input id="rate" value="0.1" size="6"></label>
                <button id="descend">Step</button><button id="descend10">10 steps</button><button id="descent-reset">Reset</button></div>
              <div id="descent-landscape"></div>
              <div id="descent-plot"></div>
              <div id="descent-log" class="mono small"></div>
            </div>
            <div id="warnings" class="warnings"></div>
          </section>
          <section class="stage">
            <div id="banner" hidden></div>
            <div id="figure" aria-live="polite"><p class="muted">Type a program and press Trace.</p></div>
            <div id="caption" class="caption"></div>
            <div class="controls">
              <button id="first" title="first step (Home)">⇤</button><button id="prev" title="back (←)">←</button>
              <button id="play" title="play or pause (space)">▶ play</button><button id="next" title="next (→)">→</button><button id="last" title="last step (End)">⇥</button>
              <input type="range" id="slider" min="0" max="0" value="0" aria-label="step">
              <span id="stepinfo" class="mono"></span>
              <button id="whole" title="the whole graph, or back to the step (w; + − and the wheel zoom, drag or Shift+arrows pan, 0 returns)">whole graph</button>
              <button id="copylink" title="copy a link to this state">copy link</button>
            </div>
          </section>
        </main>
        """

    static let style = #"""
        :root { --fg:#1a1a1a; --muted:#666; --bg:#fff; --panel:#f6f7f9; --line:#d8dbe0; --accent:#0b5cad; --fwd:#0072B2; --rev:#D55E00; --ok:#1b7f3b; --bad:#b3261e; }
        body.dark { --fg:#e8e8e8; --muted:#a8a8a8; --bg:#1b1d21; --panel:#24272c; --line:#3b3f46; --accent:#6cb4ff; --fwd:#56b4e9; --rev:#f0a35e; }
        body.dark textarea, body.dark input, body.dark select, body.dark button, body.dark .card { background: #2b2f35; color: var(--fg); border-color: var(--line); }
        body.dark .error { background: #3a2323; border-color: #6b3434; color: #ffb4ab; }
        body.dark #banner { background: #3a3320; border-color: #6b5d2a; }
        * { box-sizing: border-box; }
        [hidden] { display: none !important; }
        html, body { height: 100%; margin: 0; }
        body { font: 15px/1.4 system-ui, "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); display: flex; flex-direction: column; }
        .bar { display: flex; align-items: center; gap: 18px; padding: 6px 14px; border-bottom: 1px solid var(--line); background: var(--panel); }
        .bar .brand { font-weight: 700; color: var(--fg); text-decoration: none; font-size: 17px; }
        .bar nav a { margin-right: 14px; color: var(--accent); text-decoration: none; }
        #role { margin-left: auto; font-size: 14px; }
        .explore { flex: 1; min-height: 0; display: grid; grid-template-columns: minmax(300px, 380px) 1fr; }
        .side { padding: 10px 12px; border-right: 1px solid var(--line); overflow: auto; background: var(--panel); }
        .stage { display: flex; flex-direction: column; min-width: 0; min-height: 0; padding: 8px 12px; }
        #figure { flex: 1; min-height: 0; position: relative; overflow: hidden; }
        #figure > p { margin: 1em; }
        #figure g.node[data-node] { cursor: pointer; }
        #figure g.node.picked path, #figure g.node.picked polygon { stroke: #e6a100 !important; stroke-width: 3.5px !important; }
        .head { font-weight: 600; display: block; margin: 4px 0; }
        textarea { width: 100%; font: 15px/1.35 "DejaVu Sans Mono", monospace; padding: 6px; border: 1px solid var(--line); border-radius: 6px; resize: vertical; }
        .row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 6px 0; }
        .small { font-size: 14px; }
        .muted { color: var(--muted); }
        .mono { font-family: "DejaVu Sans Mono", monospace; }
        button { font: inherit; padding: 3px 10px; border: 1px solid var(--line); border-radius: 6px; background: #fff; cursor: pointer; }
        button:hover { border-color: var(--accent); }
        button.on { background: var(--accent); color: #fff; border-color: var(--accent); }
        input, select { font: inherit; max-width: 100%; }
        .error { color: var(--bad); background: #fdf0ef; border: 1px solid #f0c4c0; border-radius: 6px; padding: 6px; white-space: pre; overflow-x: auto; font: 13px/1.3 "DejaVu Sans Mono", monospace; }
        .point-row { display: grid; grid-template-columns: 3.5em 1fr 6em; gap: 6px; align-items: center; margin: 3px 0; }
        .point-row span { font-family: "DejaVu Sans Mono", monospace; text-align: right; }
        .point-row input[type=number] { width: 100%; }
        .tabs { display: flex; gap: 4px; margin: 12px 0 6px; border-bottom: 1px solid var(--line); }
        .tabs button { border-radius: 6px 6px 0 0; border-bottom: none; }
        .caption { font: 17px/1.4 "DejaVu Sans", "Noto Sans", "Liberation Sans", system-ui, sans-serif; padding: 6px 10px; border-left: 5px solid var(--fwd); background: var(--panel); margin: 6px 0; min-height: 2.2em; overflow-x: auto; white-space: nowrap; }
        .caption.reverse { border-left-color: var(--rev); }
        .controls { display: flex; gap: 6px; align-items: center; }
        .controls input[type=range] { flex: 1; }
        .card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; margin: 6px 0; }
        .card h3 { margin: 0 0 4px; font-size: 16px; }
        .card table { border-collapse: collapse; font: 14px/1.5 "DejaVu Sans Mono", monospace; }
        .card td { padding: 0 6px 0 0; vertical-align: top; }
        .sum { font: 15px/1.5 "DejaVu Sans", "Noto Sans", "Liberation Sans", system-ui, sans-serif; white-space: pre-wrap; word-break: break-word; }
        .fwd { color: var(--fwd); } .rev { color: var(--rev); }
        .ok { color: var(--ok); font-weight: 600; } .bad { color: var(--bad); font-weight: 600; }
        .score { font-weight: 600; margin-left: auto; }
        .warnings { color: #8a5a00; font-size: 13px; }
        #banner { padding: 6px 10px; border-radius: 6px; background: #fff7e0; border: 1px solid #f0d48a; margin-bottom: 6px; display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
        #banner .code { font: 700 26px "DejaVu Sans Mono", monospace; letter-spacing: 3px; }
        .message { max-width: 640px; margin: 40px auto; padding: 0 16px; }
        .message.wide { max-width: 860px; }
        .lessons li { margin: 6px 0; font-size: 17px; }
        kbd { border: 1px solid var(--line); border-radius: 4px; padding: 0 4px; font-size: 90%; }
        @media (max-width: 800px) {
          /* A phone: the figure and its controls first (a follower mostly watches), the panel under it; the page scrolls. */
          html, body { height: auto; }
          .explore { display: flex; flex-direction: column; }
          .stage { order: -1; height: 78vh; padding: 6px; }
          .side { border-right: none; border-top: 1px solid var(--line); overflow: visible; }
          .controls { flex-wrap: wrap; }
          .controls input[type=range] { flex-basis: 100%; order: 9; }
          #copylink { display: none; }
          .caption { font-size: 14px; }
          .bar { gap: 10px; } .bar nav a { margin-right: 8px; }
        }
        """#
}
