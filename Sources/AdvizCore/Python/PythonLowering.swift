import Foundation

/// A Python function of the subset as C that keeps its loops as loops and its branches as
/// branches: each point follows its own path when the code runs.
///
/// The C calls a small runtime (`ad_*`, written by AdvizEngines' `ControlFlowProgram`) that
/// does what the executor does at each operation: Python-side numbers stay numbers, a value
/// computed from the inputs is pending until a statement names it, and naming it records its
/// operations on a per-call tape, shared as the trace's tape shares them. So the tape the code
/// records at a point is the trace's tape at that point, node for node, and its reverse sweep
/// gives the trace's gradient to the last bit.
public struct PythonControlFlowCode: Sendable {
    /// The function compiled (the entry point) and its parameters, the inputs in order.
    public var function: String
    public var parameters: [String]
    /// The C functions, one per `def` of the file, in the file's order after their declarations.
    public var functions: String
    /// The C name of the entry function: `ad_val NAME(ad_tape *t, ad_val p0, …)`.
    public var entry: String
    /// The executor's limit on a path's statements, which the runtime keeps too.
    public static let maximumStatements = PythonExecutor.maximumStatements
}

extension PythonModule {
    /// The C of function `name` (nil: the file's last) and of every function it may call.
    ///
    /// Throws for a module whose code cannot be written (an expression nested too deeply for the
    /// writer, a parameter named like one of adviz's functions); callers then run the executor.
    public func controlFlowCode(function name: String?) throws(AdvizError) -> PythonControlFlowCode {
        let chosen = try function(named: name)
        var lowering = PythonLowering(module: self)
        do throws(Diagnostic) {
            try lowering.prepareGlobals()
            for f in functions {
                for p in f.parameters where PythonExecutor.reserved(p) {
                    throw Diagnostic("the parameter `\(p)` is the name of one of adviz's functions or constants; rename it", at: f.span)
                }
            }
            for (k, f) in functions.enumerated() { try lowering.lower(f, index: k) }
        } catch {
            throw .input(error, source)
        }
        let index = functions.firstIndex { $0.name == chosen.name }!
        let declarations = functions.enumerated().map { k, f in
            "static ad_val F\(k)(ad_tape *t" + f.parameters.indices.map { ", ad_val p\($0)" }.joined() + ");  /* \(f.name) */\n"
        }.joined()
        return PythonControlFlowCode(
            function: chosen.name, parameters: chosen.parameters,
            functions: declarations + "\n" + lowering.lines.joined(separator: "\n") + "\n", entry: "F\(index)")
    }
}

/// Writes the C of a module's functions (see ``PythonControlFlowCode``): statements become C
/// statements, expressions a sequence of temporaries in Python's order of evaluation.
struct PythonLowering {
    let module: PythonModule
    var lines: [String] = []
    var indent = "    "
    var temporaries = 0
    var loops = 0
    /// The current function's local names (parameters and assigned names) and their C names.
    var locals: [String: String] = [:]
    var globals: [String: PyValue] = [:]
    /// How deep the expression being written nests (the writer recurses on expressions).
    var depth = 0
    static let maximumDepth = 400

    init(module: PythonModule) { self.module = module }

    /// The module's constants, computed now as the executor computes them at every point.
    mutating func prepareGlobals() throws(Diagnostic) {
        var executor = PythonExecutor(module: module)
        for (name, value, _) in module.globals {
            var none: [String: PyValue] = [:]
            executor.globals[name] = try executor.evaluate(value, &none)
        }
        globals = executor.globals
    }

    mutating func emit(_ line: String) { lines.append(indent + line) }

    mutating func temporary() -> String {
        temporaries += 1
        return "T\(temporaries)"
    }

    /// Stops the function when something failed (the executor would have thrown here).
    mutating func check() { emit("if (t->err) AD_RETURN(ad_none());") }

    // MARK: Functions and statements

