import AdvizOutput
import Foundation
import AdvizCore
import AdvizEngines
import AdvizFigures

/// The results of `adviz bench`, as a table or as JSON.
public struct BenchReport: Sendable {
    /// Rows of the render suite.
    public var render: [RenderBenchmark.Row]
    /// Rows of the derivative race.
    public var race: [DerivativeRace.Row]
    /// Rows of the scaling table.
    public var scaling: [ScalingBenchmark.Row]
    /// Rows of the second-order suite.
    public var hessian: [SecondOrderBenchmark.Row] = []
    /// Rows of the trace suite.
    public var trace: [TraceBenchmark.Row] = []
    /// The fixed cost per call of the compiled kernels (with the race).
    public var calls: [DerivativeRace.CallCost] = []

    /// A report of the given rows.
    public init(render: [RenderBenchmark.Row] = [], race: [DerivativeRace.Row] = [], scaling: [ScalingBenchmark.Row] = []) {
        self.render = render
        self.race = race
        self.scaling = scaling
    }

    /// What machine the numbers came from.
    public static var machine: String {
        var cpu = "unknown CPU"
        if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
            let name = line.split(separator: ":", maxSplits: 1).last
        {
            cpu = name.trimmingCharacters(in: .whitespaces)
        }
        return "\(cpu), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory >> 30) GiB"
    }

    private func ms(_ x: Double?) -> String {
        guard let x else { return "–" }
        return x < 10 ? String(format: "%.2f", x) : String(format: "%.0f", x)
    }

    private var renderHeader: [String] {
        ["nodes", "edges", "describe ms", "layout+render ms", "dot -Tsvg ms", "first frame ms", "next frame ms", "next/first"]
    }

    private var renderCells: [[String]] {
        render.map { r in
            [String(r.nodes), String(r.edges), ms(r.describeMilliseconds), ms(r.layoutRenderMilliseconds), ms(r.dotCommandMilliseconds),
             ms(r.firstFrameMilliseconds), ms(r.frameMilliseconds), String(format: "%.2f", r.frameMilliseconds / r.firstFrameMilliseconds)]
        }
    }

    private var raceHeader: [String] { ["case", "method", "engine", "points", "min ms", "median ms", "max error", "compile ms", "size"] }

    private var raceCells: [[String]] {
        race.map { r in
            [r.caseName, r.method.rawValue, r.engine, String(r.points), ms(r.minMilliseconds), ms(r.medianMilliseconds),
             String(format: "%.1e", r.maxError), r.compileMilliseconds.map { ms($0) } ?? "–", String(r.size)]
        }
    }

    /// What the compiled kernels were built for: `clang -O3 -march=native, AVX-512 (512-bit vectors, 8 doubles)`.
    public static var kernels: String {
        "clang -O3 -march=native, \(VectorUnit.current.description); strict IEEE unless a row says fma or fast-math"
    }

    private var callHeader: [String] { ["case", "points", "threads", "min µs", "median µs"] }

    private var callCells: [[String]] {
        calls.map { c in
            [c.caseName, String(c.points), String(c.threads), String(format: "%.1f", c.minMicroseconds), String(format: "%.1f", c.medianMicroseconds)]
        }
    }

    private var scalingHeader: [String] {
        ["n", "nodes", "parse ms", "build ms", "record ms", "forward ms", "reverse ms", "f alone ms", "∇f/f", "Mnodes/s", "text→∇f ms", "peak MiB", "max error"]
    }

    private var scalingCells: [[String]] {
        scaling.map { r in
            [String(r.inputs), String(r.nodes), ms(r.parseMilliseconds), ms(r.buildMilliseconds), ms(r.recordMilliseconds), ms(r.forwardMilliseconds), ms(r.reverseMilliseconds),
             ms(r.valueMilliseconds), String(format: "%.1f", r.gradientRatio), String(format: "%.1f", r.nodesPerSecond / 1e6),
             ms(r.totalMilliseconds), String(format: "%.0f", r.peakMegabytes), String(format: "%.0e", r.maxError)]
        }
    }

    private var hessianHeader: [String] {
        ["n", "nodes", "gradient graph nodes", "build ms", "f min ms", "f median ms", "HVP min ms", "HVP median ms", "HVP/f",
         "H by n HVPs min ms", "median ms", "H by 3 coloured HVPs min ms", "median ms", "max error"]
    }

