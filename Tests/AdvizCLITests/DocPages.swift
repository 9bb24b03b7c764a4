import Foundation

/// The commands the README and docs/*.md show, read out of their fenced blocks.
///
/// A block whose lines start with `$ adviz` is a transcript: each `$ ` line a command (a line
/// ending in `\` continues it), the lines under it what it prints (standard output, then standard
/// error). A line `…` alone stands for any number of lines (at most one per command). The nearest
/// non-blank line above the block may mark it:
///
/// - `<!-- output varies -->`: the output has timings; only the exit code is checked (0).
/// - `<!-- not run: REASON -->`: serves, benchmarks or takes long; counted and reported.
///
/// A block that shows `adviz …` lines without `$` (a list of commands, no output) must be
/// marked not run: every command on a page either runs in the test or says why not.
struct DocPages {
    enum Marker: Equatable {
        case run
        case varies
        case notRun(String)
    }

    /// One `$ ` command of a block and the output shown under it.
    struct Command {
        /// The page, relative to the package root.
        var page: String
        /// The 1-based line of its `$ `.
        var line: Int
        /// The command as `sh` reads it (continuation lines included).
        var text: String
        /// How many lines of the page the command takes (more than 1 with `\`).
        var commandLineCount: Int
        /// The output the page shows, one element per line.
        var expected: [String]
    }

    /// A fenced block that shows adviz commands.
    struct Block {
        var page: String
        /// 0-based indices of the opening and closing fence lines.
        var open: Int
        var close: Int
        var marker: Marker
        var commands: [Command]
        /// The block shows `adviz …` lines that are not `$ ` commands.
        var hasBareCommands: Bool
    }

    /// The package's root: three folders up from this file.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// README.md, CONTRIBUTING.md and every docs/*.md, relative to the root, in a fixed order.
    static func pages() throws -> [String] {
        let docs = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs").path)
            .filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
        return ["README.md", "CONTRIBUTING.md"].filter {
            FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path)
        } + docs
    }

    /// The lines of a page (split on "\n"; a final newline gives a last empty element).
    static func lines(of page: String) throws -> [String] {
        try String(contentsOf: root.appendingPathComponent(page), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The blocks of `page` that show adviz commands.
    static func blocks(in page: String, lines: [String]) -> [Block] {
        var blocks: [Block] = []
        var i = 0
        while i < lines.count {
            guard let fence = fenceOpening(lines[i]) else { i += 1; continue }
            var close = i + 1
            while close < lines.count, !isFenceClosing(lines[close], fence: fence) { close += 1 }
            let body = Array(lines[(i + 1)..<min(close, lines.count)])
            let commands = parseCommands(body, page: page, firstLine: i + 2)
            let bare = body.contains { isBareCommand($0) }
            if !commands.isEmpty || bare {
                blocks.append(Block(page: page, open: i, close: close, marker: marker(above: i, in: lines), commands: commands, hasBareCommands: bare))
            }
            i = close + 1
        }
        return blocks
    }

    /// What would make the blocks of a page be read wrongly: a fence never closed (the fences
    /// pair up wrongly after a missing one, and prose would be taken for output) or a `$ adviz`
    /// line outside any block. A page with such a problem is never rewritten.
    static func problems(in page: String, lines: [String]) -> [String] {
        var problems: [String] = []
        var i = 0
        while i < lines.count {
            if let fence = fenceOpening(lines[i]) {
                var close = i + 1
                while close < lines.count, !isFenceClosing(lines[close], fence: fence) { close += 1 }
                if close >= lines.count { problems.append("\(page):\(i + 1): this fence is never closed (is one missing above?)") }
                i = close + 1
            } else {
                if isCommand(lines[i]) { problems.append("\(page):\(i + 1): `$ adviz` outside a fenced block (is a fence missing above?)") }
                i += 1
            }
        }
        return problems
    }

    /// "```" or "~~~" (three or more) at the start of a line, with an optional info string.
    static func fenceOpening(_ line: String) -> String? {
        for mark in ["`", "~"] {
            let run = line.prefix { String($0) == mark }
            if run.count >= 3 { return String(run) }
        }
        return nil
    }

    static func isFenceClosing(_ line: String, fence: String) -> Bool {
        line.hasPrefix(fence) && line.dropFirst(fence.count).allSatisfy { $0 == fence.first! || $0 == " " }
    }

    /// `adviz …` shown as a command without `$ ` (possibly indented).
    static func isBareCommand(_ line: String) -> Bool {
        let trimmed = line.drop { $0 == " " }
        return trimmed.hasPrefix("adviz ") || trimmed == "adviz"
    }

    static func isCommand(_ line: String) -> Bool { line.hasPrefix("$ adviz") }

    /// The `$ ` commands of a block's body and the lines under each; none unless the body's first
    /// line is one.
    static func parseCommands(_ body: [String], page: String, firstLine: Int) -> [Command] {
        guard let first = body.first, isCommand(first) else { return [] }
        var commands: [Command] = []
        var k = 0
        while k < body.count {
            guard body[k].hasPrefix("$ ") else { k += 1; continue }
            let start = k
            var text = String(body[k].dropFirst(2))
            while text.hasSuffix("\\"), k + 1 < body.count {
                k += 1
                text += "\n" + body[k]
            }
            k += 1
            var expected: [String] = []
            while k < body.count, !body[k].hasPrefix("$ ") {
                expected.append(body[k])
                k += 1
            }
            commands.append(Command(page: page, line: firstLine + start, text: text, commandLineCount: k - start - expected.count, expected: expected))
        }
        return commands
    }

    /// The marker on the nearest non-blank line above line `index`.
    static func marker(above index: Int, in lines: [String]) -> Marker {
        var j = index - 1
        while j >= 0, lines[j].trimmingCharacters(in: .whitespaces).isEmpty { j -= 1 }
        guard j >= 0 else { return .run }
        let line = lines[j].trimmingCharacters(in: .whitespaces)
        if line == "<!-- output varies -->" { return .varies }
        if line.hasPrefix("<!-- not run:"), line.hasSuffix("-->") {
            let reason = line.dropFirst("<!-- not run:".count).dropLast("-->".count)
            return .notRun(reason.trimmingCharacters(in: .whitespaces))
        }
        return .run
    }

    /// Lines without trailing whitespace, and without trailing empty lines.
    static func normalized(_ lines: [String]) -> [String] {
        var out = lines.map { line -> String in
            var line = Substring(line)
            while let last = line.last, last == " " || last == "\t" || last == "\r" { line = line.dropLast() }
            return String(line)
        }
        while out.last == "" { out.removeLast() }
        return out
    }

    /// Whether `actual` is what `expected` shows (a `…` line stands for any number of lines).
    static func matches(expected: [String], actual: [String]) -> Bool {
        let expected = normalized(expected), actual = normalized(actual)
        guard let gap = expected.firstIndex(of: "…") else { return expected == actual }
        let head = expected[..<gap], tail = expected[(gap + 1)...]
        return actual.count >= head.count + tail.count && actual.prefix(head.count).elementsEqual(head)
            && actual.suffix(tail.count).elementsEqual(tail)
    }

    /// What the page should show for `actual`, keeping the shape of `expected`: as many lines
    /// before and after its `…` as it had.
    static func rewritten(expected: [String], actual: [String]) -> [String] {
        let expected = normalized(expected), actual = normalized(actual)
        guard let gap = expected.firstIndex(of: "…") else { return actual }
        let head = gap, tail = expected.count - gap - 1
        guard actual.count > head + tail else { return actual }
        return Array(actual.prefix(head)) + ["…"] + Array(actual.suffix(tail))
    }
}
