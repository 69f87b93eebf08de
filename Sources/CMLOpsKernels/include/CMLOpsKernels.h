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

#ifdef __cplusplus
}
#endif

#endif
