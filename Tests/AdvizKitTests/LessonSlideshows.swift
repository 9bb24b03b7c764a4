import Foundation

@testable import AdvizLessons

/// Each shipped lesson's slideshow, built once per test run for the tests that read it.
///
/// Four tests open every lesson's slideshow (its files, the laptop and projector views, every
/// slide's text sizes); building one draws every frame through Graphviz, so each lesson is built
/// by the first test that asks and read by the others. The folders are removed when the run ends.
enum LessonSlideshows {
    /// One lesson's build: made once, under its own lock, while other lessons build beside it.
    private final class Slot: @unchecked Sendable {
        let lock = NSLock()
        var folder: Result<String, any Error>?
    }

    private static let slotsLock = NSLock()
    nonisolated(unsafe) private static var slots: [String: Slot] = [:]

    /// Where the slideshows are built; removed at exit.
    static let root: String = {
        let root = NSTemporaryDirectory() + "/adviz-slideshows-\(getpid())"
        atexit { try? FileManager.default.removeItem(atPath: LessonSlideshows.root) }
        return root
    }()

    /// The slideshow of the lesson at `path` as a projector shows it (1280×720), opened once for
    /// the two tests that read it: every slide looked at (the text sizes), then the keys pressed
    /// from the first slide (the report's `stepping`).
    static func projectorProbe(for path: String) async throws -> ProbeReport {
        try await ProjectorProbes.shared.report(for: path)
    }

    private actor ProjectorProbes {
        static let shared = ProjectorProbes()
        var probes: [String: Task<ProbeReport, any Error>] = [:]

        func report(for path: String) async throws -> ProbeReport {
            if let probe = probes[path] { return try await probe.value }
            let probe = Task {
                let folder = try LessonSlideshows.folder(for: path)
                return try await Chromium.probe(page: folder + "/index.html", width: 1280, height: 720, everySlide: true, thenKeys: true)
            }
            probes[path] = probe
            return try await probe.value
        }
    }

    /// The folder holding the slideshow of the lesson at `path` (its `index.html` and frames),
    /// built on the first call; a build that failed fails every caller with its error.
    static func folder(for path: String) throws -> String {
        let slot = slotsLock.withLock {
            if let slot = slots[path] { return slot }
            let slot = Slot()
            slots[path] = slot
            return slot
        }
        return try slot.lock.withLock {
            if let folder = slot.folder { return try folder.get() }
            let folder = root + "/" + URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            let result = Result { () throws -> String in
                try LessonSlides.build(try Lesson.load(path: path), to: folder)
                return folder
            }
            slot.folder = result
            return try result.get()
        }
    }
}
