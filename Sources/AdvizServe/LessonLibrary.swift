import AdvizCore
import AdvizLessons
import AdvizBench
import Foundation

/// Where the server's lessons come from: the course shipped in the binary (``ShippedLessons``),
/// and a teacher's folder, whose lessons are added (a lesson of the same name replaces the
/// shipped one) or, with `--lessons-only`, are the only ones.
///
/// A folder's lesson is a regular `*.md` file whose real path (symlinks resolved) is inside the
/// folder's real path: a symlink that leads out of the folder (to `/etc/passwd`) is not a lesson.
public struct LessonCatalog: Sendable {
    /// The folder's real path (symlinks resolved), if a folder was given.
    public let folder: String?
    /// Whether the shipped lessons are served.
    public let includesShipped: Bool
    /// The largest lesson file read (a lesson is a few kilobytes).
    public static let maximumLessonBytes = 1 << 20

    /// The lessons of `folder` (if any), and the shipped ones unless `includesShipped` is false.
    public init(folder: String?, includesShipped: Bool = true) {
        self.folder = folder.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().standardizedFileURL.path }
        self.includesShipped = includesShipped
    }

    /// The folder's name as pages show it: its last component, never the server's path.
    public var folderName: String? { folder.map { ($0 as NSString).lastPathComponent } }

    /// The lessons by name (the file name without `.md`), sorted.
    public func names() -> [String] {
        var names = Set(folderLessons().keys)
        if includesShipped { names.formUnion(ShippedLessons.all.map(\.name)) }
        return names.sorted()
    }

    /// A lesson's text and when it last changed (nil for a shipped lesson), or nil if there is no such lesson.
    public func text(of name: String) -> (text: String, modified: Date?)? {
        if let path = folderLessons()[name] {
            guard let data = FileManager.default.contents(atPath: path), data.count <= Self.maximumLessonBytes else { return nil }
            let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate]) as? Date
            return (String(decoding: data, as: UTF8.self), modified)
        }
        if includesShipped, let shipped = ShippedLessons.all.first(where: { $0.name == name }) { return (shipped.text, nil) }
        return nil
    }

    /// The folder's lessons by name: regular files inside the folder's real path, with plain names.
    private func folderLessons() -> [String: String] {
        guard let folder, let files = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [:] }
        var lessons: [String: String] = [:]
        for file in files where file.hasSuffix(".md") && file.lowercased() != "readme.md" && ClassroomServer.isPlainName(file) {
            let real = URL(fileURLWithPath: folder + "/" + file).resolvingSymlinksInPath().standardizedFileURL.path
            guard real.hasPrefix(folder + "/"),
                  let attributes = try? FileManager.default.attributesOfItem(atPath: real),
                  attributes[.type] as? FileAttributeType == .typeRegular,
                  (attributes[.size] as? Int ?? 0) <= Self.maximumLessonBytes else { continue }
            lessons[String(file.dropLast(3))] = real
        }
        return lessons
    }
}

/// The lessons' slideshows, built on first open and kept (rebuilt when a file changes).
///
/// An actor of its own: a lesson that runs the speed race live takes seconds to build, and the
/// Explore page's figures must not wait behind it. Builds run on the figure queue's thread
/// (Graphviz, one at a time); two students opening the same lesson get one build.
public actor LessonLibrary {
    private var lessonCache = BoundedCache<String, LessonBuild>(maximumCount: 16, maximumBytes: 96 << 20)
    private let queue: FigureQueue

    /// An empty library whose builds run on `queue`.
    init(queue: FigureQueue) {
        self.queue = queue
    }

    /// An empty library.
    public init() {
        self.queue = FigureQueue()
    }

    /// A lesson built into memory: the slideshow page and its images, by file name.
    public struct LessonBuild: Sendable {
        /// The file names and their bytes (`index.html`, `step-001.svg`, …).
        public var files: [String: [UInt8]]
        /// The text it was built from, to rebuild after an edit.
        public var text: String
    }

    /// The lesson `name` with `text` as its slideshow (built once, and again when the text changes).
    /// An error names the lesson by its file name only: never the server's path, never the file's text.
    public func lesson(named name: String, text: String) async throws(ExploreError) -> LessonBuild {
        if let kept = lessonCache[name], kept.text == text { return kept }
        let build = try await queue.run(.slow) { _ throws(ExploreError) in try Self.build(name: name, text: text) }
        lessonCache.insert(build, forKey: name, bytes: build.files.values.reduce(text.utf8.count) { $0 + $1.count })
        return build
    }

    private static func build(name: String, text: String) throws(ExploreError) -> LessonBuild {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-serve-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            let lesson = try Lesson.parse(text, name: name + ".md")
            let written = try LessonSlides.build(lesson, to: folder, race: DerivativeRace.lessonTable)
            var files: [String: [UInt8]] = [:]
            for file in written + [folder + "/index.html"] {
                let fileName = (file as NSString).lastPathComponent
                if let data = FileManager.default.contents(atPath: file) { files[fileName] = Array(data) }
            }
            return LessonBuild(files: files, text: text)
        } catch {
            var answer = ExploreError(error)
            // The place stays (line and column of the lesson); no source line, no paths.
            answer.rendered = nil
            answer.message = answer.message.replacingOccurrences(of: folder + "/", with: "").replacingOccurrences(of: folder, with: "")
            answer.message = "the lesson `\(name).md` cannot be played: \(answer.message)"
            throw answer
        }
    }
}
