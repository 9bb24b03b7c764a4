import Dispatch
import Foundation
import Synchronization
import AdvizCore
import AdvizSymbolic

/// Compiles kernel sources with the toolchain's clang and caches the shared objects.
///
/// The compiler is the `clang` that ships beside `swift` (found through `PATH`, symlinks
/// resolved), or `$ADVIZ_CC`; the cache is `$ADVIZ_CACHE_DIR`, else `$XDG_CACHE_HOME/adviz/kernels`,
/// else `~/.cache/adviz/kernels`. An entry is named by a hash of everything that decides the
/// machine code (the source, the compiler, its flags, the CPU) and is loaded only if the
/// source stored beside it is byte for byte the one adviz just wrote, from a folder only
/// this user can write to: nothing runs that adviz did not write. A cache that cannot be
/// written is noted once and bypassed (the kernel is built in a private temporary folder).
public final class KernelCompiler: Sendable {
    /// The compiler found, or nil.
    public let compiler: String?
    /// The cache folder, or nil if it cannot be used.
    public let cacheFolder: String?
    /// Why the cache is not used, when it is not.
    public let cacheProblem: String?
    /// The flags a kernel is built with (plus `$ADVIZ_CFLAGS`, split at spaces, for experiments).
    ///
    /// ``KernelMath/strict`` (the default) keeps IEEE arithmetic as the tape does it: no
    /// reassociation, no reciprocals, no fused multiply-adds (`-ffp-contract=off`: a fused
    /// a·b + c rounds once where the tape rounds twice), signed zeros kept, NaN and infinities
    /// with their meaning. Only flags that change no result remain: no `errno` from `sqrt`
    /// (so it is one instruction) and no trapping (so loops vectorise). ``KernelMath/fast``
    /// adds what XLA and `-ffast-math` allow short of `-ffinite-math-only`: results may then
    /// differ from the trace's, and the bench labels its rows. ``KernelMath/contract`` is strict
    /// but for fused multiply-adds, as XLA compiles: the like-for-like peer of JAX's kernels.
    /// The vectors are the CPU's widest (``VectorUnit/current``).
    public static func flags(_ math: KernelMath) -> [String] {
        let extra = ProcessInfo.processInfo.environment["ADVIZ_CFLAGS"]?.split(separator: " ").map(String.init) ?? []
        let common = ["-std=c99", "-O3", "-march=native"] + VectorUnit.current.flags
            + ["-fno-math-errno", "-fno-trapping-math", "-fPIC", "-shared", "-w"]
        switch math {
        case .strict: return common + ["-ffp-contract=off"] + extra
        case .contract: return common + ["-ffp-contract=fast"] + extra
        case .fast: return common + ["-ffp-contract=fast", "-fno-signed-zeros", "-fassociative-math", "-freciprocal-math"] + extra
        }
    }

    private let notes = Mutex<Set<String>>([])
    private let loaded = Mutex<[UInt64: CompiledKernel]>([:])

    /// The process-wide compiler (one lookup, one cache of loaded kernels).
    public static let shared = KernelCompiler()

