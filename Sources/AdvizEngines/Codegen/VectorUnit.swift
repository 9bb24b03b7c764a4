import Foundation

/// The widest vectors of this CPU that compiled kernels use, read from /proc/cpuinfo at run time.
///
/// clang's `-march=native` knows an AVX-512 CPU's instructions but still prefers 256-bit vectors
/// (older Xeons slowed their clocks on 512-bit ones); the kernels are long chains of
/// multiplies and adds with no calls, where the full width pays: on an Intel Xeon (Sapphire
/// Rapids) the polynomial's strict reverse gradient went from 1.35 to 0.87 ms per 10⁶ points on
/// one core, the bits unchanged. So where the CPU has AVX-512 the kernels are built with
/// `-mprefer-vector-width=512`; elsewhere clang's choice for the CPU stands.
public struct VectorUnit: Sendable, Equatable {
    /// The instruction set: `AVX-512`, `AVX2`, `AVX`, `SSE2`, `NEON`, or `scalar`.
    public let name: String
    /// The width of a vector in bits (64 when there are none).
    public let bits: Int
    /// The compiler flags that ask for this width (beyond `-march=native`).
    public let flags: [String]

    /// Doubles per vector.
    public var lanes: Int { Swift.max(1, bits / 64) }

    /// `AVX-512 (512-bit vectors, 8 doubles)`: for the bench's header.
    public var description: String { bits > 64 ? "\(name) (\(bits)-bit vectors, \(lanes) doubles)" : "\(name) (no vectors)" }

    /// The unit of a CPU whose /proc/cpuinfo `flags` (x86) or `Features` (Arm) line lists `features`.
    public init(features: Set<String>) {
        if features.contains("avx512f") {
            self.init(name: "AVX-512", bits: 512, flags: ["-mprefer-vector-width=512"])
        } else if features.contains("avx2") {
            self.init(name: "AVX2", bits: 256, flags: [])
        } else if features.contains("avx") {
            self.init(name: "AVX", bits: 256, flags: [])
        } else if features.contains("sse2") {
            self.init(name: "SSE2", bits: 128, flags: [])
        } else if features.contains("asimd") || features.contains("neon") {
            self.init(name: "NEON", bits: 128, flags: [])
        } else {
            self.init(name: "scalar", bits: 64, flags: [])
        }
    }

    init(name: String, bits: Int, flags: [String]) {
        self.name = name
        self.bits = bits
        self.flags = flags
    }

    /// This machine's unit (`ADVIZ_VECTOR_BITS=256` or `128` caps the width, for comparisons).
    public static let current: VectorUnit = {
        let text = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix("flags") || $0.hasPrefix("Features") }
        let features = Set((line?.split(separator: ":", maxSplits: 1).last ?? "").split(separator: " ").map(String.init))
        let unit = VectorUnit(features: features)
        if let cap = ProcessInfo.processInfo.environment["ADVIZ_VECTOR_BITS"].flatMap(Int.init), cap < unit.bits, unit.bits == 512 {
            return VectorUnit(name: "AVX-512 at \(cap) bits", bits: cap, flags: ["-mprefer-vector-width=\(cap)"])
        }
        return unit
    }()
}
