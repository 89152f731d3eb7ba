// Int8 GEMM kernels for the encoder (see include/int8_gemm.h). Instruction sets are chosen per
// function (`__attribute__((target(...)))`), never by global flags: the library runs on any x86-64
// and picks a kernel at run time (`mlpack_i8_supported`).
#include "int8_gemm.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define MLPACK_I8_X86 1
#endif

// `t = v · inv` and the rounding below are separate roundings: never fused into an FMA.
#pragma STDC FP_CONTRACT OFF

#define ALWAYS_INLINE __attribute__((always_inline)) static inline
#define MIN(a, b) ((a) < (b) ? (a) : (b))

int mlpack_i8_padded_k(int k) { return (k + 3) & ~3; }

size_t mlpack_i8_packed_bytes(int n, int k) {
    return (size_t)((n + 15) / 16) * 16 * (size_t)mlpack_i8_padded_k(k);
}

int mlpack_i8_supported(int kernel) {
    switch (kernel) {
    case MLPACK_I8_SCALAR: return 1;
#ifdef MLPACK_I8_X86
    case MLPACK_I8_AVX2: return __builtin_cpu_supports("avx2") ? 1 : 0;
    case MLPACK_I8_AVXVNNI: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("avxvnni") ? 1 : 0;
    case MLPACK_I8_AVX512VNNI:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
                && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni")
            ? 1 : 0;
#endif
    default: return 0;
    }
}

// ---------------------------------------------------------------------------------------------
// Quantization. Round to nearest even by the 1.5·2²³ trick (exact for |t| ≤ 2²², and here
// |t| ≤ 127): the same result as rint() in the default rounding mode, and it vectorises. The
// maximum of |x| is taken on the bit patterns (order-preserving for non-negative floats), so it
// vectorises too. Every code path gives the same bytes.

ALWAYS_INLINE float max_abs(const float *x, int k) {
    uint32_t m = 0;
    for (int i = 0; i < k; i++) {
        uint32_t b;
        memcpy(&b, x + i, 4);
        b &= 0x7fffffffu;
        m = b > m ? b : m;
    }
    float f;
    memcpy(&f, &m, 4);
    return f;
}

ALWAYS_INLINE int quantize_one(float v, float inv) {
    const float magic = 12582912.0f;  // 1.5 · 2²³
    float t = v * inv;
    t = t > 127.0f ? 127.0f : t;
    t = t < -127.0f ? -127.0f : t;
    float r = t + magic;
    r = r - magic;
    return (int)r;
}

/// `scale` = max|x| / 127 and `inv` = 127 / max|x| (both 0 for a zero, infinite or NaN maximum:
/// such a row quantizes to zeros).
ALWAYS_INLINE float row_scale(const float *x, int k, float *inv) {
    float m = max_abs(x, k);
    if (!(m > 0.0f) || !(m <= 3.4028234663852886e38f)) {
        *inv = 0.0f;
        return 0.0f;
    }
    *inv = 127.0f / m;
    return m / 127.0f;
}

void mlpack_i8_quantize_weights(const float *w, int n, int k, int8_t *q, float *scales) {
    for (int j = 0; j < n; j++) {
        const float *row = w + (size_t)j * k;
        float inv;
        scales[j] = row_scale(row, k, &inv);
        for (int i = 0; i < k; i++) q[(size_t)j * k + i] = (int8_t)quantize_one(row[i], inv);
    }
}

ALWAYS_INLINE void quantize_rows_body(const float *a, int m, int k, int lda, uint8_t *qa, int kp, float *scales) {
    for (int r = 0; r < m; r++) {
        const float *row = a + (size_t)r * lda;
        uint8_t *out = qa + (size_t)r * kp;
        float inv;
        scales[r] = row_scale(row, k, &inv);
        for (int i = 0; i < k; i++) out[i] = (uint8_t)(quantize_one(row[i], inv) + 128);
        for (int i = k; i < kp; i++) out[i] = 128;
    }
}

static void quantize_rows_generic(const float *a, int m, int k, int lda, uint8_t *qa, int kp, float *scales) {
    quantize_rows_body(a, m, k, lda, qa, kp, scales);
}

#ifdef MLPACK_I8_X86
__attribute__((target("avx2"))) static void quantize_rows_avx2(
    const float *a, int m, int k, int lda, uint8_t *qa, int kp, float *scales) {
    quantize_rows_body(a, m, k, lda, qa, kp, scales);
}
#endif