    mutating func lower(_ f: PyFunction, index: Int) throws(Diagnostic) {
        locals = [:]
        var names = f.parameters
        collectAssigned(f.body, into: &names)
        lines.append("/* def \(f.name)(\(f.parameters.joined(separator: ", "))), line \(f.line) */")
        lines.append("static ad_val F\(index)(ad_tape *t" + f.parameters.indices.map { ", ad_val p\($0)" }.joined() + ")\n{")
        indent = "    "
        emit("if (t->depth >= \(PythonExecutor.maximumCallDepth)) return ad_fail(t);")
        emit("t->depth++;")
        for (k, name) in names.enumerated() where locals[name] == nil {
            locals[name] = "L\(k)"
            let initial = k < f.parameters.count ? "p\(k)" : "ad_unbound()"
            emit("ad_val L\(k) = \(initial);  /* \(PythonLowering.comment(name)) */")
        }
        try block(f.body)
        emit("AD_RETURN(ad_none());")
        lines.append("}\n")
    }

    /// The names a block assigns (in order of first appearance), nested blocks included.
    func collectAssigned(_ block: [Int32], into names: inout [String]) {
        var pending = block.reversed().map { Int($0) }
        while let s = pending.popLast() {
            let statement = module.statements[s]
            switch statement.kind {
            case .assign(let n), .augmented(let n, _), .forRange(let n):
                if !names.contains(n) { names.append(n) }
            default: break
            }
            for body in statement.bodies.reversed() { pending.append(contentsOf: body.reversed().map { Int($0) }) }
        }
    }

    mutating func block(_ statements: [Int32]) throws(Diagnostic) {
        for s in statements { try statement(module.statements[Int(s)]) }
    }

    mutating func statement(_ s: PyStmt) throws(Diagnostic) {
        emit("/* line \(s.line): \(sourceLine(s.line)) */")
        switch s.kind {
        case .pass: return
        case .breakLoop: emit("break;")
        case .continueLoop: emit("continue;")
        case .returns:
            var value = "ad_none()"
            if let e = s.expressions.first { value = try expression(e) }
            emit("AD_RETURN(\(value));")
        case .expression:
            if case .call("print") = module.expressions[Int(s.expressions[0])].kind { return }
            _ = try expression(s.expressions[0])
            check()
        case .assign(let name):
            let value = try expression(s.expressions[0])
            emit("\(locals[name]!) = ad_bind(t, \(value));")
            check()
        case .augmented(let name, let op):
            let current = temporary()
            emit("ad_val \(current) = \(read(name));")
            let right = try expression(s.expressions[0])
            emit("\(locals[name]!) = ad_bind(t, ad_bin(t, \(PythonLowering.symbols.firstIndex(of: op) ?? -1), \(current), \(right)));")
            check()
        case .conditional:
            try conditional(s, test: 0)
        case .forRange(let variable):
            try forRange(s, variable: variable)
        case .whileLoop:
            try whileLoop(s)
        }
    }

    /// `if`/`elif`/`else`: each test evaluated only when the ones before it failed.
    mutating func conditional(_ s: PyStmt, test k: Int) throws(Diagnostic) {
        if k == s.expressions.count {
            if s.bodies.count > s.expressions.count { try block(s.bodies[k]) }
            return
        }
        let test = try expression(s.expressions[k])
        let truth = temporary()
        emit("int \(truth) = ad_truth(t, \(test));")
        check()
        emit("if (\(truth)) {")
        try nested { (me: inout PythonLowering) throws(Diagnostic) in try me.block(s.bodies[k]) }
        emit("} else {")
        try nested { (me: inout PythonLowering) throws(Diagnostic) in try me.conditional(s, test: k + 1) }
        emit("}")
    }

    /// Runs `body` one level of indentation deeper.
    mutating func nested(_ body: (inout PythonLowering) throws(Diagnostic) -> Void) throws(Diagnostic) {
        let saved = indent
        indent += "    "
        try body(&self)
        indent = saved
    }

