import Foundation
import AdvizCore
import AdvizEngines
import AdvizSymbolic
import AdvizFigures
import AdvizPlots

/// The state of a lesson after one step: what the student sees.
public struct LessonFrame: Sendable {
    /// The step's position (0-based) and heading.
    public var index: Int
    /// The step's heading.
    public var title: String
    /// The narration (Markdown).
    public var narration: String
    /// The program being taught, if one is set (for a Python function, its path's statements).
    public var program: String?
    /// The path a Python function took at the point, when the program is one: its loops'
    /// iterations and its branches, shown above the trace.
    public var path: PythonPath?
    /// The Python module the function is in, when the program is one.
    public var python: PythonModule?
    /// Its graph.
    public var graph: Graph?
    /// Where the backward pass's nodes start when the graph is the program's gradient graph
    /// (`gradient-graph: true`): its figures draw them as the backward pass.
    public var backwardPassStart: Int?
    /// The full trace at the point (what has been revealed is `phase` and `progress`).
    public var trace: Trace?
    /// The phase running or last run.
    public var phase: LessonPhase?
    /// Nodes of the phase done (rows revealed).
    public var progress: Int = 0
    /// Rows in the phase.
    public var phaseLength: Int = 0
    /// Phases completed for this program and point.
    public var completed: Set<LessonPhase> = []
    /// What is shown.
    public var shows: [LessonShow] = []
    /// A question asked at this step.
    public var question: String?
    /// The previous step's question and its answer, revealed now.
    public var revealed: (question: String, answer: String)?
    /// The plot's x range.
    public var range: (Double, Double)?
    /// Digits shown.
    public var precision: Int = 4
    /// The point count of `show: race`.
    public var points: Int = 1_000_000

    /// What the graph drawing of this frame shows: how far each sweep has gone, and which
    /// numbers the nodes carry. A sweep keeps what the sweeps before it computed: the tangent
    /// sweep shows every value, the reverse sweep every value (and tangent, if one ran), and a
    /// phase like `jacobian` everything computed so far.
    public var figureProgress: (progress: FigureProgress, show: Set<FigureOptions.Quantity>) {
        let rows = trace?.primalRows().count ?? 0
        let adjointRows = trace?.adjointRows().count ?? 0
        if phase == .build { return (FigureProgress(built: progress), [.values]) }
        guard trace != nil else { return (FigureProgress(), [.values]) }
        var p = FigureProgress(
            values: completed.contains(.primal) ? rows : 0, tangents: completed.contains(.tangent) ? rows : 0,
            adjoints: completed.contains(.reverse) ? adjointRows : 0)
        switch phase {
        case .primal?: p.values = progress; p.sweep = .primal
        case .tangent?: p.tangents = progress; p.sweep = .tangent
        case .reverse?:
            p.adjoints = progress
            p.sweep = .reverse
            // A question asked mid-sweep is about the next adjoint: its incoming flows would answer it.
            if question != nil, let rows = trace?.adjointRows(), progress < rows.count { p.withheld = [rows[progress].node] }
        case nil, .build?, .jacobian?: break
        }
        var show: Set<FigureOptions.Quantity> = [.values]
        if completed.contains(.tangent) || phase == .tangent { show.insert(.tangents) }
        if completed.contains(.reverse) || phase == .reverse { show.insert(.adjoints) }
        return (p, show)
    }

    /// True when the frame's graph has no numbers yet: it is drawn alone, names and operations.
    public var showsGraphAlone: Bool {
        let p = figureProgress.progress
        return p.built != nil || (p.values == 0 && p.tangents == 0 && p.adjoints == 0)
    }
}

/// Plays a lesson's actions in order and records the frame after each step.
public enum LessonRun {
    /// Every step's frame; errors that need the run (a phase before its prerequisite) point at the file.
    public static func frames(_ lesson: Lesson) throws(AdvizError) -> [LessonFrame] {
        try run(lesson, report: nil)
    }

    /// Every mistake the run finds, in step order: a step with a mistake keeps what it did
    /// before the mistake, and the run goes on, so one check reports them all.
    public static func problems(_ lesson: Lesson) -> [AdvizError] {
        var problems: [AdvizError] = []
        do throws(AdvizError) {
            _ = try run(lesson) { problems.append($0) }
        } catch {
            problems.append(error)
        }
        return problems
    }

