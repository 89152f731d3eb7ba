// Int8 GEMM kernels for the encoder (see include/int8_gemm.h). Instruction sets are chosen per
// function (`__attribute__((target(...)))`), never by global flags: the library runs on any x86-64
// and picks a kernel at run time (`mlpack_i8_supported`).
#include "int8_gemm.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define MLPACK_I8_X86 1
#endif

// Every product and sum below is rounded on its own unless written as an explicit fma: the
// kernels and the scalar reference give the same bits.
#pragma STDC FP_CONTRACT OFF

#define ALWAYS_INLINE __attribute__((always_inline)) static inline
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define GROUP MLPACK_I8_GROUP

int mlpack_i8_padded_k(int k) { return (k + GROUP - 1) / GROUP * GROUP; }

int mlpack_i8_padded_n(int n) { return (n + 15) & ~15; }

size_t mlpack_i8_packed_bytes(int n, int k) { return (size_t)mlpack_i8_padded_n(n) * (size_t)mlpack_i8_padded_k(k); }

int mlpack_i8_supported(int kernel) {
    switch (kernel) {
    case MLPACK_I8_SCALAR: return 1;
#ifdef MLPACK_I8_X86
    case MLPACK_I8_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 1 : 0;
    case MLPACK_I8_AVXVNNI:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("avxvnni") ? 1 : 0;
    case MLPACK_I8_AVX512VNNI:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
                && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni")
            ? 1 : 0;
#endif
    default: return 0;
    }
}

// ---------------------------------------------------------------------------------------------
// Quantization. Round to nearest even by the 1.5·2²³ trick (exact for |t| ≤ 2²², here |t| ≤ 255):
// the same result as rint() in the default rounding mode, and it vectorises. Minimum and maximum
// are taken on the bit patterns of the negative and the positive values (order-preserving for
// non-negative floats; a NaN or an infinity lands above every finite pattern), so they vectorise
// too. Every code path gives the same bytes.

ALWAYS_INLINE float round_even(float t) {
    const float magic = 12582912.0f;  // 1.5 · 2²³
    float r = t + magic;
    return r - magic;
}

#ifdef MLPACK_I8_X86
/// The first `valid` of 16 lanes: none when `valid` ≤ 0, all from 16 on.
ALWAYS_INLINE __mmask16 first_lanes(int valid) {
    return valid >= 16 ? (__mmask16)0xFFFF : valid > 0 ? (__mmask16)((1u << valid) - 1) : (__mmask16)0;
}
#endif

/// The largest magnitude among the positive (`*pos`) and among the negative (`*neg`) values of
/// `x[0..<k]`, 0 when there are none.
ALWAYS_INLINE void signed_maxima(const float *x, int k, float *pos, float *neg) {
    uint32_t p = 0, q = 0;
    for (int i = 0; i < k; i++) {
        uint32_t b;
        memcpy(&b, x + i, 4);
        const uint32_t magnitude = b & 0x7fffffffu;
        const uint32_t vp = (b >> 31) ? 0u : magnitude;
        const uint32_t vq = (b >> 31) ? magnitude : 0u;
        p = vp > p ? vp : p;
        q = vq > q ? vq : q;
    }
    memcpy(pos, &p, 4);
    memcpy(neg, &q, 4);
}

void mlpack_i8_quantize_weights(const float *w, int n, int k, int8_t *q, float *scales) {
    const int groups = mlpack_i8_padded_k(k) / GROUP;
    for (int j = 0; j < n; j++) {
        for (int g = 0; g < groups; g++) {
            const int k0 = g * GROUP, len = MIN(GROUP, k - k0);
            const float *x = w + (size_t)j * k + k0;
            float pos, neg;
            signed_maxima(x, len, &pos, &neg);
            const float m = pos > neg ? pos : neg;
            float scale = 0.0f, inv = 0.0f;
            if (m > 0.0f && m <= 3.4028234663852886e38f) {
                scale = m / 127.0f;
                inv = 127.0f / m;
            }
            scales[(size_t)j * groups + g] = scale;
            for (int i = 0; i < len; i++) {
                float t = x[i] * inv;
                t = t > 127.0f ? 127.0f : t;
                t = t < -127.0f ? -127.0f : t;
                q[(size_t)j * k + k0 + i] = (int8_t)(int)round_even(t);
            }
        }
    }
}