    /// A compiler set up from the environment.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        compiler = KernelCompiler.findCompiler(environment)
        let folder = KernelCompiler.cacheFolder(environment)
        var problem: String? = nil
        if let folder {
            problem = KernelCompiler.prepare(folder)
        } else {
            problem = "no cache folder (neither HOME nor XDG_CACHE_HOME is set)"
        }
        cacheFolder = problem == nil ? folder : nil
        cacheProblem = problem
    }

    /// The toolchain's clang: `$ADVIZ_CC`, else the `clang` beside `swift` on PATH, else `clang` or `cc` on PATH.
    static func findCompiler(_ environment: [String: String]) -> String? {
        let fm = FileManager.default
        if let chosen = environment["ADVIZ_CC"] {
            return chosen.isEmpty ? nil : (fm.isExecutableFile(atPath: chosen) ? chosen : nil)
        }
        let path = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        func onPath(_ name: String) -> String? {
            path.map { $0 + "/" + name }.first { fm.isExecutableFile(atPath: $0) }
        }
        if let swift = onPath("swift") {
            let real = URL(fileURLWithPath: swift).resolvingSymlinksInPath().deletingLastPathComponent()
            let clang = real.appendingPathComponent("clang").path
            if fm.isExecutableFile(atPath: clang) { return clang }
        }
        return onPath("clang") ?? onPath("cc")
    }

    static func cacheFolder(_ environment: [String: String]) -> String? {
        if let folder = environment["ADVIZ_CACHE_DIR"], !folder.isEmpty { return folder }
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/adviz/kernels" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.cache/adviz/kernels" }
        return nil
    }

    /// Creates the folder (mode 700) and checks that only this user can write to it; the problem, if any.
    static func prepare(_ folder: String) -> String? {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            return "cannot create the kernel cache `\(folder)`"
        }
        var info = stat()
        guard stat(folder, &info) == 0 else { return "cannot read the kernel cache `\(folder)`" }
        guard info.st_uid == getuid() else { return "the kernel cache `\(folder)` belongs to another user" }
        guard info.st_mode & 0o022 == 0 else { return "the kernel cache `\(folder)` is writable by others" }
        guard access(folder, W_OK) == 0 else { return "the kernel cache `\(folder)` is read-only" }
        return nil
    }

    /// Says `message` on stderr once per process.
    func noteOnce(_ message: String, _ say: (String) -> Void) {
        let first = notes.withLock { $0.insert(message).inserted }
        if first { say(message) }
    }

    /// The kernel for `source`: from this process's table, the cache, or a fresh compile.
    ///
    /// `note` receives one-time notes (a read-only cache). Throws when there is no compiler
    /// or the compile fails; callers then use the ``BlockInterpreter``.
    /// With `timeLimit` (seconds), a compile that takes longer is stopped (the compiler killed,
    /// nothing left behind) and throws ``AdvizError/limit(_:)``.
    public func kernel(for source: KernelSource, timeLimit: Double? = nil, note: (String) -> Void = { _ in }) throws(AdvizError) -> CompiledKernel {
        guard let compiler else { throw .invalidArgument("no C compiler found (looked for the clang beside swift, then clang and cc on PATH)") }
        if let kernel = cached(source) { return kernel }
        let key = KernelCompiler.key(source.text, compiler: compiler, flags: KernelCompiler.flags(source.math))
        let name = String(key, radix: 16)
        var folder = cacheFolder
        if folder == nil, let cacheProblem { noteOnce("note: \(cacheProblem); compiling kernels in a temporary folder", note) }
        var temporary: String? = nil
        if folder == nil {
            let template = NSTemporaryDirectory() + "/adviz-kernel-XXXXXX"
            var bytes = Array(template.utf8CString)
            guard mkdtemp(&bytes) != nil else { throw .cannotCreate("cannot create a temporary folder for the kernel") }
            folder = String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)  // the path mkdtemp filled in, up to its NUL
            temporary = folder
        }
        defer { if let temporary { try? FileManager.default.removeItem(atPath: temporary) } }
        let kernel = try compile(source, compiler: compiler, folder: folder!, name: name, timeLimit: timeLimit)
        loaded.withLock { $0[key] = kernel }
        return kernel
    }

    /// The kernel for `source` if this process or the cache already has it (no compiling).
    public func cached(_ source: KernelSource) -> CompiledKernel? {
        guard let compiler else { return nil }
        let key = KernelCompiler.key(source.text, compiler: compiler, flags: KernelCompiler.flags(source.math))
        if let kernel = loaded.withLock({ $0[key] }) { return kernel }
        // A cached entry: used only if its stored source is exactly ours.
        guard let folder = cacheFolder else { return nil }
        let name = String(key, radix: 16)
        let c = folder + "/" + name + ".c", so = folder + "/" + name + ".so"
        guard let stored = FileManager.default.contents(atPath: c), stored == Data(source.text.utf8),
            FileManager.default.fileExists(atPath: so), let kernel = try? CompiledKernel(path: so, source: source, compileSeconds: 0)
        else { return nil }
        loaded.withLock { $0[key] = kernel }
        return kernel
    }

    /// About how many seconds `clang -O3` takes on `source`, from its size: the kernel is one
    /// function per method, and the optimiser's time grows faster than the function's length
    /// (measured on this project's 2-core machine; see ``GradientEngine/compileBudget``).
    ///
    /// Calls of `pow` with a variable exponent cost clang far more than their text: a tower
    /// `x^x^…^x` of 100 (122 KB of C, 891 `pow` calls) took 10.7 s where a chain of sines and
    /// logarithms of 258 KB took 2.7 s. Each `pow(` counts as 0.6 KB more.
    public static func estimatedSeconds(_ source: KernelSource) -> Double {
        var powers = 0
        let pattern = Array("pow(".utf8)
        var matched = 0
        for byte in source.text.utf8 {
            matched = byte == pattern[matched] ? matched + 1 : (byte == pattern[0] ? 1 : 0)
            if matched == pattern.count { powers += 1; matched = 0 }
        }
        let kilobytes = Double(source.text.utf8.count) / 1000 + 0.6 * Double(powers)
        return estimateScale * Foundation.pow(kilobytes, estimateExponent)
    }

    /// The fit of ``estimatedSeconds(_:)``, seconds = scale · (effective kilobytes of C)^exponent,
    /// to `clang -O3` on chains of 50–300 statements (129 KB: 1.1 s, 258 KB: 2.7 s, 522 KB: 7.5 s)
    /// on this project's 2-core machine.
    static let estimateScale = 0.00123, estimateExponent = 1.4

    private func compile(_ source: KernelSource, compiler: String, folder: String, name: String, timeLimit: Double?) throws(AdvizError) -> CompiledKernel {
        let seconds = try Self.compileAndStore(
            source.text, compiler: compiler, flags: KernelCompiler.flags(source.math), folder: folder, name: name, what: "the kernel", timeLimit: timeLimit)
        return try CompiledKernel(path: folder + "/" + name + ".so", source: source, compileSeconds: seconds)
    }

    /// Compiles the C `text` into `folder/name.so` and stores the text as `folder/name.c`, in
    /// seconds: into temporary files first, renamed into place only when the compiler succeeded
    /// (the object first, so a reader that finds the new source also finds its object); an
    /// interrupt kills the compiler and removes them, and a later compile removes those of an
    /// adviz killed outright. Past `timeLimit` seconds the compiler is killed (a `limit` error).
    /// `what` names the code in messages ("the kernel", "the Python kernel").
    static func compileAndStore(
        _ text: String, compiler: String, flags: [String], folder: String, name: String, what: String, timeLimit: Double?
    ) throws(AdvizError) -> Double {
        let unique = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let cTemporary = folder + "/.\(name).\(unique).c", soTemporary = folder + "/.\(name).\(unique).so"
        CompilerGuard.removeAbandoned(in: folder)
        // From here until the kernel is stored, an interrupt kills the compiler and removes these files.
        let guarding = CompilerGuard(temporaries: [cTemporary, soTemporary])
        defer {
            unlink(cTemporary)
            unlink(soTemporary)
            guarding.finish()
        }
        guard FileManager.default.createFile(atPath: cTemporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw .cannotWrite("cannot write the kernel source in `\(folder)`")
        }
        let start = ContinuousClock.now
        let process = Process()
        process.executableURL = URL(fileURLWithPath: compiler)
        process.arguments = flags + ["-o", soTemporary, cTemporary, "-lm"]
        let errors = Pipe()
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
            guarding.started(process.processIdentifier)
        } catch {
            throw .invalidArgument("cannot run the C compiler `\(compiler)`: \(error.localizedDescription)")
        }
        // The compiler's messages are read on the side, so a full pipe cannot stall it while adviz waits.
        let collected = CollectedOutput()
        let reading = DispatchGroup()
        reading.enter()
        DispatchQueue.global().async {
            collected.data = errors.fileHandleForReading.readDataToEndOfFile()
            reading.leave()
        }
        if let timeLimit, finished.wait(timeout: .now() + timeLimit) == .timedOut {
            CompilerGuard.killTree(process.processIdentifier)
            finished.wait()
            reading.wait()
            throw .limit("compiling \(what) took longer than \(Int(timeLimit)) s (the limit under \(Setting.engine) auto)")
        }
        process.waitUntilExit()
        reading.wait()
        try guarding.checkInterrupted()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: collected.data, as: UTF8.self).split(separator: "\n").prefix(5).joined(separator: "\n")
            throw .invalidArgument("the C compiler failed on \(what) (exit \(process.terminationStatus)):\n\(text)")
        }
        let seconds = (ContinuousClock.now - start).seconds
        guard rename(soTemporary, folder + "/" + name + ".so") == 0, rename(cTemporary, folder + "/" + name + ".c") == 0 else {
            throw .cannotWrite("cannot store the kernel in `\(folder)`: \(String(cString: strerror(errno)))")
        }
        return seconds
    }

    /// FNV-1a over the source, the compiler's path, size and date, the flags and the CPU model.
    static func key(_ source: String, compiler: String, flags: [String]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) {
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01b3
            }
            hash ^= 0xff
            hash &*= 0x0000_0100_0000_01b3
        }
        mix(source)
        mix(compiler)
        var info = stat()
        if stat(compiler, &info) == 0 { mix("\(info.st_size)-\(info.st_mtim.tv_sec)") }
        mix(flags.joined(separator: " "))
        mix(cpuModel)
        return hash
    }

    /// The CPU model line of /proc/cpuinfo: `-march=native` code must not move to another CPU.
    static let cpuModel: String = {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        let lines = text.split(separator: "\n")
        let model = lines.first { $0.hasPrefix("model name") } ?? ""
        let flags = lines.first { $0.hasPrefix("flags") } ?? ""
        return String(model) + String(flags)
    }()
}

/// What a thread read from the compiler's standard error, handed back after it finished.
private final class CollectedOutput: @unchecked Sendable {
    var data = Data()
}
