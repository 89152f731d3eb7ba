import MLPackBLAS

extension BERTModel {
    /// Sequences up to this many tokens use the BLAS-free attention kernel.
    static let shortAttentionLimit = 48

    /// Runs the encoder on sequences packed back to back (`ids` holds `lengths.reduce(0, +)`
    /// tokens, no padding). Linear layers see all tokens at once (M = total tokens); attention runs
    /// per sequence. Returns the last hidden state `[tokens, hidden]` in `workspace.x`.
    /// Ids must be below `vocabSize` and every length in `1...maxPositionEmbeddings`.
    func forward(ids: UnsafeBufferPointer<Int32>, lengths: ArraySlice<Int>, workspace ws: Workspace) {
        let c = configuration
        let d = c.hiddenSize
        let f = c.intermediateSize
        let dh = c.headSize
        let tokens = ids.count
        let longest = lengths.max() ?? 0
        ws.reserve(tokens: tokens, longest: longest)
        let x = ws.x.pointer
        let qkv = ws.qkv.pointer
        let ctx = ws.context.pointer
        let att = ws.attended.pointer
        let up = ws.up.pointer
        let scores = ws.scores.pointer

        // Embeddings: word + position + token type 0, then LayerNorm.
        var t = 0
        let type0 = tokenTypeEmbeddings.pointer
        for n in lengths {
            for p in 0..<n {
                let w = wordEmbeddings.pointer + Int(ids[t]) * d
                let pos = positionEmbeddings.pointer + p * d
                let row = x + t * d
                for i in 0..<d { row[i] = w[i] + pos[i] + type0[i] }
                t += 1
            }
        }
        Kernels.layerNorm(
            x, rows: tokens, n: d, bias: nil, residual: nil,
            gamma: embeddingGamma.pointer, beta: embeddingBeta.pointer, eps: c.layerNormEps)

        let scale = 1 / Float(dh).squareRoot()
        for layer in layers {
            // Q, K, V for all tokens.
            BLAS.sgemm(m: tokens, n: 3 * d, k: d, a: x, b: layer.qkvWeight.pointer, transposeB: true, c: qkv)
            Kernels.addBias(qkv, rows: tokens, n: 3 * d, bias: layer.qkvBias.pointer)
            // Attention per sequence and head.
            var offset = 0
            for n in lengths {
                let base = qkv + offset * 3 * d
                if n <= Self.shortAttentionLimit {
                    Kernels.shortAttention(
                        qkv: base, n: n, hidden: d, heads: c.numHeads, scale: scale,
                        context: ctx + offset * d, scores: scores)
                    offset += n
                    continue
                }
                for h in 0..<c.numHeads {
                    let s = scores + h * n * n
                    BLAS.sgemm(
                        m: n, n: n, k: dh, alpha: scale, a: base + h * dh, lda: 3 * d,
                        b: base + d + h * dh, ldb: 3 * d, transposeB: true, c: s, ldc: n)
                }
                Kernels.softmax(scores, rows: c.numHeads * n, n: n, ld: n)
                for h in 0..<c.numHeads {
                    BLAS.sgemm(
                        m: n, n: dh, k: n, a: scores + h * n * n, lda: n,
                        b: base + 2 * d + h * dh, ldb: 3 * d, transposeB: false,
                        c: ctx + offset * d + h * dh, ldc: d)
                }
                offset += n
            }
            // Output projection, residual, LayerNorm.
            BLAS.sgemm(m: tokens, n: d, k: d, a: ctx, b: layer.outWeight.pointer, transposeB: true, c: att)
            Kernels.layerNorm(
                att, rows: tokens, n: d, bias: layer.outBias.pointer, residual: x,
                gamma: layer.norm1Gamma.pointer, beta: layer.norm1Beta.pointer, eps: c.layerNormEps)
            // Feed-forward.
            BLAS.sgemm(m: tokens, n: f, k: d, a: att, b: layer.upWeight.pointer, transposeB: true, c: up)
            switch c.activation {
            case .gelu: Kernels.biasGELU(up, rows: tokens, n: f, bias: layer.upBias.pointer)
            case .relu: Kernels.biasReLU(up, rows: tokens, n: f, bias: layer.upBias.pointer)
            }
            BLAS.sgemm(m: tokens, n: d, k: f, a: up, b: layer.downWeight.pointer, transposeB: true, c: x)
            Kernels.layerNorm(
                x, rows: tokens, n: d, bias: layer.downBias.pointer, residual: att,
                gamma: layer.norm2Gamma.pointer, beta: layer.norm2Beta.pointer, eps: c.layerNormEps)
        }
    }
}
