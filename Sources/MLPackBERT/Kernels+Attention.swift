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
        // Keys transposed per head, `[dh, np]` with the row stride padded to whole vectors (zeros
        // past n): a query's n scores are then `Σ_c q[c] · kᵀ[c]`, 16 keys per vector operation
        // instead of one horizontal sum per key.
        let np = (n + width - 1) / width * width
        withUnsafeTemporaryAllocation(of: Float.self, capacity: dh * np + width) { buffer in
            let kt = buffer.baseAddress!
            let row = kt + dh * np  // one vector of scores before they are cut to n
            // Columns n..<np stay zero; every head overwrites columns 0..<n.
            kt.initialize(repeating: 0, count: dh * np)
            for h in only ?? 0..<heads {
                for j in 0..<n {
                    let k = qkv + j * stride + d + h * dh
                    for c in 0..<dh { kt[c * np + j] = k[c] }
                }
                for i in 0..<n {
                    let q = qkv + i * stride + h * dh
                    var j = 0
                    while j < n {
                        var acc = V()
                        for c in 0..<dh { acc += V(repeating: q[c]) * load(kt + c * np, j) }
                        store(acc * scale, row, 0)
                        for l in 0..<min(width, n - j) { scores[j + l] = row[l] }
                        j += width
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
}
