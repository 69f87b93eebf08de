// SGEMM register tiles and one-row (GEMV) kernels for AVX2+FMA and AVX-512, each function compiled
// for its instruction set with __attribute__((target)) and called only when KernelISA chose that
// level. They read the packed panels InferenceCore's Swift code lays out (Kernels+GEMM.swift):
//
//   packed A panel: MR floats per step k (rows 0..<MR of op(A) at depth k), kc steps;
//   direct A:       MR rows of a row-major A read in place, `lda` floats apart;
//   packed B panel: NR floats per step k (columns 0..<NR of op(B) at depth k), kc steps.
//
// Epilogue of a tile, per element (i, j), the same as the Swift tiles' `TileStore`:
//   v = alpha * acc[i][j]
//   mode 0 (overwrite):  v
//   mode 1 (scale):      fma(C[i][j], beta, v)
//   mode 2 (accumulate): v + C[i][j]
//   C[i][j] = max(v + bias[j], floor)      (bias -0 when absent; NaN passes through)
#include "CMLOpsKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>

#define MLOPS_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define MLOPS_TARGET_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")))
#define MLOPS_INLINE static inline __attribute__((always_inline))

// MARK: AVX2 + FMA: 6 x 16 tile (12 ymm accumulators)

// acc (6 x 16) = sum over kc steps of A[i, k] * B[k, j]; A element (i, k) at a[i * rs + k * cs].
MLOPS_INLINE MLOPS_TARGET_AVX2 void tile_avx2(
    size_t kc, const float *a, ptrdiff_t rs, ptrdiff_t cs, const float *b, float *c, ptrdiff_t ldc,
    float alpha, float beta, int mode, const float *bias, float floor_value) {
    __m256 acc[6][2];
#pragma unroll
    for (int i = 0; i < 6; i++) {
        acc[i][0] = _mm256_setzero_ps();
        acc[i][1] = _mm256_setzero_ps();
    }
    for (size_t step = 0; step < kc; step++) {
        const __m256 b0 = _mm256_loadu_ps(b);
        const __m256 b1 = _mm256_loadu_ps(b + 8);
#pragma unroll
        for (int i = 0; i < 6; i++) {
            const __m256 ai = _mm256_broadcast_ss(a + i * rs);
            acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
            acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
        }
        a += cs;
        b += 16;
    }
    const __m256 va = _mm256_set1_ps(alpha);
    const __m256 vbeta = _mm256_set1_ps(beta);
    const __m256 vfloor = _mm256_set1_ps(floor_value);
    __m256 bias0 = _mm256_set1_ps(-0.0f);
    __m256 bias1 = bias0;
    if (bias) {
        bias0 = _mm256_loadu_ps(bias);
        bias1 = _mm256_loadu_ps(bias + 8);
    }
#pragma unroll
    for (int i = 0; i < 6; i++) {
        float *o = c + i * ldc;
        __m256 v0 = _mm256_mul_ps(acc[i][0], va);
        __m256 v1 = _mm256_mul_ps(acc[i][1], va);
        if (mode == 1) {
            v0 = _mm256_fmadd_ps(_mm256_loadu_ps(o), vbeta, v0);
            v1 = _mm256_fmadd_ps(_mm256_loadu_ps(o + 8), vbeta, v1);
        } else if (mode == 2) {
            v0 = _mm256_add_ps(v0, _mm256_loadu_ps(o));
            v1 = _mm256_add_ps(v1, _mm256_loadu_ps(o + 8));
        }
        // max(floor, x) returns x when x is NaN.
        _mm256_storeu_ps(o, _mm256_max_ps(vfloor, _mm256_add_ps(v0, bias0)));
        _mm256_storeu_ps(o + 8, _mm256_max_ps(vfloor, _mm256_add_ps(v1, bias1)));
    }
}

MLOPS_TARGET_AVX2 void mlops_sgemm_tile_avx2(
    size_t kc, const float *a, ptrdiff_t lda, const float *b, float *c, ptrdiff_t ldc, float alpha,
    float beta, int mode, const float *bias, float floor_value) {
    if (lda == 0) {
        tile_avx2(kc, a, 1, 6, b, c, ldc, alpha, beta, mode, bias, floor_value);
    } else {
        tile_avx2(kc, a, lda, 1, b, c, ldc, alpha, beta, mode, bias, floor_value);
    }
}

