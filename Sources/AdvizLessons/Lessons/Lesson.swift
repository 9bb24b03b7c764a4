import Foundation
import Yams
import AdvizCore
import AdvizEngines
import AdvizSymbolic
import AdvizFigures
import AdvizPlots

/// A lesson script: a Markdown file whose `##` sections are steps, each with narration and,
/// optionally, a fenced `adviz` block of YAML saying what the step does.
///
/// The file reads well on its own (on a code host, in an editor); adviz plays it. The
/// format is documented, with a complete example, in `lessons/README.md`.
public struct Lesson: Sendable {
    /// The `#` title.
    public var title: String
    /// The introduction's Markdown (before the first step).
    public var introduction: String
    /// The block in the introduction, if any (it sets up the first step's state).
    public var setup: LessonAction?
    /// The steps, in order.
    public var steps: [LessonStep]
    /// The file's text, for messages.
    public var source: SourceText
    /// The lesson's ```python blocks, in file order: a step's `function:` traces a function
    /// defined in them (the blocks of the introduction and of the steps up to its own).
    public var python: [LessonPythonBlock] = []
}

/// A ```python block of a lesson: the course's code, shown as written and traced by `function:`.
public struct LessonPythonBlock: Sendable {
    /// The step it is in (-1: the introduction).
    public var step: Int
    /// The file line of its first line of code.
    public var firstLine: Int
    /// Its lines of code.
    public var lines: [String]
}

/// One step: its heading, its narration, and what it does.
public struct LessonStep: Sendable {
    /// The `##` heading.
    public var title: String
    /// The narration, as Markdown (the `adviz` block removed).
    public var narration: String
    /// What the step does (nil: narration only).
    public var action: LessonAction?
    /// Where the step's heading is, for messages.
    public var span: SourceSpan
}

/// A phase a lesson can run.
public enum LessonPhase: String, Sendable, CaseIterable {
    /// The Wengert list, node by node, no values.
    case build
    /// The forward primal sweep: values.
    case primal
    /// The forward tangent sweep for one input direction.
    case tangent
    /// The reverse sweep: adjoints.
    case reverse
    /// The whole Jacobian, by n forward and by m reverse sweeps.
    case jacobian
}

/// How far a step moves the running phase.
public enum LessonAdvance: Sendable, Equatable {
    /// k nodes.
    case nodes(Int)
    /// To the end of the phase.
    case phase
}

/// Something a step shows besides its narration.
public enum LessonShow: String, Sendable, CaseIterable {
    case graph, trace, code, compare, diff, plot
    case errorStudy = "error-study"
    /// The derivative race of `adviz bench`, run live at the lesson's `points`, as the bench's table.
    case race
    /// The reverse sweep as increments in the order a tape runs them (`trace --accumulate`).
    case accumulate
    /// The notes' recursive backward pass with `+=`: one visit per path (`trace --backward recursive`).
    case recursive
    /// The notes' `ReverseDiff.backward` as written, `grad = g` (`trace --backward recursive-overwrite`).
    case recursiveOverwrite = "recursive-overwrite"
    case none
}

/// What one `adviz` block says, checked; positions kept for the checks that need the run.
public struct LessonAction: Sendable {
    /// A new program, if set.
    public var expression: String?
    /// A new point, as text adviz's `--at` reads (`2,5` or `x1=2,x2=5`), if set.
    public var point: String?
    /// The tangent direction's input, if set.
    public var wrt: String?
    /// The output seed ȳ, if set.
    public var ybar: [Double]?
    /// The phase started, if any.
    public var run: LessonPhase?
    /// How far to go (nil: the whole phase when `run` is given).
    public var advance: LessonAdvance?
    /// What to show (nil: the default, the graph).
    public var show: [LessonShow]?
    /// The plot's x range.
    public var range: (Double, Double)?
    /// A question, answered at the next step.
    public var question: String?
    /// The question's answer.
    public var answer: String?
    /// Digits shown.
    public var precision: Int?
    /// Whether the lesson's graph is the program's gradient graph (its backward pass as nodes), if set.
    public var gradientGraph: Bool?
    /// How many points `show: race` differentiates at (10⁶ unless a lesson says otherwise).
    public var points: Int?
    /// The Python function the step traces, if set: defined in the lesson's ```python blocks,
    /// or in `expression` when that holds Python (a `def`).
    public var function: String?
    /// Where each key's value is in the file (for run-time checks).
    public var spans: [String: SourceSpan] = [:]
}

extension Lesson {
    /// The keys an `adviz` block may use.
    public static let keys = ["expression", "at", "wrt", "ybar", "run", "advance", "show", "range", "question", "answer", "precision", "gradient-graph", "points", "function"]

