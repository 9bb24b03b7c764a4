import AdvizOutput
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

/// Bad input of every kind ends in a result or an `AdvizError` with a place — never a trap.
@Suite struct HardeningTests {
    func diagnostic(_ text: String) -> (message: String, line: Int, column: Int)? {
        parseFailure(text).map { ($0.message, $0.line, $0.column) }
    }

    @Test(arguments: [
        ("", "empty program", 1, 1),
        ("   \n\t  ", "empty program", 1, 1),
        ("# only a comment", "empty program", 1, 1),
        ("x1 + 😀", "unexpected character `😀`", 1, 6),
        ("x1 +\u{7}2", "unexpected character U+0007", 1, 5),
        ("x\u{1B}[31m", "unexpected character U+001B", 1, 2),
        ("((x1)", "unclosed `(`", 1, 1),
        ("x1))", "unmatched `)`", 1, 3),
        ("+", "expected an expression after `+`", 1, 2),
        ("* x1", "expected an expression before `*`", 1, 1),
        ("x1 ^", "expected an expression after `^`", 1, 5),
        ("max(1)", "`max` takes 2 arguments, got 1", 1, 1),
        ("sqrt(1, 2, 3)", "`sqrt` takes 1 argument, got 3", 1, 1),
        ("1e", "malformed number: the exponent has no digits", 1, 1),
        (".", "malformed number: a `.` needs digits", 1, 1),
        ("x = 1; x = 2", "`x` is assigned twice", 1, 8),
        ("sin = 2", "cannot assign to `sin`: it is a function", 1, 1),
        ("a = a + 1", "`a` is used in its own definition", 1, 5),
    ] as [(String, String, Int, Int)])
    func catalogueOfBadPrograms(text: String, message: String, line: Int, column: Int) throws {
        let found = try #require(diagnostic(text), "`\(text)` should be refused")
        #expect(found.message == message)
        #expect(found.line == line && found.column == column, "`\(text)`: \(found.line):\(found.column)")
    }

    @Test func veryLongIdentifierIsRefusedWithTheLimit() throws {
        let name = String(repeating: "x", count: 300)
        let found = try #require(diagnostic("\(name) + 1"))
        #expect(found.message == "identifier is too long (300 characters; the limit is 255)")
        #expect(try Graph(parsing: String(repeating: "y", count: 255) + " + 1").inputCount == 1)
    }

    @Test func longLinesAreShownAsAWindowAroundTheCaret() throws {
        let text = (1...200).map { "x\($0)" }.joined(separator: " + ") + " + sine(1)"
        do {
            _ = try Graph(parsing: text)
            Issue.record("should not parse")
        } catch {
            let rendered = error.rendered
            let lines = rendered.split(separator: "\n")
            #expect(lines.allSatisfy { $0.count < 130 }, "long source lines are cut around the error")
            let caretLine = try #require(lines.first { $0.contains("^") })
            let sourceLine = try #require(lines.first { $0.contains("sine") && $0.contains("|") })
            // The caret sits under `sine`.
            let caretColumn = caretLine.distance(from: caretLine.startIndex, to: caretLine.firstIndex(of: "^")!)
            let sineColumn = sourceLine.distance(from: sourceLine.startIndex, to: sourceLine.range(of: "sine")!.lowerBound)
            #expect(caretColumn == sineColumn)
        }
    }

    @Test func mathematicalTroubleIsAWarningNamingTheNode() throws {
        let cases: [(String, String, String)] = [
            ("log(x1)", "-1", "v₁ = log(v₀) at v₀ = -1: log of a negative number: NaN"),
            ("log(x1)", "0", "v₁ = log(v₀) at v₀ = 0: log of 0: value −inf, ∂v₁/∂v₀ = inf"),
            ("sqrt(x1)", "-4", "v₁ = sqrt(v₀) at v₀ = -4: sqrt of a negative number: NaN"),
            ("1/x1", "0", "v₁ = 1/v₀ at v₀ = 0: division by zero: IEEE result ±inf"),
            ("x1/x1", "0", "v₁ = v₀/v₀ at v₀ = 0: division by zero: IEEE result NaN"),
            ("exp(x1)", "1000", "v₁ = exp(v₀) at v₀ = 1000: overflow: the value is inf"),
            ("pow(x1, x2)", "0,0", "v₁ = v₋₁^v₀ at v₋₁ = 0, v₀ = 0: 0^0: taken as 1 (IEEE pow); ∂v₁/∂v₋₁ = 0; ∂v₁/∂v₀ = −inf (ln 0)"),
            ("max(x1, x2)", "3,3", "v₁ = max(v₋₁, v₀) at v₋₁ = 3, v₀ = 3: max at a tie: the first argument takes the derivative (∂v₁/∂v₋₁ = 1, ∂v₁/∂v₀ = 0)"),
        ]
        for (program, point, warning) in cases {
            let trace = try Trace(expression: program, at: point)
            #expect(trace.warningMessages().contains(warning), "\(program) at \(point): \(trace.warningMessages())")
        }
    }

