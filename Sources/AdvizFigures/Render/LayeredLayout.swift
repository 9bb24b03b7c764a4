import AdvizCore

/// A fast layered layout for big graphs, which Graphviz then draws (`nop2`).
///
/// dot spends its time on the virtual nodes that long edges leave on every rank they cross
/// (a quarter of a million for a 1,000-node graph with long-range edges) and on crossing
/// minimisation over them. A tape is already topologically sorted, so adviz can rank it in one
/// pass (longest path from the inputs), order each rank by a few barycentre sweeps over the
/// real edges only, and pull each node level with its neighbours: linear in the graph's size.
/// What it costs in looks: straight edges that may cross nodes, and more crossings than dot's.
public enum LayeredLayout {
    /// Centres (in points) for nodes given in topological order, with their sizes and edges.
    ///
    /// `rankdir` is `LR` (ranks left to right, as Baydin draws) or `TB`.
    public static func place(
        nodes: [String], sizes: [String: (width: Double, height: Double)], edges: [(tail: String, head: String)],
        rankdir: String = "LR", rankSeparation: Double = 54, nodeSeparation: Double = 14
    ) -> [String: (x: Double, y: Double)] {
        let count = nodes.count
        guard count > 0 else { return [:] }
        var index: [String: Int] = [:]
        for (i, id) in nodes.enumerated() { index[id] = i }
        var predecessors = Array(repeating: [Int](), count: count)
        var successors = Array(repeating: [Int](), count: count)
        for edge in edges {
            guard let t = index[edge.tail], let h = index[edge.head], t != h else { continue }
            predecessors[h].append(t)
            successors[t].append(h)
        }

        let (rank, layers) = orderedLayers(predecessors: predecessors, successors: successors)
        let rankCount = layers.count

        // Coordinates. "along" runs with the ranks, "across" within a rank.
        let horizontal = rankdir == "LR" || rankdir == "RL"
        func along(_ id: String) -> Double { horizontal ? (sizes[id]?.width ?? 54) : (sizes[id]?.height ?? 36) }
        func across(_ id: String) -> Double { horizontal ? (sizes[id]?.height ?? 36) : (sizes[id]?.width ?? 54) }
        var rankStart = [Double](repeating: 0, count: rankCount)
        var cursor = 0.0
        for r in 0..<rankCount {
            let thickness = layers[r].map { along(nodes[$0]) }.max() ?? 0
            rankStart[r] = cursor + thickness / 2
            cursor += thickness + rankSeparation
        }
        // Across: stack each rank, then pull nodes toward their predecessors' places, keeping order and gaps.
        var coordinate = [Double](repeating: 0, count: count)
        for r in 0..<rankCount {
            var y = 0.0
            for i in layers[r] {
                let size = across(nodes[i])
                coordinate[i] = y + size / 2
                y += size + nodeSeparation
            }
            let shift = (y - nodeSeparation) / 2
            for i in layers[r] { coordinate[i] -= shift }
        }
        for _ in 0..<2 {
            for r in 1..<Swift.max(1, rankCount) {
                align(layers[r], toward: predecessors, coordinate: &coordinate, sizes: { across(nodes[$0]) }, gap: nodeSeparation)
            }
            for r in stride(from: rankCount - 2, through: 0, by: -1) {
                align(layers[r], toward: successors, coordinate: &coordinate, sizes: { across(nodes[$0]) }, gap: nodeSeparation)
            }
        }

        var result: [String: (x: Double, y: Double)] = [:]
        for i in 0..<count {
            let a = rankStart[rank[i]], c = coordinate[i]
            // Graphviz's y axis points up: the first node of a rank goes on top.
            result[nodes[i]] = horizontal ? (a, -c) : (c, -a)
        }
        return result
    }

    /// Each node's rank (the longest path from the sources; a leaf used once, such as a constant,
    /// just before its user) and the ranks' nodes in order, after a few barycentre sweeps down and up.
    private static func orderedLayers(predecessors: [[Int]], successors: [[Int]]) -> (rank: [Int], layers: [[Int]]) {
        let count = predecessors.count
        var rank = [Int](repeating: 0, count: count)
        for i in 0..<count {
            for p in predecessors[i] { rank[i] = Swift.max(rank[i], rank[p] + 1) }
        }
        for i in 0..<count where predecessors[i].isEmpty && successors[i].count == 1 {
            rank[i] = Swift.max(0, rank[successors[i][0]] - 1)
        }
        let rankCount = (rank.max() ?? 0) + 1
        var layers = Array(repeating: [Int](), count: rankCount)
        for i in 0..<count { layers[rank[i]].append(i) }

        // Order within ranks: barycentre sweeps, down then up.
        var position = [Double](repeating: 0, count: count)
        for layer in layers { for (k, i) in layer.enumerated() { position[i] = Double(k) } }
        func sweep(_ neighbours: [[Int]], ranks: StrideThrough<Int>) {
            for r in ranks {
                var keyed: [(Double, Int)] = []
                keyed.reserveCapacity(layers[r].count)
                for i in layers[r] {
                    let ns = neighbours[i]
                    let key = ns.isEmpty ? position[i] : ns.reduce(0) { $0 + position[$1] } / Double(ns.count)
                    keyed.append((key, i))
                }
                keyed.sort { $0.0 != $1.0 ? $0.0 < $1.0 : position[$0.1] < position[$1.1] }
                layers[r] = keyed.map(\.1)
                // Spread positions over the same scale as the neighbours' so ranks stay comparable.
                for (k, (_, i)) in keyed.enumerated() { position[i] = Double(k) }
            }
        }
        for _ in 0..<3 {
            sweep(predecessors, ranks: stride(from: 1, through: rankCount - 1, by: 1))
            sweep(successors, ranks: stride(from: rankCount - 2, through: 0, by: -1))
        }
        return (rank, layers)
    }

    /// Moves each node of a rank toward the mean place of its neighbours, keeping the rank's
    /// order and the gaps between nodes (a left-to-right then right-to-left squeeze).
    private static func align(_ layer: [Int], toward neighbours: [[Int]], coordinate: inout [Double], sizes: (Int) -> Double, gap: Double) {
        guard !layer.isEmpty else { return }
        var desired = layer.map { i -> Double in
            let ns = neighbours[i]
            return ns.isEmpty ? coordinate[i] : ns.reduce(0) { $0 + coordinate[$1] } / Double(ns.count)
        }
        func separation(_ k: Int) -> Double { (sizes(layer[k - 1]) + sizes(layer[k])) / 2 + gap }
        // Pushed down from the top, and pushed up from the bottom; their mean keeps the rank centred.
        var down = desired, up = desired
        for k in 1..<desired.count { down[k] = Swift.max(down[k], down[k - 1] + separation(k)) }
        for k in stride(from: desired.count - 2, through: 0, by: -1) { up[k] = Swift.min(up[k], up[k + 1] - separation(k + 1)) }
        desired = zip(down, up).map { ($0 + $1) / 2 }
        for k in 1..<desired.count { desired[k] = Swift.max(desired[k], desired[k - 1] + separation(k)) }
        for (k, i) in layer.enumerated() { coordinate[i] = desired[k] }
    }
}
