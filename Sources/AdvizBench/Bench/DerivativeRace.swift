import Foundation
import AdvizCore
import AdvizEngines
import AdvizFigures

/// The course notes' speed race: the derivative of f(x) = x² and of a polynomial nested three
/// times, at a million points, by symbolic, numerical and automatic differentiation.
///
/// Every method runs on the same points, already in memory, into buffers allocated once,
/// and through both engines (compiled kernel and vectorised interpreter), so the race compares
/// methods, not implementations. Times are of the derivative computation alone, as the notes
/// time it; compiling is reported apart. Errors are against the derivative written by hand.
public enum DerivativeRace {
    /// A function of the race.
    public struct Case: Sendable {
        /// Its name in the JSON (`x^2`, `poly3`).
        public var name: String
        /// Its program.
        public var program: String
        /// Its derivative, written by hand (not by adviz), for the error column.
        public var exact: @Sendable (Double) -> Double
    }

    /// One measurement.
    public struct Row: Sendable {
        /// The case's name.
        public var caseName: String
        /// `symbolic`, `central`, `forward` or `reverse`.
        public var method: DerivativeMethod
        /// `compiled` or `interpreted`.
        public var engine: String
        /// The number of points.
        public var points: Int
        /// The fastest run (ms).
        public var minMilliseconds: Double
        /// The median run (ms).
        public var medianMilliseconds: Double
        /// max |f′ − exact| / max(1, |exact|) over the points.
        public var maxError: Double
        /// Compiling the kernel (ms; 0 when it came from the cache), for compiled rows.
        public var compileMilliseconds: Double?
        /// The size of what is evaluated: tape nodes, or the symbolic derivative's DAG entries.
        public var size: Int
    }

    /// f(x) = 2x³ − 3x² + 5, the notes' `f_polynomial_simple`.
    static let polynomial = "2*x^3 - 3*x^2 + 5"

    /// The race's functions: x² and the polynomial nested three times (the notes' `f_polynomial`).
    public static let cases: [Case] = [
        Case(name: "x^2", program: "y = x^2", exact: { 2 * $0 }),
        Case(
            name: "poly3",
            program: "p1 = 2*x^3 - 3*x^2 + 5\np2 = 2*p1^3 - 3*p1^2 + 5\ny = 2*p2^3 - 3*p2^2 + 5",
            exact: { x in
                // The chain rule by hand: p′(u) = 6u² − 6u at each level.
                func p(_ u: Double) -> Double { 2 * u * u * u - 3 * u * u + 5 }
                func dp(_ u: Double) -> Double { 6 * u * u - 6 * u }
                let p1 = p(x), p2 = p(p1)
                return dp(p2) * dp(p1) * dp(x)
            }),
    ]

