/// An expression of the Python subset, stored flat: its children are indices into
/// ``PythonModule/expressions``, so walking one needs a stack, never recursion.
struct PyExpr: Sendable {
    enum Kind: Sendable, Equatable {
        case number(Double, isInteger: Bool)
        case bool(Bool)
        case none
        /// A plain name (`x`) or a dotted one (`np.exp`, `math.pi`).
        case name(String)
        /// `-a`, `+a`, `not a`.
        case unary(String)
        /// `a + b`, `a ** b`: the operator as written.
        case binary(String)
        /// `a < b <= c`: one operator per pair of neighbouring children.
        case compare([String])
        /// `a and b and c` (true) or `a or b` (false).
        case boolean(isAnd: Bool)
        /// `callee(args…)`, the callee a plain or dotted name.
        case call(String)
        /// `body if test else orelse`: children are body, test, orelse.
        case conditional
    }

    var kind: Kind
    var children: [Int32]
    var span: SourceSpan
    var line: Int
}

/// A statement of the Python subset; nested blocks are lists of statement indices.
struct PyStmt: Sendable {
    enum Kind: Sendable, Equatable {
        /// `name = value` (expression 0).
        case assign(String)
        /// `name op= value`, the operator without its `=`.
        case augmented(String, String)
        /// An expression on its own: a call, a docstring, `print(…)`.
        case expression
        /// `return` (expression 0 if any).
        case returns
        /// `if`/`elif`…: one test per expression, one body per test, then the `else` body if any.
        case conditional
        /// `for name in range(…)`: the range's arguments are the expressions; one body.
        case forRange(String)
        /// `while test:` with one body.
        case whileLoop
        case pass, breakLoop, continueLoop
    }

    var kind: Kind
    var expressions: [Int32]
    var bodies: [[Int32]]
    var span: SourceSpan
    var line: Int
    /// The line of an `if` statement's `else:`, 0 without one.
    var elseLine = 0
}

/// A `def`: its name, parameters and body.
struct PyFunction: Sendable {
    var name: String
    var parameters: [String]
    var body: [Int32]
    var span: SourceSpan
    var line: Int
}

/// A parsed Python file of the subset: functions, module constants, and what was ignored.
public struct PythonModule: Sendable {
    var expressions: [PyExpr] = []
    var statements: [PyStmt] = []
    var functions: [PyFunction] = []
    /// Top-level `name = constant` assignments, in order.
    var globals: [(name: String, value: Int32, line: Int)] = []
    /// The source, for messages.
    public let source: SourceText
    /// Notes on what was read and ignored (`print(…)` on line 7).
    public var notes: [String] = []

    init(source: SourceText) { self.source = source }

    /// The names of the file's functions, in order.
    public var functionNames: [String] { functions.map(\.name) }

    /// The parameters of function `name`, nil if there is no such function.
    public func parameters(of name: String) -> [String]? { functions.first { $0.name == name }?.parameters }

    /// The source text of an expression, as written.
    func text(of expression: Int32) -> String {
        let span = expressions[Int(expression)].span
        let bytes = Array(source.text.utf8)
        let end = min(bytes.count, span.start + span.length)
        return String(decoding: bytes[min(span.start, end)..<end], as: UTF8.self)
    }
}

/// Detection of Python text: what makes adviz read a file as Python instead of a formula.
public enum PythonDetection {
    /// True for a `.py` path, or text with a `def` at the start of a line.
    public static func isPython(_ source: SourceText) -> Bool {
        if source.name.hasSuffix(".py") { return true }
        for line in source.text.split(separator: "\n", omittingEmptySubsequences: true) where line.hasPrefix("def ") { return true }
        return false
    }
}
