// Elementwise kernels of the encoder (see include/elementwise.h). Instruction sets are chosen per
// function; the caller passes the kernel picked at run time (`mlpack_f32_supported`).
#include "elementwise.h"
#include "f32_gemm.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define MLPACK_EW_X86 1
#endif

#pragma STDC FP_CONTRACT OFF

#define ALWAYS_INLINE __attribute__((always_inline)) static inline

// The constants every kernel uses, in the order they are applied.
#define EXP_HI 88.3762626647949f
#define EXP_LO -87.3365447505531f
#define EXP_MAGIC 12582912.0f  // 1.5 · 2²³: adding it rounds to an integer in the low mantissa bits
#define LOG2E 1.44269504088896341f
#define LN2_HI 0.693359375f
#define LN2_LO -2.12194440e-4f
#define EP0 1.9875691500e-4f
#define EP1 1.3981999507e-3f
#define EP2 8.3334519073e-3f
#define EP3 4.1665795894e-2f
#define EP4 1.6666665459e-1f
#define EP5 5.0000001201e-1f
#define AS_P 0.3275911f
#define AS_A1 0.254829592f
#define AS_A2 -0.284496736f
#define AS_A3 1.421413741f
#define AS_A4 -1.453152027f
#define AS_A5 1.061405429f
#define T0 (-1.0f / 1320.0f)
#define T1 (1.0f / 216.0f)
#define T2 (-1.0f / 42.0f)
#define T3 (1.0f / 10.0f)
#define T4 (-1.0f / 3.0f)
#define TWO_OVER_SQRT_PI 1.12837916709551257f
#define SQRT_HALF 0.70710678118654752f

// ---- Scalar: the reference sequence of operations every vector lane follows.

ALWAYS_INLINE float exp_scalar(float x) {
    x = x > EXP_HI ? EXP_HI : x;
    x = x < EXP_LO ? EXP_LO : x;
    const float t = fmaf(x, LOG2E, EXP_MAGIC);
    const float n = t - EXP_MAGIC;
    float r = fmaf(n, -LN2_HI, x);
    r = fmaf(n, -LN2_LO, r);
    float p = fmaf(EP0, r, EP1);
    p = fmaf(p, r, EP2);
    p = fmaf(p, r, EP3);
    p = fmaf(p, r, EP4);
    p = fmaf(p, r, EP5);
    const float y = fmaf(p, r * r, r) + 1.0f;
    int32_t bits;
    memcpy(&bits, &t, 4);
    bits = (int32_t)((uint32_t)(bits - 0x4B400000 + 127) << 23);
    float scale;
    memcpy(&scale, &bits, 4);
    return y * scale;
}

ALWAYS_INLINE float gelu_scalar(float v) {
    const float z = v * SQRT_HALF;
    const float az = fabsf(z);
    const float t = 1.0f / fmaf(az, AS_P, 1.0f);
    float poly = fmaf(AS_A5, t, AS_A4);
    poly = fmaf(poly, t, AS_A3);
    poly = fmaf(poly, t, AS_A2);
    poly = fmaf(poly, t, AS_A1);
    poly = poly * t;
    const float big = fmaf(-poly, exp_scalar(-(az * az)), 1.0f);
    const float z2 = z * z;
    float s = fmaf(T0, z2, T1);
    s = fmaf(s, z2, T2);
    s = fmaf(s, z2, T3);
    s = fmaf(s, z2, T4);
    s = fmaf(s, z2, 1.0f);
    const float small = (z * TWO_OVER_SQRT_PI) * s;
    const float e = z2 < 0.25f ? small : copysignf(big, z);
    return (v * 0.5f) * (1.0f + e);
}

static void bias_gelu_scalar(float *x, int rows, int n, int ld, const float *bias) {
    for (int r = 0; r < rows; r++) {
        float *row = x + (size_t)r * ld;
        for (int j = 0; j < n; j++) row[j] = gelu_scalar(row[j] + bias[j]);
    }
}

