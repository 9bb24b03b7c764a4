import Testing
import PropertyBased
@testable import AdvizBench
@testable import AdvizCore
@testable import AdvizEngines
@testable import AdvizFigures
@testable import AdvizKit
@testable import AdvizLessons
@testable import AdvizPlots
@testable import AdvizSymbolic

/// The recording machinery: sharing through first users and a partial table must find exactly
/// the nodes a plain dictionary of every node finds, and a ``Traced`` value must never outlive its tape silently.
@Suite struct TapeRecordingTests {
    /// A reference hash-consing builder: every node in a Swift dictionary, the obvious way.
    struct ReferenceBuilder {
        var nodes: [Node]
        var index: [Node: Int32] = [:]

        init(inputs: Int) { nodes = Array(repeating: Node(op: .input), count: inputs) }

        mutating func add(_ node: Node) -> Int32 {
            if node.op != .input, let id = index[node] { return id }
            nodes.append(node)
            index[node] = Int32(nodes.count - 1)
            return Int32(nodes.count - 1)
        }
    }

    /// Random programs with heavy reuse (few inputs, few constants, repeated operations) build the same tape both ways.
    @Test func sharingMatchesADictionaryOfEveryNode() async {
        await propertyCheck(count: 200, input: Gen.uint64()) { seed in
            var random = SplitMix64(state: seed)
            let inputs = 1 + Int(random.next() % 4)
            var builder = GraphBuilder(inputs: (1...inputs).map { "x\($0)" })
            var reference = ReferenceBuilder(inputs: inputs)
            var ids = (0..<inputs).map { Int32($0) }
            let ops: [Op] = [.add, .mul, .sub, .sin, .exp, .pow, .neg]
            for _ in 0..<(20 + Int(random.next() % 200)) {
                let pick = { (r: inout SplitMix64) in ids[Int(r.next() % UInt64(ids.count))] }
                if random.next() % 6 == 0 {
                    let value = Double(random.next() % 3)
                    let id = builder.constant(value)
                    #expect(id == reference.add(Node(op: .constant, literal: value)))
                    ids.append(id)
                    continue
                }
                let op = ops[Int(random.next() % UInt64(ops.count))]
                let a = pick(&random), b = op.arity == 2 ? pick(&random) : -1
                let id = builder.apply(op, a, b)
                #expect(id == reference.add(Node(op: op, a: a, b: b)), "op \(op) on \(a), \(b)")
                ids.append(id)
            }
            #expect(builder.nodes == reference.nodes, "the tapes differ")
        }
    }

    /// Recording through `Traced` gives the parser's function on a tape of the same size (the
    /// sum associates differently, so the order of nodes differs), with the same gradient.
    @Test func recordingMatchesParsing() throws {
        let recorded = ScalingBenchmark.recorded(names: ScalingBenchmark.inputNames(300))
        let parsed = try Graph(parsing: ScalingBenchmark.program(inputs: 300))
        #expect(recorded.nodes.count == parsed.nodes.count)
        #expect(recorded.inputNames == parsed.inputNames)
        #expect(recorded.stepNumbers[299] == 0 && recorded.stepNumbers[300] == 1)
        let point = (0..<300).map { Double($0 % 7) / 7 - 0.4 }
        let (a, b) = (PrimalSweep.run(recorded, at: point), PrimalSweep.run(parsed, at: point))
        #expect(Swift.abs(a.outputValues(of: recorded)[0] - b.outputValues(of: parsed)[0]) < 1e-11)
        let ga = ReverseSweep.adjoints(recorded, a, outputSeed: [1]), gb = ReverseSweep.adjoints(parsed, b, outputSeed: [1])
        #expect((0..<300).allSatisfy { Swift.abs(ga[$0] - gb[$0]) < 1e-12 })
    }

    /// The scaling benchmark's function recorded the plain way (names made inline, no reserved
    /// room): the reference the faster recording must equal node for node.
    static func plainScalingRecording(inputs n: Int) throws -> Graph {
        let tape = try GraphTape(inputs: (1...n).map { "x\($0)" })
        let x = tape.inputs
        var sum = sin(x[0]) * x[1] + log(1 + pow(x[0], 2))
        for i in 1..<(n - 1) { sum = sum + (sin(x[i]) * x[i + 1] + log(1 + pow(x[i], 2))) }
        return tape.graph(output: sum)
    }

    /// Reserving room changes no node: the benchmark's recording (names made up front, room
    /// reserved) is the plain recording node for node, and its reservation is exactly the tape.
    @Test(arguments: [2, 3, 17, 1000]) func reservedRecordingIsTheSameTape(inputs: Int) throws {
        let fast = ScalingBenchmark.recorded(names: ScalingBenchmark.inputNames(inputs))
        let plain = try Self.plainScalingRecording(inputs: inputs)
        #expect(fast.nodes == plain.nodes)
        #expect(fast.inputNames == plain.inputNames)
        #expect(fast.outputs.map(\.node) == plain.outputs.map(\.node))
        #expect(fast.nodes.count == ScalingBenchmark.recordedNodeCount(inputs: inputs))
    }

