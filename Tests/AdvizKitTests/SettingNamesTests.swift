import Foundation
import Testing

@testable import AdvizCore
@testable import AdvizEngines
@testable import AdvizFigures

/// The library's notes name settings, never a command-line flag: a figure's notes, a Python
/// path's folded rows and boxes, and the many-points engine's notes hold ``Setting``s (or take a
/// `naming` function), and the command line names them as its flags.
@Suite struct SettingNamesTests {
    /// The flags the command line gives these settings (Sources/adviz maps them the same way).
    static func flag(_ setting: Setting) -> String { "--" + setting.rawValue }

    /// A figure too big for edge labels and for `maxNodes` says so with the settings, not flags.
    @Test func figureNotesNameSettings() throws {
        let layer = (1...30).map { "h\($0) = tanh(w\($0)*x1 + b\($0))" }.joined(separator: "; ")
        let graph = try Graph(parsing: layer + "; y = " + (1...30).map { "h\($0)" }.joined(separator: " + "))
        let trace = try Trace(graph, at: [Double](repeating: 0.1, count: graph.inputCount))
        let figure = try GraphFigure(trace)
        let settings = figure.noteMessages.flatMap(\.pieces).compactMap { piece -> Setting? in
            if case .setting(let setting) = piece { return setting } else { return nil }
        }
        #expect(settings.contains(.maxNodes), "\(figure.notes)")
        #expect(settings.contains(.edgeLabels), "\(figure.notes)")
        for note in figure.notes { #expect(!note.contains("--"), "the library names no flag: \(note)") }
        let flagged = figure.noteMessages.map { $0.text(naming: Self.flag) }
        #expect(flagged.contains { $0.contains("more than --max-nodes 120: folded") }, "\(flagged)")
        #expect(flagged.contains { $0.contains("(ask for them with --edge-labels partials)") }, "\(flagged)")
    }

    /// A Python loop's folded iterations point at `unfold` as whoever prints them names it.
    @Test func pythonFoldedIterationsNameTheSetting() throws {
        let text = """
            def f(x):
                for i in range(6):
                    x = x*x + 1
                return x
            """
        let module = try PythonModule.parse(SourceText(text, name: "loop.py"))
        let path = try module.trace(function: "f", at: [0.5])
        let rows = path.rowsText().joined(separator: "\n")
        #expect(rows.contains("3 more rows like these (`unfold` shows them)"), "\(rows)")
        #expect(!rows.contains("--"), "\(rows)")
        #expect(path.report(naming: Self.flag).contains("(--unfold shows them)"))
        let labels = path.figureGroups().labels.compactMap { $0 }
        #expect(labels.contains { $0.contains("(folded; `unfold` draws them)") }, "\(labels)")
        #expect(path.figureGroups(naming: Self.flag).labels.contains { $0?.contains("(folded; --unfold draws them)") == true })
        #expect(path.rowsText(unfold: true).allSatisfy { !$0.contains("unfold") })
    }

    /// The many-points engine's note on a kernel too slow to compile names the `engine` setting
    /// (the command line's `--engine`), as whoever builds the engine names it.
    @Test(.enabled(if: KernelCompiler().compiler != nil, "needs a C compiler (the clang beside swift)"))
    func engineNoteNamesTheSetting() throws {
        let chain = (["a0 = x"] + (1...300).map { "a\($0) = sin(a\($0 - 1))*x + log(1 + a\($0 - 1)^2)" }).joined(separator: "\n")
        let graph = try Graph(parsing: chain)
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-setting-names-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        let environment = ["ADVIZ_CACHE_DIR": cache.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? ""]
        var notes: [String] = []
        _ = try GradientEngine(graph, threads: 1, compiler: KernelCompiler(environment: environment)) { notes.append($0) }
        #expect(notes.contains { $0.contains("(`engine` compiled to compile it anyway)") }, "\(notes)")
        #expect(notes.allSatisfy { !$0.contains("--") }, "\(notes)")
        notes = []
        _ = try GradientEngine(graph, threads: 1, compiler: KernelCompiler(environment: environment), note: { notes.append($0) }, naming: Self.flag)
        #expect(notes.contains { $0.contains("(--engine compiled to compile it anyway)") }, "\(notes)")
    }

    /// Every setting the library can name has a name of its own.
    @Test func settingsHaveDistinctNames() {
        let names = Setting.allCases.map(Setting.defaultName)
        #expect(Set(names).count == Setting.allCases.count)
        #expect(names.allSatisfy { $0.hasPrefix("`") && !$0.contains("--") })
    }
}
