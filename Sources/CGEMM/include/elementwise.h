#ifndef MLPACK_ELEMENTWISE_H
#define MLPACK_ELEMENTWISE_H

/// Elementwise kernels of the encoder in the instruction sets of `f32_gemm.h` (`kernel` is one of
/// `MLPACK_F32_*`; an unsupported one runs the scalar code). Swift's SIMD types compile to the
/// x86-64 baseline (SSE2, four lanes, no FMA) without a `-target-cpu`, so these run 16 (AVX-512)
/// or 8 (AVX2) lanes with fused multiply-adds instead.
///
/// The same bits from every kernel: each lane is the same sequence of correctly rounded
/// operations and fused multiply-adds, and a row's tail is computed in masked lanes, not by other
/// code, so a value does not depend on its column.

#ifdef __cplusplus
extern "C" {
#endif

/// `x[r·ld + j] = gelu(x[r·ld + j] + bias[j])` for `r < rows`, `j < n`: the exact (erf) GELU,
/// `v/2 · (1 + erf(v/√2))`, erf from Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7) and, for
/// |v/√2| < 0.5, from its Taylor series (relative error near 0).
void mlpack_bias_gelu(int kernel, float *x, int rows, int n, int ld, const float *bias);

#ifdef __cplusplus
}
#endif

#endif
