// SHA-256 block compression with the CPU's SHA instructions: the x86-64 SHA extensions
// (SHA-NI) or the arm64 SHA-256 instructions. The portable path is MLOpsCore's Swift SHA256.
#include "CMLOpsKernels.h"

static const uint32_t mlops_sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

__attribute__((target("sha,sse4.1,ssse3")))
static void mlops_sha256_shani(uint32_t state[8], const uint8_t *data, size_t blocks) {
    const __m128i byteSwap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    // The instructions keep the state as (A, B, E, F) and (C, D, G, H).
    __m128i tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[0]), 0xB1);  // C D A B
    __m128i state1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[4]), 0x1B);  // E F G H
    __m128i state0 = _mm_alignr_epi8(tmp, state1, 8);  // A B E F
    state1 = _mm_blend_epi16(state1, tmp, 0xF0);      // C D G H

    while (blocks--) {
        const __m128i saved0 = state0, saved1 = state1;
        __m128i w[4];
        for (int i = 0; i < 4; i++) {
            w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * i)), byteSwap);
        }
        for (int group = 0; group < 16; group++) {
            __m128i message = _mm_add_epi32(w[group & 3], _mm_loadu_si128((const __m128i *)&mlops_sha256_k[4 * group]));
            state1 = _mm_sha256rnds2_epu32(state1, state0, message);
            if (group < 12) {
                // Words 4(group+4)…: W[t-16] + s0(W[t-15]) + W[t-7], then + s1(W[t-2]).
                __m128i next = _mm_sha256msg1_epu32(w[group & 3], w[(group + 1) & 3]);
                next = _mm_add_epi32(next, _mm_alignr_epi8(w[(group + 3) & 3], w[(group + 2) & 3], 4));
                w[group & 3] = _mm_sha256msg2_epu32(next, w[(group + 3) & 3]);
            }
            message = _mm_shuffle_epi32(message, 0x0E);
            state0 = _mm_sha256rnds2_epu32(state0, state1, message);
        }
        state0 = _mm_add_epi32(state0, saved0);
        state1 = _mm_add_epi32(state1, saved1);
        data += 64;
    }

    tmp = _mm_shuffle_epi32(state0, 0x1B);        // F E B A
    state1 = _mm_shuffle_epi32(state1, 0xB1);     // D C H G
    state0 = _mm_blend_epi16(tmp, state1, 0xF0);  // D C B A
    state1 = _mm_alignr_epi8(state1, tmp, 8);     // H G F E
    _mm_storeu_si128((__m128i *)&state[0], state0);
    _mm_storeu_si128((__m128i *)&state[4], state1);
}

int mlops_sha256_compress(uint32_t state[8], const uint8_t *data, size_t blocks) {
    if (!(mlops_cpu_features() & MLOPS_CPU_SHA)) return 0;
    mlops_sha256_shani(state, data, blocks);
    return 1;
}

#elif defined(__aarch64__)
#include <arm_neon.h>

__attribute__((target("sha2")))
static void mlops_sha256_armv8(uint32_t state[8], const uint8_t *data, size_t blocks) {
    uint32x4_t abcd = vld1q_u32(&state[0]);
    uint32x4_t efgh = vld1q_u32(&state[4]);
    while (blocks--) {
        const uint32x4_t savedAbcd = abcd, savedEfgh = efgh;
        uint32x4_t w[4];
        for (int i = 0; i < 4; i++) {
            w[i] = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(data + 16 * i)));
        }
        for (int group = 0; group < 16; group++) {
            const uint32x4_t message = vaddq_u32(w[group & 3], vld1q_u32(&mlops_sha256_k[4 * group]));
            if (group < 12) {
                w[group & 3] = vsha256su1q_u32(
                    vsha256su0q_u32(w[group & 3], w[(group + 1) & 3]), w[(group + 2) & 3], w[(group + 3) & 3]);
            }
            const uint32x4_t previous = abcd;
            abcd = vsha256hq_u32(abcd, efgh, message);
            efgh = vsha256h2q_u32(efgh, previous, message);
        }
        abcd = vaddq_u32(abcd, savedAbcd);
        efgh = vaddq_u32(efgh, savedEfgh);
        data += 64;
    }
    vst1q_u32(&state[0], abcd);
    vst1q_u32(&state[4], efgh);
}

int mlops_sha256_compress(uint32_t state[8], const uint8_t *data, size_t blocks) {
    if (!(mlops_cpu_features() & MLOPS_CPU_SHA)) return 0;
    mlops_sha256_armv8(state, data, blocks);
    return 1;
}

#else
int mlops_sha256_compress(uint32_t state[8], const uint8_t *data, size_t blocks) {
    (void)state;
    (void)data;
    (void)blocks;
    return 0;
}
#endif
