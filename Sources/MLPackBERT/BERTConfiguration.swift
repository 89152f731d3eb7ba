import Foundation

/// The hyper-parameters of a BERT encoder (`config.json`), validated.
public struct BERTConfiguration: Sendable, Equatable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var numLayers: Int
    public var numHeads: Int
    public var intermediateSize: Int
    public var maxPositionEmbeddings: Int
    public var typeVocabSize: Int
    public var layerNormEps: Float
    /// Feed-forward activation: exact-erf `gelu` or `relu`.
    public var activation: Activation

    public enum Activation: String, Sendable { case gelu, relu }

    /// Size of one attention head.
    public var headSize: Int { hiddenSize / numHeads }

    public init(
        vocabSize: Int, hiddenSize: Int, numLayers: Int, numHeads: Int, intermediateSize: Int,
        maxPositionEmbeddings: Int, typeVocabSize: Int, layerNormEps: Float, activation: Activation = .gelu
    ) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.numHeads = numHeads
        self.intermediateSize = intermediateSize
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.typeVocabSize = typeVocabSize
        self.layerNormEps = layerNormEps
        self.activation = activation
    }

    /// Reads and validates `config.json`.
    public init(url: URL) throws {
        try self.init(json: JSONFile(url: url))
    }

    init(json: JSONFile) throws {
        let file = json.name
        let modelType = try json.string("model_type", default: "bert")
        guard modelType == "bert" else {
            throw BERTError.unsupported(file: file, key: "model_type", value: modelType)
        }
        let position = try json.string("position_embedding_type", default: "absolute")
        guard position == "absolute" else {
            throw BERTError.unsupported(file: file, key: "position_embedding_type", value: position)
        }
        vocabSize = try json.int("vocab_size", in: 1...10_000_000)
        hiddenSize = try json.int("hidden_size", in: 1...16_384)
        numLayers = try json.int("num_hidden_layers", in: 1...512)
        numHeads = try json.int("num_attention_heads", in: 1...1024)
        guard hiddenSize % numHeads == 0 else {
            throw BERTError.invalidValue(
                file: file, key: "num_attention_heads",
                expected: "a divisor of hidden_size \(hiddenSize), found \(numHeads)")
        }
        intermediateSize = try json.int("intermediate_size", in: 1...262_144)
        maxPositionEmbeddings = try json.int("max_position_embeddings", in: 2...1_048_576)
        typeVocabSize = try json.int("type_vocab_size", in: 1...1024, default: 2)
        let eps = try json.double("layer_norm_eps", default: 1e-12)
        guard eps > 0, eps < 1 else {
            throw BERTError.invalidValue(file: file, key: "layer_norm_eps", expected: "a number in (0, 1), found \(eps)")
        }
        layerNormEps = Float(eps)
        let act = try json.string("hidden_act", default: "gelu")
        guard let a = Activation(rawValue: act) else {
            throw BERTError.unsupported(file: file, key: "hidden_act", value: act)
        }
        activation = a
    }
}
