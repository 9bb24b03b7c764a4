import Foundation
import AdvizCore

// The sizes of an expression (as a DAG and as a tree), its value, and its text.

extension SymbolicArena {
    // MARK: Sizes

    /// The number of distinct entries reachable from `root`: the size with sharing.
    public func dagSize(_ root: Int) -> Int {
        reachable(from: root).reduce(0) { $0 + ($1 ? 1 : 0) }
    }

    /// For every entry up to `root`, whether `root` uses it (one backward pass: arguments come first).
    package func reachable(from root: Int) -> [Bool] {
        var used = [Bool](repeating: false, count: root + 1)
        used[root] = true
        for id in stride(from: root, through: 0, by: -1) where used[id] {
            if case .apply(_, let a, let b) = terms[id] {
                used[a] = true
                if b >= 0 { used[b] = true }
            }
        }
        return used
    }

    /// The number of nodes of `root` written out as a tree (a Double: it can be astronomically large).
    public func treeSize(_ root: Int) -> Double {
        var size = [Double](repeating: 0, count: root + 1)
        for id in 0...root {
            switch terms[id] {
            case .variable, .number: size[id] = 1
            case .apply(_, let a, let b): size[id] = 1 + size[a] + (b >= 0 ? size[b] : 0)
            }
        }
        return size[root]
    }

    /// The value of `root` with variables bound by `values`.
    public func evaluate(_ root: Int, _ values: [String: Double]) -> Double {
        evaluateAll(upTo: root, values)[root]
    }

    /// The value of every entry up to `root` (arguments come first, so one loop does it).
    func evaluateAll(upTo root: Int, _ values: [String: Double]) -> [Double] {
        var value = [Double](repeating: 0, count: root + 1)
        for id in 0...root {
            switch terms[id] {
            case .variable(let name): value[id] = values[name] ?? .nan
            case .number(let x): value[id] = x
            case .apply(let op, let a, let b): value[id] = op.evaluate(value[a], b >= 0 ? value[b] : 0)
            }
        }
        return value
    }

    // MARK: Printing

    /// `root` in adviz's own expression language (`*`, `^`, `sin(…)`), every operation in
    /// parentheses so that it parses back to the same tree; nil if longer than `limit`
    /// characters or if it holds a number the language cannot write (inf, NaN).
    public func program(_ root: Int, limit: Int = 1_000_000) -> String? {
        guard treeSize(root) * 4 < Double(limit) * 2 else { return nil }
        var written = [String?](repeating: nil, count: root + 1)
        let needed = reachable(from: root)  // the entries the root uses
        for id in 0...root where needed[id] {
            switch terms[id] {
            case .variable(let name):
                written[id] = name
            case .number(let x):
                guard x.isFinite else { return nil }
                // Integers as integers; others in the shortest form that reads back to the same Double.
                let text = x == x.rounded() && Swift.abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
                written[id] = x < 0 ? "(\(text))" : text
            case .apply(let op, let a, let b):
                let left = written[a]!, right = b >= 0 ? written[b]! : ""
                switch op.notation {
                case .infix(let text, _, _):
                    written[id] = "(\(left) \(op == .mul ? "*" : text) \(right))"
                case .prefix:
                    written[id] = "(-\(left))"
                case .function(let name, _):
                    written[id] = b >= 0 ? "\(name)(\(left), \(right))" : "\(name)(\(left))"
                case .leaf:
                    return nil
                }
            }
            if let text = written[id], text.utf8.count > limit { return nil }
        }
        return written[root]!
    }

    /// `root` written out in `style`, with the fewest parentheses; nil if longer than `limit` characters.
    public func render(_ root: Int, style: MathStyle = .text, format: NumberFormat = NumberFormat(significantDigits: 12), limit: Int = 1_000_000) -> String? {
        guard treeSize(root) * 4 < Double(limit) * 2 else { return nil }
        let writer = FormulaWriter(
            style: style, leaf: { _ in FormulaLeaf("") },
            number: { x in
                // The rules' π (erf′ = 2/√π·e^(−x²)) as π, not 3.14159265359.
                if x == .pi { return FormulaLeaf(style == .latex ? "\\pi" : "π") }
                let text = format.string(x)
                return FormulaLeaf(text, isNegative: x < 0)
            })
        // Bottom-up over the entries the root needs: each is written once, from its arguments' text.
        var written = [FormulaWriter.Written?](repeating: nil, count: root + 1)
        let needed = reachable(from: root)  // the entries the root uses
        for id in 0...root where needed[id] {
            switch terms[id] {
            case .variable(let name):
                // The constant `pi` is \pi in LaTeX (it was \mathrm{pi}).
                let latex = name == "pi" ? "\\pi" : MathName.latex(name)
                written[id] = FormulaWriter.Written(text: style == .latex ? latex : name, precedence: 99)
            case .number(let x):
                let leaf = writer.number(x)
                written[id] = FormulaWriter.Written(text: leaf.text, precedence: 99, isNegativeAtom: leaf.isNegative)
            case .apply(let op, let a, let b):
                var parts = b >= 0 ? [written[a]!, written[b]!] : [written[a]!]
                // A product is associative: 3·(x²·sin(x)) is written 3·x²·sin(x).
                if op == .mul, case .apply(.mul, _, _) = terms[b] {
                    parts[1] = FormulaWriter.Written(text: parts[1].text, precedence: 3, isNegativeAtom: parts[1].isNegativeAtom)
                }
                written[id] = writer.combine(op, parts)
            }
            if let text = written[id]?.text, text.utf8.count > limit { return nil }
        }
        return written[root]!.text
    }
}
