import Foundation
import Synchronization
import Testing

@testable import AdvizBench
@testable import AdvizCore
@testable import AdvizEngines

/// The strict compiled kernels against the tape, bit for bit, on inputs chosen to break them:
/// random bit patterns, ulp sweeps around roots and around the inputs where a step overflows,
/// NaN (with payloads and signs), ±∞, ±0, subnormals. The kernels' exact rewrites (`(−3)·(2·v) =
/// −6·v`) and their proved NaN guard must give the tape's bits everywhere (a NaN's payload aside).
@Suite(.serialized) struct KernelExactnessTests {
    static let hasCompiler = KernelCompiler.shared.compiler != nil
    static let cache = NSTemporaryDirectory() + "/adviz-exact-kernels-\(ProcessInfo.processInfo.processIdentifier)"

    /// Programs that exercise the rewrite (a constant adjoint of magnitude ≥ 1 times 2ᵏ·v), its
    /// refusals (|a| < 1, a·c overflowing), and the guard: dropped (x²), moved (the polynomial),
    /// kept for another input (x1² + x2²), kept where a step swallows or makes NaN (pow, log, sin).
    static let programs = [
        "y = x^2",
        "p1 = 2*x^3 - 3*x^2 + 5\np2 = 2*p1^3 - 3*p1^2 + 5\ny = 2*p2^3 - 3*p2^2 + 5",
        "y = 4*x^2 - 5*x",
        "y = 0.5*x^2 + 3",
        "y = 1e308*x^2",
        "y = -3*(x^2)^2 + 5*x^2 - x",
        "y = log(x)*x^2",
        "y = sin(x)*x^2 - x",
        "y = pow(x, 0)*x^2 + x",
        "y = sqrt(x^2 + 1) - x^2",
        // Guards that compare the input with a threshold instead of testing the sum for NaN (squares
        // only: the tape's pow(x, 3) can differ from the kernel's product in the last bit).
        "y = x^2 - x",
        "y = 3*x^2 - 1e300*x",
        "y = x^2*0.5 + 1e-300*x",
        "y = -x^2 + 3*x",
        "y = x1^2 + x2^2",
        "y = x1*x2 - 3*x1^2",
        // Partials the sweep computes from the node's value (tan′ = 1 + v², exp′ = v, tanh′,
        // sigmoid′, cbrt′): the kernel writes the rules' sweep formulas, not the printed ones
        // (1/cos²(x) differed from the trace in the last bit at 148 of 301 points of [−1.5, 1.5]).
        "y = tan(x) + tanh(x)*x",
        "y = exp(x)/x + cbrt(x) + sigmoid(x)",
        // Issue 29's stable forms: erf′ with a² split exactly, atan2′ by hypot, and powers whose
        // b − 1 rounds (b < 1, negative b), with the rounding error put back; a variable exponent.
        "y = erf(x) + atan2(x, 3) + x^-7.96 + x^0.3",
        "y = x1^x2 + atan2(x1, x2) + erf(x2)",
    ]

    static let specials: [Double] = [
        0, -0.0, .infinity, -.infinity, .nan, -Double.nan, Double(bitPattern: 0x7FF0_0000_0000_0001), Double(bitPattern: 0xFFF8_0000_DEAD_BEEF),
        .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude, -.leastNormalMagnitude,
        Double.leastNormalMagnitude.nextDown, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1, -1, 0.5, 1.5, 2, -2,
    ]

