import AdvizCore

/// Expression swell, measured: a function nested deeper and deeper, and the size of its
/// derivative written out (tree), kept with sharing (DAG), and as an AD tape.
public enum ExpressionSwell {
    /// One depth of the nesting.
    public struct Row: Sendable, Equatable {
        /// How many times the function is nested.
        public var depth: Int
        /// The function written out as a tree.
        public var functionTree: Double
        /// The derivative written out as a tree, simplified.
        public var derivativeTree: Double
        /// The derivative with shared subexpressions stored once, simplified.
        public var derivativeDAG: Int
        /// The derivative as the raw rules give it, before simplifying, as a tree.
        public var rawDerivativeTree: Double
        /// Steps on the AD tape for the function (the gradient costs a small multiple of this).
        public var tapeSteps: Int
    }

    /// The course notes' polynomial: f(x) = 2x³ − 3x² + 5.
    public static let notesPolynomial = "2*x^3 - 3*x^2 + 5"

    /// `inner` (an expression in `x`) nested `depth` times, as a program: `x1 = inner(x); x2 = inner(x1); …`.
    public static func nested(_ inner: String, depth: Int) -> String {
        var statements: [String] = []
        var previous = "x"
        for k in 1...Swift.max(1, depth) {
            let name = k == depth ? "y" : "u\(k)"
            statements.append("\(name) = " + replacingVariable(in: inner, with: previous))
            previous = name
        }
        return statements.joined(separator: "; ")
    }

    /// Replaces the identifier `x` (not `x1`, not `exp`) by `name`.
    static func replacingVariable(in text: String, with name: String) -> String {
        var out = ""
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "x", (i == 0 || !(chars[i - 1].isLetter || chars[i - 1].isNumber || chars[i - 1] == "_")),
                i + 1 == chars.count || !(chars[i + 1].isLetter || chars[i + 1].isNumber || chars[i + 1] == "_")
            {
                out += "(\(name))"
            } else {
                out.append(c)
            }
            i += 1
        }
        return out
    }

    /// Measures depths 1 … `maxDepth` of `inner` nested in itself.
    public static func measure(_ inner: String = notesPolynomial, maxDepth: Int = 6) throws(AdvizError) -> [Row] {
        var rows: [Row] = []
        for depth in 1...Swift.max(1, maxDepth) {
            let graph = try Graph(parsing: nested(inner, depth: depth))
            let simplified = try SymbolicDerivative(graph, variable: "x")
            let raw = try SymbolicDerivative(graph, variable: "x", simplify: false)
            rows.append(Row(
                depth: depth, functionTree: simplified.arena.treeSize(simplified.function),
                derivativeTree: simplified.arena.treeSize(simplified.derivative),
                derivativeDAG: simplified.arena.dagSize(simplified.derivative),
                rawDerivativeTree: raw.arena.treeSize(raw.derivative), tapeSteps: graph.stepCount))
        }
        return rows
    }
}