    /// Reads the lesson file at `path` (66 if it cannot be read).
    public static func load(path: String) throws(AdvizError) -> Lesson {
        let text = try InputFile.text(try InputFile.read(path, what: "the lesson"), name: "`\(path)`")
        return try parse(text, name: path)
    }

    /// Parses lesson text; errors point at the file, line and column. Throws the first mistake;
    /// ``check(_:name:)`` reports them all.
    public static func parse(_ text: String, name: String = "<lesson>") throws(AdvizError) -> Lesson {
        let (lesson, problems) = read(text, name: name)
        if let first = problems.first { throw first }
        return lesson!
    }

    /// Every mistake in lesson text, in the order of the file, each with its place: the format's
    /// (keys, types, YAML, expressions, structure) and, where the file can be read as a lesson,
    /// the run's (a phase before its prerequisite, a question on the last step, …). Empty for a
    /// lesson that passes `adviz lesson check`.
    public static func check(_ text: String, name: String = "<lesson>") -> [AdvizError] {
        var (lesson, problems) = read(text, name: name)
        if let lesson {
            problems += LessonRun.problems(lesson)
            // The numbers the prose writes, held to the program (only where the run itself is sound).
            if problems.isEmpty, let frames = try? LessonRun.frames(lesson) {
                problems += LessonNumbers.problems(lesson, frames: frames)
            }
        }
        return problems.sorted { offset(of: $0) < offset(of: $1) }
    }

    /// Every mistake in the lesson file at `path` (see ``check(_:name:)``); a file that cannot be
    /// read is one mistake.
    public static func check(path: String) -> [AdvizError] {
        do {
            let text = try InputFile.text(try InputFile.read(path, what: "the lesson"), name: "`\(path)`")
            return check(text, name: path)
        } catch {
            return [error]
        }
    }

    /// Where an error points (errors without a place sort first).
    static func offset(of error: AdvizError) -> Int {
        if case .input(let diagnostic, _) = error { return diagnostic.span.start }
        return -1
    }

    /// Reads lesson text, collecting every mistake; the lesson is nil where the file has no
    /// title or no steps, or a code block never closed.
    static func read(_ text: String, name: String) -> (lesson: Lesson?, problems: [AdvizError]) {
        var reader = Reader(text, name: name)
        let lesson = reader.read()
        return (lesson, reader.problems)
    }

    /// Reads a lesson's lines in order: the `#` title, the introduction (and its setup block),
    /// then `##` steps with their narration and `adviz` blocks; every mistake is kept.
    struct Reader {
        let source: SourceText
        let lines: [String]
        /// The span of (line, column, length), 1-based, for diagnostics.
        let spanAt: (Int, Int, Int) -> SourceSpan
        /// A diagnostic of this lesson: message, place, hint.
        let failure: (String, SourceSpan, String?) -> AdvizError
        var problems: [AdvizError] = []
        var title: String? = nil
        var introduction: [String] = []
        var setup: LessonAction? = nil
        var steps: [LessonStep] = []
        var python: [LessonPythonBlock] = []
        var current: (title: String, line: Int, narration: [String], action: LessonAction?)? = nil
        // One report each for text or steps before the title: the first place says it all.
        var reportedEarlyStep = false, reportedEarlyText = false

        init(_ text: String, name: String) {
            let source = SourceText(text, name: name)
            // Byte offset of the start of each line, to turn (line, column) into spans.
            var lineStarts = [0]
            for (offset, byte) in text.utf8.enumerated() where byte == 10 { lineStarts.append(offset + 1) }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            self.source = source
            self.lines = lines
            spanAt = { line, column, length in
                let start = lineStarts[Swift.min(line, lineStarts.count) - 1]
                let lineText = lines[Swift.min(line, lines.count) - 1]
                let prefix = String(lineText.unicodeScalars.prefix(Swift.max(0, column - 1)))
                return SourceSpan(start: start + prefix.utf8.count, length: Swift.max(1, length))
            }
            failure = { message, at, hint in .input(Diagnostic(message, at: at, hint: hint), source) }
        }

        func span(line: Int, column: Int = 1, length: Int = 1) -> SourceSpan { spanAt(line, column, length) }

        func fail(_ message: String, _ at: SourceSpan, hint: String? = nil) -> AdvizError { failure(message, at, hint) }

