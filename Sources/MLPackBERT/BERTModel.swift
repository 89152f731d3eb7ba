import Foundation
import MLPackGEMM

/// The weights of a BERT encoder, validated against its configuration. Q, K and V are fused into
/// one `[3·hidden × hidden]` matrix at load time so a layer runs one projection GEMM.
public final class BERTModel: @unchecked Sendable {
    public let configuration: BERTConfiguration

    struct Layer {
        let qkvWeight: FloatTensor  // [3d, d]
        let qkvBias: FloatTensor  // [3d]
        let outWeight: FloatTensor  // [d, d]
        let outBias: FloatTensor
        let norm1Gamma: FloatTensor
        let norm1Beta: FloatTensor
        let upWeight: FloatTensor  // [f, d]
        let upBias: FloatTensor
        let downWeight: FloatTensor  // [d, f]
        let downBias: FloatTensor
        let norm2Gamma: FloatTensor
        let norm2Beta: FloatTensor
    }

    let wordEmbeddings: FloatTensor
    let positionEmbeddings: FloatTensor
    let tokenTypeEmbeddings: FloatTensor
    let embeddingGamma: FloatTensor
    let embeddingBeta: FloatTensor
    let layers: [Layer]
    /// The int8 linear layers (``Precision/int8``), nil in Float32.
    let int8: Int8Encoder?
    /// The Float32 linear layers (all of them in ``Precision/fp32``), packed.
    let packed: PackedEncoder

    /// Loads the encoder weights from a safetensors file; tensor names may carry a `bert.` prefix
    /// and LayerNorm parameters may be named `weight`/`bias` or `gamma`/`beta`.
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
        let prefix = file.entries["embeddings.word_embeddings.weight"] != nil ? "" : "bert."
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
        wordEmbeddings = try t("embeddings.word_embeddings.weight", [c.vocabSize, d])
        positionEmbeddings = try t("embeddings.position_embeddings.weight", [c.maxPositionEmbeddings, d])
        tokenTypeEmbeddings = try t("embeddings.token_type_embeddings.weight", [c.typeVocabSize, d])
        (embeddingGamma, embeddingBeta) = try norm("embeddings.LayerNorm")
        var layers: [Layer] = []
        for i in 0..<c.numLayers {
            let p = "encoder.layer.\(i)."
            let q = try t(p + "attention.self.query.weight", [d, d])
            let k = try t(p + "attention.self.key.weight", [d, d])
            let v = try t(p + "attention.self.value.weight", [d, d])
            let qb = try t(p + "attention.self.query.bias", [d])
            let kb = try t(p + "attention.self.key.bias", [d])
            let vb = try t(p + "attention.self.value.bias", [d])
            // Read no more (the concatenation below is what runs).
            defer { for w in [q, k, v] { file.release(w) } }
            let (g1, b1) = try norm(p + "attention.output.LayerNorm")
            let (g2, b2) = try norm(p + "output.LayerNorm")
            layers.append(
                Layer(
                    qkvWeight: FloatTensor(q.array + k.array + v.array),
                    qkvBias: FloatTensor(qb.array + kb.array + vb.array),
                    outWeight: try t(p + "attention.output.dense.weight", [d, d]),
                    outBias: try t(p + "attention.output.dense.bias", [d]),
                    norm1Gamma: g1, norm1Beta: b1,
                    upWeight: try t(p + "intermediate.dense.weight", [f, d]),
                    upBias: try t(p + "intermediate.dense.bias", [f]),
                    downWeight: try t(p + "output.dense.weight", [d, f]),
                    downBias: try t(p + "output.dense.bias", [d]),
                    norm2Gamma: g2, norm2Beta: b2))
        }
        let quantized =
            precision == .int8
            ? Int8Encoder(
                layers: layers, configuration: c, kernel: try Self.int8Kernel(requested: int8Kernel), linears: int8Linears,
                weights: file)
            : nil
        int8 = quantized
        packed = PackedEncoder(layers: layers, configuration: c, int8: quantized, weights: file)
        self.layers = PackedEncoder.withoutLinearWeights(layers)
    }
}
