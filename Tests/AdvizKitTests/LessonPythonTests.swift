import Foundation
import Testing

@testable import AdvizCore
@testable import AdvizFigures
@testable import AdvizLessons

/// Lessons whose program is the course's Python: a ```python block shown as written and traced
/// by `function:`, or Python in `expression:`; the path is the point's own.
@Suite struct LessonPythonTests {
    static let loop = """
        # A loop

        The lab's polynomial, applied three times.

        ## The code

        ```python
        def f_polynomial_simple(x):
            return 2*x**3 - 3*x**2 + 5

        def f_polynomial(x):
            for i in range(3):
                x = f_polynomial_simple(x)
            return x
        ```

        ```adviz
        function: f_polynomial
        show: graph
        ```

        ## Its value

        ```adviz
        at: "2"
        run: primal
        show: [graph, trace]
        ```

        ## Its derivative

        ```adviz
        run: reverse
        show: [graph, trace]
        ```
        """

    static let branch = """
        # A branch

        ## The code

        ```python
        def my_abs(x):
            if x > 0:
                return x
            else:
                return -x
        ```

        ```adviz
        function: my_abs
        at: "-2"
        run: primal
        ```

        ## Backwards

        ```adviz
        run: reverse
        ```

        ## The other side

        ```adviz
        at: "2"
        run: primal
        ```

        ## At the boundary

        ```adviz
        at: "0"
        run: primal
        show: [trace, compare]
        ```
        """

    @Test func aLoopInAPythonBlockIsTracedAsItsPath() throws {
        let frames = try LessonRun.frames(try Lesson.parse(Self.loop, name: "loop.md"))
        // The path does not depend on the point: the graph is there before `at`.
        #expect(frames[0].graph?.statements.count == 4)
        #expect(frames[0].program == "x_1 = 2*x^3 - 3*x^2 + 5\nx_2 = 2*x_1^3 - 3*x_1^2 + 5\nx_3 = 2*x_2^3 - 3*x_2^2 + 5\nf_polynomial = x_3")
        #expect(frames[0].path?.decisions.count == 3)
        #expect(frames[1].trace?.outputValues == [3_627_230_805])
        #expect(frames[2].trace?.gradient == [46_257_246_720], "12 · 432 · 8923080")
        let text = LessonText().render(frames[1], lesson: try Lesson.parse(Self.loop), total: 3)
        #expect(text.contains("path of f_polynomial(x): 3 decisions"), "\(text)")
        #expect(text.contains("for i in range(3)  iteration 2 of 3  i = 1"), "\(text)")
    }

    @Test func eachPointTakesItsOwnBranch() throws {
        let frames = try LessonRun.frames(try Lesson.parse(Self.branch, name: "branch.md"))
        #expect(frames[0].program == "my_abs = -x")
        #expect(frames[1].trace?.gradient == [-1])
        // At 2 the path is another program: the sweeps start again.
        #expect(frames[2].program == "my_abs = x")
        #expect(frames[2].completed == [.primal])
        #expect(frames[2].trace?.gradient == [1])
        // At 0: the else branch, a tie warned about, and the function's own differences across the jump.
        #expect(frames[3].program == "my_abs = -x")
        let warnings = LessonText.warnings(frames[3])
        #expect(warnings.contains { $0.contains("`x > 0` (line 7)") && $0.contains("equal within rounding") }, "the line is the lesson file's: \(warnings)")
        let compare = LessonText().figure(.compare, frames[3]).joined(separator: "\n")
        #expect(compare.contains("The Python function itself, differenced"), "\(compare)")
        #expect(compare.contains("forward   1 ") && compare.contains("backward  -1 ") && compare.contains("central   0 "), "\(compare)")
    }

    @Test func pythonInAnExpressionAndItsLastFunction() throws {
        let text = """
            # Babylonian

            ## Five updates

            ```adviz
            expression: |
              def babylonian(a):
                  x = a
                  for i in range(5):
                      x = 0.5*(x + a/x)
                  return x
            at: "2"
            run: primal
            ```

            ## Backwards

            ```adviz
            run: reverse
            ```
            """
        let frames = try LessonRun.frames(try Lesson.parse(text))
        #expect(frames[1].trace?.outputValues == [1.414213562373095], "√2 within an ulp after five updates")
        let derivative = try #require(frames[1].trace?.gradient.first)
        #expect(abs(derivative - 1 / (2 * Foundation.sqrt(2))) < 1e-15)
    }

    /// A Python slideshow draws each iteration in its own box.
    @Test func theSlideshowBoxesEachIteration() throws {
        let folder = NSTemporaryDirectory() + "/adviz-lesson-python-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try LessonSlides.build(try Lesson.parse(Self.loop, name: "loop.md"), to: folder)
        let svg = try String(contentsOfFile: folder + "/step-002.svg", encoding: .utf8)
        #expect(svg.contains("iteration 1") && svg.contains("iteration 3"), "a box per iteration")
        let deck = try LessonBeamer.deck(try Lesson.parse(Self.loop, name: "loop.md"))
        #expect(deck.contains("\\begin{tikzpicture}"))
    }

    @Test(arguments: [
        ("# T\n## S\n```adviz\nfunction: f\n```\n", "t.md:4:11", "there is no ```python block before it"),
        ("# T\n## S\n```python\ndef g(x):\n    return x\n```\n```adviz\nfunction: f\n```\n", "t.md:8:11", "`f`"),
        ("# T\n## S\n```python\ndef g(x):\n    return x\n```\n```adviz\nfunction: g\nat: \"1, 2\"\n```\n", "t.md:9:5", "`at` has 2 values"),
        ("# T\n## S\n```python\ndef g(x):\n    if x > 0:\n        return x\n    return -x\n```\n```adviz\nfunction: g\nshow: graph\n```\n", "t.md:11:7", "`g` branches on its inputs"),
        ("# T\n## S\n```python\ndef g(x):\n    class A: pass\n```\n```adviz\nfunction: g\n```\n", "t.md:8:11", "`class` is not part of it (line 5)"),
        ("# T\n## S\n```adviz\nexpression: |\n  def g(x):\n  return x\n```\n", "t.md:4:13", "the Python does not read"),
    ])
    func mistakesPointAtTheBlock(_ text: String, _ place: String, _ reason: String) {
        let problems = Lesson.check(text, name: "t.md")
        #expect(problems.contains { $0.rendered.contains(place) && $0.rendered.contains(reason) }, "\(problems.map(\.rendered))")
    }
}
