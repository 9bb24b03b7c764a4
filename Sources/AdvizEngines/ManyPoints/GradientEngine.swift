import Dispatch
import Foundation
import AdvizCore
import AdvizSymbolic

/// Which engine evaluates derivatives over many points.
public enum EngineChoice: String, Sendable, CaseIterable {
    /// The compiled kernel where a compiler exists and the graph is small enough, else the interpreter.
    case auto
    /// The compiled C kernel (an error if it cannot be built).
    case compiled
    /// The vectorised block interpreter.
    case interpreted
}

/// Points stored column-wise: one contiguous column of Doubles per input.
public struct PointColumns: Sendable {
    /// The columns, all of the same length.
    public var columns: [[Double]]

    /// Points from columns (one per input).
    public init(columns: [[Double]]) {
        precondition(Set(columns.map(\.count)).count <= 1, "columns of one length")
        self.columns = columns
    }

    /// The number of points.
    public var count: Int { columns.first?.count ?? 0 }
}

/// Values and gradients at many points, and how they were computed.
public struct GradientColumns: Sendable {
    /// f at each point (empty when values were not asked for).
    public var values: [Double]
    /// ∂f/∂xⱼ at each point, one column per input.
    public var gradients: [[Double]]
    /// The engine that ran: `compiled` or `interpreted`.
    public var engine: String
    /// Seconds spent compiling (0 when cached or interpreted).
    public var compileSeconds: Double
    /// Seconds of the computation itself.
    public var seconds: Double
}

/// Evaluates a graph's value and gradient over many points, compiled or interpreted, on all cores.
///
/// ```swift
/// let engine = try GradientEngine(graph, choice: .auto)
/// let result = try engine.gradient(at: PointColumns(columns: [xs]))
/// ```
public final class GradientEngine: @unchecked Sendable {
    /// The graph (its first output is differentiated unless another is chosen).
    public let graph: Graph
    /// The compiled kernel, when the compiled engine is used.
    public let kernel: CompiledKernel?
    /// The interpreter (always ready: it is the fallback).
    public let interpreter: BlockInterpreter
    /// The interpreter of the symbolic derivative's own graph, when one was built.
    public let symbolicInterpreter: BlockInterpreter?
    /// How many threads share the points.
    public let threads: Int

    /// Graphs above this many nodes are interpreted under `auto`: compiling them takes longer than it saves.
    public static let compileLimit = 20_000

    /// An engine for output `output` of `graph`. `symbolic` also prepares the symbolic derivative
    /// (compiled and interpreted), for comparisons; `note` receives one-time notes, whose
    /// settings are named by `name` (the command line passes its flags; `note` comes first so
    /// that a trailing closure is the note).
    public init(
        _ graph: Graph, output: Int = 0, choice: EngineChoice = .auto, symbolic: Bool = false,
        threads: Int? = nil, compiler: KernelCompiler = .shared, math: KernelMath = .strict,
        note: (String) -> Void = { _ in }, naming name: (Setting) -> String = Setting.defaultName
    ) throws(AdvizError) {
        self.graph = graph.keepingOutput(output)
        interpreter = BlockInterpreter(graph, output: output)
        self.threads = Swift.max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        var derivatives: [SymbolicDerivative]? = nil
        if symbolic {
            derivatives = try graph.inputNames.map { name throws(AdvizError) in try SymbolicDerivative(graph, output: output, variable: name) }
            symbolicInterpreter = BlockInterpreter(SymbolicDerivative.graph(of: derivatives!, inputs: graph.inputNames), output: nil)
        } else {
            symbolicInterpreter = nil
        }
        switch choice {
        case .interpreted:
            kernel = nil
        case .compiled:
            let source = KernelSource(graph, output: output, symbolic: derivatives, math: math)
            let estimate = KernelCompiler.estimatedSeconds(source)
            if compiler.cached(source) == nil, estimate > GradientEngine.compileBudget {
                note("note: compiling the kernel of \(graph.nodes.count) nodes; this may take about \(GradientEngine.seconds(estimate)) (Ctrl-C stops it and leaves nothing behind)")
            }
            kernel = try compiler.kernel(for: source, note: note)
        case .auto:
            kernel = GradientEngine.automaticKernel(
                graph, output: output, symbolic: derivatives, compiler: compiler, math: math, naming: name, note: note)
        }
    }

