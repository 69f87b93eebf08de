// Run-time CPU feature detection for the kernels' dispatch.
#include "CMLOpsKernels.h"

#include <stdatomic.h>

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>

static uint64_t mlops_xgetbv(uint32_t index) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(index));
    return ((uint64_t)edx << 32) | eax;
}

static uint32_t mlops_detect(void) {
    uint32_t eax, ebx, ecx, edx;
    uint32_t features = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const int ssse3 = (ecx >> 9) & 1, sse41 = (ecx >> 19) & 1, fma = (ecx >> 12) & 1;
    const int osxsave = (ecx >> 27) & 1, avx = (ecx >> 28) & 1;
    if (ssse3 && sse41) features |= MLOPS_CPU_SSE41;
    // The OS must save the vector registers on a context switch: XCR0 bits 1-2 (XMM, YMM) and,
    // for AVX-512, bits 5-7 (opmask, ZMM0-15 upper halves, ZMM16-31).
    const uint64_t xcr0 = osxsave ? mlops_xgetbv(0) : 0;
    const int ymm = (xcr0 & 0x6) == 0x6, zmm = (xcr0 & 0xE6) == 0xE6;
    if (__get_cpuid_max(0, 0) >= 7) {
        __cpuid_count(7, 0, eax, ebx, ecx, edx);
        const int avx2 = (ebx >> 5) & 1, sha = (ebx >> 29) & 1;
        const int avx512f = (ebx >> 16) & 1, avx512dq = (ebx >> 17) & 1;
        const int avx512bw = (ebx >> 30) & 1, avx512vl = (ebx >> 31) & 1;
        if (avx && avx2 && fma && ymm) features |= MLOPS_CPU_AVX2_FMA;
        if ((features & MLOPS_CPU_AVX2_FMA) && avx512f && avx512dq && avx512bw && avx512vl && zmm) {
            features |= MLOPS_CPU_AVX512;
        }
        if (sha && (features & MLOPS_CPU_SSE41)) features |= MLOPS_CPU_SHA;
    }
    return features;
}

#elif defined(__aarch64__)
#if defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_SHA2
#define HWCAP_SHA2 (1 << 6)
#endif
static uint32_t mlops_detect(void) {
    uint32_t features = MLOPS_CPU_NEON;
    if (getauxval(AT_HWCAP) & HWCAP_SHA2) features |= MLOPS_CPU_SHA;
    return features;
}
#elif defined(__APPLE__)
#include <sys/sysctl.h>
static uint32_t mlops_detect(void) {
    uint32_t features = MLOPS_CPU_NEON;
    int value = 0;
    size_t size = sizeof(value);
    if (sysctlbyname("hw.optional.arm.FEAT_SHA256", &value, &size, NULL, 0) == 0 && value) {
        features |= MLOPS_CPU_SHA;
    }
    return features;
}
#else
static uint32_t mlops_detect(void) { return MLOPS_CPU_NEON; }
#endif

#else
static uint32_t mlops_detect(void) { return 0; }
#endif

uint32_t mlops_cpu_features(void) {
    // Bit 31 marks "detected". Detection is idempotent, so two threads racing here both store
    // the same value.
    static _Atomic uint32_t cached = 0;
    uint32_t value = atomic_load_explicit(&cached, memory_order_relaxed);
    if (!(value & 0x80000000u)) {
        value = mlops_detect() | 0x80000000u;
        atomic_store_explicit(&cached, value, memory_order_relaxed);
    }
    return value & ~0x80000000u;
}
