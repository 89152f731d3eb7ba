// Float32 GEMM kernels on weights packed once at load (see include/f32_gemm.h). Instruction sets are chosen
// per function, never by global flags; the kernel is picked at run time (`mlpack_f32_supported`).
#include "f32_gemm.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define MLPACK_F32_X86 1
#endif

#pragma STDC FP_CONTRACT OFF

#define ALWAYS_INLINE __attribute__((always_inline)) static inline
#define MIN(a, b) ((a) < (b) ? (a) : (b))

int mlpack_f32_supported(int kernel) {
    switch (kernel) {
    case MLPACK_F32_SCALAR: return 1;
#ifdef MLPACK_F32_X86
    case MLPACK_F32_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 1 : 0;
    case MLPACK_F32_AVX512: return __builtin_cpu_supports("avx512f") ? 1 : 0;
#endif
    default: return 0;
    }
}

size_t mlpack_f32_packed_count(int n, int k) { return (size_t)((n + 15) / 16) * 16 * (size_t)k; }

void mlpack_f32_pack(const float *w, int n, int k, float *packed) {
    memset(packed, 0, sizeof(float) * mlpack_f32_packed_count(n, k));
    for (int j = 0; j < n; j++) {
        const int p = j / 16, c = j % 16;
        for (int x = 0; x < k; x++) packed[((size_t)p * k + x) * 16 + c] = w[(size_t)j * k + x];
    }
}

typedef struct {
    const float *a;
    int m, k, lda;
    const float *packed;
    int n0, n1;
    float *c;
    int ldc;
} f32_args;

static void gemm_scalar(const f32_args *g) {
    for (int col = g->n0; col < g->n1; col += 16) {
        const float *wp = g->packed + (size_t)(col / 16) * g->k * 16;
        const int valid = MIN(16, g->n1 - col);
        for (int i = 0; i < g->m; i++) {
            const float *ar = g->a + (size_t)i * g->lda;
            float s[16] = {0};
            for (int x = 0; x < g->k; x++)
                for (int c = 0; c < 16; c++) s[c] = fmaf(ar[x], wp[(size_t)x * 16 + c], s[c]);
            for (int c = 0; c < valid; c++) g->c[(size_t)i * g->ldc + col + c] = s[c];
        }
    }
}

#ifdef MLPACK_F32_X86

// ---- AVX-512: 6 rows × 4 panels (64 columns): 24 accumulators.
#ifndef PREFETCH_LINES
#define PREFETCH_LINES 24
#endif
#define T512 __attribute__((target("avx512f")))

T512 ALWAYS_INLINE void tile512(const int MR, const int NR, const f32_args *g, int row, int col) {
    const size_t pstride = (size_t)g->k * 16;
    const float *wp = g->packed + (size_t)(col / 16) * pstride;
    const float *a = g->a + (size_t)row * g->lda;
    __m512 s[6][4];
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++) s[i][j] = _mm512_setzero_ps();
    for (int x = 0; x < g->k; x++) {
        __m512 w[4];
        // Each k step reads one cache line of each panel: ask for the line PREFETCH_LINES ahead, so
        // a panel streamed from L3 or memory arrives before it is needed (the hardware prefetcher
        // alone keeps one core near 19 GB/s on this access pattern).
        for (int j = 0; j < NR; j++) _mm_prefetch((const char *)(wp + j * pstride + (size_t)(x + PREFETCH_LINES) * 16), _MM_HINT_T0);
        for (int j = 0; j < NR; j++) w[j] = _mm512_loadu_ps(wp + j * pstride + (size_t)x * 16);
        for (int i = 0; i < MR; i++) {
            const __m512 av = _mm512_set1_ps(a[(size_t)i * g->lda + x]);
            for (int j = 0; j < NR; j++) s[i][j] = _mm512_fmadd_ps(av, w[j], s[i][j]);
        }
    }
    for (int j = 0; j < NR; j++) {
        const int c = col + 16 * j;
        const int valid = g->n1 - c;
        const __mmask16 mask = valid >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << valid) - 1);
        for (int i = 0; i < MR; i++) _mm512_mask_storeu_ps(g->c + (size_t)(row + i) * g->ldc + c, mask, s[i][j]);
    }
}

#define K512(MR, NR) \
    T512 static void f512_##MR##_##NR(const f32_args *g, int row, int col) { tile512(MR, NR, g, row, col); }
