import AdvizCore
import AdvizEngines
import AdvizFigures

/// Graphs made for measuring: deterministic, sized on demand, shaped like real expression graphs.
public enum BenchmarkGraphs {
    /// An expression graph of about `steps` elementary steps over `inputs` inputs, each step
    /// using the step before it and one chosen anywhere earlier: the long-range edges that make
    /// layout hard, as in a real program that reuses early values late.
    public static func expressionGraph(steps: Int, inputs: Int = 8, seed: UInt64 = 42) -> Graph {
        var random = SplitMix64(state: seed)
        let tape = try! GraphTape(inputs: (1...Swift.max(1, inputs)).map { "x\($0)" })  // x1, x2, …: distinct, so it cannot throw
        var nodes = tape.inputs
        let unary: [(Traced) -> Traced] = [{ sin($0) }, { cos($0) }, { tanh($0) }, { exp(-($0 * $0)) }]
        let binary: [(Traced, Traced) -> Traced] = [{ $0 + $1 }, { $0 * $1 }, { $0 - $1 }]
        var made = 0
        while made < steps {
            let recent = nodes[nodes.count - 1]
            let far = nodes[Int(random.next() % UInt64(nodes.count))]
            let node: Traced
            if random.next() % 3 == 0 {
                node = unary[Int(random.next() % UInt64(unary.count))](recent)
            } else {
                node = binary[Int(random.next() % UInt64(binary.count))](recent, far)
            }
            nodes.append(node)
            made = Int(node.id) + 1 - inputs
        }
        return tape.graph(output: nodes[nodes.count - 1])
    }
}

/// SplitMix64: a small seeded generator, so a benchmark's graph is the same on every run.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