void mlpack_i8_quantize_rows(const float *a, int m, int k, int lda, uint8_t *qa, int kp, float *scales) {
#ifdef MLPACK_I8_X86
    if (__builtin_cpu_supports("avx2")) {
        quantize_rows_avx2(a, m, k, lda, qa, kp, scales);
        return;
    }
#endif
    quantize_rows_generic(a, m, k, lda, qa, kp, scales);
}

void mlpack_i8_pack(const int8_t *q, int n, int k, int8_t *packed, int32_t *rowsums) {
    const int kp = mlpack_i8_padded_k(k);
    const int blocks = (n + 15) / 16;
    memset(packed, 0, mlpack_i8_packed_bytes(n, k));
    for (int b = 0; b < blocks; b++) {
        for (int c = 0; c < 16; c++) {
            const int j = 16 * b + c;
            if (j >= n) break;
            int32_t sum = 0;
            for (int i = 0; i < k; i++) {
                const int8_t v = q[(size_t)j * k + i];
                sum += v;
                packed[(((size_t)b * (kp / 4) + i / 4) * 16 + c) * 4 + i % 4] = v;
            }
            rowsums[j] = sum;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Kernels. Each walks panels of up to NR blocks of 16 columns; within a panel, tiles of MR rows
// accumulate in registers over all of k, then correct, scale and store (masked past n1).

typedef struct {
    const uint8_t *qa;
    int m, kp;
    const int8_t *packed;
    const int32_t *rowsums;
    int n0, n1;
    int32_t *ci;
    float *cf;
    int ldc;
    const float *sa, *sw;
} gemm_args;

static void gemm_scalar(const gemm_args *g) {
    const size_t bstride = (size_t)(g->kp / 4) * 64;
    for (int col = g->n0; col < g->n1; col += 16) {
        const int8_t *wb = g->packed + (size_t)(col / 16) * bstride;
        const int valid = MIN(16, g->n1 - col);
        for (int i = 0; i < g->m; i++) {
            const uint8_t *ar = g->qa + (size_t)i * g->kp;
            int32_t acc[16] = {0};
            for (int q = 0; q < g->kp / 4; q++) {
                const int8_t *w = wb + (size_t)q * 64;
                for (int c = 0; c < 16; c++) {
                    for (int t = 0; t < 4; t++) acc[c] += ((int32_t)ar[4 * q + t] - 128) * (int32_t)w[4 * c + t];
                }
            }
            for (int c = 0; c < valid; c++) {
                const size_t o = (size_t)i * g->ldc + col + c;
                if (g->ci) {
                    g->ci[o] = acc[c];
                } else {
                    float f = (float)acc[c] * g->sa[i];
                    g->cf[o] = f * g->sw[col + c];
                }
            }
        }
    }
}

#ifdef MLPACK_I8_X86

// ---- AVX-512 VNNI: 16 columns per zmm, dpbusd (u8 × s8, four products per lane), 6 × 4 tiles.

#define T512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))

T512 ALWAYS_INLINE void tile512(const int MR, const int NR, const gemm_args *g, int row, int col) {
    const int kp = g->kp;
    const size_t bstride = (size_t)(kp / 4) * 64;
    const int8_t *wp = g->packed + (size_t)(col / 16) * bstride;
    const uint8_t *a = g->qa + (size_t)row * kp;
    __m512i acc[6][4];
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++) acc[i][j] = _mm512_setzero_si512();
    for (int q = 0; q < kp / 4; q++) {
        __m512i w[4];
        for (int j = 0; j < NR; j++) w[j] = _mm512_loadu_si512((const void *)(wp + j * bstride + (size_t)q * 64));
        for (int i = 0; i < MR; i++) {
            int32_t v;
            memcpy(&v, a + (size_t)i * kp + 4 * q, 4);
            const __m512i av = _mm512_set1_epi32(v);
            for (int j = 0; j < NR; j++) acc[i][j] = _mm512_dpbusd_epi32(acc[i][j], av, w[j]);
        }
    }
    for (int j = 0; j < NR; j++) {
        const int c = col + 16 * j;
        const int valid = g->n1 - c;
        const __mmask16 mask = valid >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << valid) - 1);
        // Σ (q + 128) · w = Σ q · w + 128 · Σ w.
        const __m512i corr = _mm512_slli_epi32(_mm512_maskz_loadu_epi32(mask, g->rowsums + c), 7);
        const __m512 sw = g->ci ? _mm512_setzero_ps() : _mm512_maskz_loadu_ps(mask, g->sw + c);
        for (int i = 0; i < MR; i++) {
            const __m512i s = _mm512_sub_epi32(acc[i][j], corr);
            const size_t o = (size_t)(row + i) * g->ldc + c;
            if (g->ci) {
                _mm512_mask_storeu_epi32(g->ci + o, mask, s);
            } else {
                __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(s), _mm512_set1_ps(g->sa[row + i]));
                _mm512_mask_storeu_ps(g->cf + o, mask, _mm512_mul_ps(f, sw));
            }
        }
    }
}

