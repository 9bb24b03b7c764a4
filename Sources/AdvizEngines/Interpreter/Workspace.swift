import AdvizCore
import Foundation

/// The buffers of one thread's run: values and adjoints (or tangents) of a block, node by node,
/// and the rows that point into them.
///
/// Raw buffers throughout, allocated once per run: the per-block bookkeeping (which buffer is
/// whose, which adjoints are nonzero) must cost nothing beside the loops over the block. A
/// class, so that its memory is freed when the run lets it go (`deinit`), on every path out.
final class Workspace {
    let blockSize: Int
    let nodeCount: Int
    let values: UnsafeMutablePointer<Double>
    let adjoints: UnsafeMutablePointer<Double>
    /// Where each node's values are: its row of `values`, or the input column itself (inputs' rows are never written).
    let valuePointers: UnsafeMutablePointer<UnsafeMutablePointer<Double>>
    /// Where each node's adjoint is: its row of `adjoints`, or (in a reverse sweep) the caller's gradient column.
    let adjointPointers: UnsafeMutablePointer<UnsafeMutablePointer<Double>>
    /// Whether a node's adjoint (or tangent) is nonzero in this block.
    let touched: UnsafeMutablePointer<Bool>
    /// A row of ones: the output's adjoint seed.
    let ones: UnsafeMutablePointer<Double>
    let plus: UnsafeMutablePointer<Double>
    let minus: UnsafeMutablePointer<Double>
    /// A block of temporaries for polynomials of high degree.
    let scratch: UnsafeMutablePointer<Double>
    /// The interpreter's polynomial coefficients.
    private let coefficientStore: UnsafeMutableBufferPointer<Double>

    init(nodes: Int, blockSize: Int, coefficients: [Double]) {
        self.blockSize = blockSize
        nodeCount = nodes
        let values = UnsafeMutablePointer<Double>.allocate(capacity: nodes * blockSize)
        self.values = values
        let adjoints = UnsafeMutablePointer<Double>.allocate(capacity: nodes * blockSize)
        self.adjoints = adjoints
        adjointPointers = .allocate(capacity: nodes)
        valuePointers = .allocate(capacity: nodes)
        for i in 0..<nodes {
            (adjointPointers + i).initialize(to: adjoints + i * blockSize)
            (valuePointers + i).initialize(to: values + i * blockSize)
        }
        touched = .allocate(capacity: nodes)
        touched.initialize(repeating: false, count: nodes)
        ones = .allocate(capacity: blockSize)
        ones.initialize(repeating: 1, count: blockSize)
        plus = .allocate(capacity: blockSize)
        minus = .allocate(capacity: blockSize)
        scratch = .allocate(capacity: blockSize)
        coefficientStore = .allocate(capacity: coefficients.count)
        _ = coefficientStore.initialize(from: coefficients)
    }

    deinit {
        values.deallocate()
        adjoints.deallocate()
        valuePointers.deallocate()
        adjointPointers.deallocate()
        touched.deallocate()
        plus.deallocate()
        minus.deallocate()
        scratch.deallocate()
        ones.deallocate()
        coefficientStore.deallocate()
    }

    /// The coefficients at `range` of the interpreter's store.
    @inline(__always)
    func coefficients(_ range: Range<Int>) -> UnsafeBufferPointer<Double> {
        UnsafeBufferPointer(rebasing: coefficientStore[range])
    }

    func fillConstants(_ graph: Graph) {
        for (i, node) in graph.nodes.enumerated() where node.op == .constant {
            (values + i * blockSize).update(repeating: node.literal, count: blockSize)
        }
    }

    /// Points the inputs' rows at the input columns (no copy).
    func bindInputs(_ inputs: [UnsafePointer<Double>], at start: Int, count: Int) {
        for j in 0..<count { valuePointers[j] = UnsafeMutablePointer(mutating: inputs[j] + start) }
    }

    func value(_ node: Int) -> UnsafePointer<Double> { UnsafePointer(valuePointers[node]) }

    /// The adjoint buffer of `node`, and whether this is its first use in the block (write, do not add).
    @inline(__always)
    func startAdjoint(_ node: Int) -> (UnsafeMutablePointer<Double>, assign: Bool) {
        let first = !touched[node]
        touched[node] = true
        return (adjointPointers[node], first)
    }
}
