import Foundation
import Testing

@testable import AdvizBench
@testable import AdvizCore
@testable import AdvizEngines
@testable import AdvizFigures
@testable import AdvizKit
@testable import AdvizLessons
@testable import AdvizPlots
@testable import AdvizSymbolic

/// The lesson format, its checks, and the course in `lessons/`.
@Suite struct LessonTests {
    /// The repository's `lessons/` folder.
    static let folder: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("lessons").path
    }()

    static var course: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".md") && $0 != "README.md" }.sorted().map { folder + "/" + $0 }
    }

    static let small = """
        # Product rule

        f = x1·x2 at (3, 4).

        ```adviz
        expression: x1*x2
        at: "3, 4"
        ```

        ## Forward

        ```adviz
        run: primal
        question: What is ∂f/∂x1?
        answer: "4"
        ```

        ## Reverse

        ```adviz
        run: reverse
        advance: node
        show: [graph, trace]
        ```

        ## The rest

        ```adviz
        advance: phase
        ```
        """

    @Test func aSmallLessonPlaysStepByStep() throws {
        let lesson = try Lesson.parse(Self.small, name: "small.md")
        #expect(lesson.title == "Product rule")
        #expect(lesson.steps.map(\.title) == ["Forward", "Reverse", "The rest"])
        let frames = try LessonRun.frames(lesson)
        #expect(frames[0].phase == .primal && frames[0].progress == frames[0].phaseLength)
        #expect(frames[0].question == "What is ∂f/∂x1?")
        #expect(frames[1].revealed?.answer == "4")
        #expect(frames[1].phase == .reverse && frames[1].progress == 1)
        #expect(frames[2].progress == frames[2].phaseLength && frames[2].completed.contains(.reverse))
        let transcript = LessonPlayer(lesson: lesson, frames: frames).transcript()
        #expect(transcript.contains("v̄₋₁ = v̄₁·∂v₁/∂v₋₁ = 1·4"), "\(transcript)")
        #expect(transcript.contains("Answer to “What is ∂f/∂x1?”: 4"))
    }

    /// Every mistake a teacher can make is caught, with the place it was made.
    @Test(arguments: [
        ("# T\n## S\n```adviz\nrun: primal\n```\n", "small.md:4:6", "`run: primal` before any `expression`"),
        ("# T\n## S\n```adviz\nexpression: x\nrn: primal\n```\n", "small.md:5:1", "unknown key `rn`"),
        ("# T\n## S\n```adviz\nexpression: x\nadvance: 2.5\n```\n", "small.md:5:10", "`advance` takes `node`, `phase` or a number of nodes"),
        ("# T\n## S\n```adviz\nexpression: x^\n```\n", "small.md:4:13", "the expression does not parse"),
        ("# T\n## S\n```adviz\nexpression: x\nat: 1\nrun: reverse\n```\n", "small.md:6:6", "`reverse` needs the primal values first"),
        ("# T\n## S\n```adviz\nexpression: x\nadvance: node\n```\n", "small.md:5:10", "`advance` with no phase running"),
        ("# T\n## S\n```adviz\nexpression: x\nanswer: 3\n```\n", "small.md:5:9", "an `answer` without a `question`"),
        ("# T\n## S\n```adviz\nexpression: x\nshow: [graph, table]\n```\n", "small.md:5:15", "unknown figure `table`"),
        ("# T\n## S\n```adviz\nexpression: x\nat: [1, 2]\n```\n", "small.md:5:5", "`at` has 2 values, 1 too many"),
        ("# T\n## S\n```adviz\nexpression: [x\n```\n", "small.md:5:1", "not valid YAML"),
        ("# T\n## S\n```adviz\nwrt: 3\nexpression: x\nprecision: 40\n```\n", "small.md:6:12", "`precision` is a whole number from 1 to 17"),
        ("no title\n", "small.md:1:1", "a lesson starts with its `#` title"),
        ("# T\n\nintro only\n", "small.md:1:1", "the lesson has no steps"),
    ])
    func mistakesAreReportedWhereTheyAre(_ text: String, _ place: String, _ reason: String) {
        do {
            _ = try LessonRun.frames(try Lesson.parse(text, name: "small.md"))
            Issue.record("expected an error for \(text)")
        } catch {
            let message = error.rendered
            #expect(message.contains(place), "\(message)")
            #expect(message.contains(reason), "\(message)")
            #expect(message.contains("^"), "a caret under the place")
        }
    }

    @Test func showRaceRunsTheBenchRaceAtTheLessonsPointCount() throws {
        let text = """
            # A race

            ```adviz
            points: 2000
            ```

            ## The table

            The race, small.

            ```adviz
            show: race
            ```
            """
        let lesson = try Lesson.parse(text)
        let frames = try LessonRun.frames(lesson)
        #expect(frames[0].points == 2000)
        let lines = LessonText(race: DerivativeRace.lessonTable).figure(.race, frames[0])
        let table = lines.joined(separator: "\n")
        #expect(table.hasPrefix("machine:") && table.contains("Race: the derivative at every point"))
        let rows = lines.filter { $0.contains(" 2000 ") }
        #expect(rows.count == DerivativeRace.cases.count * 4 * 3, "every case, method and engine, at the lesson's 2000 points")
        #expect(Lesson.check("# A race\n\n## Step\n\nText.\n\n```adviz\npoints: 0\nshow: race\n```\n").contains { $0.rendered.contains("`points` is a whole number") })
    }

    @Test func theCourseIsComplete() {
        // The course in order: each lesson builds on the one before.
        let names = Self.course.map { URL(fileURLWithPath: $0).lastPathComponent }
        #expect(Array(names.prefix(8)) == [
            "01-computational-graph.md", "02-forward-mode.md", "03-reverse-mode.md", "04-cost-jacobian.md",
            "05-three-ways.md", "06-kinks.md", "07-neuron-backprop.md", "08-derivative-as-limit.md",
        ])
        #expect(names == names.sorted(), "numbered in order")
        #expect(FileManager.default.fileExists(atPath: Self.folder + "/README.md"))
    }

    /// Every lesson checks, plays without a terminal, and builds a self-contained slideshow.
    @Test(arguments: course)
    func everyLessonChecksPlaysAndBuilds(_ path: String) throws {
        let lesson = try Lesson.load(path: path)
        let player = try LessonPlayer(lesson)
        #expect(player.frames.count == lesson.steps.count)
        let transcript = player.transcript()
        #expect(transcript.contains(lesson.title))
        let folder = try LessonSlideshows.folder(for: path)
        let html = try String(contentsOfFile: folder + "/index.html", encoding: .utf8)
        try Self.expectSelfContained(html, in: folder)
        #expect(html.components(separatedBy: "\"image\":").count - 1 == lesson.steps.count + 1, "the title slide (the introduction), then one frame per step")
        #expect(html.contains("title.svg"))
    }

    /// The numbers a lesson shows are the trace command's numbers.
    @Test(arguments: course)
    func lessonNumbersAreTheTraceNumbers(_ path: String) throws {
        let lesson = try Lesson.load(path: path)
        let player = try LessonPlayer(lesson)
        let transcript = player.transcript()
        for frame in player.frames where frame.shows.contains(.trace) && frame.phase == .primal || frame.phase == .reverse {
            guard let trace = frame.trace, frame.shows.contains(.trace) else { continue }
            let report = TraceReport(trace, source: frame.program ?? "").render(.text, width: 200, style: .plain)
            // Each row as the report prints it: its label and its value on one line, not merely the
            // value somewhere in the text.
            let rows = trace.rendered(frame.phase == .primal ? trace.primalRows() : trace.adjointRows())
            let reportLines = report.split(separator: "\n"), transcriptLines = transcript.split(separator: "\n")
            for row in rows.prefix(frame.progress) {
                let value = row.value
                func printed(_ line: Substring) -> Bool {
                    line.contains(row.label + " ") && (line.hasSuffix("= " + value) || line.contains("= " + value + " "))
                }
                #expect(reportLines.contains(where: printed), "\(path): the report has no row `\(row.label) … = \(value)`")
                #expect(transcriptLines.contains(where: printed), "\(path): the transcript has no row `\(row.label) … = \(value)`")
            }
        }
    }

    /// An HTML page's links and images all point at files in its folder, and it loads nothing from the network.
    static func expectSelfContained(_ html: String, in folder: String) throws {
        #expect(!html.contains("http://") && !html.contains("https://"), "nothing from the network")
        let pattern = try NSRegularExpression(pattern: "(?:src|href)=\\\\?\"([^\"\\\\]+)\\\\?\"|\"image\": \"([^\"]+)\"")
        let range = NSRange(html.startIndex..., in: html)
        for match in pattern.matches(in: html, range: range) {
            for group in 1...2 {
                guard let r = Range(match.range(at: group), in: html) else { continue }
                let target = String(html[r]).components(separatedBy: "#")[0]
                guard !target.isEmpty else { continue }
                #expect(FileManager.default.fileExists(atPath: folder + "/" + target), "\(target) is in the folder")
            }
        }
        // Tags that must balance for the page to be well-formed.
        for tag in ["html", "head", "body", "main", "script", "style", "figure", "nav", "header"] {
            let opening = try NSRegularExpression(pattern: "<\(tag)[\\s>]").numberOfMatches(in: html, range: range)
            #expect(opening == html.components(separatedBy: "</\(tag)>").count - 1, "<\(tag)> balanced")
        }
    }

    /// A lesson's trace rows line up as `adviz trace`'s do: the definitions, the numbers put in
    /// and the values each start in one column (the seed row `v̄₄ = ȳ` too), in every phase.
    @Test func lessonTraceRowsAlignInColumns() throws {
        let frames = try LessonRun.frames(try Lesson.load(path: LessonTests.folder + "/03-reverse-mode.md"))
        var checked = 0
        for frame in frames where frame.phase != nil && frame.phase != .build && frame.phase != .jacobian && frame.progress > 2 {
            let rows = LessonText().traceTable(frame).dropFirst().filter { $0.hasPrefix("  ▶") || $0.hasPrefix("   ") }
            // The column (in characters) where each row's value starts: after its last "= ".
            let valueColumns = Set(rows.compactMap { row in row.range(of: "= ", options: .backwards).map { row[..<$0.lowerBound].count } })
            let definitionColumns = Set(rows.compactMap { row in row.range(of: " = ").map { row[..<$0.lowerBound].count } })
            #expect(valueColumns.count == 1, "values in one column: \(rows)")
            #expect(definitionColumns.count == 1, "definitions in one column: \(rows)")
            checked += 1
        }
        #expect(checked >= 3)
        let last = try #require(frames.last { $0.phase == .reverse && $0.progress == $0.phaseLength })
        let seed = try #require(LessonText().traceTable(last).first { $0.contains("v̄₄") })
        #expect(seed.hasSuffix("= 1") && seed.contains("= ȳ "), "the seed row has its value in the value column: \(seed)")
    }
}
