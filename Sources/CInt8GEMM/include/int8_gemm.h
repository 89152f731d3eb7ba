#ifndef MLPACK_INT8_GEMM_H
#define MLPACK_INT8_GEMM_H

#include <stddef.h>
#include <stdint.h>

/// Int8 matrix products for the encoder's linear layers: `C[m×n] = A[m×k] · Wᵀ` with `W` in the
/// `nn.Linear` layout `[n×k]`, both quantized symmetrically to int8, int32 accumulation.
///
/// Operands
/// - A (activations): `m` rows of `kp` bytes (`kp` = `k` rounded up to a multiple of 4), each value
///   stored as `q + 128` (u8) where `q` in [-127, 127] is the int8 value; padding holds 128 (q = 0).
/// - W (weights): packed once by `mlpack_i8_pack` into blocks of 16 output columns × 4 k, the layout
///   VNNI's `dpbusd` consumes: byte `((b · kp/4 + g) · 16 + c) · 4 + t` is `W[16b + c][4g + t]`
///   (zero past `n` and past `k`). `rowsums[j]` = `Σ_k W[j][k]` corrects the +128 of A.
/// Every kernel computes the same exact int32 sums `Σ_k q_A[i][k] · W[j][k]`.

#ifdef __cplusplus
extern "C" {
#endif

enum {
    MLPACK_I8_SCALAR = 0,
    MLPACK_I8_AVX2 = 1,
    MLPACK_I8_AVXVNNI = 2,
    MLPACK_I8_AVX512VNNI = 3,
};

/// Whether this build and this CPU (and its operating system) can run `kernel`.
int mlpack_i8_supported(int kernel);

/// `k` rounded up to a multiple of 4.
int mlpack_i8_padded_k(int k);

/// Bytes of the packed form of an `[n×k]` matrix: `⌈n/16⌉ · 16 · padded_k`.
size_t mlpack_i8_packed_bytes(int n, int k);

/// Quantizes each row of `w` (`[n×k]`, row-major) symmetrically: `scales[j]` = `max|w_j| / 127`,
/// `q[j][k]` = `w[j][k] / scales[j]` rounded to nearest (even), in [-127, 127] (a zero row gives
/// scale 0 and zeros). Writes `q` (`n·k` bytes, row-major).
void mlpack_i8_quantize_weights(const float *w, int n, int k, int8_t *q, float *scales);

/// Packs int8 `q` (`[n×k]`, row-major) into `packed` (`mlpack_i8_packed_bytes(n, k)` bytes) and writes
/// `rowsums[j]` = `Σ_k q[j][k]`.
void mlpack_i8_pack(const int8_t *q, int n, int k, int8_t *packed, int32_t *rowsums);

/// Quantizes rows `[0, m)` of `a` (row stride `lda` floats, `k` used) per row: `scales[i]` =
/// `max|a_i| / 127`, `qa[i·kp + k]` = 128 + round(a / scale) (round to nearest even), padding 128.
void mlpack_i8_quantize_rows(const float *a, int m, int k, int lda, uint8_t *qa, int kp, float *scales);

/// Columns `[n0, n1)` of the product (`n0` a multiple of 16, `n1 <= n`) for all `m` rows of `qa`:
/// - `ci != NULL`: `ci[i·ldc + j]` = the exact int32 sum;
/// - else `cf[i·ldc + j]` = `((float)sum · sa[i]) · sw[j]`.
/// `kernel` must be supported (`mlpack_i8_supported`); an unsupported one runs the scalar kernel.
void mlpack_i8_gemm(
    int kernel, const uint8_t *qa, int m, int kp, const int8_t *packed, const int32_t *rowsums, int n, int n0, int n1,
    int32_t *ci, float *cf, int ldc, const float *sa, const float *sw);

#ifdef __cplusplus
}
#endif

#endif
