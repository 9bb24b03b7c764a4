import AdvizCore
import Foundation

/// What a page or a script asks the classroom server about a program: the program, the point, the
/// seeds, as the query of `/api/trace`, `/api/explore` and `/api/figure.svg` spells them.
///
/// The names follow the command line's options without their dashes (`at`, `mode`, `wrt`, `seed`,
/// `ybar`, `output`, `precision`), so a URL reads like the command it mirrors:
/// `/api/trace?program=log(x1*x2)%2Bsin(x2)&at=2,5` is `adviz trace "log(x1*x2)+sin(x2)" --at 2,5`.
public struct ExploreRequest: Sendable, Hashable {
    /// The program, in adviz's language.
    public var program: String
    /// The point (`2,5` or `x1=2,x2=5`); nil for a program without inputs.
    public var at: String?
    /// Which sweeps run.
    public var mode: TraceMode = .both
    /// The input the tangent sweep differentiates by.
    public var wrt: String?
    /// The tangent sweep's direction, one number per input.
    public var seed: String?
    /// The adjoint sweep's output seed.
    public var ybar: String?
    /// The outputs, where the program's sinks are not the ones wanted.
    public var outputs: [String] = []
    /// Significant digits in the rows and captions.
    public var precision: Int = 4

    /// The largest program the server reads: a lecture's program is a few lines; anything near
    /// this is a mistake or an attack, answered with 413.
    public static let maximumProgramBytes = 64 * 1024

    /// A request for `program` at `at`.
    public init(program: String, at: String? = nil) {
        self.program = program
        self.at = at
    }

    /// Reads the request from the API's fields; a missing program or a malformed option is an
    /// ``ExploreError`` with status 400, a program over ``maximumProgramBytes`` one with 413.
    public init(fields: APIFields) throws(ExploreError) {
        guard let program = fields.program ?? fields.expression else {
            throw ExploreError(status: 400, message: "the program is missing: give it as `program=` (an expression such as log(x1*x2)+sin(x2))")
        }
        guard program.utf8.count <= Self.maximumProgramBytes else {
            throw ExploreError(status: 413, message: "the program is \(program.utf8.count) bytes; the server reads at most \(Self.maximumProgramBytes)")
        }
        self.program = program
        self.at = fields.at.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        if let mode = fields.mode, !mode.isEmpty {
            guard let chosen = TraceMode(rawValue: mode) else {
                throw ExploreError(status: 400, message: "`mode` must be forward, reverse or both, got `\(mode)`")
            }
            self.mode = chosen
        }
        self.wrt = fields.wrt.flatMap { $0.isEmpty ? nil : $0 }
        self.seed = fields.seed.flatMap { $0.isEmpty ? nil : $0 }
        self.ybar = fields.ybar.flatMap { $0.isEmpty ? nil : $0 }
        if wrt != nil, seed != nil { throw ExploreError(status: 400, message: "give either `wrt` or `seed`, not both") }
        self.outputs = (fields.output ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if let digits = fields.precision, !digits.isEmpty {
            guard let value = Int(digits), (1...17).contains(value) else {
                throw ExploreError(status: 400, message: "`precision` must be a whole number from 1 to 17, got `\(digits)`")
            }
            self.precision = value
        }
    }

    /// The program's source as the server names it in messages.
    public var source: SourceText { SourceText(program, name: "<program>") }

    /// Parses, builds and binds the program: its graph and the point (no sweeps yet).
    public func graph() throws(ExploreError) -> (graph: Graph, point: [Double]) {
        var source = self.source
        do {
            // A pasted Python function: the path it takes at the point is the program.
            let path = try PythonFrontEnd.path(of: source, function: nil, at: at)
            if let path { source = path.program }
            let parsed: Program
            do {
                parsed = try Program.parse(source)
            } catch {
                throw AdvizError.input(error, source)
            }
            let requested = outputs.isEmpty ? path.map { [$0.output] } : outputs
            let graph = try Graph(program: parsed, options: GraphOptions(sharing: true, outputs: requested, inputs: path?.parameters))
            let point: [Double]
            if let at {
                point = try PointBinding.bind(at, to: graph.inputNames, what: "`at`")
            } else if graph.inputCount == 0 {
                point = []
            } else {
                throw AdvizError.invalidArgument("the point is missing: give a value for \(graph.inputNames.map { "`\($0)`" }.joined(separator: ", ")), e.g. at=\(graph.inputNames.map { _ in "1" }.joined(separator: ","))")
            }
            return (graph, point)
        } catch let error as AdvizError {
            throw ExploreError(error)
        } catch let error as ExploreError {
            throw error
        } catch {
            throw ExploreError(status: 400, message: "\(error)")
        }
    }

    /// The trace options this request's seeds make for `graph`.
    public func traceOptions(for graph: Graph) throws(ExploreError) -> TraceOptions {
        var options = TraceOptions(mode: mode, numberFormat: NumberFormat(significantDigits: precision))
        do {
            if let wrt {
                guard let index = graph.inputNames.firstIndex(of: wrt) else {
                    let hint = Suggestion.closest(to: wrt, among: graph.inputNames).map { "did you mean `\($0)`? " } ?? ""
                    throw AdvizError.invalidArgument("`wrt`: `\(wrt)` is not an input; \(hint)the inputs are \(graph.inputNames.map { "`\($0)`" }.joined(separator: ", "))")
                }
                options.seed = ForwardSweep.unitSeed(index, inputs: graph.inputCount)
            }
            if let seed { options.seed = try PointBinding.bind(seed, to: graph.inputNames, what: "`seed`", unnamedAreZero: true) }
            if let ybar {
                options.outputSeed = try PointBinding.bind(ybar, to: graph.outputs.map(\.name), what: "`ybar`", kind: "output", unnamedAreZero: true)
            }
        } catch {
            throw ExploreError(any: error)
        }
        return options
    }

    /// Parses, builds and traces the program; `order` 2 adds the second-order rows, as `trace --order 2`.
    public func trace(order: Int = 1) throws(ExploreError) -> Trace {
        let (graph, point) = try graph()
        var options = try traceOptions(for: graph)
        options.order = order
        do {
            return try Trace(graph, at: point, options: options)
        } catch {
            throw ExploreError(any: error)
        }
    }
}

/// A request the server cannot answer, with the HTTP status it gets and, for a program that does
/// not parse, the place: the page draws the caret there.
public struct ExploreError: Error, Sendable, Equatable {
    /// 400 for bad input, 404 for a thing that is not there, 413 for a program too large, 422 for a
    /// figure too big to draw on a page.
    public var status: Int
    /// The reason, lowercase, as the command line words it.
    public var message: String
    /// The 1-based line and column of the place, where the program is at fault.
    public var line: Int?
    /// The column, in characters.
    public var column: Int?
    /// How many characters the place spans.
    public var length: Int?
    /// A suggestion ("did you mean `sin`?").
    public var hint: String?
    /// The message as the command line prints it, with the source line and the caret.
    public var rendered: String?

