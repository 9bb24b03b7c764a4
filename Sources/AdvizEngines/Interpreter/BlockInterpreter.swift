import Foundation
import AdvizCore
import AdvizSymbolic

/// The vectorised interpreter: the tape run over blocks of points, one operation (or one fused
/// polynomial, see ``PolynomialFusion``) at a time.
///
/// Per block of B points (B sized so the block's values and adjoints stay in cache), the
/// primal sweep runs each tape operation over B contiguous Doubles, then the reverse sweep
/// runs each operation's adjoint update over the same B, before the next block starts. The
/// operation is chosen once per node per block, never per point, and the inner loops are
/// plain arithmetic on contiguous buffers (the hot operations are specialised, so the
/// primitive table's `evaluate` and `partials` inline and the compiler vectorises them).
/// Nothing is allocated inside a run. Used where no compiler exists, for small jobs, and
/// for graphs too big to compile quickly.
public struct BlockInterpreter: Sendable {
    /// One tape step, prepared: which buffers it reads, and whether an argument is a constant.
    struct Instruction: Sendable {
        enum Form: UInt8, Sendable {
            case general  // both arguments from buffers (or one, for unary operations)
            case constantB  // a ∘ c
            case constantA  // c ∘ b
            case integerPower  // a ^ n for a small integer n, as products
            case polynomial  // a fused polynomial stretch of the tape in one base `a` (see ``Polynomial``)
        }
        var op: Op
        var form: Form
        var target: Int
        var a: Int
        var b: Int
        var constant: Double
        /// For `.polynomial`: where its coefficients (lowest degree first) and its derivative's are in ``BlockInterpreter/coefficients``.
        var polynomialValue: Range<Int> = 0..<0
        var polynomialDerivative: Range<Int> = 0..<0
        /// Whether the derivative sweeps need this step's value: another step reads it, or its own
        /// partials do. When only the gradient is asked for, the primal sweep skips the others (the
        /// output of `y = p(x)` itself, for one).
        var valueNeeded = true
    }

    /// The graph, with one output.
    public let graph: Graph
    let instructions: [Instruction]
    /// The fused polynomials' coefficients, one after another (copied into each run's workspace).
    let coefficients: [Double]
    /// Tape steps absorbed into fused polynomials (they are never computed on their own).
    public let fusedSteps: Int
    /// Points per block.
    public let blockSize: Int

    /// An interpreter for `graph`, differentiating output `output` (value mode evaluates all outputs).
    public init(_ graph: Graph, output: Int? = 0) {
        let graph = output.map { graph.keepingOutput($0) } ?? graph
        self.graph = graph
        // Only what an output needs: a symbolic derivative's graph also holds f's own terms, and
        // a graph kept for one output holds the others' nodes.
        let live = graph.neededByOutputs()
        let fusion = PolynomialFusion(graph, live: live)
        var instructions: [Instruction] = []
        var coefficients: [Double] = []
        for (i, node) in graph.nodes.enumerated() where node.op.arity > 0 && live[i] && !fusion.absorbed[i] {
            if let (base, polynomial) = fusion.fused[i] {
                let valueStart = coefficients.count
                coefficients += polynomial.coefficients
                let derivativeStart = coefficients.count
                coefficients += polynomial.derivative.coefficients
                instructions.append(Instruction(
                    op: node.op, form: .polynomial, target: i, a: Int(base), b: -1, constant: 0,
                    polynomialValue: valueStart..<derivativeStart, polynomialDerivative: derivativeStart..<coefficients.count))
                continue
            }
            let a = Int(node.a), b = node.op.arity == 2 ? Int(node.b) : -1
            var instruction = Instruction(op: node.op, form: .general, target: i, a: a, b: b, constant: 0)
            if b >= 0, graph.isConstant(b) {
                let c = graph.nodes[b].literal
                instruction.constant = c
                instruction.form = node.op == .pow && c == c.rounded() && c >= 2 && c <= 4 ? .integerPower : .constantB
            } else if b >= 0, graph.isConstant(a) {
                instruction.constant = graph.nodes[a].literal
                instruction.form = .constantA
            }
            instructions.append(instruction)
        }
        self.coefficients = coefficients
        var read = [Bool](repeating: false, count: graph.nodes.count)
        for instruction in instructions {
            read[instruction.a] = true
            if instruction.b >= 0 { read[instruction.b] = true }
        }
        for k in instructions.indices {
            let own = instructions[k].form != .polynomial && instructions[k].form != .integerPower && instructions[k].op.partialsReadValue
            // The output's own value is always computed: where it is NaN, the run takes the tape's numbers.
            instructions[k].valueNeeded = read[instructions[k].target] || own || instructions[k].target == graph.outputs.first?.node
        }
        fusedSteps = fusion.absorbed.reduce(0) { $0 + ($1 ? 1 : 0) }
        self.instructions = instructions
        // Values and adjoints of a block: 2·nodes·B Doubles, kept within about 256 KiB.
        let fit = 16_384 / Swift.max(1, graph.nodes.count)
        blockSize = fit >= 8 ? Swift.min(2048, fit / 8 * 8) : Swift.max(1, fit)
    }