void mlpack_i8_pack(
    const int8_t *q, const float *scales, int n, int k, int8_t *packed, float *sw, int32_t *rs, float *rsw) {
    const int kp = mlpack_i8_padded_k(k), np = mlpack_i8_padded_n(n), groups = kp / GROUP;
    memset(packed, 0, mlpack_i8_packed_bytes(n, k));
    memset(sw, 0, sizeof(float) * (size_t)groups * np);
    memset(rs, 0, sizeof(int32_t) * (size_t)groups * np);
    memset(rsw, 0, sizeof(float) * (size_t)groups * np);
    for (int j = 0; j < n; j++) {
        const int b = j / 16, c = j % 16;
        for (int i = 0; i < k; i++) {
            const int8_t v = q[(size_t)j * k + i];
            rs[(size_t)(i / GROUP) * np + j] += v;
            packed[(((size_t)b * (kp / 4) + i / 4) * 16 + c) * 4 + i % 4] = v;
        }
        for (int g = 0; g < groups; g++) {
            const size_t o = (size_t)g * np + j;
            sw[o] = scales[(size_t)j * groups + g];
            rsw[o] = (float)rs[o] * sw[o];
        }
    }
}

/// The scale (`*sa`), `scale · zp` (`*sazp`), the scale's inverse and the zero point of a group
/// whose largest positive and negative magnitudes are `hi` and `neg`; all zero for a zero or
/// non-finite range.
ALWAYS_INLINE void group_scale(float hi, float neg, float *sa, float *sazp, float *inv, float *zp) {
    const float range = hi + neg;  // hi − lo, lo = −neg
    float scale = 0.0f;
    *inv = 0.0f;
    *zp = 0.0f;
    if (range > 0.0f && range <= 3.4028234663852886e38f) {
        scale = range / 255.0f;
        *inv = 255.0f / range;
        const float z = round_even(neg * *inv);
        *zp = z > 255.0f ? 255.0f : z;
    }
    *sa = scale;
    *sazp = scale * *zp;
}

ALWAYS_INLINE void quantize_rows_body(
    const float *a, int m, int k, int lda, uint8_t *qa, int kp, float *sa, float *sazp) {
    const int groups = kp / GROUP;
    for (int r = 0; r < m; r++) {
        for (int g = 0; g < groups; g++) {
            const int k0 = g * GROUP, len = MIN(GROUP, k - k0);
            const float *x = a + (size_t)r * lda + k0;
            uint8_t *out = qa + (size_t)r * kp + k0;
            float hi, neg, inv, zp;
            signed_maxima(x, len, &hi, &neg);
            group_scale(hi, neg, sa + (size_t)r * groups + g, sazp + (size_t)r * groups + g, &inv, &zp);
            for (int i = 0; i < len; i++) {
                float t = round_even(x[i] * inv) + zp;
                t = t > 255.0f ? 255.0f : t;
                t = t < 0.0f ? 0.0f : t;
                out[i] = (uint8_t)(int)t;
            }
            for (int i = len; i < GROUP; i++) out[i] = 0;
        }
    }
}

static void quantize_rows_generic(const float *a, int m, int k, int lda, uint8_t *qa, int kp, float *sa, float *sazp) {
    quantize_rows_body(a, m, k, lda, qa, kp, sa, sazp);
}

#ifdef MLPACK_I8_X86
__attribute__((target("avx2"))) static void quantize_rows_avx2(
    const float *a, int m, int k, int lda, uint8_t *qa, int kp, float *sa, float *sazp) {
    quantize_rows_body(a, m, k, lda, qa, kp, sa, sazp);
}