// out[p * 16 + j] = sum over k of x[k * xs] * B_p[k, j] for `count` (constant) panels, panel p row k
// at b + p * ps + k * rs.
MLOPS_INLINE MLOPS_TARGET_AVX2 void rows_avx2(
    int count, size_t k, const float *x, ptrdiff_t xs, const float *b, ptrdiff_t ps, ptrdiff_t rs,
    float *out) {
    __m256 acc[4][2];
#pragma unroll
    for (int p = 0; p < 4; p++) {
        acc[p][0] = _mm256_setzero_ps();
        acc[p][1] = _mm256_setzero_ps();
    }
    for (size_t step = 0; step < k; step++) {
        const __m256 xv = _mm256_broadcast_ss(x);
#pragma unroll
        for (int p = 0; p < 4; p++) {
            if (p < count) {
                acc[p][0] = _mm256_fmadd_ps(xv, _mm256_loadu_ps(b + p * ps), acc[p][0]);
                acc[p][1] = _mm256_fmadd_ps(xv, _mm256_loadu_ps(b + p * ps + 8), acc[p][1]);
            }
        }
        x += xs;
        b += rs;
    }
#pragma unroll
    for (int p = 0; p < 4; p++) {
        if (p < count) {
            _mm256_storeu_ps(out + p * 16, acc[p][0]);
            _mm256_storeu_ps(out + p * 16 + 8, acc[p][1]);
        }
    }
}

// One panel: four partial sums over interleaved steps so that the FMA latency does not bound a long k.
MLOPS_INLINE MLOPS_TARGET_AVX2 void row_one_avx2(
    size_t k, const float *x, ptrdiff_t xs, const float *b, ptrdiff_t rs, float *out) {
    __m256 acc[4][2];
#pragma unroll
    for (int u = 0; u < 4; u++) {
        acc[u][0] = _mm256_setzero_ps();
        acc[u][1] = _mm256_setzero_ps();
    }
    size_t step = 0;
    for (; step + 4 <= k; step += 4) {
#pragma unroll
        for (int u = 0; u < 4; u++) {
            const __m256 xv = _mm256_broadcast_ss(x + u * xs);
            acc[u][0] = _mm256_fmadd_ps(xv, _mm256_loadu_ps(b + u * rs), acc[u][0]);
            acc[u][1] = _mm256_fmadd_ps(xv, _mm256_loadu_ps(b + u * rs + 8), acc[u][1]);
        }
        x += 4 * xs;
        b += 4 * rs;
    }
    for (; step < k; step++) {
        const __m256 xv = _mm256_broadcast_ss(x);
        acc[0][0] = _mm256_fmadd_ps(xv, _mm256_loadu_ps(b), acc[0][0]);
        acc[0][1] = _mm256_fmadd_ps(xv, _mm256_loadu_ps(b + 8), acc[0][1]);
        x += xs;
        b += rs;
    }
    for (int h = 0; h < 2; h++) {
        const __m256 s = _mm256_add_ps(
            _mm256_add_ps(acc[0][h], acc[1][h]), _mm256_add_ps(acc[2][h], acc[3][h]));
        _mm256_storeu_ps(out + 8 * h, s);
    }
}

MLOPS_TARGET_AVX2 void mlops_sgemm_rows_avx2(
    size_t count, size_t k, const float *x, ptrdiff_t xs, const float *b, ptrdiff_t ps, ptrdiff_t rs,
    float *out) {
    if (count == 4) {
        rows_avx2(4, k, x, xs, b, ps, rs, out);
        return;
    }
    for (size_t p = 0; p < count; p++) {
        row_one_avx2(k, x, xs, b + p * ps, rs, out + p * 16);
    }
}

// MARK: AVX-512: 12 x 32 tile (24 zmm accumulators)

// acc (12 x 32) = sum over kc steps of A[i, k] * B[k, j]; A element (i, k) at a[i * rs + k * cs].
MLOPS_INLINE MLOPS_TARGET_AVX512 void tile_avx512(
    size_t kc, const float *a, ptrdiff_t rs, ptrdiff_t cs, const float *b, float *c, ptrdiff_t ldc,
    float alpha, float beta, int mode, const float *bias, float floor_value) {
    __m512 acc[12][2];
#pragma unroll
    for (int i = 0; i < 12; i++) {
        acc[i][0] = _mm512_setzero_ps();
        acc[i][1] = _mm512_setzero_ps();
    }
    for (size_t step = 0; step < kc; step++) {
        const __m512 b0 = _mm512_loadu_ps(b);
        const __m512 b1 = _mm512_loadu_ps(b + 16);
#pragma unroll
        for (int i = 0; i < 12; i++) {
            const __m512 ai = _mm512_set1_ps(a[i * rs]);
            acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
            acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
        }
        a += cs;
        b += 32;
    }
    const __m512 va = _mm512_set1_ps(alpha);
    const __m512 vbeta = _mm512_set1_ps(beta);
    const __m512 vfloor = _mm512_set1_ps(floor_value);
    __m512 bias0 = _mm512_set1_ps(-0.0f);
    __m512 bias1 = bias0;
    if (bias) {
        bias0 = _mm512_loadu_ps(bias);
        bias1 = _mm512_loadu_ps(bias + 16);
    }
#pragma unroll
    for (int i = 0; i < 12; i++) {
        float *o = c + i * ldc;
        __m512 v0 = _mm512_mul_ps(acc[i][0], va);
        __m512 v1 = _mm512_mul_ps(acc[i][1], va);
        if (mode == 1) {
            v0 = _mm512_fmadd_ps(_mm512_loadu_ps(o), vbeta, v0);
            v1 = _mm512_fmadd_ps(_mm512_loadu_ps(o + 16), vbeta, v1);
        } else if (mode == 2) {
            v0 = _mm512_add_ps(v0, _mm512_loadu_ps(o));
            v1 = _mm512_add_ps(v1, _mm512_loadu_ps(o + 16));
        }
        // max(floor, x) returns x when x is NaN.
        _mm512_storeu_ps(o, _mm512_max_ps(vfloor, _mm512_add_ps(v0, bias0)));
        _mm512_storeu_ps(o + 16, _mm512_max_ps(vfloor, _mm512_add_ps(v1, bias1)));
    }
}