// The 16 partial sums of a row, added in the fixed tree every kernel uses.
ALWAYS_INLINE float sum16(float s[16]) {
    for (int w = 8; w >= 1; w /= 2)
        for (int l = 0; l < w; l++) s[l] = s[l] + s[l + w];
    return s[0];
}

static void softmax_scalar(float *x, int rows, int n, int ld) {
    for (int r = 0; r < rows; r++) {
        float *row = x + (size_t)r * ld;
        float mx = -INFINITY;
        for (int j = 0; j < n; j++) mx = row[j] > mx ? row[j] : mx;
        float s[16] = {0};
        for (int j = 0; j < n; j++) {
            const float e = exp_scalar(row[j] - mx);
            row[j] = e;
            s[j % 16] += e;
        }
        const float inv = 1.0f / sum16(s);
        for (int j = 0; j < n; j++) row[j] *= inv;
    }
}

static void layer_norm_scalar(
    float *y, int rows, int n, const float *bias, const float *residual, const float *gamma, const float *beta,
    float eps) {
    for (int r = 0; r < rows; r++) {
        float *row = y + (size_t)r * n;
        const float *res = residual ? residual + (size_t)r * n : NULL;
        float s[16] = {0};
        for (int j = 0; j < n; j++) {
            float v = row[j];
            if (bias) v += bias[j];
            if (res) v += res[j];
            row[j] = v;
            s[j % 16] += v;
        }
        const float mean = sum16(s) / (float)n;
        float q[16] = {0};
        for (int j = 0; j < n; j++) {
            const float d = row[j] - mean;
            q[j % 16] = fmaf(d, d, q[j % 16]);
        }
        const float inv = 1.0f / sqrtf(sum16(q) / (float)n + eps);
        for (int j = 0; j < n; j++) row[j] = fmaf((row[j] - mean) * inv, gamma[j], beta[j]);
    }
}

static void short_attention_scalar(
    const float *qkv, int n, int d, int heads, int h0, int h1, float scale, float *context, float *keys,
    float *scores, const float *rb, int bias_stride) {
    const int dh = d / heads, np = (n + 15) / 16 * 16, stride = 3 * d;
    for (int h = h0; h < h1; h++) {
        for (int j = 0; j < n; j++)
            for (int c = 0; c < dh; c++) keys[c * np + j] = qkv[(size_t)j * stride + d + h * dh + c];
        for (int i = 0; i < n; i++) {
            const float *q = qkv + (size_t)i * stride + h * dh;
            for (int j = 0; j < n; j++) {
                float acc = 0;
                for (int c = 0; c < dh; c++) acc = fmaf(q[c], keys[c * np + j], acc);
                scores[j] = acc * scale;
            }
            if (rb) {
                const float *b = rb + (size_t)h * bias_stride - i;
                for (int j = 0; j < n; j++) scores[j] += b[j];
            }
            softmax_scalar(scores, 1, n, n);
            float *out = context + (size_t)i * d + h * dh;
            for (int c = 0; c < dh; c++) {
                float acc = 0;
                for (int j = 0; j < n; j++) acc = fmaf(scores[j], qkv[(size_t)j * stride + 2 * d + h * dh + c], acc);
                out[c] = acc;
            }
        }
    }
}

#ifdef MLPACK_EW_X86

// ---- AVX-512: 16 lanes, masked tail.
#define T512 __attribute__((target("avx512f")))

