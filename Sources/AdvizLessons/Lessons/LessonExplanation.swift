import Foundation
import AdvizCore

/// Writes a complete lesson, in the lesson format of `lessons/README.md`, about one program at
/// one point: what `adviz explain` prints.
///
/// The lesson walks through the graph node by node, the primal sweep, a tangent sweep, the
/// reverse sweep one node per step (each step saying what the node does, its local partial and
/// how its adjoint sums its consumers), the kinks and domain warnings where they occur, the
/// cost of the whole Jacobian, and the gradient. Every number is the trace's, written with the
/// trace's number format, so the lesson and `adviz trace` print the same digits. The same
/// program and point always give the same text.
public enum LessonExplanation {
    /// The most steps the graph is built in; a longer tape is built a few nodes per step.
    static let buildSteps = 10
    /// The most rows a narration lists before it refers to the table.
    static let listedRows = 12

    /// The lesson for `program` (adviz's language) at `point` (as `--at` reads it: `2,5` or
    /// `x1=2,x2=5`), with `precision` significant digits; `ybar` seeds the reverse sweep (one
    /// number per output; nil: 1 for the first output, 0 for the others).
    public static func lesson(program: String, at point: String, precision: Int = 4, ybar: [Double]? = nil) throws(AdvizError) -> String {
        let graph = try Graph(parsing: program)
        guard graph.inputCount > 0 else {
            throw .invalidArgument("the program has no inputs, so there is nothing to differentiate: give it a variable such as `x`")
        }
        let values = try PointBinding.bind(point, to: graph.inputNames)
        if let ybar, ybar.count != graph.outputCount {
            throw .invalidArgument("\(Setting.ybar) has \(ybar.count) value\(ybar.count == 1 ? "" : "s"); the program has \(graph.outputCount) output\(graph.outputCount == 1 ? "" : "s") (\(graph.outputs.map(\.name).joined(separator: ", ")))")
        }
        let trace = try Trace(graph, at: values, options: TraceOptions(mode: .both, outputSeed: ybar, numberFormat: NumberFormat(significantDigits: precision)))
        return Writer(program: program, trace: trace, precision: precision).lesson()
    }

    /// One step of the lesson being written.
    struct Step {
        var title: String
        var narration: [String]
        var block: [String] = []
        var question: (question: String, answer: String)?
    }

    /// Turns one trace into lesson text.
    struct Writer {
        let program: String
        let trace: Trace
        let precision: Int
        var graph: Graph { trace.graph }
        var format: NumberFormat { trace.options.numberFormat }
        let consumers: [[Int]]
        /// The trace's rows and local partials, written out once.
        let primalRows: [RenderedRow], tangentRows: [RenderedRow], adjointRows: [RenderedRow]
        let partials: [RenderedRow]
        let warnedNodes: [Int: [String]]

        init(program: String, trace: Trace, precision: Int) {
            self.program = program
            self.trace = trace
            self.precision = precision
            consumers = trace.graph.consumers()
            primalRows = trace.rendered(trace.primalRows())
            tangentRows = trace.rendered(trace.tangentRows())
            adjointRows = trace.rendered(trace.adjointRows())
            partials = trace.rendered(trace.edgePartials())
            var warned: [Int: [String]] = [:]
            for (warning, message) in zip(trace.evaluation.warnings, trace.warningMessages()) { warned[warning.node, default: []].append(message) }
            warnedNodes = warned
        }

        // MARK: Words

        func number(_ x: Double) -> String { format.string(x) }
        func name(_ id: Int) -> String { trace.symbol(of: id) }
        func bar(_ id: Int) -> String { trace.symbol(of: id, accent: .bar) }
        func dot(_ id: Int) -> String { trace.symbol(of: id, accent: .dot) }
        var stepIDs: [Int] { graph.nodes.indices.filter { graph.nodes[$0].op != .input && graph.nodes[$0].op != .constant } }
        var functionName: String { graph.outputCount == 1 ? "f" : "F" }
        var inputList: String { graph.inputNames.joined(separator: ", ") }
        var pointText: String { trace.point.map(number).joined(separator: ", ") }

        /// "x1, x2 and x3".
        func listing(_ items: [String]) -> String {
            switch items.count {
            case 0: return ""
            case 1: return items[0]
            default: return items.dropLast().joined(separator: ", ") + " and " + items.last!
            }
        }

        /// What node `id` does, in words: "multiplies v₋₁ by v₀".
        func words(_ id: Int) -> String {
            let node = graph.nodes[id]
            let args = node.arguments.map(name)
            let a = args.first ?? "", b = args.count > 1 ? args[1] : ""
            switch node.op {
            case .input: return node.op.rule.words(graph.inputNames[id], "")
            case .constant: return node.op.rule.words(number(node.literal), "")
            case .mul where node.a == node.b: return "squares \(a) by multiplying it by itself"
            default: return node.op.rule.words(a, b)
            }
        }

