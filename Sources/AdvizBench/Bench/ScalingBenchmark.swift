import Foundation
import AdvizCore
import AdvizEngines
import AdvizFigures

/// How the scalar engine scales: a long sum f(x) = Σᵢ sin(xᵢ)·xᵢ₊₁ + log(1 + xᵢ²), from text to gradient.
///
/// For each size it times parsing the text, building the tape, the forward sweep (values and
/// local partials), the reverse sweep (all adjoints), and a plain evaluation of f with no
/// partials; time(∇f)/time(f) is the "cheap gradient principle" (a small constant).
public enum ScalingBenchmark {
    /// One row of the table.
    public struct Row: Sendable {
        /// The number of inputs n.
        public var inputs: Int
        /// Nodes on the tape.
        public var nodes: Int
        /// Bytes of program text.
        public var textBytes: Int
        /// Parsing the text (ms).
        public var parseMilliseconds: Double
        /// Building the tape from the parsed program (ms).
        public var buildMilliseconds: Double
        /// Recording the same function through the operator-overloading front end, ``Traced`` (ms):
        /// what micrograd does when Python runs `Value` arithmetic.
        public var recordMilliseconds: Double
        /// The forward sweep: values and local partials (ms).
        public var forwardMilliseconds: Double
        /// The reverse sweep: every adjoint (ms).
        public var reverseMilliseconds: Double
        /// f alone, no partials (ms).
        public var valueMilliseconds: Double
        /// Peak resident memory of the process after this row (MiB).
        public var peakMegabytes: Double
        /// The largest error of ∇f against the gradient written by hand.
        public var maxError: Double

        /// Nodes per second for record + forward + reverse (the operator-overloading path, as micrograd is measured).
        public var nodesPerSecond: Double { Double(nodes) / ((recordMilliseconds + forwardMilliseconds + reverseMilliseconds) / 1000) }
        /// time(∇f) / time(f): forward + reverse over a plain evaluation.
        public var gradientRatio: Double { (forwardMilliseconds + reverseMilliseconds) / valueMilliseconds }
        /// Text to gradient: parse + build + forward + reverse (ms).
        public var totalMilliseconds: Double { parseMilliseconds + buildMilliseconds + forwardMilliseconds + reverseMilliseconds }
    }

    /// The program text for n inputs.
    public static func program(inputs n: Int) -> String {
        var text = ""
        text.reserveCapacity(n * 40)
        for i in 1..<n {
            if i > 1 { text += " + " }
            text += "sin(x\(i))*x\(i + 1) + log(1 + x\(i)^2)"
        }
        return text
    }

    /// The input names x1 … xn.
    static func inputNames(_ n: Int) -> [String] { (1...n).map { "x\($0)" } }

    /// The nodes the recorded function has for n ≥ 2 inputs: the inputs, the constants 1 and 2,
    /// and per term sin, ·, ^, 1 + , log, the + between them and the + that adds the term to the
    /// sum (the first term has none).
    static func recordedNodeCount(inputs n: Int) -> Int { n + 2 + 7 * (n - 1) - 1 }

    /// The same function recorded through ``Traced`` arithmetic, on inputs named `names` (x1, x2, …).
    ///
    /// The names are made before the clock starts, as the program text is for parsing: the
    /// benchmark times recording, not string formatting. The tape reserves its nodes up front.
    static func recorded(names: [String]) -> Graph {
        let n = names.count
        let tape = try! GraphTape(inputs: names, capacity: recordedNodeCount(inputs: n))  // x1, x2, …: distinct, so it cannot throw
        let x = tape.inputs
        var sum = sin(x[0]) * x[1] + log(1 + pow(x[0], 2))
        for i in 1..<(n - 1) { sum = sum + (sin(x[i]) * x[i + 1] + log(1 + pow(x[i], 2))) }
        return tape.graph(output: sum)
    }

    /// Measures each size (best of `repetitions` for each phase).
    public static func run(sizes: [Int], repetitions: Int = 3, progress: (String) -> Void = { _ in }) throws(AdvizError) -> [Row] {
        var rows: [Row] = []
        for n in sizes {
            progress("scaling: n = \(n)")
            let text = program(inputs: n)
            var random = SplitMix64(state: UInt64(n))
            let point = (0..<n).map { _ in Double(random.next() % 2000) / 1000 - 1 }
            var parse = Double.infinity, build = Double.infinity, record = Double.infinity, forward = Double.infinity, reverse = Double.infinity, value = Double.infinity
            var graph: Graph? = nil
            let names = inputNames(n)
            // The sweeps' buffers are reused from one repetition to the next, as in an optimisation
            // loop; the best repetition is then the steady state, not the kernel's page faults.
            var adjoints: [Double] = []
            var evaluation = Evaluation(values: [], partialA: [], partialB: [], warnings: [])
            var valueBuffer: [Double] = []
            for _ in 0..<repetitions {
                var program: Program? = nil
                parse = Swift.min(parse, try millisecondsThrowing { () throws(AdvizError) in
                    do throws(Diagnostic) { program = try Program.parse(text) } catch { throw .input(error, SourceText(text)) }
                })
                build = Swift.min(build, try millisecondsThrowing { () throws(AdvizError) in graph = try Graph(program: program!) })
                record = Swift.min(record, milliseconds { _ = recorded(names: names) })
                let tape = graph!
                // Inputs are named x1…xn but ordered naturally; bind the point by position.
                forward = Swift.min(forward, milliseconds { PrimalSweep.run(tape, at: point, into: &evaluation) })
                reverse = Swift.min(reverse, milliseconds { ReverseSweep.adjoints(tape, evaluation, outputSeed: [1], into: &adjoints) })
                value = Swift.min(value, milliseconds { _ = PrimalSweep.value(tape, at: point, buffer: &valueBuffer) })
            }
            // The gradient by hand: ∂f/∂xᵢ = cos(xᵢ)·xᵢ₊₁ + 2xᵢ/(1 + xᵢ²) + sin(xᵢ₋₁).
            var worst = 0.0
            for i in 0..<n {
                var exact = 0.0
                if i + 1 < n { exact += Foundation.cos(point[i]) * point[i + 1] + 2 * point[i] / (1 + point[i] * point[i]) }
                if i > 0 { exact += Foundation.sin(point[i - 1]) }
                let error = Swift.abs(adjoints[i] - exact) / Swift.max(1, Swift.abs(exact))
                if !(error <= worst) { worst = error }
            }
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            rows.append(Row(
                inputs: n, nodes: graph!.nodes.count, textBytes: text.utf8.count, parseMilliseconds: parse, buildMilliseconds: build,
                recordMilliseconds: record, forwardMilliseconds: forward, reverseMilliseconds: reverse, valueMilliseconds: value,
                peakMegabytes: Double(usage.ru_maxrss) / 1024, maxError: worst))
        }
        return rows
    }
}
