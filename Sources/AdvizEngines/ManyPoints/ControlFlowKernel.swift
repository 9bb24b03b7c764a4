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

    /// The kernel of `program`, compiled with the kernels' strict flags (no fused multiply-add:
    /// the trace's rounding), or loaded from the kernel cache where a compile of the same C with
    /// the same compiler, flags and CPU left it (``KernelCompiler``'s cache and key; the entry is
    /// `py<key>.c` and `.so`, used only if its stored C is exactly this one). Without a usable
    /// cache it compiles in a temporary folder.
    public init(_ program: ControlFlowProgram) throws(AdvizError) {
        let compilers = KernelCompiler.shared
        guard let compiler = compilers.compiler else {
            throw .invalidArgument("no C compiler found (looked for the clang beside swift, then clang and cc on PATH)")
        }
        let flags = KernelCompiler.flags(.strict)
        let name = "py" + String(KernelCompiler.key(program.text, compiler: compiler, flags: flags), radix: 16)
        var folder = compilers.cacheFolder
        var temporary: String? = nil
        if folder == nil {
            let template = NSTemporaryDirectory() + "/adviz-python-XXXXXX"
            var bytes = Array(template.utf8CString)
            guard mkdtemp(&bytes) != nil else { throw .cannotCreate("cannot create a temporary folder for the kernel") }
            folder = String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            temporary = folder
        }
        defer { if let temporary { try? FileManager.default.removeItem(atPath: temporary) } }
        let so = folder! + "/" + name + ".so"
        if temporary == nil, let handle = ControlFlowKernel.cached(program.text, folder: folder!, name: name) {
            function = handle
            compileSeconds = 0
        } else {
            compileSeconds = try ControlFlowKernel.compile(program.text, compiler: compiler, flags: flags, folder: folder!, name: name)
            function = try ControlFlowKernel.load(so)
        }
        self.program = program
    }

    /// The cached kernel `name` in `folder`, if its stored C is `text` and its object loads.
    static func cached(_ text: String, folder: String, name: String) -> Function? {
        let c = folder + "/" + name + ".c", so = folder + "/" + name + ".so"
        guard let stored = FileManager.default.contents(atPath: c), stored == Data(text.utf8), FileManager.default.fileExists(atPath: so) else { return nil }
        return try? load(so)
    }

    /// The kernel's entry point in the library `so`.
    static func load(_ so: String) throws(AdvizError) -> Function {
        guard let handle = dlopen(so, RTLD_NOW | RTLD_LOCAL), let symbol = dlsym(handle, "adviz_python") else {
            throw .invalidArgument("cannot load the Python kernel: \(String(cString: dlerror()))")
        }
        return unsafeBitCast(symbol, to: Function.self)
    }

    /// Compiles `text` into `folder/name.so` (and stores it as `name.c`), in seconds, as the
    /// straight-line kernels are compiled and stored (``KernelCompiler/compileAndStore``).
    static func compile(_ text: String, compiler: String, flags: [String], folder: String, name: String) throws(AdvizError) -> Double {
        try KernelCompiler.compileAndStore(text, compiler: compiler, flags: flags, folder: folder, name: name, what: "the Python kernel", timeLimit: nil)
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
