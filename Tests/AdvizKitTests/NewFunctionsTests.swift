import Foundation
import Testing

@testable import AdvizCore
@testable import AdvizSymbolic

/// The functions students bring from NumPy and `<math.h>`: their values against Foundation's,
/// their spellings, and the hints for names the language does not have.
@Suite struct NewFunctionsTests {
    func value(_ text: String, _ point: [Double] = []) throws -> Double {
        let graph = try Graph(parsing: text)
        return PrimalSweep.run(graph, at: Array(point.prefix(graph.inputCount))).outputValues(of: graph)[0]
    }

    @Test func valuesAreFoundations() throws {
        let x = 0.37
        let cases: [(String, Double)] = [
            ("atan(X)", atan(x)), ("arctan(X)", atan(x)), ("asin(X)", asin(x)), ("arcsin(X)", asin(x)), ("acos(X)", acos(x)),
            ("sinh(X)", sinh(x)), ("cosh(X)", cosh(x)), ("asinh(X)", asinh(x)), ("acosh(1 + X)", acosh(1 + x)),
            ("atanh(X)", atanh(x)), ("log10(X)", log10(x)), ("log2(X)", log2(x)), ("log1p(X)", log1p(x)),
            ("expm1(X)", expm1(x)), ("cbrt(-X)", cbrt(-x)), ("erf(X)", erf(x)), ("floor(-X)", -1), ("ceil(X)", 1),
            ("round(2.5)", 3), ("round(-2.5)", -3), ("atan2(X, -1)", atan2(x, -1)), ("arctan2(X, -1)", atan2(x, -1)),
            ("hypot(3, 4)", 5), ("log(8, 2)", 3), ("log(X, 10)", log(x) / log(10)),
        ]
        for (text, want) in cases {
            #expect(try value(text.replacingOccurrences(of: "X", with: "x1"), [x]) == want, "\(text)")
        }
    }

    @Test func logWithABaseIsTheQuotientOfLogarithms() throws {
        let graph = try Graph(parsing: "y = log(x1, x2)")
        #expect(graph.nodes.filter { $0.op == .log }.count == 2)
        #expect(graph.nodes.contains { $0.op == .div })
        let evaluation = PrimalSweep.run(graph, at: [8, 2])
        let gradient = ReverseSweep.adjoints(graph, evaluation, outputSeed: [1])
        // ∂/∂x = 1/(x ln b), ∂/∂b = −ln x/(b ln² b)
        #expect(Swift.abs(gradient[0] - 1 / (8 * log(2))) < 1e-15)
        #expect(Swift.abs(gradient[1] - -log(8) / (2 * log(2) * log(2))) < 1e-15)
        #expect(parseFailure("log(x1, 2, 3)")?.message == "`log` takes 1 argument (or 2: `log(x, b)` is the logarithm to base b), got 3")
    }

    @Test(arguments: [
        ("arctg(x1)", "did you mean `atan`?"), ("lg(x1)", "did you mean `log10`?"), ("erfc(x1)", "write `1 - erf(x)`"),
        ("sec(x1)", "write `1/cos(x)`"), ("fabs(x1)", "did you mean `abs`?"), ("sgn(x1)", "did you mean `sign`?"),
        ("heaviside(x1)", "did you mean `step` (Heaviside's, 0 at 0)?"), ("exp2(x1)", "write `2^x`"),
        ("maximum(x1, 2)", "did you mean `max`?"), ("arsinh(x1)", "did you mean `asinh`?"), ("ceiling(x1)", "did you mean `ceil`?"),
        ("atn(x1)", "did you mean `atan`?"), ("sinhh(x1)", "did you mean `sinh`?"), ("log11(x1)", "did you mean `log10`?"),
    ])
    func unknownNamesGetTheNearbyFunction(text: String, hint: String) throws {
        let found = try #require(parseFailure(text))
        #expect(found.message.hasPrefix("unknown function"))
        #expect(found.hint == hint)
    }

    @Test func latexSpellings() throws {
        let spelled: [Op: String] = [.atan: "\\arctan", .sinh: "\\sinh", .log10: "\\log_{10}", .asin: "\\arcsin", .cosh: "\\cosh"]
        for (op, latex) in spelled {
            guard case .function(_, let written) = op.notation else { Issue.record("\(op) is a function"); continue }
            #expect(written == latex)
        }
        // Every function's name parses back to it.
        for op in Op.allCases {
            if case .function(let name, _) = op.notation { #expect(Op.function(named: name) == op) }
        }
    }
}

/// Errors print as the command line prints them, not as an enum dump.
@Suite struct AdvizErrorDescriptionTests {
    @Test func errorsPrintReadably() {
        do {
            _ = try Graph(parsing: "y = sine(x1)")
            Issue.record("`sine` should not parse")
        } catch {
            let text = "\(error)"
            #expect(text.contains("error: unknown function `sine`"))
            #expect(text.contains("did you mean `sin`?"))
            #expect(!text.hasSuffix("\n"))
        }
        #expect("\(AdvizError.invalidArgument("bad --at"))" == "error: bad --at")
    }
}