    @Test func troubleIsReportedWhereItStartsOnly() throws {
        let trace = try Trace(expression: "sin(log(x1)) + cos(log(x1))*2", at: "-1")
        #expect(trace.warningMessages().count == 1)
    }

    @Test func badFilesAreMissingInputErrors() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-hard-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: AdvizError.self) { try ProgramSource.file(folder.path).load() }
        let latin1 = folder.appendingPathComponent("latin1.adv")
        try Data([0x78, 0x31, 0x2B, 0xE9, 0xFF]).write(to: latin1)
        do {
            _ = try ProgramSource.file(latin1.path).load()
            Issue.record("invalid UTF-8 should be refused")
        } catch {
            guard case .input = error else { Issue.record("invalid UTF-8 is bad input, not \(error)"); return }
        }
        #expect(throws: AdvizError.self) { try ProgramSource.file(folder.appendingPathComponent("missing.adv").path).load() }
    }

    @Test func writesAreAtomic() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-atomic-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("figure.svg").path
        try AtomicFile.write("first", to: target)
        try AtomicFile.write("second", to: target)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["figure.svg"])
        do {
            try AtomicFile.write("x", to: folder.appendingPathComponent("no/such/folder.svg").path)
            Issue.record("a missing folder should be refused")
        } catch {
            #expect(error == .cannotCreate("cannot create `\(folder.path)/no/such/folder.svg`: the folder `\(folder.path)/no/such` does not exist"))
        }
        do {
            try AtomicFile.write("x", to: folder.path)
            Issue.record("writing over a folder should be refused")
        } catch {
            #expect(error == .cannotCreate("cannot create `\(folder.path)`: it is a folder"))
        }
    }

    /// The fuzzer's finds and seeds, replayed through the same pipeline the fuzz target runs.
    @Test func fuzzRegressionsAndSeedsReplayWithoutCrashing() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var count = 0
        for folder in ["Fuzz/regressions", "Fuzz/seeds"] {
            let url = root.appendingPathComponent(folder)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] where !name.hasPrefix(".") {
                let bytes = try [UInt8](Data(contentsOf: url.appendingPathComponent(name)))
                let split = bytes.firstIndex(of: 1) ?? bytes.count
                let program = String(decoding: bytes[..<split], as: UTF8.self)
                let point = split < bytes.count ? String(decoding: bytes[(split + 1)...], as: UTF8.self) : ""
                let outcome = replay(program: program, point: point)
                // Each input ends in a result or in an error a person can read (a message and, for
                // a program, the place): never in anything else.
                switch outcome {
                case .traced(let reports): #expect(reports > 0 && reports % ReportFormat.allCases.count == 0, "\(folder)/\(name)")
                case .refused(let message): #expect(message.hasPrefix("error: ") && !message.contains("Error Domain"), "\(folder)/\(name): \(message)")
                case .lesson(let frames): #expect(frames > 0, "\(folder)/\(name)")
                }
                count += 1
            }
        }
        #expect(count >= 7, "the seeds are there")
    }

    enum ReplayOutcome { case traced(reports: Int), refused(String), lesson(frames: Int) }

    func replay(program: String, point: String) -> ReplayOutcome {
        do throws(AdvizError) {
            if program.hasPrefix("# ") {
                // A lesson, as the fuzz target reads one.
                let player = try LessonPlayer(try Lesson.parse(program, name: "fuzz.md"))
                #expect(!player.transcript(width: 60).isEmpty)
                return .lesson(frames: player.frames.count)
            }
            let graph = try Graph(parsing: program)
            guard graph.nodes.count < 5_000 else { return .traced(reports: ReportFormat.allCases.count) }
            let values = (try? PointBinding.bind(point, to: graph.inputNames)) ?? graph.inputNames.indices.map { Double($0) - 1.5 }
            var reports = 0
            for mode in TraceMode.allCases {
                let trace = try Trace(graph, at: values, options: TraceOptions(mode: mode))
                for format in ReportFormat.allCases {
                    #expect(!TraceReport(trace, source: program).render(format, width: 80).isEmpty)
                    reports += 1
                }
            }
            return .traced(reports: reports)
        } catch {
            return .refused(error.rendered)
        }
    }
}