    /// The compiled engine is skipped under `auto` when compiling would take longer than this
    /// (seconds, estimated from the kernel's size and not already cached): a person waits for
    /// nothing, and the interpreter, which starts at once, runs instead. A chain of 300
    /// statements `a_i = sin(a_{i-1})*x + log(1 + a_{i-1}^2)` took clang 14.6 s, 1,000 took 163 s;
    /// the interpreter runs either in a fraction of a second.
    public static let compileBudget = 2.0

    /// Under `auto`, a compile still running after this many seconds is stopped for the interpreter.
    public static let compileTimeLimit = 10.0

    /// Under `auto`: the kernel if it is cached or quick to compile and compiles; else nil, with a note.
    static func automaticKernel(
        _ graph: Graph, output: Int, symbolic derivatives: [SymbolicDerivative]?, compiler: KernelCompiler, math: KernelMath,
        naming name: (Setting) -> String = Setting.defaultName, note: (String) -> Void
    ) -> CompiledKernel? {
        if graph.nodes.count > GradientEngine.compileLimit { return nil }
        if compiler.compiler == nil {
            compiler.noteOnce("note: no C compiler found; using the vectorised interpreter", note)
            return nil
        }
        let source = KernelSource(graph, output: output, symbolic: derivatives, math: math)
        if let kernel = compiler.cached(source) { return kernel }
        let estimate = KernelCompiler.estimatedSeconds(source)
        if estimate > compileBudget {
            compiler.noteOnce(
                "note: compiling this program's kernel (\(graph.nodes.count) nodes) would take about \(seconds(estimate)); the vectorised interpreter runs it instead (\(name(.engine)) compiled to compile it anyway)",
                note)
            return nil
        }
        // The estimate is rough: a compile that runs long past it is stopped, and the interpreter runs.
        do {
            return try compiler.kernel(for: source, timeLimit: Swift.max(compileTimeLimit, 3 * estimate), note: note)
        } catch {
            compiler.noteOnce("note: compiling the kernel failed, using the vectorised interpreter\n" + error.rendered(naming: name), note)
            return nil
        }
    }

    /// `12 s`, `3 min`: a duration as a person reads it.
    static func seconds(_ value: Double) -> String {
        value < 90 ? "\(Int(value.rounded())) s" : "\(Int((value / 60).rounded())) min"
    }

    /// The engine that runs: `compiled`, `compiled fma` or `compiled fast-math` (results may differ from the trace's), or `interpreted`.
    public var engineName: String {
        switch kernel?.source.math {
        case nil: "interpreted"
        case .strict: "compiled"
        case .contract: "compiled fma"
        case .fast: "compiled fast-math"
        }
    }

