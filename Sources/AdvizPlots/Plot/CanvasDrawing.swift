import CairoKit
import Foundation
import AdvizCore
import AdvizSymbolic

/// A finished plot, ready to write in the format a file name asks for.
public struct CanvasDrawing: Sendable {
    /// The drawing.
    public let canvas: Canvas

    /// Wraps a canvas.
    public init(_ canvas: Canvas) { self.canvas = canvas }

    /// The bytes for `path`, by its extension (.svg, .png at 2× resolution, .pdf).
    public func render(path: String) -> [UInt8] {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "png": canvas.render(.png, scale: 2)
        case "pdf": canvas.render(.pdf)
        default: canvas.render(.svg)
        }
    }
}
