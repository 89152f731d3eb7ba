import CGEMM

/// The encoder's elementwise kernels in the instruction sets of ``F32Kernel`` (`elementwise.h`):
/// Swift's SIMD types compile to four SSE2 lanes without FMA unless the whole build names a CPU, so
/// the costly ones run here, 16 or 8 lanes with fused multiply-adds. The same bits from every kernel.
public enum Elementwise {
    /// `x[r·ld + j] = gelu(x[r·ld + j] + bias[j])` for `r < rows`, `j < n`: the exact (erf) GELU,
    /// within 1e-6 of it in double precision (erf: Abramowitz & Stegun 7.1.26, its Taylor series
    /// near 0).
    public static func biasGELU(
        _ x: UnsafeMutablePointer<Float>, rows: Int, n: Int, ld: Int, bias: UnsafePointer<Float>,
        kernel: F32Kernel = .best
    ) {
        precondition(rows >= 0 && n >= 0 && ld >= n && ld <= Int(Int32.max) && rows <= Int(Int32.max))
        mlpack_bias_gelu(kernel.rawValue, x, Int32(rows), Int32(n), Int32(ld), bias)
    }

    /// Softmax of each of `rows` rows of `n` (leading dimension `ld`) in place.
    public static func softmax(_ x: UnsafeMutablePointer<Float>, rows: Int, n: Int, ld: Int, kernel: F32Kernel = .best) {
        precondition(rows >= 0 && n >= 0 && ld >= n && ld <= Int(Int32.max) && rows <= Int(Int32.max))
        mlpack_softmax(kernel.rawValue, x, Int32(rows), Int32(n), Int32(ld))
    }

    /// LayerNorm in place over `rows` rows of `n`: `y = LayerNorm(y + bias + residual) · gamma + beta`
    /// (bias and residual optional; the sum is written back before the row is normalised).
    public static func layerNorm(
        _ y: UnsafeMutablePointer<Float>, rows: Int, n: Int, bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float, kernel: F32Kernel = .best
    ) {
        precondition(rows >= 0 && n >= 1 && n <= Int(Int32.max) && rows <= Int(Int32.max))
        mlpack_layer_norm(kernel.rawValue, y, Int32(rows), Int32(n), bias, residual, gamma, beta, eps)
    }

    /// Attention of one short sequence (`n` rows of `qkv`, `[n, 3d]`: Q | K | V) for `heads`, the
    /// context rows into `context` (leading dimension `d`); `relativeBias` (MPNet): head `h`'s bias
    /// for key `j` of query `i` is `relativeBias[h · biasStride + j − i]`, added to the scaled score.
    public static func shortAttention(
        qkv: UnsafePointer<Float>, n: Int, hidden d: Int, heads: Int, only: Range<Int>, scale: Float,
        context: UnsafeMutablePointer<Float>, relativeBias: UnsafePointer<Float>?, biasStride: Int,
        kernel: F32Kernel = .best
    ) {
        precondition(n >= 1 && heads >= 1 && d % heads == 0 && only.lowerBound >= 0 && only.upperBound <= heads)
        precondition(d <= Int(Int32.max) / 3 && n <= Int(Int32.max) / 16 && biasStride <= Int(Int32.max))
        let dh = d / heads
        let np = (n + 15) / 16 * 16
        // Keys transposed per head (columns past n zero) and one padded row of scores.
        withUnsafeTemporaryAllocation(of: Float.self, capacity: dh * np + np) { buffer in
            let keys = buffer.baseAddress!
            keys.initialize(repeating: 0, count: dh * np + np)
            mlpack_short_attention(
                kernel.rawValue, qkv, Int32(n), Int32(d), Int32(heads), Int32(only.lowerBound), Int32(only.upperBound),
                scale, context, keys, keys + dh * np, relativeBias, Int32(biasStride))
        }
    }
}
