/// How far the sweeps have gone in a frame: the rows done of each trace, which sweep moved
/// last (its last row is the current node), and, while the graph is being built, how many of
/// its nodes exist yet. A lesson's frames use it, since a later sweep keeps what earlier ones computed.
public struct FigureProgress: Sendable, Equatable {
    /// The sweeps.
    public enum Sweep: String, Sendable { case primal, tangent, reverse }
    /// Rows of the primal trace done (inputs included).
    public var values: Int
    /// Rows of the tangent trace done.
    public var tangents: Int
    /// Rows of the adjoint trace done.
    public var adjoints: Int
    /// The sweep that moved last, if any.
    public var sweep: Sweep?
    /// While the graph is built: the number of its nodes (inputs and steps) drawn so far.
    public var built: Int?
    /// Nodes whose incoming adjoint flows stay hidden although their consumers are done: a
    /// lesson asks for their adjoint on this frame, so the figure must not add it up for the student.
    public var withheld: Set<Int> = []

    /// Progress with the given rows done.
    public init(values: Int = 0, tangents: Int = 0, adjoints: Int = 0, sweep: Sweep? = nil, built: Int? = nil) {
        self.values = values
        self.tangents = tangents
        self.adjoints = adjoints
        self.sweep = sweep
        self.built = built
    }
}

/// One step of the step-through: a node computed by the forward sweep, or reached by the reverse sweep.
public struct FigureStep: Sendable, Equatable {
    /// Which sweep the step belongs to.
    public enum Phase: String, Sendable { case forward, reverse }
    /// The sweep.
    public var phase: Phase
    /// The tape node computed at this step.
    public var node: Int
    /// What happens, as the trace writes it: `v1 = v-1·v0 = 2·5 = 10`.
    public var caption: String
}
