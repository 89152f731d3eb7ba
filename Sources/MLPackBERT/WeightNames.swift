/// Where an architecture keeps its tensors in `model.safetensors`: one table per architecture.
/// Names are relative to a prefix found in the file (`""` for the bare model that
/// sentence-transformers saves, or the task model's base prefix such as `bert.`). Linear and
/// LayerNorm entries name the module; `.weight`/`.bias` (LayerNorm also `.gamma`/`.beta`) follow.
struct WeightNames {
    /// Prefixes tried in order; the first under which the word embeddings exist is used.
    let prefixes: [String]
    let wordEmbeddings: String
    let positionEmbeddings: String
    let tokenTypeEmbeddings: String?
    let embeddingNorm: String
    /// MPNet: the `[buckets, heads]` relative attention bias shared by all layers.
    let relativeAttentionBias: String?
    /// Prefix of layer `i`.
    let layer: @Sendable (Int) -> String
    let query: String
    let key: String
    let value: String
    let attentionOutput: String
    let attentionNorm: String
    let up: String
    let down: String
    let outputNorm: String

    /// BERT's layer layout, shared by RoBERTa and XLM-RoBERTa (which differ in prefix only).
    private static func bertLike(prefixes: [String]) -> WeightNames {
        WeightNames(
            prefixes: prefixes,
            wordEmbeddings: "embeddings.word_embeddings.weight",
            positionEmbeddings: "embeddings.position_embeddings.weight",
            tokenTypeEmbeddings: "embeddings.token_type_embeddings.weight",
            embeddingNorm: "embeddings.LayerNorm",
            relativeAttentionBias: nil,
            layer: { "encoder.layer.\($0)." },
            query: "attention.self.query", key: "attention.self.key", value: "attention.self.value",
            attentionOutput: "attention.output.dense", attentionNorm: "attention.output.LayerNorm",
            up: "intermediate.dense", down: "output.dense", outputNorm: "output.LayerNorm")
    }

    static func table(for architecture: EncoderArchitecture) -> WeightNames {
        switch architecture {
        case .bert:
            return bertLike(prefixes: ["", "bert."])
        case .roberta, .xlmRoberta:
            return bertLike(prefixes: ["", "roberta."])
        case .mpnet:
            return WeightNames(
                prefixes: ["", "mpnet."],
                wordEmbeddings: "embeddings.word_embeddings.weight",
                positionEmbeddings: "embeddings.position_embeddings.weight",
                tokenTypeEmbeddings: nil,
                embeddingNorm: "embeddings.LayerNorm",
                relativeAttentionBias: "encoder.relative_attention_bias.weight",
                layer: { "encoder.layer.\($0)." },
                query: "attention.attn.q", key: "attention.attn.k", value: "attention.attn.v",
                attentionOutput: "attention.attn.o", attentionNorm: "attention.LayerNorm",
                up: "intermediate.dense", down: "output.dense", outputNorm: "output.LayerNorm")
        case .distilbert:
            return WeightNames(
                prefixes: ["", "distilbert."],
                wordEmbeddings: "embeddings.word_embeddings.weight",
                positionEmbeddings: "embeddings.position_embeddings.weight",
                tokenTypeEmbeddings: nil,
                embeddingNorm: "embeddings.LayerNorm",
                relativeAttentionBias: nil,
                layer: { "transformer.layer.\($0)." },
                query: "attention.q_lin", key: "attention.k_lin", value: "attention.v_lin",
                attentionOutput: "attention.out_lin", attentionNorm: "sa_layer_norm",
                up: "ffn.lin1", down: "ffn.lin2", outputNorm: "output_layer_norm")
        }
    }
}
