import Foundation
import AdvizCore
import AdvizSymbolic

/// A loaded kernel library: the functions of a ``KernelSource``, callable over ranges of points.
///
/// The library stays loaded for the life of the process (kernels are few and small).
public final class CompiledKernel: @unchecked Sendable {
    typealias GradientFunction = @convention(c) (
        Int, Int, UnsafePointer<UnsafePointer<Double>?>?, UnsafeMutablePointer<Double>?, UnsafePointer<UnsafeMutablePointer<Double>?>?
    ) -> Void
    typealias DerivativeFunction = @convention(c) (
        Int, Int, UnsafePointer<UnsafePointer<Double>?>?, UnsafePointer<UnsafeMutablePointer<Double>?>?
    ) -> Void

    /// The source it was built from.
    public let source: KernelSource
    /// Seconds spent compiling it (0 when it came from the cache).
    public let compileSeconds: Double
    private let reverse: GradientFunction
    private let forward: GradientFunction
    private let central: DerivativeFunction
    private let symbolic: DerivativeFunction?

    /// Loads the library at `path`, built from `source`.
    init(path: String, source: KernelSource, compileSeconds: Double) throws(AdvizError) {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw .invalidArgument("cannot load the kernel `\(path)`: \(String(cString: dlerror()))")
        }
        func symbol<F>(_ name: String, as type: F.Type) -> F? {
            dlsym(handle, name).map { unsafeBitCast($0, to: type) }
        }
        guard let reverse = symbol("adviz_reverse", as: GradientFunction.self),
            let forward = symbol("adviz_forward", as: GradientFunction.self),
            let central = symbol("adviz_central", as: DerivativeFunction.self)
        else {
            dlclose(handle)
            throw .invalidArgument("the kernel `\(path)` lacks its functions")
        }
        self.reverse = reverse
        self.forward = forward
        self.central = central
        symbolic = source.hasSymbolic ? symbol("adviz_symbolic", as: DerivativeFunction.self) : nil
        self.source = source
        self.compileSeconds = compileSeconds
    }

    /// Whether the symbolic derivative was compiled in.
    public var hasSymbolic: Bool { symbolic != nil }

    /// Runs `method` on points `range` of `points`, writing `values` (if given) and `gradients`.
    ///
    /// Buffers are column-wise: one per input, each at least `range.upperBound` long.
    package func run(
        _ method: DerivativeMethod, range: Range<Int>, inputs: [UnsafePointer<Double>],
        values: UnsafeMutablePointer<Double>?, gradients: [UnsafeMutablePointer<Double>]
    ) {
        inputs.map(Optional.some).withUnsafeBufferPointer { inputPointers in
            gradients.map(Optional.some).withUnsafeBufferPointer { gradientPointers in
                switch method {
                case .reverse: reverse(range.lowerBound, range.upperBound, inputPointers.baseAddress, values, gradientPointers.baseAddress)
                case .forward: forward(range.lowerBound, range.upperBound, inputPointers.baseAddress, values, gradientPointers.baseAddress)
                case .central: central(range.lowerBound, range.upperBound, inputPointers.baseAddress, gradientPointers.baseAddress)
                case .symbolic:
                    if let symbolic { symbolic(range.lowerBound, range.upperBound, inputPointers.baseAddress, gradientPointers.baseAddress) }
                }
            }
        }
    }
}

/// How a derivative is computed over many points.
public enum DerivativeMethod: String, Sendable, CaseIterable {
    /// The symbolic derivative's expression, evaluated.
    case symbolic
    /// Central differences, (f(x+h) − f(x−h)) / 2h.
    case central
    /// Forward-mode AD: one tangent sweep per input.
    case forward
    /// Reverse-mode AD: one adjoint sweep for the whole gradient.
    case reverse
}
