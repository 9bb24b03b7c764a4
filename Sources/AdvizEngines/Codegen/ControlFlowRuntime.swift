import Foundation
import AdvizCore

/// The C runtime of a ``ControlFlowProgram``: Python's values, the per-call tape with the
/// trace's sharing, and the steps of every operation from the table of primitives.
enum ControlFlowRuntime {
    /// Each operation's value and partials as C, from the table (``Op/code(_:_:in:)``,
    /// ``Op/partialCode(_:a:b:v:constantA:constantB:in:)``, the rules' sweep formulas): what the
    /// trace's primal sweep computes, checked bit for bit by `ControlFlowProgramTests`.
    static var steps: String {
        var c = "static inline double ad_value(int op, double a, double b)\n{\n    switch (op) {\n"
        var p = "static inline void ad_partials(int op, double a, double b, double v, double *pa, double *pb)\n{\n    switch (op) {\n"
        let formula = FormulaCode(language: .c, name: { ["a", "b", "v"][$0] }, literal: { DerivativeCode.cLiteral($0) })
        for op in Op.allCases where op.arity > 0 {
            let value = op == .pow ? "(b == 2.0 ? a * a : pow(a, b))" : op.code("a", "b", in: .c)
            c += "    case \(op.rawValue): return \(value);  /* \(op.name) */\n"
            let partials = (0..<op.arity).map { k in
                op.partialCode(k, a: "a", b: "b", v: "v", constantA: false, constantB: false, in: .c)
                    ?? formula.write(op.rule.sweepFormulas[k]).text
            }
            p += "    case \(op.rawValue): *pa = \(partials[0]); *pb = \(op.arity == 2 ? partials[1] : "0.0"); return;\n"
        }
        c += "    default: return NAN;\n    }\n}\n\n"
        p += "    default: *pa = NAN; *pb = NAN; return;\n    }\n}\n\n"
        return c + p
    }

    static var text: String { prelude + steps + tape + values + python }

    /// The most nodes one point's tape may hold (40 bytes each); past it the point is left to the executor.
    static let maximumNodes = 1 << 23

    static let prelude = """
        #include <math.h>
        #include <stdint.h>
        #include <stdlib.h>
        #include <string.h>
        #pragma GCC diagnostic ignored "-Wunused-variable"
        #pragma GCC diagnostic ignored "-Wunused-but-set-variable"
        #pragma GCC diagnostic ignored "-Wunused-function"

        /* A Python value: a float, int, bool or None computed in Python (k), or a value computed
           from the inputs (AD_TRACED): r >= 0 is its node on the tape, r < 0 an operation not yet
           named by a statement (pending entry -r - 1), recorded when a statement names it. */
        enum { AD_FLOAT, AD_INT, AD_BOOL, AD_NONE, AD_UNBOUND, AD_TRACED };
        typedef struct { double v; int32_t r; int32_t k; } ad_val;
        #define AD_RETURN(x) do { ad_val ad_r_ = (x); t->depth--; return ad_r_; } while (0)
        #define AD_ABSENT INT32_MIN
        #define AD_LIFT 255
        #define AD_INPUT \(Op.input.rawValue)
        #define AD_CONSTANT \(Op.constant.rawValue)

        typedef struct {
            long n, cap;                /* the tape: nodes in the trace's order */
            uint8_t *op; int32_t *a, *b; double *v, *pa, *pb, *adj; uint8_t *live;
            long pn, pcap;              /* operations not yet named */
            uint8_t *pop; int32_t *pl, *pr; double *pv;
            long hcap; int32_t *hid; uint32_t *hgen; uint32_t gen;  /* sharing: (op, a, b) -> node */
            int64_t *tasks; int32_t *names; long scap;
            int err, depth, inputs; long statements;
        } ad_tape;


        """

