/// Many unit-seed tangent sweeps at once: the dense Hessian's n sweeps of the gradient graph,
/// eight directions per pass, each pass starting where its inputs are first read.
///
/// ``ForwardSweep`` seeded with eⱼ computes, at every node, either a structural zero (no path
/// from xⱼ) or ∂ₐ·ȧ, ∂_b·ḃ, or ∂ₐ·ȧ + ∂_b·ḃ, in IEEE arithmetic. Here every node holds eight such
/// tangents side by side (one lane per input of the pass, a `SIMD8<Double>`) and one bit per lane
/// saying whether that lane's input reaches it. Each lane does the scalar sweep's operations on the
/// scalar sweep's numbers, in the same order, so the results are the same bits; the lanes only
/// share the loop, the dispatch and the loads of the partials. Three things make it fast:
///
/// - **Eight directions per pass** (a vector of eight doubles is one AVX-512 register): the tape
///   is walked n/8 times, not n times.
/// - **Only what can matter**: a compact program of the steps that some input reaches and some
///   output needs, with their two partials, in tape order; constants, dead code and nodes no input
///   reaches are left out (their tangent is a structural zero in every sweep).
/// - **Each pass starts at its inputs' first reader**: inputs are taken in order of the first step
///   that reads them, so a pass skips the stretch of tape before its inputs are used. Passes run
///   from the latest start to the earliest, so that the steps a pass skips were never written by
///   another (their lanes are still all structural zeros).
///
/// A step none of whose arguments carries a lane costs a load and a store of one byte.
struct TangentBlocks {
    /// Lanes per pass.
    static let width = 8

    /// One step of the compact program: the slots of its arguments (0 for none, a constant or an
    /// unreached node) and its local partials.
    struct Step {
        var a: Int32
        var b: Int32
        var partialA: Double
        var partialB: Double
    }

    /// The steps, in tape order; step s writes slot `1 + inputCount + s`.
    let steps: [Step]
    /// For each input, the first step that reads it, or `Int.max` when no kept step does.
    let firstReader: [Int]
    /// For each requested node, its slot (0 for a node that carries no tangent).
    let outputSlots: [Int32]
    let inputCount: Int

    /// The program for `graph` with the partials of `evaluation`, for the tangents of `outputs`.
    init(_ graph: Graph, _ evaluation: Evaluation, outputs: [Int]) {
        let nodes = graph.nodes, n = graph.inputCount
        // Needed: some output reads it; reached: some input reaches it.
        var needed = [Bool](repeating: false, count: nodes.count)
        for o in outputs { needed[o] = true }
        for i in nodes.indices.reversed() where needed[i] && nodes[i].op.arity > 0 {
            needed[Int(nodes[i].a)] = true
            if nodes[i].b >= 0 { needed[Int(nodes[i].b)] = true }
        }
        var slot = [Int32](repeating: 0, count: nodes.count)
        var steps: [Step] = []
        var firstReader = [Int](repeating: .max, count: n)
        for i in 0..<nodes.count {
            let node = nodes[i]
            if node.op == .input {
                slot[i] = Int32(1 + i)
                continue
            }
            guard needed[i], node.op.arity > 0 else { continue }
            let a = slot[Int(node.a)], b = node.b >= 0 ? slot[Int(node.b)] : 0
            guard a != 0 || b != 0 else { continue }
            let s = steps.count
            if a >= 1 && a <= Int32(n) { firstReader[Int(a) - 1] = Swift.min(firstReader[Int(a) - 1], s) }
            if b >= 1 && b <= Int32(n) { firstReader[Int(b) - 1] = Swift.min(firstReader[Int(b) - 1], s) }
            steps.append(Step(a: a, b: b, partialA: evaluation.partialA[i], partialB: evaluation.partialB[i]))
            slot[i] = Int32(1 + n + s)
        }
        self.steps = steps
        self.firstReader = firstReader
        self.inputCount = n
        outputSlots = outputs.map { slot[$0] }
    }

