import Foundation
import Testing
@testable import AdvizCore

/// `Traced` as a micrograd user writes it: named inputs with values, values computed as
/// recorded, `gradient()` indexed by values, Doubles and literals mixing in.
@Suite struct TracedValueTests {
    /// micrograd's `test_sanity_check`, written with `Traced`. The numbers are micrograd's own
    /// (`~/.venvs/peers/bin/python`, micrograd 0.1.0): y.data = -20.0, x.grad = 46.0.
    @Test func microgradSanityCheck() throws {
        let tape = Tape()
        let x = tape.input("x", -4.0)
        let z = 2 * x + 2 + x
        let q = relu(z) + z * x
        let h = relu(z * z)
        let y = h + q + q * x
        #expect(y.value == -20.0)
        #expect(y.gradient()[x] == 46.0)
    }

    /// micrograd's `test_more_ops`, written with `Traced`. micrograd gives g.data = 24.70408163265306,
    /// a.grad = 138.83381924198252, b.grad = 645.5772594752186 (its test allows 1e-6).
    @Test func microgradMoreOps() throws {
        let tape = Tape()
        let a = tape.input("a", -4.0), b = tape.input("b", 2.0)
        var c = a + b
        var d = a * b + pow(b, 3)
        c += c + 1
        c += 1 + c + (-a)
        d += d * 2 + relu(b + a)
        d += 3 * d + relu(b - a)
        let e = c - d
        let f = pow(e, 2)
        var g = f / 2.0
        g += 10.0 / f
        let grads = g.gradient()
        #expect(Swift.abs(g.value - 24.70408163265306) < 1e-12)
        #expect(Swift.abs(grads[a] - 138.83381924198252) < 1e-9)
        #expect(Swift.abs(grads[b] - 645.5772594752186) < 1e-9)
    }

