/// Expressions: evaluated with an explicit stack of tasks over the flat tree (no recursion,
/// except into the body of a called function of the file).
extension PythonExecutor {
    private enum Task {
        /// Evaluate the expression and push its value.
        case visit(Int32)
        /// Pop the children's values and combine them.
        case finish(Int32)
        /// Pop a test's value and go on with one of two children (`a if c else b`, `np.where`).
        case choose(Int32)
        /// Pop an operand of `and`/`or`; stop there or go on with operand `k`.
        case boolean(Int32, Int)
    }

    /// The module prefixes whose functions are adviz's operations.
    static let modulePrefixes = ["math.", "np.", "numpy.", "jnp.", "jax.numpy."]

    /// NumPy functions adviz has no operation for but that the ones it has write: the hint.
    static let rewrites: [String: String] = [
        "clip": "write `np.clip(x, lo, hi)` as `np.minimum(np.maximum(x, lo), hi)`",
    ]

    /// Python and NumPy names whose adviz operation has another name.
    static let renamed: [String: Op] = [
        "arctan": .atan, "arcsin": .asin, "arccos": .acos, "arcsinh": .asinh, "arccosh": .acosh, "arctanh": .atanh,
        "arctan2": .atan2, "fabs": .abs, "absolute": .abs, "maximum": .max, "minimum": .min, "power": .pow,
    ]

    /// The value of expression `root`.
    mutating func evaluate(_ root: Int32, _ locals: inout [String: PyValue]) throws(Diagnostic) -> PyValue {
        var tasks: [Task] = [.visit(root)]
        var values: [PyValue] = []
        while let task = tasks.popLast() {
            switch task {
            case .visit(let e):
                let x = module.expressions[Int(e)]
                switch x.kind {
                case .number(let d, let isInteger): values.append(isInteger && abs(d) < 9e18 ? .int(Int(d)) : .float(d))
                case .bool(let b): values.append(.bool(b))
                case .none: values.append(.none)
                case .name(let n): values.append(try lookup(n, locals, x.span))
                case .conditional:
                    tasks.append(.choose(e))
                    tasks.append(.visit(x.children[1]))
                case .call(let callee) where Self.modulePrefixes.contains(where: { callee == $0 + "where" }):
                    guard x.children.count == 3 else { throw fail("`\(callee)` takes 3 arguments (condition, a, b), got \(x.children.count)", x.span) }
                    lastComparison = nil; lastKink = nil; lastDependsOnInputs = false
                    tasks.append(.choose(e))
                    tasks.append(.visit(x.children[0]))
                case .boolean:
                    tasks.append(.boolean(e, 1))
                    tasks.append(.visit(x.children[0]))
                default:
                    tasks.append(.finish(e))
                    for c in x.children.reversed() { tasks.append(.visit(c)) }
                }
            case .choose(let e):
                let x = module.expressions[Int(e)]
                let test = forcedTruth(try truth(values.removeLast(), at: x.span))
                let isWhere = x.kind != .conditional
                let testIndex = isWhere ? x.children[0] : x.children[1]
                record(
                    line: x.line, construct: isWhere ? "np.where" : "… if … else …", condition: module.text(of: testIndex),
                    outcome: test ? (isWhere ? "picks the first" : "taken") : (isWhere ? "picks the second" : "not taken"),
                    alternative: test ? "the other value" : "the first value")
                tasks.append(.visit(isWhere ? x.children[test ? 1 : 2] : x.children[test ? 0 : 2]))
            case .boolean(let e, let k):
                let x = module.expressions[Int(e)]
                guard case .boolean(let isAnd) = x.kind else { continue }
                let value = values.removeLast()
                let t = try truth(value, at: x.span)
                if t != isAnd || k == x.children.count {
                    values.append(value)
                } else {
                    tasks.append(.boolean(e, k + 1))
                    tasks.append(.visit(x.children[k]))
                }
            case .finish(let e):
                let x = module.expressions[Int(e)]
                let arguments = Array(values.suffix(x.children.count))
                values.removeLast(x.children.count)
                values.append(try combine(x, arguments, &locals))
            }
        }
        return values[0]
    }

    private func lookup(_ name: String, _ locals: [String: PyValue], _ span: SourceSpan) throws(Diagnostic) -> PyValue {
        if let v = locals[name] ?? globals[name] { return v }
        for prefix in Self.modulePrefixes where name.hasPrefix(prefix) {
            switch String(name.dropFirst(prefix.count)) {
            case "pi": return .float(Double.pi)
            case "e": return .float(2.718281828459045)
            case "inf": return .float(.infinity)
            case "nan": return .float(.nan)
            default: throw fail("`\(name)` is a function, not a value (line \(module.source.location(ofByte: span.start).line))", span)
            }
        }
        if module.functions.contains(where: { $0.name == name }) {
            throw fail("adviz reads scalar Python: a function as a value is not part of it (line \(module.source.location(ofByte: span.start).line))", span)
        }
        let line = module.source.location(ofByte: span.start).line
        let known = Array(locals.keys) + Array(globals.keys)
        let hint = Suggestion.closest(to: name, among: known).map { "did you mean `\($0)`?" }
        throw fail("NameError: name `\(name)` is not defined at this point (line \(line))", span, hint: hint)
    }

