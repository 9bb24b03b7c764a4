import Foundation

/// How numbers are written in traces: short for people, exact for machines.
public struct NumberFormat: Sendable, Equatable {
    /// Significant digits shown (the trace's `--precision`).
    public var significantDigits: Int

    /// A format showing `significantDigits` significant digits (4 by default, as 0.4837).
    public init(significantDigits: Int = 4) {
        self.significantDigits = Swift.max(1, Swift.min(17, significantDigits))
    }

    /// `x` rounded to the significant digits, trailing zeros dropped: 10, 0.1, 2.303, 1.5e-07.
    public func string(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        if x == 0 { return "0" }
        if x == x.rounded(), Swift.abs(x) < 1e15 {
            let digits = String(Int64(x))
            if digits.filter(\.isNumber).count <= significantDigits || Swift.abs(x) < 1e6 { return digits }
        }
        var text = String(format: "%.\(significantDigits)g", x)
        // Drop trailing zeros of the mantissa and tidy the exponent: 1.500e-07 → 1.5e-7.
        var exponent = ""
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = String(text[e...])
            text = String(text[..<e])
        }
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        if !exponent.isEmpty {
            let sign = exponent.dropFirst().first == "-" ? "-" : ""
            let digits = exponent.drop { !$0.isNumber || $0 == "0" }
            exponent = "e" + sign + (digits.isEmpty ? "0" : String(digits))
        }
        return text + exponent
    }

    /// The shortest text that reads back as exactly `x` (for JSON and hints).
    public static func shortest(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        if x == x.rounded(), Swift.abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }
}

/// `1 node`, `3 nodes`, `0 multiply-adds`: a count with its noun, singular only for one.
package func counted(_ count: Int, _ word: String) -> String {
    "\(count) \(word)\(count == 1 ? "" : "s")"
}

/// `1 node`, `2.5e+06 nodes`: a count that may be too large for an integer (a tree written out).
package func counted(_ count: Double, _ word: String, format: (Double) -> String) -> String {
    "\(format(count)) \(word)\(count == 1 ? "" : "s")"
}

extension String {
    /// The digits and minus signs of the string as Unicode subscripts (`-1` → `₋₁`); other characters unchanged.
    public var subscripted: String {
        String(map { c -> Character in
            switch c {
            case "-": return "₋"
            case "0"..."9": return Character(Unicode.Scalar(0x2080 + UInt32(c.asciiValue! - 48))!)
            default: return c
            }
        })
    }
}
