import PropertyBased
import Testing

@testable import AdvizCore

/// A random smooth expression in x1, x2, x3 as a tree, for property tests: a failing case
/// shrinks to a smaller expression (a leaf, a subtree, a node with a smaller child), not to
/// another seed that names an unrelated expression.
///
/// The forms are ``RandomExpression``'s: every operation used where it is smooth (log and sqrt of
/// 1 + u², division by 2 + sin(u), exp of tanh(u)), so that central differences are a fair referee.
indirect enum ExpressionTree: Hashable, Sendable, CustomStringConvertible {
    /// An input (x1, x2, x3) or a constant (0.5, 2, 3, pi).
    case leaf(String)
    /// Form `form` of ``RandomExpression/compose(_:_:_:)`` applied to `a` (and `b` when the form
    /// reads it; `x1` otherwise).
    case node(form: Int, ExpressionTree, ExpressionTree)

    /// The smallest expression, which every shrink moves toward.
    static let smallest = ExpressionTree.leaf("x1")

    /// A random tree at most `depth` deep, with RandomExpression's odds.
    static func random(depth: Int, using rng: inout any SeededRandomNumberGenerator) -> ExpressionTree {
        func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        if depth == 0 || pick(4) == 0 {
            switch pick(5) {
            case 0: return .leaf("x1")
            case 1: return .leaf("x2")
            case 2: return .leaf("x3")
            case 3: return .leaf(["0.5", "2", "3", "pi"][pick(4)])
            default: return .leaf(["x1", "x2", "x3"][pick(3)])
            }
        }
        let form = pick(RandomExpression.formCount)
        let a = random(depth: depth - 1, using: &rng)
        let b = RandomExpression.formReadsB(form) ? random(depth: depth - 1, using: &rng) : smallest
        return .node(form: form, a, b)
    }

    /// A generator of trees at most `depth` deep that shrinks them.
    static func generator(depth: Int) -> Generator<ExpressionTree, [ExpressionTree]> {
        Generator(run: { rng in ExpressionTree.random(depth: depth, using: &rng) }, shrink: { $0.shrunk })
    }

    /// The expression as the language writes it.
    var description: String {
        switch self {
        case .leaf(let text): text
        case .node(let form, let a, let b): RandomExpression.compose(form, a.description, b.description)
        }
    }

    /// How far the tree is from `x1`: one per node and leaf, one more per leaf that is not `x1`.
    var size: Int {
        switch self {
        case .leaf: self == Self.smallest ? 1 : 2
        case .node(_, let a, let b): 1 + a.size + b.size
        }
    }

    /// Smaller trees, smallest first: `x1`, each child alone, then the node with one child shrunk.
    /// Every one is strictly smaller (fewer nodes, or a leaf closer to `x1`), so shrinking ends.
    var shrunk: [ExpressionTree] {
        switch self {
        case .leaf:
            return self == Self.smallest ? [] : [Self.smallest]
        case .node(let form, let a, let b):
            let readsB = RandomExpression.formReadsB(form)
            var out: [ExpressionTree] = [Self.smallest, a]
            if readsB { out.append(b) }
            out += a.shrunk.map { .node(form: form, $0, b) }
            if readsB { out += b.shrunk.map { .node(form: form, a, $0) } }
            return out
        }
    }
}

@Suite struct ExpressionTreeTests {
    /// The generator makes varied, parseable trees, and every shrink is smaller and parses.
    @Test func treesParseAndShrinkToSmallerTrees() throws {
        var rng: any SeededRandomNumberGenerator = Xoshiro(seed: (1, 2, 3, 4))
        var sizes = Set<Int>()
        for _ in 0..<200 {
            let tree = ExpressionTree.random(depth: 4, using: &rng)
            sizes.insert(tree.size)
            _ = try Graph(parsing: tree.description)
            for smaller in tree.shrunk {
                #expect(smaller.size < tree.size, "\(smaller) from \(tree)")
                _ = try Graph(parsing: smaller.description)
            }
        }
        #expect(sizes.count > 10 && sizes.max()! > 15, "varied sizes: \(sizes.sorted())")
    }
}