#define K512(MR, NR) \
    T512 static void k512_##MR##_##NR(const gemm_args *g, int row, int col) { tile512(MR, NR, g, row, col); }
#define K512_ROW(MR) K512(MR, 1) K512(MR, 2) K512(MR, 3) K512(MR, 4)
K512_ROW(1) K512_ROW(2) K512_ROW(3) K512_ROW(4) K512_ROW(5) K512_ROW(6)
#define K512_REF(MR) {k512_##MR##_1, k512_##MR##_2, k512_##MR##_3, k512_##MR##_4}
static void (*const tiles512[6][4])(const gemm_args *, int, int) = {
    K512_REF(1), K512_REF(2), K512_REF(3), K512_REF(4), K512_REF(5), K512_REF(6)};

static void gemm_avx512vnni(const gemm_args *g) {
    for (int col = g->n0; col < g->n1; col += 64) {
        const int nr = MIN(4, (g->n1 - col + 15) / 16);
        for (int row = 0; row < g->m; row += 6) tiles512[MIN(6, g->m - row) - 1][nr - 1](g, row, col);
    }
}

// ---- 256-bit kernels: a block of 16 columns is two ymm halves (columns 0–7, 8–15).

ALWAYS_INLINE __attribute__((target("avx2"))) void store8_256(
    const gemm_args *g, __m256i s, int row, int c) {
    const int valid = g->n1 - c;
    if (valid <= 0) return;
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(valid), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    const size_t o = (size_t)row * g->ldc + c;
    if (g->ci) {
        _mm256_maskstore_epi32(g->ci + o, mask, s);
    } else {
        __m256 f = _mm256_mul_ps(_mm256_cvtepi32_ps(s), _mm256_set1_ps(g->sa[row]));
        f = _mm256_mul_ps(f, _mm256_maskload_ps(g->sw + c, mask));
        _mm256_maskstore_ps(g->cf + o, mask, f);
    }
}

ALWAYS_INLINE __attribute__((target("avx2"))) __m256i rowsums128(const gemm_args *g, int c) {
    const int valid = g->n1 - c;
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(valid), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    return _mm256_slli_epi32(_mm256_maskload_epi32(g->rowsums + c, mask), 7);
}

// AVX-VNNI (VEX dpbusd): 6 rows × 16 columns.
#define TVNNI __attribute__((target("avx2,avxvnni")))

TVNNI ALWAYS_INLINE void tile_avxvnni(const int MR, const gemm_args *g, int row, int col) {
    const int kp = g->kp;
    const int8_t *wp = g->packed + (size_t)(col / 16) * (size_t)(kp / 4) * 64;
    const uint8_t *a = g->qa + (size_t)row * kp;
    __m256i acc[6][2];
    for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = _mm256_setzero_si256();
    for (int q = 0; q < kp / 4; q++) {
        const __m256i w0 = _mm256_loadu_si256((const __m256i *)(wp + (size_t)q * 64));
        const __m256i w1 = _mm256_loadu_si256((const __m256i *)(wp + (size_t)q * 64 + 32));
        for (int i = 0; i < MR; i++) {
            int32_t v;
            memcpy(&v, a + (size_t)i * kp + 4 * q, 4);
            const __m256i av = _mm256_set1_epi32(v);
            acc[i][0] = _mm256_dpbusd_avx_epi32(acc[i][0], av, w0);
            acc[i][1] = _mm256_dpbusd_avx_epi32(acc[i][1], av, w1);
        }
    }
    const __m256i corr0 = rowsums128(g, col), corr1 = rowsums128(g, col + 8);
    for (int i = 0; i < MR; i++) {
        store8_256(g, _mm256_sub_epi32(acc[i][0], corr0), row + i, col);
        store8_256(g, _mm256_sub_epi32(acc[i][1], corr1), row + i, col + 8);
    }
}

