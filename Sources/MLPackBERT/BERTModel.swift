import Foundation
import MLPackGEMM

/// The weights of an encoder (BERT, RoBERTa, XLM-RoBERTa, MPNet or DistilBERT), validated against
/// its configuration. Q, K and V are fused into one `[3·hidden × hidden]` matrix at load time so a
/// layer runs one projection GEMM.
public final class BERTModel: @unchecked Sendable {
    public let configuration: BERTConfiguration

    /// What the forward pass reads of one encoder layer besides its linear weights (those run
    /// packed, ``PackedEncoder``, or quantized, ``Int8Encoder``).
    struct Layer {
        let qkvBias: FloatTensor  // [3d]
        let outBias: FloatTensor
        let norm1Gamma: FloatTensor
        let norm1Beta: FloatTensor
        let upBias: FloatTensor
        let downBias: FloatTensor
        let norm2Gamma: FloatTensor
        let norm2Beta: FloatTensor
    }

    /// The four Float32 linear weights of one layer as loaded (`nn.Linear` layout), read only while
    /// the model is built: packing or quantization makes the form that runs.
    struct LinearWeights {
        let qkv: FloatTensor  // [3d, d]
        let out: FloatTensor  // [d, d]
        let up: FloatTensor  // [f, d]
        let down: FloatTensor  // [d, f]
    }

    let wordEmbeddings: FloatTensor
    let positionEmbeddings: FloatTensor
    /// Row 0 of the token-type table (every token has type 0), or `nil` when the architecture has none.
    let tokenType0: FloatTensor?
    let embeddingGamma: FloatTensor
    let embeddingBeta: FloatTensor
    let layers: [Layer]
    /// The int8 linear layers (``Precision/int8``), nil in Float32.
    let int8: Int8Encoder?
    /// The Float32 linear layers (all of them in ``Precision/fp32``), packed.
    let packed: PackedEncoder
    /// MPNet: the attention bias by relative distance, `[heads, 2·S − 1]` for
    /// `S = maxSequenceLength`; entry `(h, S − 1 + j − i)` is added to head `h`'s score of query `i`
    /// and key `j`. Computed once at load (it depends on `j − i` only).
    let relativeBias: FloatTensor?

    /// Loads the encoder weights from a safetensors file, by the architecture's table of names
    /// (``WeightNames``); LayerNorm parameters may be named `weight`/`bias` or `gamma`/`beta`.
    /// - Parameters:
    ///   - precision: ``Precision/int8`` also quantizes the linear layers (once, here).
    ///   - int8Kernel: the int8 kernel (default: `MLPACK_INT8_KERNEL`, else the best this CPU runs).
    public convenience init(
        configuration c: BERTConfiguration, weights file: SafeTensorsFile, precision: Precision = .fp32,
        int8Kernel: Int8Kernel? = nil
    ) throws {
        try self.init(configuration: c, weights: file, precision: precision, int8Kernel: int8Kernel, int8Linears: Set(Linear.allCases))
    }

