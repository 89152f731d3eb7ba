import Foundation
import MLPackBLAS
import MLPackGEMM

extension BERTModel {
    /// Sequences up to this many tokens use the BLAS-free attention kernel.
    static let shortAttentionLimit = 48

    /// Runs the encoder on sequences packed back to back (`ids` holds `lengths.reduce(0, +)`
    /// tokens, no padding). Linear layers see all tokens at once (M = total tokens); attention runs
    /// per sequence and head. Returns the last hidden state `[tokens, hidden]` in `workspace.x`.
    /// Ids must be below `vocabSize` and every length in `1...maxSequenceLength`.
    ///
    /// `threads > 1` divides the pass among that many threads (a ``ThreadTeam`` from the pool,
    /// each running single-threaded kernels): every linear layer by blocks of output features
    /// (columns of the weight and of the output, same leading dimensions), attention by
    /// (sequence, head). Each value is computed by the same operations whatever the thread count.
    ///
    /// Linear layers run on weights packed at load (``packedLinear(_:rows:weights:kernel:into:blocks:team:epilogue:)``),
    /// or in ``Precision/int8`` in int8 (``int8Linear(_:rows:weights:kernel:into:blocks:team:workspace:epilogue:)``);
    /// all else is the same.
    func forward(ids: UnsafeBufferPointer<Int32>, lengths: ArraySlice<Int>, workspace ws: Workspace, threads: Int = 1) {
        ThreadTeam.with(size: max(1, threads)) { forward(ids: ids, lengths: lengths, workspace: ws, team: $0) }
    }