    /// The tape's value classes along positive (or negative) doubles: where they change, a step overflowed or made NaN.
    static func thresholds(_ graph: Graph, negative: Bool) -> [Double] {
        func kind(_ x: Double) -> Int {
            let point = [Double](repeating: x, count: graph.inputCount)
            let y = PrimalSweep.run(graph, at: point).values[graph.outputs[0].node]
            return y.isNaN ? 2 : (y.isInfinite ? 1 : 0)
        }
        var found: [Double] = []
        // Coarse scan over exponents, then bisection on bit patterns (monotone in magnitude).
        var previous = negative ? -1.0 : 1.0
        for e in 1...1023 {
            let x = (negative ? -1.0 : 1.0) * Foundation.pow(2.0, Double(e))
            if kind(x) != kind(previous) {
                var low = previous.magnitude.bitPattern, high = x.magnitude.bitPattern
                let lowKind = kind(previous)
                while high - low > 1 {
                    let middle = low + (high - low) / 2
                    if kind((negative ? -1 : 1) * Double(bitPattern: middle)) == lowKind { low = middle } else { high = middle }
                }
                found.append((negative ? -1 : 1) * Double(bitPattern: high))
            }
            previous = x
        }
        return found
    }

    /// The adversarial inputs for one program.
    static func inputs(_ graph: Graph) -> [Double] {
        var xs = specials
        var random = SplitMix64(state: 2026)
        for _ in 0..<40_000 { xs.append(Double(bitPattern: random.next())) }
        // ulp sweeps: roots and critical points of the polynomial, and every overflow threshold.
        let centres = [-1.0, 0, 1, 1.5, 2.5] + thresholds(graph, negative: false) + thresholds(graph, negative: true)
        for centre in centres {
            var up = centre, down = centre
            for _ in 0..<300 {
                up = up.nextUp
                down = down.nextDown
                xs += [up, down]
            }
        }
        // Every binade, a few significands.
        for e in -1074...1023 { for s in [1.0, 1.25, 1.9999999999999998] { xs += [s * Foundation.pow(2.0, Double(e)), -s * Foundation.pow(2.0, Double(e))] } }
        return xs
    }

    /// The polynomial's value and gradient by the trace's rows, in its order, but with each cube
    /// (x·x)·x as the kernels compute it (the tape takes `pow(x, 3)`, which can differ in the last
    /// bit; the kernels' products predate this suite): the reference for the rewrites and the guard.
    static func polynomialByTheRows(_ x: Double) -> (Double, Double) {
        func level(_ u: Double) -> Double { 2.0 * (u * u * u) - 3.0 * (u * u) + 5.0 }
        let v6 = level(x), v12 = level(v6), y = level(v12)
        // v̄ at each level: v̄₁₅·∂v₁₅/∂u + v̄₁₃·∂v₁₃/∂u with v̄₁₅ = −3·ā, v̄₁₃ = 2·ā (ā = 1 at the top).
        // Each adjoint summed from +0, as the tape sums it.
        func back(_ a: Double, _ u: Double) -> Double {
            let top = 0.0 + a * 1.0
            let negated = 0.0 + top * -1.0
            let squareBar = 0.0 + negated * 3.0
            let cubeBar = 0.0 + (0.0 + top * 1.0) * 2.0
            let viaSquare = 0.0 + squareBar * (2.0 * u)
            let sum = viaSquare + cubeBar * (3.0 * (u * u))
            return 0.0 + sum * 1.0
        }
        let g12 = back(1.0, v12), g6 = back(g12, v6), g0 = back(g6, x)
        return (y, y.isNaN ? .nan : g0)
    }

    static func same(_ a: Double, _ b: Double) -> Bool { (a.isNaN && b.isNaN) || a.bitPattern == b.bitPattern }