    /// One expression's value from its children's values.
    private mutating func combine(_ x: PyExpr, _ a: [PyValue], _ locals: inout [String: PyValue]) throws(Diagnostic) -> PyValue {
        switch x.kind {
        case .unary("not"): return .bool(!(try truth(a[0], at: x.span)))
        case .unary("+"):
            if case .bool(let b) = a[0] { return .int(b ? 1 : 0) }
            return a[0]
        case .unary(_):
            switch a[0].intLike {
            case .int(let i): return i == Int.min ? .float(-Double(i)) : .int(-i)
            case .float(let d): return .float(-d)
            case .traced(let t): return .traced(PyTracedOps.unary(.neg, t))
            default: throw fail("TypeError: bad operand type for unary -: `\(a[0].typeName)`", x.span)
            }
        case .binary(let op): return try arithmetic(op, a[0], a[1], span: x.span)
        case .compare(let ops): return try compare(ops, a, x)
        case .call(let callee): return try call(callee, a, x)
        default: throw fail("internal: an expression of an unexpected kind", x.span)
        }
    }

    /// Python's truth of a value; a traced value's truth depends on the point.
    mutating func truth(_ value: PyValue, at span: SourceSpan) throws(Diagnostic) -> Bool {
        switch value {
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .float(let d): return d != 0
        case .traced(let t):
            lastDependsOnInputs = true
            if lastComparison == nil { lastComparison = "\(PyNumberText.string(t.value)) ≠ 0" }
            return t.value != 0
        case .none: return false
        }
    }

    /// `a op b` for `+ - * / ** // %`: Python's arithmetic, or a traced operation.
    mutating func arithmetic(_ symbol: String, _ a: PyValue, _ b: PyValue, span: SourceSpan) throws(Diagnostic) -> PyValue {
        if a.isTraced || b.isTraced {
            let ops: [String: Op] = ["+": .add, "-": .sub, "*": .mul, "/": .div, "**": .pow]
            guard let op = ops[symbol] else {
                throw fail("adviz reads scalar Python: `\(symbol)` on a value computed from the inputs is not part of it (line \(module.source.location(ofByte: span.start).line))", span)
            }
            return .traced(PyTracedOps.binary(op, try constant(a, span), try constant(b, span)))
        }
        do {
            return try PyArithmetic.binary(symbol, a, b)
        } catch {
            let line = module.source.location(ofByte: span.start).line
            switch error {
            case .zeroDivision: throw fail("ZeroDivisionError: division by zero (line \(line))", span)
            case .overflow: throw fail("the integer result of `\(symbol)` is too large for adviz (line \(line))", span)
            case .unsupported: throw fail("TypeError: unsupported operand types for \(symbol): `\(a.typeName)` and `\(b.typeName)` (line \(line))", span)
            }
        }
    }

    /// A value as a traced operand: a Python-side number becomes a constant of the program.
    func constant(_ v: PyValue, _ span: SourceSpan) throws(Diagnostic) -> PyValue.Traced {
        guard let t = v.asTraced() else {
            throw fail(v.number == nil ? "TypeError: None in arithmetic" : "the constant \(PyNumberText.string(v)) cannot enter a traced computation", span)
        }
        return t
    }

    private mutating func compare(_ ops: [String], _ values: [PyValue], _ x: PyExpr) throws(Diagnostic) -> PyValue {
        var parts: [String] = []
        var result = true
        for (k, op) in ops.enumerated() {
            guard let l = values[k].number, let r = values[k + 1].number else {
                if op == "==" || op == "!=" { result = result && ((op == "==") == (values[k].number == values[k + 1].number)); continue }
                throw fail("TypeError: `\(op)` between `\(values[k].typeName)` and `\(values[k + 1].typeName)`", x.span)
            }
            let traced = values[k].isTraced || values[k + 1].isTraced
            if traced {
                lastDependsOnInputs = true
                let scale = max(abs(l), abs(r))
                if scale.isFinite && abs(l - r) <= 16 * Double.ulpOfOne * scale {
                    lastKink = "its two sides are equal within rounding here (\(PyNumberText.string(l)) and \(PyNumberText.string(r)))"
                }
            }
            parts.append("\(PyNumberText.string(l)) \(op) \(PyNumberText.string(r))")
            let holds: Bool
            switch op {
            case "<": holds = l < r
            case "<=": holds = l <= r
            case ">": holds = l > r
            case ">=": holds = l >= r
            case "==": holds = l == r
            default: holds = l != r
            }
            result = result && holds
            if !holds { break }
        }
        lastComparison = parts.joined(separator: ", ") + (result ? "" : " is false")
        return .bool(result)
    }