    /// `int8Linears`: which linear layers run in int8 (the others in Float32) with ``Precision/int8``.
    init(
        configuration c: BERTConfiguration, weights file: SafeTensorsFile, precision: Precision, int8Kernel: Int8Kernel?,
        int8Linears: Set<Linear>
    ) throws {
        configuration = c
        let names = WeightNames.table(for: c.architecture)
        let prefix = names.prefixes.first { file.entries[$0 + names.wordEmbeddings] != nil } ?? names.prefixes[0]
        let d = c.hiddenSize
        let f = c.intermediateSize
        func t(_ name: String, _ shape: [Int]) throws -> FloatTensor {
            try file.floats(prefix + name, shape: shape)
        }
        func norm(_ name: String) throws -> (FloatTensor, FloatTensor) {
            if file.entries[prefix + name + ".weight"] != nil || file.entries[prefix + name + ".gamma"] == nil {
                return (try t(name + ".weight", [d]), try t(name + ".bias", [d]))
            }
            return (try t(name + ".gamma", [d]), try t(name + ".beta", [d]))
        }
        wordEmbeddings = try t(names.wordEmbeddings, [c.vocabSize, d])
        if c.sinusoidalPositions, file.entries[prefix + names.positionEmbeddings] == nil {
            positionEmbeddings = Self.sinusoidalTable(positions: c.maxPositionEmbeddings, dimension: d)
        } else {
            positionEmbeddings = try t(names.positionEmbeddings, [c.maxPositionEmbeddings, d])
        }
        if let name = names.tokenTypeEmbeddings, c.typeVocabSize > 0 {
            let table = try t(name, [c.typeVocabSize, d])
            tokenType0 = FloatTensor(Array(UnsafeBufferPointer(start: table.pointer, count: d)))
        } else {
            tokenType0 = nil
        }
        (embeddingGamma, embeddingBeta) = try norm(names.embeddingNorm)
        if let name = names.relativeAttentionBias, let buckets = c.relativeAttentionBuckets {
            let table = try t(name, [buckets, c.numHeads])
            relativeBias = Self.relativeBiasByDistance(
                table: table, heads: c.numHeads, maxLength: c.maxSequenceLength)
        } else {
            relativeBias = nil
        }
        var layers: [Layer] = []
        var linears: [LinearWeights] = []
        for i in 0..<c.numLayers {
            let p = names.layer(i)
            let q = try t(p + names.query + ".weight", [d, d])
            let k = try t(p + names.key + ".weight", [d, d])
            let v = try t(p + names.value + ".weight", [d, d])
            let qb = try t(p + names.query + ".bias", [d])
            let kb = try t(p + names.key + ".bias", [d])
            let vb = try t(p + names.value + ".bias", [d])
            // Read no more (the concatenation below is what runs).
            defer { for w in [q, k, v] { file.release(w) } }
            let (g1, b1) = try norm(p + names.attentionNorm)
            let (g2, b2) = try norm(p + names.outputNorm)
            linears.append(
                LinearWeights(
                    qkv: FloatTensor(q.array + k.array + v.array),
                    out: try t(p + names.attentionOutput + ".weight", [d, d]),
                    up: try t(p + names.up + ".weight", [f, d]),
                    down: try t(p + names.down + ".weight", [d, f])))
            layers.append(
                Layer(
                    qkvBias: FloatTensor(qb.array + kb.array + vb.array),
                    outBias: try t(p + names.attentionOutput + ".bias", [d]),
                    norm1Gamma: g1, norm1Beta: b1,
                    upBias: try t(p + names.up + ".bias", [f]),
                    downBias: try t(p + names.down + ".bias", [d]),
                    norm2Gamma: g2, norm2Beta: b2))
        }
        let quantized =
            precision == .int8
            ? Int8Encoder(
                linears: linears, configuration: c, kernel: try Self.int8Kernel(requested: int8Kernel),
                quantizing: int8Linears, weights: file)
            : nil
        int8 = quantized
        packed = PackedEncoder(linears: linears, configuration: c, int8: quantized, weights: file)
        self.layers = layers
    }

    /// MPNet's `relative_position_bucket(memory − context, num_buckets: 32, max_distance: 128)`,
    /// in Float32 as torch computes it: half the buckets for keys before the query, half after;
    /// exact buckets for distances below 8, logarithmic ones up to 128, the last bucket beyond.
    static func relativePositionBucket(_ relative: Int, buckets: Int = BERTConfiguration.mpnetBucketCount,
                                       maxDistance: Int = BERTConfiguration.mpnetMaxDistance) -> Int {
        let half = buckets / 2
        var n = -relative
        var bucket = 0
        if n < 0 { bucket += half }
        n = abs(n)
        let maxExact = half / 2
        if n < maxExact { return bucket + n }
        // torch: log(n.float() / max_exact) / math.log(max_distance / max_exact) * (half - max_exact),
        // the Python double divisor and integer factor applied as Float32 scalars; then truncation.
        let ratio = Float(n) / Float(maxExact)
        let logDistance = Float(Foundation.log(Double(maxDistance) / Double(maxExact)))
        let scaled = Foundation.log(ratio) / logDistance * Float(half - maxExact)
        let large = maxExact + Int(scaled)
        return bucket + min(large, half - 1)
    }

    /// `[heads, 2·S − 1]`: for each head, the bias of every relative distance `−(S−1)…S−1`.
    static func relativeBiasByDistance(table: FloatTensor, heads: Int, maxLength s: Int) -> FloatTensor {
        let width = 2 * s - 1
        var out = [Float](repeating: 0, count: heads * width)
        for r in 0..<width {
            let bucket = relativePositionBucket(r - (s - 1))
            for h in 0..<heads { out[h * width + r] = table.pointer[bucket * heads + h] }
        }
        return FloatTensor(out)
    }

    /// DistilBERT's fixed position table: `sin(pos / 10000^(2⌊j/2⌋/d))` at even `j`, `cos` at odd
    /// `j`, computed in double and rounded to Float32 as its `create_sinusoidal_embeddings` does.
    static func sinusoidalTable(positions: Int, dimension d: Int) -> FloatTensor {
        var out = [Float](repeating: 0, count: positions * d)
        for pos in 0..<positions {
            for j in 0..<d {
                let angle = Double(pos) / Foundation.pow(10000, Double(2 * (j / 2)) / Double(d))
                out[pos * d + j] = Float(j % 2 == 0 ? Foundation.sin(angle) : Foundation.cos(angle))
            }
        }
        return FloatTensor(out)
    }
}