    private var hessianCells: [[String]] {
        hessian.map { r in
            [String(r.inputs), String(r.nodes), String(r.gradientGraphNodes), ms(r.gradientGraphMilliseconds), ms(r.valueMin), ms(r.valueMedian),
             ms(r.hvpMin), ms(r.hvpMedian), String(format: "%.1f", r.hvpRatio), ms(r.denseMin), ms(r.denseMedian),
             ms(r.colouredMin), ms(r.colouredMedian), String(format: "%.0e", r.maxError)]
        }
    }

    private var traceHeader: [String] { ["case", "format", "nodes", "trace ms", "report ms", "total ms", "total/JSON", "MB"] }

    private var traceCells: [[String]] {
        trace.map { r in
            [r.caseName, r.format, String(r.nodes), ms(r.traceMilliseconds), ms(r.reportMilliseconds), ms(r.totalMilliseconds),
             String(format: "%.2f", r.ratioToJSON), String(format: "%.1f", Double(r.bytes) / 1e6)]
        }
    }

    private func textTable(_ header: [String], _ cells: [[String]], _ leftColumns: Int) -> String {
        var table = TextTable(rightAligned: Set(leftColumns..<header.count))
        table.append(header.map { TextTable.Cell($0) })
        for row in cells { table.append(row.map { TextTable.Cell($0) }) }
        return table.lines(separator: "  ").joined(separator: "\n") + "\n"
    }

    private func markdownTable(_ header: [String], _ cells: [[String]], _ leftColumns: Int) -> String {
        var out = "| " + header.joined(separator: " | ") + " |\n|" + header.indices.map { $0 < leftColumns ? "---" : "---:" }.joined(separator: "|") + "|\n"
        for row in cells { out += "| " + row.joined(separator: " | ") + " |\n" }
        return out
    }

    private static let raceTitle = "Race: the derivative at every point of [−5, 5], inputs in memory, outputs into a reused buffer (times of the derivative alone; error = max |f′ − exact|/max(1, |exact|) against the derivative by hand)"
    private static let callTitle = "Calls: the compiled strict reverse gradient, per call (inputs in memory; below 8,192 points one thread, so 1,000 points is the fixed cost of a call; 10,000 share the call with the worker pool)"
    private static let scalingTitle = "Scaling: f = Σ sin(xᵢ)·xᵢ₊₁ + log(1 + xᵢ²), text to gradient on one core (best of the repetitions; build = tape from parsed text, record = tape from Traced arithmetic as micrograd does it; Mnodes/s = nodes/(record + forward + reverse); ∇f/f = (forward + reverse)/(f alone))"
    private static let hessianTitle = "Second order: the same f; one Hessian-vector product H·u (one dual sweep of the gradient graph: values and tangents in one pass, buffers reused as f's are) against f alone, and the whole tridiagonal Hessian by n HVPs and by 3 coloured HVPs (seeds e₁+e₄+…, e₂+e₅+…, e₃+e₆+…), cases alternated within each repetition; HVP/f by the medians; error against the Hessian by hand"
    private static let traceTitle = "Trace: the reports of `adviz trace` (after parsing): the sweeps once, then each format's report of them, formats in turn (medians); total/JSON against the JSON report of the same trace (targets: ≤ 2 for text, Markdown and LaTeX; a 100,000-node text trace under 2 s)"
    private static let renderTitle = "Render: layout+SVG through gvc in this process, `dot -Tsvg` (whole process) on the same DOT text, and a step-through: its first frame (layout, pinning, frame) and each later frame (from the pinned layout)"

    /// Aligned text tables, one per suite that ran.
    public func text() -> String { sections("\n", textTable) }

    /// Markdown tables, one per suite that ran.
    public func markdown() -> String { sections("\n\n", markdownTable) }

    /// The machine, then each suite that ran: its title, a gap, its table.
    private func sections(_ gap: String, _ table: ([String], [[String]], Int) -> String) -> String {
        var parts = ["machine: \(BenchReport.machine)\n"]
        if !race.isEmpty { parts[0] += "kernels: \(BenchReport.kernels)\n" }
        if !race.isEmpty { parts.append(BenchReport.raceTitle + gap + table(raceHeader, raceCells, 3)) }
        if !calls.isEmpty { parts.append(BenchReport.callTitle + gap + table(callHeader, callCells, 1)) }
        if !scaling.isEmpty { parts.append(BenchReport.scalingTitle + gap + table(scalingHeader, scalingCells, 0)) }
        if !hessian.isEmpty { parts.append(BenchReport.hessianTitle + gap + table(hessianHeader, hessianCells, 0)) }
        if !trace.isEmpty { parts.append(BenchReport.traceTitle + gap + table(traceHeader, traceCells, 2)) }
        if !render.isEmpty { parts.append(BenchReport.renderTitle + gap + table(renderHeader, renderCells, 0)) }
        return parts.joined(separator: "\n")
    }

