import AdvizKit
import ArgumentParser
import Foundation

/// `adviz codegen`: the derivative as a program (source-transformation AD).
struct CodegenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codegen",
        abstract: "Write the derivative program of an expression in C or Swift: the trace as code.",
        discussion: """
            Each statement is a row of the trace, commented with it: the primal trace, then the \
            tangent trace (forward mode) or the adjoint trace in reverse order (reverse mode).

            Examples:
              adviz codegen "log(x1*x2)+sin(x2)"
              adviz codegen "log(x1*x2)+sin(x2)" --mode forward --lang swift
              adviz codegen "x^2" --kernel            # the C of the compiled kernels, point loop included
            """
    )

    @OptionGroup var program: ProgramOptions
    @OptionGroup var gradientGraph: GradientGraphOptions

    @Option(help: "forward (tangents, one direction per call) or reverse (adjoints, the whole gradient).")
    var mode: CodegenMode = .reverse

    @Option(help: "The language: c or swift.")
    var lang: CodeLanguage = .c

    @Flag(help: "Print the C source of the compiled kernels (what `adviz grad` compiles) instead.")
    var kernel = false

    @Flag(help: "With --kernel: the fast-math kernel (its flags are in the source's header).")
    var fastMath = false

    @Option(name: [.short, .customLong("output-file")], help: ArgumentHelp("Write to this file (atomically) instead of standard output.", valueName: "path"))
    var outputFile: String?

    func validate() throws {
        if kernel && lang != .c { throw ValidationError("--kernel is C only") }
        if fastMath && !kernel { throw ValidationError("--fast-math is for --kernel") }
    }

    func run() throws {
        try runReportingErrors { () throws(AdvizError) in
            if let text = try controlFlowProgram() {
                try write(text)
                return
            }
            let (source, loaded) = try program.loadGraph()
            let graph = try gradientGraph.apply(to: loaded).graph
            // The derivative program takes every output (ȳ weights them); a kernel differentiates
            // one output, so --kernel writes one per output.
            let text = kernel
                ? graph.outputs.indices.map { k in
                    (graph.outputCount > 1 ? "/* output \(graph.outputs[k].name) */\n" : "") + KernelSource(graph, output: k, symbolic: nil, math: fastMath ? .fast : .strict).text
                }.joined(separator: "\n")
                : DerivativeProgram.write(graph, mode: mode, language: lang, source: source.text)
            try write(text)
        }
    }

    private func write(_ text: String) throws(AdvizError) {
        if let outputFile {
            try AdvizError.writing { try AtomicFile.write(text, to: outputFile) }
        } else {
            try writeStandardOutput(text)
        }
    }

    /// A Python function without `--at`, in C and reverse mode: its program with loops kept as
    /// loops and branches as branches, every path in one function (nil for anything else).
    private func controlFlowProgram() throws(AdvizError) -> String? {
        guard program.at == nil, !kernel, lang == .c, mode == .reverse, !gradientGraph.enabled else { return nil }
        let source = try ProgramSource.choose(argument: program.expression, file: program.file).load()
        guard PythonDetection.isPython(source) else { return nil }
        let module = try PythonModule.parse(source)
        return ControlFlowProgram(try module.controlFlowCode(function: program.function)).text
    }
}

extension CodegenMode: ExpressibleByArgument {}
extension CodeLanguage: ExpressibleByArgument {}
extension DerivativeMethod: ExpressibleByArgument {}
extension EngineChoice: ExpressibleByArgument {}
