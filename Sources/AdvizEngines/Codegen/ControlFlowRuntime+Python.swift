import AdvizCore

extension ControlFlowRuntime {
    /// Operations not yet named, and naming them: the trace reads the text the executor writes,
    /// so an operation becomes nodes only when a statement names it, in the order of that text.
    static let values = """
        static inline int32_t ad_pend(ad_tape *t, int op, int32_t l, int32_t r, double v)
        {
            if (t->pn == t->pcap) {
                long c = t->pcap ? 2 * t->pcap : 256;
                t->pop = ad_grow(t, t->pop, c, 1); t->pl = ad_grow(t, t->pl, c, 4); t->pr = ad_grow(t, t->pr, c, 4); t->pv = ad_grow(t, t->pv, c, 8);
                if (t->err) return 0;
                t->pcap = c;
            }
            long p = t->pn++;
            t->pop[p] = (uint8_t)op; t->pl[p] = l; t->pr[p] = r; t->pv[p] = v;
            return (int32_t)(-p - 1);
        }

        /* A number of Python's in the trace: the nodes of the text the executor writes for it
           (`(-3)` is a negation of 3, NaN `sqrt(-1)`, ∞ `(1/0)`). */
        static inline int32_t ad_lift(ad_tape *t, double c)
        {
            if (c != c) return ad_node(t, \(Op.sqrt.rawValue), ad_node(t, \(Op.neg.rawValue), ad_node(t, AD_CONSTANT, -1, -1, 1.0), -1, 0), -1, 0);
            if (isinf(c)) {
                int32_t one = ad_node(t, AD_CONSTANT, -1, -1, 1.0);
                if (c < 0) one = ad_node(t, \(Op.neg.rawValue), one, -1, 0);
                return ad_node(t, \(Op.div.rawValue), one, ad_node(t, AD_CONSTANT, -1, -1, 0.0), 0);
            }
            if (signbit(c)) return ad_node(t, \(Op.neg.rawValue), ad_node(t, AD_CONSTANT, -1, -1, -c), -1, 0);
            return ad_node(t, AD_CONSTANT, -1, -1, c);
        }

        /* Names an operation: its nodes, left operand first, each shared where the tape has it. */
        static inline int32_t ad_name(ad_tape *t, int32_t ref)
        {
            if (ref >= 0) return ref;
            if (t->scap < 2 * t->pn + 8) {
                long c = 2 * t->pn + 8;
                t->tasks = ad_grow(t, t->tasks, c, 8); t->names = ad_grow(t, t->names, c, 4);
                if (t->err) return 0;
                t->scap = c;
            }
            long tn = 0, nn = 0;
            t->tasks[tn++] = (int64_t)ref * 2;
            while (tn > 0 && !t->err) {
                int64_t task = t->tasks[--tn];
                int32_t r = (int32_t)(task >> 1);
                if (r >= 0) { t->names[nn++] = r; continue; }
                long p = -(long)r - 1;
                if (t->pop[p] == AD_LIFT) { t->names[nn++] = ad_lift(t, t->pv[p]); continue; }
                if (!(task & 1)) {
                    t->tasks[tn++] = task | 1;
                    if (t->pr[p] != AD_ABSENT) t->tasks[tn++] = (int64_t)t->pr[p] * 2;
                    t->tasks[tn++] = (int64_t)t->pl[p] * 2;
                } else {
                    int32_t b = t->pr[p] != AD_ABSENT ? t->names[--nn] : -1;
                    int32_t a = t->names[--nn];
                    t->names[nn++] = ad_node(t, t->pop[p], a, b, 0);
                }
            }
            return t->err ? 0 : t->names[0];
        }


        """