/// A random polynomial-heavy expression in x1 and x2 as a tree, for the interpreter's polynomial
/// fusion: sums, differences, products, small powers, quarters and negations of x1, x2, sin(x1)
/// and small constants. A failing case shrinks to a smaller expression, as ``ExpressionTree`` does.
indirect enum PolynomialTree: Hashable, Sendable, CustomStringConvertible {
    /// x1, x2, sin(x1), or a constant (−1, −0.5 … 2).
    case leaf(String)
    /// `form`: 0 a + b, 1 a − b, 2 a·b, 3…5 a¹…a³, 6 a/4, 7 −a (`b` is `x1` and unread from 3 on).
    case node(form: Int, PolynomialTree, PolynomialTree)

    static let smallest = PolynomialTree.leaf("x1")

    static func formReadsB(_ form: Int) -> Bool { form < 3 }

    /// A random tree `depth` deep: the six operations equally likely (the power's exponent 1, 2
    /// or 3 alike), a constant in one leaf of three.
    static func random(depth: Int, using rng: inout any SeededRandomNumberGenerator) -> PolynomialTree {
        func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        guard depth > 0 else {
            return pick(3) == 0 ? .leaf(String(Double(pick(7)) / 2 - 1)) : .leaf(["x1", "x2", "sin(x1)"][pick(3)])
        }
        let operation = pick(6)
        let form = operation < 3 ? operation : operation == 3 ? 3 + pick(3) : operation + 2
        let a = random(depth: depth - 1, using: &rng)
        let b = formReadsB(form) ? random(depth: depth - 1, using: &rng) : smallest
        return .node(form: form, a, b)
    }

    /// A generator of trees `depth` deep that shrinks them.
    static func generator(depth: Int) -> Generator<PolynomialTree, [PolynomialTree]> {
        Generator(run: { rng in PolynomialTree.random(depth: depth, using: &rng) }, shrink: { $0.shrunk })
    }

    var description: String {
        switch self {
        case .leaf(let text): text
        case .node(let form, let a, let b):
            switch form {
            case 0: "(\(a) + \(b))"
            case 1: "(\(a) - \(b))"
            case 2: "(\(a) * \(b))"
            case 3, 4, 5: "(\(a))^\(form - 2)"
            case 6: "(\(a))/4"
            default: "-(\(a))"
            }
        }
    }

    /// How far the tree is from `x1`: one per node and leaf, one more per leaf that is not `x1`.
    var size: Int {
        switch self {
        case .leaf: self == Self.smallest ? 1 : 2
        case .node(_, let a, let b): 1 + a.size + b.size
        }
    }

    /// Smaller trees, smallest first: `x1`, each child alone, then the node with one child shrunk.
    var shrunk: [PolynomialTree] {
        switch self {
        case .leaf:
            return self == Self.smallest ? [] : [Self.smallest]
        case .node(let form, let a, let b):
            let readsB = Self.formReadsB(form)
            var out: [PolynomialTree] = [Self.smallest, a]
            if readsB { out.append(b) }
            out += a.shrunk.map { .node(form: form, $0, b) }
            if readsB { out += b.shrunk.map { .node(form: form, a, $0) } }
            return out
        }
    }
}

@Suite struct PolynomialTreeTests {
    /// The generator makes varied, parseable trees, and every shrink is smaller and parses.
    @Test func treesParseAndShrinkToSmallerTrees() throws {
        var rng: any SeededRandomNumberGenerator = Xoshiro(seed: (4, 3, 2, 1))
        var sizes = Set<Int>()
        for _ in 0..<200 {
            let tree = PolynomialTree.random(depth: 4, using: &rng)
            sizes.insert(tree.size)
            _ = try Graph(parsing: tree.description + " + 0*x1*x2")
            for smaller in tree.shrunk {
                #expect(smaller.size < tree.size, "\(smaller) from \(tree)")
                _ = try Graph(parsing: smaller.description + " + 0*x1*x2")
            }
        }
        #expect(sizes.count > 10 && sizes.max()! > 15, "varied sizes: \(sizes.sorted())")
    }
}
