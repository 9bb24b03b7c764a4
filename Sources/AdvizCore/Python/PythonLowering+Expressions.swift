/// Expressions as C: each subexpression a temporary, in the executor's order of evaluation
/// (operands left to right, a test before the branch it picks, `and`/`or` short-circuited).
extension PythonLowering {
    /// Writes the code of expression `e` and returns the temporary (or constant) holding it.
    mutating func expression(_ e: Int32) throws(Diagnostic) -> String {
        let x = module.expressions[Int(e)]
        depth += 1
        defer { depth -= 1 }
        guard depth < PythonLowering.maximumDepth else {
            throw Diagnostic("this expression nests too deeply for adviz to write it as C (line \(x.line))", at: x.span)
        }
        switch x.kind {
        case .number(let d, let isInteger):
            return PythonLowering.constant(isInteger && Swift.abs(d) < 9e18 ? .int(Int(d)) : .float(d))
        case .bool(let b): return PythonLowering.constant(.bool(b))
        case .none: return "ad_none()"
        case .name(let n): return store(read(n))
        case .conditional:
            // `body if test else orelse`: children are body, test, orelse.
            return try choice(test: x.children[1], first: x.children[0], second: x.children[2])
        case .call(let callee) where PythonExecutor.modulePrefixes.contains(where: { callee == $0 + "where" }):
            guard x.children.count == 3 else { return store("ad_fail(t)") }
            return try choice(test: x.children[0], first: x.children[1], second: x.children[2])
        case .boolean(let isAnd):
            let result = temporary()
            let first = try expression(x.children[0])
            emit("ad_val \(result) = \(first);")
            try shortCircuit(result, x.children, from: 1, isAnd: isAnd)
            return result
        case .unary(let op):
            let a = try expression(x.children[0])
            return store(op == "not" ? "ad_b(!ad_truth(t, \(a)))" : op == "+" ? "ad_plus(\(a))" : "ad_neg(t, \(a))")
        case .binary(let op):
            let a = try expression(x.children[0])
            let b = try expression(x.children[1])
            return store("ad_bin(t, \(PythonLowering.symbols.firstIndex(of: op) ?? -1), \(a), \(b))")
        case .compare(let ops):
            var operands: [String] = []
            for c in x.children { operands.append(try expression(c)) }
            let truth = temporary()
            emit("int \(truth) = 1;")
            for (k, op) in ops.enumerated() {
                emit("if (\(truth)) \(truth) = ad_compare(t, \(PythonLowering.comparisons.firstIndex(of: op) ?? 4), \(operands[k]), \(operands[k + 1]));")
            }
            return store("ad_b(\(truth))")
        case .call(let callee):
            var arguments: [String] = []
            for c in x.children { arguments.append(try expression(c)) }
            return try call(callee, arguments)
        }
    }

    /// `ad_val T = code;`, returning `T`.
    mutating func store(_ code: String) -> String {
        let t = temporary()
        emit("ad_val \(t) = \(code);")
        return t
    }

    /// A test, then only the operand it picks (`a if c else b`, `np.where(c, a, b)`).
    mutating func choice(test: Int32, first: Int32, second: Int32) throws(Diagnostic) -> String {
        let condition = try expression(test)
        let result = temporary()
        emit("ad_val \(result);")
        emit("if (ad_truth(t, \(condition))) {")
        try nested { (me: inout PythonLowering) throws(Diagnostic) in
            let value = try me.expression(first)
            me.emit("\(result) = \(value);")
        }
        emit("} else {")
        try nested { (me: inout PythonLowering) throws(Diagnostic) in
            let value = try me.expression(second)
            me.emit("\(result) = \(value);")
        }
        emit("}")
        return result
    }

    /// `a and b and c`: the next operand only while the last one's truth lets the result go on.
    mutating func shortCircuit(_ result: String, _ operands: [Int32], from k: Int, isAnd: Bool) throws(Diagnostic) {
        guard k < operands.count else { return }
        emit("if (\(isAnd ? "" : "!")ad_truth(t, \(result))) {")
        try nested { (me: inout PythonLowering) throws(Diagnostic) in
            let value = try me.expression(operands[k])
            me.emit("\(result) = \(value);")
            try me.shortCircuit(result, operands, from: k + 1, isAnd: isAnd)
        }
        emit("}")
    }

    /// A call, its arguments already evaluated: a function of the file (its arguments named as
    /// the executor names them), a builtin, or an operation of adviz by a module's name.
    mutating func call(_ callee: String, _ a: [String]) throws(Diagnostic) -> String {
        if let index = module.functions.firstIndex(where: { $0.name == callee }) {
            guard a.count == module.functions[index].parameters.count else { return store("ad_fail(t)") }
            let bound = a.map { store("ad_bind(t, \($0))") }
            let result = store("F\(index)(t" + bound.map { ", " + $0 }.joined() + ")")
            check()
            return result
        }
        var name = callee
        for prefix in PythonExecutor.modulePrefixes where callee.hasPrefix(prefix) { name = String(callee.dropFirst(prefix.count)) }
        let isBuiltin = name == callee
        switch name {
        case "print": return "ad_none()"
        case "round", "around", "rint": return store("ad_fail(t)")
        case "float" where isBuiltin:
            return store(a.count == 1 ? "ad_float(\(a[0]))" : "ad_fail(t)")
        case "float64":
            return store(a.count == 1 ? "ad_float64(\(a[0]))" : "ad_fail(t)")
        case "int" where isBuiltin:
            return store(a.count == 1 ? "ad_int(t, \(a[0]))" : "ad_fail(t)")
        case "square" where !isBuiltin && a.count == 1:
            return store("ad_bin(t, 2, \(a[0]), \(a[0]))")
        case "pow" where a.count == 2, "power" where a.count == 2:
            return store("ad_bin(t, 4, \(a[0]), \(a[1]))")
        case "max" where isBuiltin && a.count > 2, "min" where isBuiltin && a.count > 2:
            let op = name == "max" ? Op.max : Op.min
            var result = a[0]
            for v in a.dropFirst() { result = store("ad_apply(t, \(op.rawValue), 2, \(result), \(v))") }
            return result
        default: break
        }
        let builtins: Set<String> = ["abs", "max", "min", "pow"]
        guard !isBuiltin || builtins.contains(name), let op = PythonExecutor.renamed[name] ?? Op.function(named: name), op.arity > 0,
            a.count == op.arity
        else { return store("ad_fail(t)") }
        return store("ad_apply(t, \(op.rawValue), \(op.arity), \(a[0]), \(a.count > 1 ? a[1] : "ad_none()"))")
    }
}