T512 ALWAYS_INLINE __m512 exp512(__m512 x) {
    x = _mm512_min_ps(x, _mm512_set1_ps(EXP_HI));
    x = _mm512_max_ps(x, _mm512_set1_ps(EXP_LO));
    const __m512 magic = _mm512_set1_ps(EXP_MAGIC);
    const __m512 t = _mm512_fmadd_ps(x, _mm512_set1_ps(LOG2E), magic);
    const __m512 n = _mm512_sub_ps(t, magic);
    __m512 r = _mm512_fmadd_ps(n, _mm512_set1_ps(-LN2_HI), x);
    r = _mm512_fmadd_ps(n, _mm512_set1_ps(-LN2_LO), r);
    __m512 p = _mm512_fmadd_ps(_mm512_set1_ps(EP0), r, _mm512_set1_ps(EP1));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EP2));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EP3));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EP4));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EP5));
    const __m512 y = _mm512_add_ps(_mm512_fmadd_ps(p, _mm512_mul_ps(r, r), r), _mm512_set1_ps(1.0f));
    __m512i bits = _mm512_add_epi32(_mm512_castps_si512(t), _mm512_set1_epi32(-0x4B400000 + 127));
    bits = _mm512_slli_epi32(bits, 23);
    return _mm512_mul_ps(y, _mm512_castsi512_ps(bits));
}

T512 ALWAYS_INLINE __m512 gelu512(__m512 v) {
    const __m512 signbit = _mm512_castsi512_ps(_mm512_set1_epi32((int)0x80000000u));
    const __m512 z = _mm512_mul_ps(v, _mm512_set1_ps(SQRT_HALF));
    const __m512 sign = _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(z), _mm512_castps_si512(signbit)));
    const __m512 az = _mm512_castsi512_ps(_mm512_andnot_si512(_mm512_castps_si512(signbit), _mm512_castps_si512(z)));
    const __m512 one = _mm512_set1_ps(1.0f);
    const __m512 t = _mm512_div_ps(one, _mm512_fmadd_ps(az, _mm512_set1_ps(AS_P), one));
    __m512 poly = _mm512_fmadd_ps(_mm512_set1_ps(AS_A5), t, _mm512_set1_ps(AS_A4));
    poly = _mm512_fmadd_ps(poly, t, _mm512_set1_ps(AS_A3));
    poly = _mm512_fmadd_ps(poly, t, _mm512_set1_ps(AS_A2));
    poly = _mm512_fmadd_ps(poly, t, _mm512_set1_ps(AS_A1));
    poly = _mm512_mul_ps(poly, t);
    const __m512 negsq = _mm512_castsi512_ps(_mm512_xor_si512(
        _mm512_castps_si512(_mm512_mul_ps(az, az)), _mm512_castps_si512(signbit)));
    __m512 big = _mm512_fnmadd_ps(poly, exp512(negsq), one);
    big = _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(big), _mm512_castps_si512(sign)));
    const __m512 z2 = _mm512_mul_ps(z, z);
    __m512 s = _mm512_fmadd_ps(_mm512_set1_ps(T0), z2, _mm512_set1_ps(T1));
    s = _mm512_fmadd_ps(s, z2, _mm512_set1_ps(T2));
    s = _mm512_fmadd_ps(s, z2, _mm512_set1_ps(T3));
    s = _mm512_fmadd_ps(s, z2, _mm512_set1_ps(T4));
    s = _mm512_fmadd_ps(s, z2, one);
    const __m512 small = _mm512_mul_ps(_mm512_mul_ps(z, _mm512_set1_ps(TWO_OVER_SQRT_PI)), s);
    const __mmask16 near0 = _mm512_cmp_ps_mask(z2, _mm512_set1_ps(0.25f), _CMP_LT_OQ);
    const __m512 e = _mm512_mask_blend_ps(near0, big, small);
    return _mm512_mul_ps(_mm512_mul_ps(v, _mm512_set1_ps(0.5f)), _mm512_add_ps(one, e));
}