    /// Runs `method` over points `range`: values (if `values` is given, output 0) and the gradient columns.
    ///
    /// `.symbolic` is not a method of the tape: interpret the symbolic derivative's own graph with ``evaluate(range:inputs:outputs:)``.
    package func run(
        _ method: DerivativeMethod, range: Range<Int>, inputs: [UnsafePointer<Double>],
        values: UnsafeMutablePointer<Double>?, gradients: [UnsafeMutablePointer<Double>]
    ) {
        var workspace = Workspace(nodes: graph.nodes.count, blockSize: blockSize, coefficients: coefficients)
        workspace.fillConstants(graph)
        var start = range.lowerBound
        while start < range.upperBound {
            let count = Swift.min(blockSize, range.upperBound - start)
            switch method {
            case .reverse:
                workspace.bindInputs(inputs, at: start, count: graph.inputCount)
                primal(&workspace, count, all: values != nil)
                reverse(&workspace, count, gradients: gradients, at: start)
            case .forward:
                workspace.bindInputs(inputs, at: start, count: graph.inputCount)
                primal(&workspace, count, all: values != nil)
                for j in 0..<graph.inputCount {
                    tangent(&workspace, count, direction: j, into: gradients[j] + start)
                }
            case .central:
                central(&workspace, count, inputs: inputs, start: start, gradients: gradients)
            case .symbolic:
                preconditionFailure("interpret the symbolic derivative's graph with evaluate(range:inputs:outputs:)")
            }
            if let values, method != .central {
                (values + start).update(from: workspace.value(graph.outputs[0].node), count: count)
            }
            if method == .reverse || method == .forward {
                takeTheTapesNumbersWhereNotFinite(
                    method, start..<(start + count), outputValues: workspace.value(graph.outputs[0].node), inputs: inputs, values: values,
                    gradients: gradients)
            }
            start += count
        }
    }

    static let exponentMask: UInt64 = 0x7FF0_0000_0000_0000

    /// The largest exponent field among `count` Doubles (``exponentMask`` if one is not finite).
    @inline(__always)
    static func largestExponent(_ numbers: UnsafePointer<Double>, _ count: Int) -> UInt64 {
        numbers.withMemoryRebound(to: UInt64.self, capacity: count) { bits in
            var largest: UInt64 = 0
            for k in 0..<count { largest = Swift.max(largest, bits[k] & exponentMask) }
            return largest
        }
    }

