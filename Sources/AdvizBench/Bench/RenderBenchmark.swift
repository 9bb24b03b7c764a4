import Foundation
import GraphvizKit
import AdvizCore
import AdvizEngines
import AdvizFigures

/// Measures figures: layout+render in process through gvc, a step frame from the pinned
/// layout, and the `dot` command on the same DOT text (where it is installed), in one run.
public enum RenderBenchmark {
    /// One row of the table.
    public struct Row: Sendable {
        /// Nodes in the figure.
        public var nodes: Int
        /// Edges in the figure.
        public var edges: Int
        /// Building the Graphviz description from the trace (ms, median).
        public var describeMilliseconds: Double
        /// Layout + SVG render through gvc in this process (ms, median).
        public var layoutRenderMilliseconds: Double
        /// The first frame of a step-through: layout, pinning, and the frame (ms, median).
        public var firstFrameMilliseconds: Double
        /// One step frame after the first, from the pinned layout (ms, median over frames).
        public var frameMilliseconds: Double
        /// `dot -Tsvg` on the same DOT text, whole process (ms, median), or nil without `dot`.
        public var dotCommandMilliseconds: Double?
    }

    /// Runs the benchmark for each size, `repetitions` times each (medians reported).
    public static func run(sizes: [Int], repetitions: Int = 3, progress: (String) -> Void = { _ in }) throws(AdvizError) -> [Row] {
        var rows: [Row] = []
        let dot = findExecutable("dot")
        for size in sizes {
            progress("render benchmark: \(size) nodes")
            let graph = BenchmarkGraphs.expressionGraph(steps: size - 8, inputs: 8)
            let trace = try Trace(graph, at: (1...8).map { Double($0) / 10 })
            var options = FigureOptions()
            options.maxNodes = Int.max
            let figure = try GraphFigure(trace, options: options)
            var describe: [Double] = [], layout: [Double] = [], frames: [Double] = [], dotTimes: [Double] = []
            var description = DotGraph()
            for _ in 0..<repetitions {
                describe.append(milliseconds { description = figure.description() })
                layout.append(try millisecondsThrowing { () throws(AdvizError) in
                    let renderer = try FigureRenderer(figure)
                    _ = try renderer.render(.svg)
                })
            }
            var firstFrames: [Double] = []
            var renderer: FigureRenderer? = nil
            for _ in 0..<repetitions {
                firstFrames.append(try millisecondsThrowing { () throws(AdvizError) in
                    let r = try FigureRenderer(figure, forFrames: true)
                    _ = try r.renderStep(1, .svg)
                    renderer = r
                })
            }
            let stepCount = figure.steps.count
            for k in 0..<Swift.max(3, repetitions) {
                let step = Swift.min(stepCount, 2 + k * Swift.max(1, stepCount / 4))
                frames.append(try millisecondsThrowing { () throws(AdvizError) in _ = try renderer!.renderStep(step, .svg) })
            }
            if let dot {
                // For graphs adviz places itself, dot gets its fastest settings (it would
                // otherwise take minutes): the comparison is with dot at its quickest.
                var forDot = description
                if figure.usesLayeredLayout { forDot.graphAttributes += RenderBenchmark.fastestDotSettings }
                let text = forDot.dotText()
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-bench-\(size).dot")
                try? text.write(to: file, atomically: true, encoding: .utf8)
                for _ in 0..<repetitions {
                    dotTimes.append(milliseconds {
                        let process = Process()
                        process.executableURL = URL(fileURLWithPath: dot)
                        process.arguments = ["-Tsvg", file.path, "-o", "/dev/null"]
                        try? process.run()
                        // A run past the time limit is stopped and counted at the limit.
                        let deadline = Date().addingTimeInterval(dotTimeLimit)
                        while process.isRunning && Date() < deadline { usleep(5_000) }
                        if process.isRunning { process.terminate() }
                        process.waitUntilExit()
                    })
                }
                if ProcessInfo.processInfo.environment["ADVIZ_BENCH_KEEP_DOT"] == nil { try? FileManager.default.removeItem(at: file) }
            }
            rows.append(Row(
                nodes: figure.nodeCount, edges: description.edges.count, describeMilliseconds: median(describe),
                layoutRenderMilliseconds: median(layout), firstFrameMilliseconds: median(firstFrames), frameMilliseconds: median(frames),
                dotCommandMilliseconds: dotTimes.isEmpty ? nil : median(dotTimes)))
        }
        return rows
    }

    /// dot's settings at its fastest: few network-simplex and crossing-minimisation iterations, straight edges.
    public static let fastestDotSettings = [
        DotAttribute("nslimit", "0.01"), DotAttribute("nslimit1", "0.1"), DotAttribute("mclimit", "0.05"),
        DotAttribute("searchsize", "5"), DotAttribute("remincross", "false"),
    ]

    /// The longest a `dot` run may take, in seconds.
    public static let dotTimeLimit: Double = 120

    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// The median of some timings.
func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// Wall-clock milliseconds of `body`.
func milliseconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

/// Wall-clock milliseconds of a throwing `body`.
func millisecondsThrowing(_ body: () throws(AdvizError) -> Void) throws(AdvizError) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}
