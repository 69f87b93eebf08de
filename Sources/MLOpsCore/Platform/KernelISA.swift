import CMLOpsKernels

/// The instruction-set level swift-mlops' CPU-specific kernels run at in this process.
///
/// The hot kernels (SHA-256 today; matrix multiplication and tree traversal as they move into the
/// `CMLOpsKernels` C target) exist once per instruction-set level, each compiled for that level
/// with a per-function target attribute, and the best level the CPU and the operating system
/// support is chosen once, at first use. A plain `swift build` — no `-march`, no `unsafeFlags` —
/// is therefore fast on every CPU, and one binary runs on all of them.
///
/// What a caller must know:
/// - Set `MLOPS_ISA` to `baseline`, `avx2` or `avx512` (x86-64) to cap the level — for tests
///   that compare every level against the portable Swift kernels, and for hosts that need
///   results that are bit-for-bit the same across machines. A level the CPU lacks is never
///   used, whatever the variable says; an unknown value is ignored.
/// - `baseline` also turns off the SHA instructions (SHA-NI, or arm64's SHA-256 instructions).
///   Hashes are identical either way; only the speed changes.
public struct KernelISA: Sendable, Hashable, CustomStringConvertible {
    /// A vector instruction-set level.
    public enum Level: Int, Sendable, Hashable, Comparable, CustomStringConvertible {
        /// The portable kernels: Swift SIMD code for the architecture's baseline (SSE2 on x86-64).
        case baseline = 0
        /// x86-64 AVX2 with FMA.
        case avx2 = 1
        /// x86-64 AVX-512 (F, VL, BW, DQ).
        case avx512 = 2

        /// `baseline`, `avx2` or `avx512`.
        public var description: String {
            switch self {
            case .baseline: "baseline"
            case .avx2: "avx2"
            case .avx512: "avx512"
            }
        }

        /// Orders levels by capability.
        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The vector level the kernels use.
    public let level: Level
    /// Whether SHA-256 uses the CPU's SHA instructions.
    public let usesSHAInstructions: Bool
    /// The best level this CPU and OS support, before any `MLOPS_ISA` cap.
    public let supportedLevel: Level
    /// Whether this CPU has SHA instructions, before any `MLOPS_ISA` cap.
    public let supportsSHAInstructions: Bool

    /// The level in force for this process: detected once, capped by `MLOPS_ISA`.
    public static let current = KernelISA(
        features: mlops_cpu_features(), requested: Platform.environmentValue("MLOPS_ISA"))

    /// The level for CPU `features` (`CMLOpsKernels` bits) capped by a requested level name.
    init(features: UInt32, requested: String?) {
        var supported = Level.baseline
        if features & UInt32(MLOPS_CPU_AVX2_FMA) != 0 { supported = .avx2 }
        if features & UInt32(MLOPS_CPU_AVX512) != 0 { supported = .avx512 }
        let sha = features & UInt32(MLOPS_CPU_SHA) != 0
        supportedLevel = supported
        supportsSHAInstructions = sha
        let cap: Level? =
            switch requested?.lowercased() {
            case "baseline": .baseline
            case "avx2": .avx2
            case "avx512": .avx512
            default: nil
            }
        level = cap.map { Swift.min($0, supported) } ?? supported
        usesSHAInstructions = sha && cap != .baseline
    }

    /// E.g. `avx512+sha` or `baseline`; `(capped by MLOPS_ISA from avx512+sha)` is added when the
    /// environment lowered it.
    public var description: String {
        let used = level.description + (usesSHAInstructions ? "+sha" : "")
        let best = supportedLevel.description + (supportsSHAInstructions ? "+sha" : "")
        return used == best ? used : "\(used) (capped by MLOPS_ISA from \(best))"
    }
}