    /// An error with a status and a message and no place.
    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    /// The request's client left before its work was done: nobody reads the answer (499, as
    /// proxies log it), and the work it queued is dropped.
    public static let clientGone = ExploreError(status: 499, message: "the client closed the connection before the answer was ready")

    /// Any error as the server answers it: the library's with its status and place, others as 400.
    public init(any error: any Error) {
        switch error {
        case let error as ExploreError: self = error
        case let error as AdvizError: self.init(error)
        default: self.init(status: 400, message: "\(error)")
        }
    }

    /// The library's error as the server answers it: bad input is 400, with its place.
    public init(_ error: AdvizError) {
        switch error {
        case .input(let diagnostic, let source):
            let start = source.location(ofByte: diagnostic.span.start)
            self.init(status: 400, message: diagnostic.message)
            line = start.line
            column = start.column
            length = Swift.max(1, String(decoding: Array(source.text.utf8).dropFirst(diagnostic.span.start).prefix(Swift.max(diagnostic.span.length, 1)), as: UTF8.self).count)
            hint = diagnostic.hint
            rendered = source.render(diagnostic)
        case .invalidArgument, .missingInput, .badInput:
            self.init(status: 400, message: error.message())
        case .limit:
            // Past a limit of adviz's own (a derivative too large): the request is answered, the server goes on.
            self.init(status: 422, message: error.message())
        case .cannotCreate, .cannotWrite:
            // Graphviz could not draw: the request is answered, the server goes on.
            self.init(status: 422, message: error.message())
        }
    }

    /// `{"error": {"message": …, "line": …, "column": …}}`, the body of every error answer.
    public var json: String {
        var fields: [(String, JSONValue)] = [("message", .string(message)), ("status", .integer(status))]
        if let line { fields.append(("line", .integer(line))) }
        if let column { fields.append(("column", .integer(column))) }
        if let length { fields.append(("length", .integer(length))) }
        if let hint { fields.append(("hint", .string(hint))) }
        if let rendered { fields.append(("rendered", .string(rendered))) }
        return JSONValue.object([("error", .object(fields))]).serialized() + "\n"
    }
}
