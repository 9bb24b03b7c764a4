import Foundation
import Testing

@testable import AdvizBench
@testable import AdvizCore
@testable import AdvizEngines
@testable import AdvizFigures
@testable import AdvizKit
@testable import AdvizLessons
@testable import AdvizPlots
@testable import AdvizSymbolic

/// The expression language: precedence, associativity, functions, programs, and errors with their places.
@Suite struct ParserTests {
    func value(_ text: String, _ point: [Double] = []) throws -> Double {
        let graph = try Graph(parsing: text)
        return PrimalSweep.run(graph, at: point).outputValues(of: graph)[0]
    }

    @Test func precedenceAndAssociativity() throws {
        #expect(try value("2+3*4") == 14)
        #expect(try value("2^3^2") == 512)  // right-associative: 2^(3^2)
        #expect(try value("2**3**2") == 512)
        #expect(try value("-2^2") == -4)  // unary minus binds looser than ^
        #expect(try value("2^-1") == 0.5)
        #expect(try value("10-4-3") == 3)  // left-associative
        #expect(try value("64/4/2") == 8)
        #expect(try value("-(-3)") == 3)
        #expect(try value("+3 - -2") == 5)
        #expect(try value("2*-3") == -6)
        #expect(try value("(((1)))") == 1)
        #expect(try value("1e-3 * 1E3 + .5 + 2.") == 3.5)
    }

    @Test func functionsAndConstants() throws {
        #expect(try value("sin(pi/2) + cos(0) + exp(0) + ln(e) + log(1)") == 4)
        #expect(try value("sqrt(16) + abs(-2) + tanh(0) + sigmoid(0) + relu(-3) + relu(3)") == 9.5)
        #expect(try value("pow(2, 10) + max(1, 2) + min(1, 2)") == 1027)
        #expect(try value("tan(0)") == 0)
        #expect(try value("max(pow(2,3), min(4, 5))") == 8)
    }

    @Test func programsWithStatementsAndComments() throws {
        let graph = try Graph(parsing: """
            # a neuron
            z = w1*x1 + w2*x2 +
                b            # an operator at the end of a line continues the statement
            h = tanh(z); loss = (h -
              0.5)^2
            """)
        #expect(graph.inputNames == ["x1", "x2", "b", "w1", "w2"])
        #expect(graph.outputs.map(\.name) == ["loss"])
        #expect(graph.statementNames.values.sorted() == ["h", "loss", "z"])
    }

    func failure(_ text: String) -> (line: Int, column: Int, message: String, hint: String?)? { parseFailure(text) }

    @Test(arguments: [
        ("log(sine(x2))", 1, 5, "unknown function `sine`", "did you mean `sin`?"),
        ("x1 + ", 1, 6, "expected an expression after `+`", nil),
        ("(x1 + x2", 1, 1, "unclosed `(`", "add a `)` to close it"),
        ("x1 + x2)", 1, 8, "unmatched `)`", "remove it, or add a `(` before it"),
        ("2x", 1, 2, "expected an operator before `x`", "write `2*x` for a product"),
        ("x1 ** * x2", 1, 7, "expected an expression after `**`", nil),
        ("sin(1, 2)", 1, 1, "`sin` takes 1 argument, got 2", nil),
        ("pow(2)", 1, 1, "`pow` takes 2 arguments, got 1", nil),
        ("sin()", 1, 5, "`sin` needs an argument", nil),
        ("()", 1, 2, "empty parentheses", "put an expression inside `( )`"),
        ("1.2.3", 1, 1, "malformed number: more than one `.`", nil),
        ("1e+", 1, 1, "malformed number: the exponent has no digits", "write `1e-3` for 0.001"),
        ("1e999", 1, 1, "number is too large for a Double (the largest is about 1.8e308)", nil),
        ("x1 × x2", 1, 4, "unexpected character `×`", "write `*` for a product"),
        ("sin + 1", 1, 1, "`sin` is a function, not a value", "call it: `sin(x)`"),
        ("a = 1; a = 2", 1, 8, "`a` is assigned twice", "statement 1 assigns it first; choose a new name"),
        ("y = a + 1; a = x1", 1, 5, "`a` is used before it is assigned", "move statement 2 before this one"),
        ("pi = 3", 1, 1, "cannot assign to the constant `pi`", nil),
        ("a = x1\nb = a +* 2", 2, 8, "expected an expression after `+`", nil),
        ("x1, x2", 1, 3, "`,` outside a function call", "write one statement per `;`"),
        ("x1 = ", 1, 6, "expected an expression after `=`", nil),
        ("x1 x2", 1, 4, "expected an operator before `x2`", "put an operator such as `*` or `+` between them"),
        ("é + 1", 1, 1, "unexpected character `é`", nil),
        ("x\u{0}", 1, 2, "unexpected character U+0000", nil),
        // A line that swallowed the next one: the hint says why, where the mistake is.
        ("a = x*\ny = a+1", 2, 3, "unexpected `=`", "the line before ends in `*`, so this line went on with that statement"),
        ("a = sin(x\ny = a+1", 2, 1, "expected an operator before `y`", "a `(` before this line is not closed, so this line went on with that statement"),
        ("a = x*\n  sin(x)\ny = a\nz = 2 = 3", 4, 7, "unexpected `=`", "assignments look like `a = x1*x2` and start a statement"),
    ] as [(String, Int, Int, String, String?)])
    func syntaxErrorsPointAtThePlace(text: String, line: Int, column: Int, message: String, hint: String?) throws {
        let found = try #require(failure(text), "`\(text)` should not parse")
        #expect(found.message == message)
        #expect(found.line == line && found.column == column, "`\(text)`: at \(found.line):\(found.column)")
        #expect(found.hint == hint)
    }

