import Foundation
import Testing

/// Whether LaTeX has `file` (beamer.cls, tikz.sty): the Beamer and TikZ tests need Debian's
/// texlive-latex-recommended and texlive-pictures beside pdflatex (CI installs them).
func latexHas(_ file: String) -> Bool {
    guard let kpsewhich = toolOnPath("kpsewhich"), let result = try? runTool(URL(fileURLWithPath: kpsewhich), [file]) else { return false }
    return result.status == 0
}

/// `render --format tikz` and `lesson build --format beamer`: LaTeX a lecturer can restyle,
/// compiled with pdflatex.
@Suite struct TikZBeamerTests {
    static let canCompile = toolOnPath("pdflatex") != nil && latexHas("tikz.sty") && latexHas("beamer.cls")

    static func scratch() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-tikz-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The picture's maths and layout: every node with its LaTeX name and value, an edge per
    /// argument with its partial, the theme's colours; the standalone file compiles.
    @Test(.enabled(if: canCompile, "needs pdflatex with tikz (Debian's texlive-pictures)"))
    func tikzFigureCompiles() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("mission.tex").path
        let run = try AdvizRun(["render", "log(x1*x2)+sin(x2)", "--at", "2,5", "-o", path, "--standalone"])
        #expect(run.status == 0, "\(run.stderr)")
        let tex = try String(contentsOfFile: path, encoding: .utf8)
        for piece in ["\\begin{tikzpicture}", "v_{-1} = x_{1}", "\\bar{v}_{0} = 0.4837", "\\dot{v}_{1} = 5", "\\definecolor{advizAdjoint}{HTML}{D55E00}", "0.2837"] {
            #expect(tex.contains(piece), "no `\(piece)`")
        }
        #expect(tex.components(separatedBy: "\\draw[->").count - 1 == 6, "one arrow per edge")
        let (status, _) = try runTool(URL(fileURLWithPath: toolOnPath("pdflatex")!), ["-interaction=nonstopmode", "-halt-on-error", "mission.tex"], in: folder)
        #expect(status == 0)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("mission.pdf").path))
    }

    /// Lesson 3 as a deck: a title frame, the introduction, one frame per step, each with its
    /// title in the PDF's outline; it compiles.
    @Test(.enabled(if: canCompile, "needs pdflatex with beamer and tikz (Debian's texlive-latex-recommended, texlive-pictures)"))
    func beamerDeckCompilesWithAFramePerStep() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let lesson = LessonFiles.folder + "/03-reverse-mode.md"
        let run = try AdvizRun(["lesson", "build", lesson, "--format", "beamer", "-o", folder.appendingPathComponent("deck.tex").path])
        #expect(run.status == 0, "\(run.stderr)")
        let (status, _) = try runTool(URL(fileURLWithPath: toolOnPath("pdflatex")!), ["-interaction=nonstopmode", "-halt-on-error", "deck.tex"], in: folder)
        #expect(status == 0)
        let log = try String(contentsOf: folder.appendingPathComponent("deck.log"), encoding: .utf8)
        let steps = try String(contentsOfFile: lesson, encoding: .utf8).split(separator: "\n").filter { $0.hasPrefix("## ") }
        #expect(log.contains("Output written on deck.pdf (\(steps.count + 2) pages"), "title, introduction and \(steps.count) steps")
        let outline = Self.decodedOutline(try String(contentsOf: folder.appendingPathComponent("deck.out"), encoding: .utf8))
        for step in steps {
            let title = String(step.dropFirst(3)).unicodeScalars.filter { $0.isASCII && !"\\{}$%&#^_~`".unicodeScalars.contains($0) }
            #expect(outline.contains(String(String.UnicodeScalarView(title))), "the outline names `\(step)`")
        }
        let tex = try String(contentsOf: folder.appendingPathComponent("deck.tex"), encoding: .utf8)
        #expect(tex.contains("draw=advizHighlight"), "the current node is highlighted")
        #expect(tex.contains("\\bar{v}_{0}"), "names as maths")
    }

    /// hyperref's `.out` file with its escapes read. Titles are written as UTF-16 (big-endian)
    /// with octal escapes for the bytes that are not printable (`\\376\\377\\000R\\000e…`); our
    /// titles are ASCII, so the zero high bytes and the byte-order mark are dropped.
    static func decodedOutline(_ text: String) -> String {
        var out = ""
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\"), i + 3 < bytes.count, bytes[(i + 1)...(i + 3)].allSatisfy({ (0x30...0x37).contains($0) }) {
                let value = Int(bytes[i + 1] - 0x30) * 64 + Int(bytes[i + 2] - 0x30) * 8 + Int(bytes[i + 3] - 0x30)
                if value != 0, value < 0x80 { out.append(Character(Unicode.Scalar(UInt8(value)))) }
                i += 4
            } else {
                out.append(Character(Unicode.Scalar(bytes[i])))
                i += 1
            }
        }
        return out
    }

    /// Every shipped lesson becomes a deck that compiles.
    @Test(.enabled(if: canCompile, "needs pdflatex with beamer and tikz"))
    func everyShippedLessonCompiles() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try AdvizRun(["lesson", "build", LessonFiles.folder, "--format", "beamer", "-o", folder.path])
        #expect(run.status == 0, "\(run.stderr)")
        let decks = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tex") }.sorted()
        #expect(decks.count >= 11)
        for deck in decks {
            let (status, _) = try runTool(URL(fileURLWithPath: toolOnPath("pdflatex")!), ["-interaction=nonstopmode", "-halt-on-error", deck], in: folder)
            #expect(status == 0, "\(deck) does not compile")
            // Every slide's words fit on it (a frame too full shrinks; none runs off the bottom).
            let log = (try? String(contentsOf: folder.appendingPathComponent((deck as NSString).deletingPathExtension + ".log"), encoding: .isoLatin1)) ?? ""
            #expect(!log.isEmpty, "\(deck): no log")
            #expect(!log.contains("Overfull \\vbox"), "\(deck): a slide runs off the bottom: \(log.components(separatedBy: "\n").filter { $0.contains("Overfull \\vbox") })")
        }
    }
}

/// The repository's `lessons/` folder.
enum LessonFiles {
    static let folder: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("lessons").path
    }()
}
