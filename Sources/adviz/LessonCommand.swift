import AdvizKit
import ArgumentParser
import Foundation

/// `adviz lesson`: check, play and build step-through lessons.
struct LessonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson",
        abstract: "Check, play and build step-through lessons (Markdown files in lessons/).",
        discussion: "The lesson format is documented in lessons/README.md.",
        subcommands: [LessonCheck.self, LessonPlay.self, LessonBuild.self]
    )
}

/// The lesson files named: files as given, folders as their `*.md` lessons (README.md aside), in name order.
func lessonPaths(_ paths: [String]) throws(AdvizError) -> [String] {
    var files: [String] = []
    for path in paths {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .missingInput("no such lesson file or folder: `\(path)`") }
        if isDirectory.boolValue {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
                .filter { $0.hasSuffix(".md") && $0.lowercased() != "readme.md" }.sorted()
            guard !names.isEmpty else { throw .missingInput("no lessons (*.md) in `\(path)`") }
            files += names.map { (path as NSString).appendingPathComponent($0) }
        } else {
            files.append(path)
        }
    }
    return files
}

struct LessonCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate lessons: keys, types, expressions, and the order of phases.",
        discussion: """
            Examples:
              adviz lesson check lessons/
              adviz lesson check lessons/03-reverse-mode.md
            """
    )

    @Argument(help: ArgumentHelp("Lesson files, or folders of them.", valueName: "path"))
    var paths: [String] = ["lessons"]

    func run() throws {
        var files: [String] = []
        try runReportingErrors { () throws(AdvizError) in files = try lessonPaths(paths) }
        var failed = 0
        var firstCode: Int32 = 0
        for path in files {
            let problems = Lesson.check(path: path)
            if problems.isEmpty {
                if let lesson = try? Lesson.load(path: path) {
                    print("ok    \(path)  (\(lesson.steps.count) steps: \(lesson.title))")
                }
                continue
            }
            for problem in problems { FileHandle.standardError.write(Data(problem.rendered(naming: \.flag).utf8)) }
            printError("\(path): \(problems.count) mistake\(problems.count == 1 ? "" : "s")")
            failed += 1
            if firstCode == 0 { firstCode = problems[0].exitCode }
        }
        if failed > 0 {
            printError("\(failed) of \(files.count) lesson\(files.count == 1 ? "" : "s") failed the check")
            throw ExitCode(firstCode)
        }
    }
}

struct LessonPlay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: "Play a lesson in the terminal, one step at a time (every step in order when not on a terminal).",
        discussion: """
            Keys: → or space next · ← back · Home/End · g then a step number · q quit.

            Example:
              adviz lesson play lessons/03-reverse-mode.md
            """
    )

    @Argument(help: ArgumentHelp("The lesson file.", valueName: "path"))
    var path: String

    @Flag(help: "Print every step in order even on a terminal.")
    var all = false

    @Option(help: "Colour: auto, always or never.")
    var color: ColorChoice = .auto

    @Option(help: ArgumentHelp("The text width (default: the terminal's, else 100).", valueName: "columns"))
    var width: Int?

    func run() throws {
        try runReportingErrors { () throws(AdvizError) in
            let player = try LessonPlayer(try Lesson.load(path: path), race: DerivativeRace.lessonTable)
            let style = color.style(isTerminal: Terminal.isOutputTerminal)
            if !all, Terminal.isOutputTerminal, isatty(STDIN_FILENO) == 1 {
                player.play(style: style)
            } else {
                let columns = width ?? Terminal.width(environment: ProcessInfo.processInfo.environment) ?? 100
                try writeStandardOutput(player.transcript(style: style, width: columns))
            }
        }
    }
}

struct LessonBuild: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build a lesson (or a folder of them) into an HTML slideshow: one rendered frame per step.",
        discussion: """
            Examples:
              adviz lesson build lessons/03-reverse-mode.md -o output/03-reverse-mode/
              adviz lesson build lessons/ -o output/lessons/      # every lesson, with an index page
              adviz lesson build lessons/03-reverse-mode.md --format beamer -o slides.tex
                (a Beamer deck: one frame per step with its TikZ figure; pdflatex slides.tex)
            """
    )

    @Argument(help: ArgumentHelp("A lesson file or a folder of lessons.", valueName: "path"))
    var path: String

    @Option(name: [.short, .long], help: ArgumentHelp("The output folder (default: output/<lesson name>, or output/lessons for a folder).", valueName: "folder"))
    var output: String?

    @Option(help: "Colours of the figures: light, dark or print.")
    var theme: String = "light"

    @Option(help: ArgumentHelp("html (a slideshow folder) or beamer (a LaTeX deck, .tex, that pdflatex compiles; -o names the file).", valueName: "html|beamer"))
    var format: LessonBuildFormat = .html

    enum LessonBuildFormat: String, ExpressibleByArgument, CaseIterable { case html, beamer }

    func validate() throws {
        guard FigureTheme.named(theme) != nil else {
            throw ValidationError("--theme must be one of \(FigureTheme.all.map(\.name).joined(separator: ", ")), got `\(theme)`")
        }
    }

    func run() throws {
        try runReportingErrors { () throws(AdvizError) in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .missingInput("no such lesson file or folder: `\(path)`") }
            let figureTheme = FigureTheme.named(theme)!
            if format == .beamer {
                try buildBeamer(isDirectory: isDirectory.boolValue, theme: figureTheme)
                return
            }
            let bar = ProgressBar(label: "building", isTerminal: Terminal.isErrorTerminal)
            if isDirectory.boolValue {
                let files = try lessonPaths([path])
                var lessons: [(path: String, lesson: Lesson)] = []
                for file in files { lessons.append((file, try Lesson.load(path: file))) }
                let folder = output ?? "output/lessons"
                try LessonSlides.buildAll(lessons, to: folder, theme: figureTheme, race: DerivativeRace.lessonTable) { _, done, total in bar.update(done, of: total) }
                bar.finish()
                printError("wrote \(folder)/index.html (\(lessons.count) lessons)")
            } else {
                let lesson = try Lesson.load(path: path)
                let folder = output ?? "output/" + URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
                try LessonSlides.build(lesson, to: folder, theme: figureTheme, race: DerivativeRace.lessonTable) { done, total in bar.update(done, of: total) }
                bar.finish()
                printError("wrote \(folder)/index.html (\(lesson.steps.count) steps)")
            }
        }
    }

    /// Each lesson as a Beamer deck: `-o` names the file (one lesson) or the folder (a folder of them).
    func buildBeamer(isDirectory: Bool, theme: FigureTheme) throws(AdvizError) {
        let files = isDirectory ? try lessonPaths([path]) : [path]
        for file in files {
            let lesson = try Lesson.load(path: file)
            let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            let target: String
            if let output, !isDirectory, output.hasSuffix(".tex") {
                target = output
            } else {
                let folder = output ?? "output"
                try AdvizError.writing { try AtomicFile.makeFolder(folder) }
                target = folder + "/" + name + ".tex"
            }
            try AdvizError.writing { try AtomicFile.write(try LessonBeamer.deck(lesson, theme: theme), to: target) }
            printError("wrote \(target) (\(lesson.steps.count) steps; pdflatex \(URL(fileURLWithPath: target).lastPathComponent) makes the PDF)")
        }
    }
}
