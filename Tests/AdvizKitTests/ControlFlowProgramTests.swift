import Foundation
import Testing

@testable import AdvizBench
@testable import AdvizCore
@testable import AdvizEngines

/// The C of a Python function with its loops and branches (`ControlFlowProgram`): compiled and
/// run over many points, each following its own path, it gives the per-point trace's value and
/// gradient to the last bit, and fails exactly where the trace does.
@Suite struct ControlFlowProgramTests {
    static let hasCompiler = KernelCompiler.shared.compiler != nil

    /// The trace at one point: value and gradient, or nil where the function gives no number.
    static func traced(_ module: PythonModule, _ function: String?, _ point: [Double]) -> [Double]? {
        guard let path = try? module.trace(function: function, at: point),
            let program = try? Program.parse(path.program),
            let graph = try? Graph(program: program, options: GraphOptions(outputs: [path.output], inputs: path.parameters)),
            let trace = try? Trace(graph, at: point)
        else { return nil }
        return [trace.outputValues[0]] + trace.gradient
    }

    static func hex(_ d: Double) -> String { String(d.bitPattern, radix: 16) }

    /// Runs the compiled program at `points` (one array per point) and returns, per point, the
    /// bit patterns of value and gradient, or nil where it failed.
    static func compiled(_ module: PythonModule, _ function: String?, _ points: [[Double]]) throws -> [[String]?] {
        let code = try module.controlFlowCode(function: function)
        let program = ControlFlowProgram(code)
        let n = code.parameters.count, count = points.count
        let columns = (0..<n).map { j in points.map { "0x\(hex($0[j]))ULL" }.joined(separator: ", ") }
        let driver = """
            #include <stdio.h>
            #include <stdint.h>
            #include <string.h>
            void adviz_python(long, long, const double *const *, double *, double *const *, int *);
            static const uint64_t P[\(n)][\(count)] = { \(columns.map { "{ \($0) }" }.joined(separator: ", ")) };
            int main(void)
            {
                static double in[\(n)][\(count)], g[\(n)][\(count)], v[\(count)];
                static int failed[\(count)];
                const double *columns[\(n)];
                double *gradients[\(n)];
                for (int j = 0; j < \(n); j++) {
                    memcpy(in[j], P[j], sizeof in[j]);
                    columns[j] = in[j];
                    gradients[j] = g[j];
                }
                adviz_python(0, \(count), columns, v, gradients, failed);
                for (int i = 0; i < \(count); i++) {
                    if (failed[i]) { printf("fail\\n"); continue; }
                    uint64_t b;
                    memcpy(&b, &v[i], 8);
                    printf("%llx", (unsigned long long)b);
                    for (int j = 0; j < \(n); j++) { memcpy(&b, &g[j][i], 8); printf(" %llx", (unsigned long long)b); }
                    printf("\\n");
                }
                return 0;
            }
            """
        let output = try CProgram.run(["main.c": driver, "python.c": program.text], flags: ["-O1", "-ffp-contract=off"])
        return output.split(separator: "\n").map { $0 == "fail" ? nil : $0.split(separator: " ").map(String.init) }
    }

