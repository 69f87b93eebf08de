// Tree-ensemble block traversal for AVX-512 (float32 models): 16 rows walk one tree side by side,
// one lane per row. InferenceCore's Swift code lays each tree out as a *perfect* tree in heap order
// (CompiledTrees+Vector.swift), so a lane's next node is 2h + 1 + bit with no child lookup, and the
// node attributes of the first six levels (up to 32 nodes) come from registers with vpermd /
// vpermt2d instead of gathers; only the row values (and deeper levels) are gathered.
//
// Per tree at `perfect + offset`, with depth D and N = 2^D - 1 branch positions:
//   int32 slot[N]        8 x the expanded-row slot a position reads;
//   int32 threshold[N]   the order-preserving float32 key of its threshold;
//   float leaf[2^D]      the leaf values (as bits) in heap order of the last level.
// Step: bit = x[slot] < threshold (signed int32 keys), exactly Swift's Float.stepBit; a leaf met
// before depth D is repeated below itself with threshold -1 on the constant-0 slot, so it stays.
// Expanded rows: interleaved groups of eight rows, value[slot * 8 + row], `group_stride` values per
// group. Leaf values are added to `acc` tree by tree in tree order (one IEEE add per tree and row),
// so the sums are bit-identical to the Swift kernels.
#include "CMLOpsKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>

#define MLOPS_TARGET_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")))
#define MLOPS_INLINE static inline __attribute__((always_inline))

// One level of 16 walks: `h` the lanes' heap positions at level `k`; returns the next positions.
MLOPS_INLINE MLOPS_TARGET_AVX512 __m512i level_f32(
    const int32_t *slots, const int32_t *thresholds, int32_t k, const int32_t *x, __m512i lane,
    __mmask16 live, __m512i h) {
    __m512i slot;
    __m512i threshold;
    if (k <= 4) {
        const int32_t base = (1 << k) - 1;
        const __m512i r = _mm512_sub_epi32(h, _mm512_set1_epi32(base));
        slot = _mm512_permutexvar_epi32(r, _mm512_loadu_si512(slots + base));
        threshold = _mm512_permutexvar_epi32(r, _mm512_loadu_si512(thresholds + base));
    } else if (k == 5) {
        const __m512i r = _mm512_sub_epi32(h, _mm512_set1_epi32(31));
        slot = _mm512_permutex2var_epi32(_mm512_loadu_si512(slots + 31), r, _mm512_loadu_si512(slots + 47));
        threshold =
            _mm512_permutex2var_epi32(_mm512_loadu_si512(thresholds + 31), r, _mm512_loadu_si512(thresholds + 47));
    } else {
        slot = _mm512_i32gather_epi32(h, slots, 4);
        threshold = _mm512_i32gather_epi32(h, thresholds, 4);
    }
    const __m512i value =
        _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), live, _mm512_add_epi32(slot, lane), x, 4);
    const __mmask16 left = _mm512_cmplt_epi32_mask(value, threshold);
    const __m512i next = _mm512_add_epi32(_mm512_add_epi32(h, h), _mm512_set1_epi32(1));
    return _mm512_mask_add_epi32(next, left, next, _mm512_set1_epi32(1));
}

// The leaf value of each lane after `depth` levels.
MLOPS_INLINE MLOPS_TARGET_AVX512 __m512 leaf_f32(const int32_t *tree, int32_t depth, __m512i h) {
    const int32_t n = (1 << depth) - 1;
    const float *leaves = (const float *)(tree + 2 * n);
    return _mm512_i32gather_ps(_mm512_sub_epi32(h, _mm512_set1_epi32(n)), leaves, 4);
}

