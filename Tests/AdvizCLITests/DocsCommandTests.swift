import Foundation
import Testing

/// Every command the README and docs/ show runs, and prints what the page shows.
///
/// Commands run with `sh` in a scratch folder laid out like the package's root (`lessons/` and
/// `docs/examples/` linked in, `docs/` and `output/` empty and writable), one block after
/// another, with the built `adviz` first on `PATH` and no colour. `ADVIZ_UPDATE_DOCS=1` rewrites
/// the outputs in the pages instead (and copies the figures the commands wrote back into docs/);
/// `ADVIZ_UPDATE_DOCS=all` rewrites the blocks marked `<!-- output varies -->` too.
/// `bash scripts/update-docs` does that.
@Suite struct DocsCommandTests {
    /// What one command did.
    struct Outcome {
        var lines: [String]
        var status: Int32
    }

    static let update = ProcessInfo.processInfo.environment["ADVIZ_UPDATE_DOCS"]

    @Test func everyCommandOnThePagesPrintsWhatThePageShows() throws {
        let scratch = try Self.makeScratchFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        var ran = 0, varies = 0
        var notRun: [String] = []
        var changedPages: [String] = []
        for page in try DocPages.pages() {
            var lines = try DocPages.lines(of: page)
            let problems = DocPages.problems(in: page, lines: lines)
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
            if !problems.isEmpty { continue }
            var replacements: [(range: Range<Int>, lines: [String])] = []
            for block in DocPages.blocks(in: page, lines: lines) {
                let place = "\(page):\(block.open + 1)"
                if case .notRun(let reason) = block.marker {
                    #expect(!reason.isEmpty, "\(place): say why the block is not run")
                    notRun.append("\(place) (\(reason))")
                    continue
                }
                #expect(!block.hasBareCommands, "\(place): a command without `$ ` and its output; show its output or mark the block <!-- not run: reason -->")
                var body: [String] = []
                for command in block.commands {
                    let outcome = try Self.run(command.text, in: scratch)
                    ran += 1
                    let where_ = "\(page):\(command.line): $ \(command.text)"
                    let rewritten = DocPages.rewritten(expected: command.expected, actual: outcome.lines)
                    body += Array(lines[(command.line - 1)..<(command.line - 1 + command.commandLineCount)])
                    if block.marker == .varies {
                        varies += 1
                        #expect(outcome.status == 0, "\(where_): exit \(outcome.status)\n\(outcome.lines.joined(separator: "\n"))")
                        body += Self.update == "all" ? rewritten : command.expected
                        continue
                    }
                    // A command that fails where the page shows no error (a renamed flag, say) is
                    // a page to fix by hand: never rewritten into an error message.
                    let showsError = command.expected.contains { $0.hasPrefix("error:") }
                    #expect(outcome.status == 0 || showsError, "\(where_): exit \(outcome.status)\n\(outcome.lines.joined(separator: "\n"))")
                    body += outcome.status == 0 || showsError ? rewritten : command.expected
                    if Self.update != nil { continue }
                    #expect(
                        DocPages.matches(expected: command.expected, actual: outcome.lines),
                        "\(where_): the page shows\n\(DocPages.normalized(command.expected).joined(separator: "\n"))\n--- adviz prints\n\(outcome.lines.joined(separator: "\n"))\n(bash scripts/update-docs rewrites the page)"
                    )
                }
                if Self.update != nil { replacements.append(((block.open + 1)..<block.close, body)) }
            }
            if Self.update != nil {
                let before = lines
                for replacement in replacements.reversed() { lines.replaceSubrange(replacement.range, with: replacement.lines) }
                if lines != before {
                    try lines.joined(separator: "\n").write(to: DocPages.root.appendingPathComponent(page), atomically: true, encoding: .utf8)
                    changedPages.append(page)
                }
            }
        }
        if Self.update != nil { changedPages += try Self.copyFiguresBack(from: scratch) }
        print("docs: ran \(ran) commands (\(varies) whose output varies: exit code only); not run: \(notRun.count) blocks\(notRun.isEmpty ? "" : ": " + notRun.joined(separator: "; "))")
        if Self.update != nil { print("docs: rewrote \(changedPages.isEmpty ? "nothing" : changedPages.joined(separator: ", "))") }
        #expect(ran >= 30, "the pages show commands, and the test finds them")
        #expect(notRun.count <= 10, "keep the blocks that are not run few")
    }

    /// The README's table of commands has a row for every command `adviz --help` lists, and no other.
    @Test func readmeListsEveryCommand() throws {
        let help = try AdvizRun(["--help"]).stdout.split(separator: "\n").map(String.init)
        let start = try #require(help.firstIndex { $0.hasPrefix("SUBCOMMANDS:") })
        // A command's line is indented by two spaces; its description may wrap onto lines indented more.
        let commands = help[(start + 1)...].prefix { $0.hasPrefix(" ") }
            .filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
            .compactMap { $0.split(separator: " ").first.map(String.init) }
            .filter { $0 != "help" && $0.allSatisfy { $0.isLowercase || $0 == "-" } }  // not "See 'adviz help …'"
        #expect(commands.count >= 10 && commands.contains("trace"))
        let readme = try DocPages.lines(of: "README.md")
        let rows = readme.compactMap { line -> String? in
            guard line.hasPrefix("| `") else { return nil }
            return line.dropFirst(3).prefix { $0 != "`" }.description
        }
        #expect(Set(rows) == Set(commands), "README's commands \(rows), adviz --help's \(commands)")
    }

    /// The blocks are found as the pages mean them: commands, outputs, markers, `…`.
    @Test func pagesAreReadAsTheyAreMeant() {
        let page = [
            "text", "<!-- output varies -->", "", "```", "$ adviz grad x \\", "  --summary", "points 3", "$ adviz trace", "f = x", "```",
            "<!-- not run: serves -->", "```sh", "adviz serve", "```", "```", "adviz lesson play x.md", "```",
        ]
        let blocks = DocPages.blocks(in: "p.md", lines: page)
        #expect(blocks.count == 3)
        #expect(blocks[0].marker == .varies && blocks[0].commands.count == 2)
        #expect(blocks[0].commands[0].text == "adviz grad x \\\n  --summary" && blocks[0].commands[0].commandLineCount == 2)
        #expect(blocks[0].commands[0].expected == ["points 3"] && blocks[0].commands[1].line == 8)
        #expect(blocks[1].marker == .notRun("serves") && blocks[1].commands.isEmpty && blocks[1].hasBareCommands)
        #expect(blocks[2].marker == .run && blocks[2].hasBareCommands)
        #expect(DocPages.matches(expected: ["a", "…", "z"], actual: ["a", "b", "c", "z  "]))
        #expect(!DocPages.matches(expected: ["a", "…", "z"], actual: ["a"]))
        #expect(DocPages.rewritten(expected: ["a", "…", "z"], actual: ["A", "b", "c", "Z"]) == ["A", "…", "Z"])
        #expect(DocPages.rewritten(expected: ["a"], actual: ["A", "", ""]) == ["A"])
        // A missing fence is found, not read as prose taken for output.
        #expect(DocPages.problems(in: "p.md", lines: ["```", "$ adviz trace", "out", "prose", "```", "$ adviz x", "```"]).count == 2)
        #expect(DocPages.problems(in: "p.md", lines: page).isEmpty)
    }

    /// A folder laid out like the package's root, for the commands to run in.
    static func makeScratchFolder() throws -> URL {
        let files = FileManager.default
        let scratch = files.temporaryDirectory.appendingPathComponent("adviz-docs-\(UUID())")
        for folder in ["docs", "output", "cache"] {
            try files.createDirectory(at: scratch.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        try files.createSymbolicLink(at: scratch.appendingPathComponent("lessons"), withDestinationURL: DocPages.root.appendingPathComponent("lessons"))
        let examples = DocPages.root.appendingPathComponent("docs/examples")
        if files.fileExists(atPath: examples.path) {
            try files.createSymbolicLink(at: scratch.appendingPathComponent("docs/examples"), withDestinationURL: examples)
        }
        return scratch
    }

    /// Runs `command` with `sh` in `folder`: standard output, then standard error, and the exit code.
    static func run(_ command: String, in folder: URL) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = AdvizRun.executable.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["NO_COLOR"] = "1"
        environment["COLUMNS"] = nil
        environment["ADVIZ_CACHE_DIR"] = folder.appendingPathComponent("cache").path
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // A command that hangs is stopped after two minutes (the failure then shows its output).
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        let text = String(decoding: outData, as: UTF8.self) + String(decoding: errData, as: UTF8.self)
        let lines = DocPages.normalized(text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        return Outcome(lines: lines, status: process.terminationStatus)
    }

    /// Copies the figures the commands wrote under the scratch folder's docs/ into the package's
    /// docs/; returns the ones that changed.
    static func copyFiguresBack(from scratch: URL) throws -> [String] {
        let files = FileManager.default
        var changed: [String] = []
        for name in try files.contentsOfDirectory(atPath: scratch.appendingPathComponent("docs").path).sorted()
        where [".png", ".svg", ".pdf"].contains(where: { name.hasSuffix($0) }) {
            let source = scratch.appendingPathComponent("docs/" + name)
            let target = DocPages.root.appendingPathComponent("docs/" + name)
            let data = try Data(contentsOf: source)
            if (try? Data(contentsOf: target)) != data {
                try data.write(to: target, options: .atomic)
                changed.append("docs/" + name)
            }
        }
        return changed
    }
}