    /// Points where the block's arithmetic and the trace's rules can part are computed again by
    /// the scalar sweeps, so the interpreter gives the trace's numbers there too (finite results
    /// agree to rounding): where the value or a derivative is not finite. There a fused polynomial
    /// may meet an infinity (`2x³ − 3x²` at x = 1e155 is ∞ by Horner, ∞ − ∞ = NaN on the tape), and
    /// a NaN value must make the derivatives NaN (the trace's rule: a step whose value is NaN has
    /// NaN partials, where `log` at −1 would give 1/a = −1). Such points are rare, so this costs a scan.
    private func takeTheTapesNumbersWhereNotFinite(
        _ method: DerivativeMethod, _ points: Range<Int>, outputValues: UnsafePointer<Double>, inputs: [UnsafePointer<Double>],
        values: UnsafeMutablePointer<Double>?, gradients: [UnsafeMutablePointer<Double>]
    ) {
        let n = graph.inputCount, output = graph.outputs[0].node
        // First a branch-free pass over the block (the largest exponent field seen; all ones means
        // an infinity or a NaN): almost every block has nothing to redo, and this costs a load per number.
        var largest = BlockInterpreter.largestExponent(outputValues, points.count)
        for j in 0..<n { largest = Swift.max(largest, BlockInterpreter.largestExponent(gradients[j] + points.lowerBound, points.count)) }
        guard largest == BlockInterpreter.exponentMask else { return }
        for i in points {
            var finite = outputValues[i - points.lowerBound].isFinite
            for j in 0..<n where !gradients[j][i].isFinite { finite = false }
            guard !finite else { continue }
            let evaluation = PrimalSweep.run(graph, at: (0..<n).map { inputs[$0][i] })
            values?[i] = evaluation.values[output]
            if method == .reverse {
                let adjoints = ReverseSweep.adjoints(graph, evaluation, outputSeed: [1])
                for j in 0..<n { gradients[j][i] = adjoints[j] }
            } else {
                for j in 0..<n {
                    gradients[j][i] = ForwardSweep.tangents(graph, evaluation, seed: ForwardSweep.unitSeed(j, inputs: n))[output]
                }
            }
        }
    }

    /// Evaluates every output over points `range`, into one column per output.
    /// Every output at every point, one column per output: the safe form of
    /// ``evaluate(range:inputs:outputs:)``, for callers outside the engines.
    public func evaluate(at points: PointColumns) -> [[Double]] {
        precondition(points.columns.count == graph.inputCount, "one column per input")
        let n = points.count, m = graph.outputCount
        // One contiguous block in and one out: the pointers live only inside the closures.
        let inputBlock: [Double] = points.columns.reduce(into: []) { $0 += $1 } + [0]
        var outputBlock = [Double](repeating: 0, count: n * m + 1)
        inputBlock.withUnsafeBufferPointer { input in
            outputBlock.withUnsafeMutableBufferPointer { output in
                evaluate(
                    range: 0..<n, inputs: (0..<graph.inputCount).map { input.baseAddress! + $0 * n },
                    outputs: (0..<m).map { output.baseAddress! + $0 * n })
            }
        }
        return (0..<m).map { Array(outputBlock[($0 * n)..<($0 * n + n)]) }
    }

    package func evaluate(range: Range<Int>, inputs: [UnsafePointer<Double>], outputs: [UnsafeMutablePointer<Double>]) {
        var workspace = Workspace(nodes: graph.nodes.count, blockSize: blockSize, coefficients: coefficients)
        workspace.fillConstants(graph)
        var start = range.lowerBound
        while start < range.upperBound {
            let count = Swift.min(blockSize, range.upperBound - start)
            workspace.bindInputs(inputs, at: start, count: graph.inputCount)
            primal(&workspace, count)
            for (k, output) in graph.outputs.enumerated() {
                (outputs[k] + start).update(from: workspace.value(output.node), count: count)
            }
            start += count
        }
    }

    // MARK: Sweeps over one block

    /// The primal sweep over a block; with `all` false, only the values the derivative sweeps read.
    private func primal(_ w: inout Workspace, _ n: Int, all: Bool = true) {
        for instruction in instructions where all || instruction.valueNeeded {
            let out = w.valuePointers[instruction.target]
            let a = UnsafePointer(w.valuePointers[instruction.a])
            let b = UnsafePointer(instruction.b >= 0 ? w.valuePointers[instruction.b] : w.valuePointers[instruction.a])
            let c = instruction.constant
            switch instruction.form {
            case .polynomial:
                PolynomialLoops.value(w.coefficients(instruction.polynomialValue), n: n, a: a, out: out)
            case .integerPower:
                switch Int(c) {
                case 2: for k in 0..<n { out[k] = a[k] * a[k] }
                case 3: for k in 0..<n { out[k] = a[k] * a[k] * a[k] }
                default: for k in 0..<n { out[k] = (a[k] * a[k]) * (a[k] * a[k]) }
                }
            default:
                OpTable.dispatch(instruction.op, PrimalLoop(form: instruction.form, n: n, out: out, a: a, b: b, c: c))
            }
        }
    }

