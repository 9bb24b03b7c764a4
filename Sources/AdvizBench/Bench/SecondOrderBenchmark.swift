import Foundation
import AdvizCore

/// Second order on the scaling function f = Σ sin(xᵢ)·xᵢ₊₁ + log(1 + xᵢ²): one Hessian-vector
/// product against f, and the whole (tridiagonal) Hessian, by n sweeps and by 3 coloured sweeps.
///
/// The cases run in turn within each repetition (f, HVP, dense, coloured, f, HVP, …), so that a
/// noisy neighbour slows them alike; each reports its min and median. Every number is a fresh
/// computation at the point: the HVP is a primal sweep of the gradient graph and a tangent
/// sweep, the Hessians include their primal sweep; building the gradient graph is timed apart.
public enum SecondOrderBenchmark {
    /// One size.
    public struct Row: Sendable {
        /// n.
        public var inputs: Int
        /// Nodes of f's tape and of its gradient graph.
        public var nodes: Int, gradientGraphNodes: Int
        /// Building the gradient graph from f's tape (ms, min).
        public var gradientGraphMilliseconds: Double
        /// f alone, no partials (ms): min and median.
        public var valueMin: Double, valueMedian: Double
        /// One HVP H·u from scratch at the point (ms): min and median.
        public var hvpMin: Double, hvpMedian: Double
        /// The Hessian by n HVPs (ms): min and median; nil where not run (n too large).
        public var denseMin: Double?, denseMedian: Double?
        /// The Hessian by 3 coloured HVPs (ms): min and median.
        public var colouredMin: Double, colouredMedian: Double
        /// Largest |H − exact| / max(1, |exact|) of the coloured Hessian (and the dense one) against the Hessian by hand.
        public var maxError: Double

        /// time(HVP)/time(f), by the medians.
        public var hvpRatio: Double { hvpMedian / valueMedian }
    }

    /// The exact Hessian entry (i, j) of the scaling function at `x`, by hand (0-based).
    static func exact(_ x: [Double], _ i: Int, _ j: Int) -> Double {
        let n = x.count
        if i == j {
            guard i + 1 < n else { return 0 }
            let s = x[i] * x[i]
            return -Foundation.sin(x[i]) * x[i + 1] + 2 * (1 - s) / ((1 + s) * (1 + s))
        }
        if Swift.abs(i - j) == 1 { return Foundation.cos(x[Swift.min(i, j)]) }
        return 0
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// Measures each size; the dense Hessian runs up to `denseLimit` inputs.
    public static func run(sizes: [Int], repetitions: Int = 5, denseLimit: Int = 2000, progress: (String) -> Void = { _ in }) throws(AdvizError) -> [Row] {
        var rows: [Row] = []
        for n in sizes {
            progress("hessian: n = \(n)")
            let graph = try Graph(parsing: ScalingBenchmark.program(inputs: n))
            var random = SplitMix64(state: UInt64(n))
            let point = (0..<n).map { _ in Double(random.next() % 2000) / 1000 - 1 }
            let direction = (0..<n).map { _ in Double(random.next() % 2000) / 1000 - 1 }
            var gradientGraph: GradientGraph? = nil
            var build = Double.infinity
            for _ in 0..<Swift.max(1, Swift.min(repetitions, 3)) {
                build = Swift.min(build, try millisecondsThrowing { () throws(AdvizError) in gradientGraph = try GradientGraph(of: graph) })
            }
            let gg = gradientGraph!
            var value: [Double] = [], hvp: [Double] = [], dense: [Double] = [], coloured: [Double] = []
            var valueBuffer: [Double] = []
            // Both reuse their buffers from one repetition to the next, as an optimisation loop does.
            var hvpBuffers = HessianSweep.Buffers()
            var denseResult: HessianResult? = nil, colouredResult: HessianResult? = nil
            for _ in 0..<repetitions {
                value.append(milliseconds { _ = PrimalSweep.value(graph, at: point, buffer: &valueBuffer) })
                hvp.append(milliseconds { _ = HessianSweep.hessianVectorProduct(gg, at: point, direction: direction, reusing: &hvpBuffers) })
                if n <= denseLimit { dense.append(milliseconds { denseResult = HessianSweep.hessian(gg, at: point) }) }
                coloured.append(milliseconds { colouredResult = HessianSweep.bandedHessian(gg, at: point, bandwidth: 1) })
            }
            var worst = 0.0
            for result in [denseResult, colouredResult].compactMap({ $0 }) {
                for i in 0..<n {
                    for j in Swift.max(0, i - 2)...Swift.min(n - 1, i + 2) {
                        let e = exact(point, i, j)
                        let error = Swift.abs(result.matrix[i][j] - e) / Swift.max(1, Swift.abs(e))
                        if !(error <= worst) { worst = error }
                    }
                }
            }
            rows.append(Row(
                inputs: n, nodes: graph.nodes.count, gradientGraphNodes: gg.graph.nodes.count, gradientGraphMilliseconds: build,
                valueMin: value.min()!, valueMedian: median(value), hvpMin: hvp.min()!, hvpMedian: median(hvp),
                denseMin: dense.min(), denseMedian: dense.isEmpty ? nil : median(dense),
                colouredMin: coloured.min()!, colouredMedian: median(coloured), maxError: worst))
        }
        return rows
    }
}
