extension Kernels {
    /// Attention of one short sequence, all heads, without BLAS calls (for few tokens the call
    /// overhead of 2·heads tiny GEMMs dominates). `qkv` holds the sequence's rows `[n, 3d]`
    /// (Q | K | V); the context rows `[n, d]` go to `context` (leading dimension `d`).
    /// `scores` needs `n` floats. `only` restricts the work to some heads (default: all).
    /// `relativeBias` (MPNet): head `h`'s bias for key `j` of query `i` is
    /// `relativeBias[h · biasStride + j − i]` (the pointer is at distance 0 of head 0), added to the
    /// scaled score.
    static func shortAttention(
        qkv: UnsafePointer<Float>, n: Int, hidden d: Int, heads: Int, scale: Float,
        context: UnsafeMutablePointer<Float>, scores: UnsafeMutablePointer<Float>, only: Range<Int>? = nil,
        relativeBias: UnsafePointer<Float>? = nil, biasStride: Int = 0
    ) {
        let dh = d / heads
        let vdh = dh - dh % width
        let stride = 3 * d
        for h in only ?? 0..<heads {
            for i in 0..<n {
                let q = qkv + i * stride + h * dh
                for j in 0..<n {
                    let k = qkv + j * stride + d + h * dh
                    var acc = V()
                    var c = 0
                    while c < vdh {
                        acc += load(q, c) * load(k, c)
                        c += width
                    }
                    var s = acc.sum()
                    while c < dh {
                        s += q[c] * k[c]
                        c += 1
                    }
                    scores[j] = s * scale
                }
                if let relativeBias {
                    let b = relativeBias + h * biasStride - i
                    for j in 0..<n { scores[j] += b[j] }
                }
                softmax(scores, rows: 1, n: n, ld: n)
                let out = context + i * d + h * dh
                var c = 0
                while c < vdh {
                    var acc = V()
                    for j in 0..<n {
                        acc += V(repeating: scores[j]) * load(qkv + j * stride + 2 * d + h * dh, c)
                    }
                    store(acc, out, c)
                    c += width
                }
                while c < dh {
                    var s: Float = 0
                    for j in 0..<n { s += scores[j] * qkv[j * stride + 2 * d + h * dh + c] }
                    out[c] = s
                    c += 1
                }
            }
        }
    }
}