        /// True for the operations whose warnings are kinks or jumps rather than domain trouble.
        func isKink(_ id: Int) -> Bool { graph.nodes[id].op.smoothness != .smooth }

        /// "v₃ = sin(v₀)".
        func definition(_ row: RenderedRow) -> String { "\(row.label) = \(row.definition)" }

        /// "v₃ = sin(v₀) = sin(5) = −0.9589", leaving out a substitution that says nothing new.
        func equation(_ row: RenderedRow) -> String { row.sentence }

        /// The output node's names: "y" or "y1".
        func outputNames(of id: Int) -> [String] { graph.outputs.filter { $0.node == id }.map(\.name) }

        // MARK: The lesson

        func lesson() -> String {
            var steps: [Step] = []
            steps += buildSteps()
            let primal = primalStep()
            steps.append(primal)
            if !warnedNodes.isEmpty { steps.append(warningStep()) }
            steps.append(tangentStep())
            let reverseStart = steps.count
            steps += reverseSteps()
            steps.append(jacobianStep())
            steps.append(summaryStep())
            askQuestions(&steps, primalIndex: steps.firstIndex { $0.title == primal.title }!, reverseStart: reverseStart)
            return render(steps)
        }

        /// The practice questions, two to four, at the interesting nodes: a node read by several
        /// others (its adjoint is a sum), a kink (which one-sided partial AD uses), the tangent
        /// of the output, and an input's adjoint. Each is asked a step before the step that
        /// answers it.
        func askQuestions(_ steps: inout [Step], primalIndex: Int, reverseStart: Int) {
            var asked = 0
            let rows = adjointRows
            // Shared nodes: asked one step before the reverse step that reveals their adjoint.
            for (offset, row) in rows.enumerated() where offset > 0 && asked < 2 && consumers[row.node].count >= 2 {
                let askAt = reverseStart + offset - 1
                guard steps[askAt].question == nil else { continue }
                let readers = listing(consumers[row.node].map(name))
                steps[askAt].question = (
                    "\(name(row.node)) is read by \(consumers[row.node].count) nodes, \(readers). What is \(bar(row.node))?",
                    "The sum of what each consumer sends back: \(equation(row)).")
                asked += 1
            }
            // A kink or domain warning: asked at the primal step, answered where it is explained.
            if let id = warnedNodes.keys.sorted().first, let edge = partials.first(where: { $0.node == id }), steps[primalIndex].question == nil {
                let row = primalRows.first { $0.node == id }!
                steps[primalIndex].question = (
                    "\(definition(row)) is evaluated at \(graph.nodes[id].arguments.filter { !graph.isConstant($0) }.map { "\(name($0)) = \(number(trace.evaluation.values[$0]))" }.joined(separator: ", ")). What local partial \(edge.label) does AD use there?",
                    "\(edge.label) = \(edge.formula) = \(edge.value): " + (isKink(id) ? "the value adviz's rule uses at the kink by convention; the derivative itself does not exist there." : "a value outside the ordinary domain, so the derivatives that pass through it are not meaningful."))
                asked += 1
            }
            // The output's tangent: asked at the primal step (or the step before the tangent sweep).
            let tangentIndex = steps.firstIndex { $0.title.hasPrefix("A tangent sweep") }!
            if asked < 4, steps[tangentIndex - 1].question == nil {
                let output = graph.outputs[0]
                let tangent = trace.tangents![output.node]
                steps[tangentIndex - 1].question = (
                    "The tangent sweep seeds ẋ = 1 for \(graph.inputNames[0])\(graph.inputCount > 1 ? " and 0 for the other inputs" : ""). What will \(dot(output.node)), the tangent of the output \(output.name), be?",
                    "\(dot(output.node)) = \(number(tangent)), which is ∂\(output.name)/∂\(graph.inputNames[0]) at (\(pointText)).")
                asked += 1
            }
            // The last input's adjoint: asked one step before the last reverse step.
            // The output's value: asked as the graph is finished, answered by the primal sweep.
            if asked < 2, steps[primalIndex - 1].question == nil {
                let output = graph.outputs[0]
                steps[primalIndex - 1].question = (
                    "Before the primal sweep runs: what is \(output.name) at (\(pointText))?",
                    "\(output.name) = \(name(output.node)) = \(number(trace.evaluation.values[output.node])).")
                asked += 1
            }
            if asked < 2 || (asked < 4 && graph.inputCount > 1), let last = rows.last {
                let askAt = reverseStart + rows.count - 2
                if askAt >= reverseStart, steps[askAt].question == nil {
                    steps[askAt].question = (
                        "What is \(bar(last.node)), the adjoint of the input \(graph.inputNames[last.node])?",
                        "\(equation(last)), which is ∂\(differentiated)/∂\(graph.inputNames[last.node]).")
                }
            }
        }