#define K512_ROW(MR) K512(MR, 1) K512(MR, 2) K512(MR, 3) K512(MR, 4)
K512_ROW(1) K512_ROW(2) K512_ROW(3) K512_ROW(4) K512_ROW(5) K512_ROW(6)
#define K512_REF(MR) {f512_##MR##_1, f512_##MR##_2, f512_##MR##_3, f512_##MR##_4}
static void (*const tiles512[6][4])(const f32_args *, int, int) = {
    K512_REF(1), K512_REF(2), K512_REF(3), K512_REF(4), K512_REF(5), K512_REF(6)};

// Rows in blocks of ROWS_BLOCK (a multiple of 6): a block of A (192 × k floats) and a panel group of
// W stay in L2 while the tiles sweep them.
#define ROWS_BLOCK 192

static void gemm_avx512(const f32_args *g) {
    for (int r0 = 0; r0 < g->m; r0 += ROWS_BLOCK) {
        const int r1 = MIN(g->m, r0 + ROWS_BLOCK);
        for (int col = g->n0; col < g->n1; col += 64) {
            const int nr = MIN(4, (g->n1 - col + 15) / 16);
            for (int row = r0; row < r1; row += 6) tiles512[MIN(6, r1 - row) - 1][nr - 1](g, row, col);
        }
    }
}

// ---- AVX2 + FMA: 6 rows × 16 columns (two ymm halves): 12 accumulators.
#define T256 __attribute__((target("avx2,fma")))

T256 ALWAYS_INLINE void store256(const f32_args *g, __m256 v, int row, int c) {
    const int valid = g->n1 - c;
    if (valid <= 0) return;
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(valid), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    _mm256_maskstore_ps(g->c + (size_t)row * g->ldc + c, mask, v);
}

T256 ALWAYS_INLINE void tile256(const int MR, const f32_args *g, int row, int col) {
    const float *wp = g->packed + (size_t)(col / 16) * g->k * 16;
    const float *a = g->a + (size_t)row * g->lda;
    __m256 s[6][2];
    for (int i = 0; i < MR; i++) s[i][0] = s[i][1] = _mm256_setzero_ps();
    for (int x = 0; x < g->k; x++) {
        const __m256 w0 = _mm256_loadu_ps(wp + (size_t)x * 16), w1 = _mm256_loadu_ps(wp + (size_t)x * 16 + 8);
        for (int i = 0; i < MR; i++) {
            const __m256 av = _mm256_broadcast_ss(a + (size_t)i * g->lda + x);
            s[i][0] = _mm256_fmadd_ps(av, w0, s[i][0]);
            s[i][1] = _mm256_fmadd_ps(av, w1, s[i][1]);
        }
    }
    for (int i = 0; i < MR; i++) {
        store256(g, s[i][0], row + i, col);
        store256(g, s[i][1], row + i, col + 8);
    }
}

#define K256(MR) T256 static void f256_##MR(const f32_args *g, int row, int col) { tile256(MR, g, row, col); }
K256(1) K256(2) K256(3) K256(4) K256(5) K256(6)
static void (*const tiles256[6])(const f32_args *, int, int) = {f256_1, f256_2, f256_3, f256_4, f256_5, f256_6};

static void gemm_avx2(const f32_args *g) {
    for (int r0 = 0; r0 < g->m; r0 += ROWS_BLOCK) {
        const int r1 = MIN(g->m, r0 + ROWS_BLOCK);
        for (int col = g->n0; col < g->n1; col += 16)
            for (int row = r0; row < r1; row += 6) tiles256[MIN(6, r1 - row) - 1](g, row, col);
    }
}

#endif  // MLPACK_F32_X86

void mlpack_f32_gemm(
    int kernel, const float *a, int m, int k, int lda, const float *packed, int n0, int n1, float *c, int ldc) {
    if (m <= 0 || n1 <= n0) return;
    const f32_args g = {a, m, k, lda, packed, n0, n1, c, ldc};
    if (!mlpack_f32_supported(kernel)) kernel = MLPACK_F32_SCALAR;
    switch (kernel) {
#ifdef MLPACK_F32_X86
    case MLPACK_F32_AVX512: gemm_avx512(&g); return;
    case MLPACK_F32_AVX2: gemm_avx2(&g); return;
#endif
    default: gemm_scalar(&g); return;
    }
}