#define KVNNI(MR) TVNNI static void kvnni_##MR(const gemm_args *g, int row, int col) { tile_avxvnni(MR, g, row, col); }
KVNNI(1) KVNNI(2) KVNNI(3) KVNNI(4) KVNNI(5) KVNNI(6)
static void (*const tilesvnni[6])(const gemm_args *, int, int) = {kvnni_1, kvnni_2, kvnni_3, kvnni_4, kvnni_5, kvnni_6};

static void gemm_avxvnni(const gemm_args *g) {
    for (int col = g->n0; col < g->n1; col += 16)
        for (int row = 0; row < g->m; row += 6) tilesvnni[MIN(6, g->m - row) - 1](g, row, col);
}

// AVX2, exact: maddubs(|a|, sign(w, a)) = a·w pairs with |a|, |w| ≤ 128, 127 (at most 2·128·127 =
// 32512, no int16 saturation), then madd with ones sums the pairs into int32. 4 rows × 16 columns.
#define TAVX2 __attribute__((target("avx2")))

TAVX2 ALWAYS_INLINE void tile_avx2(const int MR, const gemm_args *g, int row, int col) {
    const int kp = g->kp;
    const int8_t *wp = g->packed + (size_t)(col / 16) * (size_t)(kp / 4) * 64;
    const uint8_t *a = g->qa + (size_t)row * kp;
    const __m256i ones = _mm256_set1_epi16(1);
    const __m256i flip = _mm256_set1_epi8((char)0x80);
    __m256i acc[4][2];
    for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = _mm256_setzero_si256();
    for (int q = 0; q < kp / 4; q++) {
        const __m256i w0 = _mm256_loadu_si256((const __m256i *)(wp + (size_t)q * 64));
        const __m256i w1 = _mm256_loadu_si256((const __m256i *)(wp + (size_t)q * 64 + 32));
        for (int i = 0; i < MR; i++) {
            int32_t v;
            memcpy(&v, a + (size_t)i * kp + 4 * q, 4);
            const __m256i as = _mm256_xor_si256(_mm256_set1_epi32(v), flip);  // u8 − 128 as s8
            const __m256i aa = _mm256_abs_epi8(as);
            const __m256i p0 = _mm256_maddubs_epi16(aa, _mm256_sign_epi8(w0, as));
            const __m256i p1 = _mm256_maddubs_epi16(aa, _mm256_sign_epi8(w1, as));
            acc[i][0] = _mm256_add_epi32(acc[i][0], _mm256_madd_epi16(p0, ones));
            acc[i][1] = _mm256_add_epi32(acc[i][1], _mm256_madd_epi16(p1, ones));
        }
    }
    for (int i = 0; i < MR; i++) {
        store8_256(g, acc[i][0], row + i, col);
        store8_256(g, acc[i][1], row + i, col + 8);
    }
}

#define KAVX2(MR) TAVX2 static void kavx2_##MR(const gemm_args *g, int row, int col) { tile_avx2(MR, g, row, col); }
KAVX2(1) KAVX2(2) KAVX2(3) KAVX2(4)
static void (*const tilesavx2[4])(const gemm_args *, int, int) = {kavx2_1, kavx2_2, kavx2_3, kavx2_4};

static void gemm_avx2(const gemm_args *g) {
    for (int col = g->n0; col < g->n1; col += 16)
        for (int row = 0; row < g->m; row += 4) tilesavx2[MIN(4, g->m - row) - 1](g, row, col);
}

#endif  // MLPACK_I8_X86

void mlpack_i8_gemm(
    int kernel, const uint8_t *qa, int m, int kp, const int8_t *packed, const int32_t *rowsums, int n, int n0, int n1,
    int32_t *ci, float *cf, int ldc, const float *sa, const float *sw) {
    (void)n;
    if (m <= 0 || n1 <= n0) return;
    const gemm_args g = {qa, m, kp, packed, rowsums, n0, n1, ci, cf, ldc, sa, sw};
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