/// The same bytes as `quantize_rows_body`, 16 lanes at a time with masked tails. A row goes in
/// chunks of up to 16 groups and three passes, so that the groups' dependency chains (maxima →
/// scale → values) overlap: the maxima on the bit patterns (unsigned max of the magnitudes, split
/// by the sign bit), the scales, then the values: round to nearest even by the same 1.5·2²³ sum,
/// the zero point, the clamp (a NaN passes the clamp and converts to 0, as in C), and a masked
/// narrowing store that writes the zero padding too.
__attribute__((target("avx512f"))) static void quantize_rows_avx512(
    const float *a, int m, int k, int lda, uint8_t *qa, int kp, float *sa, float *sazp) {
    enum { CHUNK = 16 };
    const int groups = kp / GROUP;
    const __m512i magnitude_bits = _mm512_set1_epi32(0x7fffffff);
    const __m512 magic = _mm512_set1_ps(12582912.0f), top = _mm512_set1_ps(255.0f), zero = _mm512_setzero_ps();
    float hi[CHUNK], neg[CHUNK], inv[CHUNK], zp[CHUNK];
    for (int r = 0; r < m; r++) {
        const float *row = a + (size_t)r * lda;
        for (int g0 = 0; g0 < groups; g0 += CHUNK) {
            const int g1 = MIN(groups, g0 + CHUNK);
            for (int g = g0; g < g1; g++) {
                const int k0 = g * GROUP, len = MIN(GROUP, k - k0);
                __m512i pos = _mm512_setzero_si512(), negs = _mm512_setzero_si512();
                for (int i = 0; i < len; i += 16) {
                    const __mmask16 lanes = first_lanes(len - i);
                    const __m512i b = _mm512_maskz_loadu_epi32(lanes, row + k0 + i);
                    const __m512i mag = _mm512_and_si512(b, magnitude_bits);
                    const __mmask16 negative = _mm512_cmplt_epi32_mask(b, _mm512_setzero_si512());
                    pos = _mm512_mask_max_epu32(pos, (__mmask16)~negative, pos, mag);
                    negs = _mm512_mask_max_epu32(negs, negative, negs, mag);
                }
                const uint32_t p = _mm512_reduce_max_epu32(pos), q = _mm512_reduce_max_epu32(negs);
                memcpy(&hi[g - g0], &p, 4);
                memcpy(&neg[g - g0], &q, 4);
            }
            for (int g = g0; g < g1; g++) {
                const size_t o = (size_t)r * groups + g;
                group_scale(hi[g - g0], neg[g - g0], sa + o, sazp + o, &inv[g - g0], &zp[g - g0]);
            }
            for (int g = g0; g < g1; g++) {
                const int k0 = g * GROUP, len = MIN(GROUP, k - k0);
                uint8_t *out = qa + (size_t)r * kp + k0;
                const __m512 vinv = _mm512_set1_ps(inv[g - g0]), vzp = _mm512_set1_ps(zp[g - g0]);
                for (int i = 0; i < GROUP; i += 16) {
                    const __mmask16 lanes = first_lanes(len - i);
                    const __m512 v = _mm512_maskz_loadu_ps(lanes, row + k0 + i);
                    __m512 t = _mm512_sub_ps(_mm512_add_ps(_mm512_mul_ps(v, vinv), magic), magic);
                    t = _mm512_add_ps(t, vzp);
                    // min/max return their second operand when one is NaN: a NaN stays NaN, as in C.
                    t = _mm512_min_ps(top, t);
                    t = _mm512_max_ps(zero, t);
                    _mm_storeu_si128((__m128i *)(out + i), _mm512_maskz_cvtepi32_epi8(lanes, _mm512_cvttps_epi32(t)));
                }
            }
        }
    }
}
#endif

void mlpack_i8_quantize_rows(
    int kernel, const float *a, int m, int k, int lda, uint8_t *qa, int kp, float *sa, float *sazp) {
#ifdef MLPACK_I8_X86
    if (kernel == MLPACK_I8_AVX512VNNI && mlpack_i8_supported(kernel)) {
        quantize_rows_avx512(a, m, k, lda, qa, kp, sa, sazp);
        return;
    }
    if ((kernel == MLPACK_I8_AVX2 || kernel == MLPACK_I8_AVXVNNI) && mlpack_i8_supported(kernel)) {
        quantize_rows_avx2(a, m, k, lda, qa, kp, sa, sazp);
        return;
    }
#endif
    quantize_rows_generic(a, m, k, lda, qa, kp, sa, sazp);
}

// ---------------------------------------------------------------------------------------------
// Kernels. Each walks panels of up to NR blocks of 16 columns; within a panel, tiles of MR rows
// accumulate one group (64 k) in int32 registers, fold it into Float32 accumulators, and store
// after the last group (masked past n1).

typedef struct {
    const uint8_t *qa;
    int m, kp, groups, np;
    const float *sa, *sazp;
    const int8_t *packed;
    const float *sw;
    const int32_t *rs;
    const float *rsw;
    int n0, n1;
    float *c;
    int ldc;
} gemm_args;