    /// The neuron of micrograd's lecture: its value, its gradient, and how it prints.
    @Test func neuronValueGradientAndDescription() throws {
        let tape = Tape()
        let x1 = tape.input("x1", 2.0), x2 = tape.input("x2", 0.0)
        let w1 = tape.input("w1", -3.0), w2 = tape.input("w2", 1.0)
        let b = tape.input("b", 6.8813735870195432)
        var n: Traced = x1 * w1
        n += x2 * w2
        let o = tanh(n + b)
        #expect(Swift.abs(o.value - 0.5.squareRoot()) < 1e-12)
        let grads = o.gradient()
        let expected = [(x1, -1.5), (w1, 1.0), (x2, 0.5), (w2, 0.0), (b, 0.5)]
        for (input, derivative) in expected { #expect(Swift.abs(grads[input] - derivative) < 1e-12, "\(input)") }
        #expect(Swift.abs(grads[n] - 0.5) < 1e-12, "intermediate values have adjoints too")
        #expect(o.description == "Traced(v5 = 0.7071, tanh)")
        #expect(x1.description == "Traced(v-4 = 2, input x1)")
        #expect(String(describing: tape.constant(2.5)) == "Traced(2.5, constant)")
    }

    /// An input declared after operations still yields a Wengert list: inputs first, in the
    /// order declared, every node after its arguments, and the sweeps agree with `gradient()`.
    @Test func lateInputsAreRenumberedToTheFront() throws {
        let tape = Tape()
        let x = tape.input("x", 0.5)
        let s = sin(x) * 3.0
        let w = tape.input("w", 2.0)  // declared after two operations
        let y = s * w + exp(w)
        #expect(w.description == "Traced(v0 = 2, input w)")
        #expect(y.description == "Traced(v5 = 10.27, add)")  // 6·sin(0.5) + e²
        let graph = tape.graph(output: y)
        #expect(graph.inputNames == ["x", "w"])
        #expect(graph.nodes[0].op == .input && graph.nodes[1].op == .input)
        for (i, node) in graph.nodes.enumerated() where node.op.arity > 0 {
            #expect(Int(node.a) < i && Int(node.b) < i, "node \(i) comes before its arguments")
        }
        let evaluation = PrimalSweep.run(graph, at: [0.5, 2.0])
        #expect(evaluation.outputValues(of: graph)[0] == y.value)
        let adjoints = ReverseSweep.adjoints(graph, evaluation, outputSeed: [1])
        let grads = y.gradient()
        #expect(Swift.abs(adjoints[0] - grads[x]) < 1e-14 && Swift.abs(adjoints[1] - grads[w]) < 1e-14)
        #expect(Swift.abs(grads[x] - 3 * Foundation.cos(0.5) * 2) < 1e-14)
        #expect(tape.inputs.map(\.id) == [x.id, w.id])
    }

    /// Doubles mix in on either side, compound assignment records, comparisons read values.
    @Test func doublesMixInAndComparisonsReadValues() throws {
        let tape = Tape()
        let x = tape.input("x", 3.0), w = tape.input("w", -1.0)
        #expect(max(w, 0).value == 0 && max(x, 0).value == 3)
        #expect(min(1.0, x).value == 1)
        #expect(pow(2.0, x).value == 8)
        #expect((2 * x).value == 6 && (x / 2).value == 1.5 && (1 - x).value == -2)
        var z = x
        z *= x
        z -= 1.0
        z /= w
        #expect(z.value == -8)
        #expect(x > w && w < 0 && 4.0 >= x && !(x <= w))
        let grads = pow(2.0, x).gradient()
        #expect(Swift.abs(grads[x] - 8 * Foundation.log(2.0)) < 1e-12)
        #expect(grads[w] == 0, "a value the output does not use has derivative 0")
    }

    /// A literal binds to the tape of the value it meets, as a constant; literals alone are folded.
    @Test func literalsBindToTheOtherOperandsTape() throws {
        let tape = Tape()
        let x = tape.input("x", 1.5)
        let c: Traced = 2.0
        #expect(c.value == 2 && c.description == "Traced(2, literal)")
        let folded = c * c + 1.0
        #expect(folded.value == 5 && folded.description == "Traced(5, literal)")
        let y = c * x + folded
        #expect(y.value == 8)
        #expect(y.gradient()[x] == 2)
        #expect(y.gradient()[c] == 0)
        let graph = tape.graph(output: y)
        #expect(graph.constantCount == 2)  // 2 and 5, on the tape now
        #expect(c.gradient()[x] == 0)
    }

    /// `gradient()` stores nothing: asking twice gives the same answer (micrograd's `backward()` accumulates).
    @Test func gradientIsTheSameWhenAskedTwice() throws {
        let tape = Tape()
        let x = tape.input("x", 0.3)
        let y = x * x * x
        #expect(y.gradient()[x] == y.gradient()[x])
        #expect(Swift.abs(y.gradient()[x] - 3 * 0.09) < 1e-15)
    }

    /// A `GraphTape` records no values: asking one of its values for a gradient stops (a
    /// `Tape`'s `gradient()` cannot fail, so it does not throw).
    @Test func aValuelessTapeCannotBeDifferentiated() async {
        await #expect(processExitsWith: .failure) {
            let tape = try GraphTape(inputs: ["x"])
            _ = sin(tape.inputs[0]).gradient()
        }
    }

    /// An input name given twice stops with the message `GraphTape(inputs:)` throws.
    @Test func aDuplicateInputNameStops() async {
        await #expect(processExitsWith: .failure) {
            let tape = Tape()
            _ = tape.input("x", 1)
            _ = tape.input("x", 2)
        }
    }

    /// Shared nodes keep their first value: recording `x·x` twice computes it once and both read it.
    @Test func sharedNodesKeepTheirValue() {
        let tape = Tape()
        let x = tape.input("x", 3.0)
        let a = x * x, b = x * x
        #expect(a.id == b.id && b.value == 9)
        #expect((a + b).value == 18)
    }
}