T512 static void bias_gelu512(float *x, int rows, int n, int ld, const float *bias) {
    const int vn = n - n % 16;
    const __mmask16 tail = (__mmask16)((1u << (n % 16)) - 1);
    for (int r = 0; r < rows; r++) {
        float *row = x + (size_t)r * ld;
        for (int j = 0; j < vn; j += 16)
            _mm512_storeu_ps(row + j, gelu512(_mm512_add_ps(_mm512_loadu_ps(row + j), _mm512_loadu_ps(bias + j))));
        if (tail) {
            const __m512 v = _mm512_add_ps(_mm512_maskz_loadu_ps(tail, row + vn), _mm512_maskz_loadu_ps(tail, bias + vn));
            _mm512_mask_storeu_ps(row + vn, tail, gelu512(v));
        }
    }
}

// The tree of sum16 on 16 partial sums: lanes l + 8, then l + 4, l + 2, l + 1.
T512 ALWAYS_INLINE float sum512(__m512 v) {
    const __m256 lo = _mm512_castps512_ps256(v);
    const __m256 hi = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1));
    const __m256 a = _mm256_add_ps(lo, hi);
    const __m128 b = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    const __m128 c = _mm_add_ps(b, _mm_movehl_ps(b, b));
    const __m128 d = _mm_add_ss(c, _mm_shuffle_ps(c, c, 1));
    return _mm_cvtss_f32(d);
}

T512 static void softmax512(float *x, int rows, int n, int ld) {
    const int vn = n - n % 16;
    const __mmask16 tail = (__mmask16)((1u << (n % 16)) - 1);
    const __m512 ninf = _mm512_set1_ps(-INFINITY);
    for (int r = 0; r < rows; r++) {
        float *row = x + (size_t)r * ld;
        __m512 m = ninf;
        for (int j = 0; j < vn; j += 16) m = _mm512_max_ps(m, _mm512_loadu_ps(row + j));
        if (tail) m = _mm512_max_ps(m, _mm512_mask_loadu_ps(ninf, tail, row + vn));
        const __m512 mx = _mm512_set1_ps(_mm512_reduce_max_ps(m));
        __m512 s = _mm512_setzero_ps();
        for (int j = 0; j < vn; j += 16) {
            const __m512 e = exp512(_mm512_sub_ps(_mm512_loadu_ps(row + j), mx));
            _mm512_storeu_ps(row + j, e);
            s = _mm512_add_ps(s, e);
        }
        if (tail) {
            const __m512 e = exp512(_mm512_sub_ps(_mm512_maskz_loadu_ps(tail, row + vn), mx));
            _mm512_mask_storeu_ps(row + vn, tail, e);
            s = _mm512_mask_add_ps(s, tail, s, e);
        }
        const __m512 inv = _mm512_set1_ps(1.0f / sum512(s));
        for (int j = 0; j < vn; j += 16) _mm512_storeu_ps(row + j, _mm512_mul_ps(_mm512_loadu_ps(row + j), inv));
        if (tail) _mm512_mask_storeu_ps(row + vn, tail, _mm512_mul_ps(_mm512_maskz_loadu_ps(tail, row + vn), inv));
    }
}

T512 static void layer_norm512(
    float *y, int rows, int n, const float *bias, const float *residual, const float *gamma, const float *beta,
    float eps) {
    const int vn = n - n % 16;
    const __mmask16 tail = (__mmask16)((1u << (n % 16)) - 1);
    for (int r = 0; r < rows; r++) {
        float *row = y + (size_t)r * n;
        const float *res = residual ? residual + (size_t)r * n : NULL;
        __m512 s = _mm512_setzero_ps();
        for (int j = 0; j < n; j += 16) {
            const __mmask16 k = j < vn ? (__mmask16)0xFFFF : tail;
            __m512 v = _mm512_maskz_loadu_ps(k, row + j);
            if (bias) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(k, bias + j));
            if (res) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(k, res + j));
            _mm512_mask_storeu_ps(row + j, k, v);
            s = _mm512_add_ps(s, v);
        }
        const float mean = sum512(s) / (float)n;
        const __m512 m = _mm512_set1_ps(mean);
        __m512 q = _mm512_setzero_ps();
        for (int j = 0; j < n; j += 16) {
            const __mmask16 k = j < vn ? (__mmask16)0xFFFF : tail;
            const __m512 d = _mm512_maskz_sub_ps(k, _mm512_maskz_loadu_ps(k, row + j), m);
            q = _mm512_fmadd_ps(d, d, q);
        }
        const __m512 inv = _mm512_set1_ps(1.0f / sqrtf(sum512(q) / (float)n + eps));
        for (int j = 0; j < n; j += 16) {
            const __mmask16 k = j < vn ? (__mmask16)0xFFFF : tail;
            const __m512 t = _mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, row + j), m), inv);
            _mm512_mask_storeu_ps(
                row + j, k, _mm512_fmadd_ps(t, _mm512_maskz_loadu_ps(k, gamma + j), _mm512_maskz_loadu_ps(k, beta + j)));
        }
    }
}

