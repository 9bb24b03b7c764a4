import Foundation
import Testing

@testable import AdvizCore
@testable import AdvizLessons
@testable import AdvizSymbolic

/// What a second stranger's trial found (session 10), each pinned where it was wrong.
@Suite struct SecondTrialTests {
    /// x^y at (0, 2): Hₓᵧ = 0 but Hᵧₓ = NaN (ln 0 met on one side only). The report said
    /// "symmetric: Hᵢⱼ = Hⱼᵢ exactly" (the NaN pair was skipped); it is not symmetric there.
    @Test func aHessianWithNaNOnOneSideIsNotSymmetric() throws {
        let gradientGraph = try GradientGraph(of: try Graph(parsing: "x^y"), output: 0)
        let result = HessianSweep.hessian(gradientGraph, at: [0, 2])
        #expect(result.matrix[0][1] == 0 && result.matrix[1][0].isNaN, "\(result.matrix)")
        #expect(result.nanOnOneSide?.i == 0 && result.nanOnOneSide?.j == 1)
        #expect(!result.isSymmetric())
        let report = HessianReport(gradientGraph: gradientGraph, point: [0, 2], result: result)
        let text = report.render(.text)
        #expect(text.contains("NOT symmetric: ∂²f/∂x∂y = 0 but ∂²f/∂y∂x = NaN"), "\(text)")
        #expect(!text.contains("exactly"))
        #expect(report.render(.json).contains("\"symmetric\": false"))
        // The gradient graph's ∂f/∂y is NaN where the trace's is 0: said, not left to be read as f's.
        #expect(result.gradient[1].isNaN)
        #expect(report.warningMessages().contains { $0.hasPrefix("∂f/∂y is 0 in the reverse sweep (adviz trace) but NaN in the gradient graph") }, "\(report.warningMessages())")
        let smoothReport = HessianReport(gradientGraph: try GradientGraph(of: try Graph(parsing: "x^y"), output: 0), point: [2, 3], result: HessianSweep.hessian(try GradientGraph(of: try Graph(parsing: "x^y"), output: 0), at: [2, 3]))
        #expect(!smoothReport.warningMessages().contains { $0.contains("gradient graph") })
        // A Hessian NaN on both sides of a pair says that pair is not compared; a smooth one is symmetric.
        let both = HessianSweep.hessian(try GradientGraph(of: try Graph(parsing: "sqrt(x*y)"), output: 0), at: [0, 0])
        #expect(both.hasUndefinedPairs && both.nanOnOneSide == nil)
        #expect(both.symmetrySentence(names: ["x", "y"], number: { "\($0)" }).contains("not compared"))
        let smooth = HessianSweep.hessian(try GradientGraph(of: try Graph(parsing: "x^2*y"), output: 0), at: [1, 2])
        #expect(smooth.isSymmetric() && smooth.symmetrySentence(names: ["x", "y"], number: { "\($0)" }) == "symmetric: Hᵢⱼ = Hⱼᵢ exactly")
    }

    /// `x^-2` is x to the constant −2: no node for −2, so no ∂/∂exponent row that is NaN at a
    /// negative x and no warning; `-2^2` is still −(2²), and `-x` still a step.
    @Test func aNegativeNumberIsAConstant() throws {
        let trace = try Trace(expression: "x^-2", at: "-3")
        #expect(trace.graph.nodes.filter { $0.op == .neg }.isEmpty)
        #expect(trace.warningMessages().isEmpty, "\(trace.warningMessages())")
        #expect(trace.gradient == [2.0 / 27.0] || abs(trace.gradient[0] - 2.0 / 27.0) < 1e-16)
        #expect(!trace.rendered(trace.edgePartials()).contains { $0.value.contains("NaN") })
        #expect(try Trace(expression: "-2^2 + x", at: "0").evaluation.values[try Graph(parsing: "-2^2 + x").outputs[0].node] == -4)
        #expect(try Graph(parsing: "-x").nodes.contains { $0.op == .neg })
        #expect(try Graph(parsing: "2*-3").nodes.contains { $0.op == .constant && $0.literal == -3 })
    }

    /// Python's `math.log(x, b)` is log(x)/log(b), as the language page says; `np.clip` is not
    /// np.ceil: the hint says how to write it.
    @Test func mathLogWithABaseAndAHintForClip() throws {
        let (_, trace) = try PythonFrontEndTests.traced("import math\ndef f(x):\n    return math.log(x, 2)\n", at: [8])
        #expect(PythonFrontEndTests.close(trace.evaluation.values[trace.graph.outputs[0].node], 3))
        #expect(PythonFrontEndTests.close(trace.gradient[0], 1 / (8 * log(2.0))))
        do {
            _ = try PythonFrontEndTests.traced("import numpy as np\ndef f(x):\n    return np.clip(x, 0, 1)\n", at: [0.5])
            Issue.record("np.clip was read")
        } catch let error as AdvizError {
            #expect(error.rendered.contains("np.minimum(np.maximum(x, lo), hi)"), "\(error.rendered)")
            #expect(!error.rendered.contains("np.ceil"), "\(error.rendered)")
        }
    }

