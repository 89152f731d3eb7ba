#ifndef MLPACK_F32_GEMM_H
#define MLPACK_F32_GEMM_H

#include <stddef.h>

/// Float32 matrix products for the encoder's linear layers on weights packed once at load:
/// `C[m×n] = A[m×k] · Wᵀ`, `W` in the `nn.Linear` layout `[n×k]`. OpenBLAS packs `W` again on every
/// call, which at a few rows (one short sentence) costs more than the arithmetic; these kernels
/// read the packed form as it is, streaming (each 16-column panel is contiguous).
///
/// Packed form: panels of 16 output columns, each `k` rows of 16 floats: float
/// `(p · k + x) · 16 + c` is `W[16p + c][x]` (zero past `n`).
///
/// Result, the same bits from every kernel: `c[i][j]` = the fused multiply-adds
/// `s = fma(a[i][x], W[j][x], s)` for `x` = 0, 1, …, k−1 from `s = 0`.

#ifdef __cplusplus
extern "C" {
#endif

enum {
    MLPACK_F32_SCALAR = 0,
    MLPACK_F32_AVX2 = 1,
    MLPACK_F32_AVX512 = 2,
};

/// Whether this build and this CPU can run `kernel`.
int mlpack_f32_supported(int kernel);

/// Floats of the packed form of an `[n×k]` matrix.
size_t mlpack_f32_packed_count(int n, int k);

/// Packs `w` (`[n×k]`, row-major) into `packed` (`mlpack_f32_packed_count(n, k)` floats).
void mlpack_f32_pack(const float *w, int n, int k, float *packed);

/// Columns `[n0, n1)` (`n0` a multiple of 16) of `A · Wᵀ` for rows `[0, m)` of `a` (row stride
/// `lda`) into `c[i·ldc + j]`. An unsupported `kernel` runs the scalar one.
void mlpack_f32_gemm(
    int kernel, const float *a, int m, int k, int lda, const float *packed, int n0, int n1, float *c, int ldc);

#ifdef __cplusplus
}
#endif

#endif
