import AdvizOutput
import Foundation
import AdvizCore

/// Writes a figure's step-through: one file per step and an `index.html` that plays them.
public enum FrameSet {
    /// Writes `frame-001.svg` … (one per step) and `index.html` into `folder`; returns the frame paths.
    ///
    /// `progress` is called after each frame with (done, total), for a progress bar.
    @discardableResult
    public static func write(
        _ figure: GraphFigure, to folder: String, format: FigureFormat = .svg,
        title: String, progress: (Int, Int) -> Void = { _, _ in }
    ) throws(AdvizError) -> [String] {
        guard format == .svg || format == .png else {
            throw .invalidArgument("frames are svg or png (the player shows images), not \(format.rawValue)")
        }
        try AdvizError.writing { try AtomicFile.makeFolder(folder) }
        // The player writes each step's caption under the frame, larger than a figure could.
        let renderer = try FigureRenderer(figure, forFrames: true, captionInFigure: false)
        let total = figure.steps.count
        var names: [String] = []
        var focus: [String: SVGFocus] = [:]
        for step in 1...Swift.max(1, total) {
            let name = String(format: "frame-%03d.%@", step, format.rawValue)
            let bytes = try renderer.renderStep(Swift.min(step, total), format)
            try AdvizError.writing { try AtomicFile.write(bytes, to: (folder as NSString).appendingPathComponent(name)) }
            // The camera follows the step (PNG frames are shown whole: no focus read from pixels).
            if format == .svg { focus[name] = SVGFocus(svg: String(decoding: bytes, as: UTF8.self)) }
            names.append(name)
            progress(step, total)
        }
        // A graph with nothing to compute (a constant) still gets one frame and one slide.
        let slides = total == 0
            ? [Slideshow.Slide(image: names[0], caption: "the graph (no steps to compute)", phase: "forward", notes: nil)]
            : zip(names, figure.steps).map { name, step in
                Slideshow.Slide(image: name, caption: step.caption, phase: step.phase.rawValue, notes: nil, focus: focus[name].map { [name: $0] } ?? [:])
            }
        let page = Slideshow(title: title, slides: slides, theme: figure.options.theme)
        try AdvizError.writing { try AtomicFile.write(page.html(), to: (folder as NSString).appendingPathComponent("index.html")) }
        return names.map { (folder as NSString).appendingPathComponent($0) }
    }
}

/// A self-contained HTML page that plays a sequence of images: arrow keys, a slider,
/// play/pause, `#N` links, and a caption per slide. It loads nothing from the network.
///
/// The page fills the window: narration (if any) in a column on the left, and on the right the
/// stage, whose figure takes all the height the caption and the text panels leave it and
/// scales with the window. Text panels (traces, code, tables) shrink their font to fit their
/// width, and wrap as a last resort: a number is never cut off.
///
/// A big figure comes first: when the text panels at full height would shrink it, they get
/// a fifth of the stage (six lines at least) and scroll, the current row (▶) kept in view, and `t` (or the
/// button) hides them. A slide may carry its figure drawn both ways (left to right and top to
/// bottom): the page shows the one that comes out larger in the pane the window leaves it.
public struct Slideshow: Sendable {
    /// One slide: an image beside it in the same folder, a caption, optional narration and panels (HTML).
    public struct Slide: Sendable {
        /// The image file, relative to the page.
        public var image: String
        /// The caption under the image (the step's formula).
        public var caption: String
        /// `forward` or `reverse`: colours the caption's bar.
        public var phase: String
        /// Narration beside the image, as HTML, if any.
        public var notes: String?
        /// Text shown under the figure (a trace, a program, a table), as HTML, if any.
        public var panels: String?
        /// The same figure drawn the other way (top to bottom for left to right), if any: the
        /// page shows whichever of the two comes out larger in its pane.
        public var turned: String?
        /// What the camera needs of each drawing (``SVGFocus``): its focus and readable scale, by image name.
        public var focus: [String: SVGFocus] = [:]

        /// A slide showing `image` with `caption`.
        public init(image: String, caption: String, phase: String, notes: String?, panels: String? = nil, turned: String? = nil, focus: [String: SVGFocus] = [:]) {
            self.image = image
            self.caption = caption
            self.phase = phase
            self.notes = notes
            self.panels = panels
            self.turned = turned
            self.focus = focus
        }
    }