    /// Random Traced programs record the same tape with any reserved capacity (too small, exact, too large).
    @Test func capacityChangesNoNode() async {
        await propertyCheck(count: 100, input: Gen.uint64()) { seed in
            let record = { (capacity: Int) -> [Node] in
                var random = SplitMix64(state: seed)
                guard let tape = try? GraphTape(inputs: ["a", "b", "c"], capacity: capacity) else { return [] }
                var values = tape.inputs
                for _ in 0..<(10 + Int(random.next() % 300)) {
                    let x = values[Int(random.next() % UInt64(values.count))], y = values[Int(random.next() % UInt64(values.count))]
                    switch random.next() % 6 {
                    case 0: values.append(x + y)
                    case 1: values.append(x * y)
                    case 2: values.append(sin(x))
                    case 3: values.append(pow(x, Double(random.next() % 3)))
                    case 4: values.append(1 - x)
                    default: values.append(log(x) / y)
                    }
                }
                return tape.graph(output: values[values.count - 1]).nodes
            }
            let plain = record(0)
            #expect(plain.count > 3)
            #expect(record(5) == plain)
            #expect(record(plain.count) == plain)
            #expect(record(4 * plain.count) == plain)
        }
    }

    /// A copied builder is a value: its user lists (storage of their own, read through a
    /// pointer) are copied before either builder changes, so each goes on sharing exactly
    /// what a dictionary of its own nodes finds, through lists that overflow into the table.
    @Test func aCopiedBuilderIsIndependent() {
        var builder = GraphBuilder(inputs: ["x", "y"])
        var reference = ReferenceBuilder(inputs: 2)
        let one = builder.constant(1)
        #expect(one == reference.add(Node(op: .constant, literal: 1)))
        for op in [Op.add, .mul, .sub] {  // x and 1 get more users than their lists hold
            for (a, b) in [(Int32(0), one), (one, Int32(0)), (Int32(0), Int32(1))] {
                #expect(builder.apply(op, a, b) == reference.add(Node(op: op, a: a, b: b)))
            }
        }
        var copy = builder, copyReference = reference
        let script: [(Op, Int32, Int32)] = [(.add, 0, 2), (.mul, 0, 1), (.sin, 0, -1), (.sin, 0, -1), (.add, 0, 2), (.pow, 1, 2)]
        for (op, a, b) in script { #expect(builder.apply(op, a, b) == reference.add(Node(op: op, a: a, b: b))) }
        for (op, a, b) in script.reversed() { #expect(copy.apply(op, b < 0 ? 1 : b, b < 0 ? -1 : a) == copyReference.add(Node(op: op, a: b < 0 ? 1 : b, b: b < 0 ? -1 : a))) }
        #expect(builder.nodes == reference.nodes)
        #expect(copy.nodes == copyReference.nodes)
        #expect(builder.nodes != copy.nodes)
    }

    /// An argument that is not a node of the tape stops with a message (the user lists are read through a pointer).
    @Test func anArgumentOffTheTapeStops() async {
        await #expect(processExitsWith: .failure) {
            var builder = GraphBuilder(inputs: ["x"])
            _ = builder.apply(.add, 0, 7)
        }
        await #expect(processExitsWith: .failure) {
            var builder = GraphBuilder(inputs: ["x"])
            _ = builder.apply(.sin, -1)
        }
    }

    /// NaN, infinities and kinks on a recording tape: repeated operations share one node, the
    /// recorded values are the primal sweep's bit for bit, NaN stays NaN, and the gradient is the
    /// reverse sweep's.
    @Test func unusualValuesShareAndKeepTheirBits() {
        let tape = Tape()
        let x = tape.input("x", .nan), y = tape.input("y", .infinity), z = tape.input("z", 0), w = tape.input("w", -2)
        let product = x * y, again = x * y
        #expect(product.id == again.id)
        let kinks = abs(z) + max(z, 0.0) + relu(z) + abs(z)
        let inf = y - y + log(z) + sqrt(w)
        let result = product + kinks * w + inf + pow(w, 0.5) + 1 / z
        #expect(product.value.isNaN && (y - y).value.isNaN && log(z).value == -.infinity)
        let graph = tape.graph(output: result)
        let evaluation = PrimalSweep.run(graph, at: [.nan, .infinity, 0, -2])
        for node in [product, again, kinks, inf, result, abs(z), 1 / z, log(z)] {
            #expect(node.value.bitPattern == evaluation.values[Int(node.id)].bitPattern, "node \(node.id)")
        }
        let gradient = result.gradient(), adjoints = ReverseSweep.adjoints(graph, evaluation, outputSeed: [1])
        for input in [x, y, z, w] {
            let (recorded, swept) = (gradient[input], adjoints[Int(input.id)])
            #expect(recorded.bitPattern == swept.bitPattern || (recorded.isNaN && swept.isNaN), "input \(input.id)")
        }
        #expect(gradient[x].isNaN)
    }

