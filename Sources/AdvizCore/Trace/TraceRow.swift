/// One row of a trace table, as data: which node, which sweep, the terms of its chain-rule sum
/// and the value. No text: `Trace.rendered(_:_:)` writes a row in a ``MathStyle`` (a
/// ``RenderedRow``), and every writer (text, Markdown, LaTeX, figures, lessons) prints from that.
///
/// What a row says, by kind (node vᵢ, with arguments vⱼ and consumers v_c in the graph):
/// - `.primal`: vᵢ = op(vⱼ, …); the operation and its arguments are the graph's node, an input's
///   row is vᵢ = xₖ. No terms.
/// - `.tangent`: v̇ᵢ = Σⱼ v̇ⱼ·∂vᵢ/∂vⱼ, one term per distinct non-constant argument vⱼ (source
///   `.node(j)`); an input's row has one term, its seed ẋₖ (source `.inputSeed(k)`). A
///   second-order row is a tangent row of the gradient graph (``SecondOrderTrace``).
/// - `.adjoint`: v̄ᵢ = ȳₖ (where vᵢ is output k) + Σ_c v̄_c·∂v_c/∂vᵢ, one term per output seed
///   (source `.outputSeed(k)`) and then per consumer v_c, the last first (source `.node(c)`).
public struct TraceRow: Sendable, Equatable {
    /// Which sweep a row belongs to.
    public enum Kind: Sendable, Equatable, CaseIterable {
        /// The forward primal trace: a node's value from its arguments'.
        case primal
        /// The forward tangent trace (and the second-order rows, the tangents of the gradient graph).
        case tangent
        /// The reverse adjoint trace.
        case adjoint
    }

    /// Which sweep.
    public var kind: Kind
    /// The node the row computes (an index into the graph's nodes).
    public var node: Int
    /// The terms of the chain-rule sum, in the order they are written (tangent and adjoint rows;
    /// empty for primal rows, and for a node's adjoint that nothing reads).
    public var terms: [ChainTerm]
    /// The result: the node's value, tangent or adjoint.
    public var value: Double

    /// A row of `kind` for `node`.
    public init(kind: Kind, node: Int, terms: [ChainTerm] = [], value: Double) {
        self.kind = kind
        self.node = node
        self.terms = terms
        self.value = value
    }
}

/// One term of a tangent or adjoint row's sum: a factor (a tangent, an adjoint or a seed) times a
/// local partial.
///
/// In the tangent row of vᵢ the term of argument vⱼ is v̇ⱼ·∂vᵢ/∂vⱼ; in the adjoint row of vᵢ the
/// term of consumer v_c is v̄_c·∂v_c/∂vᵢ; a seed term is the seed alone (its partial is 1).
public struct ChainTerm: Sendable, Equatable {
    /// Where the factor comes from.
    public enum Source: Sendable, Equatable {
        /// Another node: the argument vⱼ whose tangent v̇ⱼ a tangent row multiplies, or the
        /// consumer v_c whose adjoint v̄_c an adjoint row multiplies.
        case node(Int)
        /// The tangent seed ẋₖ of input k (an input's tangent row).
        case inputSeed(Int)
        /// The adjoint seed ȳₖ of output k.
        case outputSeed(Int)
    }

    /// Where the factor comes from.
    public var source: Source
    /// The local partial as a formula over the arguments (`.arg(0)`, `.arg(1)`) of the node it
    /// belongs to: the row's node in a tangent row, the consumer in an adjoint row; summed where
    /// that node uses the other twice (`x*x`); `1` for a seed.
    public var partial: Formula
    /// The partial's value.
    public var partialValue: Double
    /// The factor: v̇ⱼ, v̄_c or the seed.
    public var factor: Double
    /// Whether the factor is a structural zero: no seeded input reaches vⱼ (tangent rows), or v_c
    /// reaches no seeded output (adjoint rows). The sweep adds nothing for it and never multiplies
    /// (0 times an infinite partial is 0 here, not NaN).
    public var isStructuralZero: Bool

    /// A term from `source`.
    public init(source: Source, partial: Formula, partialValue: Double, factor: Double, isStructuralZero: Bool = false) {
        self.source = source
        self.partial = partial
        self.partialValue = partialValue
        self.factor = factor
        self.isStructuralZero = isStructuralZero
    }

    /// The node vⱼ or v_c, or nil for a seed.
    public var node: Int? {
        if case .node(let id) = source { return id }
        return nil
    }

    /// What the term adds to the row: factor · partial, or 0 for a structural zero.
    public var value: Double { isStructuralZero ? 0 : factor * partialValue }
}

/// One local partial ∂vᵢ/∂vⱼ on an edge of the graph, as data.
public struct EdgePartial: Sendable, Equatable {
    /// The node vᵢ.
    public var node: Int
    /// The argument vⱼ.
    public var argument: Int
    /// The partial as a formula over vᵢ's arguments (summed where vⱼ is both).
    public var partial: Formula
    /// The number.
    public var value: Double

    /// The partial of `node` by `argument`.
    public init(node: Int, argument: Int, partial: Formula, value: Double) {
        self.node = node
        self.argument = argument
        self.partial = partial
        self.value = value
    }
}

/// A row written out in one ``MathStyle``: `label = definition = formula = substituted = value`,
/// as the trace tables print it.
///
/// For the adjoint row of v₀ in `log(x1*x2)+sin(x2)` at (2, 5), in text:
/// `label` `v̄₀`, `definition` `v̄₃·∂v₃/∂v₀ + v̄₁·∂v₁/∂v₀`, `formula` `v̄₃·cos(v₀) + v̄₁·v₋₁`,
/// `substituted` `1·cos(5) + 0.1·2`, `value` `0.4837`.
public struct RenderedRow: Sendable, Equatable {
    /// The node the row computes.
    public var node: Int
    /// What is computed: `v₁`, `v̇₁`, `v̄₁`, `∂v₃/∂v₀` (or their LaTeX).
    public var label: String
    /// How, symbolically: `v₋₁·v₀`, `v̄₃·∂v₃/∂v₀ + v̄₁·∂v₁/∂v₀`.
    public var definition: String
    /// The same with the local partials written out as formulas: `v̄₃·cos(v₀) + v̄₁·v₋₁`
    /// (differs from `definition` in adjoint rows only).
    public var formula: String
    /// The same with numbers: `2·5`, `1·cos(5) + 0.1·2`; empty for an input's primal and tangent rows.
    public var substituted: String
    /// The result, as the trace's number format writes it: `0.4837`.
    public var value: String

    /// A written row.
    public init(node: Int, label: String, definition: String, formula: String, substituted: String, value: String) {
        self.node = node
        self.label = label
        self.definition = definition
        self.formula = formula
        self.substituted = substituted
        self.value = value
    }

    /// The row as one sentence, each part once: `v₁ = v₋₁·v₀ = 2·5 = 10`, `v̄₄ = ȳ = 1`.
    public var sentence: String {
        var parts = [label, definition]
        if !substituted.isEmpty, substituted != definition { parts.append(substituted) }
        if parts.last != value { parts.append(value) }
        return parts.joined(separator: " = ")
    }
}
