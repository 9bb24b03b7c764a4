import Foundation
import Yams
import AdvizCore

/// Reading an `adviz` block: its YAML, then each key by its own rule, then the keys that go in pairs.
extension Lesson {
    /// Reads one block's YAML; a mistake in one key is reported and the key skipped, so the
    /// other keys are still checked. Throws where the block as a whole cannot be read.
    static func parseAction(
        _ yaml: String, firstLine: Int, span: @escaping (Int, Int, Int) -> SourceSpan, fail: @escaping (String, SourceSpan, String?) -> AdvizError,
        report: (AdvizError) -> Void
    ) throws(AdvizError) -> LessonAction {
        func at(_ mark: Mark?, length: Int = 1) -> SourceSpan {
            guard let mark else { return span(firstLine, 1, 1) }
            return span(firstLine + mark.line - 1, mark.column, length)
        }
        var action = LessonAction()
        guard let root = try compose(yaml, at: at, fail: fail) else { return action }  // an empty block
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
                let entry = BlockEntry(key: key, value: value, at: at, fail: fail)
                action.spans[key] = entry.span
                try entry.read(into: &action)
            } catch {
                report(error)
            }
        }
        checkPairs(&action, fail: fail, report: report)
        return action
    }

    /// The block's YAML as a node (nil for an empty block).
    private static func compose(
        _ yaml: String, at: (Mark?, Int) -> SourceSpan, fail: (String, SourceSpan, String?) -> AdvizError
    ) throws(AdvizError) -> Yams.Node? {
        do {
            return try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                throw fail("this block is not valid YAML: \(problem)", at(mark, 1), nil)
            default:
                throw fail("this block is not valid YAML: \(error)", at(nil, 1), nil)
            }
        } catch {
            throw fail("this block is not valid YAML: \(error)", at(nil, 1), nil)
        }
    }

    /// Keys that need each other: an answer needs its question and the reverse; the `jacobian`
    /// phase cannot advance by nodes. The lone key is reported and dropped.
    private static func checkPairs(_ action: inout LessonAction, fail: (String, SourceSpan, String?) -> AdvizError, report: (AdvizError) -> Void) {
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
    }
}

/// One `key: value` of a block, read by the key's rule into a ``LessonAction``.
private struct BlockEntry {
    let key: String
    let value: Yams.Node
    let at: (Mark?, Int) -> SourceSpan
    let fail: (String, SourceSpan, String?) -> AdvizError

    init(key: String, value: Yams.Node, at: @escaping (Mark?, Int) -> SourceSpan, fail: @escaping (String, SourceSpan, String?) -> AdvizError) {
        self.key = key
        self.value = value
        self.at = at
        self.fail = fail
    }

    /// Where the value is written.
    var span: SourceSpan { at(value.mark, Swift.max(1, (value.scalar?.string.utf8.count ?? 1))) }

    func read(into action: inout LessonAction) throws(AdvizError) {
        switch key {
        case "expression": action.expression = try expression()
        case "at": action.point = try point()
        case "function": action.function = try scalar("a Python function's name")
        case "wrt": action.wrt = try scalar("an input's name")
        case "ybar": action.ybar = try seeds()
        case "run": action.run = try phase()
        case "advance": action.advance = try advance()
        case "show": action.show = try shows()
        case "range": action.range = try range()
        case "question": action.question = try scalar("a question, as text").subscriptingNodeNames
        case "answer": action.answer = try scalar("an answer, as text").subscriptingNodeNames
        case "precision":
            guard let digits = value.int, (1...17).contains(digits) else { throw fail("`precision` is a whole number from 1 to 17", span, nil) }
            action.precision = digits
        case "gradient-graph":
            guard let flag = value.bool else { throw fail("`gradient-graph` is true or false", span, nil) }
            action.gradientGraph = flag
        case "points":
            guard let count = value.int, (1...10_000_000).contains(count) else {
                throw fail("`points` is a whole number from 1 to 10000000 (the race's point count)", span, nil)
            }
            action.points = count
        default:
            break
        }
    }

    private func scalar(_ what: String) throws(AdvizError) -> String {
        guard let text = value.scalar?.string else { throw fail("`\(key)` takes \(what)", span, nil) }
        return text
    }