    /// Plays the lesson; with `report`, a step's mistake is reported and the run goes on.
    static func run(_ lesson: Lesson, report: ((AdvizError) -> Void)?) throws(AdvizError) -> [LessonFrame] {
        var runner = Runner(lesson: lesson)
        var frames: [LessonFrame] = []
        var pendingQuestion: (String, String)? = nil
        let actions = [(lesson.setup, -1)] + lesson.steps.enumerated().map { ($0.element.action, $0.offset) }
        for (maybeAction, index) in actions {
            let action = maybeAction ?? LessonAction()
            do throws(AdvizError) {
                try runner.apply(action)
            } catch {
                guard let report else { throw error }
                report(error)
            }
            runner.state.range = action.range ?? runner.state.range
            guard index >= 0 else { continue }  // the introduction sets up; it is not a step of its own
            var frame = runner.frame(lesson.steps[index], index: index, action: action)
            // `{{v̄₀}}` in the prose is the quantity's value at this step.
            let quantities = frame.trace.map(LessonNumbers.quantities) ?? [:]
            let format = NumberFormat(significantDigits: frame.precision)
            let fill = { (text: String) in LessonNumbers.fill(text, quantities: quantities, format: format) }
            frame.narration = fill(frame.narration)
            frame.question = frame.question.map(fill)
            frame.revealed = pendingQuestion.map { (question: $0.0, answer: $0.1) }
            pendingQuestion = action.question.map { (fill($0), fill(action.answer ?? "")) }
            frames.append(frame)
        }
        if let last = lesson.steps.last, last.action?.question != nil {
            // Nothing comes after the last step to reveal the answer.
            let error = runner.fail(
                "a question on the last step is never answered", last.action?.spans["question"],
                hint: "its answer is shown at the next step: add a step after it, or ask it earlier")
            guard let report else { throw error }
            report(error)
        }
        return frames
    }

    /// An error's reason without `error:`, and for a place in a program its line.
    static func reason(_ error: AdvizError) -> String {
        var text = String(error.rendered.split(separator: "\n").first ?? "")
        if text.hasPrefix("error: ") { text.removeFirst("error: ".count) }
        if case .input(let diagnostic, let source) = error, !text.contains("(line ") {
            text += " (line \(source.location(ofByte: diagnostic.span.start).line))"
        }
        return text
    }

    /// The run's state between steps: the frame so far and the settings that make its trace.
    private struct Runner {
        let lesson: Lesson
        var state: LessonFrame
        var wrt: String? = nil
        var ybar: [Double]? = nil
        var point: [Double]? = nil
        var usesGradientGraph = false
        /// The Python function being taught, if the program is one: its module and name.
        var python: (module: PythonModule, function: String)? = nil

        init(lesson: Lesson) {
            self.lesson = lesson
            state = LessonFrame(index: -1, title: lesson.title, narration: lesson.introduction)
        }

        func fail(_ message: String, _ span: SourceSpan?, hint: String? = nil) -> AdvizError {
            .input(Diagnostic(message, at: span ?? SourceSpan(start: 0, length: 1), hint: hint), lesson.source)
        }

        /// One step's action, key by key, in the order they depend on each other: the program,
        /// the settings of its trace, the phase to run, how far to advance, what to show.
        mutating func apply(_ action: LessonAction) throws(AdvizError) {
            try setProgram(action)
            if let precision = action.precision { state.precision = precision }
            if let points = action.points { state.points = points }
            try setPoint(action)
            try setSeeds(action)
            if action.expression != nil || action.gradientGraph != nil || action.point != nil || action.wrt != nil || action.ybar != nil || action.precision != nil {
                try retrace()
            }
            try run(action)
            try advance(action)
            try checkShows(action)
        }

        /// `expression` and `gradient-graph`: a new graph, and nothing run on it yet.
        mutating func setProgram(_ action: LessonAction) throws(AdvizError) {
            guard action.expression != nil || action.gradientGraph != nil || action.function != nil else { return }
            python = nil
            state.path = nil
            state.python = nil
            if let text = action.expression { state.program = text }
            if action.function != nil || action.expression.map({ PythonDetection.isPython(SourceText($0)) }) == true {
                python = try pythonFunction(action)
                state.program = nil
                state.graph = nil
            }
            if action.gradientGraph != nil, state.program == nil {
                throw fail("`gradient-graph` before any `expression`", action.spans["gradient-graph"], hint: "set the program with `expression:` first")
            }
            if let flag = action.gradientGraph { usesGradientGraph = flag }
            // The program was checked when the lesson was read; its gradient graph is the
            // backward pass as nodes, which every phase and figure then treats as the graph.
            var parsed = state.program.flatMap { try? Graph(parsing: $0) }
            if python != nil {
                // A path that cannot depend on the point is drawn at once; another waits for `at`.
                let traced = try pythonPath(at: nil, span: action.spans["function"] ?? action.spans["expression"])
                (parsed, state.path, state.program) = (traced?.graph, traced?.path, traced?.path.program.text)
                state.python = python?.module
            }
            let gradient = usesGradientGraph ? parsed.flatMap { try? GradientGraph(of: $0) } : nil
            state.graph = usesGradientGraph ? gradient?.graph : parsed
            state.backwardPassStart = gradient?.primalCount
            state.completed = []
            state.phase = nil
            state.progress = 0
            point = nil
            wrt = nil
            ybar = nil
        }

