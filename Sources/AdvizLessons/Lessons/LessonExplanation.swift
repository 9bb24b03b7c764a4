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

        /// The primal sweep, whole.
        func primalStep() -> Step {
            let rows = primalRows.filter { graph.nodes[$0.node].op != .input }
            var lines = rows.prefix(LessonExplanation.listedRows).map { "- " + equation($0) }
            if rows.count > LessonExplanation.listedRows { lines.append("- … and \(rows.count - LessonExplanation.listedRows) more rows, in the table.") }
            let outputs = graph.outputs.map { "\($0.name) = \(number(trace.evaluation.values[$0.node]))" }
                + (graph.outputCount == 1 ? [] : [])
            return Step(
                title: "The primal sweep",
                narration: [
                    "The forward (primal) sweep walks the list from top to bottom and computes each value from values already known, starting from \(graph.inputNames.enumerated().map { "\($0.element) = \(number(trace.point[$0.offset]))" }.joined(separator: ", ")):",
                    lines.joined(separator: "\n"),
                    "So \(listing(outputs)). The values stay on the tape: both derivative sweeps need them for the local partials.",
                ],
                block: ["run: primal", "show: [graph, trace]"])
        }

        /// The warnings, at the nodes where they occur.
        func warningStep() -> Step {
            var paragraphs: [String] = []
            for id in warnedNodes.keys.sorted() {
                let messages = warnedNodes[id]!
                let explanation = isKink(id)
                    ? "This is a kink: the function has a corner or a jump here, so it has no derivative at this point, only one-sided ones. AD does not notice; it applies the rule of the primitive, whose convention picks one value. The result is exact for that convention, and a finite difference centred on the kink can give another number."
                    : "This is outside the ordinary domain of the operation (or at a pole): the value is infinite or not a number, and every derivative that passes through this node inherits it. AD reports what IEEE arithmetic gives; it cannot give a meaningful derivative here."
                paragraphs.append(messages.map { "- " + $0 }.joined(separator: "\n"))
                paragraphs.append(explanation)
            }
            return Step(
                title: "Where the sweep needs care",
                narration: ["The primal sweep raised \(warnedNodes.values.map(\.count).reduce(0, +) == 1 ? "a warning" : "warnings") at the point (\(pointText)):"] + paragraphs,
                block: ["show: [graph, compare]"])
        }

        /// The tangent sweep for the first input, with the dual-number pairs.
        func tangentStep() -> Step {
            let tangents = trace.tangents!
            let rows = tangentRows.filter { graph.nodes[$0.node].op != .input }
            var lines = rows.prefix(LessonExplanation.listedRows).map { "- " + equation($0) }
            if rows.count > LessonExplanation.listedRows { lines.append("- … and \(rows.count - LessonExplanation.listedRows) more rows, in the table.") }
            let pairs = primalRows.prefix(LessonExplanation.listedRows).map { "(\($0.label), \(dot($0.node))) = (\($0.value), \(number(tangents[$0.node])))" }
            let output = graph.outputs[0]
            var narration = [
                "Forward mode carries with each value its tangent, the derivative along one input direction. We seed ẋ = 1 for \(graph.inputNames[0])\(graph.inputCount > 1 ? " and 0 for the others" : ""), and each row applies the chain rule forwards, v̇ᵢ = Σⱼ ∂vᵢ/∂vⱼ · v̇ⱼ:",
                lines.joined(separator: "\n"),
                "Written as dual numbers, each node is a pair (value, tangent): " + pairs.joined(separator: ", ") + ".",
                "The output's tangent \(dot(output.node)) = \(number(tangents[output.node])) is ∂\(output.name)/∂\(graph.inputNames[0]).",
            ]
            if graph.inputCount > 1 {
                narration.append(graph.inputCount == 2
                    ? "One tangent sweep gives the derivative along one direction only: the other partial, ∂\(output.name)/∂\(graph.inputNames[1]), would take another sweep seeded with ẋ = 1 for \(graph.inputNames[1])."
                    : "One tangent sweep gives the derivative along one direction only: the other \(graph.inputCount - 1) partials would take \(graph.inputCount - 1) more sweeps.")
            }
            return Step(
                title: "A tangent sweep: ∂/∂\(graph.inputNames[0])",
                narration: narration,
                block: ["wrt: \(graph.inputNames[0])", "run: tangent", "show: [graph, trace]"])
        }

        /// The reverse sweep, one node per step.
        func reverseSteps() -> [Step] {
            let rows = adjointRows
            let live = trace.reachingSeededOutputs
            var result: [Step] = []
            for (offset, row) in rows.enumerated() {
                let id = row.node
                let op = graph.nodes[id].op
                var narration: [String] = []
                let outputs = outputNames(of: id)
                let primal = primalRows.first { $0.node == id }!
                if op == .input {
                    narration.append("\(name(id)) is the input \(graph.inputNames[id]).")
                } else {
                    narration.append("\(definition(primal)) \(words(id)).")
                }
                let readers = consumers[id]
                if offset == 0 { narration.append("The sweep starts here, at the last node of the tape.") }
                narration.append(adjointSentence(id, row: row, outputs: outputs, readers: readers))
                narration += outputs.map(seedSentence)
                if !live[id] {
                    narration.append("No output with a nonzero seed depends on it, so this adjoint is a structural zero.")
                }
                let own = partials.filter { $0.node == id }
                if !own.isEmpty {
                    let edges = own.map { "\($0.label) = \($0.formula)" + ($0.substituted != $0.formula ? " = \($0.substituted)" : "") + ($0.substituted == $0.value ? "" : " = \($0.value)") }
                    narration.append("Its local partial\(own.count == 1 ? "" : "s"), which the sweep uses on the way to its argument\(own.count == 1 ? "" : "s"): \(edges.joined(separator: "; ")).")
                }
                if op == .input {
                    narration.append("\(name(id)) is an input, so \(bar(id)) = \(row.value) is ∂\(differentiated)/∂\(graph.inputNames[id]), a component of the gradient.")
                }
                if let messages = warnedNodes[id] {
                    narration.append("Remember the warning here: " + messages.joined(separator: "; ") + ". " + (isKink(id) ? "The partial above is the rule's convention at the kink, not a derivative that exists." : "The partial above carries the trouble into every adjoint below."))
                }
                let title = offset == 0 ? "The reverse sweep: seeding \(bar(id))" : "Reverse step \(offset + 1): \(bar(id))"
                result.append(Step(
                    title: title, narration: narration,
                    block: (offset == 0 ? ["run: reverse"] : []) + ["advance: node", "show: [graph, trace]"]))
            }
            return result
        }

        /// How the node's adjoint is made: its seed if it is an output, and what its readers send back.
        func adjointSentence(_ id: Int, row: RenderedRow, outputs: [String], readers: [Int]) -> String {
            let them = listing(readers.map(name))
            let count = "\(readers.count) node\(readers.count == 1 ? "" : "s")"
            switch (outputs.isEmpty, readers.count) {
            case (false, 0):
                return "It is the output \(listing(outputs)), read by no other node, so its adjoint is its seed: \(equation(row))."
            case (false, _):
                return "It is the output \(listing(outputs)) and is read by \(count), \(them), so its adjoint is its seed plus what \(readers.count == 1 ? "that node sends" : "they send") back: \(equation(row))."
            case (true, 0):
                return graph.nodes[id].op == .input
                    ? "No node reads it: the program does not use \(graph.inputNames[id]), so its adjoint is \(equation(row))."
                    : "No node reads it and it is no output, so its adjoint is \(equation(row))."
            case (true, 1):
                return "One node reads it, \(them), so its adjoint is what \(them) sends back, the reader's adjoint times the local partial of that edge: \(equation(row))."
            case (true, _):
                return "It is read by \(count), \(them), so its adjoint is the sum of what each sends back: \(equation(row))."
            }
        }

        /// What the seed of output `output` means: ∂y/∂y = 1, a weight, or 0 (another output is differentiated).
        func seedSentence(_ output: String) -> String {
            let k = graph.outputs.firstIndex { $0.name == output }!
            let seed = trace.outputSeed[k]
            let seedName = MathName.symbol(output, accent: .bar, style: .text)
            if seed == 0 {
                return "Its seed is \(seedName) = 0: this sweep differentiates \(differentiated), so \(output) itself sends nothing back."
            }
            if isUnitSeed { return "The seed is \(seedName) = ∂\(output)/∂\(output) = 1: this sweep differentiates \(output)." }
            return "The seed \(seedName) = \(number(seed)) weights \(output) in what this sweep differentiates, \(differentiated)."
        }

        /// Whether the output seed picks one output with 1.
        var isUnitSeed: Bool { trace.outputSeed.filter { $0 != 0 }.count == 1 && trace.outputSeed.contains(1) }

        /// What the reverse sweep differentiates: the one output it seeds with 1, or the outputs
        /// weighted by their seeds (`0.5·b + 2·c`), in parentheses where it is a sum.
        var differentiated: String {
            let seeded = zip(graph.outputs, trace.outputSeed).filter { $0.1 != 0 }
            if isUnitSeed { return seeded[0].0.name }
            if seeded.isEmpty { return "0 (every seed is 0)" }
            let terms = seeded.map { output, seed in seed == 1 ? output.name : "\(number(seed))·\(output.name)" }
            return seeded.count == 1 ? terms[0] : "(" + terms.joined(separator: " + ") + ")"
        }

        /// The Jacobian's cost by forward and by reverse sweeps.
        func jacobianStep() -> Step {
            let n = graph.inputCount, m = graph.outputCount
            let reverse = trace.reverseJacobian
            var counts = "By reverse mode: \(reverse.sweeps) sweep\(reverse.sweeps == 1 ? "" : "s"), \(reverse.multiplyAdds) multiply-adds."
            if let forward = trace.forwardJacobian {
                counts = "By forward mode: \(forward.sweeps) sweep\(forward.sweeps == 1 ? "" : "s"), \(forward.multiplyAdds) multiply-adds. " + counts
            }
            let verdict: String
            if n > m {
                verdict = "With \(n) inputs and \(m) output\(m == 1 ? "" : "s"), reverse mode is the cheaper: \(m) sweep\(m == 1 ? "" : "s") instead of \(n). A loss with a million weights and one output still needs one reverse sweep, which is why training uses reverse mode (backpropagation)."
            } else if n < m {
                verdict = "With \(n) input\(n == 1 ? "" : "s") and \(m) outputs, forward mode is the cheaper: \(n) sweep\(n == 1 ? "" : "s") instead of \(m)."
            } else {
                verdict = "With as many inputs as outputs (\(n)), both modes take \(n) sweep\(n == 1 ? "" : "s"); reverse mode also pays for keeping the tape."
            }
            return Step(
                title: "The whole Jacobian and its cost",
                narration: [
                    "The Jacobian of \(functionName): R\(n == 1 ? "" : superscript(n))→R\(m == 1 ? "" : superscript(m)) has \(m) row\(m == 1 ? "" : "s") (outputs) and \(n) column\(n == 1 ? "" : "s") (inputs). A tangent sweep gives one column and a reverse sweep one row, so forward mode needs n = \(n) sweep\(n == 1 ? "" : "s") and reverse mode m = \(m).",
                    counts,
                    verdict,
                ],
                block: ["run: jacobian", "show: trace"])
        }

        /// The gradient and what it means.
        func summaryStep() -> Step {
            // The sweep's input adjoints: the gradient of what it differentiates (ȳ·J).
            let gradient = Array(trace.adjoints!.prefix(graph.inputCount))
            let output = (name: differentiated, node: graph.outputs[0].node)
            let components = graph.inputNames.enumerated().map { "∂\(output.name)/∂\($0.element) = \(number(gradient[$0.offset]))" }
            var narration = [
                "One reverse sweep gave the whole gradient of \(output.name) at (\(pointText)): ∇\(output.name) = (\(gradient.map(number).joined(separator: ", "))), that is \(listing(components)).",
            ]
            let finite = gradient.allSatisfy(\.isFinite)
            if finite, gradient.allSatisfy({ $0 == 0 }) {
                narration.append("Every component is 0: to first order, \(output.name) does not change when the inputs move a little. The point is stationary (a minimum, a maximum or a saddle), or a kink's convention gave 0.")
            } else if finite {
                let largest = gradient.indices.max { Swift.abs(gradient[$0]) < Swift.abs(gradient[$1]) }!
                var meaning = "To first order, moving \(graph.inputNames[largest]) by a small h changes \(output.name) by about \(number(gradient[largest]))·h"
                meaning += graph.inputCount > 1 ? ", and \(output.name) is most sensitive to \(graph.inputNames[largest]) here." : "."
                meaning += " The gradient points where \(output.name) grows fastest; gradient descent steps the other way."
                narration.append(meaning)
            } else {
                narration.append("Some components are not finite: the warnings above explain where the trouble starts.")
            }
            if !warnedNodes.isEmpty {
                narration.append("The table below puts AD beside symbolic and numerical differentiation; at a kink or outside the domain they need not agree.")
            } else {
                narration.append("The table below puts AD beside symbolic and numerical differentiation: the symbolic derivative agrees to rounding, and the finite differences to their truncation error.")
            }
            if graph.outputCount > 1 {
                narration.append(isUnitSeed ? "This is the gradient of \(differentiated); `ybar` seeds the reverse sweep for another output." : "The seeds weight the outputs: one sweep gives ȳ·J, the seeds times the Jacobian's rows.")
            }
            return Step(title: "The gradient", narration: narration, block: ["show: compare"])
        }

        func superscript(_ k: Int) -> String {
            let digits: [Character: Character] = ["0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹"]
            return String(String(k).map { digits[$0] ?? $0 })
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
