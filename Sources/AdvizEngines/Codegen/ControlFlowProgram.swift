import Foundation
import AdvizCore

/// A Python function as one C program with its loops and branches, and its gradient: what
/// `adviz codegen` writes for a Python function and what `adviz grad` compiles for many points.
///
/// Why a tape and not Tapenade's statement-by-statement adjoints: the trace shares identical
/// operations (`a*a` computed in every iteration is one node), and a name assigned from another
/// (`x = a`) is the same node, so the adjoint sums the trace forms are not the ones a reverse
/// sweep over the program's statements forms, and their rounding differs in the last bits. Here
/// the forward sweep runs the function with its own loops and branches and records each operation
/// it names (value, local partials, arguments) on a per-call tape, shared as the trace shares
/// them; the reverse sweep is the trace's loop over that tape. The gradient is the trace's to the
/// last bit at every point, each point following its own path; the cost is the tape in memory
/// (40 bytes per operation) and a table lookup per operation.
public struct ControlFlowProgram: Sendable {
    /// The function's code.
    public let code: PythonControlFlowCode
    /// The whole C source: runtime, the file's functions, and `adviz_python`.
    public let text: String

    /// The C program of `code`.
    public init(_ code: PythonControlFlowCode, source: String? = nil) {
        self.code = code
        let n = code.parameters.count
        let arguments = (0..<n).map { ", ad_input(\($0), x[\($0)])" }.joined()
        let header = """
            /* adviz: `\(code.function)(\(code.parameters.joined(separator: ", ")))` as C, its loops and branches kept.
               adviz_python(begin, end, in, value, grad, failed) runs points [begin, end) of the
               columns in[0..\(n - 1)]: the function's value, its gradient by reverse-mode AD, and
               failed[i] = 1 where the function gives no number (the trace says why). */

            """
        let entry = """
            /* The function at each point: the forward sweep records the path's tape, the reverse
               sweep pulls the adjoints back through it, as adviz's trace does. */
            void adviz_python(long begin, long end, const double *const *in, double *value, double *const *grad, int *failed)
            {
                ad_tape tape;
                ad_tape *t = &tape;
                ad_tape_init(t);
                double x[\(max(n, 1))];
                for (long i = begin; i < end; i++) {
                    for (int j = 0; j < \(n); j++) x[j] = in[j][i];
                    ad_begin(t, \(n), x);
                    ad_val result = \(code.entry)(t\(arguments));
                    int32_t output = t->err ? -1 : ad_output(t, result);
                    failed[i] = output < 0;
                    if (output < 0) continue;
                    if (value) value[i] = t->v[output];
                    ad_reverse(t, output, \(n));
                    for (int j = 0; j < \(n); j++) grad[j][i] = t->adj[j];
                }
                ad_tape_free(t);
            }

            """
        text = header + ControlFlowRuntime.text + "\n/* The file's functions, with their loops and branches. */\n" + code.functions + "\n" + entry
    }
}