static void gemm_scalar(const gemm_args *g) {
    const size_t bstride = (size_t)(g->kp / 4) * 64;
    for (int col = g->n0; col < g->n1; col += 16) {
        const int8_t *wb = g->packed + (size_t)(col / 16) * bstride;
        const int valid = MIN(16, g->n1 - col);
        for (int i = 0; i < g->m; i++) {
            const uint8_t *ar = g->qa + (size_t)i * g->kp;
            float out[16] = {0};
            for (int gi = 0; gi < g->groups; gi++) {
                int32_t acc[16] = {0};
                for (int s = gi * (GROUP / 4); s < (gi + 1) * (GROUP / 4); s++) {
                    const int8_t *w = wb + (size_t)s * 64;
                    for (int c = 0; c < 16; c++)
                        for (int t = 0; t < 4; t++) acc[c] += (int32_t)ar[4 * s + t] * (int32_t)w[4 * c + t];
                }
                const float sa = g->sa[(size_t)i * g->groups + gi], sazp = g->sazp[(size_t)i * g->groups + gi];
                for (int c = 0; c < 16; c++) {
                    const size_t o = (size_t)gi * g->np + col + c;
                    const float t = (float)acc[c] * g->sw[o];
                    out[c] = fmaf(t, sa, out[c]);
                    out[c] = fmaf(-sazp, g->rsw[o], out[c]);
                }
            }
            for (int c = 0; c < valid; c++) g->c[(size_t)i * g->ldc + col + c] = out[c];
        }
    }
}

#ifdef MLPACK_I8_X86

// ---- AVX-512 VNNI: 16 columns per zmm, dpbusd (u8 × s8, four products per lane), 4 × 3 tiles
// (12 int32 and 12 Float32 accumulators).

#define T512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,fma")))

T512 ALWAYS_INLINE void tile512(const int MR, const int NR, const gemm_args *g, int row, int col) {
    const int kp = g->kp;
    const size_t bstride = (size_t)(kp / 4) * 64;
    const int8_t *wp = g->packed + (size_t)(col / 16) * bstride;
    const uint8_t *a = g->qa + (size_t)row * kp;
    __m512 out[4][3];
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++) out[i][j] = _mm512_setzero_ps();
    for (int gi = 0; gi < g->groups; gi++) {
        __m512i acc[4][3];
        for (int i = 0; i < MR; i++)
            for (int j = 0; j < NR; j++) acc[i][j] = _mm512_setzero_si512();
        for (int s = gi * (GROUP / 4); s < (gi + 1) * (GROUP / 4); s++) {
            __m512i w[3];
            for (int j = 0; j < NR; j++) w[j] = _mm512_loadu_si512((const void *)(wp + j * bstride + (size_t)s * 64));
            for (int i = 0; i < MR; i++) {
                int32_t v;
                memcpy(&v, a + (size_t)i * kp + 4 * s, 4);
                const __m512i av = _mm512_set1_epi32(v);
                for (int j = 0; j < NR; j++) acc[i][j] = _mm512_dpbusd_epi32(acc[i][j], av, w[j]);
            }
        }
        for (int j = 0; j < NR; j++) {
            const size_t o = (size_t)gi * g->np + col + 16 * j;
            const __m512 sw = _mm512_loadu_ps(g->sw + o), rsw = _mm512_loadu_ps(g->rsw + o);
            for (int i = 0; i < MR; i++) {
                const size_t x = (size_t)(row + i) * g->groups + gi;
                const __m512 t = _mm512_mul_ps(_mm512_cvtepi32_ps(acc[i][j]), sw);
                out[i][j] = _mm512_fmadd_ps(t, _mm512_set1_ps(g->sa[x]), out[i][j]);
                out[i][j] = _mm512_fnmadd_ps(_mm512_set1_ps(g->sazp[x]), rsw, out[i][j]);
            }
        }
    }
    for (int j = 0; j < NR; j++) {
        const int c = col + 16 * j;
        const __mmask16 mask = first_lanes(g->n1 - c);
        for (int i = 0; i < MR; i++) _mm512_mask_storeu_ps(g->c + (size_t)(row + i) * g->ldc + c, mask, out[i][j]);
    }
}

#define K512(MR, NR) \
    T512 static void k512_##MR##_##NR(const gemm_args *g, int row, int col) { tile512(MR, NR, g, row, col); }
#define K512_ROW(MR) K512(MR, 1) K512(MR, 2) K512(MR, 3)
K512_ROW(1) K512_ROW(2) K512_ROW(3) K512_ROW(4)
#define K512_REF(MR) {k512_##MR##_1, k512_##MR##_2, k512_##MR##_3}
static void (*const tiles512[4][3])(const gemm_args *, int, int) = {K512_REF(1), K512_REF(2), K512_REF(3), K512_REF(4)};