    @Test(.enabled(if: hasCompiler, "needs a C compiler (the clang beside swift)"), arguments: programs)
    func strictKernelGivesTheTapesBits(_ program: String) throws {
        let graph = try Graph(parsing: program)
        let compiler = KernelCompiler(environment: ["ADVIZ_CACHE_DIR": Self.cache, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? ""])
        let engine = try GradientEngine(graph, choice: .compiled, threads: 2, compiler: compiler)
        let xs = Self.inputs(graph)
        // Two inputs: the second column is the first reversed, so NaN meets numbers and numbers meet NaN.
        let columns = graph.inputCount == 1 ? [xs] : [xs, xs.reversed()]
        let result = try engine.gradient(at: PointColumns(columns: columns))
        var wrong = 0
        var first = ""
        for i in xs.indices {
            let point = columns.map { $0[i] }
            let evaluation = PrimalSweep.run(graph, at: point)
            var adjoints = ReverseSweep.adjoints(graph, evaluation, outputSeed: ReverseSweep.unitSeed(0, outputs: 1))
            var value = evaluation.values[graph.outputs[0].node]
            if program == Self.programs[1] { (value, adjoints[0]) = Self.polynomialByTheRows(point[0]) }
            var bad = !Self.same(result.values[i], value)
            for j in 0..<graph.inputCount where !Self.same(result.gradients[j][i], adjoints[j]) { bad = true }
            if bad {
                if wrong == 0 { first = "at \(point): \(result.gradients.map { $0[i] }) vs the tape's \(Array(adjoints.prefix(graph.inputCount)))" }
                wrong += 1
            }
        }
        #expect(wrong == 0, "\(wrong) of \(xs.count) points differ from the tape, first \(first)")
    }

    /// The rewrites and the guard are there: the polynomial's `(−3)·(2·v12)` is `−6·v12`, x² has no
    /// guard, the polynomial compares v12 with the threshold from which its last subtraction is
    /// ∞ − ∞ (not its output for NaN), x1² + x2² tests the other input.
    @Test func theKernelSourceShowsTheRewritesAndTheCheapestGuard() throws {
        func reverse(_ program: String) throws -> String {
            let text = KernelSource(try Graph(parsing: program)).text
            return String(text[text.range(of: "adviz_reverse")!.lowerBound..<text.range(of: "adviz_forward")!.lowerBound])
        }
        let square = try reverse("y = x^2")
        #expect(square.contains("g0[i] = vb0 + 0.0;"))
        #expect(!square.contains("!="))
        let polynomial = try reverse(Self.programs[1])
        #expect(polynomial.contains("(-6.0) * v12"))
        #expect(polynomial.contains("g0[i] = (v12 >= 7.741001517595157e+153 ? NAN : vb0 + 0.0);"))
        // Sums of two monomials of the input: one compare of it, on the side(s) where ∞ − ∞ can happen.
        #expect(try reverse("y = x^2 - x").contains("g0[i] = (v0 >= INFINITY ? NAN : vb0 + 0.0);"))
        #expect(try reverse("y = x^4 - 3*x^2").contains("(fabs(v0) >= "))
        #expect(try reverse("y = 2*x^3 + 3*x^2").contains("(v0 <= (-"))
        #expect(try reverse("y = x^2*0.5 + 1e-300*x").contains("(v0 <= (-INFINITY) ? NAN"))
        #expect(try reverse("y = x^2 + x^4").contains("g0[i] = vb0 + 0.0;"))
        let two = try reverse("y = x1^2 + x2^2")
        #expect(two.contains("g0[i] = (v0 != v0 ? NAN : vbm1 + 0.0);"))
        #expect(two.contains("g1[i] = (vm1 != vm1 ? NAN : vb0 + 0.0);"))
        // |a| < 1 or a·c not finite: no rewrite.
        #expect(KernelSource(try Graph(parsing: "y = 0.5*x^2")).text.contains("0.5 * (2.0 * v0)"))
        #expect(KernelSource(try Graph(parsing: "y = 1e308*x^2")).text.contains("1e+308 * (2.0 * v0)"))
    }

    /// Sums of two monomials of the input, whose guard is a threshold.
    static let sums = ["y = 2*x^3 - 3*x^2", "y = x^4 - 3*x^2", "y = 2*x^3 + 3*x^2", "y = x^2 - x", "y = 0.5*x^3 - 1e-300*x^2", "y = -x^4 + 3*x^2"]