        /// `at`: a new point; only the graph's building stays done.
        mutating func setPoint(_ action: LessonAction) throws(AdvizError) {
            guard let text = action.point else { return }
            let inputs = python.map { $0.module.parameters(of: $0.function) ?? [] } ?? state.graph?.inputNames
            guard let inputs else { throw fail("`at` before any `expression`", action.spans["at"]) }
            do {
                point = try PointBinding.bind(text, to: inputs, what: "`at`")
            } catch {
                let reason = error.rendered.replacingOccurrences(of: "error: ", with: "")
                throw fail(reason.trimmingCharacters(in: .whitespacesAndNewlines), action.spans["at"])
            }
            state.completed = state.completed.intersection([.build])
            if state.phase != .build { state.phase = nil }
            if python != nil, let traced = try pythonPath(at: point, span: action.spans["at"]) {
                // The path, and so the graph, is the point's own: a new path starts from nothing.
                if traced.path.program.text != state.program {
                    state.completed = []
                    state.phase = nil
                }
                (state.graph, state.path, state.program) = (traced.graph, traced.path, traced.path.program.text)
                state.python = python?.module
            }
        }

        /// The Python function a block names: `function` in `expression`'s Python, or in the
        /// lesson's ```python blocks up to this step (each at its own line, so the path's line
        /// numbers are the file's); without `function`, the last one defined.
        func pythonFunction(_ action: LessonAction) throws(AdvizError) -> (module: PythonModule, function: String) {
            let span = action.spans["function"] ?? action.spans["expression"]
            let source: SourceText
            if let text = action.expression {
                source = SourceText(text, name: "expression")
            } else {
                let step = (action.spans["function"]).map { at in lesson.steps.lastIndex { $0.span.start <= at.start } ?? -1 } ?? -1
                var lines = [String](repeating: "", count: lesson.source.text.split(separator: "\n", omittingEmptySubsequences: false).count)
                for block in lesson.python where block.step <= step {
                    for (k, line) in block.lines.enumerated() { lines[block.firstLine - 1 + k] = line }
                }
                guard lesson.python.contains(where: { $0.step <= step }) else {
                    throw fail("`function` names a function of the lesson's Python, and there is no ```python block before it", span, hint: "show the code in a ```python block first, or write it in `expression:`")
                }
                source = SourceText(lines.joined(separator: "\n"), name: lesson.source.name)
            }
            do {
                let module = try PythonModule.parse(source)
                return (module, try module.function(named: action.function).name)
            } catch {
                throw fail(LessonRun.reason(error), span)
            }
        }

        /// The path of the Python function at `point` and its graph (inputs: the parameters,
        /// output: the returned value); without a point, nil when the path depends on it.
        func pythonPath(at point: [Double]?, span: SourceSpan?) throws(AdvizError) -> (path: PythonPath, graph: Graph)? {
            guard let (module, function) = python else { return nil }
            let parameters = module.parameters(of: function) ?? []
            do {
                let path = try module.trace(function: function, at: point ?? Array(repeating: 1, count: parameters.count))
                if point == nil, path.branchesOnInputs { return nil }
                let program = try Program.parse(path.program)
                let graph = try Graph(program: program, options: GraphOptions(outputs: [path.output], inputs: path.parameters))
                return (path, graph)
            } catch let error as AdvizError {
                throw fail(LessonRun.reason(error), span)
            } catch let diagnostic as Diagnostic {
                throw fail("`\(function)`'s path does not read: \(diagnostic.message)", span)
            } catch {
                throw fail("`\(function)` does not make a graph: \(error)", span)
            }
        }

        /// `wrt` and `ybar`: new seeds; the sweep they seed is to run again.
        mutating func setSeeds(_ action: LessonAction) throws(AdvizError) {
            let spans = action.spans
            if let name = action.wrt {
                guard let graph = state.graph else { throw fail("`wrt` before any `expression`", spans["wrt"]) }
                guard graph.inputNames.contains(name) else {
                    throw fail("`\(name)` is not an input", spans["wrt"], hint: "the inputs are \(PointBinding.listing(graph.inputNames))")
                }
                wrt = name
                state.completed.remove(.tangent)
                if state.phase == .tangent { state.phase = nil }
            }
            if let seeds = action.ybar {
                guard let graph = state.graph else { throw fail("`ybar` before any `expression`", spans["ybar"]) }
                guard seeds.count == graph.outputCount else {
                    throw fail("`ybar` has \(seeds.count) number\(seeds.count == 1 ? "" : "s") for \(graph.outputCount) output\(graph.outputCount == 1 ? "" : "s")", spans["ybar"])
                }
                ybar = seeds
                state.completed.remove(.reverse)
                if state.phase == .reverse { state.phase = nil }
            }
        }