T512 static void short_attention512(
    const float *qkv, int n, int d, int heads, int h0, int h1, float scale, float *context, float *keys,
    float *scores, const float *rb, int bias_stride) {
    const int dh = d / heads, np = (n + 15) / 16 * 16, stride = 3 * d;
    const int vdh = dh - dh % 16;
    const __mmask16 ctail = (__mmask16)((1u << (dh % 16)) - 1);
    const __m512 vscale = _mm512_set1_ps(scale);
    for (int h = h0; h < h1; h++) {
        for (int j = 0; j < n; j++)
            for (int c = 0; c < dh; c++) keys[c * np + j] = qkv[(size_t)j * stride + d + h * dh + c];
        for (int i = 0; i < n; i++) {
            const float *q = qkv + (size_t)i * stride + h * dh;
            for (int j = 0; j < np; j += 16) {
                __m512 acc = _mm512_setzero_ps();
                for (int c = 0; c < dh; c++) acc = _mm512_fmadd_ps(_mm512_set1_ps(q[c]), _mm512_loadu_ps(keys + c * np + j), acc);
                _mm512_storeu_ps(scores + j, _mm512_mul_ps(acc, vscale));
            }
            if (rb) {
                const float *b = rb + (size_t)h * bias_stride - i;
                for (int j = 0; j < n; j++) scores[j] += b[j];
            }
            softmax512(scores, 1, n, n);
            float *out = context + (size_t)i * d + h * dh;
            const float *v = qkv + 2 * d + h * dh;
            for (int c = 0; c < dh; c += 16) {
                const __mmask16 k = c < vdh ? (__mmask16)0xFFFF : ctail;
                __m512 acc = _mm512_setzero_ps();
                for (int j = 0; j < n; j++)
                    acc = _mm512_fmadd_ps(_mm512_set1_ps(scores[j]), _mm512_maskz_loadu_ps(k, v + (size_t)j * stride + c), acc);
                _mm512_mask_storeu_ps(out + c, k, acc);
            }
        }
    }
}

// ---- AVX2 with FMA: 8 lanes, masked tail.
#define T256 __attribute__((target("avx2,fma")))

T256 ALWAYS_INLINE __m256 exp256(__m256 x) {
    x = _mm256_min_ps(x, _mm256_set1_ps(EXP_HI));
    x = _mm256_max_ps(x, _mm256_set1_ps(EXP_LO));
    const __m256 magic = _mm256_set1_ps(EXP_MAGIC);
    const __m256 t = _mm256_fmadd_ps(x, _mm256_set1_ps(LOG2E), magic);
    const __m256 n = _mm256_sub_ps(t, magic);
    __m256 r = _mm256_fmadd_ps(n, _mm256_set1_ps(-LN2_HI), x);
    r = _mm256_fmadd_ps(n, _mm256_set1_ps(-LN2_LO), r);
    __m256 p = _mm256_fmadd_ps(_mm256_set1_ps(EP0), r, _mm256_set1_ps(EP1));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EP2));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EP3));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EP4));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EP5));
    const __m256 y = _mm256_add_ps(_mm256_fmadd_ps(p, _mm256_mul_ps(r, r), r), _mm256_set1_ps(1.0f));
    __m256i bits = _mm256_add_epi32(_mm256_castps_si256(t), _mm256_set1_epi32(-0x4B400000 + 127));
    bits = _mm256_slli_epi32(bits, 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(bits));
}

