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

    /// The page's template (Resources/slideshow.html): its style, its markup, its player script.
    static let template = HTMLTemplate(PackageResources.slideshow_html)

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
                        ("nodes", .array(focus.nodes.map { node in
                            .object([("box", .array(node.box.map { .number($0) })), ("name", .string(node.name))])
                        })),
                        ("readable", .number((focus.readableScale * 1000).rounded() / 1000)),
                    ]))
                })),
            ])
        }).serialized(pretty: false).replacingOccurrences(of: "</", with: "<\\/")
        let hasNotes = slides.contains { $0.notes != nil }
        return Slideshow.template.filled([
            "title": htmlEscaped(title), "slides": data, "slide_count": String(Swift.max(1, slides.count)),
            "background": theme.background, "text": theme.text, "muted": theme.mutedText, "accent": theme.highlight,
            "tangent": theme.tangent, "adjoint": theme.adjoint, "caption_fonts": Slideshow.captionFonts,
            "columns": hasNotes ? "minmax(16em, 31%) minmax(0, 1fr)" : "minmax(0, 1fr)",
            "notes": hasNotes ? "<section class=\"notes\" id=\"notes\"></section>" : "",
            "camera_style": FigureCamera.style(background: theme.background), "camera_script": FigureCamera.script,
        ])
    }
}
