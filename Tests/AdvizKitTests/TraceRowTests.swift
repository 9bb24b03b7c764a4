import Foundation
import Testing

@testable import AdvizBench
@testable import AdvizCore

/// The trace's rows as data (node ids, partial formulas, numbers) and as written rows, and the
/// fast paths the writers take (numbers, names, widths) against the slow ones they replace.
@Suite struct TraceRowTests {
    /// A trace's reports, whose tables are written at the same time on several cores, are the
    /// same text as when they are written one after another: every format and mode, with kinks
    /// and a NaN on the way (warnings), and numbers repeated across tables. (adviz writes them at
    /// once from 2,000 nodes; here from any size, so that a few hundred nodes test the same code.)
    @Test(arguments: [TraceMode.both, .forward, .reverse])
    func concurrentTablesWriteTheSameText(_ mode: TraceMode) throws {
        let program = BenchmarkGraphs.expressionGraph(steps: 600, inputs: 8)
        let kinked = try Graph(parsing: (1...150).map { "abs(x\($0 % 3 + 1) - \($0 % 5))*log(x2 - 1)*\($0)" }.joined(separator: " + "))
        for (graph, point) in [(program, (1...8).map { Double($0) / 10 }), (kinked, [2, 0.5, 3])] {
            #expect(graph.nodes.count > 400)
            let trace = try Trace(graph, at: point, options: TraceOptions(mode: mode))
            var serial = TraceReport(trace, source: nil)
            serial.concurrentFrom = .max
            var concurrent = TraceReport(trace, source: nil)
            concurrent.concurrentFrom = 0
            for format in [ReportFormat.text, .markdown, .latex] {
                let a = concurrent.render(format, width: 200), b = serial.render(format, width: 200)
                #expect(a == b, "\(format) report of \(graph.nodes.count) nodes, mode \(mode)")
                #expect(a.utf8.count > 10_000)
            }
        }
    }

