import Foundation

/// The focus view of the pages that play a figure step by step (the frames player, lesson
/// slideshows, the Explore page): a camera over the drawing that keeps its text readable.
///
/// A drawing that fits its pane at a readable size is shown whole. One that does not is shown at
/// a readable size, centred on the step's focus (the nodes and edges its formula names, drawn with
/// the class `focus`), the rest of the graph faded around it and a minimap in the corner showing
/// where the view is. `w` (or the button) shows the whole graph; the mouse wheel and `+`/`-` zoom,
/// dragging and Shift+arrows pan, `0` returns to the step.
public enum FigureCamera {
    /// The on-screen size, in CSS pixels, that a figure's median text should reach (the 25th
    /// percentile is held to 11 px by ``readableScale(fontSizes:)``).
    public static let medianTextPixels = 14.0
    /// The on-screen size that a figure's 25th percentile of text should reach.
    public static let quartileTextPixels = 11.5

    /// The scale, relative to the drawing's natural size (1 point = 4/3 CSS px), at which text of
    /// these sizes (in points) reads from the back of a room: the median at 14 px, the 25th
    /// percentile at 11.5 px. 1 when there is no text.
    public static func readableScale(fontSizes: [Double]) -> Double {
        let sorted = fontSizes.filter { $0 > 0 }.sorted()
        guard !sorted.isEmpty else { return 1 }
        let median = sorted[sorted.count / 2], quartile = sorted[sorted.count / 4]
        return Swift.max(medianTextPixels / (median * 4 / 3), quartileTextPixels / (quartile * 4 / 3))
    }

    /// The camera's script (Resources/camera.js): defines `adviz.camera(options)`, which returns `{ update, whole, reset }`.
    ///
    /// `options`: `pane` (the element that clips), `element` (the `<img>` or `<svg>` drawn),
    /// `size()` (its natural size in CSS px, or null while unknown), `focus()` (the focus box as
    /// fractions `[x0, y0, x1, y1]` of the drawing, or null), `step()` (the step's own node, likewise), `readable()` (the scale at which its
    /// text reads), `minimapSource()` (an image URL of the drawing for the minimap), `background`,
    /// and `nodes()` (the focus nodes, `[{ box, name }]`: a marker at the pane's edge points at
    /// each one out of view).
    public static let script = HTMLTemplate.text(PackageResources.camera_js)

    /// The camera's style sheet (`bg`: the page background, for the veil over the context).
    public static func style(background: String) -> String {
        """
        .camera-pane { position: relative; overflow: hidden; cursor: grab; touch-action: none; }
        .camera-spot { position: absolute; display: none; pointer-events: none; border-radius: 10px;
          box-shadow: 0 0 0 200vmax color-mix(in srgb, \(background) 45%, transparent); }
        .camera-minimap { position: absolute; right: 8px; bottom: 8px; display: none; padding: 3px; cursor: pointer;
          background: \(background); border: 1px solid #9a9a9a; border-radius: 4px; opacity: .92; }
        .camera-minimap img { display: block; opacity: .7; }
        .camera-view { position: absolute; border: 2px solid #CC79A7; margin: 3px; pointer-events: none; }
        .camera-offscreen { position: absolute; z-index: 2; display: none; padding: 2px 8px; font: 14px/1.4 sans-serif; white-space: nowrap;
          color: inherit; background: \(background); border: 2px solid #CC79A7; border-radius: 12px; cursor: pointer; }
        """
    }
}

/// What the camera needs to know of a drawn SVG: where its focus lies and how big its text is.
public struct SVGFocus: Sendable, Equatable {
    /// The nodes and edges of class `focus`, as fractions `[x0, y0, x1, y1]` of the drawing; nil
    /// when nothing is in focus.
    public var box: [Double]?
    /// The step's own node (class `focus step`), likewise; the camera keeps it in view first.
    public var step: [Double]?
    /// Each node in focus (a shape of class `node focus`, not an edge's label), as fractions,
    /// with its name (its first text, `v₋₁`): the camera points at those a view cannot hold.
    public var nodes: [FocusNode] = []

    /// A node in focus: where it is and what it is called.
    public struct FocusNode: Sendable, Equatable {
        /// Its box, as fractions `[x0, y0, x1, y1]` of the drawing.
        public var box: [Double]
        /// Its name, as the drawing writes it first (`v₋₁`).
        public var name: String
    }
    /// The font sizes of the drawing's visible texts, in its units (points).
    public var fontSizes: [Double]

    /// The scale at which the drawing's text reads (``FigureCamera/readableScale(fontSizes:)``).
    public var readableScale: Double { FigureCamera.readableScale(fontSizes: fontSizes) }

