/// What a layout by dot costs, estimated before it runs: dot cannot be interrupted, so a figure
/// whose layout would take seconds is placed by ``LayeredLayout`` instead.
///
/// dot's time goes into the virtual nodes a long edge leaves on every rank it crosses (network
/// simplex and crossing minimisation run over them), not into the real nodes. `tan(x)+tan(x)+…`
/// of 385 terms is only 386 nodes, but its shared `tan(x)` feeds a chain of 384 sums: 73,000
/// virtual nodes, 5 s of dot (and far more on a busy machine). The estimate ranks the graph
/// twice, as early and as late as each node can go (dot's ranking lies between), and counts
/// real plus virtual nodes of the cheaper ranking.
///
/// Measured with libgvc 2.42 on the 2-core machine (`dot` layout alone, figures as the server
/// draws them): cost 4,952 → 0.19 s, 7,260 → 0.76 s, 11,177 → 0.29 s, 19,902 → 0.69 s,
/// 31,127 → 1.2 s, 44,852 → 1.9 s, 73,922 → 5.1 s; 1,154 nodes of short edges → 0.05 s.
extension GraphFigure {
    /// Real plus virtual nodes of a layered drawing of `edges` (node ids; tail before head).
    public static func layoutCost(edges: [(tail: String, head: String)]) -> Int {
        var index: [String: Int] = [:]
        var tails: [Int] = [], heads: [Int] = []
        for edge in edges where edge.tail != edge.head {
            for id in [edge.tail, edge.head] where index[id] == nil { index[id] = index.count }
            tails.append(index[edge.tail]!)
            heads.append(index[edge.head]!)
        }
        let count = index.count
        var indegree = [Int](repeating: 0, count: count)
        var successors = [[Int]](repeating: [], count: count)
        for k in tails.indices {
            successors[tails[k]].append(heads[k])
            indegree[heads[k]] += 1
        }
        // A topological order (Kahn's algorithm: a loop, no recursion).
        var order: [Int] = []
        order.reserveCapacity(count)
        var ready = (0..<count).filter { indegree[$0] == 0 }
        while let node = ready.popLast() {
            order.append(node)
            for next in successors[node] {
                indegree[next] -= 1
                if indegree[next] == 0 { ready.append(next) }
            }
        }
        // As early as possible (longest path from the sources), and as late as possible.
        var early = [Int](repeating: 0, count: count)
        for node in order { for next in successors[node] { early[next] = Swift.max(early[next], early[node] + 1) } }
        let last = early.max() ?? 0
        var late = [Int](repeating: last, count: count)
        for node in order.reversed() where !successors[node].isEmpty {
            late[node] = successors[node].map { late[$0] }.min()! - 1
        }
        var virtualEarly = 0, virtualLate = 0
        for k in tails.indices {
            virtualEarly += Swift.max(0, early[heads[k]] - early[tails[k]] - 1)
            virtualLate += Swift.max(0, late[heads[k]] - late[tails[k]] - 1)
        }
        return count + Swift.min(virtualEarly, virtualLate)
    }
}