MLOPS_TARGET_AVX512 void mlops_trees_block_f32_avx512(
    const int32_t *perfect, const int32_t *trees, size_t tree_count, const int32_t *expanded,
    size_t group_stride, size_t row_count, float *acc) {
    const int32_t g = (int32_t)group_stride;
    const __m512i lane = _mm512_setr_epi32(
        0, 1, 2, 3, 4, 5, 6, 7, g, g + 1, g + 2, g + 3, g + 4, g + 5, g + 6, g + 7);
    for (size_t row = 0; row < row_count; row += 16) {
        const size_t remaining = row_count - row;
        const __mmask16 live = remaining >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << remaining) - 1);
        const int32_t *x = expanded + (row >> 3) * group_stride;
        __m512 sum = _mm512_maskz_loadu_ps(live, acc + row);
        size_t t = 0;
        // Four trees of equal depth side by side (independent gather chains hide their latency);
        // their leaves are added in tree order.
        while (t < tree_count) {
            if (t + 3 < tree_count && trees[2 * t + 1] == trees[2 * t + 3] &&
                trees[2 * t + 1] == trees[2 * t + 5] &&
                trees[2 * t + 1] == trees[2 * t + 7]) {
                const int32_t depth = trees[2 * t + 1];
                const int32_t n = (1 << depth) - 1;
                const int32_t *s0 = perfect + trees[2 * t];
                const int32_t *s1 = perfect + trees[2 * t + 2];
                const int32_t *s2 = perfect + trees[2 * t + 4];
                const int32_t *s3 = perfect + trees[2 * t + 6];
                __m512i h0 = _mm512_setzero_si512();
                __m512i h1 = _mm512_setzero_si512();
                __m512i h2 = _mm512_setzero_si512();
                __m512i h3 = _mm512_setzero_si512();
                for (int32_t k = 0; k < depth; k++) {
                    h0 = level_f32(s0, s0 + n, k, x, lane, live, h0);
                    h1 = level_f32(s1, s1 + n, k, x, lane, live, h1);
                    h2 = level_f32(s2, s2 + n, k, x, lane, live, h2);
                    h3 = level_f32(s3, s3 + n, k, x, lane, live, h3);
                }
                sum = _mm512_add_ps(sum, leaf_f32(s0, depth, h0));
                sum = _mm512_add_ps(sum, leaf_f32(s1, depth, h1));
                sum = _mm512_add_ps(sum, leaf_f32(s2, depth, h2));
                sum = _mm512_add_ps(sum, leaf_f32(s3, depth, h3));
                t += 4;
                continue;
            }
            // Two trees side by side; their leaves are added in tree order.
            if (t + 1 < tree_count) {
                const int32_t *a = perfect + trees[2 * t];
                const int32_t da = trees[2 * t + 1];
                const int32_t *b = perfect + trees[2 * t + 2];
                const int32_t db = trees[2 * t + 3];
                const int32_t *ta = a + ((1 << da) - 1);
                const int32_t *tb = b + ((1 << db) - 1);
                __m512i ha = _mm512_setzero_si512();
                __m512i hb = _mm512_setzero_si512();
                const int32_t common = da < db ? da : db;
                int32_t k = 0;
                for (; k < common; k++) {
                    ha = level_f32(a, ta, k, x, lane, live, ha);
                    hb = level_f32(b, tb, k, x, lane, live, hb);
                }
                for (int32_t ka = k; ka < da; ka++) { ha = level_f32(a, ta, ka, x, lane, live, ha); }
                for (int32_t kb = k; kb < db; kb++) { hb = level_f32(b, tb, kb, x, lane, live, hb); }
                sum = _mm512_add_ps(sum, leaf_f32(a, da, ha));
                sum = _mm512_add_ps(sum, leaf_f32(b, db, hb));
                t += 2;
                continue;
            }
            {
                const int32_t *a = perfect + trees[2 * t];
                const int32_t da = trees[2 * t + 1];
                const int32_t *ta = a + ((1 << da) - 1);
                __m512i ha = _mm512_setzero_si512();
                for (int32_t k = 0; k < da; k++) { ha = level_f32(a, ta, k, x, lane, live, ha); }
                sum = _mm512_add_ps(sum, leaf_f32(a, da, ha));
                t += 1;
            }
        }
        _mm512_mask_storeu_ps(acc + row, live, sum);
    }
}

