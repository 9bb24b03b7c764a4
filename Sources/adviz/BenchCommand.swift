import AdvizKit
import ArgumentParser
import Foundation

/// `adviz bench`: measures adviz on this machine.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure adviz on this machine: the derivative race, scaling on big graphs, and figure rendering.",
        discussion: """
            Suites:
              race     x^2 and the nested polynomial at 1,000,000 points: symbolic, central \
            differences, forward and reverse mode, compiled and interpreted (the course notes' race)
              scaling  a long sum Σ sin(xᵢ)·xᵢ₊₁ + log(1 + xᵢ²), n = 10³ … 10⁶: parse, build, \
            forward, reverse, nodes per second, time(∇f)/time(f), peak memory
              hessian  second order on the same f: one Hessian-vector product against f, and the \
            whole Hessian at n = 1,000 by n HVPs and by 3 coloured HVPs (min and median)
              trace    the text, Markdown, LaTeX and JSON reports of `adviz trace` on a sum of \
            10,000 terms and a program of 100,000 steps, each against the JSON report
              render   figure layout and rendering against the dot command

            Examples:
              adviz bench                      # race and scaling
              adviz bench --suite all          # and render
              adviz bench --quick              # small sizes, for CI
              adviz bench --suite race --format json
              adviz bench --suite race --fma   # and the fused-multiply-add kernel, XLA's like
              adviz bench --suite hessian --inputs 1000 10000
              adviz bench --suite trace --format json
            """
    )

    enum Suite: String, ExpressibleByArgument, CaseIterable { case race, scaling, hessian, trace, render, numbers, all }

    @Option(help: "Which measurements: race, scaling, hessian, trace, render, numbers (race and scaling) or all.")
    var suite: Suite = .numbers

    @Flag(help: "Small sizes and few repetitions (seconds, for CI).")
    var quick = false

    @Option(help: "Output format: text, json or markdown.")
    var format: BenchFormat = .text

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Graph sizes for the render suite (default 50 200 1000 3000).", valueName: "nodes"))
    var sizes: [Int] = []

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Input counts for the scaling suite (default 1000 10000 100000 1000000) and the hessian suite (default 1000 10000; the n-HVP Hessian runs up to 2000).", valueName: "n"))
    var inputs: [Int] = []

    @Option(help: "Points in the race (default 1000000).")
    var points: Int?

    @Option(help: "Repetitions per case (the race reports min and median; render the median).")
    var repetitions: Int?

    @Option(help: "Threads for the race (default: one per core).")
    var threads: Int?

    @Flag(help: "Race also the kernel with fused multiply-adds, as XLA compiles (rows `compiled fma`; their numbers may differ from the trace's in the last bits).")
    var fma = false

    enum BenchFormat: String, ExpressibleByArgument, CaseIterable { case text, json, markdown }

    func validate() throws {
        if let repetitions, repetitions < 1 { throw ValidationError("--repetitions must be at least 1") }
        guard sizes.allSatisfy({ $0 >= 10 && $0 <= 100_000 }) else { throw ValidationError("--sizes must be between 10 and 100000 nodes") }
        guard inputs.allSatisfy({ $0 >= 2 && $0 <= 2_000_000 }) else { throw ValidationError("--inputs must be between 2 and 2000000") }
        if let points, !(1...100_000_000).contains(points) { throw ValidationError("--points must be between 1 and 100000000") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if fma, ![.race, .numbers, .all].contains(suite) { throw ValidationError("--fma adds rows to the race: use it with --suite race, numbers or all") }
    }

    func run() throws {
        try runReportingErrors { () throws(AdvizError) in
            var report = BenchReport()
            let progress: (String) -> Void = { message in
                if Terminal.isErrorTerminal { printError(message) }
            }
            if [.race, .numbers, .all].contains(suite) {
                report.race = try DerivativeRace.run(
                    points: points ?? (quick ? 100_000 : 1_000_000), repetitions: repetitions ?? (quick ? 3 : 30), threads: threads, fma: fma,
                    progress: progress)
                report.calls = try DerivativeRace.callCosts(threads: threads, calls: quick ? 200 : 2000)
            }
            if [.scaling, .numbers, .all].contains(suite) {
                let sizes = !inputs.isEmpty ? inputs : (quick ? [1000, 10_000] : [1000, 10_000, 100_000, 1_000_000])
                report.scaling = try ScalingBenchmark.run(sizes: sizes, repetitions: repetitions ?? (quick ? 1 : 3), progress: progress)
            }
            if [.hessian, .all].contains(suite) {
                let sizes = !inputs.isEmpty ? inputs : (quick ? [100, 1000] : [1000, 10_000])
                report.hessian = try SecondOrderBenchmark.run(sizes: sizes, repetitions: repetitions ?? (quick ? 3 : 9), progress: progress)
            }
            if [.trace, .all].contains(suite) {
                report.trace = try TraceBenchmark.run(
                    terms: quick ? 1000 : 10_000, steps: quick ? 10_000 : 100_000, repetitions: repetitions ?? (quick ? 1 : 3), progress: progress)
            }
            if [.render, .all].contains(suite) {
                let sizes = !self.sizes.isEmpty ? self.sizes : (quick ? [50, 200] : [50, 200, 1000, 3000])
                report.render = try RenderBenchmark.run(sizes: sizes, repetitions: quick ? 2 : (repetitions ?? 3), progress: progress)
            }
            let text: String = switch format {
            case .text: report.text()
            case .markdown: report.markdown()
            case .json: report.json().serialized() + "\n"
            }
            try writeStandardOutput(text)
        }
    }
}