        /// The lesson, or nil (with a problem saying why) where it has no title or no steps, or a
        /// code block is never closed.
        mutating func read() -> Lesson? {
            var index = 0
            while index < lines.count {
                let trimmed = lines[index].trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                    guard let next = readBlock(at: index) else { return nil }
                    index = next
                    continue
                }
                readLine(index)
                index += 1
            }
            finishStep()
            guard let title else {
                problems.append(fail("the lesson has no `#` title", span(line: 1), hint: "start the file with `# Title`"))
                return nil
            }
            guard !steps.isEmpty else {
                problems.append(fail("the lesson has no steps", span(line: 1), hint: "each step is a `##` section"))
                return nil
            }
            return Lesson(
                title: title, introduction: introduction.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines),
                setup: setup, steps: steps, source: source, python: python)
        }

        /// A fenced block starting at line `index` (0-based): an `adviz` block is an action, any
        /// other is narration. The index after it, or nil when it is never closed.
        mutating func readBlock(at index: Int) -> Int? {
            let line = lines[index], number = index + 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let fence = String(trimmed.prefix { $0 == "`" || $0 == "~" })
            let info = trimmed.dropFirst(fence.count).trimmingCharacters(in: .whitespaces)
            var body: [String] = []
            var end = index + 1
            while end < lines.count, !lines[end].trimmingCharacters(in: .whitespaces).hasPrefix(fence) {
                body.append(lines[end])
                end += 1
            }
            guard end < lines.count else {
                problems.append(fail("this code block is never closed", span(line: number, length: line.utf8.count), hint: "end it with a line `\(fence)`"))
                return nil
            }
            if info == "adviz" {
                let (action, actionProblems) = Lesson.parseAction(body.joined(separator: "\n"), firstLine: number + 1, span: spanAt, fail: failure)
                problems += actionProblems
                if title == nil {
                    problems.append(fail("an `adviz` block before the lesson's `#` title", span(line: number)))
                } else if current != nil {
                    if current!.action == nil {
                        current!.action = action
                    } else {
                        problems.append(fail("a second `adviz` block in one step", span(line: number), hint: "start a new `##` step for it"))
                    }
                } else if setup == nil {
                    setup = action
                } else {
                    problems.append(fail("a second `adviz` block in the introduction", span(line: number)))
                }
            } else {
                if info == "python" || info == "py" {
                    python.append(LessonPythonBlock(step: current == nil ? -1 : steps.count, firstLine: number + 1, lines: body))
                }
                let block = lines[index...end]
                if current != nil { current!.narration += block } else { introduction += block }
            }
            return end + 1
        }

        /// A line outside a fenced block: the title, a step's heading, or narration.
        mutating func readLine(_ index: Int) {
            let line = lines[index], number = index + 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("# ") {
                if title != nil {
                    problems.append(fail("a second `#` title", span(line: number, length: line.utf8.count), hint: "steps are `##` sections; a lesson has one `#` title"))
                } else if !steps.isEmpty || current != nil {
                    problems.append(fail("the `#` title must come before the steps", span(line: number)))
                    title = line.dropFirst(2).trimmingCharacters(in: .whitespaces)
                } else {
                    title = line.dropFirst(2).trimmingCharacters(in: .whitespaces)
                }
            } else if line.hasPrefix("## ") {
                if title == nil, !reportedEarlyStep {
                    problems.append(fail("a step before the lesson's `#` title", span(line: number)))
                    reportedEarlyStep = true
                }
                finishStep()
                current = (line.dropFirst(3).trimmingCharacters(in: .whitespaces), number, [], nil)
            } else if current != nil {
                current!.narration.append(line)
            } else if title != nil {
                introduction.append(line)
            } else if !trimmed.isEmpty, !reportedEarlyText {
                problems.append(fail("a lesson starts with its `#` title", span(line: number, length: line.utf8.count)))
                reportedEarlyText = true
            }
        }

        /// Ends the step being read, if any.
        mutating func finishStep() {
            if let step = current {
                steps.append(LessonStep(
                    title: step.title, narration: step.narration.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines),
                    action: step.action, span: span(line: step.line, length: lines[step.line - 1].utf8.count)))
            }
            current = nil
        }
    }

    /// Reads one block's YAML into an action, checking keys and types.
    fileprivate static func parseAction(
        _ yaml: String, firstLine: Int, span: @escaping (Int, Int, Int) -> SourceSpan, fail: @escaping (String, SourceSpan, String?) -> AdvizError
    ) -> (LessonAction, [AdvizError]) {
        var problems: [AdvizError] = []
        do throws(AdvizError) {
            let action = try parseAction(yaml, firstLine: firstLine, span: span, fail: fail) { problems.append($0) }
            return (action, problems)
        } catch {
            return (LessonAction(), problems + [error])
        }
    }
}