    private func number(_ node: Yams.Node) -> Double? { node.scalar.flatMap { Double($0.string.trimmingCharacters(in: .whitespaces)) } }

    /// `expression`: a program that parses and makes a graph.
    private func expression() throws(AdvizError) -> String {
        let text = try scalar("an expression, as text")
        if PythonDetection.isPython(SourceText(text)) {
            // The course's Python: it must read; which function and path is the run's to check.
            do {
                _ = try PythonModule.parse(SourceText(text, name: "expression"))
            } catch {
                throw fail("the Python does not read: \(LessonRun.reason(error))", span, nil)
            }
            return text
        }
        do {
            _ = try Graph(parsing: text)
        } catch {
            if case .input(let diagnostic, _) = error {
                throw fail("the expression does not parse: \(diagnostic.message)", span, diagnostic.hint)
            }
            throw fail("the expression does not make a graph: \(error.rendered.replacingOccurrences(of: "error: ", with: ""))", span, nil)
        }
        return text
    }

    /// `at`: `2, 5`, `[2, 5]` or `{x1: 2, x2: 5}`, as `--at` reads it.
    private func point() throws(AdvizError) -> String {
        if let sequence = value.sequence {
            var parts: [String] = []
            for item in sequence {
                guard let x = number(item) else { throw fail("`at` lists numbers", at(item.mark, 1), nil) }
                parts.append("\(x)")
            }
            return parts.joined(separator: ",")
        }
        if let map = value.mapping {
            var parts: [String] = []
            for (name, item) in map {
                guard let x = number(item), let n = name.string else { throw fail("`at` maps input names to numbers", at(item.mark, 1), nil) }
                parts.append("\(n)=\(x)")
            }
            return parts.joined(separator: ",")
        }
        return try scalar("a point: `2, 5`, `[2, 5]` or `{x1: 2, x2: 5}`")
    }

    /// `ybar`: a number or a list of numbers, one per output.
    private func seeds() throws(AdvizError) -> [Double] {
        if let x = number(value) { return [x] }
        if let sequence = value.sequence {
            var seeds: [Double] = []
            for item in sequence {
                guard let x = number(item) else { throw fail("`ybar` lists numbers, one per output", at(item.mark, 1), nil) }
                seeds.append(x)
            }
            return seeds
        }
        let written = value.scalar?.string ?? ""
        let parts = written.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let hint = parts.count > 1 && parts.allSatisfy({ Double($0) != nil }) ? "write a list as `[\(parts.joined(separator: ", "))]`" : nil
        throw fail("`ybar` takes a number or a list of numbers, one per output", span, hint)
    }

    /// `run`: a phase's name.
    private func phase() throws(AdvizError) -> LessonPhase {
        let text = try scalar("a phase")
        guard let phase = LessonPhase(rawValue: text) else {
            throw fail("unknown phase `\(text)`", span, "the phases are \(LessonPhase.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", "))")
        }
        return phase
    }

    /// `advance`: `node`, `phase` or a number of nodes.
    private func advance() throws(AdvizError) -> LessonAdvance {
        let text = try scalar("`node`, `phase` or a number of nodes")
        switch text {
        case "node": return .nodes(1)
        case "phase": return .phase
        default:
            guard let k = Int(text), k >= 1 else {
                throw fail("`advance` takes `node`, `phase` or a number of nodes, not `\(text)`", span, nil)
            }
            return .nodes(k)
        }
    }

    /// `show`: a figure's name or a list of them.
    private func shows() throws(AdvizError) -> [LessonShow] {
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
                throw fail("unknown figure `\(written)`", at(item.mark, item.scalar?.string.utf8.count ?? 1), hint)
            }
            shows.append(show)
        }
        return shows
    }

    /// `range`: `low:high` with low < high.
    private func range() throws(AdvizError) -> (Double, Double) {
        if value.sequence != nil {
            throw fail("`range` takes a range such as `-3:3`, not a list", span, "write it as a quoted string: `range: \"-3:3\"`")
        }
        let text = try scalar("a range such as `-3:3`")
        let parts = text.split(separator: ":").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let low = parts[0], let high = parts[1], low < high else {
            throw fail("`range` is `low:high` with low < high, not `\(text)`", span, nil)
        }
        return (low, high)
    }
}
