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
    /// Where each key's value is in the file (for run-time checks).
    public var spans: [String: SourceSpan] = [:]
}

extension Lesson {
    /// The keys an `adviz` block may use.
    public static let keys = ["expression", "at", "wrt", "ybar", "run", "advance", "show", "range", "question", "answer", "precision", "gradient-graph", "points"]

    /// Reads the lesson file at `path` (66 if it cannot be read).
    public static func load(path: String) throws(AdvizError) -> Lesson {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .missingInput("cannot read the lesson `\(path)`")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw .missingInput("`\(path)` is not UTF-8 text") }
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
        }
        return problems.sorted { offset(of: $0) < offset(of: $1) }
    }

    /// Every mistake in the lesson file at `path` (see ``check(_:name:)``); a file that cannot be
    /// read is one mistake.
    public static func check(path: String) -> [AdvizError] {
        guard let data = FileManager.default.contents(atPath: path) else { return [.missingInput("cannot read the lesson `\(path)`")] }
        guard let text = String(data: data, encoding: .utf8) else { return [.missingInput("`\(path)` is not UTF-8 text")] }
        return check(text, name: path)
    }

    /// Where an error points (errors without a place sort first).
    static func offset(of error: AdvizError) -> Int {
        if case .input(let diagnostic, _) = error { return diagnostic.span.start }
        return -1
    }

    /// Reads lesson text, collecting every mistake; the lesson is nil where the file has no
    /// title or no steps, or a code block never closed.
    static func read(_ text: String, name: String) -> (lesson: Lesson?, problems: [AdvizError]) {
        let source = SourceText(text, name: name)
        var problems: [AdvizError] = []
        // Byte offset of the start of each line, to turn (line, column) into spans.
        var lineStarts = [0]
        for (offset, byte) in text.utf8.enumerated() where byte == 10 { lineStarts.append(offset + 1) }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func span(line: Int, column: Int = 1, length: Int = 1) -> SourceSpan {
            let start = lineStarts[Swift.min(line, lineStarts.count) - 1]
            let lineText = lines[Swift.min(line, lines.count) - 1]
            let prefix = String(lineText.unicodeScalars.prefix(Swift.max(0, column - 1)))
            return SourceSpan(start: start + prefix.utf8.count, length: Swift.max(1, length))
        }
        func fail(_ message: String, _ at: SourceSpan, hint: String? = nil) -> AdvizError {
            .input(Diagnostic(message, at: at, hint: hint), source)
        }

        var title: String? = nil
        var introduction: [String] = []
        var setup: LessonAction? = nil
        var steps: [LessonStep] = []
        var current: (title: String, line: Int, narration: [String], action: LessonAction?)? = nil
        var index = 0
        func finishStep() {
            if let step = current {
                steps.append(LessonStep(
                    title: step.title, narration: step.narration.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines),
                    action: step.action, span: span(line: step.line, length: lines[step.line - 1].utf8.count)))
            }
        }
        // One report each for text or steps before the title: the first place says it all.
        var reportedEarlyStep = false, reportedEarlyText = false
        while index < lines.count {
            let line = lines[index]
            let number = index + 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                // A fenced block: an `adviz` block is an action, any other is narration.
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
                    return (nil, problems)
                }
                if info == "adviz" {
                    let (action, actionProblems) = parseAction(body.joined(separator: "\n"), firstLine: number + 1, span: span, fail: fail)
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
                    let block = lines[index...end]
                    if current != nil { current!.narration += block } else { introduction += block }
                }
                index = end + 1
                continue
            }
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
            index += 1
        }
        finishStep()
        guard let title else {
            problems.append(fail("the lesson has no `#` title", span(line: 1), hint: "start the file with `# Title`"))
            return (nil, problems)
        }
        guard !steps.isEmpty else {
            problems.append(fail("the lesson has no steps", span(line: 1), hint: "each step is a `##` section"))
            return (nil, problems)
        }
        let lesson = Lesson(
            title: title, introduction: introduction.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines),
            setup: setup, steps: steps, source: source)
        return (lesson, problems)
    }

    /// Reads one block's YAML into an action, checking keys and types.
    private static func parseAction(
        _ yaml: String, firstLine: Int, span: (Int, Int, Int) -> SourceSpan, fail: (String, SourceSpan, String?) -> AdvizError
    ) -> (LessonAction, [AdvizError]) {
        var problems: [AdvizError] = []
        do throws(AdvizError) {
            let action = try parseAction(yaml, firstLine: firstLine, span: span, fail: fail) { problems.append($0) }
            return (action, problems)
        } catch {
            return (LessonAction(), problems + [error])
        }
    }

    /// Reads one block's YAML; a mistake in one key is reported and the key skipped, so the
    /// other keys are still checked. Throws where the block as a whole cannot be read.
    private static func parseAction(
        _ yaml: String, firstLine: Int, span: (Int, Int, Int) -> SourceSpan, fail: (String, SourceSpan, String?) -> AdvizError,
        report: (AdvizError) -> Void
    ) throws(AdvizError) -> LessonAction {
        func at(_ mark: Mark?, length: Int = 1) -> SourceSpan {
            guard let mark else { return span(firstLine, 1, 1) }
            return span(firstLine + mark.line - 1, mark.column, length)
        }
        let root: Yams.Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                throw fail("this block is not valid YAML: \(problem)", at(mark), nil)
            default:
                throw fail("this block is not valid YAML: \(error)", at(nil), nil)
            }
        } catch {
            throw fail("this block is not valid YAML: \(error)", at(nil), nil)
        }
        var action = LessonAction()
        guard let root else { return action }  // an empty block
        guard let mapping = root.mapping else {
            throw fail("an `adviz` block is a list of `key: value` lines", at(root.mark), "for example `run: primal`")
        }
        for (keyNode, value) in mapping {
          do throws(AdvizError) {
            guard let key = keyNode.string else { throw fail("keys are words such as `run`", at(keyNode.mark), nil) }
            let keySpan = at(keyNode.mark, length: key.utf8.count)
            guard Lesson.keys.contains(key) else {
                let near = Suggestion.closest(to: key, among: Lesson.keys)
                throw fail("unknown key `\(key)`", keySpan, near.map { "did you mean `\($0)`?" } ?? "the keys are \(Lesson.keys.map { "`\($0)`" }.joined(separator: ", "))")
            }
            let valueSpan = at(value.mark, length: Swift.max(1, (value.scalar?.string.utf8.count ?? 1)))
            action.spans[key] = valueSpan
            func scalar(_ what: String) throws(AdvizError) -> String {
                guard let text = value.scalar?.string else { throw fail("`\(key)` takes \(what)", valueSpan, nil) }
                return text
            }
            func number(_ node: Yams.Node) -> Double? { node.scalar.flatMap { Double($0.string.trimmingCharacters(in: .whitespaces)) } }
            switch key {
            case "expression":
                let text = try scalar("an expression, as text")
                do {
                    _ = try Graph(parsing: text)
                } catch {
                    if case .input(let diagnostic, _) = error {
                        throw fail("the expression does not parse: \(diagnostic.message)", valueSpan, diagnostic.hint)
                    }
                    throw fail("the expression does not make a graph: \(error.rendered.replacingOccurrences(of: "error: ", with: ""))", valueSpan, nil)
                }
                action.expression = text
            case "at":
                if let sequence = value.sequence {
                    var parts: [String] = []
                    for item in sequence {
                        guard let x = number(item) else { throw fail("`at` lists numbers", at(item.mark), nil) }
                        parts.append("\(x)")
                    }
                    action.point = parts.joined(separator: ",")
                } else if let map = value.mapping {
                    var parts: [String] = []
                    for (name, item) in map {
                        guard let x = number(item), let n = name.string else { throw fail("`at` maps input names to numbers", at(item.mark), nil) }
                        parts.append("\(n)=\(x)")
                    }
                    action.point = parts.joined(separator: ",")
                } else {
                    action.point = try scalar("a point: `2, 5`, `[2, 5]` or `{x1: 2, x2: 5}`")
                }
            case "wrt":
                action.wrt = try scalar("an input's name")
            case "ybar":
                if let x = number(value) {
                    action.ybar = [x]
                } else if let sequence = value.sequence {
                    var seeds: [Double] = []
                    for item in sequence {
                        guard let x = number(item) else { throw fail("`ybar` lists numbers, one per output", at(item.mark), nil) }
                        seeds.append(x)
                    }
                    action.ybar = seeds
                } else {
                    let written = value.scalar?.string ?? ""
                    let parts = written.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    let hint = parts.count > 1 && parts.allSatisfy({ Double($0) != nil }) ? "write a list as `[\(parts.joined(separator: ", "))]`" : nil
                    throw fail("`ybar` takes a number or a list of numbers, one per output", valueSpan, hint)
                }
            case "run":
                let text = try scalar("a phase")
                guard let phase = LessonPhase(rawValue: text) else {
                    throw fail("unknown phase `\(text)`", valueSpan, "the phases are \(LessonPhase.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", "))")
                }
                action.run = phase
            case "advance":
                let text = try scalar("`node`, `phase` or a number of nodes")
                switch text {
                case "node": action.advance = .nodes(1)
                case "phase": action.advance = .phase
                default:
                    guard let k = Int(text), k >= 1 else {
                        throw fail("`advance` takes `node`, `phase` or a number of nodes, not `\(text)`", valueSpan, nil)
                    }
                    action.advance = .nodes(k)
                }
            case "show":
                let items: [Yams.Node] = value.sequence.map { Array($0) } ?? [value]
                var shows: [LessonShow] = []
                for item in items {
                    guard let text = item.scalar?.string, let show = LessonShow(rawValue: text) else {
                        let written = item.scalar?.string ?? "…"
                        let names = written.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
                        let hint: String
                        if names.count > 1, names.allSatisfy({ LessonShow(rawValue: $0) != nil }) {
                            hint = "write a list as `[\(names.joined(separator: ", "))]`"
                        } else if let near = Suggestion.closest(to: written, among: LessonShow.allCases.map(\.rawValue)) {
                            hint = "did you mean `\(near)`?"
                        } else {
                            hint = "`show` takes \(LessonShow.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", ")), or a list of them such as `[graph, trace]`"
                        }
                        throw fail("unknown figure `\(written)`", at(item.mark, length: item.scalar?.string.utf8.count ?? 1), hint)
                    }
                    shows.append(show)
                }
                action.show = shows
            case "range":
                if value.sequence != nil {
                    throw fail("`range` takes a range such as `-3:3`, not a list", valueSpan, "write it as a quoted string: `range: \"-3:3\"`")
                }
                let text = try scalar("a range such as `-3:3`")
                let parts = text.split(separator: ":").map { Double($0.trimmingCharacters(in: .whitespaces)) }
                guard parts.count == 2, let low = parts[0], let high = parts[1], low < high else {
                    throw fail("`range` is `low:high` with low < high, not `\(text)`", valueSpan, nil)
                }
                action.range = (low, high)
            case "question":
                action.question = try scalar("a question, as text")
            case "answer":
                action.answer = try scalar("an answer, as text")
            case "precision":
                guard let digits = value.int, (1...17).contains(digits) else { throw fail("`precision` is a whole number from 1 to 17", valueSpan, nil) }
                action.precision = digits
            case "gradient-graph":
                guard let flag = value.bool else { throw fail("`gradient-graph` is true or false", valueSpan, nil) }
                action.gradientGraph = flag
            case "points":
                guard let count = value.int, (1...10_000_000).contains(count) else {
                    throw fail("`points` is a whole number from 1 to 10000000 (the race's point count)", valueSpan, nil)
                }
                action.points = count
            default:
                break
            }
          } catch {
            report(error)
          }
        }
        if action.answer != nil && action.question == nil {
            report(fail("an `answer` without a `question`", action.spans["answer"]!, nil))
            action.answer = nil
        }
        if action.question != nil && action.answer == nil {
            report(fail("a `question` without an `answer`", action.spans["question"]!, "the answer is revealed at the next step"))
            action.question = nil
        }
        if action.advance != nil && action.run == .jacobian {
            report(fail("the `jacobian` phase runs whole; it cannot `advance` by nodes", action.spans["advance"]!, nil))
            action.advance = nil
        }
        return action
    }
}
