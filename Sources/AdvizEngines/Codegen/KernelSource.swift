import Foundation
import AdvizCore
import AdvizSymbolic

/// The C source of a graph's compiled kernels: the derivative program with the point loop around it.
///
/// Every function takes a range of points `[begin, end)` and columns of Doubles (one per
/// input), so the caller can split the points over cores. Per point the whole program runs
/// in registers: primal statements, then tangents or adjoints, no tape in memory; with no
/// calls in the body (polynomials, say) clang vectorises the loop. The functions are:
///
/// - `adviz_reverse(begin, end, in, value, grad)`: value (if `value` is not NULL) and gradient, reverse mode;
/// - `adviz_forward(begin, end, in, value, grad)`: the same by n forward sweeps;
/// - `adviz_central(begin, end, in, grad)`: central differences, two evaluations per input;
/// - `adviz_symbolic(begin, end, in, grad)`: the symbolic derivative's expressions (only when
///   `symbolic` was given: it can swell beyond what is worth compiling).
public struct KernelSource: Sendable {
    /// The single-output graph the kernels differentiate.
    public let graph: Graph
    /// The C text.
    public let text: String
    /// Whether `adviz_symbolic` is in the source.
    public let hasSymbolic: Bool
    /// How strictly the compiler must keep IEEE arithmetic.
    public let math: KernelMath

    /// The relative step of the central differences: ∛ε, which balances truncation (h²) against round-off (ε/h).
    public static let centralStep = 6.0554544523933395e-06

    /// Kernels for output `output` of `graph`; `symbolic` adds the compiled symbolic derivative.
    public init(_ graph: Graph, output: Int = 0, symbolic: [SymbolicDerivative]? = nil, math: KernelMath = .strict) {
        let graph = graph.keepingOutput(output)
        self.graph = graph
        self.math = math
        let writer = Writer(graph)
        var c = KernelSource.prelude(math, interleave: graph.nodes.count <= KernelSource.smallProgram ? 4 : 2)
        c += writer.reverse()
        c += writer.forward()
        c += writer.central()
        if let symbolic, symbolic.count == graph.inputCount {
            c += writer.symbolic(symbolic)
            hasSymbolic = true
        } else {
            hasSymbolic = false
        }
        text = c
    }

    /// The most nodes a program may have for four vectors of points in flight (``prelude(_:interleave:)``,
    /// with AVX-512's 32 vector registers): a longer body would spill registers.
    static let smallProgram = 64

    /// The head of the file: what it is, the math it was written for, the loop hint.
    static func prelude(_ math: KernelMath, interleave: Int = 2) -> String {
        """
        /* adviz kernels, generated from the tape; see `adviz codegen` for the readable program. */
        /* math: \(math.rawValue) */
        #include <math.h>
        /* Each point's program is one long chain of dependent operations, so a vector of points
           waits on its own latencies; two vectors in flight keep the floating-point units busy
           (poly3's strict reverse gradient: 0.84 -> 0.69 ms); with AVX-512's 32 registers, four
           where the program is small (2026-12-07: 0.79 -> 0.75 ms, one thread; with 16 registers
           four spill). Other compilers ignore the hint. */
        #if defined(__clang__) && defined(__AVX512F__)
        #define ADVIZ_POINT_LOOP _Pragma("clang loop interleave_count(\(interleave))")
        #elif defined(__clang__)
        #define ADVIZ_POINT_LOOP _Pragma("clang loop interleave_count(2)")
        #else
        #define ADVIZ_POINT_LOOP
        #endif

        """
    }

    /// Writes the kernel functions of one graph.
    struct Writer {
        let graph: Graph
        let code: DerivativeCode
        let primal: [CodeStatement]
        /// The output's value variable.
        let y: String
        var n: Int { graph.inputCount }

        init(_ graph: Graph) {
            self.graph = graph
            code = DerivativeCode(graph, language: .c)
            primal = code.primalStatements()
            y = code.valueName(graph.outputs[0].node)
        }

        func inputs(_ indent: String) -> [String] {
            (0..<n).map { "\(indent)const double \(code.valueName($0)) = in\($0)[i];" }
        }

