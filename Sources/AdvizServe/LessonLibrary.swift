import AdvizCore
import AdvizLessons
import Foundation

/// The lesson folder's slideshows, built on first open and kept (rebuilt when a file changes).
///
/// An actor of its own: a lesson that runs the speed race live takes seconds to build, and the
/// Explore page's figures must not wait behind it. Graphviz itself is still called by one thread
/// at a time (GraphvizKit's lock); two students opening the same lesson get one build.
public actor LessonLibrary {
    private var lessonCache: [String: LessonBuild] = [:]

    /// An empty library.
    public init() {}


    /// A lesson built into memory: the slideshow page and its images, by file name.
    public struct LessonBuild: Sendable {
        /// The file names and their bytes (`index.html`, `step-001.svg`, …).
        public var files: [String: [UInt8]]
        /// When the lesson file was last changed, to rebuild after an edit.
        public var modified: Date?
    }

    /// The lesson at `path` as its slideshow (built once, and again when the file changes).
    /// Lessons are built here one at a time, each once.
    public func lesson(at path: String) throws(ExploreError) -> LessonBuild {
        let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate]) as? Date
        if let kept = lessonCache[path], kept.modified == modified { return kept }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-serve-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            let lesson = try Lesson.load(path: path)
            let written = try LessonSlides.build(lesson, to: folder)
            var files: [String: [UInt8]] = [:]
            for file in written + [folder + "/index.html"] {
                let name = (file as NSString).lastPathComponent
                if let data = FileManager.default.contents(atPath: file) { files[name] = Array(data) }
            }
            let build = LessonBuild(files: files, modified: modified)
            lessonCache[path] = build
            return build
        } catch {
            throw ExploreError(error)
        }
    }
}
