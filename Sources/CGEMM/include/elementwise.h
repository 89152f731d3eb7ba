#ifndef MLPACK_ELEMENTWISE_H
#define MLPACK_ELEMENTWISE_H

/// Elementwise kernels of the encoder in the instruction sets of `f32_gemm.h` (`kernel` is one of
/// `MLPACK_F32_*`; an unsupported one runs the scalar code). Swift's SIMD types compile to the
/// x86-64 baseline (SSE2, four lanes, no FMA) without a `-target-cpu`, so these run 16 (AVX-512)
/// or 8 (AVX2) lanes with fused multiply-adds instead.
///
/// The same bits from every kernel: each lane is the same sequence of correctly rounded
/// operations and fused multiply-adds, and a row's tail is computed in masked lanes, not by other
/// code, so a value does not depend on its column. Sums over a row are kept in 16 partial sums
/// (element j in sum j mod 16; AVX2 holds them in two registers, the scalar code in an array),
/// added at the end in one fixed tree: 8 + 8, 4 + 4, 2 + 2, 1 + 1.

#ifdef __cplusplus
extern "C" {
#endif

/// `x[r·ld + j] = gelu(x[r·ld + j] + bias[j])` for `r < rows`, `j < n`: the exact (erf) GELU,
/// `v/2 · (1 + erf(v/√2))`, erf from Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7) and, for
/// |v/√2| < 0.5, from its Taylor series (relative error near 0).
void mlpack_bias_gelu(int kernel, float *x, int rows, int n, int ld, const float *bias);

/// Softmax of each row in place: `x[r·ld + j] = e^(x[r·ld + j] − max_r) / Σ_j e^(…)` for
/// `r < rows`, `j < n` (eˣ: the Cephes polynomial, relative error ≤ 2e-7).
void mlpack_softmax(int kernel, float *x, int rows, int n, int ld);

/// LayerNorm of each row in place (row stride `n`): `v = y + bias + residual` (either may be
/// NULL; `v` is written back first), then `(v − mean) · 1/√(variance + eps) · gamma + beta`, the
/// variance about the mean (two passes).
void mlpack_layer_norm(
    int kernel, float *y, int rows, int n, const float *bias, const float *residual, const float *gamma,
    const float *beta, float eps);

/// Attention of one short sequence for heads `[h0, h1)`: `qkv` holds its `n` rows `[n, 3d]`
/// (Q | K | V, head `h` at columns `h·dh`), the context rows go to `context` (leading dimension
/// `d`). Per head, the keys are transposed into `keys` (`dh · np` floats, `np` = `n` rounded up to
/// 16; columns past `n` must be zero on entry and stay zero), so a query's scores are `dh` fused
/// multiply-adds per 16 keys; then `· scale`, `+ relative_bias[h · bias_stride + j − i]` when
/// `relative_bias` is not NULL (MPNet), softmax, and each context value the fused multiply-adds of
/// the scores over the values in key order. `scores` needs `np` floats. Every kernel gives the
/// same bits.
void mlpack_short_attention(
    int kernel, const float *qkv, int n, int d, int heads, int h0, int h1, float scale, float *context,
    float *keys, float *scores, const float *relative_bias, int bias_stride);

#ifdef __cplusplus
}
#endif

#endif