    /// The reverse sweep over a block; the inputs' adjoints are written straight into `gradients` from row `start`.
    private func reverse(_ w: inout Workspace, _ n: Int, gradients: [UnsafeMutablePointer<Double>], at start: Int) {
        w.touched.update(repeating: false, count: w.nodeCount)
        // The inputs' adjoints are the result: accumulate them where the caller wants them.
        for (j, gradient) in gradients.enumerated() { w.adjointPointers[j] = gradient + start }
        // The output's adjoint is the seed, 1: a row of ones (nothing accumulates into the output).
        // An output that is an input itself (`y = x`) has the seed as its gradient column.
        let output = graph.outputs[0].node
        if output < gradients.count {
            w.adjointPointers[output].update(repeating: 1, count: n)
        } else {
            w.adjointPointers[output] = w.ones
        }
        w.touched[output] = true
        defer { if output >= gradients.count { w.adjointPointers[output] = w.adjoints + output * w.blockSize } }
        var index = instructions.count - 1
        while index >= 0 {
            let instruction = instructions[index]
            index -= 1
            guard w.touched[instruction.target] else { continue }  // adjoint 0: nothing to pass on
            let g = UnsafePointer(w.adjointPointers[instruction.target])
            let v = UnsafePointer(w.valuePointers[instruction.target])
            let a = UnsafePointer(w.valuePointers[instruction.a])
            let c = instruction.constant
            switch instruction.form {
            case .polynomial:
                let (da, assign) = w.startAdjoint(instruction.a)
                PolynomialLoops.adjoint(
                    w.coefficients(instruction.polynomialDerivative), n: n, g: instruction.target == output ? nil : g, a: a, da: da,
                    assign: assign, scratch: w.scratch)
            case .integerPower:
                let (da, assign) = w.startAdjoint(instruction.a)
                switch (Int(c), assign) {
                case (2, true): for k in 0..<n { da[k] = g[k] * (2 * a[k]) }
                case (2, false): for k in 0..<n { da[k] += g[k] * (2 * a[k]) }
                case (3, true): for k in 0..<n { da[k] = g[k] * (3 * (a[k] * a[k])) }
                case (3, false): for k in 0..<n { da[k] += g[k] * (3 * (a[k] * a[k])) }
                case (_, true): for k in 0..<n { da[k] = g[k] * (4 * (a[k] * a[k] * a[k])) }
                case (_, false): for k in 0..<n { da[k] += g[k] * (4 * (a[k] * a[k] * a[k])) }
                }
            case .general where instruction.b < 0, .constantB:  // a unary operation, or b a constant: only a gets an adjoint
                let (da, assign) = w.startAdjoint(instruction.a)
                OpTable.dispatch(instruction.op, AdjointLoop(form: instruction.form, n: n, g: g, v: v, a: a, b: a, c: c, da: da, db: nil, assignA: assign, assignB: false))
            case .constantA:
                let b = UnsafePointer(w.valuePointers[instruction.b])
                let (db, assign) = w.startAdjoint(instruction.b)
                OpTable.dispatch(instruction.op, AdjointLoop(form: instruction.form, n: n, g: g, v: v, a: b, b: b, c: c, da: nil, db: db, assignA: false, assignB: assign))
            case .general:
                let b = UnsafePointer(w.valuePointers[instruction.b])
                // For `x*x` both are the same buffer: the first partial assigns (if new), the second adds.
                let (da, assignA) = w.startAdjoint(instruction.a)
                let (db, assignB) = w.startAdjoint(instruction.b)
                OpTable.dispatch(instruction.op, AdjointLoop(form: instruction.form, n: n, g: g, v: v, a: a, b: b, c: c, da: da, db: db, assignA: assignA, assignB: assignB))
            }
        }
        for (j, gradient) in gradients.enumerated() where !w.touched[j] { (gradient + start).update(repeating: 0, count: n) }
        for j in gradients.indices { w.adjointPointers[j] = w.adjoints + j * w.blockSize }
    }