    @Test func diagnosticRendersLineAndCaret() {
        let source = SourceText("y = log(sine(x2))", name: "<expression>")
        let diagnostic = Diagnostic("unknown function `sine`", at: SourceSpan(start: 8, length: 4), hint: "did you mean `sin`?")
        #expect(source.render(diagnostic) == """
            error: unknown function `sine`
             --> <expression>:1:9
              |
            1 | y = log(sine(x2))
              |         ^^^^
              = hint: did you mean `sin`?

            """)
    }

    @Test func caretCountsCharactersNotBytes() throws {
        let found = try #require(failure("π + sine(1)"))
        #expect(found.column == 1 && found.message == "unexpected character `π`" && found.hint == "write `pi`")
        let text = "a = 2 # π comment\nb = a + sine(1)"
        let second = try #require(failure(text))
        #expect(second.line == 2 && second.column == 9)
    }

    /// No recursion anywhere: a million-term sum and 100,000 nested parentheses parse and differentiate.
    @Test func deepAndLongInputsNeverOverflowTheStack() throws {
        let terms = 1_000_000
        let sum = (1...terms).map { _ in "x1" }.joined(separator: "+")
        let long = try Trace(Graph(parsing: sum), at: [3], options: TraceOptions(mode: .reverse))
        #expect(long.gradient == [Double(terms)])

        let depth = 100_000
        let nested = String(repeating: "(", count: depth) + "x1" + String(repeating: ")", count: depth)
        #expect(try Trace(Graph(parsing: nested), at: [2]).gradient == [1])

        let calls = 50_000
        let chain = String(repeating: "sin(", count: calls) + "x1" + String(repeating: ")", count: calls)
        let deep = try Trace(Graph(parsing: chain), at: [0.1], options: TraceOptions(mode: .reverse))
        #expect(deep.graph.stepCount == calls && deep.gradient[0].isFinite)

        let tower = Array(repeating: "x1", count: 50_000).joined(separator: "^")
        let powers = try Trace(Graph(parsing: tower), at: [1], options: TraceOptions(mode: .reverse))
        #expect(powers.outputValues == [1])
    }
}

/// Corners found in review: each once crashed or misbehaved.
@Suite struct EdgeCaseTests {
    @Test func valueWithNoNameIsAUsageError() {
        #expect(throws: AdvizError.self) { try PointBinding.bind("=", to: ["x1"]) }
        #expect(throws: AdvizError.self) { try PointBinding.bind("x1=1,=2", to: ["x1", "x2"]) }
    }

    @Test func bareLastExpressionIsAlwaysAnOutputWithAFreshName() throws {
        // `y` is read by the last line, so it is no output; the last line takes a name nothing uses.
        let graph = try Graph(parsing: "y = sin(x1); y*2")
        #expect(graph.outputs.map(\.name) == ["f"])
        let taken = try Graph(parsing: "y = x1; f = y + 1; f*y")
        #expect(taken.outputs.map(\.name) == ["f2"])
        let sink = try Graph(parsing: "y = sin(x1); z = x1*2")
        #expect(sink.outputs.map(\.name) == ["y", "z"])
        let requested = try Graph(parsing: "a = x1; b = a*2", options: GraphOptions(outputs: ["b", "b"]))
        #expect(requested.outputs.map(\.name) == ["b"])
    }

    @Test func constantsAndNoInputsTrace() throws {
        let trace = try Trace(expression: "2*pi", at: "")
        #expect(trace.outputValues[0].isApproximately(2 * .pi))
        let markdown = TraceReport(trace).render(.markdown)
        #expect(markdown.contains("| output | value |\n|---|---|\n| y | 6.283 |"))
        #expect(throws: AdvizError.self) { try Trace(try GraphTape(inputs: ["x"]).graph(outputs: [:]), at: [1]) }
    }

    @Test func powerOfZeroConventions() {
        let (_, byExponent) = Op.pow.partials(0, 2, 0)
        #expect(byExponent == 0)
        let (_, negative) = Op.pow.partials(0, -1, .infinity)
        #expect(negative == -.infinity)
        #expect(Op.pow.kink(0, -1) != nil)
        #expect(Op.step.kink(0, 0) != nil)
        #expect(Op.tan.kink(Double.pi / 2, 0) != nil)
    }

    @Test func latexEscapesUnderscores() throws {
        let trace = try Trace(expression: "my_x * 2", at: "3")
        #expect(TraceReport(trace).render(.latex).contains("\\mathrm{my\\_x}"))
    }
}

/// Where and why `text` fails to parse or build: line, column (in characters), message and hint; nil if it succeeds.
func parseFailure(_ text: String) -> (line: Int, column: Int, message: String, hint: String?)? {
    do {
        _ = try Graph(parsing: text)
        return nil
    } catch {
        guard case .input(let diagnostic, let source) = error else { return nil }
        let location = source.location(ofByte: diagnostic.span.start)
        return (location.line, location.column, diagnostic.message, diagnostic.hint)
    }
}