    /// Sum `k` of ``sums``, written out by hand as the kernel computes it (cubes as products).
    static func sumByHand(_ k: Int, _ u: Double) -> Double {
        switch k {
        case 0: return 2.0 * (u * u * u) - 3.0 * (u * u)
        case 1: return u * u * u * u - 3.0 * (u * u)
        case 2: return 2.0 * (u * u * u) + 3.0 * (u * u)
        case 3: return u * u - u
        case 4: return 0.5 * (u * u * u) - 1e-300 * (u * u)
        default: return -(u * u * u * u) + 3.0 * (u * u)
        }
    }

    /// The threshold guard against the sum it stands for, evaluated here by hand on every kind of
    /// u: where u is not NaN, the sum is NaN exactly where u is beyond the threshold.
    @Test(arguments: 0..<6)
    func theThresholdGuardIsNaNExactlyWhereTheSumIs(_ k: Int) throws {
        let program = Self.sums[k]
        let sum = { (u: Double) in Self.sumByHand(k, u) }
        let graph = try Graph(parsing: program)
        let covered = [Bool](repeating: true, count: graph.nodes.count)
        let test = try #require(KernelNaNGuard.threshold(graph, graph.outputs[0].node, covered: covered))
        guard case .beyond(let u, let below, let above) = test else {
            Issue.record("not a threshold: \(test)")
            return
        }
        #expect(graph.nodes[u].op == .input)
        func holds(_ x: Double) -> Bool { (above.map { x >= $0 } ?? false) || (below.map { x <= $0 } ?? false) }
        var xs = Self.specials
        var random = SplitMix64(state: 28)
        for _ in 0..<20_000 { xs.append(Double(bitPattern: random.next())) }
        for centre in [above, below, 1e154, -1e154, 1e102, -1e102].compactMap({ $0 }) where centre.isFinite {
            var up = centre, down = centre
            for _ in 0..<2_000 {
                up = up.nextUp
                down = down.nextDown
                xs += [centre, up, down]
            }
        }
        let wrong = xs.filter { !$0.isNaN && sum($0).isNaN != holds($0) }
        #expect(wrong.isEmpty, "\(wrong.count) of \(xs.count) differ, first \(wrong.first ?? 0)")
        #expect(xs.contains { !$0.isNaN && sum($0).isNaN }, "the sample reaches the NaN side")
    }

    /// The worker pool under many calls: every point of every call is visited exactly once, by
    /// blocks that start on a 64-byte line, and a call that finds the pool busy still finishes.
    @Test func thePoolRunsEveryPointOnceCallAfterCall() async {
        let pool = WorkerPool(workers: 2)
        let count = 50_001
        let visits = UnsafeMutablePointer<Int>.allocate(capacity: count)
        defer { visits.deallocate() }
        let shared = SharedVisits(pointer: visits)
        let misaligned = Atomic<Int>(0)
        for call in 0..<3000 {
            visits.update(repeating: 0, count: count)
            let n = call % 3 == 0 ? count : 9000 + call
            pool.run(count: n, threads: 3) { range in
                if range.lowerBound % 8 != 0 { misaligned.add(1, ordering: .relaxed) }
                for i in range { shared.pointer[i] += 1 }
            }
            var once = true
            for i in 0..<n where visits[i] != 1 { once = false }
            if !once {
                Issue.record("call \(call): a point was visited other than once")
                break
            }
        }
        #expect(misaligned.load(ordering: .relaxed) == 0)
        // Two callers at once: one has the pool, the other runs on its own; both finish with every point.
        let sums = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    let total = Atomic<Int>(0)
                    for _ in 0..<200 { pool.run(count: 20_000, threads: 2) { range in total.add(range.count, ordering: .relaxed) } }
                    return total.load(ordering: .relaxed)
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(sums == [4_000_000, 4_000_000])
    }
}

/// The test's visit counts, written by one thread per range.
private struct SharedVisits: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Int>
}
