import Foundation
import AdvizCore

/// `adviz grad` of a Python function that branches on its inputs, by one compiled kernel for
/// every path (``ControlFlowProgram``): each point runs the function's own loops and branches.
public enum PythonGradients {
    /// Value and gradient of `function` at every point, by the compiled control-flow kernel.
    ///
    /// A point where the kernel gives no number (the function returns None there, a `while`
    /// loop passes its cap, the tape outgrows its limit) is traced by the executor: its error is
    /// thrown as the trace would throw it, or, where the trace does give a number, that number
    /// is used. Throws where the code cannot be written or compiled; callers then group the
    /// points by path (see `adviz grad`).
    public static func compiled(
        _ module: PythonModule, function: String, points: PointColumns, threads: Int? = nil
    ) throws(AdvizError) -> GradientColumns {
        let program = ControlFlowProgram(try module.controlFlowCode(function: function))
        let kernel = try ControlFlowKernel(program)
        var run = kernel.run(points, threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let started = Date()
        for i in run.failed {
            let point = points.columns.map { $0[i] }
            let (value, gradient) = try traced(module, function: function, at: point)
            run.values[i] = value
            for j in gradient.indices { run.gradients[j][i] = gradient[j] }
        }
        let traced = run.failed.isEmpty ? "" : "; \(run.failed.count) point\(run.failed.count == 1 ? "" : "s") traced by the executor"
        return GradientColumns(
            values: run.values, gradients: run.gradients,
            engine: "compiled: `\(function)` as C with its loops and branches, each point on its own path (a tape per call)\(traced)",
            compileSeconds: kernel.compileSeconds, seconds: run.seconds + Date().timeIntervalSince(started))
    }

    /// The trace's value and gradient at one point (its error where it has none).
    public static func traced(_ module: PythonModule, function: String, at point: [Double]) throws(AdvizError) -> (Double, [Double]) {
        let path = try module.trace(function: function, at: point)
        let program: Program
        do { program = try Program.parse(path.program) } catch { throw .input(error, path.program) }
        let graph = try Graph(program: program, options: GraphOptions(outputs: [path.output], inputs: path.parameters))
        let trace = try Trace(graph, at: point)
        return (trace.outputValues[0], trace.gradient)
    }
}
