import Foundation
import Testing

@testable import AdvizCore

/// The Python front end: the course lab's own functions (C2_W1_Lab_1), traced from their
/// Python text, against values SymPy computed offline (scripts/python-lab-references.py);
/// the path's decisions and names; and the errors a lecturer meets.
@Suite struct PythonFrontEndTests {
    /// The path of `function` in `text` at `point`, its graph, and its trace.
    static func traced(_ text: String, function: String? = nil, at point: [Double]) throws -> (path: PythonPath, trace: Trace) {
        let module = try PythonModule.parse(SourceText(text, name: "lab.py"))
        let path = try module.trace(function: function, at: point)
        let program = try Program.parse(path.program)
        let graph = try Graph(program: program, options: GraphOptions(outputs: [path.output], inputs: path.parameters))
        return (path, try Trace(graph, at: point))
    }

    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
        abs(a - b) <= tolerance * max(1, abs(b))
    }

    /// The lab's cells, as written in the notebook (cell numbers in comments).
    static let lab = """
        import numpy as np
        import math
        import jax.numpy as jnp

        # [1]
        def f(x):
            return x**2

        # [29]
        def f_composed(x):
            return np.exp(-2*x) + 3*np.sin(3*x)

        # [30]
        def dfdx_abs(x):
            if x > 0:
                return 1
            else:
                if x < 0:
                    return -1
                else:
                    return None

        # [45]
        def f_polynomial_simple(x):
            return 2*x**3 - 3*x**2 + 5

        def f_polynomial(x):
            for i in range(3):
                x = f_polynomial_simple(x)
            return x
        """

    @Test func labSquare() throws {
        let (path, trace) = try Self.traced(Self.lab, function: "f", at: [3])
        #expect(trace.outputValues[0] == 9)
        #expect(trace.gradient[0] == 6)
        #expect(path.decisions.isEmpty)
    }

    @Test func labComposed() throws {
        let (_, trace) = try Self.traced(Self.lab, function: "f_composed", at: [0.5])
        #expect(Self.close(trace.outputValues[0], 3.3603644009836056))
        #expect(Self.close(trace.gradient[0], -0.0991240673335585))
    }

    /// `f_polynomial` at 2: three calls of the helper, unrolled; the value 3627230805 and the
    /// derivative 12·432·8923080 = 46257246720, both exact integers.
    @Test func labPolynomialLoop() throws {
        let (path, trace) = try Self.traced(Self.lab, at: [2])
        #expect(path.function == "f_polynomial")
        #expect(trace.outputValues[0] == 3_627_230_805)
        #expect(trace.gradient[0] == 46_257_246_720)
        #expect(path.program.text.contains("x_1 = 2*x^3 - 3*x^2 + 5"))
        #expect(path.program.text.contains("x_3 = 2*x_2^3 - 3*x_2^2 + 5"))
        #expect(path.decisions.map(\.outcome) == ["iteration 1 of 3", "iteration 2 of 3", "iteration 3 of 3"])
        #expect(!path.branchesOnInputs)
        #expect(path.frames.contains(["line 28, iteration 2"]))
    }

    /// `dfdx_abs`: each point takes its branch, and says so; at 0 the function returns None.
    @Test func labAbsDerivativeBranches() throws {
        let (right, r) = try Self.traced(Self.lab, function: "dfdx_abs", at: [2])
        #expect(r.outputValues[0] == 1)
        #expect(right.decisions.first?.outcome == "taken")
        #expect(right.decisions.first?.detail == "2 > 0")
        let (left, l) = try Self.traced(Self.lab, function: "dfdx_abs", at: [-2])
        #expect(l.outputValues[0] == -1)
        #expect(left.decisions.map(\.outcome) == ["not taken", "taken", "taken"])
        #expect(left.branchesOnInputs)
        #expect(left.signature != right.signature)
        #expect(throws: AdvizError.self) { try Self.traced(Self.lab, function: "dfdx_abs", at: [0]) }
    }

    /// The `g` variants of cell [43], each as its own function, at 0.7 and −1.3.
    @Test(arguments: [
        ("x**3", 0.7, 0.3429999999999999, 1.4699999999999998), ("x**3", -1.3, -2.197, 5.07),
        ("2*x**3 - 3*x**2 + 5", 0.7, 4.216, -1.26), ("1/x", 0.7, 1.4285714285714286, -2.0408163265306127),
        ("1/x", -1.3, -0.7692307692307692, -0.5917159763313609), ("jnp.exp(x)", 0.7, 2.0137527074704766, 2.0137527074704766),
        ("jnp.log(x)", 0.7, -0.35667494393873245, 1.4285714285714286), ("jnp.sin(x)", -1.3, -0.963558185417193, 0.26749882862458735),
        ("jnp.cos(x)", 0.7, 0.7648421872844885, -0.644217687237691), ("jnp.abs(x)", -1.3, 1.3, -1),
        ("jnp.abs(x)+jnp.sin(x)*jnp.cos(x)", 0.7, 1.1927248649942301, 1.1699671429002412),
        ("jnp.abs(x)+jnp.sin(x)*jnp.cos(x)", -1.3, 1.042249314089268, -1.8568887533689473),
    ])
    func labGVariants(_ body: String, _ x: Double, _ value: Double, _ derivative: Double) throws {
        let (_, trace) = try Self.traced("import jax.numpy as jnp\n\ndef g(x):\n#     return x**3\n    return \(body)\n", at: [x])
        #expect(Self.close(trace.outputValues[0], value), "\(body) at \(x)")
        #expect(Self.close(trace.gradient[0], derivative), "\(body)' at \(x)")
    }

    /// The Babylonian square root: the derivative through the loop converges to 1/(2√a).
    @Test func babylonianSquareRoot() throws {
        let text = """
            def babylonian(a):
                x = a
                for i in range(6):
                    x = 0.5*(x + a/x)
                return x
            """
        let (path, trace) = try Self.traced(text, at: [2])
        #expect(Self.close(trace.outputValues[0], 2.0.squareRoot()))
        #expect(Self.close(trace.gradient[0], 1 / (2 * 2.0.squareRoot())))
        #expect(path.program.text.hasPrefix("x = 0.5*(a + a/a)"))
    }

    /// While loops, `elif`, augmented assignment, helpers with locals, `and`, `np.where`.
    @Test func controlFlowAndVersions() throws {
        let text = """
            import numpy as np

            def helper(u, v):
                t = u*v
                t += np.sin(u)
                return t

            def main(x, y):
                s = 0.0
                n = 0
                while s < 3 and n < 50:
                    s += helper(x, y)
                    n += 1
                if s > 10:
                    s = s / 2
                elif s > 3:
                    s **= 2
                else:
                    s = -s
                return np.where(x > y, s, s*y)
            """
        let (path, trace) = try Self.traced(text, at: [1.5, 0.5])
        // helper(1.5, 0.5) = 0.75 + sin(1.5); s after k iterations is k·h; loop ends at s ≥ 3.
        let h = 0.75 + sin(1.5)
        var s = 0.0, n = 0
        while s < 3 && n < 50 { s += h; n += 1 }
        let expected = s > 10 ? s / 2 : s > 3 ? s * s : -s
        #expect(Self.close(trace.outputValues[0], expected))
        // ds/dx = n·(y + cos x); the branch s**2 doubles it by 2s.
        #expect(Self.close(trace.gradient[0], 2 * s * Double(n) * (0.5 + cos(1.5))))
        #expect(path.decisions.contains { $0.construct == "np.where" && $0.outcome == "picks the first" })
        #expect(path.decisions.contains { $0.construct == "elif" && $0.outcome == "taken" })
        #expect(path.program.text.contains("t_1"))
        #expect(path.frames.contains { $0.first == "line 11, iteration 1" })
    }

    /// A comparison whose sides are equal at the point is a kink, with a warning naming the branch taken.
    @Test func kinkAtBranchBoundary() throws {
        let text = "def relu(x):\n    if x > 0:\n        return x\n    return 0*x\n"
        let (path, trace) = try Self.traced(text, at: [0])
        #expect(trace.gradient[0] == 0)
        #expect(path.kinks.count == 1)
        #expect(path.kinks[0].contains("equal within rounding"))
        #expect(path.kinks[0].contains("the other way it would be ∂/∂x = 1"), "\(path.kinks)")
        let (away, _) = try Self.traced(text, at: [1])
        #expect(away.kinks.isEmpty)
    }

    /// Errors name the construct and its line; the CLI exits 65 for them.
    @Test(arguments: [
        ("class A:\n    pass\n", "`class` is not part of it (line 1)"),
        ("def f(x):\n    return [x]\n", "a list (`[…]`) is not part of it (line 2)"),
        ("import os\ndef f(x):\n    return x\n", "`import os` is not part of it (line 1)"),
        ("def f(x):\n    global y\n    return x\n", "`global` is not part of it (line 2)"),
        ("def f(x):\n    try:\n        return x\n", "`try` is not part of it (line 2)"),
        ("def f(x):\nreturn x\n", "IndentationError: expected an indented block after function definition on line 1"),
        ("def f(x):\n    y = x\n      return y\n", "IndentationError: unexpected indent"),
        ("def f(x):\n        y = x\n    return y\n", "IndentationError: unindent does not match any outer indentation level"),
        ("def f(x):\n    while x > 0:\n        x = x + 1\n    return x\n", "ran 10000 iterations"),
        ("def f(x):\n    return f(x)\n", "recursion deeper than 100 calls"),
        ("def f(x):\n    for i in range(x):\n        x = x*2\n    return x\n", "`range` needs integers"),
        ("def f(x):\n    return np.expp(x)\n", "does not know the function `np.expp`"),
    ])
    func errorsNameTheConstruct(_ text: String, _ message: String) throws {
        do {
            _ = try Self.traced(text, at: [1])
            Issue.record("no error for \(text)")
        } catch let error as AdvizError {
            #expect(error.isBadInput)
            #expect(error.rendered.contains(message), "\(error.rendered)")
        }
    }

    /// `print(…)` is ignored with a note, whatever it prints; an infinite side is no kink.
    @Test func printIsIgnoredAndInfinityIsNoKink() throws {
        let text = "def f(x):\n    print(\"x is\", x, f\"{x:.2f}\")\n    if x*x > 10:\n        return x\n    return 2*x\n"
        let (path, trace) = try Self.traced(text, at: [3])
        #expect(path.notes == ["`print(…)` on line 2 is ignored"])
        #expect(trace.gradient[0] == 2)
        let (huge, _) = try Self.traced(text, at: [1e300])
        #expect(huge.kinks.isEmpty)
    }

    /// Text without a `def` stays a formula; a `.py` name or a `def` makes it Python.
    @Test func detection() {
        #expect(!PythonDetection.isPython(SourceText("x^2 + y", name: "<expression>")))
        #expect(PythonDetection.isPython(SourceText("def f(x):\n    return x\n", name: "<expression>")))
        #expect(PythonDetection.isPython(SourceText("", name: "lab.py")))
    }

    /// Without a point, a path that cannot depend on it is used; one that branches asks for --at.
    @Test func pathWithoutAPoint() throws {
        let straight = try PythonFrontEnd.path(of: SourceText(Self.lab, name: "lab.py"), function: "f_polynomial", at: nil)
        #expect(straight?.output == "f_polynomial")
        #expect(throws: AdvizError.self) { try PythonFrontEnd.path(of: SourceText(Self.lab, name: "lab.py"), function: "dfdx_abs", at: nil) }
        let named = try PythonFrontEnd.path(of: SourceText("def f(b, a):\n    return a - b\n", name: "f.py"), function: nil, at: "a=5,b=2")
        #expect(named?.program.text == "f = a - b")
    }
}