    /// A tie at `np.where` reads `np.where` picks the second (it read "is picks the second").
    @Test func theWhereTieReadsAsEnglish() throws {
        let (path, _) = try PythonFrontEndTests.traced("import numpy as np\ndef f(x):\n    return np.where(x > 0, x, 2*x)\n", at: [0])
        let kink = try #require(path.kinks.first)
        #expect(kink.contains("where `np.where` picks the second"), "\(kink)")
        #expect(!kink.contains("is picks"))
    }

    /// A `while` loop's test, true on five iterations, is said once with its count (it was
    /// `abs(x * x - a) > 1e-12 and abs(x * x - a) > 1e-12 and …`, each on another x).
    @Test func aLoopsConditionIsSaidOnceWithItsCount() throws {
        let text = "def newton_sqrt(a):\n    x = a\n    while abs(x * x - a) > 1e-12:\n        x = (x + a / x) / 2\n    return x\n"
        let (path, trace) = try PythonFrontEndTests.traced(text, at: [2])
        #expect(PythonFrontEndTests.close(trace.evaluation.values[trace.graph.outputs[0].node], 2.0.squareRoot()))
        let runs = path.conditions.filter { $0 == "abs(x * x - a) > 1e-12" }.count
        #expect(runs >= 4, "\(path.conditions)")
        #expect(path.conditionsText == "abs(x * x - a) > 1e-12 (\(runs) times in a row, each on that iteration's values) and not (abs(x * x - a) > 1e-12)", "\(path.conditionsText)")
        #expect(path.report().contains(path.conditionsText))
    }

    /// Beamer decks: straight quotes as opening and closing quotes (T1 prints `"` as ″), a
    /// Markdown rule as a rule (it printed an em dash), and frames that shrink when their words
    /// run past the slide (lesson 03's last frame was 56 pt too high; TikZBeamerTests reads the log).
    @Test func beamerQuotesRulesAndFramesThatFit() throws {
        #expect(LessonLatex.text("a \"sum\" (\"x\")") == "a ``sum'' (``x'')")
        let prose = LessonLatex.markdown("First.\n\n---\n\nSources: Baydin et al.")
        #expect(prose.contains("\\hrule") && !prose.contains("---"), "\(prose)")
        let deck = try LessonBeamer.deck(try Lesson.load(path: LessonTests.course.first { $0.hasSuffix("03-reverse-mode.md") }!))
        #expect(deck.contains("\\begin{frame}[fragile,shrink]"))
    }

    /// The symbolic derivative writes the rules' π as π (erf′ printed 2/sqrt(3.14159265359)),
    /// and the constant pi as \pi in LaTeX (it was \mathrm{pi}).
    @Test func piIsWrittenAsPi() throws {
        let erf = try SymbolicDerivative(try Graph(parsing: "erf(x)"), variable: "x")
        let text = try #require(erf.arena.render(erf.derivative))
        #expect(text.contains("sqrt(π)") && !text.contains("3.14"), "\(text)")
        let pi = try SymbolicDerivative(try Graph(parsing: "pi*x"), variable: "x")
        #expect(pi.arena.render(pi.derivative, style: .latex) == "\\pi")
        // log(e) is 1 (e^x′ read e^x·log(e)), cos(pi) is −1; 2·pi and sin(pi) (1.2e-16 in doubles) stay.
        let exp = try SymbolicDerivative(try Graph(parsing: "e^x"), variable: "x")
        #expect(exp.arena.render(exp.derivative) == "e^x")
        let cosine = try SymbolicDerivative(try Graph(parsing: "cos(pi)*x"), variable: "x")
        #expect(cosine.arena.render(cosine.derivative) == "-1")
        let sine = try SymbolicDerivative(try Graph(parsing: "sin(pi)*x + 2*pi*x"), variable: "x")
        #expect(sine.arena.render(sine.derivative)?.contains("sin(pi)") == true, "\(sine.arena.render(sine.derivative) ?? "")")
    }

    /// The standalone LaTeX page says what it traced, where (it was only in a `%` comment).
    @Test func theStandaloneLatexPageHasAHeading() throws {
        let trace = try Trace(expression: "x_a^2 + x2", at: "2,5")
        let page = TraceReport(trace, source: "x_a^2 + x2").latexDocument()
        #expect(page.contains("\\noindent\\textbf{adviz trace of} \\texttt{x\\_a\\textasciicircum{}2 + x2} at $"), "\(page.prefix(600))")
    }

    /// A program without inputs says so, and names what it made a constant (`x = 3`).
    @Test func aProgramWithoutInputsSaysSo() throws {
        let trace = try Trace(expression: "x = 3; y = x^2", at: "")
        let text = TraceReport(trace, source: "x = 3; y = x^2").render(.text, width: 200)
        #expect(text.contains("note: the program has no inputs (every derivative is 0): `x` is given a number, so a constant"), "\(text)")
        #expect(!text.contains("  at "), "\(text)")
        #expect(!text.contains("Forward tangent trace ()"))
        let withInputs = TraceReport(try Trace(expression: "x^2", at: "3"), source: "x^2").render(.text, width: 200)
        #expect(!withInputs.contains("no inputs"))
    }
}
