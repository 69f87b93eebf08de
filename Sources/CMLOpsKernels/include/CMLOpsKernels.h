// CMLOpsKernels: the only C in swift-mlops. Each kernel here is compiled for one instruction-set
// level with __attribute__((target(...))) and chosen at run time from the CPU's features, so a
// plain `swift build` (no -march flags, no unsafeFlags) is fast on every CPU. Everything around
// the kernels — planning, packing, threading — is Swift (see Documentation/Performance.md).
#ifndef CMLOPSKERNELS_H
#define CMLOPSKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// CPU features the kernels can use, as bits of `mlops_cpu_features()`.
enum {
    MLOPS_CPU_SSE41 = 1u << 0,      // x86-64: SSE4.1 and SSSE3
    MLOPS_CPU_AVX2_FMA = 1u << 1,   // x86-64: AVX2 and FMA, with the OS saving YMM state
    MLOPS_CPU_AVX512 = 1u << 2,     // x86-64: AVX-512 F, VL, BW, DQ, with the OS saving ZMM state
    MLOPS_CPU_SHA = 1u << 3,        // x86-64 SHA extensions (SHA-NI); arm64 SHA-256 instructions
    MLOPS_CPU_NEON = 1u << 4,       // arm64 Advanced SIMD (always present on arm64)
};

/// The features of the CPU this process runs on (detected once; CPUID and XGETBV on x86-64,
/// getauxval or sysctl on arm64). Never includes a feature the OS does not enable.
uint32_t mlops_cpu_features(void);

/// Hashes `blocks` consecutive 64-byte blocks at `data` into the SHA-256 state `state`
/// (a, b, …, h as host-order words) with the CPU's SHA instructions.
/// Returns 1 if it did, 0 if this CPU has none (the state is then unchanged).
int mlops_sha256_compress(uint32_t state[8], const uint8_t *data, size_t blocks);

#if defined(__x86_64__)
/// SGEMM register tile, AVX2 + FMA, 6 rows x 16 columns: C = epilogue(alpha * A·B) over `kc` steps.
/// `a` is a packed A panel (6 floats per step) when `lda` is 0, else 6 rows of a row-major A read in
/// place, `lda` floats apart; `b` is a packed B panel (16 floats per step). `c` receives 6 rows of 16
/// floats, `ldc` apart. `mode` 0 overwrites C, 1 adds beta·C, 2 adds C; then `bias` (16 values, or
/// NULL) is added and values below `floor_value` are raised to it (NaN passes). Requires AVX2 + FMA.
void mlops_sgemm_tile_avx2(
    size_t kc, const float *a, ptrdiff_t lda, const float *b, float *c, ptrdiff_t ldc, float alpha,
    float beta, int mode, const float *bias, float floor_value);

/// One row against `count` (1 to 4) 16-column panels, AVX2 + FMA:
/// out[p·16 + j] = Σₖ x[k·xs] · b[p·ps + k·rs + j]. Requires AVX2 + FMA.
void mlops_sgemm_rows_avx2(
    size_t count, size_t k, const float *x, ptrdiff_t xs, const float *b, ptrdiff_t ps, ptrdiff_t rs,
    float *out);

/// The AVX-512 register tile, 12 rows x 32 columns; the same contract as mlops_sgemm_tile_avx2
/// with 12-float A steps, 32-float B steps and 32 bias values. Requires AVX-512 F.
void mlops_sgemm_tile_avx512(
    size_t kc, const float *a, ptrdiff_t lda, const float *b, float *c, ptrdiff_t ldc, float alpha,
    float beta, int mode, const float *bias, float floor_value);

/// One row against `count` (1 to 4) 32-column panels, AVX-512:
/// out[p·32 + j] = Σₖ x[k·xs] · b[p·ps + k·rs + j]. Requires AVX-512 F.
void mlops_sgemm_rows_avx512(
    size_t count, size_t k, const float *x, ptrdiff_t xs, const float *b, ptrdiff_t ps, ptrdiff_t rs,
    float *out);

/// Tree-ensemble block traversal, AVX-512, float32 models: adds, tree by tree in order, each tree's
/// leaf value to acc[r] for the `row_count` rows of an expanded block (InferenceCore's interleaved
/// groups of eight rows, `group_stride` int32 keys per group). Tree t is a perfect tree of depth
/// trees[2t + 1] (at most 8) at perfect + trees[2t]: 2^D - 1 slots (x 8), as many int32 threshold
/// keys, then 2^D float leaf values, in heap order; `perfect` must be readable 64 int32 past the
/// last tree. Requires AVX-512 F.
void mlops_trees_block_f32_avx512(
    const int32_t *perfect, const int32_t *trees, size_t tree_count, const int32_t *expanded,
    size_t group_stride, size_t row_count, float *acc);

/// The float64 form of mlops_trees_block_f32_avx512, eight rows side by side: per tree 2^D - 1
/// int32 slots, then as many double thresholds, then 2^D double leaf values (as int32 word pairs);
/// the expanded block holds doubles. Requires AVX-512 F, VL, DQ.
void mlops_trees_block_f64_avx512(
    const int32_t *perfect, const int32_t *trees, size_t tree_count, const double *expanded,
    size_t group_stride, size_t row_count, double *acc);
#endif

#ifdef __cplusplus
}
#endif

#endif