    /// Every point: the compiled bits equal the trace's (NaN as NaN), or both fail.
    static func expectAgreement(_ text: String, _ function: String? = nil, at points: [[Double]], _ label: String = "") throws {
        let module = try PythonModule.parse(SourceText(text, name: "lab.py"))
        let results = try compiled(module, function, points)
        #expect(results.count == points.count, "one line per point \(label)")
        var numbers = 0
        defer { #expect(numbers > 0, "some point gives a number \(label)") }
        for (point, result) in zip(points, results) {
            let expected = traced(module, function, point)
            if expected != nil { numbers += 1 }
            guard let expected else {
                #expect(result == nil, "the trace fails at \(point), the kernel must too \(label)\n\(text)")
                continue
            }
            guard let result else {
                Issue.record("the kernel failed at \(point) where the trace gives \(expected) \(label)\n\(text)")
                continue
            }
            let got = result.compactMap { UInt64($0, radix: 16).map(Double.init(bitPattern:)) }
            let same = got.count == expected.count && zip(got, expected).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
            #expect(same, "at \(point): kernel \(got), trace \(expected) \(label)\n\(text)")
        }
    }

    static let lab = (try? String(contentsOfFile: #filePath.replacingOccurrences(of: "Tests/AdvizKitTests/ControlFlowProgramTests.swift", with: "docs/examples/lab.py"), encoding: .utf8)) ?? ""

    static let grid: [[Double]] = stride(from: -2.5, through: 2.5, by: 0.25).map { [$0] } + [[0], [-0.0], [1e-300], [.nan], [.infinity]]

    @Test(.enabled(if: hasCompiler, "needs a C compiler (the clang beside swift)"))
    func theLabsLoopAndBranches() throws {
        #expect(!ControlFlowProgramTests.lab.isEmpty, "docs/examples/lab.py is read")
        try Self.expectAgreement(Self.lab, "f_polynomial", at: Self.grid, "f_polynomial")
        try Self.expectAgreement(Self.lab, "dfdx_abs", at: Self.grid, "dfdx_abs")
        let pairs = Self.grid.flatMap { x in [[x[0], 0.5], [x[0], x[0]], [x[0], -1.75]] }
        try Self.expectAgreement(Self.lab, "h", at: pairs, "h")
    }

    /// The compiled kernel is cached as the straight-line kernels are: a second kernel of the
    /// same C compiles nothing, gives the same numbers, and the cache holds no half-written file.
    @Test(.enabled(if: hasCompiler && KernelCompiler.shared.cacheFolder != nil, "needs a C compiler and a writable kernel cache"))
    func theKernelIsCompiledOnceThenCached() throws {
        // A constant no other run has used, so the first kernel is compiled here.
        let constant = "\(Int.random(in: 1...1_000_000_000)).5"
        let module = try PythonModule.parse(SourceText("def f(x):\n    for i in range(2):\n        if x > 0:\n            x = x*x + \(constant)\n    return x\n"))
        let program = ControlFlowProgram(try module.controlFlowCode(function: "f"))
        let points = PointColumns(columns: [[-1, 0.25, 2]])
        let first = try ControlFlowKernel(program)
        let second = try ControlFlowKernel(program)
        #expect(first.compileSeconds > 0)
        #expect(second.compileSeconds == 0, "loaded from the cache")
        let (a, b) = (first.run(points, threads: 1), second.run(points, threads: 1))
        #expect(a.values.map(\.bitPattern) == b.values.map(\.bitPattern) && a.gradients == b.gradients)
        let folder = try #require(KernelCompiler.shared.cacheFolder)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        let key = String(KernelCompiler.key(program.text, compiler: KernelCompiler.shared.compiler!, flags: KernelCompiler.flags(.strict)), radix: 16)
        #expect(names.contains("py\(key).c") && names.contains("py\(key).so"))
        #expect(!names.contains { $0.hasPrefix(".py\(key).") }, "no temporary left")
    }

    @Test(.enabled(if: hasCompiler, "needs a C compiler (the clang beside swift)"))
    func babylonianSquareRootWhileLoop() throws {
        let text = """
            def babylonian(a):
                x = a
                while abs(x*x - a) > 1e-12 * a:
                    x = 0.5*(x + a/x)
                return x
            """
        try Self.expectAgreement(text, at: [[2], [9], [0.5], [1e6], [123.456], [1]], "babylonian")
    }

    @Test(.enabled(if: hasCompiler, "needs a C compiler (the clang beside swift)"))
    func aRunawayWhileLoopFailsAtItsCap() throws {
        let text = """
            def runaway(x):
                while x > 0:
                    x = x + 1
                return x
            """
        let module = try PythonModule.parse(SourceText(text, name: "loop.py"))
        let results = try Self.compiled(module, nil, [[1], [-1]])
        #expect(results.count == 2)
        #expect(results.first! == nil, "x = 1 runs past the cap: no number, as the trace")
        #expect(results.last! != nil, "x = -1 never enters the loop")
        #expect(Self.traced(module, nil, [1]) == nil)
    }

    @Test(.enabled(if: hasCompiler, "needs a C compiler (the clang beside swift)"))
    func sharedNodesAliasesHelpersAndPythonNumbers() throws {
        let text = """
            import numpy as np
            import math

            SCALE = 0.5

            def helper(a, b):
                c = a * a
                return c + np.sin(b) - a * a

            def f(x, y):
                s = 0
                z = x
                for i in range(4):
                    s += helper(z, y) * i
                    if s > 1 or y < -1:
                        z = z / (1 + s*s)
                    elif not s < -2:
                        z = np.where(x > y, x*x, -y)
                    else:
                        continue
                    t = z
                    s = s - t * SCALE
                u = max(x, y, 0.25)
                w = (x if x > 0 else -x) ** 2 + abs(-3) * u + math.pi + 2 ** -1 - (7 // 2) % 3
                return s + w * square(z) if False else s + w * np.square(z)
            """
        let points = [[0.5, 1.5], [-1.25, 0.75], [2, -3], [0, 0], [1, 1], [-0.5, -1.5], [3, 2.5]]
        try Self.expectAgreement(text, "f", at: points, "helpers")
    }
    /// Every operation's value and partials in the runtime are the primal sweep's, bit for bit,
    /// at ordinary points, signed zeros, infinities, NaN, kinks and domain edges.
    @Test(.enabled(if: hasCompiler, "needs a C compiler (the clang beside swift)"))
    func everyOperationStepsAsTheSweep() throws {
        let values: [Double] = [-3, -2, -1, -0.5, -0.0, 0, 1e-300, 0.1, 0.5, 1, 2, 2.5, 3, 1e300, .infinity, -.infinity, .nan]
        let ops = Op.allCases.filter { $0.arity > 0 }
        var cases: [(Op, Double, Double)] = []
        for op in ops { for a in values { for b in (op.arity == 2 ? values : [0]) { cases.append((op, a, b)) } } }
        let table = cases.map { "{ \($0.0.rawValue), 0x\(Self.hex($0.1))ULL, 0x\(Self.hex($0.2))ULL }" }.joined(separator: ",\n")
        let driver = ControlFlowRuntime.text + """
            #include <stdio.h>
            static const struct { int op; uint64_t a, b; } C[] = {
            \(table)
            };
            int main(void)
            {
                for (unsigned k = 0; k < sizeof C / sizeof C[0]; k++) {
                    double a, b, pa, pb;
                    memcpy(&a, &C[k].a, 8);
                    memcpy(&b, &C[k].b, 8);
                    double v = ad_value(C[k].op, a, b);
                    ad_partials(C[k].op, a, b, v, &pa, &pb);
                    if (v != v) { pa = NAN; pb = NAN; }
                    uint64_t x[3];
                    memcpy(&x[0], &v, 8); memcpy(&x[1], &pa, 8); memcpy(&x[2], &pb, 8);
                    printf("%llx %llx %llx\\n", (unsigned long long)x[0], (unsigned long long)x[1], (unsigned long long)x[2]);
                }
                return 0;
            }
            """
        let lines = try CProgram.run(["steps.c": driver], flags: ["-O1", "-ffp-contract=off"]).split(separator: "\n")
        #expect(lines.count == cases.count, "one line per case")
        for ((op, a, b), line) in zip(cases, lines) {
            let got = line.split(separator: " ").compactMap { UInt64($0, radix: 16).map(Double.init(bitPattern:)) }
            let step = op.step(a, b, withRespectToB: true)
            var expected = [step.value, step.partialA, op.arity == 2 ? step.partialB : got.last ?? 0]
            if step.value.isNaN { expected[1] = .nan; expected[2] = .nan }
            let same = got.count == 3 && zip(got, expected).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
            #expect(same, "\(op.name)(\(a), \(b)): runtime \(got), sweep \(expected)")
        }
    }

    /// Random programs with loops, branches, helpers, aliases, augmented assignment and
    /// `np.where`, at random points: the kernel is the trace at every point.
    @Test(.enabled(if: hasCompiler, "needs a C compiler (the clang beside swift)"))
    func randomProgramsFollowEachPointsPath() throws {
        var generator = RandomPython(seed: 25)
        for k in 0..<12 {
            let text = generator.module()
            let points = (0..<8).map { _ in [generator.number(), generator.number()] }
            try Self.expectAgreement(text, "f", at: points, "random program \(k)")
        }
    }
}

/// Random scalar Python of the subset, seeded (SplitMix64).
struct RandomPython {
    var random: SplitMix64
    init(seed: UInt64) { random = SplitMix64(state: seed) }

    mutating func next() -> UInt64 { random.next() }

    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func number() -> Double { (Double(below(4001)) - 2000) / 800 }
    mutating func pick(_ options: [String]) -> String { options[below(options.count)] }

    var names = ["x", "y", "s", "t"]

    mutating func leaf(_ extra: [String]) -> String {
        switch below(5) {
        case 0: return pick(["2", "3", "0.5", "1.25", "-1"])
        default: return pick(names + extra)
        }
    }

    mutating func expression(_ depth: Int, _ extra: [String] = []) -> String {
        guard depth > 0, below(4) != 0 else { return leaf(extra) }
        let a = expression(depth - 1, extra), b = expression(depth - 1, extra)
        switch below(10) {
        case 0: return "\(a) + \(b)"
        case 1: return "\(a) - \(b)"
        case 2: return "(\(a)) * (\(b))"
        case 3: return "(\(a)) / (1 + (\(b))**2)"
        case 4: return "np.sin(\(a))"
        case 5: return "np.maximum(\(a), \(b))"
        case 6: return "abs(\(a))"
        case 7: return "(\(a) if \(a) > \(b) else \(b))"
        case 8: return "helper(\(a), \(b))"
        default: return "np.where(\(a) < 0, \(a), \(b) * \(b))"
        }
    }

    mutating func block(_ depth: Int, indent: String, extra: [String]) -> String {
        var out = ""
        for _ in 0..<(1 + below(3)) {
            let target = pick(names)
            switch depth > 0 ? below(6) : below(3) {
            case 0: out += "\(indent)\(target) = \(expression(2, extra))\n"
            case 1: out += "\(indent)\(target) \(pick(["+=", "-=", "*="])) \(expression(1, extra))\n"
            case 2: out += "\(indent)\(target) = \(pick(names))\n"
            case 3:
                out += "\(indent)if \(expression(1, extra)) > \(expression(1, extra)):\n" + block(depth - 1, indent: indent + "    ", extra: extra)
                out += "\(indent)else:\n" + block(depth - 1, indent: indent + "    ", extra: extra)
            case 4:
                out += "\(indent)for i in range(\(1 + below(3))):\n" + block(depth - 1, indent: indent + "    ", extra: extra + ["i"])
            default:
                out += "\(indent)while \(target) < 1 and \(target) > -1:\n"
                out += "\(indent)    \(target) = \(target) * 2 + \(pick(["0.25", "-0.25"]))\n"
            }
        }
        return out
    }

    mutating func module() -> String {
        var text = "import numpy as np\n\ndef helper(a, b):\n"
        text += "    c = a * b\n    if c > 1:\n        c = c - a * b\n    return c + np.sin(a)\n\n"
        text += "def f(x, y):\n    s = 0\n    t = x * y\n"
        text += block(2, indent: "    ", extra: [])
        text += "    return \(expression(2))\n"
        return text
    }
}
