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
/// The speed of these kernels depends on how the module was compiled; see ``configuration`` and
/// `Documentation/Performance.md`. A default `swift build -c release` uses a baseline x86-64 code path
/// (SSE, separate multiply and add); `MLOPS_NATIVE=1 swift build -c release` compiles InferenceCore for
/// the build machine's CPU with fused multiply-add (and AVX-512 register blocking where present), which is
/// several times faster. Results are numerically equivalent either way (within float rounding).
public enum Kernels {
    /// A short description of the kernel code path compiled into this build, e.g.
    /// `"avx512-fma 12x32"` or `"baseline-sse 6x8"`; benchmarks print it next to their numbers.
    public static var configuration: String {
        "\(KernelConfig.name) \(KernelConfig.mr)x\(KernelConfig.nr)"
    }

    /// Whether this build uses fused multiply-add instructions (`MLOPS_FMA` or an arm64 target).
    public static var usesFusedMultiplyAdd: Bool { KernelConfig.usesFMA }
}

/// Compile-time choice of register blocking and blocking sizes.
///
/// `MR`×`NR` is the micro-kernel's register tile; `KC`, `MC`, `NC` are the cache blocks (depth of a
/// packed panel, rows of packed A kept in L2, columns of packed B per outer block). `rowPanels` is how many
/// `NR`-wide panels the one-row (GEMV) kernel walks at once.
enum KernelConfig {
    #if MLOPS_AVX512
        static let name = "avx512-fma"
        static let mr = 12
        static let nr = 32
        static let kc = 256
        static let mc = 96
        static let nc = 2048
        static let rowPanels = 4
        static let usesFMA = true
    #elseif MLOPS_FMA || arch(arm64)
        static let name = "fma"
        static let mr = 6
        static let nr = 16
        static let kc = 256
        static let mc = 96
        static let nc = 2048
        static let rowPanels = 4
        static let usesFMA = true
    #else
        static let name = "baseline-sse"
        static let mr = 6
        static let nr = 8
        static let kc = 256
        static let mc = 96
        static let nc = 2048
        static let rowPanels = 6
        static let usesFMA = false
    #endif

    /// Rows at or below which SGEMM uses the one-row kernel per row instead of packed tiles.
    static let smallM = mr / 2

    /// Floating-point operations (2·M·N·K) below which SGEMM never hands work to a pool.
    static let parallelFlopThreshold = 1 << 21
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
