import Foundation

/// The transformer encoders `MLPackBERT` runs (config.json `model_type`). They share one code path
/// (embeddings → LayerNorm → post-norm layers of attention and feed-forward); what differs is
/// described by ``BERTConfiguration`` (position ids, token types, relative attention bias,
/// LayerNorm eps) and by each architecture's table of weight names (``WeightNames``).
public enum EncoderArchitecture: String, Sendable, CaseIterable {
    case bert
    case roberta
    case xlmRoberta = "xlm-roberta"
    case mpnet
    case distilbert

    /// The `model_type` values accepted, in the order error messages list them.
    public static var supportedModelTypes: [String] { allCases.map(\.rawValue) }
}

/// The hyper-parameters of an encoder (`config.json`), validated.
public struct BERTConfiguration: Sendable, Equatable {
    public var architecture: EncoderArchitecture
    public var vocabSize: Int
    public var hiddenSize: Int
    public var numLayers: Int
    public var numHeads: Int
    public var intermediateSize: Int
    public var maxPositionEmbeddings: Int
    /// Rows of the token-type table; 0 when the architecture has none (MPNet, DistilBERT).
    public var typeVocabSize: Int
    public var layerNormEps: Float
    /// Feed-forward activation: exact-erf `gelu` or `relu`.
    public var activation: Activation
    /// RoBERTa, XLM-RoBERTa and MPNet: the padding id. Position ids then start at
    /// `paddingIndex + 1` and count only tokens that are not this id (a token equal to it gets
    /// position `paddingIndex`), as `create_position_ids_from_input_ids` does. `nil`: positions
    /// `0..<n` (BERT, DistilBERT).
    public var paddingIndex: Int?
    /// MPNet: rows of the relative attention bias table (`relative_attention_num_buckets`);
    /// `nil` for architectures without relative attention bias.
    public var relativeAttentionBuckets: Int?
    /// DistilBERT `sinusoidal_pos_embds`: the position table is the fixed sinusoidal one (used when
    /// the weights file does not carry it).
    public var sinusoidalPositions: Bool

    public enum Activation: String, Sendable { case gelu, relu }

    /// Size of one attention head.
    public var headSize: Int { hiddenSize / numHeads }

    /// Longest sequence in tokens (including special tokens) the position table covers.
    public var maxSequenceLength: Int {
        maxPositionEmbeddings - (paddingIndex.map { $0 + 1 } ?? 0)
    }

    /// Buckets MPNet's attention uses: `MPNetEncoder.compute_position_bias` always passes 32,
    /// whatever `relative_attention_num_buckets` says (the table needs at least that many rows).
    public static let mpnetBucketCount = 32
    /// `max_distance` of MPNet's `relative_position_bucket`.
    public static let mpnetMaxDistance = 128

    public init(
        vocabSize: Int, hiddenSize: Int, numLayers: Int, numHeads: Int, intermediateSize: Int,
        maxPositionEmbeddings: Int, typeVocabSize: Int, layerNormEps: Float, activation: Activation = .gelu,
        architecture: EncoderArchitecture = .bert, paddingIndex: Int? = nil, relativeAttentionBuckets: Int? = nil,
        sinusoidalPositions: Bool = false
    ) {
        self.architecture = architecture
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.numHeads = numHeads
        self.intermediateSize = intermediateSize
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.typeVocabSize = typeVocabSize
        self.layerNormEps = layerNormEps
        self.activation = activation
        self.paddingIndex = paddingIndex
        self.relativeAttentionBuckets = relativeAttentionBuckets
        self.sinusoidalPositions = sinusoidalPositions
    }

    /// Reads and validates `config.json`.
    public init(url: URL) throws {
        try self.init(json: JSONFile(url: url))
    }

    init(json: JSONFile) throws {
        let file = json.name
        let modelType = try json.string("model_type", default: "bert")
        guard let arch = EncoderArchitecture(rawValue: modelType) else {
            throw BERTError.unsupportedArchitecture(
                file: file, modelType: modelType, supported: EncoderArchitecture.supportedModelTypes)
        }
        architecture = arch
        // DistilBERT names its hyper-parameters differently (its config's attribute_map).
        let keys: (hidden: String, layers: String, heads: String, ffn: String, act: String) =
            arch == .distilbert
            ? ("dim", "n_layers", "n_heads", "hidden_dim", "activation")
            : ("hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "hidden_act")
        if arch != .distilbert {
            let position = try json.string("position_embedding_type", default: "absolute")
            guard position == "absolute" else {
                throw BERTError.unsupported(file: file, key: "position_embedding_type", value: position)
            }
        }
        vocabSize = try json.int("vocab_size", in: 1...10_000_000)
        hiddenSize = try json.int(keys.hidden, in: 1...16_384)
        numLayers = try json.int(keys.layers, in: 1...512)
        numHeads = try json.int(keys.heads, in: 1...1024)
        guard hiddenSize % numHeads == 0 else {
            throw BERTError.invalidValue(
                file: file, key: keys.heads,
                expected: "a divisor of \(keys.hidden) \(hiddenSize), found \(numHeads)")
        }
        intermediateSize = try json.int(keys.ffn, in: 1...262_144)
        maxPositionEmbeddings = try json.int("max_position_embeddings", in: 2...1_048_576)
        switch arch {
        case .bert:
            typeVocabSize = try json.int("type_vocab_size", in: 1...1024, default: 2)
        case .roberta, .xlmRoberta:
            typeVocabSize = try json.int("type_vocab_size", in: 1...1024, default: 1)
        case .mpnet, .distilbert:
            typeVocabSize = 0
        }
        switch arch {
        case .bert, .roberta, .xlmRoberta, .mpnet:
            let eps = try json.double("layer_norm_eps", default: 1e-12)
            guard eps > 0, eps < 1 else {
                throw BERTError.invalidValue(file: file, key: "layer_norm_eps", expected: "a number in (0, 1), found \(eps)")
            }
            layerNormEps = Float(eps)
        case .distilbert:
            layerNormEps = 1e-12  // fixed in DistilBERT's modules, not read from the config
        }
        let act = try json.string(keys.act, default: "gelu")
        guard let a = Activation(rawValue: act) else {
            throw BERTError.unsupported(file: file, key: keys.act, value: act)
        }
        activation = a
        switch arch {
        case .bert, .distilbert:
            paddingIndex = nil
        case .roberta, .xlmRoberta:
            paddingIndex = try json.int("pad_token_id", in: 0...(vocabSize - 1), default: 1)
        case .mpnet:
            paddingIndex = 1  // MPNetEmbeddings fixes padding_idx = 1 whatever pad_token_id says
        }
        if let pad = paddingIndex, pad + 2 > maxPositionEmbeddings {
            throw BERTError.invalidValue(
                file: file, key: "max_position_embeddings",
                expected: "more than padding index + 1 = \(pad + 1) (positions start after it), found \(maxPositionEmbeddings)")
        }
        if arch == .mpnet {
            let buckets = try json.int("relative_attention_num_buckets", in: 1...4096, default: 32)
            guard buckets >= Self.mpnetBucketCount else {
                throw BERTError.invalidValue(
                    file: file, key: "relative_attention_num_buckets",
                    expected: "at least \(Self.mpnetBucketCount) (MPNet's attention uses 32 buckets), found \(buckets)")
            }
            relativeAttentionBuckets = buckets
        } else {
            relativeAttentionBuckets = nil
        }
        sinusoidalPositions = arch == .distilbert ? try json.bool("sinusoidal_pos_embds", default: false) : false
    }
}
