/// A page, style sheet or script written as a file with `{{name}}` slots (names of letters and
/// `_`), embedded in the binary at build time (SwiftPM's `.embedInCode`), filled in one pass:
/// what a slot receives is never searched for slots, so a program's text cannot fill another.
public struct HTMLTemplate: Sendable {
    /// The template's text.
    public let text: String

    /// A template of `bytes` (a `PackageResources` array), read as UTF-8.
    public init(_ bytes: [UInt8]) {
        text = String(decoding: bytes, as: UTF8.self)
    }

    /// An embedded file's text, without the newline that ends the file (a script or style
    /// placed inside a page, as its Swift string was before it became a file).
    public static func text(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }

    /// The names of the template's slots, in order of appearance (a name once).
    public var slots: [String] {
        var names: [String] = []
        scan { name in
            if !names.contains(name) { names.append(name) }
            return nil
        }
        return names
    }

    /// The text with every slot named in `values` replaced by its value; others left as written.
    public func filled(_ values: [String: String]) -> String {
        scan { values[$0] }
    }

    @discardableResult
    private func scan(_ value: (String) -> String?) -> String {
        var out = ""
        var rest = text[...]
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            let name = rest[open.upperBound..<close.lowerBound]
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "_") }), let filling = value(String(name)) else {
                out += rest[..<open.upperBound]
                rest = rest[open.upperBound...]
                continue
            }
            out += rest[..<open.lowerBound]
            out += filling
            rest = rest[close.upperBound...]
        }
        return out + rest
    }
}