    /// Runs every case, method and engine on `points` points of [−5, 5], `repetitions` timed runs each after a warm-up.
    ///
    /// With `fma`, the kernel that contracts `a·b + c` into fused multiply-adds as XLA does
    /// (``KernelMath/contract``) races in rows of its own, `compiled fma`: JAX's like.
    public static func run(
        points: Int = 1_000_000, repetitions: Int = 20, threads: Int? = nil, fma: Bool = false, progress: (String) -> Void = { _ in }
    ) throws(AdvizError) -> [Row] {
        let xs = PointGrid.linspace(-5, 5, points)
        // Buffers on 64-byte lines, as the engine allocates its own (see GradientEngine.alignedDoubles).
        let input = GradientEngine.alignedDoubles(points), output = GradientEngine.alignedDoubles(points)
        defer {
            input.deallocate()
            output.deallocate()
        }
        xs.withUnsafeBufferPointer { input.update(from: $0.baseAddress!, count: points) }
        output.update(repeating: 0, count: points)  // touch the pages before timing, as a reused buffer is
        var rows: [Row] = []
        for race in cases {
            let graph = try Graph(parsing: race.program)
            var compileErrors: [String] = []
            let compiled = try? GradientEngine(graph, choice: .compiled, symbolic: true, threads: threads) { compileErrors.append($0) }
            // The fused and fast-math kernels race too, in rows of their own: their numbers may differ from the trace's.
            let fused = fma ? try? GradientEngine(graph, choice: .compiled, symbolic: true, threads: threads, math: .contract) { compileErrors.append($0) } : nil
            let fast = try? GradientEngine(graph, choice: .compiled, symbolic: true, threads: threads, math: .fast) { compileErrors.append($0) }
            let interpreted = try GradientEngine(graph, choice: .interpreted, symbolic: true, threads: threads)
            if compiled == nil { progress("note: no compiled engine for \(race.name); interpreted rows only") }
            let exact = xs.map(race.exact)
            let symbolicSize = interpreted.symbolicInterpreter?.graph.nodes.count ?? 0
            for method in DerivativeMethod.allCases {
                for engine in [compiled, fused, fast, interpreted].compactMap({ $0 }) {
                    progress("race: \(race.name) \(method.rawValue) \(engine.engineName)")
                    var times: [Double] = []
                    let inputs = [UnsafePointer(input)]
                    engine.run(method, count: points, inputs: inputs, values: nil, gradients: [output])  // warm-up
                    for _ in 0..<repetitions {
                        let start = ContinuousClock.now
                        engine.run(method, count: points, inputs: inputs, values: nil, gradients: [output])
                        times.append((ContinuousClock.now - start).seconds * 1000)
                    }
                    var worst = 0.0
                    for i in 0..<points {
                        let error = Swift.abs(output[i] - exact[i]) / Swift.max(1, Swift.abs(exact[i]))
                        if !(error <= worst) { worst = error }  // NaN counts as the worst
                    }
                    times.sort()
                    rows.append(Row(
                        caseName: race.name, method: method, engine: engine.engineName, points: points,
                        minMilliseconds: times[0], medianMilliseconds: times[times.count / 2], maxError: worst,
                        compileMilliseconds: engine.kernel.map { $0.compileSeconds * 1000 },
                        size: method == .symbolic ? symbolicSize : graph.nodes.count))
                }
            }
        }
        return rows
    }

    /// The fixed cost of a call: the compiled strict reverse gradient of a case, timed per call
    /// at a size where the points cost next to nothing.
    public struct CallCost: Sendable {
        /// The case's name.
        public var caseName: String
        /// Points per call.
        public var points: Int
        /// Threads the call may use (1 below ``GradientEngine/parallelThreshold`` points).
        public var threads: Int
        /// The median call (µs).
        public var medianMicroseconds: Double
        /// The fastest call (µs).
        public var minMicroseconds: Double
    }

    /// Calls of the compiled reverse gradient at 1,000 points (one thread: the fixed cost of a call)
    /// and at 10,000 (the worker pool: the fixed cost of sharing a call), `calls` timed calls each.
    public static func callCosts(threads: Int? = nil, calls: Int = 2000) throws(AdvizError) -> [CallCost] {
        var costs: [CallCost] = []
        for race in cases {
            let graph = try Graph(parsing: race.program)
            guard let engine = try? GradientEngine(graph, choice: .compiled, threads: threads) else { continue }
            for points in [1000, 10_000] {
                let input = GradientEngine.alignedDoubles(points), output = GradientEngine.alignedDoubles(points)
                defer {
                    input.deallocate()
                    output.deallocate()
                }
                PointGrid.linspace(-5, 5, points).withUnsafeBufferPointer { input.update(from: $0.baseAddress!, count: points) }
                let inputs = [UnsafePointer(input)]
                var times: [Double] = []
                for call in 0..<(calls + calls / 10) {  // the first tenth warms up
                    let start = ContinuousClock.now
                    engine.run(.reverse, count: points, inputs: inputs, values: nil, gradients: [output])
                    if call >= calls / 10 { times.append((ContinuousClock.now - start).seconds * 1e6) }
                }
                times.sort()
                costs.append(CallCost(
                    caseName: race.name, points: points, threads: points < GradientEngine.parallelThreshold ? 1 : engine.threads,
                    medianMicroseconds: times[times.count / 2], minMicroseconds: times[0]))
            }
        }
        return costs
    }
}