    /// The tangent sweep for input direction `j`, the output's tangent written into `target`.
    ///
    /// The tangents live in the adjoint buffers, reached through `adjointPointers`: input `j`'s
    /// is the row of ones (the seed, never written) and the output's is `target` itself, so
    /// neither the seed nor the result costs a pass of its own.
    private func tangent(_ w: inout Workspace, _ n: Int, direction j: Int, into target: UnsafeMutablePointer<Double>) {
        let output = graph.outputs[0].node
        guard output >= graph.inputCount else {  // y = xₖ: the tangent is the seed's component
            target.update(repeating: output == j ? 1 : 0, count: n)
            return
        }
        w.touched.update(repeating: false, count: w.nodeCount)
        w.adjointPointers[j] = w.ones
        w.adjointPointers[output] = target
        defer {
            w.adjointPointers[j] = w.adjoints + j * w.blockSize
            w.adjointPointers[output] = w.adjoints + output * w.blockSize
        }
        w.touched[j] = true
        for instruction in instructions {
            let aLive = w.touched[instruction.a] && instruction.form != .constantA
            let bLive = instruction.b >= 0 && instruction.form != .constantB && instruction.form != .integerPower && instruction.form != .polynomial
                && w.touched[instruction.b]
            guard aLive || bLive else { continue }
            let t = w.adjointPointers[instruction.target]
            w.touched[instruction.target] = true
            let v = UnsafePointer(w.valuePointers[instruction.target])
            let a = UnsafePointer(w.valuePointers[instruction.a])
            let b = instruction.b >= 0 ? UnsafePointer(w.valuePointers[instruction.b]) : a
            let ta = UnsafePointer(w.adjointPointers[instruction.a])
            let tb = instruction.b >= 0 ? UnsafePointer(w.adjointPointers[instruction.b]) : ta
            let c = instruction.constant
            switch instruction.form {
            case .polynomial:
                PolynomialLoops.tangent(w.coefficients(instruction.polynomialDerivative), n: n, a: a, ta: ta, t: t, scratch: w.scratch)
            case .integerPower:
                switch Int(c) {
                case 2: for k in 0..<n { t[k] = (2 * a[k]) * ta[k] }
                case 3: for k in 0..<n { t[k] = (3 * (a[k] * a[k])) * ta[k] }
                default: for k in 0..<n { t[k] = (4 * (a[k] * a[k] * a[k])) * ta[k] }
                }
            default:
                OpTable.dispatch(instruction.op, TangentLoop(
                    form: instruction.form, n: n, t: t, v: v, a: a, b: b, c: c, ta: aLive ? ta : nil, tb: bLive ? tb : nil))
            }
        }
        if !w.touched[output] { target.update(repeating: 0, count: n) }  // the output does not depend on xⱼ
    }

    /// Central differences for every input: two primal sweeps per input, x ± h·eⱼ.
    private func central(_ w: inout Workspace, _ n: Int, inputs: [UnsafePointer<Double>], start: Int, gradients: [UnsafeMutablePointer<Double>]) {
        let output = graph.outputs[0].node
        for j in 0..<graph.inputCount {
            w.bindInputs(inputs, at: start, count: graph.inputCount)
            let x = inputs[j] + start
            for k in 0..<n {
                let h = KernelSource.centralStep * Swift.max(1, Swift.abs(x[k]))
                w.plus[k] = x[k] + h
                w.minus[k] = x[k] - h
            }
            w.valuePointers[j] = w.plus
            primal(&w, n)
            let g = gradients[j] + start
            g.update(from: w.value(output), count: n)
            w.valuePointers[j] = w.minus
            primal(&w, n)
            let f = w.value(output)
            for k in 0..<n { g[k] = (g[k] - f[k]) / (w.plus[k] - w.minus[k]) }
        }
    }
}