    /// `matrix[i][j]` = the tangent of output i for the seed eⱼ, for every input j: what ``ForwardSweep``
    /// seeded with eⱼ leaves at output node i, bit for bit (0 where xⱼ does not reach it).
    func unitSweeps() -> [[Double]] {
        let n = inputCount, width = TangentBlocks.width, outputs = outputSlots.count
        var matrix = (0..<outputs).map { _ in [Double](repeating: 0, count: n) }
        // Inputs by their first reader, latest first; one pass per `width` of them.
        let order = (0..<n).filter { firstReader[$0] != .max }.sorted { firstReader[$0] > firstReader[$1] }
        let passes = (order.count + width - 1) / width
        guard passes > 0 else { return matrix }
        let slots = 1 + n + steps.count
        let tangents = UnsafeMutablePointer<SIMD8<Double>>.allocate(capacity: slots)
        let lanes = UnsafeMutablePointer<UInt8>.allocate(capacity: slots)
        // The outputs' lanes of up to `group` passes, output by output (`found[i·group + p]`),
        // unreached lanes 0: a pass writes whole vectors, and each row takes a group's at once.
        let group = Swift.min(passes, 16)
        let found = UnsafeMutablePointer<SIMD8<Double>>.allocate(capacity: outputs * group)
        defer {
            tangents.deallocate()
            lanes.deallocate()
            found.deallocate()
        }
        tangents.initialize(repeating: SIMD8(repeating: 0), count: slots)
        lanes.initialize(repeating: 0, count: slots)
        TangentBlocks.laneMasks.withUnsafeBufferPointer { masks in
            steps.withUnsafeBufferPointer { steps in
                for p in 0..<passes {
                    let pass = order[(p * width)..<Swift.min((p + 1) * width, order.count)]
                    for (lane, j) in pass.enumerated() {
                        var seed = SIMD8<Double>(repeating: 0)
                        seed[lane] = 1
                        tangents[1 + j] = seed
                        lanes[1 + j] = UInt8(1) << lane
                    }
                    TangentBlocks.sweep(steps, from: firstReader[pass.last!], inputs: n, tangents, lanes, masks.baseAddress!)
                    for (i, slot) in outputSlots.enumerated() {
                        found[i * group + p % group] = TangentBlocks.keep(tangents[Int(slot)], masks[Int(lanes[Int(slot)])])
                    }
                    for j in pass { lanes[1 + j] = 0 }
                    guard p % group == group - 1 || p == passes - 1 else { continue }
                    // The group's columns into the rows.
                    let columns = order[(p - p % group) * width..<Swift.min((p + 1) * width, order.count)]
                    for i in 0..<outputs {
                        let from = UnsafeRawPointer(found + i * group)
                        matrix[i].withUnsafeMutableBufferPointer { row in
                            for (k, j) in columns.enumerated() { row[j] = from.load(fromByteOffset: k * 8, as: Double.self) }
                        }
                    }
                }
            }
        }
        return matrix
    }

    /// For each byte of reach bits, the lanes it names: all ones where the bit is set, else zero.
    /// (A table and bitwise ands: SIMD comparisons into a `SIMDMask` compile lane by lane here.)
    static let laneMasks: [SIMD8<UInt64>] = (0..<256).map { bits in
        SIMD8<UInt64>((0..<8).map { bits & (1 << $0) != 0 ? UInt64.max : 0 })
    }

    /// `t` in the lanes of `mask`, +0 elsewhere.
    @inline(__always)
    static func keep(_ t: SIMD8<Double>, _ mask: SIMD8<UInt64>) -> SIMD8<Double> {
        unsafeBitCast(unsafeBitCast(t, to: SIMD8<UInt64>.self) & mask, to: SIMD8<Double>.self)
    }

    /// One pass over `steps` from step `first` on: each step's lanes from its arguments'.
    @inline(__always)
    static func sweep(
        _ steps: UnsafeBufferPointer<Step>, from first: Int, inputs n: Int,
        _ t: UnsafeMutablePointer<SIMD8<Double>>, _ on: UnsafeMutablePointer<UInt8>, _ masks: UnsafePointer<SIMD8<UInt64>>
    ) {
        let base = 1 + n
        for s in first..<steps.count {
            let step = steps[s]
            let a = Int(step.a), b = Int(step.b)
            let onA = on[a], onB = on[b]
            let both = onA | onB
            on[base + s] = both
            if both == 0 { continue }
            let productA = SIMD8(repeating: step.partialA) * t[a]
            if onB == 0 {
                t[base + s] = productA
                continue
            }
            let productB = SIMD8(repeating: step.partialB) * t[b]
            if onA == onB {
                t[base + s] = productA + productB
            } else if onA == 0 {
                t[base + s] = productB
            } else {
                // Lanes reached from one argument take its product alone (a structural zero adds nothing).
                let sum = keep(productA + productB, masks[Int(onA & onB)])
                let aAlone = keep(productA, masks[Int(onA & ~onB)]), bAlone = keep(productB, masks[Int(onB & ~onA)])
                t[base + s] = unsafeBitCast(
                    unsafeBitCast(sum, to: SIMD8<UInt64>.self) | unsafeBitCast(aAlone, to: SIMD8<UInt64>.self)
                        | unsafeBitCast(bAlone, to: SIMD8<UInt64>.self), to: SIMD8<Double>.self)
            }
        }
    }
}
