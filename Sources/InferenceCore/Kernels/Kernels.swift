import MLOpsCore

/// The numeric kernels the inference runtime is built on.
///
/// Public here are the raw SGEMM entry point (for benchmarks and hosts that multiply their own
/// matrices without allocating) and the description of the compiled code path; the other kernels
/// (GEMV, activations, softmax, argmax, packed weights) are internal to the runtime, which hosts
/// reach through ``Model`` and ``CompiledModel``. Every kernel works on caller-owned
/// `UnsafePointer` buffers, so that a compiled execution plan can call it on preplanned memory with
/// no allocation. Matrices are row-major `Float`; a *leading dimension* (`lda`, `ldb`, `ldc`) is the
/// distance in elements between the starts of two rows, at least the number of stored columns.
///
/// ```swift
/// // y = relu(x · W + b) for a batch of 32 rows.
/// Kernels.sgemm(
///     m: 32, n: 256, k: 64, a: x, lda: 64, b: w, ldb: 256, c: y, ldc: 256,
///     bias: b, activation: .relu, pool: .shared)
/// ```
///
/// The SGEMM/GEMV register tiles are chosen at run time for the CPU (`KernelISA.current`): AVX-512
/// (12×32 tiles) or AVX2+FMA (6×16) C kernels compiled per function for their instruction set, else the
/// portable Swift tiles; `MLOPS_ISA=baseline|avx2|avx512` caps the level. A plain `swift build -c
/// release` is therefore fast; see ``configuration`` and `Documentation/Performance.md`. Results agree
/// across levels within float rounding (fused multiply-add rounds once where multiply-then-add rounds
/// twice), and are bit-for-bit the same on every machine run at the same level.
public enum Kernels {
    /// A short description of the SGEMM kernels this process uses, e.g. `"avx512 12x32"`,
    /// `"avx2-fma 6x16"` or `"baseline-sse 6x8"`; benchmarks print it next to their numbers.
    public static var configuration: String {
        let config = KernelConfig.current
        return "\(config.name) \(config.mr)x\(config.nr)"
    }

    /// Whether the SGEMM kernels in use fuse multiply and add (AVX2, AVX-512, arm64, or `MLOPS_FMA`).
    public static var usesFusedMultiplyAdd: Bool { KernelConfig.current.usesFMA }
}

/// Register blocking, cache blocking and micro-kernels for one instruction-set level.
///
/// `MR`×`NR` is the micro-kernel's register tile; `KC`, `MC`, `NC` are the cache blocks (depth of a
/// packed panel, rows of packed A kept in L2, columns of packed B per outer block). `rowPanels` is how many
/// `NR`-wide panels the one-row (GEMV) kernel walks at once.
///
/// ``current`` follows ``KernelISA/current``: at `avx2` and `avx512` the register tiles and one-row
/// kernels are the C functions of `CMLOpsKernels` (6×16 and 12×32, compiled per function for their
/// instruction set); at `baseline` they are the Swift tiles of `KernelConfig+MicroKernels.swift`, whose
/// shape is fixed when InferenceCore is compiled (6×8 without flags; 6×16 or 12×32 with `MLOPS_NATIVE`).
/// Everything else — packing, blocking, threading, edge tiles' epilogue — is the same Swift code at every
/// level, driven by these numbers. A ``PackedMatrix`` is packed for one configuration and used with it.
struct KernelConfig: Sendable {
    /// Which register-tile and one-row kernels run.
    enum Tiles: Sendable, Equatable {
        /// The Swift tiles compiled into InferenceCore.
        case swift
        /// `mlops_sgemm_tile_avx2` / `mlops_sgemm_rows_avx2` (6×16).
        case avx2
        /// `mlops_sgemm_tile_avx512` / `mlops_sgemm_rows_avx512` (12×32).
        case avx512
    }

    /// The instruction-set level this configuration was built for.
    let level: KernelISA.Level
    let tiles: Tiles
    let name: String
    let mr: Int
    let nr: Int
    let kc = 256
    let mc = 96
    let nc = 2048
    let rowPanels: Int
    let usesFMA: Bool

    /// Rows at or below which SGEMM uses the one-row kernel per row instead of packed tiles.
    var smallM: Int { mr / 2 }

    /// Floating-point operations (2·M·N·K) below which SGEMM never hands work to a pool.
    static let parallelFlopThreshold = 1 << 21

    /// The configuration for the level in force in this process (``KernelISA/current``).
    static let current = KernelConfig(level: KernelISA.current.level)

    /// The configuration for `level`, lowered to the best level this CPU supports (so tests can ask for
    /// every level and get the ones the machine can run).
    init(level requested: KernelISA.Level) {
        #if arch(x86_64)
            let level = Swift.min(requested, KernelISA.current.supportedLevel)
        #else
            let level = KernelISA.Level.baseline
            _ = requested
        #endif
        self.level = level
        switch level {
        case .avx512:
            (tiles, name, mr, nr, rowPanels, usesFMA) = (.avx512, "avx512", 12, 32, 4, true)
        case .avx2:
            (tiles, name, mr, nr, rowPanels, usesFMA) = (.avx2, "avx2-fma", 6, 16, 4, true)
        case .baseline:
            (tiles, name, mr, nr, rowPanels, usesFMA) = (
                .swift, Self.swiftName, Self.swiftMR, Self.swiftNR, Self.swiftRowPanels, Self.swiftUsesFMA
            )
        }
    }

    // The shape of the Swift tiles, fixed at compile time.
    #if MLOPS_AVX512
        static let swiftName = "swift-avx512-fma"
        static let swiftMR = 12
        static let swiftNR = 32
        static let swiftRowPanels = 4
        static let swiftUsesFMA = true
    #elseif MLOPS_FMA || arch(arm64)
        static let swiftName = "swift-fma"
        static let swiftMR = 6
        static let swiftNR = 16
        static let swiftRowPanels = 4
        static let swiftUsesFMA = true
    #else
        static let swiftName = "baseline-sse"
        static let swiftMR = 6
        static let swiftNR = 8
        static let swiftRowPanels = 6
        static let swiftUsesFMA = false
    #endif
}

/// `a * b + c`, fused into one instruction when the build targets a CPU with FMA.
///
/// Without `MLOPS_FMA` the x86-64 baseline has no FMA instruction and `addingProduct` would become one
/// libm call per lane, so this is written as a separate multiply and add (Swift never contracts them).
/// The overloads are concrete (not generic over `SIMD`) so that even unoptimised debug builds use the
/// standard library's builtin vector operations instead of per-lane generic code.
@inline(__always)
func multiplyAdd(_ a: SIMD16<Float>, _ b: SIMD16<Float>, _ c: SIMD16<Float>) -> SIMD16<Float> {
    #if MLOPS_FMA || arch(arm64)
        return c.addingProduct(a, b)
    #else
        return c + a * b
    #endif
}

/// `a * b + c` for 8 lanes; see the 16-lane overload.
@inline(__always)
func multiplyAdd(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ c: SIMD8<Float>) -> SIMD8<Float> {
    #if MLOPS_FMA || arch(arm64)
        return c.addingProduct(a, b)
    #else
        return c + a * b
    #endif
}

/// Scalar `a * b + c` with the same fusion policy as the SIMD version.
@inline(__always)
func multiplyAdd(_ a: Float, _ b: Float, _ c: Float) -> Float {
    #if MLOPS_FMA || arch(arm64)
        return c.addingProduct(a, b)
    #else
        return c + a * b
    #endif
}
