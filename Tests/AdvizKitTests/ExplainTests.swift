import Foundation
import Testing

@testable import AdvizCore
@testable import AdvizLessons

/// `adviz explain`: the lessons it writes, and the checker that reports every mistake.
@Suite struct ExplainTests {
    static let programs: [(program: String, point: String)] = [
        ("log(x1*x2) + sin(x2)", "2,5"),
        ("abs(x1) + x1*x2", "0,3"),
        ("a = x1*x2; y1 = sin(a); y2 = a^2", "2,3"),
        ("x^2", "3"),
        ("log(x)", "-1"),
        ("tanh(w1*x1 + w2*x2 + b)", "1,2,0.5,-0.3,0.1"),
        ("max(x1, x2)*x1", "2,2"),
    ]

    /// Every generated lesson passes the checker, plays, asks two to four questions (none on the
    /// last step), and walks the reverse sweep one node per step.
    @Test(arguments: programs.indices)
    func generatedLessonsCheckAndPlay(_ index: Int) throws {
        let (program, point) = Self.programs[index]
        let text = try LessonExplanation.lesson(program: program, at: point)
        let problems = Lesson.check(text, name: "explain.md")
        #expect(problems.isEmpty, "\(problems.map(\.rendered))")
        let lesson = try Lesson.parse(text, name: "explain.md")
        let frames = try LessonRun.frames(lesson)
        let questions = lesson.steps.compactMap { $0.action?.question }
        #expect((2...4).contains(questions.count), "\(program): \(questions)")
        #expect(lesson.steps.last?.action?.question == nil)
        let trace = try Trace(expression: program, at: point)
        let reverseFrames = frames.filter { $0.phase == .reverse }
        #expect(reverseFrames.map(\.progress) == Array(1...trace.adjointRows().count), "one node per reverse step")
        #expect(frames.contains { $0.completed.contains(.tangent) })
        #expect(frames.contains { $0.phase == .jacobian })
    }

    /// The narration's numbers are the trace's: every adjoint row's equation, every primal value
    /// and the gradient appear as the trace writes them.
    @Test(arguments: programs.indices)
    func narrationNumbersAreTheTraceNumbers(_ index: Int) throws {
        let (program, point) = Self.programs[index]
        let text = try LessonExplanation.lesson(program: program, at: point)
        let trace = try Trace(expression: program, at: point)
        let format = trace.options.numberFormat
        for row in trace.rendered(trace.adjointRows()) {
            #expect(text.contains("\(row.label) = \(row.definition)"), "\(program): no `\(row.label) = \(row.definition)`")
            #expect(text.contains(" = \(row.value)"), "\(program): no value of \(row.label)")
        }
        for row in trace.rendered(trace.primalRows()) where trace.graph.nodes[row.node].op != .input {
            #expect(text.contains("\(row.label) = \(row.definition)") && text.contains("= \(row.value)"))
        }
        #expect(text.contains("(" + trace.gradient.map(format.string).joined(separator: ", ") + ")"), "the gradient as a vector")
    }

    @Test func theSameProgramAndPointGiveTheSameLesson() throws {
        let first = try LessonExplanation.lesson(program: "x1*sin(x1)*exp(x2)", at: "1,2")
        let second = try LessonExplanation.lesson(program: "x1*sin(x1)*exp(x2)", at: "1,2")
        #expect(first == second)
    }

    /// Kinks and domain warnings are explained where they occur, in the steps of the node.
    @Test func kinksAreExplainedAtTheirNode() throws {
        let text = try LessonExplanation.lesson(program: "abs(x1) + x1*x2", at: "0,3")
        #expect(text.contains("## Where the sweep needs care"))
        #expect(text.contains("abs at its kink 0"))
        #expect(text.contains("This is a kink"))
        let domain = try LessonExplanation.lesson(program: "log(x)", at: "-1")
        #expect(domain.contains("outside the ordinary domain"))
    }

    @Test func aProgramWithoutInputsIsRefused() {
        #expect(throws: AdvizError.self) { try LessonExplanation.lesson(program: "2*3", at: "") }
    }

    // MARK: The checker

    /// Three mistakes, one run: each reported with its place, in the order of the file.
    @Test func everyMistakeIsReportedInOneRun() throws {
        let text = "# T\n\n```adviz\nexpression: x\nat: 1\n```\n\n## A\n\n```adviz\nrn: primal\nshow: graph, trace\n```\n\n## B\n\n```adviz\nrun: reverse\n```\n\n## C\n\n```adviz\nrun: primal\nquestion: \"Why?\"\nanswer: \"Because.\"\n```\n"
        let problems = Lesson.check(text, name: "t.md").map(\.rendered)
        try #require(problems.count == 4, "\(problems)")
        #expect(problems[0].contains("t.md:11:1") && problems[0].contains("unknown key `rn`"))
        #expect(problems[1].contains("t.md:12:7") && problems[1].contains("write a list as `[graph, trace]`"))
        #expect(problems[2].contains("t.md:18:6") && problems[2].contains("`reverse` needs the primal values first"))
        #expect(problems[3].contains("t.md:25:11") && problems[3].contains("a question on the last step is never answered"))
    }

    @Test func aListWrittenWithoutBracketsGetsAHint() {
        let problems = Lesson.check("# T\n## S\n```adviz\nexpression: \"a*b\"\nybar: 1, 0\n```\n", name: "t.md").map(\.rendered)
        #expect(problems.count == 1 && problems[0].contains("write a list as `[1, 0]`"), "\(problems)")
    }

    @Test func aCleanLessonHasNoProblems() {
        #expect(Lesson.check(LessonTests.small, name: "small.md").isEmpty)
    }
}

/// A question asked mid-sweep does not give itself away: the figure withholds the flows into
/// the node whose adjoint comes next (lesson 03's "What is v̄₀?", written with subscripts however the file spells it).
@Suite struct QuestionFigureTests {
    @Test func theAskedAdjointsFlowsAreWithheld() throws {
        let lesson = try Lesson.load(path: LessonTests.folder + "/03-reverse-mode.md")
        let frames = try LessonRun.frames(lesson)
        let asking = try #require(frames.first { $0.question?.contains("v̄₀") == true })
        let v0 = 1  // x2, the second input
        #expect(asking.figureProgress.progress.withheld == [v0])
        let answered = frames[asking.index + 1]
        #expect(answered.figureProgress.progress.withheld.isEmpty)
    }
}