        func body(_ statements: [CodeStatement], _ indent: String) -> [String] {
            statements.map { "\(indent)const double \($0.name) = \($0.expression);" }
        }

        func columns() -> String {
            (0..<n).map { "    const double *restrict in\($0) = in[\($0)];\n    double *restrict g\($0) = grad[\($0)];\n" }.joined()
        }

        /// A function whose loop is `perPoint` and, when `value` is given, also stores the value.
        func function(_ name: String, perPoint: [String], gradients: [String]) -> String {
            var f = "void \(name)(long begin, long end, const double *const *in, double *value, double *const *grad)\n{\n"
            f += columns()
            for withValue in [true, false] {
                f += withValue ? "    if (value) {\n        double *restrict out = value;\n" : "    } else {\n"
                f += "        ADVIZ_POINT_LOOP\n        for (long i = begin; i < end; i++) {\n"
                f += perPoint.map { "            " + $0 + "\n" }.joined()
                if withValue { f += "            out[i] = \(y);\n" }
                f += gradients.enumerated().map { "            g\($0.offset)[i] = \($0.element);\n" }.joined()
                f += "        }\n"
            }
            f += "    }\n}\n\n"
            return f
        }

        /// Reverse mode: one adjoint sweep per point.
        ///
        /// The seed is the constant 1, its constant products written as literals and exact
        /// rewrites made (``KernelAdjoint``); the trace's NaN rule (where y is NaN, so is every
        /// derivative) is applied to the gradients stored by the cheapest exact test (``KernelNaNGuard``).
        func reverse() -> String {
            let sweep = KernelAdjoint(code)
            let adjointNames = Set(sweep.statements.map(\.name))
            let output = graph.outputs[0].node
            return function(
                "adviz_reverse", perPoint: inputs("") + body(primal, "") + body(sweep.statements, ""),
                gradients: (0..<n).map { j in
                    guard adjointNames.contains(code.adjointName(j)) else { return "0.0" }
                    // y = x: the seed itself, no partial to be NaN
                    if graph.nodes[output].op == .input { return code.adjointName(j) }
                    return guarded(code.adjointName(j), tests: KernelNaNGuard.tests(graph, output: output, reads: sweep.nanReads[j]))
                })
        }

        /// `gradient`, or NaN where one of the nodes `tests` is NaN.
        ///
        /// `+ 0.0` is the tape's: it sums each adjoint from +0, so a gradient that is zero is +0
        /// (x² at −0: the tape's 0 + 2·(−0) = +0, where 2·(−0) alone is −0); it changes nothing else.
        func guarded(_ gradient: String, tests: [KernelGuardTest]) -> String {
            guard !tests.isEmpty else { return gradient + " + 0.0" }
            let condition = tests.map { $0.code(code.valueName, literal: code.literal) }.joined(separator: " || ")
            return "(\(condition) ? NAN : \(gradient) + 0.0)"
        }

        /// Forward mode: n tangent sweeps per point, one per input direction.
        func forward() -> String {
            var perPoint = inputs("") + body(primal, "")
            var tangents: [String] = []
            let output = graph.outputs[0].node
            for j in 0..<n {
                let prefix = "t\(j)_"
                let statements = code.tangentStatements(prefix: prefix) { $0 == j ? "1.0" : nil }
                perPoint += body(statements, "")
                let name = prefix + code.tangentName(output)
                tangents.append(statements.contains { $0.name == name } ? name : "0.0")
            }
            return function("adviz_forward", perPoint: perPoint, gradients: tangents)
        }