        /// The trace of the graph at the point with the seeds (none without a point).
        mutating func retrace() throws(AdvizError) {
            guard let graph = state.graph, let point else {
                state.trace = nil
                return
            }
            var options = TraceOptions(mode: .both, numberFormat: NumberFormat(significantDigits: state.precision))
            if let wrt, let j = graph.inputNames.firstIndex(of: wrt) { options.seed = ForwardSweep.unitSeed(j, inputs: graph.inputCount) }
            if let ybar { options.outputSeed = ybar }
            state.trace = try Trace(graph, at: point, options: options)
        }

        /// The rows of a phase: nodes built, rows of a sweep, or the one Jacobian.
        func length(of phase: LessonPhase) -> Int {
            guard let graph = state.graph else { return 0 }
            switch phase {
            case .build: return graph.nodes.count - graph.constantCount
            case .primal: return state.trace?.primalRows().count ?? 0
            case .tangent: return state.trace?.tangentRows().count ?? 0
            case .reverse: return state.trace?.adjointRows().count ?? 0
            case .jacobian: return 1
            }
        }

        /// `run`: starts a phase, once what it needs is there.
        mutating func run(_ action: LessonAction) throws(AdvizError) {
            guard let phase = action.run else { return }
            let span = action.spans["run"]
            guard state.graph != nil else { throw fail("`run: \(phase.rawValue)` before any `expression`", span, hint: "set the program with `expression:` first") }
            if phase != .build, point == nil { throw fail("`run: \(phase.rawValue)` needs a point", span, hint: "give it with `at:`") }
            if (phase == .tangent || phase == .reverse), !state.completed.contains(.primal) {
                throw fail("`\(phase.rawValue)` needs the primal values first", span, hint: "run `primal` in an earlier step")
            }
            state.phase = phase
            state.progress = 0
            state.phaseLength = length(of: phase)
            state.completed.remove(phase)
        }

        /// `advance` (and `run`, which advances the whole phase unless told otherwise).
        mutating func advance(_ action: LessonAction) throws(AdvizError) {
            guard action.run != nil || action.advance != nil else { return }
            guard let phase = state.phase else {
                throw fail("`advance` with no phase running", action.spans["advance"], hint: "start one with `run:`")
            }
            if action.run == nil, state.progress >= state.phaseLength {
                throw fail("the `\(phase.rawValue)` phase is already complete", action.spans["advance"], hint: "start the next one with `run:`")
            }
            switch action.advance ?? .phase {
            case .phase: state.progress = state.phaseLength
            case .nodes(let k): state.progress = Swift.min(state.phaseLength, state.progress + k)
            }
            if state.progress >= state.phaseLength { state.completed.insert(phase) }
        }

        /// `show`: each figure has what it draws.
        func checkShows(_ action: LessonAction) throws(AdvizError) {
            guard let shows = action.show else { return }
            let span = action.spans["show"]
            for show in shows {
                switch show {
                case .graph, .code, .diff, .plot:
                    if state.graph == nil, let (_, function) = python {
                        throw fail("`show: \(show.rawValue)` needs a point: `\(function)` branches on its inputs, so its path is the point's", span, hint: "give one with `at:`")
                    }
                    if state.graph == nil { throw fail("`show: \(show.rawValue)` needs a program", span, hint: "set one with `expression:`") }
                case .trace:
                    if state.phase == nil { throw fail("`show: trace` needs a phase", span, hint: "run one with `run:` (primal, tangent, reverse, …)") }
                case .compare, .errorStudy, .accumulate, .recursive, .recursiveOverwrite:
                    if point == nil { throw fail("`show: \(show.rawValue)` needs a point", span, hint: "give it with `at:`") }
                case .race, .none: break  // the race brings its own functions and points
                }
            }
            if shows.contains(.plot), let graph = state.graph, graph.inputCount == 0 {
                throw fail("`show: plot` needs an input to plot against", span)
            }
        }

        /// The frame of step `index`: the state now, with the step's words and what it shows.
        func frame(_ step: LessonStep, index: Int, action: LessonAction) -> LessonFrame {
            var frame = state
            frame.index = index
            frame.title = step.title
            frame.narration = step.narration
            frame.shows = action.show ?? (state.graph == nil ? [] : (state.phase == nil ? [.graph] : [.graph, .trace]))
            frame.shows.removeAll { $0 == .none }
            frame.question = action.question
            return frame
        }
    }
}
