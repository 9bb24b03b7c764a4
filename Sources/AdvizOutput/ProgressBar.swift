import Foundation

/// A progress bar on standard error, drawn only on a terminal (and never when piped).
public final class ProgressBar: @unchecked Sendable {
    // Safety: used from one thread, the one writing the frames.
    private let label: String
    private let isTerminal: Bool
    private var lastDrawn = -1

    /// A bar named `label`; it draws nothing unless `isTerminal`.
    public init(label: String, isTerminal: Bool) {
        self.label = label
        self.isTerminal = isTerminal
    }

    /// Redraws the bar at `done` of `total`.
    public func update(_ done: Int, of total: Int) {
        guard isTerminal, total > 1 else { return }
        let width = 30
        let filled = Swift.min(width, done * width / total)
        guard filled != lastDrawn || done == total else { return }
        lastDrawn = filled
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) ▕\(bar)▏ \(done)/\(total)".utf8))
    }

    /// Ends the bar's line.
    public func finish() {
        guard isTerminal, lastDrawn >= 0 else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}

/// A file-name-safe short form of an expression: `log(x1*x2)+sin(x2)` → `log-x1-x2-sin-x2`.
public enum Slug {
    /// Letters and digits kept, the rest folded into single dashes, at most 48 characters.
    public static func make(_ text: String) -> String {
        var out = ""
        for c in text.lowercased() {
            if c.isASCII && (c.isLetter || c.isNumber) { out.append(c) } else if !out.isEmpty && out.last != "-" { out.append("-") }
            if out.count >= 48 { break }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "graph" : out
    }

    /// A default file name for a program: the readable slug and a short hash of the program's
    /// text (`x-2-4f0c6a2e`), so `x-2`, `x^2` and `x/2` never share a file, and one program
    /// always gets the same name. The hash is FNV-1a (64 bits, folded to 32) of the text with
    /// its surrounding blanks trimmed: stable across runs, machines and versions of adviz.
    public static func unique(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.trimmingCharacters(in: .whitespacesAndNewlines).utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let folded = UInt32(truncatingIfNeeded: hash ^ (hash >> 32))
        let hex = String(folded, radix: 16)
        return make(text) + "-" + String(repeating: "0", count: 8 - hex.count) + hex
    }
}