// One level of 8 walks over float64 thresholds (perfect layout: int32 slots, then double
// thresholds); the comparison is the sign bit of x - threshold, exactly Swift's Double.stepBit.
MLOPS_INLINE MLOPS_TARGET_AVX512 __m256i level_f64(
    const int32_t *slots, const double *thresholds, int32_t k, const double *x, __m256i lane, __mmask8 live,
    __m256i h) {
    __m256i slot;
    __m512d threshold;
    if (k <= 3) {
        const int32_t base = (1 << k) - 1;
        const __m256i r = _mm256_sub_epi32(h, _mm256_set1_epi32(base));
        slot = _mm256_permutexvar_epi32(r, _mm256_loadu_si256((const __m256i *)(slots + base)));
        threshold = _mm512_permutexvar_pd(_mm512_cvtepi32_epi64(r), _mm512_loadu_pd(thresholds + base));
    } else if (k == 4) {
        const __m256i r = _mm256_sub_epi32(h, _mm256_set1_epi32(15));
        slot = _mm256_permutex2var_epi32(
            _mm256_loadu_si256((const __m256i *)(slots + 15)), r, _mm256_loadu_si256((const __m256i *)(slots + 23)));
        threshold = _mm512_permutex2var_pd(
            _mm512_loadu_pd(thresholds + 15), _mm512_cvtepi32_epi64(r), _mm512_loadu_pd(thresholds + 23));
    } else {
        slot = _mm256_i32gather_epi32(slots, h, 4);
        threshold = _mm512_i32gather_pd(h, thresholds, 8);
    }
    const __m512d value =
        _mm512_mask_i32gather_pd(_mm512_setzero_pd(), live, _mm256_add_epi32(slot, lane), x, 8);
    const __mmask8 left = _mm512_movepi64_mask(_mm512_castpd_si512(_mm512_sub_pd(value, threshold)));
    const __m256i next = _mm256_add_epi32(_mm256_add_epi32(h, h), _mm256_set1_epi32(1));
    return _mm256_mask_add_epi32(next, left, next, _mm256_set1_epi32(1));
}

MLOPS_TARGET_AVX512 void mlops_trees_block_f64_avx512(
    const int32_t *perfect, const int32_t *trees, size_t tree_count, const double *expanded,
    size_t group_stride, size_t row_count, double *acc) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (size_t row = 0; row < row_count; row += 8) {
        const size_t remaining = row_count - row;
        const __mmask8 live = remaining >= 8 ? (__mmask8)0xFF : (__mmask8)((1u << remaining) - 1);
        const double *x = expanded + (row >> 3) * group_stride;
        __m512d sum = _mm512_maskz_loadu_pd(live, acc + row);
        size_t t = 0;
        // Four trees side by side while their depths agree, else one; leaves added in tree order.
        while (t < tree_count) {
            if (t + 3 < tree_count && trees[2 * t + 1] == trees[2 * t + 3] &&
                trees[2 * t + 1] == trees[2 * t + 5] &&
                trees[2 * t + 1] == trees[2 * t + 7]) {
                const int32_t depth = trees[2 * t + 1];
                const int32_t n = (1 << depth) - 1;
                const int32_t *s[4];
                __m256i h[4];
                for (int i = 0; i < 4; i++) {
                    s[i] = perfect + trees[2 * (t + (size_t)i)];
                    h[i] = _mm256_setzero_si256();
                }
                for (int32_t k = 0; k < depth; k++) {
                    for (int i = 0; i < 4; i++) {
                        h[i] = level_f64(s[i], (const double *)(s[i] + n), k, x, lane, live, h[i]);
                    }
                }
                for (int i = 0; i < 4; i++) {
                    const double *leaves = (const double *)(s[i] + 3 * n);
                    sum = _mm512_add_pd(
                        sum, _mm512_i32gather_pd(_mm256_sub_epi32(h[i], _mm256_set1_epi32(n)), leaves, 8));
                }
                t += 4;
                continue;
            }
            const int32_t depth = trees[2 * t + 1];
            const int32_t n = (1 << depth) - 1;
            const int32_t *s0 = perfect + trees[2 * t];
            __m256i h0 = _mm256_setzero_si256();
            for (int32_t k = 0; k < depth; k++) { h0 = level_f64(s0, (const double *)(s0 + n), k, x, lane, live, h0); }
            const double *leaves = (const double *)(s0 + 3 * n);
            sum = _mm512_add_pd(sum, _mm512_i32gather_pd(_mm256_sub_epi32(h0, _mm256_set1_epi32(n)), leaves, 8));
            t += 1;
        }
        _mm512_mask_storeu_pd(acc + row, live, sum);
    }
}

#endif
