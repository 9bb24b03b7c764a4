import Foundation

/// The vectorised interpreter: the tape run over blocks of points, one operation at a time.
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
        }
        var op: Op
        var form: Form
        var target: Int
        var a: Int
        var b: Int
        var constant: Double
    }

    /// The graph, with one output.
    public let graph: Graph
    let instructions: [Instruction]
    /// Points per block.
    public let blockSize: Int

    /// An interpreter for `graph`, differentiating output `output` (value mode evaluates all outputs).
    public init(_ graph: Graph, output: Int? = 0) {
        let graph = output.map { graph.keepingOutput($0) } ?? graph
        self.graph = graph
        var instructions: [Instruction] = []
        for (i, node) in graph.nodes.enumerated() where node.op.arity > 0 {
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
        self.instructions = instructions
        // Values and adjoints of a block: 2·nodes·B Doubles, kept within about 256 KiB.
        let fit = 16_384 / Swift.max(1, graph.nodes.count)
        blockSize = fit >= 8 ? Swift.min(512, fit / 8 * 8) : Swift.max(1, fit)
    }

    /// Runs `method` over points `range`: values (if `values` is given, output 0) and the gradient columns.
    ///
    /// `.symbolic` is not a method of the tape: interpret the symbolic derivative's own graph with ``evaluate(range:inputs:outputs:)``.
    public func run(
        _ method: DerivativeMethod, range: Range<Int>, inputs: [UnsafePointer<Double>],
        values: UnsafeMutablePointer<Double>?, gradients: [UnsafeMutablePointer<Double>]
    ) {
        var workspace = Workspace(nodes: graph.nodes.count, blockSize: blockSize)
        defer { workspace.release() }
        workspace.fillConstants(graph)
        var start = range.lowerBound
        while start < range.upperBound {
            let count = Swift.min(blockSize, range.upperBound - start)
            switch method {
            case .reverse:
                workspace.bindInputs(inputs, at: start, count: graph.inputCount)
                primal(&workspace, count)
                reverse(&workspace, count)
                for j in 0..<graph.inputCount {
                    let target = gradients[j] + start
                    if workspace.touched[j] { target.update(from: workspace.adjoint(j), count: count) } else { target.update(repeating: 0, count: count) }
                }
            case .forward:
                workspace.bindInputs(inputs, at: start, count: graph.inputCount)
                primal(&workspace, count)
                let output = graph.outputs[0].node
                for j in 0..<graph.inputCount {
                    tangent(&workspace, count, direction: j)
                    let target = gradients[j] + start
                    if workspace.touched[output] { target.update(from: workspace.adjoint(output), count: count) } else { target.update(repeating: 0, count: count) }
                }
            case .central:
                central(&workspace, count, inputs: inputs, start: start, gradients: gradients)
            case .symbolic:
                preconditionFailure("interpret the symbolic derivative's graph with evaluate(range:inputs:outputs:)")
            }
            if let values, method != .central {
                (values + start).update(from: workspace.value(graph.outputs[0].node), count: count)
            }
            start += count
        }
    }

    /// Evaluates every output over points `range`, into one column per output.
    public func evaluate(range: Range<Int>, inputs: [UnsafePointer<Double>], outputs: [UnsafeMutablePointer<Double>]) {
        var workspace = Workspace(nodes: graph.nodes.count, blockSize: blockSize)
        defer { workspace.release() }
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

    private func primal(_ w: inout Workspace, _ n: Int) {
        for instruction in instructions {
            let out = w.valuePointers[instruction.target]
            let a = w.valuePointers[instruction.a]
            let b = instruction.b >= 0 ? w.valuePointers[instruction.b] : a
            let c = instruction.constant
            switch instruction.form {
            case .integerPower:
                switch Int(c) {
                case 2: for k in 0..<n { out[k] = a[k] * a[k] }
                case 3: for k in 0..<n { out[k] = a[k] * a[k] * a[k] }
                default: for k in 0..<n { out[k] = (a[k] * a[k]) * (a[k] * a[k]) }
                }
            case .constantB:
                BlockInterpreter.specialised(instruction.op) { op in for k in 0..<n { out[k] = op.evaluate(a[k], c) } }
            case .constantA:
                BlockInterpreter.specialised(instruction.op) { op in for k in 0..<n { out[k] = op.evaluate(c, b[k]) } }
            case .general:
                BlockInterpreter.specialised(instruction.op) { op in for k in 0..<n { out[k] = op.evaluate(a[k], b[k]) } }
            }
        }
    }

    private func reverse(_ w: inout Workspace, _ n: Int) {
        for i in 0..<w.touched.count { w.touched[i] = false }
        let output = graph.outputs[0].node
        w.adjoint(output).update(repeating: 1, count: n)
        w.touched[output] = true
        var index = instructions.count - 1
        while index >= 0 {
            let instruction = instructions[index]
            index -= 1
            guard w.touched[instruction.target] else { continue }  // adjoint 0: nothing to pass on
            let g = w.adjoint(instruction.target)
            let v = w.valuePointers[instruction.target]
            let a = w.valuePointers[instruction.a]
            let c = instruction.constant
            switch instruction.form {
            case .integerPower:
                let da = w.startAdjoint(instruction.a, n)
                switch Int(c) {
                case 2: for k in 0..<n { da[k] += g[k] * (2 * a[k]) }
                case 3: for k in 0..<n { da[k] += g[k] * (3 * (a[k] * a[k])) }
                default: for k in 0..<n { da[k] += g[k] * (4 * (a[k] * a[k] * a[k])) }
                }
            case .constantB:
                let da = w.startAdjoint(instruction.a, n)
                BlockInterpreter.specialised(instruction.op) { op in for k in 0..<n { da[k] += g[k] * op.partials(a[k], c, v[k]).0 } }
            case .constantA:
                let b = w.valuePointers[instruction.b]
                let db = w.startAdjoint(instruction.b, n)
                BlockInterpreter.specialised(instruction.op) { op in for k in 0..<n { db[k] += g[k] * op.partials(c, b[k], v[k]).1 } }
            case .general where instruction.b < 0:
                let da = w.startAdjoint(instruction.a, n)
                BlockInterpreter.specialised(instruction.op) { op in for k in 0..<n { da[k] += g[k] * op.partials(a[k], 0, v[k]).0 } }
            case .general:
                let b = w.valuePointers[instruction.b]
                let da = w.startAdjoint(instruction.a, n)
                let db = w.startAdjoint(instruction.b, n)  // the same buffer for `x*x`: both partials add up
                BlockInterpreter.specialised(instruction.op) { op in
                    for k in 0..<n {
                        let (pa, pb) = op.partials(a[k], b[k], v[k])
                        let gk = g[k]
                        da[k] += gk * pa
                        db[k] += gk * pb
                    }
                }
            }
        }
    }

    /// The tangent sweep for input direction `j`; the tangents live in the adjoint buffers.
    private func tangent(_ w: inout Workspace, _ n: Int, direction j: Int) {
        for i in 0..<w.touched.count { w.touched[i] = false }
        w.adjoint(j).update(repeating: 1, count: n)
        w.touched[j] = true
        for instruction in instructions {
            let aLive = w.touched[instruction.a] && instruction.form != .constantA
            let bLive = instruction.b >= 0 && instruction.form != .constantB && instruction.form != .integerPower && w.touched[instruction.b]
            guard aLive || bLive else { continue }
            let t = w.adjoint(instruction.target)
            w.touched[instruction.target] = true
            let v = w.valuePointers[instruction.target]
            let a = w.valuePointers[instruction.a]
            let b = instruction.b >= 0 ? w.valuePointers[instruction.b] : a
            let ta = w.adjoint(instruction.a)
            let tb = instruction.b >= 0 ? w.adjoint(instruction.b) : ta
            let c = instruction.constant
            switch instruction.form {
            case .integerPower:
                let e = c
                for k in 0..<n { t[k] = e * (e == 2 ? a[k] : (e == 3 ? a[k] * a[k] : a[k] * a[k] * a[k])) * ta[k] }
            case .constantB:
                BlockInterpreter.specialised(instruction.op) { op in for k in 0..<n { t[k] = op.partials(a[k], c, v[k]).0 * ta[k] } }
            case .constantA:
                BlockInterpreter.specialised(instruction.op) { op in for k in 0..<n { t[k] = op.partials(c, b[k], v[k]).1 * tb[k] } }
            case .general:
                BlockInterpreter.specialised(instruction.op) { op in
                    if aLive && bLive {
                        for k in 0..<n {
                            let (pa, pb) = op.partials(a[k], b[k], v[k])
                            t[k] = pa * ta[k] + pb * tb[k]
                        }
                    } else if aLive {
                        for k in 0..<n { t[k] = op.partials(a[k], b[k], v[k]).0 * ta[k] }
                    } else {
                        for k in 0..<n { t[k] = op.partials(a[k], b[k], v[k]).1 * tb[k] }
                    }
                }
            }
        }
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

    /// Calls `body` with `op` as a literal for the common operations, so that the table's
    /// `switch` folds away inside the loop; the others take the general path.
    @inline(__always)
    static func specialised(_ op: Op, _ body: (Op) -> Void) {
        switch op {
        case .add: body(.add)
        case .sub: body(.sub)
        case .mul: body(.mul)
        case .div: body(.div)
        case .neg: body(.neg)
        case .sin: body(.sin)
        case .cos: body(.cos)
        case .exp: body(.exp)
        case .log: body(.log)
        case .tanh: body(.tanh)
        default: body(op)
        }
    }
}

/// The buffers of one thread's run: values and adjoints (or tangents) of a block, node by node.
struct Workspace {
    let blockSize: Int
    let values: UnsafeMutablePointer<Double>
    let adjoints: UnsafeMutablePointer<Double>
    /// Where each node's values are: its row of `values`, or the input column itself.
    var valuePointers: [UnsafeMutablePointer<Double>]  // inputs' rows are never written
    /// Whether a node's adjoint (or tangent) is nonzero in this block.
    var touched: [Bool]
    let plus: UnsafeMutablePointer<Double>
    let minus: UnsafeMutablePointer<Double>

    init(nodes: Int, blockSize: Int) {
        self.blockSize = blockSize
        let values = UnsafeMutablePointer<Double>.allocate(capacity: nodes * blockSize)
        self.values = values
        adjoints = .allocate(capacity: nodes * blockSize)
        plus = .allocate(capacity: blockSize)
        minus = .allocate(capacity: blockSize)
        valuePointers = (0..<nodes).map { values + $0 * blockSize }
        touched = [Bool](repeating: false, count: nodes)
    }

    func release() {
        values.deallocate()
        adjoints.deallocate()
        plus.deallocate()
        minus.deallocate()
    }

    mutating func fillConstants(_ graph: Graph) {
        for (i, node) in graph.nodes.enumerated() where node.op == .constant {
            (values + i * blockSize).update(repeating: node.literal, count: blockSize)
        }
    }

    /// Points the inputs' rows at the input columns (no copy).
    mutating func bindInputs(_ inputs: [UnsafePointer<Double>], at start: Int, count: Int) {
        for j in 0..<count { valuePointers[j] = UnsafeMutablePointer(mutating: inputs[j] + start) }
    }

    func value(_ node: Int) -> UnsafePointer<Double> { UnsafePointer(valuePointers[node]) }

    func adjoint(_ node: Int) -> UnsafeMutablePointer<Double> { adjoints + node * blockSize }

    /// The adjoint buffer of `node`, zeroed on its first use in this block.
    mutating func startAdjoint(_ node: Int, _ n: Int) -> UnsafeMutablePointer<Double> {
        let buffer = adjoints + node * blockSize
        if !touched[node] {
            buffer.update(repeating: 0, count: n)
            touched[node] = true
        }
        return buffer
    }
}
