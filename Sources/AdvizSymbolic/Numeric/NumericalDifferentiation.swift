import ComplexModule
import Foundation
import AdvizCore

/// Numerical differentiation: derivatives from function values alone, and their errors.
///
/// Each scheme trades two errors, as the course notes show with `np.gradient`: truncation
/// (the Taylor terms the formula drops, shrinking with h) and round-off (the cancellation in
/// f(x+h) − f(x), growing like ε/h). The complex step avoids the cancellation altogether.
public enum FiniteDifference: String, Sendable, CaseIterable {
    /// (f(x+h) − f(x)) / h: truncation O(h).
    case forward
    /// (f(x) − f(x−h)) / h: truncation O(h).
    case backward
    /// (f(x+h) − f(x−h)) / 2h: truncation O(h²).
    case central
    /// Im f(x + ih) / h: no subtraction, so no cancellation; truncation O(h²).
    case complexStep = "complex-step"
    /// Richardson extrapolation of the central difference: (4·D(h/2) − D(h)) / 3, truncation O(h⁴).
    case richardson

    /// The step adviz picks when none is given, and why.
    public func defaultStep(at x: Double) -> (h: Double, reason: String) {
        let scale = Swift.max(1, Swift.abs(x))
        let eps = Double.ulpOfOne
        switch self {
        case .forward, .backward:
            return (eps.squareRoot() * scale, "√ε·max(1,|x|): balances truncation O(h) against round-off ε/h")
        case .central:
            return (Foundation.cbrt(eps) * scale, "∛ε·max(1,|x|): balances truncation O(h²) against round-off ε/h")
        case .complexStep:
            return (1e-20 * scale, "tiny: with no subtraction there is no round-off to balance")
        case .richardson:
            return (Foundation.pow(eps, 0.2) * scale, "ε^(1/5)·max(1,|x|): balances truncation O(h⁴) against round-off ε/h")
        }
    }

    /// Function evaluations per input (complex ones for the complex step).
    public var evaluationsPerInput: Int {
        switch self {
        case .forward, .backward: 1  // plus f(x) once, shared
        case .central: 2
        case .complexStep: 1
        case .richardson: 4
        }
    }

    /// ∂(output)/∂(input `j`) of `graph` at `point` with step `h`.
    public func derivative(_ graph: Graph, at point: [Double], input j: Int, output: Int = 0, h: Double) -> Double {
        let node = graph.outputs[output].node
        func f(_ shift: Double) -> Double {
            var p = point
            p[j] += shift
            return NumericalEvaluation.value(graph, at: p, node: node)
        }
        switch self {
        case .forward: return (f(h) - f(0)) / h
        case .backward: return (f(0) - f(-h)) / h
        case .central: return (f(h) - f(-h)) / (2 * h)
        case .complexStep:
            var p = point.map { Complex<Double>($0, 0) }
            p[j] = Complex(point[j], h)
            return NumericalEvaluation.complexValue(graph, at: p, node: node).imaginary / h
        case .richardson:
            let d1 = (f(h) - f(-h)) / (2 * h)
            let d2 = (f(h / 2) - f(-h / 2)) / h
            return (4 * d2 - d1) / 3
        }
    }
}

/// Evaluating a tape for values only (no partials), in real or complex arithmetic.
enum NumericalEvaluation {
    /// The value of `node` at `point`.
    static func value(_ graph: Graph, at point: [Double], node: Int) -> Double {
        var values = [Double](repeating: 0, count: node + 1)
        for i in 0...node {
            let n = graph.nodes[i]
            switch n.op {
            case .input: values[i] = point[i]
            case .constant: values[i] = n.literal
            default: values[i] = n.op.evaluate(values[Int(n.a)], n.b >= 0 ? values[Int(n.b)] : 0)
            }
        }
        return values[node]
    }

    /// The complex value of `node` at a complex `point` (the stepped inputs are those with an
    /// imaginary part; a step varies with them if an argument does, as the tape's structure says).
    static func complexValue(_ graph: Graph, at point: [Complex<Double>], node: Int) -> Complex<Double> {
        var values = [Complex<Double>](repeating: .zero, count: node + 1)
        var reals = [Double](repeating: 0, count: node + 1)  // the tape's values, for the NaN and partial checks
        var varies = [Bool](repeating: false, count: node + 1)
        for i in 0...node {
            let n = graph.nodes[i]
            switch n.op {
            case .input:
                values[i] = point[i]
                reals[i] = point[i].real
                varies[i] = point[i].imaginary != 0
            case .constant:
                values[i] = Complex(n.literal, 0)
                reals[i] = n.literal
            default:
                let aVaries = varies[Int(n.a)], bVaries = n.b >= 0 && varies[Int(n.b)]
                let real = (reals[Int(n.a)], n.b >= 0 ? reals[Int(n.b)] : 0)
                values[i] = n.op.evaluate(values[Int(n.a)], n.b >= 0 ? values[Int(n.b)] : .zero, aVaries: aVaries, bVaries: bVaries, real: real)
                reals[i] = n.op.evaluate(real.0, real.1)
                varies[i] = aVaries || bVaries
            }
        }
        return values[node]
    }
}

/// The error of each scheme as the step shrinks: h = 10⁻¹ … 10⁻¹⁵, against the exact AD value.
public struct ErrorStudy: Sendable {
    /// One step size and each scheme's absolute error there.
    public struct Row: Sendable, Equatable {
        public var h: Double
        public var errors: [FiniteDifference: Double]
    }

    /// The exact derivative (reverse-mode AD), the reference.
    public let exact: Double
    /// The rows, largest h first.
    public let rows: [Row]
    /// The input differentiated by.
    public let input: String
    /// The trace's warnings at the point (kinks, undefined partials), as `compare` prints them.
    public let notes: [String]
    /// Whether the point sits on a kink (abs at 0, relu at 0, max of equal arguments): there the
    /// one-sided schemes see one slope each, and no step makes the error fall.
    public let atKink: Bool

    /// Studies ∂(output)/∂(input `j`) of `graph` at `point`.
    public init(_ graph: Graph, at point: [Double], input j: Int, exponents: ClosedRange<Int> = 1...15) throws(AdvizError) {
        let trace = try Trace(graph, at: point, options: TraceOptions(mode: .reverse))
        exact = trace.gradient[j]
        input = graph.inputNames[j]
        notes = trace.warningMessages()
        let values = trace.evaluation.values
        atKink = graph.nodes.contains { node in
            guard node.op.piece(0, 0) != nil else { return false }
            return node.op.kink(values[Int(node.a)], node.op.arity == 2 ? values[Int(node.b)] : 0) != nil
        }
        rows = exponents.map { k in
            let h = Foundation.pow(10, -Double(k))
            var errors: [FiniteDifference: Double] = [:]
            for scheme in FiniteDifference.allCases {
                errors[scheme] = Swift.abs(scheme.derivative(graph, at: point, input: j, h: h * Swift.max(1, Swift.abs(point[j]))) - trace.gradient[j])
            }
            return Row(h: h, errors: errors)
        }
    }

    /// The step with the smallest error for `scheme`, and that error.
    public func best(_ scheme: FiniteDifference) -> (h: Double, error: Double) {
        let row = rows.min { ($0.errors[scheme] ?? .infinity) < ($1.errors[scheme] ?? .infinity) }!
        return (row.h, row.errors[scheme]!)
    }
}