    /// ``forward(ids:lengths:workspace:threads:)`` on the threads of `team`.
    func forward(ids: UnsafeBufferPointer<Int32>, lengths: ArraySlice<Int>, workspace ws: Workspace, team: ThreadTeam) {
        let c = configuration
        let d = c.hiddenSize
        let f = c.intermediateSize
        let dh = c.headSize
        let heads = c.numHeads
        let tokens = ids.count
        let longest = lengths.max() ?? 0
        let p = team.size
        ws.reserve(tokens: tokens, longest: longest, threads: p)
        let x = ws.x.pointer
        let qkv = ws.qkv.pointer
        let ctx = ws.context.pointer
        let att = ws.attended.pointer
        let up = ws.up.pointer
        let scores = ws.scores.pointer

        // Embeddings: word + position (+ token type 0), then LayerNorm. Positions count from 0, or
        // (RoBERTa, XLM-R, MPNet) from padding index + 1 over the tokens that are not padding.
        var t = 0
        let padding = c.paddingIndex.map(Int32.init)
        let firstPosition = c.paddingIndex.map { $0 + 1 } ?? 0
        for n in lengths {
            var next = firstPosition
            for _ in 0..<n {
                let id = ids[t]
                let position: Int
                if let padding, id == padding {
                    position = Int(padding)
                } else {
                    position = next
                    next += 1
                }
                let w = wordEmbeddings.pointer + Int(id) * d
                let pos = positionEmbeddings.pointer + position * d
                let row = x + t * d
                if let type0 = tokenType0?.pointer {
                    for i in 0..<d { row[i] = w[i] + pos[i] + type0[i] }
                } else {
                    for i in 0..<d { row[i] = w[i] + pos[i] }
                }
                t += 1
            }
        }
        Kernels.layerNorm(
            x, rows: tokens, n: d, bias: nil, residual: nil,
            gamma: embeddingGamma.pointer, beta: embeddingBeta.pointer, eps: c.layerNormEps)

        let qkvBlocks = Self.columnBlocks(3 * d, parts: p)
        let hiddenBlocks = Self.columnBlocks(d, parts: p)
        let upBlocks = Self.columnBlocks(f, parts: p)
        let sequenceLengths = Array(lengths)
        var offsets: [Int] = []
        offsets.reserveCapacity(sequenceLengths.count)
        var acc = 0
        for n in sequenceLengths {
            offsets.append(acc)
            acc += n
        }
        let items = sequenceLengths.count * heads
        let attentionThreads = min(p, items)
        let scale = 1 / Float(dh).squareRoot()
        // MPNet: per-head bias by relative distance (`relativeBias`), centred at S − 1.
        let bias = relativeBias?.pointer
        let biasWidth = 2 * c.maxSequenceLength - 1
        let biasCenter = c.maxSequenceLength - 1
        if let int8 { ws.reserveInt8(tokens: tokens, rowWidth: int8.rowWidth, groups: int8.rowWidth / Int8GEMM.group) }
        for (index, layer) in layers.enumerated() {
            let quantized = int8?.layers[index]
            let packedLayer = packed.layers[index]
            // Q, K, V for all tokens.
            project(
                x, rows: tokens, quantized: quantized?.qkv, packed: packedLayer.qkv, into: qkv,
                blocks: qkvBlocks, team: team, workspace: ws
            ) {
                Kernels.addBias(
                    qkv + $0.lowerBound, rows: tokens, n: $0.count, ld: 3 * d, bias: layer.qkvBias.pointer + $0.lowerBound)
            }
            // Attention per (sequence, head): thread j takes items j, j + threads, …, with its own
            // scores matrix.
            team.run(attentionThreads) { j in
                let s = scores + j * longest * longest
                var item = j
                while item < items {
                    let (q, h) = item.quotientAndRemainder(dividingBy: heads)
                    let n = sequenceLengths[q]
                    let base = qkv + offsets[q] * 3 * d
                    let out = ctx + offsets[q] * d
                    if n <= Self.shortAttentionLimit {
                        Kernels.shortAttention(
                            qkv: base, n: n, hidden: d, heads: heads, scale: scale, context: out,
                            only: h..<(h + 1), relativeBias: bias.map { $0 + biasCenter }, biasStride: biasWidth)
                    } else {
                        BLAS.sgemm(
                            m: n, n: n, k: dh, alpha: scale, a: base + h * dh, lda: 3 * d,
                            b: base + d + h * dh, ldb: 3 * d, transposeB: true, c: s, ldc: n)
                        if let bias {
                            // Row i adds the distances j − i for j in 0..<n: a contiguous run.
                            let head = bias + h * biasWidth + biasCenter
                            for i in 0..<n {
                                let row = s + i * n
                                let b = head - i
                                for j in 0..<n { row[j] += b[j] }
                            }
                        }
                        Kernels.softmax(s, rows: n, n: n, ld: n)
                        BLAS.sgemm(
                            m: n, n: dh, k: n, a: s, lda: n, b: base + 2 * d + h * dh, ldb: 3 * d, transposeB: false,
                            c: out + h * dh, ldc: d)
                    }
                    item += attentionThreads
                }
            }
            // Output projection, residual, LayerNorm.
            project(
                ctx, rows: tokens, quantized: quantized?.out, packed: packedLayer.out, into: att,
                blocks: hiddenBlocks, team: team, workspace: ws)
            Kernels.layerNorm(
                att, rows: tokens, n: d, bias: layer.outBias.pointer, residual: x,
                gamma: layer.norm1Gamma.pointer, beta: layer.norm1Beta.pointer, eps: c.layerNormEps)
            // Feed-forward.
            project(
                att, rows: tokens, quantized: quantized?.up, packed: packedLayer.up, into: up, blocks: upBlocks,
                team: team, workspace: ws
            ) {
                let block = up + $0.lowerBound
                let bias = layer.upBias.pointer + $0.lowerBound
                switch c.activation {
                case .gelu: Elementwise.biasGELU(block, rows: tokens, n: $0.count, ld: f, bias: bias, kernel: packed.kernel)
                case .relu: Kernels.biasReLU(block, rows: tokens, n: $0.count, ld: f, bias: bias)
                }
            }
            project(
                up, rows: tokens, quantized: quantized?.down, packed: packedLayer.down, into: x,
                blocks: hiddenBlocks, team: team, workspace: ws)
            Kernels.layerNorm(
                x, rows: tokens, n: d, bias: layer.downBias.pointer, residual: att,
                gamma: layer.norm2Gamma.pointer, beta: layer.norm2Beta.pointer, eps: c.layerNormEps)
        }
    }

    /// `0..<n` in at most `parts` blocks of about equal width whose inner bounds are multiples of 16
    /// (whole SIMD16 vectors and GEMM micro-tiles per block).
    static func columnBlocks(_ n: Int, parts: Int) -> [Range<Int>] {
        let unit = 16
        let units = (n + unit - 1) / unit
        let p = max(1, min(parts, units))
        var blocks: [Range<Int>] = []
        var start = 0
        for j in 1...p {
            let end = j == p ? n : min(n, units * j / p * unit)
            if end > start { blocks.append(start..<end) }
            start = end
        }
        return blocks
    }
}

/// Runs `body(i)` for `i` in `0..<n`: inline when `n == 1`, else on `DispatchQueue.concurrentPerform`
/// (libdispatch's worker threads and the caller; never the Swift concurrency pool).
@inline(__always)
func parallelFor(_ n: Int, _ body: (Int) -> Void) {
    if n <= 1 {
        if n == 1 { body(0) }
        return
    }
    withoutActuallyEscaping(body) { body in
        let box = UncheckedSendable(value: body)
        DispatchQueue.concurrentPerform(iterations: n) { box.value($0) }
    }
}

/// Carries a value into a `@Sendable` closure whose concurrent use the caller has made safe
/// (here: disjoint output blocks of one forward pass).
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
}
