import Foundation
import Testing

@testable import AdvizCore
@testable import AdvizLessons

/// `lesson check` holds the numbers a lesson writes to its program; `explain` writes only
/// numbers that pass; `{{v̄₀}}` writes a quantity by name.
@Suite struct LessonNumbersTests {
    static var lesson03: String {
        get throws { try String(contentsOfFile: LessonTests.folder + "/03-reverse-mode.md", encoding: .utf8) }
    }

    /// The trial's tampering: 0.4837 changed to 0.9999 in a narration and in an answer fails,
    /// each at its line, with the true value in the message.
    @Test func aTamperedAdjointFailsAtItsLine() throws {
        let original = try Self.lesson03
        #expect(Lesson.check(original, name: "03.md").isEmpty)
        let lines = original.split(separator: "\n", omittingEmptySubsequences: false)
        let answer = try #require(lines.firstIndex { $0.hasPrefix("answer:") && $0.contains("0.4837") })
        let narration = try #require(lines.firstIndex { !$0.hasPrefix("answer:") && $0.contains("= 0.4837") && !$0.contains("∇") })
        var tampered = lines.map(String.init)
        tampered[answer] = tampered[answer].replacingOccurrences(of: "0.4837", with: "0.9999")
        tampered[narration] = tampered[narration].replacingOccurrences(of: "0.4837", with: "0.9999")
        let problems = Lesson.check(tampered.joined(separator: "\n"), name: "03.md")
        let rendered = problems.map(\.rendered)
        #expect(problems.count == 2, "\(rendered)")
        #expect(rendered.allSatisfy { $0.contains("0.9999 is not v̄") && $0.contains("= 0.483662") }, "\(rendered)")
        #expect(rendered.contains { $0.contains("03.md:\(answer + 1):") }, "\(rendered)")
        #expect(rendered.contains { $0.contains("03.md:\(narration + 1):") }, "\(rendered)")
    }

    /// A lone number of four digits must be a quantity; `{{…}}` marks one as free.
    @Test func loneNumbersAreQuantitiesOrMarkedFree() {
        let lesson = { (sentence: String) in
            "# T\n\nIntro.\n\n```adviz\nexpression: \"log(x1*x2) + sin(x2)\"\nat: \"2, 5\"\n```\n\n## S\n\n\(sentence)\n\n```adviz\nrun: primal\n```\n"
        }
        #expect(Lesson.check(lesson("Here cos(5) = 0.2837 is the partial along the sin edge.")).isEmpty)
        #expect(Lesson.check(lesson("The partial along the sin edge is 0.2837.")).isEmpty)
        let wrong = Lesson.check(lesson("The partial along the sin edge is 0.2873."))
        #expect(wrong.count == 1 && wrong[0].rendered.contains("0.2873 is no quantity"))
        #expect(Lesson.check(lesson("A free number: {{0.2873}}, and 2018, and 10 nodes.")).isEmpty)
        #expect(Lesson.check(lesson("An unknown name: {{v̄₉}}.")).first?.rendered.contains("names no quantity") == true)
        // Code is code, not a claim about the program.
        #expect(Lesson.check(lesson("In Python, `dx = 0.2873` is a number.")).isEmpty)
        // Arithmetic that does not add up, with no quantity named.
        #expect(Lesson.check(lesson("Note that 1 + 2 + 4 = 8.")).first?.rendered.contains("is not") == true)
    }

    /// `{{v̄₀}}` is filled in with the step's value, in the lesson's digits.
    @Test func placeholdersAreFilledWithTheStepsValues() throws {
        let text = "# T\n\nIntro.\n\n```adviz\nexpression: \"log(x1*x2) + sin(x2)\"\nat: \"2, 5\"\n```\n\n## P\n\nPrimal.\n\n```adviz\nrun: primal\n```\n\n## S\n\nThe adjoint of x2 is {{v̄₀}}, the gradient {{∇f}}, and {{7}} is free.\n\n```adviz\nrun: reverse\nquestion: \"What is {{v₁}}?\"\nanswer: \"{{v₁}}.\"\n```\n\n## Next\n\nDone.\n"
        #expect(Lesson.check(text).isEmpty)
        let frames = try LessonRun.frames(try Lesson.parse(text))
        #expect(frames[1].narration.contains("The adjoint of x2 is 0.4837, the gradient (0.5, 0.4837), and 7 is free."))
        #expect(frames[1].question == "What is 10?")
        #expect(frames[2].revealed?.answer == "10.")
    }

    /// `explain` on programs of every shape: every sentence with an equation or a long number
    /// passes the checker, and the seed sentences say what the sweep differentiates.
    @Test(arguments: [
        ("a = x1*x2; b = sin(a); c = a^2", "1,2", nil),
        ("a = x1*x2; b = sin(a); c = a^2", "1,2", [0.5, 2.0]),
        ("y1 = x1 + x3; y2 = x1*x1", "1,3", [0.0, 1.0]),
        ("x1 + 0*x2", "1,2", nil),
        ("log(x)", "-1", nil),
        ("sqrt(x)", "0", nil),
        ("max(x1, x2)", "1,1", nil),
        ("tanh(w1*x1 + w2*x2 + b)", "0.5,-0.3,0.1,1,2", nil),
        ("x*sin(x)*exp(x)", "1", nil),
        ("a = x^2\nb = a + 1\nc = b*a\nd = c - a\ne2 = d/b\nf2 = e2*e2\ng = f2 + x\nh = g*g\nk = h - 1\nm = k*x", "0.7", nil),
    ] as [(String, String, [Double]?)])
    func explainWritesNumbersThatCheck(_ program: String, _ point: String, _ ybar: [Double]?) throws {
        let text = try LessonExplanation.lesson(program: program, at: point, ybar: ybar)
        let problems = Lesson.check(text, name: "explain.md")
        #expect(problems.isEmpty, "\(program): \(problems.map(\.rendered))")
        #expect(!text.contains("read by 0 nodes"))
        #expect(!text.contains(", ,"))
        let graph = try Graph(parsing: program)
        for (k, output) in graph.outputs.enumerated() {
            let seed = ybar?[k] ?? (k == 0 ? 1 : 0)
            if seed == 0 { #expect(!text.contains("∂\(output.name)/∂\(output.name) = 1"), "\(program): a zero seed is not ∂\(output.name)/∂\(output.name)") }
        }
        if let ybar, ybar.filter({ $0 != 0 }).count > 1 { #expect(text.contains("0.5·b + 2·c")) }
    }

    /// `explain` on random programs: every lesson passes the number check.
    @Test func explainOnRandomProgramsPassesTheCheck() throws {
        var checked = 0
        for seed in UInt64(1)...40 {
            var random = RandomExpression(state: seed &* 7919)
            let program = random.expression(depth: 3)
            guard let graph = try? Graph(parsing: program), graph.inputCount > 0 else { continue }
            let point = (0..<graph.inputCount).map { String(0.3 + 0.4 * Double($0)) }.joined(separator: ",")
            let text = try LessonExplanation.lesson(program: program, at: point)
            let problems = Lesson.check(text, name: "explain.md")
            #expect(problems.isEmpty, "\(program) at \(point): \(problems.map(\.rendered))")
            checked += 1
        }
        #expect(checked >= 30, "most random programs have inputs")
    }
}
