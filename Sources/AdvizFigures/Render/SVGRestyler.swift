import Foundation
import GraphvizKit
import AdvizCore

/// Redraws an SVG that Graphviz drew, with other fills and pens: later frames of a big compact
/// step-through, made by editing the first frame's text instead of drawing it again.
///
/// Graphviz writes each node as `<g … class="node"><title>NAME</title><path fill="…" stroke="…"
/// stroke-width="…" …>` and each edge as `<g id="ID" class="edge">` with a path and an arrowhead
/// polygon. The restyler finds, once, where those attribute values are; a frame is then the
/// same bytes with new values spliced in — a copy, not a layout and a render.
struct SVGRestyler {
    /// A place in the text: a byte range holding an attribute's value.
    private struct Slot {
        var range: Range<Int>
        var target: Int  // index into `keys`
        var attribute: Attribute
    }

    enum Attribute { case fill, stroke, strokeWidth, arrowFill }

    private let bytes: [UInt8]
    private var slots: [Slot] = []
    /// The node names (`<title>`) and edge ids, in the order of `slots`' targets.
    private(set) var keys: [String] = []

    /// Indexes `svg`; nil if it does not look as expected (the caller then draws with Graphviz).
    init?(_ svg: [UInt8]) {
        bytes = svg
        /// The first index of `pattern` in `svg[from..<to]`, byte by byte.
        func find(_ pattern: [UInt8], _ from: Int, _ to: Int) -> Int? {
            guard let first = pattern.first, to - from >= pattern.count else { return nil }
            var i = from
            let last = to - pattern.count
            while i <= last {
                if svg[i] == first {
                    var k = 1
                    while k < pattern.count && svg[i + k] == pattern[k] { k += 1 }
                    if k == pattern.count { return i }
                }
                i += 1
            }
            return nil
        }
        let groupOpen = Array("<g id=\"".utf8), groupClose = Array("</g>".utf8), headerEnd = Array("\">".utf8)
        let nodeClass = Array("class=\"node\">".utf8), edgeClass = Array("class=\"edge\">".utf8)
        let titleOpen = Array("<title>".utf8), titleClose = Array("</title>".utf8)
        let pathOpen = Array("<path ".utf8), shapeOpen = Array("<p".utf8), elementEnd = Array("/>".utf8)
        let attributes: [([UInt8], Attribute)] = [
            (Array(" fill=\"".utf8), .fill), (Array(" stroke=\"".utf8), .stroke), (Array(" stroke-width=\"".utf8), .strokeWidth),
        ]
        var from = 0
        let end = svg.count
        while let group = find(groupOpen, from, end) {
            guard let close = find(headerEnd, group + groupOpen.count, end), let groupEnd = find(groupClose, close, end) else { return nil }
            let headerStop = close + headerEnd.count
            let isNode = find(nodeClass, group, headerStop) != nil
            let isEdge = find(edgeClass, group, headerStop) != nil
            // The graph's own group holds all the others: look inside it, not past its first `</g>`.
            from = isNode || isEdge ? groupEnd + groupClose.count : headerStop
            guard isNode || isEdge else { continue }
            let key: String
            if isNode {
                guard let t1 = find(titleOpen, headerStop, groupEnd), let t2 = find(titleClose, t1, groupEnd) else { return nil }
                key = String(decoding: svg[(t1 + titleOpen.count)..<t2], as: UTF8.self)
            } else {
                let idStart = group + groupOpen.count
                guard let quote = svg[idStart..<close + 1].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
                key = String(decoding: svg[idStart..<quote], as: UTF8.self)
            }
            let target = keys.count
            keys.append(SVGRestyler.unescaped(key))
            // The shapes of the group: a node's outline (its first path); an edge's line and arrowhead.
            var shapeFrom = headerStop
            var shapes = 0
            while let shape = find(isNode ? pathOpen : shapeOpen, shapeFrom, groupEnd) {
                guard let shapeEnd = find(elementEnd, shape, groupEnd) else { break }
                let isPolygon = svg[shape + 2] == UInt8(ascii: "o")
                for (pattern, attribute) in attributes {
                    guard let at = find(pattern, shape, shapeEnd) else { continue }
                    let lower = at + pattern.count
                    guard let quote = svg[lower..<shapeEnd].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
                    // An edge line's fill stays "none"; its arrowhead's fill follows the colour.
                    if isEdge, attribute == .fill, !isPolygon { continue }
                    slots.append(Slot(range: lower..<quote, target: target, attribute: isEdge && attribute == .fill ? .arrowFill : attribute))
                }
                shapes += 1
                shapeFrom = shapeEnd
                if isNode { break }
            }
            if shapes == 0 { return nil }
        }
        guard !keys.isEmpty else { return nil }
    }

    /// SVG text with its entities (`&#45;`, `&gt;`, `&amp;`) read back, as Graphviz escapes ids and titles.
    static func unescaped(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&"), let semi = rest[amp...].firstIndex(of: ";") {
            out += rest[..<amp]
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "gt": out += ">"
            case "lt": out += "<"
            case "amp": out += "&"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                if entity.hasPrefix("#x"), let code = UInt32(entity.dropFirst(2), radix: 16), let scalar = Unicode.Scalar(code) {
                    out.unicodeScalars.append(scalar)
                } else if entity.hasPrefix("#"), let code = UInt32(entity.dropFirst()), let scalar = Unicode.Scalar(code) {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += rest[amp...semi]
                }
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }

    /// The frame with each key's style: `fillcolor`, `color`, `penwidth` as Graphviz reads them.
    /// Nil if a style uses a value this restyler cannot write (the caller then draws with Graphviz).
    func restyled(_ styles: [String: [DotAttribute]]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 20)
        var position = 0
        for slot in slots {
            guard let style = styles[keys[slot.target]] else { continue }
            let value: String?
            switch slot.attribute {
            case .fill: value = style.first { $0.name == "fillcolor" }?.value
            case .stroke, .arrowFill: value = style.first { $0.name == "color" }?.value
            case .strokeWidth: value = style.first { $0.name == "penwidth" }?.value
            }
            guard let value else { continue }
            guard value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "#" || $0 == "." }) else { return nil }
            out.append(contentsOf: bytes[position..<slot.range.lowerBound])
            // Graphviz writes colours in lower case; so does this, so frames read the same either way.
            out.append(contentsOf: (value.hasPrefix("#") ? value.lowercased() : value).utf8)
            position = slot.range.upperBound
        }
        out.append(contentsOf: bytes[position...])
        return out
    }
}