    static let tape = """
        static inline void *ad_grow(ad_tape *t, void *p, long count, size_t size)
        {
            void *q = realloc(p, (size_t)count * size);
            if (!q) t->err = 2;
            return q ? q : p;
        }

        static inline void ad_tape_init(ad_tape *t) { memset(t, 0, sizeof *t); }

        static inline void ad_tape_free(ad_tape *t)
        {
            free(t->op); free(t->a); free(t->b); free(t->v); free(t->pa); free(t->pb); free(t->adj); free(t->live);
            free(t->pop); free(t->pl); free(t->pr); free(t->pv); free(t->hid); free(t->hgen); free(t->tasks); free(t->names);
        }

        static inline int ad_room(ad_tape *t)
        {
            if (t->n < t->cap) return 1;
            long c = t->cap ? 2 * t->cap : 256;
            if (c > \(ControlFlowRuntime.maximumNodes)) { t->err = 2; return 0; }
            t->op = ad_grow(t, t->op, c, 1); t->a = ad_grow(t, t->a, c, 4); t->b = ad_grow(t, t->b, c, 4);
            t->v = ad_grow(t, t->v, c, 8); t->pa = ad_grow(t, t->pa, c, 8); t->pb = ad_grow(t, t->pb, c, 8);
            t->adj = ad_grow(t, t->adj, c, 8); t->live = ad_grow(t, t->live, c, 1);
            if (t->err) return 0;
            t->cap = c;
            return 1;
        }

        static inline uint64_t ad_key(int op, int32_t a, int32_t b, double c)
        {
            uint64_t bits;
            memcpy(&bits, &c, 8);
            uint64_t h = op == AD_CONSTANT ? bits : ((uint64_t)(uint32_t)a << 32 | (uint32_t)b) ^ ((uint64_t)op << 56);
            h ^= h >> 33; h *= 0xff51afd7ed558ccdULL; h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53ULL; h ^= h >> 33;
            return h;
        }

        static inline int ad_same(ad_tape *t, int32_t id, int op, int32_t a, int32_t b, double c)
        {
            if (t->op[id] != op) return 0;
            if (op == AD_CONSTANT) return memcmp(&t->v[id], &c, 8) == 0;
            return t->a[id] == a && t->b[id] == b;
        }

        static inline void ad_place(ad_tape *t, int32_t id)
        {
            uint64_t mask = (uint64_t)t->hcap - 1;
            uint64_t s = ad_key(t->op[id], t->a[id], t->b[id], t->v[id]) & mask;
            while (t->hgen[s] == t->gen) s = (s + 1) & mask;
            t->hgen[s] = t->gen;
            t->hid[s] = id;
        }

        /* The table at least twice the tape: rebuilt larger when the tape outgrows it. */
        static inline void ad_table_room(ad_tape *t)
        {
            if (2 * t->n < t->hcap) return;
            long c = t->hcap ? 2 * t->hcap : 1024;
            while (2 * t->n >= c) c *= 2;
            free(t->hid); free(t->hgen);
            t->hid = malloc((size_t)c * 4);
            t->hgen = calloc((size_t)c, 4);
            if (!t->hid || !t->hgen) { t->err = 2; t->hcap = 0; return; }
            t->hcap = c;
            t->gen = 1;
            for (int32_t i = t->inputs; i < t->n; i++) ad_place(t, i);
        }

        /* The node op(a, b) (or the constant c): the one already on the tape, as the trace shares
           it, or a new one with its value and partials as the trace's primal sweep computes them. */
        static inline int32_t ad_node(ad_tape *t, int op, int32_t a, int32_t b, double c)
        {
            if (t->err) return 0;
            ad_table_room(t);
            if (t->err) return 0;
            uint64_t mask = (uint64_t)t->hcap - 1;
            uint64_t s = ad_key(op, a, b, c) & mask;
            while (t->hgen[s] == t->gen) {
                if (ad_same(t, t->hid[s], op, a, b, c)) return t->hid[s];
                s = (s + 1) & mask;
            }
            if (!ad_room(t)) return 0;
            int32_t id = (int32_t)t->n++;
            t->op[id] = (uint8_t)op; t->a[id] = a; t->b[id] = b;
            if (op == AD_CONSTANT) {
                t->v[id] = c; t->pa[id] = 0; t->pb[id] = 0;
            } else {
                double va = t->v[a], vb = b >= 0 ? t->v[b] : 0.0;
                double v = ad_value(op, va, vb), pa, pb;
                ad_partials(op, va, vb, v, &pa, &pb);
                if (v != v) { pa = NAN; pb = NAN; }
                if (t->op[a] == AD_CONSTANT) pa = 0;
                if (b >= 0 && t->op[b] == AD_CONSTANT) pb = 0;
                t->v[id] = v; t->pa[id] = pa; t->pb[id] = pb;
            }
            t->hgen[s] = t->gen;
            t->hid[s] = id;
            return id;
        }

        /* A new point: the inputs are nodes 0 … n-1, nothing else is recorded. */
        static inline void ad_begin(ad_tape *t, int inputs, const double *x)
        {
            t->n = 0; t->pn = 0; t->err = 0; t->depth = 0; t->statements = 0; t->inputs = inputs;
            if (t->hcap && ++t->gen == 0) { memset(t->hgen, 0, (size_t)t->hcap * 4); t->gen = 1; }
            for (int j = 0; j < inputs; j++) {
                if (!ad_room(t)) return;
                t->op[j] = AD_INPUT; t->a[j] = -1; t->b[j] = -1; t->v[j] = x[j]; t->pa[j] = 0; t->pb[j] = 0;
                t->n++;
            }
        }

        static inline ad_val ad_input(int j, double x) { ad_val r = { x, j, AD_TRACED }; return r; }

        /* The trace's reverse sweep: adjoints pulled back from the output, node by node, in
           reverse order; a node no output reaches passes nothing on (0·∞ stays out). */
        static inline void ad_reverse(ad_tape *t, int32_t output, int inputs)
        {
            memset(t->adj, 0, (size_t)t->n * 8);
            memset(t->live, 0, (size_t)t->n);
            t->adj[output] += 1.0;
            t->live[output] = 1;
            for (long i = t->n - 1; i >= inputs; i--) {
                if (!t->live[i] || t->a[i] < 0) continue;
                double g = t->adj[i];
                t->adj[t->a[i]] += g * t->pa[i];
                t->live[t->a[i]] = 1;
                if (t->b[i] >= 0) {
                    t->adj[t->b[i]] += g * t->pb[i];
                    t->live[t->b[i]] = 1;
                }
            }
        }


        """
}

extension DerivativeCode {
    /// A double as a C literal that reads back exactly.
    static func cLiteral(_ x: Double) -> String {
        if x.isNaN { return "NAN" }
        if x.isInfinite { return x < 0 ? "(-INFINITY)" : "INFINITY" }
        var text = "\(x)"
        if !text.contains(".") && !text.contains("e") { text += ".0" }
        return x < 0 ? "(\(text))" : text
    }
}