        /// The graph, node by node: the inputs first, then each step (grouped when there are many).
        func buildSteps() -> [Step] {
            let rows = primalRows
            let inputs = rows.filter { graph.nodes[$0.node].op == .input }
            let steps = rows.filter { graph.nodes[$0.node].op != .input }
            var result: [Step] = []
            let inputWords = inputs.map { "\($0.label) for \(graph.inputNames[$0.node])" }
            result.append(Step(
                title: "The graph, node by node: the inputs",
                narration: [
                    "An AD tool does not see a formula: it sees a list of elementary steps, the Wengert list. The inputs come first, numbered as in Baydin et al. from v₁₋ₙ up to v₀: here \(listing(inputWords)).",
                ],
                block: ["run: build", "advance: \(inputs.count)", "show: graph"]))
            let perStep = Swift.max(1, Int((Double(steps.count) / Double(LessonExplanation.buildSteps - 1)).rounded(.up)))
            var start = 0
            while start < steps.count {
                let chunk = Array(steps[start..<Swift.min(steps.count, start + perStep)])
                let sentences = chunk.map { row -> String in
                    var sentence = "\(definition(row)) \(words(row.node))."
                    let readers = consumers[row.node]
                    if readers.count >= 2 { sentence += " It will be read by \(readers.count) nodes, \(listing(readers.reversed().map(name)))." }
                    if !outputNames(of: row.node).isEmpty { sentence += " It is the output \(listing(outputNames(of: row.node)))." }
                    return sentence
                }
                let title = chunk.count == 1 ? "Building \(chunk[0].label)" : "Building \(chunk.first!.label) to \(chunk.last!.label)"
                var narration = [sentences.joined(separator: " ")]
                if start + chunk.count == steps.count {
                    let shared = graph.nodes.indices.filter { !graph.isConstant($0) && consumers[$0].count >= 2 }
                    var closing = "The graph is complete: \(inputs.count) input\(inputs.count == 1 ? "" : "s") and \(steps.count) step\(steps.count == 1 ? "" : "s")."
                    if !shared.isEmpty {
                        closing += " \(listing(shared.map(name))) \(shared.count == 1 ? "is" : "are") read by more than one node; the reverse sweep will add up what each reader sends back."
                    }
                    narration.append(closing)
                }
                result.append(Step(title: title, narration: narration, block: ["advance: \(chunk.count)", "show: graph"]))
                start += chunk.count
            }
            return result
        }

        // MARK: Text

        /// A YAML double-quoted string.
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }

        /// A point's value as YAML reads it back exactly: 2, 0.5, 1e-300.
        func exact(_ x: Double) -> String {
            if x == x.rounded(), Swift.abs(x) < 1e15 { return String(Int64(x)) }
            return "\(x)"
        }

        func render(_ steps: [Step]) -> String {
            let lines = program.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let oneLine = lines.joined(separator: "; ")
            var out = "# Differentiating \(oneLine) at (\(pointText))\n\n"
            let outputWords = graph.outputCount == 1
                ? "Its output is called \(graph.outputs[0].name)."
                : "Its outputs are \(listing(graph.outputs.map(\.name)))."
            out += "This lesson was written by `adviz explain`. It follows the program \(oneLine), with inputs \(inputList), at \(graph.inputNames.enumerated().map { "\($0.element) = \(number(trace.point[$0.offset]))" }.joined(separator: ", ")) through its computational graph, the primal sweep, a tangent sweep and the reverse sweep, one node at a time. \(outputWords) Every number is what `adviz trace` prints for the same program and point, with \(precision) significant digits.\n\n"
            out += "```adviz\n"
            if lines.count == 1 {
                out += "expression: \(quoted(lines[0]))\n"
            } else {
                out += "expression: |\n" + lines.map { "  " + $0 + "\n" }.joined()
            }
            out += "at: {" + graph.inputNames.enumerated().map { "\($0.element): \(exact(trace.point[$0.offset]))" }.joined(separator: ", ") + "}\n"
            if trace.outputSeed != ReverseSweep.unitSeed(0, outputs: graph.outputCount) {
                out += "ybar: [" + trace.outputSeed.map(exact).joined(separator: ", ") + "]\n"
            }
            if precision != 4 { out += "precision: \(precision)\n" }
            out += "```\n"
            for step in steps {
                out += "\n## \(step.title)\n\n"
                out += step.narration.joined(separator: "\n\n") + "\n"
                var block = step.block
                if let question = step.question {
                    block.append("question: \(quoted(question.question))")
                    block.append("answer: \(quoted(question.answer))")
                }
                if !block.isEmpty { out += "\n```adviz\n" + block.joined(separator: "\n") + "\n```\n" }
            }
            return out
        }
    }
}
