import AdvizKit
import Benchmark

// Micro-benchmarks of the engine's parts, with google/swift-benchmark's harness
// (iterations chosen by the harness, median and deviation reported):
//
//     swift run -c release --package-path Benchmarks AdvizBenchmarks
//     swift run -c release --package-path Benchmarks AdvizBenchmarks --filter reverse
//
// `adviz bench` measures whole tasks (the race, the scaling table, rendering); these
// time one step each, so a change to one pass shows up here first.

let mission = try Graph(parsing: "log(x1*x2)+sin(x2)")
let sumText = ScalingBenchmark.program(inputs: 10_000)
let sumGraph = try Graph(parsing: sumText)
let sumPoint = (0..<sumGraph.inputCount).map { Double($0 % 7) / 7 + 0.1 }
let sumEvaluation = PrimalSweep.run(sumGraph, at: sumPoint)
let poly3 = try Graph(parsing: "p1 = 2*x^3 - 3*x^2 + 5\np2 = 2*p1^3 - 3*p1^2 + 5\ny = 2*p2^3 - 3*p2^2 + 5")
let grid = PointColumns(columns: [PointGrid.linspace(-5, 5, 100_000)])
let interpreted = try GradientEngine(poly3, choice: .interpreted, threads: 1)
let compiled = try? GradientEngine(poly3, choice: .compiled, threads: 1)

benchmark("parse 80k-node sum") { _ = try Program.parse(sumText) }
benchmark("build 80k-node tape from text") { _ = try Graph(parsing: sumText) }
benchmark("primal sweep, 80k nodes") { _ = PrimalSweep.run(sumGraph, at: sumPoint) }
benchmark("f alone, 80k nodes") { _ = PrimalSweep.value(sumGraph, at: sumPoint) }
benchmark("reverse sweep, 80k nodes") { _ = ReverseSweep.adjoints(sumGraph, sumEvaluation, outputSeed: [1]) }
benchmark("trace of the mission example") {
    let trace = try Trace(mission, at: [2, 5])
    _ = TraceReport(trace, source: "log(x1*x2)+sin(x2)").render(.text, width: 120, style: .plain)
}
benchmark("symbolic derivative of poly3") { _ = try SymbolicDerivative(poly3, variable: "x") }
benchmark("interpreter: poly3 gradient at 100k points") { _ = try! interpreted.gradient(at: grid, values: false) }
if let compiled {
    benchmark("compiled: poly3 gradient at 100k points") { _ = try! compiled.gradient(at: grid, values: false) }
}

Benchmark.main()
