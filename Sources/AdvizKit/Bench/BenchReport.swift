import Foundation

/// The results of `adviz bench`, as a table or as JSON.
public struct BenchReport: Sendable {
    /// Rows of the render suite.
    public var render: [RenderBenchmark.Row]

    /// A report of the given rows.
    public init(render: [RenderBenchmark.Row]) { self.render = render }

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

    private var header: [String] {
        ["nodes", "edges", "describe ms", "layout+render ms", "dot -Tsvg ms", "first frame ms", "next frame ms", "next/first"]
    }

    private var cells: [[String]] {
        render.map { r in
            [String(r.nodes), String(r.edges), ms(r.describeMilliseconds), ms(r.layoutRenderMilliseconds), ms(r.dotCommandMilliseconds),
             ms(r.firstFrameMilliseconds), ms(r.frameMilliseconds), String(format: "%.2f", r.frameMilliseconds / r.firstFrameMilliseconds)]
        }
    }

    /// An aligned text table.
    public func text() -> String {
        var table = TextTable(rightAligned: Set(0..<header.count))
        table.append(header.map { TextTable.Cell($0) })
        for row in cells { table.append(row.map { TextTable.Cell($0) }) }
        return "Render: layout+SVG through gvc in this process, `dot -Tsvg` (whole process) on the same DOT text, and a step-through: its first frame (layout, pinning, frame) and each later frame (from the pinned layout)\nmachine: \(BenchReport.machine)\n"
            + table.lines(separator: "  ").joined(separator: "\n") + "\n"
    }

    /// A Markdown table.
    public func markdown() -> String {
        var out = "| " + header.joined(separator: " | ") + " |\n|" + header.map { _ in "---:" }.joined(separator: "|") + "|\n"
        for row in cells { out += "| " + row.joined(separator: " | ") + " |\n" }
        return out
    }

    /// The JSON form: `{"machine": …, "render": [{"nodes", "edges", "layout_render_ms", …}]}`.
    public func json() -> JSONValue {
        .object([
            ("machine", .string(BenchReport.machine)),
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