        /// Central differences: f at x ± h·eⱼ, divided by the step actually taken.
        func central() -> String {
            let parameters = (0..<n).map { "double \(code.valueName($0))" }.joined(separator: ", ")
            var c = "static inline double adviz_f(\(parameters))\n{\n"
            c += body(primal, "    ").joined(separator: "\n") + "\n    return \(y);\n}\n\n"
            c += "void adviz_central(long begin, long end, const double *const *in, double *const *grad)\n{\n" + columns()
            c += "    ADVIZ_POINT_LOOP\n    for (long i = begin; i < end; i++) {\n"
            c += inputs("        ").joined(separator: "\n") + "\n"
            for j in 0..<n {
                let x = code.valueName(j)
                let plus = (0..<n).map { $0 == j ? "xp" : code.valueName($0) }.joined(separator: ", ")
                let minus = (0..<n).map { $0 == j ? "xm" : code.valueName($0) }.joined(separator: ", ")
                c += "        {\n"
                c += "            const double h = \(KernelSource.centralStep) * fmax(1.0, fabs(\(x)));\n"
                c += "            const double xp = \(x) + h, xm = \(x) - h;\n"
                c += "            g\(j)[i] = (adviz_f(\(plus)) - adviz_f(\(minus))) / (xp - xm);\n"
                c += "        }\n"
            }
            return c + "    }\n}\n"
        }

        /// The compiled symbolic derivative, one expression DAG per input.
        func symbolic(_ symbolic: [SymbolicDerivative]) -> String {
            var c = "\nvoid adviz_symbolic(long begin, long end, const double *const *in, double *const *grad)\n{\n" + columns()
            c += "    ADVIZ_POINT_LOOP\n    for (long i = begin; i < end; i++) {\n"
            c += inputs("        ").joined(separator: "\n") + "\n"
            let names = Dictionary(uniqueKeysWithValues: graph.inputNames.enumerated().map { ($0.element, code.valueName($0.offset)) })
            for (j, derivative) in symbolic.enumerated() {
                let (statements, result) = KernelSource.symbolicStatements(derivative, prefix: "s\(j)_", inputs: names, code: code)
                c += statements.map { "        \($0)\n" }.joined()
                c += "        g\(j)[i] = \(result);\n"
            }
            return c + "    }\n}\n"
        }
    }

    /// The derivative's DAG as C statements, one per shared subexpression, in arena order.
    static func symbolicStatements(_ derivative: SymbolicDerivative, prefix: String, inputs: [String: String], code: DerivativeCode) -> ([String], String) {
        let arena = derivative.arena
        let root = derivative.derivative
        let needed = arena.reachable(from: root)  // the entries the root uses
        var names = [String](repeating: "", count: root + 1)
        var statements: [String] = []
        let writer = FormulaCode(language: .c, name: { _ in "" }, literal: code.literal)
        for id in 0...root where needed[id] {
            switch arena.terms[id] {
            case .variable(let name):
                names[id] = inputs[name] ?? code.literal(Program.namedConstants[name] ?? .nan)
            case .number(let x):
                names[id] = code.literal(x)
            case .apply(let op, let a, let b):
                let formula = Formula.apply(op, b >= 0 ? [.arg(0), .arg(1)] : [.arg(0)])
                let argumentNames = [names[a], b >= 0 ? names[b] : ""]
                let expression = FormulaCode(language: .c, name: { argumentNames[$0] }, literal: writer.literal).write(
                    // A constant exponent must stay a number for the product form of integer powers.
                    b >= 0 && arena.constant(b) != nil && op == .pow ? .apply(.pow, [.arg(0), .number(arena.constant(b)!)]) : formula
                ).text
                names[id] = "\(prefix)\(id)"
                statements.append("const double \(prefix)\(id) = \(expression);")
            }
        }
        return (statements, names[root])
    }
}

/// How a compiled kernel may compute: exactly as the trace does, or faster with other roundings.
public enum KernelMath: String, Sendable, CaseIterable {
    /// IEEE arithmetic in the tape's order: the trace's numbers (the default).
    case strict
    /// Strict but for fused multiply-adds (`a·b + c` rounded once), as XLA's CPU kernels compute:
    /// the like-for-like peer of JAX, labelled `compiled fma`; its numbers may differ from the trace's
    /// in the last bits (531,669 of JAX's 10⁶ polynomial gradients do).
    case contract
    /// Reassociation, reciprocals, fused multiply-adds, no signed zeros: faster, and may differ
    /// from the trace (`(x + 1e16)*x - 1e16*x` at 1 gives 1 where the trace gives 0).
    case fast
}
