import CCairo

/// A vector drawing as a list of commands, rendered by Cairo to SVG, PNG or PDF.
///
/// Drawing code builds the list in plain Swift; only ``render(_:scale:)`` touches Cairo, so
/// the same picture comes out identically in every format and no C pointer leaves this module.
public struct Canvas: Sendable {
    /// Where text is anchored relative to its point.
    public enum Anchor: Sendable { case left, center, right }

    /// One drawing command.
    public enum Command: Sendable {
        case color(Double, Double, Double, Double)
        case lineWidth(Double)
        case dash([Double])
        case polyline([(Double, Double)])
        case circle(Double, Double, Double, fill: Bool)
        case rectangle(Double, Double, Double, Double, fill: Bool)
        case text(String, Double, Double, size: Double, anchor: Anchor, bold: Bool)
    }

    /// The output formats.
    public enum Format: String, Sendable, CaseIterable { case svg, png, pdf }

    /// Width in points.
    public let width: Double
    /// Height in points.
    public let height: Double
    /// The font family of all text.
    public var fontFamily: String
    /// The commands, in drawing order.
    public private(set) var commands: [Command] = []

    /// An empty canvas of `width` × `height` points.
    public init(width: Double, height: Double, fontFamily: String = "DejaVu Sans") {
        self.width = width
        self.height = height
        self.fontFamily = fontFamily
    }

    /// Sets the colour of what follows, from `#rrggbb` (and an optional alpha).
    public mutating func color(_ hex: String, alpha: Double = 1) {
        var value: UInt32 = 0
        for c in hex.dropFirst().prefix(6) { value = value << 4 | UInt32(c.hexDigitValue ?? 0) }
        commands.append(.color(Double(value >> 16 & 0xFF) / 255, Double(value >> 8 & 0xFF) / 255, Double(value & 0xFF) / 255, alpha))
    }

    /// Sets the line width of what follows, in points.
    public mutating func lineWidth(_ width: Double) { commands.append(.lineWidth(width)) }

    /// Sets the dash pattern of what follows (empty: solid).
    public mutating func dash(_ pattern: [Double]) { commands.append(.dash(pattern)) }

    /// A line through the points.
    public mutating func polyline(_ points: [(Double, Double)]) {
        if points.count > 1 { commands.append(.polyline(points)) }
    }

    /// A circle, filled or outlined.
    public mutating func circle(_ x: Double, _ y: Double, radius: Double, fill: Bool = true) {
        commands.append(.circle(x, y, radius, fill: fill))
    }

    /// A rectangle, filled or outlined.
    public mutating func rectangle(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: Bool) {
        commands.append(.rectangle(x, y, w, h, fill: fill))
    }

    /// Text with its baseline at `y`, anchored at `x`.
    public mutating func text(_ string: String, _ x: Double, _ y: Double, size: Double = 11, anchor: Anchor = .left, bold: Bool = false) {
        commands.append(.text(string, x, y, size: size, anchor: anchor, bold: bold))
    }

    /// The drawing in `format`; `scale` multiplies the resolution of PNG output (2 = 144 dpi).
    public func render(_ format: Format, scale: Double = 2) -> [UInt8] {
        let sink = ByteSink()
        let box = Unmanaged.passRetained(sink)
        defer { box.release() }
        let write: cairo_write_func_t = { closure, data, length in
            guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
            let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
            return CAIRO_STATUS_SUCCESS
        }
        let surface: OpaquePointer?
        switch format {
        case .svg: surface = cairo_svg_surface_create_for_stream(write, box.toOpaque(), width, height)
        case .pdf: surface = cairo_pdf_surface_create_for_stream(write, box.toOpaque(), width, height)
        case .png: surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32((width * scale).rounded()), Int32((height * scale).rounded()))
        }
        guard let surface else { return [] }
        let context = cairo_create(surface)
        if format == .png { cairo_scale(context, scale, scale) }
        replay(on: context)
        cairo_destroy(context)
        if format == .png {
            cairo_surface_write_to_png_stream(surface, write, box.toOpaque())
        } else {
            cairo_surface_finish(surface)
        }
        cairo_surface_destroy(surface)
        return sink.bytes
    }

    private func replay(on context: OpaquePointer?) {
        // A white page first: PNGs are otherwise transparent.
        cairo_set_source_rgb(context, 1, 1, 1)
        cairo_paint(context)
        cairo_set_source_rgb(context, 0, 0, 0)
        cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(context, CAIRO_LINE_CAP_ROUND)
        for command in commands {
            switch command {
            case .color(let r, let g, let b, let a): cairo_set_source_rgba(context, r, g, b, a)
            case .lineWidth(let w): cairo_set_line_width(context, w)
            case .dash(let pattern):
                pattern.withUnsafeBufferPointer { cairo_set_dash(context, $0.baseAddress, Int32(pattern.count), 0) }
            case .polyline(let points):
                cairo_move_to(context, points[0].0, points[0].1)
                for p in points.dropFirst() { cairo_line_to(context, p.0, p.1) }
                cairo_stroke(context)
            case .circle(let x, let y, let r, let fill):
                cairo_new_sub_path(context)
                cairo_arc(context, x, y, r, 0, 2 * Double.pi)
                if fill { cairo_fill(context) } else { cairo_stroke(context) }
            case .rectangle(let x, let y, let w, let h, let fill):
                cairo_rectangle(context, x, y, w, h)
                if fill { cairo_fill(context) } else { cairo_stroke(context) }
            case .text(let string, let x, let y, let size, let anchor, let bold):
                cairo_select_font_face(context, fontFamily, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
                cairo_set_font_size(context, size)
                var extents = cairo_text_extents_t()
                cairo_text_extents(context, string, &extents)
                let dx: Double = switch anchor {
                case .left: 0
                case .center: -extents.x_advance / 2
                case .right: -extents.x_advance
                }
                cairo_move_to(context, x + dx, y)
                cairo_show_text(context, string)
                cairo_new_path(context)
            }
        }
    }
}

/// Collects the bytes Cairo writes.
private final class ByteSink {
    var bytes: [UInt8] = []
}
