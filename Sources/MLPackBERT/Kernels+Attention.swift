import MLPackGEMM

extension Kernels {
    /// Attention of one short sequence, all heads, without BLAS calls (for few tokens the call
    /// overhead of 2·heads tiny GEMMs dominates), in C with the F32 kernel's instructions
    /// (``Elementwise/shortAttention(qkv:n:hidden:heads:only:scale:context:relativeBias:biasStride:kernel:)``).
    /// `qkv` holds the sequence's rows `[n, 3d]` (Q | K | V); the context rows `[n, d]` go to
    /// `context` (leading dimension `d`). `only` restricts the work to some heads (default: all).
    /// `relativeBias` (MPNet): head `h`'s bias for key `j` of query `i` is
    /// `relativeBias[h · biasStride + j − i]` (the pointer is at distance 0 of head 0), added to the
    /// scaled score.
    @inline(__always)
    static func shortAttention(
        qkv: UnsafePointer<Float>, n: Int, hidden d: Int, heads: Int, scale: Float,
        context: UnsafeMutablePointer<Float>, only: Range<Int>? = nil,
        relativeBias: UnsafePointer<Float>? = nil, biasStride: Int = 0
    ) {
        Elementwise.shortAttention(
            qkv: qkv, n: n, hidden: d, heads: heads, only: only ?? 0..<heads, scale: scale, context: context,
            relativeBias: relativeBias, biasStride: biasStride)
    }
}