    /// Value and gradient at every point, by `method` (reverse mode unless said otherwise).
    ///
    /// Throws for `.symbolic` when the engine was made without the symbolic derivative.
    public func gradient(at points: PointColumns, method: DerivativeMethod = .reverse, values wantValues: Bool = true) throws(AdvizError) -> GradientColumns {
        precondition(points.columns.count == graph.inputCount, "one column per input")
        if method == .symbolic, symbolicInterpreter == nil, kernel?.hasSymbolic != true {
            throw .invalidArgument("this engine was made without the symbolic derivative; make it with `symbolic: true` to ask for `.symbolic`")
        }
        let n = points.count, inputCount = graph.inputCount
        // One contiguous block for the inputs and one for the gradients: stable pointers, any number of
        // inputs; each column starts on a 64-byte line (see ``alignedDoubles(_:)``).
        let stride = (n + 7) / 8 * 8
        let inputBlock = GradientEngine.alignedDoubles(stride * inputCount)
        let gradientBlock = GradientEngine.alignedDoubles(stride * inputCount)
        let valueBlock = GradientEngine.alignedDoubles(n)
        defer {
            inputBlock.deallocate()
            gradientBlock.deallocate()
            valueBlock.deallocate()
        }
        for (j, column) in points.columns.enumerated() {
            column.withUnsafeBufferPointer { (inputBlock + j * stride).update(from: $0.baseAddress!, count: n) }
        }
        // Reverse and forward mode compute the value on the way; central differences and the
        // symbolic derivative do not, so a primal pass (a reverse run, untimed) supplies it.
        let valuesOnTheWay = method != .central && method != .symbolic
        let inputs = (0..<inputCount).map { UnsafePointer(inputBlock + $0 * stride) }
        // The symbolic method keeps AD's gradient of this primal pass: where it is not finite, a
        // step on the way has an infinite or NaN partial, and the derivative is not a number.
        let undefined = method == .symbolic ? GradientEngine.alignedDoubles(stride * inputCount) : nil
        defer { undefined?.deallocate() }
        if (wantValues && !valuesOnTheWay) || method == .symbolic {
            run(.reverse, count: n, inputs: inputs, values: valueBlock, gradients: (0..<inputCount).map { (undefined ?? gradientBlock) + $0 * stride })
        }
        let start = ContinuousClock.now
        run(
            method, count: n, inputs: inputs,
            values: wantValues && valuesOnTheWay ? valueBlock : nil, gradients: (0..<inputCount).map { gradientBlock + $0 * stride })
        let seconds = (ContinuousClock.now - start).seconds
        if method == .symbolic, let undefined {
            // The simplified formula may no longer mention what made f or its derivative undefined
            // (log x − log x = 0, 0·(1/(0·x)) = 0): where f is NaN, so is every derivative by an
            // input it depends on, and a finite derivative where AD's is not is NaN, as in AD.
            let needed = graph.neededByOutputs()
            for i in 0..<n {
                for j in 0..<inputCount where needed[j] {
                    let k = j * stride + i
                    if valueBlock[i].isNaN || (!undefined[k].isFinite && gradientBlock[k].isFinite) { gradientBlock[k] = .nan }
                }
            }
        }
        let values = wantValues ? Array(UnsafeBufferPointer(start: valueBlock, count: n)) : []
        let gradients = (0..<inputCount).map { Array(UnsafeBufferPointer(start: gradientBlock + $0 * stride, count: n)) }
        return GradientColumns(values: values, gradients: gradients, engine: engineName, compileSeconds: kernel?.compileSeconds ?? 0, seconds: seconds)
    }

    /// Runs `method` over `count` points already in memory, writing into caller-owned buffers
    /// (what the benchmark times: no allocation, no copying).
    package func run(
        _ method: DerivativeMethod, count: Int, inputs: [UnsafePointer<Double>],
        values: UnsafeMutablePointer<Double>?, gradients: [UnsafeMutablePointer<Double>]
    ) {
        let buffers = SharedBuffers(inputs: inputs, values: values, gradients: gradients)
        let job: @Sendable (Range<Int>) -> Void = { [self] range in
            let (inputs, values, gradients) = (buffers.inputs, buffers.values, buffers.gradients)
            guard !range.isEmpty else { return }
            if let kernel, method != .symbolic || kernel.hasSymbolic {
                kernel.run(method, range: range, inputs: inputs, values: values, gradients: gradients)
            } else if method == .symbolic {
                symbolicInterpreter?.evaluate(range: range, inputs: inputs, outputs: gradients)
            } else {
                interpreter.run(method, range: range, inputs: inputs, values: values, gradients: gradients)
            }
        }
        // Small jobs stay on the caller's thread: even an awake worker costs a few microseconds to hand a block to.
        if count < GradientEngine.parallelThreshold || threads == 1 {
            job(0..<count)
        } else {
            WorkerPool.shared.run(count: count, threads: threads, body: job)
        }
    }

    /// Room for `count` Doubles starting on a 64-byte boundary (a cache line, and an AVX-512
    /// vector): a kernel's vector loads then never straddle two lines (about 5% on the polynomial).
    /// Free it with `deallocate()`.
    package static func alignedDoubles(_ count: Int) -> UnsafeMutablePointer<Double> {
        UnsafeMutableRawPointer.allocate(byteCount: Swift.max(64, count * MemoryLayout<Double>.stride), alignment: 64)
            .bindMemory(to: Double.self, capacity: Swift.max(8, count))
    }

    /// Calls of fewer points than this run on one thread.
    public static let parallelThreshold = 8192
}


/// Buffers handed to the threads of one run: each thread writes only its own range of points.
struct SharedBuffers: @unchecked Sendable {
    let inputs: [UnsafePointer<Double>]
    let values: UnsafeMutablePointer<Double>?
    let gradients: [UnsafeMutablePointer<Double>]
}