static void gemm_avx512vnni(const gemm_args *g) {
    for (int col = g->n0; col < g->n1; col += 48) {
        const int nr = MIN(3, (g->n1 - col + 15) / 16);
        for (int row = 0; row < g->m; row += 4) tiles512[MIN(4, g->m - row) - 1][nr - 1](g, row, col);
    }
}

// ---- 256-bit kernels: a block of 16 columns is two ymm halves (columns 0–7, 8–15).

#define T256 __attribute__((target("avx2,fma")))

/// Folds one group's int32 sums (8 columns from `o`) into the Float32 accumulator.
T256 ALWAYS_INLINE __m256 fold256(const gemm_args *g, __m256 out, __m256i acc, size_t o, size_t x) {
    const __m256 t = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), _mm256_loadu_ps(g->sw + o));
    out = _mm256_fmadd_ps(t, _mm256_set1_ps(g->sa[x]), out);
    return _mm256_fnmadd_ps(_mm256_set1_ps(g->sazp[x]), _mm256_loadu_ps(g->rsw + o), out);
}

T256 ALWAYS_INLINE void store256(const gemm_args *g, __m256 v, int row, int c) {
    const int valid = g->n1 - c;
    if (valid <= 0) return;
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(valid), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    _mm256_maskstore_ps(g->c + (size_t)row * g->ldc + c, mask, v);
}

// AVX-VNNI (VEX dpbusd): 3 rows × 16 columns.
#define TVNNI __attribute__((target("avx2,fma,avxvnni")))

TVNNI ALWAYS_INLINE void tile_avxvnni(const int MR, const gemm_args *g, int row, int col) {
    const int kp = g->kp;
    const int8_t *wp = g->packed + (size_t)(col / 16) * (size_t)(kp / 4) * 64;
    const uint8_t *a = g->qa + (size_t)row * kp;
    __m256 out[3][2];
    for (int i = 0; i < MR; i++) out[i][0] = out[i][1] = _mm256_setzero_ps();
    for (int gi = 0; gi < g->groups; gi++) {
        __m256i acc[3][2];
        for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = _mm256_setzero_si256();
        for (int s = gi * (GROUP / 4); s < (gi + 1) * (GROUP / 4); s++) {
            const __m256i w0 = _mm256_loadu_si256((const __m256i *)(wp + (size_t)s * 64));
            const __m256i w1 = _mm256_loadu_si256((const __m256i *)(wp + (size_t)s * 64 + 32));
            for (int i = 0; i < MR; i++) {
                int32_t v;
                memcpy(&v, a + (size_t)i * kp + 4 * s, 4);
                const __m256i av = _mm256_set1_epi32(v);
                acc[i][0] = _mm256_dpbusd_avx_epi32(acc[i][0], av, w0);
                acc[i][1] = _mm256_dpbusd_avx_epi32(acc[i][1], av, w1);
            }
        }
        const size_t o = (size_t)gi * g->np + col;
        for (int i = 0; i < MR; i++) {
            const size_t x = (size_t)(row + i) * g->groups + gi;
            out[i][0] = fold256(g, out[i][0], acc[i][0], o, x);
            out[i][1] = fold256(g, out[i][1], acc[i][1], o + 8, x);
        }
    }
    for (int i = 0; i < MR; i++) {
        store256(g, out[i][0], row + i, col);
        store256(g, out[i][1], row + i, col + 8);
    }
}

#define KVNNI(MR) TVNNI static void kvnni_##MR(const gemm_args *g, int row, int col) { tile_avxvnni(MR, g, row, col); }
KVNNI(1) KVNNI(2) KVNNI(3)
static void (*const tilesvnni[3])(const gemm_args *, int, int) = {kvnni_1, kvnni_2, kvnni_3};

static void gemm_avxvnni(const gemm_args *g) {
    for (int col = g->n0; col < g->n1; col += 16)
        for (int row = 0; row < g->m; row += 3) tilesvnni[MIN(3, g->m - row) - 1](g, row, col);
}

