import Foundation
import AdvizCore

// The steps of an explained lesson, one function each: the forward sweep, the warnings, the
// tangents, the reverse sweep, the Jacobian's cost and the summary.

extension LessonExplanation.Writer {
    typealias Step = LessonExplanation.Step

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
}