MLOPS_TARGET_AVX512 void mlops_sgemm_tile_avx512(
    size_t kc, const float *a, ptrdiff_t lda, const float *b, float *c, ptrdiff_t ldc, float alpha,
    float beta, int mode, const float *bias, float floor_value) {
    if (lda == 0) {
        tile_avx512(kc, a, 1, 12, b, c, ldc, alpha, beta, mode, bias, floor_value);
    } else {
        tile_avx512(kc, a, lda, 1, b, c, ldc, alpha, beta, mode, bias, floor_value);
    }
}

// out[p * 32 + j] = sum over k of x[k * xs] * B_p[k, j] for `count` (constant) panels, panel p row k
// at b + p * ps + k * rs.
MLOPS_INLINE MLOPS_TARGET_AVX512 void rows_avx512(
    int count, size_t k, const float *x, ptrdiff_t xs, const float *b, ptrdiff_t ps, ptrdiff_t rs,
    float *out) {
    __m512 acc[4][2];
#pragma unroll
    for (int p = 0; p < 4; p++) {
        acc[p][0] = _mm512_setzero_ps();
        acc[p][1] = _mm512_setzero_ps();
    }
    for (size_t step = 0; step < k; step++) {
        const __m512 xv = _mm512_set1_ps(*x);
#pragma unroll
        for (int p = 0; p < 4; p++) {
            if (p < count) {
                acc[p][0] = _mm512_fmadd_ps(xv, _mm512_loadu_ps(b + p * ps), acc[p][0]);
                acc[p][1] = _mm512_fmadd_ps(xv, _mm512_loadu_ps(b + p * ps + 16), acc[p][1]);
            }
        }
        x += xs;
        b += rs;
    }
#pragma unroll
    for (int p = 0; p < 4; p++) {
        if (p < count) {
            _mm512_storeu_ps(out + p * 32, acc[p][0]);
            _mm512_storeu_ps(out + p * 32 + 16, acc[p][1]);
        }
    }
}

// One panel: four partial sums over interleaved steps so that the FMA latency does not bound a long k.
MLOPS_INLINE MLOPS_TARGET_AVX512 void row_one_avx512(
    size_t k, const float *x, ptrdiff_t xs, const float *b, ptrdiff_t rs, float *out) {
    __m512 acc[4][2];
#pragma unroll
    for (int u = 0; u < 4; u++) {
        acc[u][0] = _mm512_setzero_ps();
        acc[u][1] = _mm512_setzero_ps();
    }
    size_t step = 0;
    for (; step + 4 <= k; step += 4) {
#pragma unroll
        for (int u = 0; u < 4; u++) {
            const __m512 xv = _mm512_set1_ps(x[u * xs]);
            acc[u][0] = _mm512_fmadd_ps(xv, _mm512_loadu_ps(b + u * rs), acc[u][0]);
            acc[u][1] = _mm512_fmadd_ps(xv, _mm512_loadu_ps(b + u * rs + 16), acc[u][1]);
        }
        x += 4 * xs;
        b += 4 * rs;
    }
    for (; step < k; step++) {
        const __m512 xv = _mm512_set1_ps(*x);
        acc[0][0] = _mm512_fmadd_ps(xv, _mm512_loadu_ps(b), acc[0][0]);
        acc[0][1] = _mm512_fmadd_ps(xv, _mm512_loadu_ps(b + 16), acc[0][1]);
        x += xs;
        b += rs;
    }
    for (int h = 0; h < 2; h++) {
        const __m512 s = _mm512_add_ps(
            _mm512_add_ps(acc[0][h], acc[1][h]), _mm512_add_ps(acc[2][h], acc[3][h]));
        _mm512_storeu_ps(out + 16 * h, s);
    }
}

MLOPS_TARGET_AVX512 void mlops_sgemm_rows_avx512(
    size_t count, size_t k, const float *x, ptrdiff_t xs, const float *b, ptrdiff_t ps, ptrdiff_t rs,
    float *out) {
    if (count == 4) {
        rows_avx512(4, k, x, xs, b, ps, rs, out);
        return;
    }
    for (size_t p = 0; p < count; p++) {
        row_one_avx512(k, x, xs, b + p * ps, rs, out + p * 32);
    }
}

#endif