T256 ALWAYS_INLINE __m256 gelu256(__m256 v) {
    const __m256 signbit = _mm256_set1_ps(-0.0f);
    const __m256 z = _mm256_mul_ps(v, _mm256_set1_ps(SQRT_HALF));
    const __m256 sign = _mm256_and_ps(z, signbit);
    const __m256 az = _mm256_andnot_ps(signbit, z);
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 t = _mm256_div_ps(one, _mm256_fmadd_ps(az, _mm256_set1_ps(AS_P), one));
    __m256 poly = _mm256_fmadd_ps(_mm256_set1_ps(AS_A5), t, _mm256_set1_ps(AS_A4));
    poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(AS_A3));
    poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(AS_A2));
    poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(AS_A1));
    poly = _mm256_mul_ps(poly, t);
    const __m256 negsq = _mm256_xor_ps(_mm256_mul_ps(az, az), signbit);
    __m256 big = _mm256_fnmadd_ps(poly, exp256(negsq), one);
    big = _mm256_or_ps(big, sign);
    const __m256 z2 = _mm256_mul_ps(z, z);
    __m256 s = _mm256_fmadd_ps(_mm256_set1_ps(T0), z2, _mm256_set1_ps(T1));
    s = _mm256_fmadd_ps(s, z2, _mm256_set1_ps(T2));
    s = _mm256_fmadd_ps(s, z2, _mm256_set1_ps(T3));
    s = _mm256_fmadd_ps(s, z2, _mm256_set1_ps(T4));
    s = _mm256_fmadd_ps(s, z2, one);
    const __m256 small = _mm256_mul_ps(_mm256_mul_ps(z, _mm256_set1_ps(TWO_OVER_SQRT_PI)), s);
    const __m256 near0 = _mm256_cmp_ps(z2, _mm256_set1_ps(0.25f), _CMP_LT_OQ);
    const __m256 e = _mm256_blendv_ps(big, small, near0);
    return _mm256_mul_ps(_mm256_mul_ps(v, _mm256_set1_ps(0.5f)), _mm256_add_ps(one, e));
}

T256 static void bias_gelu256(float *x, int rows, int n, int ld, const float *bias) {
    const int vn = n - n % 8;
    const int rest = n % 8;
    __m256i tail = _mm256_setzero_si256();
    if (rest) {
        int lanes[8];
        for (int l = 0; l < 8; l++) lanes[l] = l < rest ? -1 : 0;
        tail = _mm256_loadu_si256((const __m256i *)lanes);
    }
    for (int r = 0; r < rows; r++) {
        float *row = x + (size_t)r * ld;
        for (int j = 0; j < vn; j += 8)
            _mm256_storeu_ps(row + j, gelu256(_mm256_add_ps(_mm256_loadu_ps(row + j), _mm256_loadu_ps(bias + j))));
        if (rest) {
            const __m256 v = _mm256_add_ps(_mm256_maskload_ps(row + vn, tail), _mm256_maskload_ps(bias + vn, tail));
            _mm256_maskstore_ps(row + vn, tail, gelu256(v));
        }
    }
}

// A lane mask of the first `count` (0…8) lanes.
T256 ALWAYS_INLINE __m256i lanes256(int count) {
    const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), index);
}

// The tree of sum16 on 16 partial sums held as lanes 0–7 and 8–15.
T256 ALWAYS_INLINE float sum256x2(__m256 lo, __m256 hi) {
    const __m256 a = _mm256_add_ps(lo, hi);
    const __m128 b = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    const __m128 c = _mm_add_ps(b, _mm_movehl_ps(b, b));
    const __m128 d = _mm_add_ss(c, _mm_shuffle_ps(c, c, 1));
    return _mm_cvtss_f32(d);
}