    /// Python's values: its arithmetic on numbers, its truth, and the operations on values
    /// computed from the inputs, as the executor has them (`PythonValue.swift`).
    static let python = """
        static inline ad_val ad_f(double v) { ad_val r = { v, 0, AD_FLOAT }; return r; }
        static inline ad_val ad_i(double v) { ad_val r = { v == 0 ? 0.0 : v, 0, AD_INT }; return r; }
        static inline ad_val ad_b(int b) { ad_val r = { b ? 1.0 : 0.0, 0, AD_BOOL }; return r; }
        static inline ad_val ad_none(void) { ad_val r = { 0, 0, AD_NONE }; return r; }
        static inline ad_val ad_unbound(void) { ad_val r = { 0, 0, AD_UNBOUND }; return r; }
        static inline ad_val ad_fail(ad_tape *t) { if (!t->err) t->err = 1; return ad_none(); }
        static inline int ad_number(ad_val x) { return x.k != AD_NONE && x.k != AD_UNBOUND; }
        static inline int ad_intlike(ad_val x) { return x.k == AD_INT || x.k == AD_BOOL; }

        static inline ad_val ad_read(ad_tape *t, ad_val local, ad_val global)
        {
            if (local.k != AD_UNBOUND) return local;
            if (global.k != AD_UNBOUND) return global;
            return ad_fail(t);
        }

        static inline int ad_truth(ad_tape *t, ad_val x) { return ad_number(x) && x.v != 0; }
        static inline ad_val ad_plus(ad_val x) { if (x.k == AD_BOOL) x.k = AD_INT; return x; }

        /* Binds a value to a name: an operation computed from the inputs becomes a statement. */
        static inline ad_val ad_bind(ad_tape *t, ad_val x)
        {
            if (x.k != AD_TRACED || x.r >= 0) return x;
            if (t->statements >= \(PythonControlFlowCode.maximumStatements)) return ad_fail(t);
            t->statements++;
            x.r = ad_name(t, x.r);
            return x;
        }

        static inline ad_val ad_traced(ad_tape *t, int op, ad_val x, ad_val y, int arity)
        {
            if (!ad_number(x) || (arity == 2 && !ad_number(y))) return ad_fail(t);
            double v = ad_value(op, x.v, arity == 2 ? y.v : 0.0);
            int32_t l = x.k == AD_TRACED ? x.r : ad_pend(t, AD_LIFT, AD_ABSENT, AD_ABSENT, x.v);
            int32_t r = arity < 2 ? AD_ABSENT : y.k == AD_TRACED ? y.r : ad_pend(t, AD_LIFT, AD_ABSENT, AD_ABSENT, y.v);
            ad_val out = { v, ad_pend(t, op, l, r, v), AD_TRACED };
            return out;
        }

        static inline ad_val ad_integer(ad_tape *t, double r) { return fabs(r) <= 9007199254740992.0 ? ad_i(r) : ad_fail(t); }

        /* `+ - * / ** // %` by their index: Python's arithmetic, or an operation of the inputs. */
        static inline ad_val ad_bin(ad_tape *t, int symbol, ad_val x, ad_val y)
        {
            static const int ops[] = { \([Op.add, .sub, .mul, .div, .pow].map { String($0.rawValue) }.joined(separator: ", ")) };
            if (x.k == AD_TRACED || y.k == AD_TRACED) return symbol >= 0 && symbol < 5 ? ad_traced(t, ops[symbol], x, y, 2) : ad_fail(t);
            if (!ad_number(x) || !ad_number(y) || symbol < 0) return ad_fail(t);
            double a = x.v, b = y.v;
            if (ad_intlike(x) && ad_intlike(y)) {
                long long p = (long long)a, q = (long long)b;
                switch (symbol) {
                case 0: return ad_integer(t, a + b);
                case 1: return ad_integer(t, a - b);
                case 2: return ad_integer(t, a * b);
                case 3: return b == 0 ? ad_fail(t) : ad_f(a / b);
                case 4: return b < 0 ? ad_f(pow(a, b)) : ad_integer(t, pow(a, b));
                case 5: if (q == 0) return ad_fail(t); return ad_i((double)(p / q - ((p % q != 0) && ((p < 0) != (q < 0)))));
                default: if (q == 0) return ad_fail(t); { long long r = p % q; return ad_i((double)(r != 0 && ((r < 0) != (q < 0)) ? r + q : r)); }
                }
            }
            switch (symbol) {
            case 0: return ad_f(a + b);
            case 1: return ad_f(a - b);
            case 2: return ad_f(a * b);
            case 3: return b == 0 ? ad_fail(t) : ad_f(a / b);
            case 4: return ad_f(ad_value(\(Op.pow.rawValue), a, b));
            case 5: return b == 0 ? ad_fail(t) : ad_f(floor(a / b));
            default: if (b == 0) return ad_fail(t); { double r = fmod(a, b); return ad_f(r != 0 && ((r < 0) != (b < 0)) ? r + b : r); }
            }
        }

        static inline ad_val ad_neg(ad_tape *t, ad_val x)
        {
            if (x.k == AD_TRACED) return ad_traced(t, \(Op.neg.rawValue), x, x, 1);
            if (ad_intlike(x)) return ad_i(-x.v);
            return x.k == AD_FLOAT ? ad_f(-x.v) : ad_fail(t);
        }

        /* `< <= > >= == !=` by their index; None only in `==` and `!=`. */
        static inline int ad_compare(ad_tape *t, int symbol, ad_val x, ad_val y)
        {
            if (!ad_number(x) || !ad_number(y)) {
                int equal = ad_number(x) == ad_number(y) && (!ad_number(x) || x.v == y.v);
                if (symbol == 4) return equal;
                if (symbol == 5) return !equal;
                ad_fail(t);
                return 0;
            }
            double l = x.v, r = y.v;
            switch (symbol) {
            case 0: return l < r;
            case 1: return l <= r;
            case 2: return l > r;
            case 3: return l >= r;
            case 4: return l == r;
            default: return l != r;
            }
        }

        /* An operation of adviz's table: computed on Python's numbers, recorded on the inputs'. */
        static inline ad_val ad_apply(ad_tape *t, int op, int arity, ad_val x, ad_val y)
        {
            if (x.k == AD_TRACED || (arity == 2 && y.k == AD_TRACED)) return ad_traced(t, op, x, y, arity);
            if (op == \(Op.abs.rawValue) && ad_intlike(x)) return ad_i(fabs(x.v));
            if ((op == \(Op.max.rawValue) || op == \(Op.min.rawValue)) && ad_intlike(x) && ad_intlike(y))
                return ad_i(op == \(Op.max.rawValue) ? (y.v > x.v ? y.v : x.v) : (y.v < x.v ? y.v : x.v));
            if (!ad_number(x) || (arity == 2 && !ad_number(y))) return ad_fail(t);
            return ad_f(ad_value(op, x.v, arity == 2 ? y.v : 0.0));
        }

        static inline ad_val ad_float(ad_val x) { return ad_intlike(x) ? ad_f(x.v) : x; }
        static inline ad_val ad_float64(ad_val x) { return x.k == AD_TRACED ? x : ad_f(ad_number(x) ? x.v : NAN); }
        static inline ad_val ad_int(ad_tape *t, ad_val x) { return x.k == AD_TRACED || !ad_number(x) || !isfinite(x.v) ? ad_fail(t) : ad_integer(t, trunc(x.v)); }
        static inline long ad_range_argument(ad_tape *t, ad_val x) { if (!ad_intlike(x)) { ad_fail(t); return 0; } return (long)x.v; }

        /* The function's result as the output node; -1 where it gives no number. */
        static inline int32_t ad_output(ad_tape *t, ad_val x)
        {
            if (!ad_number(x) || x.k == AD_BOOL) { ad_fail(t); return -1; }
            int32_t id = x.k == AD_TRACED ? ad_name(t, x.r) : ad_lift(t, x.v);
            return t->err ? -1 : id;
        }


        """
}