    mutating func forRange(_ s: PyStmt, variable: String) throws(Diagnostic) {
        loops += 1
        let k = loops
        var bounds: [String] = []
        for e in s.expressions {
            let value = try expression(e)
            bounds.append("ad_range_argument(t, \(value))")
        }
        let (start, stop, step) = bounds.count == 1 ? ("0", bounds[0], "1") : (bounds[0], bounds[1], bounds.count == 3 ? bounds[2] : "1")
        emit("long start\(k) = \(start), stop\(k) = \(stop), step\(k) = \(step);")
        check()
        emit("if (step\(k) == 0) AD_RETURN(ad_fail(t));")
        emit("long count\(k) = step\(k) > 0 ? (stop\(k) - start\(k) + step\(k) - 1) / step\(k) : (start\(k) - stop\(k) - step\(k) - 1) / -step\(k);")
        emit("for (long k\(k) = 0; k\(k) < count\(k); k\(k)++) {")
        try nested { (me: inout PythonLowering) throws(Diagnostic) in
            me.emit("\(me.locals[variable]!) = ad_i((double)(start\(k) + k\(k) * step\(k)));")
            try me.block(s.bodies[0])
        }
        emit("}")
    }

    mutating func whileLoop(_ s: PyStmt) throws(Diagnostic) {
        loops += 1
        let k = loops
        emit("long iterations\(k) = 0;")
        emit("for (;;) {")
        try nested { (me: inout PythonLowering) throws(Diagnostic) in
            let test = try me.expression(s.expressions[0])
            let truth = me.temporary()
            me.emit("int \(truth) = ad_truth(t, \(test));")
            me.check()
            me.emit("if (!\(truth)) break;")
            me.emit("if (++iterations\(k) > \(PythonExecutor.maximumWhileIterations)) AD_RETURN(ad_fail(t));")
            try me.block(s.bodies[0])
        }
        emit("}")
    }

    // MARK: Names and constants

    /// Python's operators on numbers, by their index in the runtime's `ad_bin`.
    static let symbols = ["+", "-", "*", "/", "**", "//", "%"]
    static let comparisons = ["<", "<=", ">", ">=", "==", "!="]

    /// A name read: a local (bound by now, or the module's constant of that name), a module
    /// constant, `np.pi` and its kin; anything else fails when the code gets there.
    func read(_ name: String) -> String {
        if let local = locals[name] {
            return "ad_read(t, \(local), \(globals[name].map(PythonLowering.constant) ?? "ad_unbound()"))"
        }
        if let global = globals[name] { return PythonLowering.constant(global) }
        for prefix in PythonExecutor.modulePrefixes where name.hasPrefix(prefix) {
            switch String(name.dropFirst(prefix.count)) {
            case "pi": return PythonLowering.constant(.float(Double.pi))
            case "e": return PythonLowering.constant(.float(2.718281828459045))
            case "inf": return PythonLowering.constant(.float(.infinity))
            case "nan": return PythonLowering.constant(.float(.nan))
            default: return "ad_fail(t)"
            }
        }
        return "ad_fail(t)"
    }

    /// A Python-side value as C: `ad_i(3.0)`, `ad_f(0.1)`, `ad_b(1)`, `ad_none()`. An integer
    /// too large for a double to hold exactly fails (the executor keeps it exact).
    static func constant(_ value: PyValue) -> String {
        switch value {
        case .int(let i): return Swift.abs(i) <= 1 << 53 ? "ad_i(\(literal(Double(i))))" : "ad_fail(t)"
        case .float(let d): return "ad_f(\(literal(d)))"
        case .bool(let b): return "ad_b(\(b ? 1 : 0))"
        case .none: return "ad_none()"
        case .traced: return "ad_fail(t)"
        }
    }

    /// A double as a C literal that reads back exactly.
    static func literal(_ d: Double) -> String {
        if d.isNaN { return "NAN" }
        if d.isInfinite { return d > 0 ? "INFINITY" : "(-INFINITY)" }
        var text = "\(d)"
        if !text.contains(".") && !text.contains("e") { text += ".0" }
        return d.sign == .minus ? "(\(text))" : text
    }

    /// Line `number` of the file as written, trimmed, to stand in a C comment.
    func sourceLine(_ number: Int) -> String {
        let lines = module.source.text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.indices.contains(number - 1) else { return "" }
        return PythonLowering.comment(lines[number - 1].trimmingCharacters(in: .whitespaces))
    }

    /// A name as it may stand in a C comment.
    static func comment(_ name: String) -> String { name.replacingOccurrences(of: "*/", with: "* /") }
}