T256 static void softmax256(float *x, int rows, int n, int ld) {
    for (int r = 0; r < rows; r++) {
        float *row = x + (size_t)r * ld;
        float mx = -INFINITY;
        for (int j = 0; j < n; j++) mx = row[j] > mx ? row[j] : mx;
        const __m256 vm = _mm256_set1_ps(mx);
        __m256 s[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
        for (int j = 0; j < n; j += 8) {
            const __m256i k = lanes256(n - j);
            const __m256 e = exp256(_mm256_sub_ps(_mm256_maskload_ps(row + j, k), vm));
            _mm256_maskstore_ps(row + j, k, e);
            s[(j / 8) % 2] = _mm256_add_ps(s[(j / 8) % 2], _mm256_and_ps(e, _mm256_castsi256_ps(k)));
        }
        const __m256 inv = _mm256_set1_ps(1.0f / sum256x2(s[0], s[1]));
        for (int j = 0; j < n; j += 8) {
            const __m256i k = lanes256(n - j);
            _mm256_maskstore_ps(row + j, k, _mm256_mul_ps(_mm256_maskload_ps(row + j, k), inv));
        }
    }
}

T256 static void layer_norm256(
    float *y, int rows, int n, const float *bias, const float *residual, const float *gamma, const float *beta,
    float eps) {
    for (int r = 0; r < rows; r++) {
        float *row = y + (size_t)r * n;
        const float *res = residual ? residual + (size_t)r * n : NULL;
        __m256 s[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
        for (int j = 0; j < n; j += 8) {
            const __m256i k = lanes256(n - j);
            __m256 v = _mm256_maskload_ps(row + j, k);
            if (bias) v = _mm256_add_ps(v, _mm256_maskload_ps(bias + j, k));
            if (res) v = _mm256_add_ps(v, _mm256_maskload_ps(res + j, k));
            _mm256_maskstore_ps(row + j, k, v);
            s[(j / 8) % 2] = _mm256_add_ps(s[(j / 8) % 2], v);
        }
        const float mean = sum256x2(s[0], s[1]) / (float)n;
        const __m256 m = _mm256_set1_ps(mean);
        __m256 q[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
        for (int j = 0; j < n; j += 8) {
            const __m256i k = lanes256(n - j);
            const __m256 d = _mm256_and_ps(_mm256_sub_ps(_mm256_maskload_ps(row + j, k), m), _mm256_castsi256_ps(k));
            q[(j / 8) % 2] = _mm256_fmadd_ps(d, d, q[(j / 8) % 2]);
        }
        const __m256 inv = _mm256_set1_ps(1.0f / sqrtf(sum256x2(q[0], q[1]) / (float)n + eps));
        for (int j = 0; j < n; j += 8) {
            const __m256i k = lanes256(n - j);
            const __m256 t = _mm256_mul_ps(_mm256_sub_ps(_mm256_maskload_ps(row + j, k), m), inv);
            _mm256_maskstore_ps(
                row + j, k, _mm256_fmadd_ps(t, _mm256_maskload_ps(gamma + j, k), _mm256_maskload_ps(beta + j, k)));
        }
    }
}

T256 static void short_attention256(
    const float *qkv, int n, int d, int heads, int h0, int h1, float scale, float *context, float *keys,
    float *scores, const float *rb, int bias_stride) {
    const int dh = d / heads, np = (n + 15) / 16 * 16, stride = 3 * d;
    const __m256 vscale = _mm256_set1_ps(scale);
    for (int h = h0; h < h1; h++) {
        for (int j = 0; j < n; j++)
            for (int c = 0; c < dh; c++) keys[c * np + j] = qkv[(size_t)j * stride + d + h * dh + c];
        for (int i = 0; i < n; i++) {
            const float *q = qkv + (size_t)i * stride + h * dh;
            for (int j = 0; j < np; j += 8) {
                __m256 acc = _mm256_setzero_ps();
                for (int c = 0; c < dh; c++) acc = _mm256_fmadd_ps(_mm256_set1_ps(q[c]), _mm256_loadu_ps(keys + c * np + j), acc);
                _mm256_storeu_ps(scores + j, _mm256_mul_ps(acc, vscale));
            }
            if (rb) {
                const float *b = rb + (size_t)h * bias_stride - i;
                for (int j = 0; j < n; j++) scores[j] += b[j];
            }
            softmax256(scores, 1, n, n);
            float *out = context + (size_t)i * d + h * dh;
            const float *v = qkv + 2 * d + h * dh;
            for (int c = 0; c < dh; c += 8) {
                const __m256i k = lanes256(dh - c);
                __m256 acc = _mm256_setzero_ps();
                for (int j = 0; j < n; j++)
                    acc = _mm256_fmadd_ps(_mm256_set1_ps(scores[j]), _mm256_maskload_ps(v + (size_t)j * stride + c, k), acc);
                _mm256_maskstore_ps(out + c, k, acc);
            }
        }
    }
}

#endif

void mlpack_bias_gelu(int kernel, float *x, int rows, int n, int ld, const float *bias) {
    if (!mlpack_f32_supported(kernel)) kernel = MLPACK_F32_SCALAR;
    switch (kernel) {
#ifdef MLPACK_EW_X86
    case MLPACK_F32_AVX512: bias_gelu512(x, rows, n, ld, bias); return;
    case MLPACK_F32_AVX2: bias_gelu256(x, rows, n, ld, bias); return;
#endif
    default: bias_gelu_scalar(x, rows, n, ld, bias); return;
    }
}

void mlpack_softmax(int kernel, float *x, int rows, int n, int ld) {
    if (!mlpack_f32_supported(kernel)) kernel = MLPACK_F32_SCALAR;
    switch (kernel) {
#ifdef MLPACK_EW_X86
    case MLPACK_F32_AVX512: softmax512(x, rows, n, ld); return;
    case MLPACK_F32_AVX2: softmax256(x, rows, n, ld); return;
#endif
    default: softmax_scalar(x, rows, n, ld); return;
    }
}

void mlpack_layer_norm(
    int kernel, float *y, int rows, int n, const float *bias, const float *residual, const float *gamma,
    const float *beta, float eps) {
    if (!mlpack_f32_supported(kernel)) kernel = MLPACK_F32_SCALAR;
    switch (kernel) {
#ifdef MLPACK_EW_X86
    case MLPACK_F32_AVX512: layer_norm512(y, rows, n, bias, residual, gamma, beta, eps); return;
    case MLPACK_F32_AVX2: layer_norm256(y, rows, n, bias, residual, gamma, beta, eps); return;
#endif
    default: layer_norm_scalar(y, rows, n, bias, residual, gamma, beta, eps); return;
    }
}

void mlpack_short_attention(
    int kernel, const float *qkv, int n, int d, int heads, int h0, int h1, float scale, float *context,
    float *keys, float *scores, const float *relative_bias, int bias_stride) {
    if (!mlpack_f32_supported(kernel)) kernel = MLPACK_F32_SCALAR;
    switch (kernel) {
#ifdef MLPACK_EW_X86
    case MLPACK_F32_AVX512:
        short_attention512(qkv, n, d, heads, h0, h1, scale, context, keys, scores, relative_bias, bias_stride);
        return;
    case MLPACK_F32_AVX2:
        short_attention256(qkv, n, d, heads, h0, h1, scale, context, keys, scores, relative_bias, bias_stride);
        return;
#endif
    default:
        short_attention_scalar(qkv, n, d, heads, h0, h1, scale, context, keys, scores, relative_bias, bias_stride);
        return;
    }
}
