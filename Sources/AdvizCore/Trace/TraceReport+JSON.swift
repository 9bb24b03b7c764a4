import Foundation
import AdvizOutput

// The trace report as JSON.

extension TraceReport {
    // MARK: JSON

    /// The JSON contract: `value`/`outputs`, `gradient`/`jacobian`, `nodes` in tape order, `warnings`.
    public func json() -> JSONValue {
        let ids = graph.nodeIDs()
        var members: [(String, JSONValue)] = []
        if let source { members.append(("expression", .string(source))) }
        members.append(("inputs", .array(graph.inputNames.map { .string($0) })))
        members.append(("point", .object(zip(graph.inputNames, trace.point).map { ($0, .finite($1)) })))
        if graph.outputCount == 1 {
            members.append(("value", .finite(trace.outputValues[0])))
            members.append(("gradient", .object(zip(graph.inputNames, trace.gradient).map { ($0, .finite($1)) })))
        }
        members.append(("outputs", .object(zip(graph.outputs, trace.outputValues).map { ($0.name, .finite($1)) })))
        members.append(("jacobian", .object(zip(graph.outputs, trace.reverseJacobian.matrix).map { output, row in
            (output.name, .object(zip(graph.inputNames, row).map { ($0, .finite($1)) }))
        })))
        if trace.tangents != nil { members.append(("seed", .object(zip(graph.inputNames, trace.seed).map { ($0, .finite($1)) }))) }
        if trace.adjoints != nil { members.append(("output_seed", .object(zip(graph.outputs, trace.outputSeed).map { ($0.name, .finite($1)) }))) }
        // Constants' adjoints are their true ∂y/∂c, so that every node's adjoint is the sum of its
        // consumers' adjoints times the partials written here (see TraceEdges.swift).
        let adjoints = trace.adjointsWithConstants
        let nodes: [JSONValue] = graph.nodes.indices.map { i in
            let node = graph.nodes[i]
            var fields: [(String, JSONValue)] = [("id", .string(ids[i])), ("op", .string(node.op.name))]
            if node.op == .input { fields.append(("name", .string(graph.inputNames[i]))) }
            if let name = graph.constantNames[i] { fields.append(("name", .string(name))) }
            if let name = graph.statementNames[i] { fields.append(("statement", .string(name))) }
            fields.append(("inputs", .array(node.arguments.map { .string(ids[$0]) })))
            // Every edge's true partial, a constant's too (the sweep skips those).
            fields.append(("partials", .array(trace.edgePartials(of: i).map { .finite($0) })))
            fields.append(("value", .finite(trace.evaluation.values[i])))
            if let tangents = trace.tangents { fields.append(("tangent", .finite(tangents[i]))) }
            if let adjoints { fields.append(("adjoint", .finite(adjoints[i]))) }
            return .object(fields)
        }
        members.append(("nodes", .array(nodes)))
        members.append(("cost", .object([
            ("forward", .object([("sweeps", .integer(graph.inputCount)), ("multiply_adds", .integer(graph.inputCount * graph.differentiableEdgeCount))])),
            ("reverse", .object([("sweeps", .integer(trace.reverseJacobian.sweeps)), ("multiply_adds", .integer(trace.reverseJacobian.multiplyAdds))])),
        ])))
        if let second = trace.secondOrder { members += secondOrderJSON(second) }
        if accumulate, trace.adjoints != nil { members.append(("accumulation", accumulationJSON())) }
        if !showsSweeps { members.append(("backward", recursiveJSON())) }
        let writer = TraceWriter(trace: trace, style: .text)
        members.append(("warnings", .array(trace.evaluation.warnings.map {
            .object([("node", .string(ids[$0.node])), ("message", .string($0.message)), ("text", .string(writer.warning($0)))])
        })))
        return .object(members)
    }
}
