import AdvizKit
import ArgumentParser
import Foundation

/// `adviz bench`: measures adviz on this machine.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure adviz on this machine: figure layout and rendering against the dot command.",
        discussion: """
            Examples:
              adviz bench                      # the render suite: 50, 200, 1000 and 3000-node graphs
              adviz bench --quick              # small sizes, for CI
              adviz bench --format json
            """
    )

    enum Suite: String, ExpressibleByArgument, CaseIterable { case render }

    @Option(help: "Which measurements: render.")
    var suite: Suite = .render

    @Flag(help: "Small sizes and few repetitions (seconds, for CI).")
    var quick = false

    @Option(help: "Output format: text, json or markdown.")
    var format: BenchFormat = .text

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Graph sizes for the render suite (default 50 200 1000 3000).", valueName: "nodes"))
    var sizes: [Int] = []

    @Option(help: "Repetitions per case (the median is reported).")
    var repetitions: Int = 3

    enum BenchFormat: String, ExpressibleByArgument, CaseIterable { case text, json, markdown }

    func validate() throws {
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1") }
        guard sizes.allSatisfy({ $0 >= 10 && $0 <= 100_000 }) else { throw ValidationError("--sizes must be between 10 and 100000 nodes") }
    }

    func run() throws {
        try runReportingErrors { () throws(AdvizError) in
            let sizes = !self.sizes.isEmpty ? self.sizes : (quick ? [50, 200] : [50, 200, 1000, 3000])
            let rows = try RenderBenchmark.run(sizes: sizes, repetitions: quick ? 2 : repetitions) { printError($0) }
            let report = BenchReport(render: rows)
            let text: String = switch format {
            case .text: report.text()
            case .markdown: report.markdown()
            case .json: report.json().serialized() + "\n"
            }
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