    /// A node that reaches the output with adjoint 0 still passes 0 times its partials back, as
    /// the reverse sweep does: `0*sqrt(x)` at 0 is NaN (0·∞), `0*sqrt(x)` at 4 is 0, and a node
    /// that does not reach the output passes nothing, even with a NaN partial.
    @Test func aZeroAdjointThroughAnInfinitePartialIsTheSweeps() {
        for (point, expectNaN) in [(0.0, true), (4.0, false)] {
            let tape = Tape()
            let x = tape.input("x", point), unused = log(-1 - x)
            let y = 0.0 * sqrt(x) + x * x
            let graph = tape.graph(output: y)
            let evaluation = PrimalSweep.run(graph, at: [point])
            let swept = ReverseSweep.adjoints(graph, evaluation, outputSeed: [1])[Int(x.id)]
            let recorded = y.gradient()[x]
            #expect(recorded.bitPattern == swept.bitPattern || (recorded.isNaN && swept.isNaN), "x = \(point)")
            #expect(recorded.isNaN == expectNaN, "x = \(point): \(recorded)")
            #expect(unused.value.isNaN)
        }
    }

    /// Tapes come and go; a new tape reuses a core but never the values of an old one.
    @Test func tapesAreIndependent() throws {
        let first = try GraphTape(inputs: ["x"])
        let y1 = sin(first.inputs[0]) * 2.0
        let g1 = first.graph(output: y1)
        for _ in 0..<3 {
            let tape = try GraphTape(inputs: ["a", "b"])
            let (a, b) = (tape.inputs[0], tape.inputs[1])
            let graph = tape.graph(output: a * b + a * b)
            #expect(graph.nodes.count == 4)  // a, b, a·b shared, the sum
        }
        #expect(first.graph(output: y1).nodes == g1.nodes)
    }

    /// A value whose tape is gone stops with a message instead of reading freed memory.
    @Test func aValueOutlivingItsTapeStops() async {
        await #expect(processExitsWith: .failure) {
            func orphan() -> Traced { Tape().input("x", 1) }
            let x = orphan()
            _ = sin(x)
        }
    }

    /// Values of two tapes cannot be combined.
    @Test func mixingTapesStops() async {
        await #expect(processExitsWith: .failure) {
            let one = Tape(), two = Tape()
            _ = one.input("x", 1) + two.input("x", 2)
        }
    }

    /// The library checks what a caller builds: names that a trace could not tell apart throw.
    @Test func duplicateOrEmptyNamesThrow() throws {
        #expect(throws: AdvizError.self) { try GraphTape(inputs: ["x", "x"]) }
        #expect(throws: AdvizError.self) { try GraphTape(inputs: ["x", ""]) }
        #expect(throws: AdvizError.self) { try GraphTape(inputs: [" "]) }
        let tape = try GraphTape(inputs: ["x"])
        let x = tape.inputs[0]
        #expect(throws: AdvizError.self) { try tape.graph(outputs: ["y": x, "y": sin(x)]) }
        #expect(throws: AdvizError.self) { try tape.graph(outputs: ["": x]) }
        #expect(try tape.graph(outputs: ["y1": x, "y2": sin(x)]).outputCount == 2)
    }

    /// The name check reads bytes through a pointer and mixes its hash: a repeat far from its
    /// first use, a repeated non-ASCII or long (heap) name, and non-ASCII blanks are still found.
    @Test func nameCheckFindsEveryRepeat() throws {
        let many = (1...20_000).map { "x\($0)" }
        #expect(throws: AdvizError.self) { try GraphTape(inputs: many + ["x1"]) }
        #expect(throws: AdvizError.self) { try GraphTape(inputs: ["α₁", "β", "α₁"]) }
        let long = String(repeating: "weight_", count: 10)
        #expect(throws: AdvizError.self) { try GraphTape(inputs: [long + "1", long + "2", long + "1"]) }
        #expect(throws: AdvizError.self) { try GraphTape(inputs: ["x", "\u{3000}"]) }  // an ideographic space was taken for a name
        #expect(throws: AdvizError.self) { try GraphTape(inputs: ["\u{00A0}\u{0B}"]) }
        #expect(try GraphTape(inputs: many + ["α₁", long]).inputs.count == 20_002)
    }
}
