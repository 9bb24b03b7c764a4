import Foundation
import AdvizCore

/// A compiled ``ControlFlowProgram``: one kernel for every path of a Python function, each
/// point following its own path through the C's loops and branches.
public final class ControlFlowKernel: @unchecked Sendable {
    typealias Function = @convention(c) (
        Int, Int, UnsafePointer<UnsafePointer<Double>?>?, UnsafeMutablePointer<Double>?,
        UnsafePointer<UnsafeMutablePointer<Double>?>?, UnsafeMutablePointer<Int32>?
    ) -> Void

    /// The program it was built from.
    public let program: ControlFlowProgram
    /// Seconds spent compiling it.
    public let compileSeconds: Double
    private let function: Function

    /// The values and gradients of a run, and the points where the function gave no number
    /// (the executor says why there).
    public struct Result: Sendable {
        public var values: [Double]
        public var gradients: [[Double]]
        public var failed: [Int]
        public var seconds: Double
    }

    /// Compiles `program` with the kernels' strict flags (no fused multiply-add: the trace's rounding).
    public init(_ program: ControlFlowProgram) throws(AdvizError) {
        guard let compiler = KernelCompiler.shared.compiler else {
            throw .usage("no C compiler found (looked for the clang beside swift, then clang and cc on PATH)")
        }
        let template = NSTemporaryDirectory() + "/adviz-python-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard mkdtemp(&bytes) != nil else { throw .cannotCreate("cannot create a temporary folder for the kernel") }
        let folder = String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let c = folder + "/python.c", so = folder + "/python.so"
        guard FileManager.default.createFile(atPath: c, contents: Data(program.text.utf8)) else {
            throw .cannotWrite("cannot write the kernel source in `\(folder)`")
        }
        let started = Date()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: compiler)
        process.arguments = KernelCompiler.flags(.strict) + ["-o", so, c, "-lm"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { throw .usage("cannot run the C compiler `\(compiler)`: \(error.localizedDescription)") }
        let messages = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: messages, as: UTF8.self).split(separator: "\n").prefix(5).joined(separator: "\n")
            throw .usage("the C compiler failed on the Python kernel (exit \(process.terminationStatus)):\n\(text)")
        }
        compileSeconds = Date().timeIntervalSince(started)
        guard let handle = dlopen(so, RTLD_NOW | RTLD_LOCAL), let symbol = dlsym(handle, "adviz_python") else {
            throw .usage("cannot load the Python kernel: \(String(cString: dlerror()))")
        }
        function = unsafeBitCast(symbol, to: Function.self)
        self.program = program
    }

    /// Values and gradients at `points` (one column per parameter), split over `threads` workers.
    public func run(_ points: PointColumns, threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> Result {
        let n = program.code.parameters.count
        let count = points.columns.first?.count ?? 0
        var values = [Double](repeating: .nan, count: count)
        var gradients = [[Double]](repeating: [Double](repeating: .nan, count: count), count: n)
        var failed = [Int32](repeating: 0, count: count)
        let started = Date()
        let inputs = points.columns.map { column -> UnsafeMutablePointer<Double> in
            let p = UnsafeMutablePointer<Double>.allocate(capacity: max(count, 1))
            p.initialize(from: column, count: count)
            return p
        }
        let outputs = (0..<n).map { _ in UnsafeMutablePointer<Double>.allocate(capacity: max(count, 1)) }
        defer {
            inputs.forEach { $0.deallocate() }
            outputs.forEach { $0.deallocate() }
        }
        let workers = max(1, min(threads, count / 64))
        values.withUnsafeMutableBufferPointer { v in
            failed.withUnsafeMutableBufferPointer { f in
                let vBase = v.baseAddress, fBase = f.baseAddress
                nonisolated(unsafe) let inputPointers = inputs.map { Optional(UnsafePointer($0)) }
                nonisolated(unsafe) let outputPointers = outputs.map(Optional.some)
                let call = function
                nonisolated(unsafe) let (vb, fb) = (vBase, fBase)
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    let begin = count * w / workers, end = count * (w + 1) / workers
                    inputPointers.withUnsafeBufferPointer { i in
                        outputPointers.withUnsafeBufferPointer { g in call(begin, end, i.baseAddress, vb, g.baseAddress, fb) }
                    }
                }
            }
        }
        for j in 0..<n { gradients[j] = Array(UnsafeBufferPointer(start: outputs[j], count: count)) }
        let seconds = Date().timeIntervalSince(started)
        return Result(values: values, gradients: gradients, failed: failed.indices.filter { failed[$0] != 0 }, seconds: seconds)
    }
}
