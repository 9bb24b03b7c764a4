import Foundation
import Testing

@testable import AdvizLessons

/// The terminal player fits the terminal: a step taller than it scrolls, and the lesson's
/// introduction is its first screen.
@Suite struct PlayerWindowTests {
    @Test func aTallStepScrollsWithinTheTerminal() {
        let screen = (1...40).map { "line \($0)" }.joined(separator: "\n")
        let top = LessonPlayer.window(screen, height: 24, offset: 0, footer: "keys")
        #expect(top.lines.count == 24)
        #expect(top.lines.first == "line 1" && top.lines.last == "keys")
        #expect(top.lines[22].contains("lines 1–22 of 40"))
        let end = LessonPlayer.window(screen, height: 24, offset: 1000, footer: "keys")
        #expect(end.offset == 18 && end.lines.count == 24)
        #expect(end.lines[21] == "line 40" && end.lines[22].contains("end of step"))
        let short = LessonPlayer.window("a\nb", height: 24, offset: 5, footer: "keys")
        #expect(short.lines == ["a", "b", "keys"] && short.offset == 0)
    }

    @Test func theIntroductionIsTheTitleScreen() throws {
        let lesson = try Lesson.load(path: LessonTests.folder + "/07-neuron-backprop.md")
        let player = try LessonPlayer(lesson)
        let title = player.titleScreen(LessonText(style: .plain, width: 80), style: .plain)
        #expect(title.hasPrefix("Backpropagation in one neuron"))
        #expect(title.contains("smallest possible network"))
        #expect(title.contains("\(player.frames.count) steps"))
        #expect(title.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }
}
