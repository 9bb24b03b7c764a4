import AdvizOutput
import Foundation
import TerminalKit
import AdvizCore
import AdvizEngines
import AdvizSymbolic
import AdvizFigures
import AdvizPlots

/// Plays a lesson: full screen, one step at a time, on a terminal; every step in order otherwise.
///
/// Keys: → or space (or `n`, `l`) next; ← (or `p`, `h`, backspace) back; Home/End first/last;
/// `g` then a number and Enter to go to a step; `q` (or Ctrl-C) to quit. The terminal is
/// put in raw mode on the alternate screen and restored on every way out.
public struct LessonPlayer {
    /// The lesson.
    public let lesson: Lesson
    /// Its frames.
    public let frames: [LessonFrame]
    /// The table a `show: race` step prints.
    public var race: LessonRace = LessonText.noRace

    /// A player for `lesson` (its frames are computed now, so errors come before the screen
    /// changes); `race` makes the table of a `show: race` step.
    public init(_ lesson: Lesson, race: @escaping LessonRace = LessonText.noRace) throws(AdvizError) {
        self.lesson = lesson
        frames = try LessonRun.frames(lesson)
        self.race = race
    }

    /// Every step, one after the other: for pipes, CI and the test suite.
    public func transcript(style: TerminalStyle = .plain, width: Int = 100) -> String {
        let text = LessonText(style: style, width: width, race: race)
        var out = style.apply(.heading, "# " + lesson.title) + "\n"
        if !lesson.introduction.isEmpty { out += "\n" + text.narration(lesson.introduction).joined(separator: "\n") + "\n" }
        for frame in frames {
            out += "\n" + String(repeating: "═", count: Swift.min(width, 60)) + "\n" + text.render(frame, lesson: lesson, total: frames.count)
        }
        return out
    }

    /// A player over frames already computed.
    public init(lesson: Lesson, frames: [LessonFrame]) {
        self.lesson = lesson
        self.frames = frames
    }

    /// A key the player understands.
    public enum Key: Equatable, Sendable {
        case next, back, first, last, quit, go(Int), redraw
        /// Scrolls a step taller than the terminal by `lines` (negative: up).
        case scroll(Int)
    }

    /// The title screen: the lesson's title and its introduction (before the first step).
    public func titleScreen(_ text: LessonText, style: TerminalStyle) -> String {
        var out = style.apply(.heading, lesson.title) + "\n"
        if !lesson.introduction.isEmpty { out += "\n" + text.narration(lesson.introduction).joined(separator: "\n") + "\n" }
        return out + "\n" + style.apply(.muted, "\(frames.count) steps") + "\n"
    }

    /// The lines of `screen` that fit `height` rows from line `offset`, with the footer, and the
    /// offset clamped to what can scroll: a step taller than the terminal scrolls, its title
    /// never pushed off the top unseen.
    public static func window(_ screen: String, height: Int, offset: Int, footer: String) -> (lines: [String], offset: Int) {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let room = Swift.max(1, height - 1)
        guard lines.count > room else { return (lines + [footer], 0) }
        let clamped = Swift.max(0, Swift.min(offset, lines.count - (room - 1)))
        let shown = Array(lines[clamped..<Swift.min(lines.count, clamped + room - 1)])
        let more = clamped + room - 1 < lines.count ? "↓ more (↓/PgDn)" : "end of step"
        let position = "lines \(clamped + 1)–\(clamped + shown.count) of \(lines.count), \(more)"
        return (shown + [position, footer], clamped)
    }

    /// The step shown after `key` at step `index` (nil: quit).
    public func step(after key: Key, at index: Int) -> Int? {
        switch key {
        case .next: return Swift.min(frames.count - 1, index + 1)
        case .back: return Swift.max(0, index - 1)
        case .first: return 0
        case .last: return frames.count - 1
        case .go(let k): return Swift.max(0, Swift.min(frames.count - 1, k - 1))
        case .redraw, .scroll: return index
        case .quit: return nil
        }
    }