    /// The JSON form, a contract: `{"machine": …, "rows": [{"case", "method", "engine", "points",
    /// "min_ms", "median_ms", "max_error", …}], "scaling": […], "render": […]}`.
    public func json() -> JSONValue {
        .object([
            ("machine", .string(BenchReport.machine)),
            ("kernels", .object([("vectors", .string(VectorUnit.current.name)), ("vector_bits", .integer(VectorUnit.current.bits))])),
            ("calls", .array(calls.map { c in
                .object([
                    ("case", .string(c.caseName)), ("points", .integer(c.points)), ("threads", .integer(c.threads)),
                    ("min_us", .finite(c.minMicroseconds)), ("median_us", .finite(c.medianMicroseconds)),
                ])
            })),
            ("rows", .array(race.map { r in
                .object([
                    ("case", .string(r.caseName)), ("method", .string(r.method.rawValue)), ("engine", .string(r.engine)),
                    ("points", .integer(r.points)), ("min_ms", .finite(r.minMilliseconds)), ("median_ms", .finite(r.medianMilliseconds)),
                    ("max_error", .finite(r.maxError)), ("compile_ms", r.compileMilliseconds.map { .finite($0) } ?? .null),
                    ("size", .integer(r.size)),
                ])
            })),
            ("scaling", .array(scaling.map { r in
                .object([
                    ("inputs", .integer(r.inputs)), ("nodes", .integer(r.nodes)), ("text_bytes", .integer(r.textBytes)),
                    ("parse_ms", .finite(r.parseMilliseconds)), ("build_ms", .finite(r.buildMilliseconds)), ("record_ms", .finite(r.recordMilliseconds)),
                    ("forward_ms", .finite(r.forwardMilliseconds)), ("reverse_ms", .finite(r.reverseMilliseconds)),
                    ("value_ms", .finite(r.valueMilliseconds)), ("gradient_ratio", .finite(r.gradientRatio)),
                    ("nodes_per_second", .finite(r.nodesPerSecond)), ("peak_mib", .finite(r.peakMegabytes)), ("max_error", .finite(r.maxError)),
                ])
            })),
            ("hessian", .array(hessian.map { r in
                .object([
                    ("inputs", .integer(r.inputs)), ("nodes", .integer(r.nodes)), ("gradient_graph_nodes", .integer(r.gradientGraphNodes)),
                    ("gradient_graph_ms", .finite(r.gradientGraphMilliseconds)),
                    ("value_min_ms", .finite(r.valueMin)), ("value_median_ms", .finite(r.valueMedian)),
                    ("hvp_min_ms", .finite(r.hvpMin)), ("hvp_median_ms", .finite(r.hvpMedian)), ("hvp_ratio", .finite(r.hvpRatio)),
                    ("dense_hessian_min_ms", r.denseMin.map { .finite($0) } ?? .null), ("dense_hessian_median_ms", r.denseMedian.map { .finite($0) } ?? .null),
                    ("coloured_hessian_min_ms", .finite(r.colouredMin)), ("coloured_hessian_median_ms", .finite(r.colouredMedian)),
                    ("max_error", .finite(r.maxError)),
                ])
            })),
            ("trace", .array(trace.map { r in
                .object([
                    ("case", .string(r.caseName)), ("format", .string(r.format)), ("nodes", .integer(r.nodes)),
                    ("trace_ms", .finite(r.traceMilliseconds)), ("report_ms", .finite(r.reportMilliseconds)),
                    ("total_ms", .finite(r.totalMilliseconds)), ("ratio_to_json", .finite(r.ratioToJSON)), ("bytes", .integer(r.bytes)),
                ])
            })),
            ("render", .array(render.map { r in
                .object([
                    ("nodes", .integer(r.nodes)), ("edges", .integer(r.edges)), ("describe_ms", .finite(r.describeMilliseconds)),
                    ("layout_render_ms", .finite(r.layoutRenderMilliseconds)), ("first_frame_ms", .finite(r.firstFrameMilliseconds)),
                    ("frame_ms", .finite(r.frameMilliseconds)),
                    ("dot_command_ms", r.dotCommandMilliseconds.map { .finite($0) } ?? .null),
                ])
            })),
        ])
    }
}