    /// The page title.
    public var title: String
    /// The slides, in order.
    public var slides: [Slide]
    /// Colours, from the figure's theme.
    public var theme: FigureTheme

    /// A slideshow of `slides`.
    public init(title: String, slides: [Slide], theme: FigureTheme = .light) {
        self.title = title
        self.slides = slides
        self.theme = theme
    }

    /// The caption's fonts: a proportional face first, which keeps a combining macron over its
    /// letter and a subscript beside it (`v̄₋₁`), where monospace faces give each its own cell.
    public static let captionFonts = #""DejaVu Sans", "Noto Sans", "Liberation Sans", system-ui, sans-serif"#

    /// The page: one file, with the slides' data inline and only relative image links.
    public func html() -> String {
        let data = JSONValue.array(slides.map { slide in
            .object([
                ("image", .string(slide.image)), ("caption", .string(slide.caption)), ("phase", .string(slide.phase)),
                ("notes", slide.notes.map { .string($0) } ?? .null), ("panels", slide.panels.map { .string($0) } ?? .null),
                ("turned", slide.turned.map { .string($0) } ?? .null),
                ("focus", .object(slide.focus.sorted { $0.key < $1.key }.map { name, focus in
                    (name, .object([
                        ("box", focus.box.map { .array($0.map { .number($0) }) } ?? .null),
                        ("step", focus.step.map { .array($0.map { .number($0) }) } ?? .null),
                        ("readable", .number((focus.readableScale * 1000).rounded() / 1000)),
                    ]))
                })),
            ])
        }).serialized(pretty: false).replacingOccurrences(of: "</", with: "<\\/")
        let hasNotes = slides.contains { $0.notes != nil }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(htmlEscaped(title))</title>
            <style>
              :root { --bg: \(theme.background); --fg: \(theme.text); --muted: \(theme.mutedText); --accent: \(theme.highlight); --tangent: \(theme.tangent); --adjoint: \(theme.adjoint); }
              * { box-sizing: border-box; }
              html, body { height: 100%; }
              body { margin: 0; display: flex; flex-direction: column; background: var(--bg); color: var(--fg); font: 16px/1.5 "DejaVu Sans", system-ui, sans-serif; }
              header { flex: none; display: flex; align-items: baseline; gap: 1em; padding: .5em 1.2em; border-bottom: 1px solid var(--muted); }
              header h1 { font-size: 1.15em; margin: 0; }
              header .counter { color: var(--muted); margin-left: auto; font-variant-numeric: tabular-nums; }
              main { flex: 1 1 auto; min-height: 0; display: grid; grid-template-columns: \(hasNotes ? "minmax(16em, 31%) minmax(0, 1fr)" : "minmax(0, 1fr)"); gap: 1.4em; padding: .8em 1.2em; }
              .notes { min-height: 0; overflow-y: auto; overflow-wrap: anywhere; padding-right: .3em; }
              .notes h2 { font-size: 1.25em; margin: .1em 0 .6em; }
              .notes .question, .notes .answer, .notes .warning { padding: .4em .7em; border-left: 4px solid var(--accent); }
              .notes .warning { border-color: var(--adjoint); }
              .notes img { max-width: 100%; }
              code, pre { font-family: "DejaVu Sans Mono", ui-monospace, monospace; }
              pre { margin: .4em 0; padding: .45em .7em; border-left: 3px solid var(--muted); white-space: pre; overflow: hidden; font-size: 14px; line-height: 1.35; }
              .stage { display: flex; flex-direction: column; gap: .5em; min-height: 0; min-width: 0; }
              figure { flex: 1 1 0; min-height: 10em; margin: 0; }
              figure img#frame { display: block; user-select: none; -webkit-user-drag: none; }
              .caption { flex: none; padding: .35em .7em; border-left: 4px solid var(--accent); white-space: pre-wrap; overflow-wrap: anywhere; font-family: \(Slideshow.captionFonts); font-size: 17px; }
            \(FigureCamera.style(background: theme.background))
              .caption.forward { border-color: var(--tangent); }
              .caption.reverse { border-color: var(--adjoint); }
              .panels { flex: 0 0 auto; max-height: 50%; overflow-y: auto; position: relative; }
              .panels.scrolls { border-bottom: 1px dashed var(--muted); }
              .panels:empty, .panels.hidden { display: none; }
              .panels .current { font-weight: bold; }
              nav { flex: none; display: flex; align-items: center; gap: .6em; padding: .5em 1.2em; border-top: 1px solid var(--muted); }
              nav input[type=range] { flex: 1; }
              button { font: inherit; white-space: nowrap; padding: .2em .8em; background: transparent; color: var(--fg); border: 1px solid var(--muted); border-radius: 4px; cursor: pointer; }
              .help { color: var(--muted); font-size: .85em; }
            </style>
            </head>
            <body>
            <header><h1>\(htmlEscaped(title))</h1><span class="counter" id="counter"></span></header>
            <main>
            \(hasNotes ? "<section class=\"notes\" id=\"notes\"></section>" : "")
            <section class="stage" id="stage">
            <figure id="figure"><img id="frame" alt=""></figure>
            <div class="caption" id="caption"></div>
            <div class="panels" id="panels"></div>
            </section>
            </main>
            <nav>
              <button id="prev" title="previous (←)">←</button>
              <button id="play" title="play / pause (p)">play</button>
              <button id="next" title="next (→ or space)">→</button>
              <button id="toggle" title="hide or show the text under the figure (t)" hidden>text ▾</button>
              <button id="whole" title="the whole graph, or back to the step (w)">whole graph</button>
              <input type="range" id="slider" min="1" max="\(Swift.max(1, slides.count))" value="1" aria-label="step">
              <span class="help">← →: step · p: play · t: text · w: whole graph · + − wheel: zoom · drag: pan · 0: the step</span>
            </nav>
            <script>
            \(FigureCamera.script)
            const slides = \(data);
            let index = 0, timer = null, textHidden = false;
            const $ = (id) => document.getElementById(id);
            // Each drawing's natural size, known once loaded; every frame is preloaded so stepping never flickers.
            const sizes = {};
            const drawings = (s) => s.turned ? [s.image, s.turned] : [s.image];
            slides.forEach((s) => drawings(s).forEach((src) => {
              const i = new Image();
              i.onload = () => { sizes[src] = { w: i.naturalWidth, h: i.naturalHeight }; if (slides[index] === s) layout(); };
              i.src = src;
            }));
            // The figure first: for each drawing of the slide, how large it comes out beside the panels at
            // full height, and with the panels cut to a fifth of the stage, six lines at least (scrolling). The panels are cut
            // only when that makes the figure clearly larger; the drawing that comes out larger is shown.
            function layout() {
              const s = slides[index], panels = $("panels"), stage = $("stage");
              panels.style.maxHeight = "";
              panels.classList.remove("scrolls");
              panels.classList.toggle("hidden", textHidden);
              const gap = parseFloat(getComputedStyle(stage).rowGap) || 8;
              const width = $("figure").clientWidth;
              const room = stage.clientHeight - $("caption").offsetHeight - gap * (s.panels && !textHidden ? 2 : 1);
              const full = s.panels && !textHidden ? Math.min(panels.scrollHeight, room / 2) : 0;
              const pre = panels.querySelector("pre");
              const line = pre ? parseFloat(getComputedStyle(pre).lineHeight) || 19 : 19;
              const cut = Math.min(full, Math.max(room / 5, 6 * line + 16));
              let best = { src: s.image, scale: 0, panels: full };
              for (const src of drawings(s)) {
                const size = sizes[src];
                if (!size) continue;
                // Past one and a half times its size a figure gains nothing worth a panel's lines.
                const scaleAt = (h) => Math.min(width / size.w, Math.max(h, 1) / size.h, 1.5);
                const choice = scaleAt(room - full) >= 0.8 * scaleAt(room - cut) ? { src, scale: scaleAt(room - full), panels: full } : { src, scale: scaleAt(room - cut), panels: cut };
                if (choice.scale > best.scale * 1.05) best = choice;
              }
              if ($("frame").getAttribute("src") !== best.src) $("frame").src = best.src;
              if (s.panels && !textHidden) {
                // Cut by whole lines, so that scrolled to its end the panel starts with a whole line.
                const whole = panels.scrollHeight;
                const height = best.panels < whole ? whole - Math.ceil((whole - best.panels) / line) * line : whole;
                panels.style.maxHeight = Math.floor(height) + "px";
                if (whole > panels.clientHeight + 1) {
                  panels.classList.add("scrolls");
                  // The current row in the middle, whole lines above it.
                  const current = panels.querySelector(".current");
                  if (current) panels.scrollTop = current.offsetTop - Math.floor(panels.clientHeight / 2 / line) * line;
                }
              }
              // The camera last: the pane's size is known once the panels have theirs.
              camera.update();
            }
            // Text blocks shrink their font (down to 11px, still readable) until they fit their width, and wrap if they still do not.
            function fit() {
              for (const pre of document.querySelectorAll("pre")) {
                pre.style.fontSize = "";
                pre.style.whiteSpace = "";
                let size = parseFloat(getComputedStyle(pre).fontSize);
                while (pre.scrollWidth > pre.clientWidth && size > 11) { size -= 0.5; pre.style.fontSize = size + "px"; }
                if (pre.scrollWidth > pre.clientWidth) { pre.style.whiteSpace = "pre-wrap"; pre.style.overflowWrap = "anywhere"; }
              }
            }
            // The camera over the figure: the drawing shown, its natural size, its focus and readable scale.
            const focusOf = () => (slides[index].focus || {})[$("frame").getAttribute("src")] || null;
            const camera = adviz.camera({
              pane: $("figure"), element: () => $("frame"),
              size: () => sizes[$("frame").getAttribute("src")] || null,
              focus: () => (focusOf() || {}).box || null,
              step: () => (focusOf() || {}).step || null,
              readable: () => (focusOf() || { readable: 0 }).readable,
              minimapSource: () => $("frame").getAttribute("src"),
            });
            function show(i) {
              index = Math.max(0, Math.min(slides.length - 1, i));
              const s = slides[index];
              if (!drawings(s).includes($("frame").getAttribute("src"))) $("frame").src = s.image;
              $("frame").alt = s.caption;
              $("caption").textContent = s.caption;
              $("caption").className = "caption " + s.phase;
              if ($("notes")) $("notes").innerHTML = s.notes || "";
              $("panels").innerHTML = s.panels || "";
              $("toggle").hidden = !s.panels;
              $("counter").textContent = (index + 1) + " / " + slides.length;
              $("slider").value = index + 1;
              if (location.hash !== "#" + (index + 1)) history.replaceState(null, "", "#" + (index + 1));
              fit();
              camera.reset();
              layout();
            }
            // The frame shown is measured as soon as it loads too (the preloads may come later).
            $("frame").addEventListener("load", () => {
              const f = $("frame"), src = f.getAttribute("src");
              if (!sizes[src] && f.naturalWidth > 0) { sizes[src] = { w: f.naturalWidth, h: f.naturalHeight }; layout(); }
            });
            function toggleText() {
              textHidden = !textHidden;
              $("toggle").textContent = textHidden ? "text ▸" : "text ▾";
              layout();
            }
            function play() {
              if (timer) { clearInterval(timer); timer = null; $("play").textContent = "play"; return; }
              $("play").textContent = "pause";
              timer = setInterval(() => { if (index + 1 >= slides.length) play(); else show(index + 1); }, 1400);
            }
            const fromHash = () => (Number(location.hash.slice(1)) || 1) - 1;
            $("prev").onclick = () => show(index - 1);
            $("next").onclick = () => show(index + 1);
            $("play").onclick = play;
            $("toggle").onclick = toggleText;
            $("whole").onclick = () => { $("whole").textContent = camera.toggleWhole() ? "the step" : "whole graph"; };
            $("slider").oninput = (e) => show(Number(e.target.value) - 1);
            // A link to #N (typed, or in the narration) goes to step N.
            window.addEventListener("hashchange", () => show(fromHash()));
            window.addEventListener("resize", () => { fit(); layout(); });
            document.addEventListener("keydown", (e) => {
              if (e.target && e.target.tagName === "INPUT" && e.target.type !== "range") return;
              if (camera.key(e)) { $("whole").textContent = camera.isWhole() ? "the step" : "whole graph"; e.preventDefault(); return; }
              if (e.key === "ArrowRight" || e.key === " " || e.key === "PageDown") { show(index + 1); e.preventDefault(); }
              else if (e.key === "ArrowLeft" || e.key === "PageUp") { show(index - 1); e.preventDefault(); }
              else if (e.key === "Home") show(0);
              else if (e.key === "End") show(slides.length - 1);
              else if (e.key === "p") play();
              else if (e.key === "t" && slides[index].panels) toggleText();
            });
            show(fromHash());
            </script>
            </body>
            </html>

            """
    }
}