    /// Runs the interactive player on the terminal (standard input and output must be terminals).
    public func play(style: TerminalStyle) {
        let played = RawTerminal.withRawMode {
            write("\u{1B}[?1049h\u{1B}[?25l")  // the alternate screen, cursor hidden
            defer { write("\u{1B}[?25h\u{1B}[?1049l") }
            // -1 is the title screen: the lesson's title and introduction.
            var index = -1
            var offset = 0
            while true {
                let environment = ProcessInfo.processInfo.environment
                let width = Terminal.width(environment: environment) ?? 100
                let height = Terminal.height(environment: environment) ?? 24
                let text = LessonText(style: style, width: Swift.min(width, 110), race: race)
                let body = index < 0 ? titleScreen(text, style: style) : text.render(frames[index], lesson: lesson, total: frames.count)
                let footer = style.apply(.muted, "→/space next · ← back · ↑↓ scroll · g go to step · q quit")
                let (lines, clamped) = Self.window(body, height: height, offset: offset, footer: footer)
                offset = clamped
                write(("\u{1B}[H\u{1B}[2J" + lines.joined(separator: "\n")).replacingOccurrences(of: "\n", with: "\r\n"))
                let key = readKey()
                if case .scroll(let by) = key {
                    offset = Swift.max(0, offset + (by == .max ? height - 3 : by == .min ? -(height - 3) : by))
                    continue
                }
                if index < 0 {
                    switch key {
                    case .quit: return
                    case .next, .first: index = 0
                    case .last: index = frames.count - 1
                    case .go(let k): index = Swift.max(0, Swift.min(frames.count - 1, k - 1))
                    default: break
                    }
                } else if key == .back, index == 0 {
                    index = -1
                } else if key == .first, index == 0 {
                    index = -1
                } else {
                    guard let next = step(after: key, at: index) else { return }
                    index = next
                }
                offset = 0
            }
        }
        if !played { print(transcript(style: style)) }
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    private func readByte() -> UInt8? { RawTerminal.readByte() }

    /// Reads one key press (arrow keys arrive as escape sequences).
    private func readKey() -> Key {
        guard let byte = readByte() else { return .quit }
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "n"), UInt8(ascii: "l"), 13, 10: return .next
        case UInt8(ascii: "p"), UInt8(ascii: "h"), 127, 8: return .back
        case UInt8(ascii: "q"), 3, 4: return .quit
        case UInt8(ascii: "j"): return .scroll(1)
        case UInt8(ascii: "k"): return .scroll(-1)
        case UInt8(ascii: "g"):
            write("\r\n" + "go to step: ")
            var digits = ""
            while let d = readByte(), d != 13, d != 10 {
                if d >= 48 && d <= 57 { digits.append(Character(UnicodeScalar(d))); write(String(UnicodeScalar(d))) }
                if d == 27 || d == 3 { return .redraw }
            }
            return Int(digits).map { .go($0) } ?? .redraw
        case 27:
            // A lone Esc (nothing follows at once) does nothing; an arrow key's sequence follows at once.
            guard let second = RawTerminal.readByte(within: 50) else { return .redraw }
            guard second == UInt8(ascii: "[") || second == UInt8(ascii: "O") else { return .redraw }
            switch RawTerminal.readByte(within: 50) {
            case UInt8(ascii: "C"): return .next
            case UInt8(ascii: "D"): return .back
            case UInt8(ascii: "A"): return .scroll(-1)
            case UInt8(ascii: "B"): return .scroll(1)
            case UInt8(ascii: "5"): _ = readByte(); return .scroll(.min)
            case UInt8(ascii: "6"): _ = readByte(); return .scroll(.max)
            case UInt8(ascii: "H"): return .first
            case UInt8(ascii: "F"): return .last
            case UInt8(ascii: "1"), UInt8(ascii: "7"): _ = readByte(); return .first
            case UInt8(ascii: "4"), UInt8(ascii: "8"): _ = readByte(); return .last
            default: return .redraw
            }
        default: return .redraw
        }
    }
}