    /// Reads Graphviz's SVG: the `viewBox`, the graph's transform, and the coordinates of the
    /// shapes and texts in each `<g … class="node focus">` and `<g … class="edge focus">`.
    public init(svg: String) {
        fontSizes = SVGFocus.numbers(after: "font-size=\"", in: svg)
        box = nil
        step = nil
        guard let viewBox = SVGFocus.attribute("viewBox", in: svg)?.split(separator: " ").compactMap({ Double($0) }), viewBox.count == 4,
              viewBox[2] > 0, viewBox[3] > 0 else { return }
        var scale = (1.0, 1.0), shift = (0.0, 0.0)
        if let transform = SVGFocus.attribute("transform", in: svg) {
            let parts = transform.split(whereSeparator: { "() ,".contains($0) })
            if let s = parts.firstIndex(of: "scale"), s + 2 < parts.count, let x = Double(parts[s + 1]), let y = Double(parts[s + 2]) { scale = (x, y) }
            if let t = parts.firstIndex(of: "translate"), t + 2 < parts.count, let x = Double(parts[t + 1]), let y = Double(parts[t + 2]) { shift = (x, y) }
        }
        /// Boxes as [x0, y0, x1, y1] in the SVG's units: all of the focus, and the step's node.
        var all = [Double.infinity, Double.infinity, -Double.infinity, -Double.infinity], own = all
        var isStep = false
        /// The box of the group being read, and the focus nodes' boxes and names.
        var part = all
        var parts: [(box: [Double], name: String)] = []
        func add(_ x: Double, _ y: Double) {
            let u = scale.0 * (x + shift.0), v = scale.1 * (y + shift.1)
            all = [Swift.min(all[0], u), Swift.min(all[1], v), Swift.max(all[2], u), Swift.max(all[3], v)]
            part = [Swift.min(part[0], u), Swift.min(part[1], v), Swift.max(part[2], u), Swift.max(part[3], v)]
            if isStep { own = [Swift.min(own[0], u), Swift.min(own[1], v), Swift.max(own[2], u), Swift.max(own[3], v)] }
        }
        var rest = svg[...]
        while let open = rest.range(of: " focus") {
            guard let header = rest.range(of: "\">", range: open.upperBound..<rest.endIndex),
                  let close = rest.range(of: "</g>", range: header.upperBound..<rest.endIndex) else { break }
            isStep = rest[open.upperBound..<header.lowerBound] == " step"
            let group = rest[header.upperBound..<close.lowerBound]
            // A node of the graph has a shape; an edge's label (also a node to dot) has only text.
            let isNode = rest[rest.startIndex..<open.lowerBound].hasSuffix("class=\"node") && (group.contains("<path") || group.contains("<polygon"))
            part = [Double.infinity, Double.infinity, -Double.infinity, -Double.infinity]
            for list in SVGFocus.values(of: ["points", "d"], in: group) {
                let numbers = list.split(whereSeparator: { !"0123456789.-e".contains($0) }).compactMap { Double($0) }
                var k = 0
                while k + 1 < numbers.count { add(numbers[k], numbers[k + 1]); k += 2 }
            }
            // Texts: their anchor point, widened by an estimate of their length.
            var texts = group
            while let t = texts.range(of: "<text ") {
                guard let end = texts.range(of: "</text>", range: t.upperBound..<texts.endIndex) else { break }
                let element = texts[t.lowerBound..<end.lowerBound]
                if let x = SVGFocus.attribute("x", in: element).flatMap(Double.init), let y = SVGFocus.attribute("y", in: element).flatMap(Double.init) {
                    let size = SVGFocus.attribute("font-size", in: element).flatMap(Double.init) ?? 12
                    let length = Double(element.split(separator: ">", maxSplits: 1).last?.count ?? 0) * size * 0.55
                    let anchor = SVGFocus.attribute("text-anchor", in: element) ?? "start"
                    let from = anchor == "middle" ? x - length / 2 : anchor == "end" ? x - length : x
                    add(from, y - size); add(from + length, y + size * 0.3)
                }
                texts = texts[end.upperBound...]
            }
            if isNode { parts.append((part, SVGFocus.firstText(in: group))) }
            rest = rest[close.upperBound...]
        }
        /// A box in the SVG's units as fractions of the drawing, rounded.
        func fractions(_ b: [Double]) -> [Double]? {
            guard b[0] <= b[2], b[1] <= b[3] else { return nil }
            let clamp = { (v: Double) in ((Swift.min(1, Swift.max(0, v))) * 10_000).rounded() / 10_000 }
            return [clamp((b[0] - viewBox[0]) / viewBox[2]), clamp((b[1] - viewBox[1]) / viewBox[3]), clamp((b[2] - viewBox[0]) / viewBox[2]), clamp((b[3] - viewBox[1]) / viewBox[3])]
        }
        box = fractions(all)
        step = fractions(own)
        nodes = parts.compactMap { part in fractions(part.box).map { FocusNode(box: $0, name: part.name) } }
    }

    /// The content of the first `<text>` in `group`, its character references read.
    static func firstText(in group: Substring) -> String {
        guard let t = group.range(of: "<text "), let start = group.range(of: ">", range: t.upperBound..<group.endIndex),
              let end = group.range(of: "</text>", range: start.upperBound..<group.endIndex) else { return "" }
        var text = String(group[start.upperBound..<end.lowerBound])
        for (entity, character) in [("&#45;", "-"), ("&#160;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// The first value of `name="…"` in `text`.
    static func attribute(_ name: String, in text: Substring) -> String? {
        guard let start = text.range(of: " \(name)=\"") ?? text.range(of: "\n\(name)=\""),
              let end = text[start.upperBound...].firstIndex(of: "\"") else { return nil }
        return String(text[start.upperBound..<end])
    }

    static func attribute(_ name: String, in text: String) -> String? { attribute(name, in: text[...]) }

    /// Every value of the attributes `names` in `text`.
    static func values(of names: [String], in text: Substring) -> [Substring] {
        var result: [Substring] = []
        for name in names {
            var rest = text
            while let start = rest.range(of: " \(name)=\""), let end = rest[start.upperBound...].firstIndex(of: "\"") {
                result.append(rest[start.upperBound..<end])
                rest = rest[end...]
            }
        }
        return result
    }

    /// The numbers that follow each `prefix` in `text` (the font sizes of its texts).
    static func numbers(after prefix: String, in text: String) -> [Double] {
        var result: [Double] = []
        var rest = text[...]
        while let start = rest.range(of: prefix), let end = rest[start.upperBound...].firstIndex(of: "\"") {
            if let value = Double(rest[start.upperBound..<end]) { result.append(value) }
            rest = rest[end...]
        }
        return result
    }
}
