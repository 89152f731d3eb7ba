#ifndef MLPACK_INT8_GEMM_H
#define MLPACK_INT8_GEMM_H

#include <stddef.h>
#include <stdint.h>

/// Int8 matrix products for the encoder's linear layers: `C[m×n] = A[m×k] · Wᵀ` with `W` in the
/// `nn.Linear` layout `[n×k]`, both quantized to 8 bits **per group of 64 consecutive k**, int32
/// accumulation within a group, Float32 across groups.
///
/// Operands
/// - A (activations): `m` rows of `kp` bytes (`kp` = `k` rounded up to a multiple of 64), quantized
///   asymmetrically per (row, group): `a ≈ sa · (q − zp)` with `q`, `zp` in [0, 255]. The caller
///   keeps `sa[i·G + g]` and `sazp[i·G + g]` = `sa · zp` (`G` = `kp / 64` groups).
/// - W (weights): quantized symmetrically per (output column, group): `w ≈ sw · q`, `q` in
///   [-127, 127]; packed by `mlpack_i8_pack` into blocks of 16 output columns × 4 k, the layout
///   VNNI's `dpbusd` consumes: byte `((b · kp/4 + s) · 16 + c) · 4 + t` is `W[16b + c][4s + t]` (zero
///   past `n` and past `k`). Per group `g` and column `j` (index `g · np + j`, `np` = `n` rounded up
///   to 16, zero past `n`): `sw`, `rs` = `Σ_{k∈g} q`, and `rsw` = `rs · sw`.
///
/// Result, the same bits from every kernel: for each (i, j), starting from `c = 0`, for each group
/// `g` in order, with `acc` the exact int32 `Σ_{k∈g} qa · qw`:
///   `c = fma((float)acc · sw, sa, c)`, then `c = fma(-sazp, rsw, c)`.

#ifdef __cplusplus
extern "C" {
#endif

enum {
    MLPACK_I8_SCALAR = 0,
    MLPACK_I8_AVX2 = 1,
    MLPACK_I8_AVXVNNI = 2,
    MLPACK_I8_AVX512VNNI = 3,
};

/// k values per quantization group.
enum { MLPACK_I8_GROUP = 64 };

/// Whether this build and this CPU (and its operating system) can run `kernel`.
int mlpack_i8_supported(int kernel);

/// `k` rounded up to a multiple of `MLPACK_I8_GROUP`.
int mlpack_i8_padded_k(int k);

/// `n` rounded up to a multiple of 16.
int mlpack_i8_padded_n(int n);

/// Bytes of the packed form of an `[n×k]` matrix: `padded_n · padded_k`.
size_t mlpack_i8_packed_bytes(int n, int k);

/// Quantizes `w` (`[n×k]`, row-major) per (row, group), symmetrically: `scales[j·G + g]` =
/// `max|w| / 127` over the group, `q[j·k + i]` = `w / scale` rounded to nearest (even), in
/// [-127, 127]. A zero (or non-finite) group gives scale 0 and zeros.
void mlpack_i8_quantize_weights(const float *w, int n, int k, int8_t *q, float *scales);

/// Packs int8 `q` (`[n×k]`, row-major) with its `scales[j·G + g]` into `packed`
/// (`mlpack_i8_packed_bytes(n, k)` bytes) and the per-group column vectors `sw`, `rs`, `rsw`
/// (`G · padded_n` each, index `g · padded_n + j`).
void mlpack_i8_pack(
    const int8_t *q, const float *scales, int n, int k, int8_t *packed, float *sw, int32_t *rs, float *rsw);

/// Quantizes rows `[0, m)` of `a` (row stride `lda` floats, `k` used) per (row, group),
/// asymmetrically over [min(0, min a), max(0, max a)]: `sa` = (hi − lo) / 255, `zp` =
/// round(−lo / sa), `qa[i·kp + x]` = clamp(round(a / sa) + zp, 0, 255); padding 0. Writes
/// `sa[i·G + g]` and `sazp[i·G + g]` = `sa · zp`. A zero (or non-finite) group gives zeros.
/// The same bytes from every `kernel` (its code path: AVX-512 for `MLPACK_I8_AVX512VNNI`, AVX2 for
/// the AVX2 and AVX-VNNI kernels, portable C for the scalar one or an unsupported kernel).
void mlpack_i8_quantize_rows(
    int kernel, const float *a, int m, int k, int lda, uint8_t *qa, int kp, float *sa, float *sazp);

/// Columns `[n0, n1)` of the product (`n0` a multiple of 16, `n1 <= n`) for all `m` rows of `qa`
/// into `c[i·ldc + j]`. `kernel` must be supported (`mlpack_i8_supported`); an unsupported one
/// runs the scalar kernel.
void mlpack_i8_gemm(
    int kernel, const uint8_t *qa, int m, int kp, const float *sa, const float *sazp, const int8_t *packed,
    const float *sw, const int32_t *rs, const float *rsw, int n, int n0, int n1, float *c, int ldc);

#ifdef __cplusplus
}
#endif

#endif
