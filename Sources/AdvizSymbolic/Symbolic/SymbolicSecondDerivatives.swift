import Foundation
import AdvizCore

/// The symbolic second derivatives ∂²f/∂xᵢ∂xⱼ (i ≤ j): the rules applied twice, for
/// `adviz diff --order 2` and for the symbolic row of `adviz hessian`'s cost table.
///
/// The first derivatives are made a graph (``SymbolicDerivative/graph(of:inputs:)``) and each
/// is differentiated again, so the swell of both rounds shows: the tree of a second derivative
/// is often many times f's, where the gradient graph's tangent sweep costs a small multiple of f.
public struct SymbolicSecondDerivatives: Sendable {
    /// One entry of the Hessian: the derivative of ∂f/∂xⱼ by xᵢ.
    public struct Entry: Sendable {
        /// The first variable's index, i.
        public var i: Int
        /// The second variable's index, j (i ≤ j).
        public var j: Int
        /// ∂/∂xᵢ of ∂f/∂xⱼ, with its arena.
        public var derivative: SymbolicDerivative
    }

    /// The function differentiated.
    public let graph: Graph
    /// The first derivatives, one per input.
    public let first: [SymbolicDerivative]
    /// The upper triangle of the Hessian, row by row.
    public let entries: [Entry]

    /// The second derivatives of output `output` of `graph`.
    ///
    /// Throws ``AdvizError/limit(_:)`` when a derivative's expressions would exceed `limit` entries
    /// (``SymbolicDerivative/nodeLimit`` unless said).
    public init(_ graph: Graph, output: Int = 0, simplify: Bool = true, limit: Int = SymbolicDerivative.nodeLimit) throws(AdvizError) {
        self.graph = graph
        var first: [SymbolicDerivative] = []
        for name in graph.inputNames { first.append(try SymbolicDerivative(graph, output: output, variable: name, simplify: simplify, limit: limit)) }
        let gradientGraph = SymbolicDerivative.graph(of: first, inputs: graph.inputNames)
        var entries: [Entry] = []
        for i in graph.inputNames.indices {
            for j in i..<graph.inputCount {
                entries.append(Entry(i: i, j: j, derivative: try SymbolicDerivative(gradientGraph, output: j, variable: graph.inputNames[i], simplify: simplify, limit: limit)))
            }
        }
        self.first = first
        self.entries = entries
    }

    /// The nodes of all second-derivative expressions, each counted with its sharing (DAG size).
    public var dagNodes: Int { entries.reduce(0) { $0 + $1.derivative.arena.dagSize($1.derivative.derivative) } }

    /// The nodes of all second-derivative expressions written out as trees.
    public var treeNodes: Double { entries.reduce(0) { $0 + $1.derivative.arena.treeSize($1.derivative.derivative) } }

    /// The report `adviz diff --order 2` prints: each ∂²f/∂xᵢ∂xⱼ, its value at `point`, and the swell.
    public func render(source: String, point: [Double]?, style: MathStyle, json: Bool) -> String {
        let names = graph.inputNames
        let bindings = point.map { Dictionary(uniqueKeysWithValues: zip(names, $0)) }
        let functionTree = first.first.map { $0.arena.treeSize($0.function) } ?? 1
        func label(_ e: Entry) -> String {
            if style == .latex {
                let (a, b) = (MathName.latex(names[e.i]), MathName.latex(names[e.j]))
                return e.i == e.j ? "\\frac{\\partial^2 f}{\\partial \(a)^2}" : "\\frac{\\partial^2 f}{\\partial \(a)\\,\\partial \(b)}"
            }
            return e.i == e.j ? "∂²f/∂\(names[e.i])²" : "∂²f/∂\(names[e.i])∂\(names[e.j])"
        }
        if json {
            var members: [(String, JSONValue)] = [("expression", .string(source))]
            if let point { members.append(("point", .object(zip(names, point).map { ($0, .finite($1)) }))) }
            members.append(("second_derivatives", .array(entries.map { e in
                let d = e.derivative
                var fields: [(String, JSONValue)] = [
                    ("wrt", .array([.string(names[e.i]), .string(names[e.j])])),
                    ("text", d.arena.render(d.derivative, limit: DiffReport.printLimit).map { .string($0) } ?? .null),
                    ("latex", d.arena.render(d.derivative, style: .latex, limit: DiffReport.printLimit).map { .string($0) } ?? .null),
                    ("tree_size", .number(d.arena.treeSize(d.derivative))),
                    ("dag_size", .integer(d.arena.dagSize(d.derivative))),
                ]
                if let bindings { fields.append(("value", .finite(d.value(at: bindings)))) }
                return .object(fields)
            })))
            members.append(("function_tree_size", .number(functionTree)))
            members.append(("second_derivatives_tree_size", .number(treeNodes)))
            members.append(("tape_steps", .integer(graph.stepCount)))
            return JSONValue.object(members).serialized() + "\n"
        }
        guard !entries.isEmpty else { return "f has no inputs: it is a constant, and its second derivatives are 0\n" }
        var out: [String] = []
        let numbers = NumberFormat(significantDigits: 6)
        for e in entries {
            let d = e.derivative
            var line = label(e) + " = " + (d.arena.render(d.derivative, style: style, limit: DiffReport.printLimit)
                ?? "(\(Int(d.arena.treeSize(d.derivative))) nodes as a tree: too long to print)")
            if let bindings { line += style == .latex ? " = \(numbers.string(d.value(at: bindings)))" : "  = \(numbers.string(d.value(at: bindings)))" }
            out.append(line)
        }
        let swell = "swell: f is \(Int(functionTree)) nodes as a tree; its \(entries.count) second derivative\(entries.count == 1 ? "" : "s") \(Int(treeNodes)) (\(dagNodes) with sharing); the gradient graph's tangent sweep walks one tape instead (adviz hessian)"
        out.append(style == .latex ? "% " + swell : swell)
        return out.joined(separator: "\n") + "\n"
    }
}
