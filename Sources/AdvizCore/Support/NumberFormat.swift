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
            if digits.utf8.count - (x < 0 ? 1 : 0) <= significantDigits || Swift.abs(x) < 1e6 { return digits }
        }
        // C's `%.{digits}g` (what `String(format:)` calls, without its cost), tidied in place:
        // trailing zeros of the mantissa dropped, the exponent without its plus sign and leading
        // zeros (1.500e-07 → 1.5e-7).
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer -> String in
            let written = Int(withVaList([Int32(significantDigits), x]) { vsnprintf(buffer.baseAddress, 64, "%.*g", $0) })
            return buffer.withMemoryRebound(to: UInt8.self) { bytes -> String in
                let length = Swift.min(written, 63)
                let exponentAt = (0..<length).first { bytes[$0] == UInt8(ascii: "e") || bytes[$0] == UInt8(ascii: "E") } ?? length
                var mantissaEnd = exponentAt
                if bytes[0..<exponentAt].contains(UInt8(ascii: ".")) {
                    while mantissaEnd > 0, bytes[mantissaEnd - 1] == UInt8(ascii: "0") { mantissaEnd -= 1 }
                    if mantissaEnd > 0, bytes[mantissaEnd - 1] == UInt8(ascii: ".") { mantissaEnd -= 1 }
                }
                var out = String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<mantissaEnd]), as: UTF8.self)
                if exponentAt < length {
                    let isDigit = { (b: UInt8) in (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) }
                    let negative = exponentAt + 1 < length && bytes[exponentAt + 1] == UInt8(ascii: "-")
                    var digitsStart = exponentAt
                    while digitsStart < length, !isDigit(bytes[digitsStart]) || bytes[digitsStart] == UInt8(ascii: "0") { digitsStart += 1 }
                    out += negative ? "e-" : "e"
                    out += digitsStart < length ? String(decoding: UnsafeBufferPointer(rebasing: bytes[digitsStart..<length]), as: UTF8.self) : "0"
                }
                return out
            }
        }
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
        // Beyond ASCII a digit may carry a combining mark (one character, left unchanged): go by characters.
        guard utf8.allSatisfy({ $0 < 0x80 }) else {
            return String(map { c -> Character in
                switch c {
                case "-": return "₋"
                case "0"..."9" where c.isASCII: return Character(Unicode.Scalar(0x2080 + UInt32(c.asciiValue! - 48))!)
                default: return c
                }
            })
        }
        var out = ""
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "-"): out.unicodeScalars.append("\u{208B}")
            case UInt8(ascii: "0")...UInt8(ascii: "9"): out.unicodeScalars.append(Unicode.Scalar(0x2080 + UInt32(byte) - 0x30)!)
            default: out.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return out
    }
}