    /// A call: one of the file's functions, a builtin, or an operation of adviz by a module's name.
    private mutating func call(_ callee: String, _ a: [PyValue], _ x: PyExpr) throws(Diagnostic) -> PyValue {
        if let f = module.functions.first(where: { $0.name == callee }) {
            guard a.count == f.parameters.count else {
                throw fail("TypeError: `\(callee)` takes \(f.parameters.count) argument\(f.parameters.count == 1 ? "" : "s"), got \(a.count) (line \(x.line))", x.span)
            }
            var locals: [String: PyValue] = [:]
            for (p, v) in zip(f.parameters, a) {
                if case .traced(let t) = v, !t.isAtomic {
                    locals[p] = .traced(try emit(p, t, at: x.span))
                } else {
                    locals[p] = v
                }
            }
            return try self.call(f, locals: locals, at: x.span)
        }
        var name = callee
        for prefix in Self.modulePrefixes where callee.hasPrefix(prefix) { name = String(callee.dropFirst(prefix.count)) }
        let isBuiltin = name == callee
        switch name {
        case "print": notes.append("`print(…)` on line \(x.line) is ignored"); return .none
        case "float" where isBuiltin || name == "float64":
            guard a.count == 1 else { break }
            if case .int(let i) = a[0].intLike { return .float(Double(i)) }
            return a[0]
        case "float64":
            guard a.count == 1 else { break }
            return a[0].isTraced ? a[0] : .float(a[0].number ?? .nan)
        case "int" where isBuiltin:
            guard a.count == 1, !a[0].isTraced, let d = a[0].number, d.isFinite else {
                throw fail("adviz reads scalar Python: `int(…)` of a value computed from the inputs is not part of it (line \(x.line))", x.span)
            }
            return .int(Int(d.rounded(.towardZero)))
        case "square" where !isBuiltin:
            guard a.count == 1 else { break }
            return try arithmetic("*", a[0], a[0], span: x.span)
        case "pow" where a.count == 2, "power" where a.count == 2:
            return try arithmetic("**", a[0], a[1], span: x.span)
        case "log" where a.count == 2 && callee.hasPrefix("math."):
            // Python's math.log(x, b) is log(x)/log(b), computed so (adviz's own log(x, b) too).
            return try arithmetic("/", try apply(.log, [a[0]], x), try apply(.log, [a[1]], x), span: x.span)
        case "max" where isBuiltin && a.count > 2, "min" where isBuiltin && a.count > 2:
            var result = a[0]
            for v in a.dropFirst() { result = try apply(name == "max" ? .max : .min, [result, v], x) }
            return result
        case "round" where isBuiltin, "round", "around", "rint":
            throw fail("adviz reads scalar Python: `\(callee)` is not part of it (line \(x.line)): Python rounds halves to even, adviz's `round` away from zero", x.span)
        default: break
        }
        let builtins: Set<String> = ["abs", "max", "min", "pow"]
        guard !isBuiltin || builtins.contains(name) else {
            if ["list", "len", "dict", "str", "range", "sum", "isinstance", "tuple", "set", "map", "zip", "enumerate"].contains(name) {
                throw fail("adviz reads scalar Python: `\(name)(…)` is not part of it (line \(x.line))", x.span)
            }
            let hint = Suggestion.closest(to: name, among: module.functionNames + ["abs", "max", "min", "pow"]).map { "did you mean `\($0)`?" }
            throw fail("NameError: name `\(name)` is not defined (line \(x.line))", x.span, hint: hint)
        }
        guard let op = Self.renamed[name] ?? Op.function(named: name), op.arity > 0 else {
            let known = Op.functionNames.map { "np." + $0 }
            let hint = Self.rewrites[name] ?? Suggestion.closest(to: callee, among: known).map { "did you mean `\($0)`?" }
                ?? "the functions adviz knows are \(Op.functionNames.joined(separator: ", "))"
            throw fail("adviz does not know the function `\(callee)` (line \(x.line))", x.span, hint: hint)
        }
        guard a.count == op.arity else {
            throw fail("`\(callee)` takes \(op.arity) argument\(op.arity == 1 ? "" : "s"), got \(a.count) (line \(x.line))", x.span)
        }
        return try apply(op, a, x)
    }

    /// Applies an operation of adviz: on Python-side numbers it is computed (ints kept by
    /// `abs`, `max`, `min`), on traced values it is written into the program.
    private mutating func apply(_ op: Op, _ a: [PyValue], _ x: PyExpr) throws(Diagnostic) -> PyValue {
        if !a.contains(where: \.isTraced) {
            if case .int(let i) = a[0].intLike, op == .abs, i != Int.min { return .int(Swift.abs(i)) }
            if op == .max || op == .min, case .int(let i) = a[0].intLike, case .int(let j) = a[1].intLike {
                return .int(op == .max ? (j > i ? j : i) : (j < i ? j : i))
            }
            guard let u = a[0].number, let v = (a.count > 1 ? a[1].number : 0) else { throw fail("TypeError: None passed to `\(op.name)`", x.span) }
            return .float(op.evaluate(u, v))
        }
        if op.arity == 1 { return .traced(PyTracedOps.unary(op, try constant(a[0], x.span))) }
        return .traced(PyTracedOps.binary(op, try constant(a[0], x.span), try constant(a[1], x.span)))
    }
}
