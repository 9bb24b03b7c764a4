import Foundation

/// How numbers are written in traces: short for people, exact for machines.
public struct NumberFormat: Sendable, Equatable {
    /// Significant digits shown (the trace's `--precision`).
    public var significantDigits: Int

    /// A format showing `significantDigits` significant digits (4 by default, as 0.4837).
    public init(significantDigits: Int = 4) {
        self.significantDigits = Swift.max(1, Swift.min(17, significantDigits))
    }

    /// `x` with at least the significant digits and as many more as it takes to read back as
    /// `x` exactly: a point as it was given (`1.0000012353`, not `1`), for headings.
    public func exact(_ x: Double) -> String {
        guard x.isFinite else { return string(x) }
        for digits in significantDigits...17 {
            let text = NumberFormat(significantDigits: digits).string(x)
            if Double(text) == x { return text }
        }
        return NumberFormat(significantDigits: 17).string(x)
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
        if let text = NumberFormat.general(x, significantDigits: significantDigits) { return text }
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

    /// What `%.{digits}g` writes, tidied as ``string(_:)`` does, from the shortest decimal
    /// digits that read back as `x` (Swift's `description`), rounded to `digits`; nil where that
    /// could differ from rounding the exact binary value, which C's `printf` does: a tie in the
    /// shortest digits (`0.125` to 2 digits), 15 digits and more, or a subnormal x.
    ///
    /// Where the shortest digits are not a tie, the exact value rounds the same way: it lies
    /// within half an ulp of them, and at 14 digits or fewer a rounding boundary is further away
    /// than that from any other digit string as short.
    static func general(_ x: Double, significantDigits: Int) -> String? {
        guard significantDigits <= 14, x.isNormal else { return nil }  // a subnormal's ulp is not small beside it
        var digits: [UInt8] = []  // 0…9, the first nonzero
        digits.reserveCapacity(20)
        var exponent = 0  // x = d₁.d₂d₃… × 10^exponent
        var pointSeen = false, digitsBeforePoint = 0, leadingZeros = 0
        var description = x.magnitude.description.utf8[...]
        if let e = description.firstIndex(of: UInt8(ascii: "e")) {
            let tail = description[description.index(after: e)...]
            guard let value = Int(Substring(tail)) else { return nil }
            exponent = value
            description = description[..<e]
        }
        for byte in description {
            switch byte {
            case UInt8(ascii: "."): pointSeen = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let d = byte - UInt8(ascii: "0")
                if digits.isEmpty && d == 0 {
                    if pointSeen { leadingZeros += 1 }
                    continue
                }
                digits.append(d)
                if !pointSeen { digitsBeforePoint += 1 }
            default: return nil
            }
        }
        guard !digits.isEmpty else { return nil }
        exponent += digitsBeforePoint > 0 ? digitsBeforePoint - 1 : -(leadingZeros + 1)
        while digits.last == 0 { digits.removeLast() }
        if digits.count > significantDigits, !roundDigits(&digits, to: significantDigits, exponent: &exponent) { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(significantDigits + 12)
        if x < 0 { out.append(UInt8(ascii: "-")) }
        let ascii = { (d: UInt8) in UInt8(ascii: "0") + d }
        if exponent < -4 || exponent >= significantDigits {
            out.append(ascii(digits[0]))
            if digits.count > 1 {
                out.append(UInt8(ascii: "."))
                for d in digits.dropFirst() { out.append(ascii(d)) }
            }
            out.append(UInt8(ascii: "e"))
            if exponent < 0 { out.append(UInt8(ascii: "-")) }
            out.append(contentsOf: String(exponent.magnitude).utf8)
        } else if exponent >= 0 {
            for k in 0...exponent { out.append(k < digits.count ? ascii(digits[k]) : UInt8(ascii: "0")) }
            if digits.count > exponent + 1 {
                out.append(UInt8(ascii: "."))
                for d in digits[(exponent + 1)...] { out.append(ascii(d)) }
            }
        } else {
            out.append(UInt8(ascii: "0"))
            out.append(UInt8(ascii: "."))
            for _ in 0..<(-exponent - 1) { out.append(UInt8(ascii: "0")) }
            for d in digits { out.append(ascii(d)) }
        }
        return out.withUnsafeBufferPointer { bytes in
            String(unsafeUninitializedCapacity: bytes.count) { _ = $0.initialize(fromContentsOf: bytes); return bytes.count }
        }
    }

    /// Rounds the decimal digits `digits` (of d₁.d₂d₃… × 10^`exponent`) to `count` digits, half
    /// up, carrying into the exponent; false for a tie (…5 exactly), where printf decides by the
    /// exact binary value.
    private static func roundDigits(_ digits: inout [UInt8], to count: Int, exponent: inout Int) -> Bool {
        let next = digits[count]
        if next == 5 && digits.count == count + 1 { return false }
        digits.removeSubrange(count...)
        if next >= 5 {
            var k = count - 1
            while k >= 0 {
                if digits[k] == 9 {
                    digits[k] = 0
                    k -= 1
                } else {
                    digits[k] += 1
                    break
                }
            }
            if k < 0 {
                digits.insert(1, at: 0)
                digits.removeLast()
                exponent += 1
            }
        }
        while digits.last == 0 { digits.removeLast() }
        return true
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