// AVX2, exact: with a' = a − 128 (s8), maddubs(|a'|, sign(w, a')) = a'·w pairs with |a'| ≤ 128,
// |w| ≤ 127 (at most 2·128·127 = 32512, no int16 saturation); madd with ones sums the pairs into
// int32; Σ a·w = Σ a'·w + 128 · Σ w. 2 rows × 16 columns.
T256 ALWAYS_INLINE void tile_avx2(const int MR, const gemm_args *g, int row, int col) {
    const int kp = g->kp;
    const int8_t *wp = g->packed + (size_t)(col / 16) * (size_t)(kp / 4) * 64;
    const uint8_t *a = g->qa + (size_t)row * kp;
    const __m256i ones = _mm256_set1_epi16(1);
    const __m256i flip = _mm256_set1_epi8((char)0x80);
    __m256 out[2][2];
    for (int i = 0; i < MR; i++) out[i][0] = out[i][1] = _mm256_setzero_ps();
    for (int gi = 0; gi < g->groups; gi++) {
        __m256i acc[2][2];
        for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = _mm256_setzero_si256();
        for (int s = gi * (GROUP / 4); s < (gi + 1) * (GROUP / 4); s++) {
            const __m256i w0 = _mm256_loadu_si256((const __m256i *)(wp + (size_t)s * 64));
            const __m256i w1 = _mm256_loadu_si256((const __m256i *)(wp + (size_t)s * 64 + 32));
            for (int i = 0; i < MR; i++) {
                int32_t v;
                memcpy(&v, a + (size_t)i * kp + 4 * s, 4);
                const __m256i as = _mm256_xor_si256(_mm256_set1_epi32(v), flip);  // u8 − 128 as s8
                const __m256i aa = _mm256_abs_epi8(as);
                const __m256i p0 = _mm256_maddubs_epi16(aa, _mm256_sign_epi8(w0, as));
                const __m256i p1 = _mm256_maddubs_epi16(aa, _mm256_sign_epi8(w1, as));
                acc[i][0] = _mm256_add_epi32(acc[i][0], _mm256_madd_epi16(p0, ones));
                acc[i][1] = _mm256_add_epi32(acc[i][1], _mm256_madd_epi16(p1, ones));
            }
        }
        const size_t o = (size_t)gi * g->np + col;
        const __m256i corr0 = _mm256_slli_epi32(_mm256_loadu_si256((const __m256i *)(g->rs + o)), 7);
        const __m256i corr1 = _mm256_slli_epi32(_mm256_loadu_si256((const __m256i *)(g->rs + o + 8)), 7);
        for (int i = 0; i < MR; i++) {
            const size_t x = (size_t)(row + i) * g->groups + gi;
            out[i][0] = fold256(g, out[i][0], _mm256_add_epi32(acc[i][0], corr0), o, x);
            out[i][1] = fold256(g, out[i][1], _mm256_add_epi32(acc[i][1], corr1), o + 8, x);
        }
    }
    for (int i = 0; i < MR; i++) {
        store256(g, out[i][0], row + i, col);
        store256(g, out[i][1], row + i, col + 8);
    }
}

#define KAVX2(MR) T256 static void kavx2_##MR(const gemm_args *g, int row, int col) { tile_avx2(MR, g, row, col); }
KAVX2(1) KAVX2(2)
static void (*const tilesavx2[2])(const gemm_args *, int, int) = {kavx2_1, kavx2_2};

static void gemm_avx2(const gemm_args *g) {
    for (int col = g->n0; col < g->n1; col += 16)
        for (int row = 0; row < g->m; row += 2) tilesavx2[MIN(2, g->m - row) - 1](g, row, col);
}

#endif  // MLPACK_I8_X86

void mlpack_i8_gemm(
    int kernel, const uint8_t *qa, int m, int kp, const float *sa, const float *sazp, const int8_t *packed,
    const float *sw, const int32_t *rs, const float *rsw, int n, int n0, int n1, float *c, int ldc) {
    if (m <= 0 || n1 <= n0) return;
    const gemm_args g = {qa, m, kp, kp / GROUP, mlpack_i8_padded_n(n), sa, sazp, packed, sw, rs, rsw, n0, n1, c, ldc};
    if (!mlpack_i8_supported(kernel)) kernel = MLPACK_I8_SCALAR;
    switch (kernel) {
#ifdef MLPACK_I8_X86
    case MLPACK_I8_AVX512VNNI: gemm_avx512vnni(&g); return;
    case MLPACK_I8_AVXVNNI: gemm_avxvnni(&g); return;
    case MLPACK_I8_AVX2: gemm_avx2(&g); return;
#endif
    default: gemm_scalar(&g); return;
    }
}