    /// The mission example's adjoint row of v₀ = x2, read as data: two terms, one per consumer,
    /// each with its partial as a formula over the consumer's arguments and its numbers.
    @Test func adjointRowsAreDataTermByTerm() throws {
        let trace = try Trace(expression: "log(x1*x2)+sin(x2)", at: "2,5")
        let rows = trace.adjointRows()
        #expect(rows.allSatisfy { $0.kind == .adjoint })
        #expect(rows.map(\.node) == [5, 4, 3, 2, 1, 0])
        let seed = try #require(rows.first)
        #expect(seed.terms == [ChainTerm(source: .outputSeed(0), partial: .number(1), partialValue: 1, factor: 1)])
        let v0 = try #require(rows.first { $0.node == 1 })  // node 1 is x2, v₀
        #expect(v0.terms.map(\.source) == [.node(4), .node(2)])  // sin (v₃), then the product (v₁)
        #expect(v0.terms[0].partial == .apply(.cos, [.arg(0)]))
        #expect(v0.terms[0].partialValue == cos(5) && v0.terms[0].factor == 1)
        #expect(v0.terms[1].partial == .arg(0))  // ∂(v₋₁·v₀)/∂v₀ = v₋₁, the consumer's first argument
        #expect(v0.terms[1].partialValue == 2 && v0.terms[1].factor == 0.1)
        #expect(Swift.abs(v0.terms.map(\.value).reduce(0, +) - v0.value) < 1e-15)
        let written = trace.rendered(v0)
        #expect(written == RenderedRow(
            node: 1, label: "v̄₀", definition: "v̄₃·∂v₃/∂v₀ + v̄₁·∂v₁/∂v₀", formula: "v̄₃·cos(v₀) + v̄₁·v₋₁",
            substituted: "1·cos(5) + 0.1·2", value: "0.4837"))
        #expect(written.sentence == "v̄₀ = v̄₃·∂v₃/∂v₀ + v̄₁·∂v₁/∂v₀ = 1·cos(5) + 0.1·2 = 0.4837")
        let latex = trace.rendered(v0, .latex)
        #expect(latex.label == "\\bar{v}_{0}")
        #expect(latex.formula == "\\bar{v}_{3} \\cdot \\cos\\left(v_{0}\\right) + \\bar{v}_{1} \\cdot v_{-1}")
    }

    /// Tangent rows: one term per distinct argument, the input's row its seed; every row's terms
    /// sum to its value.
    @Test func tangentRowsSumTheirTerms() throws {
        let trace = try Trace(expression: "x1*x1 + sin(x1*x2) - x2/x1", at: "0.7,-1.3", options: TraceOptions(seed: [0.5, 2]))
        for row in trace.tangentRows() {
            #expect(row.kind == .tangent)
            if trace.graph.nodes[row.node].op == .input {
                #expect(row.terms.map(\.source) == [.inputSeed(row.node)])
                #expect(row.terms[0].factor == row.value)
                continue
            }
            let sum = row.terms.map(\.value).reduce(0, +)
            #expect(Swift.abs(sum - row.value) <= 1e-14 * Swift.max(1, Swift.abs(row.value)))
            let arguments = trace.graph.nodes[row.node].arguments
            #expect(row.terms.compactMap(\.node) == arguments.filter { !trace.graph.isConstant($0) }.reduce(into: [Int]()) { if !$0.contains($1) { $0.append($1) } })
        }
        let square = try #require(trace.tangentRows().first { trace.rendered($0).definition == "v̇₋₁·(v₋₁ + v₋₁)" })
        #expect(square.terms.count == 1, "x1*x1: one term, the partial summed over both arguments")
        #expect(trace.primalRows().allSatisfy { $0.kind == .primal && $0.terms.isEmpty })
    }

    /// Partials on edges are data too, and write as the local-partials table does.
    @Test func edgePartialsWriteAsRows() throws {
        let trace = try Trace(expression: "log(x1*x2)+sin(x2)", at: "2,5")
        let partial = try #require(trace.edgePartials().first { $0.node == 4 })
        #expect(partial.argument == 1 && partial.partial == .apply(.cos, [.arg(0)]))
        #expect(trace.rendered(partial) == RenderedRow(node: 4, label: "∂v₃/∂v₀", definition: "cos(v₀)", formula: "cos(v₀)", substituted: "cos(5)", value: "0.2837"))
    }

    /// `NumberFormat` writes `%g` through the C library; it must be what `String(format:)` gave.
    @Test func numbersAreWrittenAsStringFormatWroteThem() {
        func reference(_ x: Double, _ digits: Int) -> String {
            var text = String(format: "%.\(digits)g", x)
            var exponent = ""
            if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
                exponent = String(text[e...])
                text = String(text[..<e])
            }
            if text.contains(".") {
                while text.hasSuffix("0") { text.removeLast() }
                if text.hasSuffix(".") { text.removeLast() }
            }
            if !exponent.isEmpty {
                let sign = exponent.dropFirst().first == "-" ? "-" : ""
                let digits = exponent.drop { !$0.isNumber || $0 == "0" }
                exponent = "e" + sign + (digits.isEmpty ? "0" : String(digits))
            }
            return text + exponent
        }
        var random = SplitMix64(state: 7)
        var values: [Double] = [0.125, 2.5, 0.12345, 1.2345e-5, 9.9995, 0.00099995, 99999.5, 0.1, -0.1, 1e-300, .leastNonzeroMagnitude, -1.5e-7, 1e15, 1e16, 123456.5, 0.5, 2.5, 1e100, -9.999999e-5, .pi, 1 / 3]
        for _ in 0..<3000 {
            let bits = random.next()
            let mantissa = Double(bits >> 11) / Double(1 << 53)
            let exponent = Int(bits % 80) - 40
            values.append((bits & 1 == 0 ? 1 : -1) * mantissa * pow(10, Double(exponent)))
            values.append(Double(bitPattern: random.next()))
            // Short decimals, some exactly at a tie of the shorter rounding: 0.125, 2.5e-7, 31.45.
            values.append(Double(Int(bits % 100_000)) / pow(10, Double(bits % 9)) * pow(10, Double(Int(bits >> 20 % 13) - 6)))
        }
        for x in values where x.isFinite && (x != x.rounded() || Swift.abs(x) >= 1e15) {
            for digits in [1, 2, 3, 4, 5, 6, 8, 10, 12, 13, 14, 15, 16, 17] {
                #expect(NumberFormat(significantDigits: digits).string(x) == reference(x, digits), "\(x) at \(digits) digits")
            }
        }
    }

    /// Names by their fast paths and by the general one.
    @Test func nodeNamesAndSubscriptsMatchTheGeneralScheme() {
        for number in [-12345, -10, -1, 0, 1, 9, 10, 99, 100, 123456] {
            for accent in [MathName.Accent.none, .dot, .bar] {
                for style in [MathStyle.text, .latex] {
                    #expect(MathName.node(number, accent: accent, style: style) == MathName.symbol("v\(number)", accent: accent, style: style, subscripted: true))
                }
            }
        }
        #expect("v-12".subscripted == "v₋₁₂")
        #expect("x1̄2".subscripted == "x1̄₂", "a digit with a combining mark is left as it is")
        #expect(MathName.symbol("w_1", accent: .bar, style: .latex) == "\\overline{\\mathrm{w\\_}}_{1}")
        #expect(MathName.symbol("a-", accent: .dot, style: .text) == "ȧ-")
        #expect(MathName.symbol("12", accent: .dot, style: .text, subscripted: true) == "12")
    }

    /// Column widths by the fast count agree with grapheme clusters.
    @Test func widthsCountCharacters() {
        let samples = [
            "", "v̄₋₁ = v̄₁·∂v₁/∂v₋₁", "ẋ1", "\u{0304}x", "e\u{0301}\u{0302}", "a\r\nb", "👍🏽 ok", "∇y·(1, 0)", "H·ẋ", "x̄\u{00AD}y",
            "Σ sin(xᵢ)", "R² → R¹", "\u{1B}[1mv̄\u{1B}[0m", "\u{1B}[1mm\u{1B}[0m\u{0304}x", "👩‍👩‍👧 ✓",
        ]
        for text in samples {
            #expect(text.characterCount == text.count, "\(text)")
            var width = 0, inEscape = false
            for c in text {
                if c == "\u{1B}" { inEscape = true; continue }
                if inEscape { if c == "m" { inEscape = false }; continue }
                width += 1
            }
            #expect(text.visibleWidth == width, "\(text)")
        }
    }
}
