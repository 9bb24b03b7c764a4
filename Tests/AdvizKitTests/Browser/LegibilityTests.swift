import Foundation
import Testing

@testable import AdvizCore
@testable import AdvizFigures
@testable import AdvizLessons

/// Read from the back of a room: on every slide of every shipped lesson, and on every step of the
/// frames player, at 1280×720, the figure's text a person can see has a median of at least 13
/// CSS px and a 25th percentile of at least 11 px (font size times the drawing's scale on screen).
@Suite(.serialized, .enabled(if: chromiumIsInstalled, "needs Chromium (Debian's `chromium`); skipped without it"))
struct LegibilityTests {
    /// The median and 25th percentile of `sizes` (0 when empty).
    static func summary(_ sizes: [Double]) -> (median: Double, quartile: Double) {
        let sorted = sizes.sorted()
        guard !sorted.isEmpty else { return (0, 0) }
        return (sorted[sorted.count / 2], sorted[sorted.count / 4])
    }

    /// Checks every slide the probe looked at, and prints the page's numbers for the record.
    func expectReadable(_ report: ProbeReport, _ what: String) {
        #expect(report.errors.isEmpty, "\(what): \(report.errors)")
        var all: [Double] = []
        var worst = (slide: "", median: Double.infinity, quartile: Double.infinity)
        for state in report.states where !state.textSizes.isEmpty {
            let (median, quartile) = Self.summary(state.textSizes)
            #expect(median >= 13, "\(what) \(state.counter): median text \(median) px (view \(state.view))")
            #expect(quartile >= 11, "\(what) \(state.counter): 25th percentile \(quartile) px (view \(state.view))")
            #expect(state.outside.isEmpty, "\(what) \(state.counter): nodes of the step out of view: \(state.outside)")
            // A node the step names that the view cannot hold has a marker at the edge pointing at it.
            #expect(state.markers.count >= state.hiddenFocus.count, "\(what) \(state.counter): \(state.hiddenFocus) out of view, markers \(state.markers)")
            if median < worst.median { worst = (state.counter, median, quartile) }
            all += state.textSizes
        }
        let (median, quartile) = Self.summary(all)
        print("legibility: \(what): \(report.states.count) slides, median \(String(format: "%.1f", median)) px, 25th percentile \(String(format: "%.1f", quartile)) px; lowest slide \(worst.slide): \(String(format: "%.1f / %.1f", worst.median, worst.quartile)) px")
    }

    @Test(arguments: LessonTests.course)
    func everyLessonSlideReadsAt1280x720(_ path: String) async throws {
        let report = try await LessonSlideshows.projectorProbe(for: path)
        expectReadable(report, URL(fileURLWithPath: path).lastPathComponent)
    }

    /// `render --frames` of lesson 07's neuron, played at 1280×720.
    @Test func framesPlayerReadsAt1280x720() async throws {
        let folder = BrowserTests.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let figure = try GraphFigure(Trace(expression: "n = x1*w1 + x2*w2 + b\no = tanh(n)", at: "2,-3,0,1,6.8813735870195432"))
        try FrameSet.write(figure, to: folder, title: "the neuron")
        let report = try await Chromium.probe(page: folder + "/index.html", width: 1280, height: 720, everySlide: true)
        expectReadable(report, "frames player, the neuron")
    }
}
