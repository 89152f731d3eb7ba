import MLPackBERT
import MLPackCore
import MLPackTokenizer

/// What the embedding flavors run natively, from the encoder and tokenizer modules' own lists (so
/// `mlpack flavors` and the refusal messages never disagree).
public enum EncoderSupport {
    /// config.json `model_type` values and tokenizer.json `model.type` values run natively.
    public static var capabilities: [FlavorCapability] {
        [
            FlavorCapability(
                key: "architectures", label: "architectures (config.json model_type)",
                values: EncoderArchitecture.supportedModelTypes),
            FlavorCapability(
                key: "tokenizer_types", label: "tokenizers (tokenizer.json model.type; vocab.txt: WordPiece)",
                values: Tokenizers.supportedModelTypes),
        ]
    }
}

extension SentenceTransformer {
    /// The encoder architecture, tokenizer type, embedding width and truncation length, for `mlpack load`.
    public var details: [ModelDetail] {
        let c = encoder.configuration
        let tokenizerType = tokenizer.modelType.rawValue
        return [
            ModelDetail(
                key: "architecture", value: .string(c.architecture.rawValue), label: "encoder",
                text: "\(c.architecture.rawValue) (config.json model_type): \(c.numLayers) layers, hidden \(c.hiddenSize), "
                    + "\(c.numHeads) heads"),
            ModelDetail(
                key: "tokenizer", value: .string(tokenizerType), label: "tokenizer",
                text: "\(tokenizerType), \(tokenizer.vocabularySize) tokens"),
            ModelDetail(key: "dimension", value: .int(Int64(dimension)), label: "dimension", text: "\(dimension)"),
            ModelDetail(
                key: "max_seq_length", value: .int(Int64(maxSeqLength)), label: "max length",
                text: "\(maxSeqLength) tokens"),
        ]
    }
}
