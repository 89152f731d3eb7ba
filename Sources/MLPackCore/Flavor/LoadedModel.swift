/// A model ready to predict.
///
/// `predict` receives input that already passed the signature's enforcement (see
/// ``SchemaEnforcer``); the model adds its own checks and names the row and column at fault.
/// Implementations must be safe to call from several threads at once.
public protocol LoadedModel: Sendable {
    /// The flavor that loaded it.
    var flavorName: String { get }
    /// The model's signature, when its `MLmodel` has one.
    var signature: ModelSignature? { get }
    /// Runs the model on `input` with the enforced `params`.
    func predict(_ input: ModelInput, params: JSONObject) throws -> PredictionOutput
    /// What the model computes with (``LoadOptions/precision`` and the kernel in use); nil (the
    /// default) for a model without an encoder.
    var computePrecision: ComputePrecision? { get }
    /// What the flavor found in the model (for example its encoder architecture and tokenizer
    /// type), for `mlpack load`; none by default.
    var details: [ModelDetail] { get }
}

extension LoadedModel {
    public var computePrecision: ComputePrecision? { nil }
    public var details: [ModelDetail] { [] }
}

/// One fact about a loaded model (``LoadedModel/details``), for `mlpack load`.
public struct ModelDetail: Sendable, Hashable {
    /// The key in `mlpack load --json`'s `model_details` object (for example `architecture`).
    public var key: String
    /// The value in JSON.
    public var value: JSONValue
    /// The text listing's label (at most 10 characters: for example `encoder`).
    public var label: String
    /// The text listing's line (for example "mpnet (config.json model_type), 12 layers").
    public var text: String

    public init(key: String, value: JSONValue, label: String, text: String) {
        self.key = key
        self.value = value
        self.label = label
        self.text = text
    }
}

/// A model that can run several requests' inputs in one call (the server's dynamic batching):
/// `predictBatch(inputs)[i]` must equal `predict(inputs[i])`.
public protocol BatchPredictingModel: LoadedModel {
    func predictBatch(_ inputs: [ModelInput], params: JSONObject) throws -> [Result<PredictionOutput, any Error>]
}

/// A model that embeds sentences (the server's `POST /embed`).
public protocol SentenceEmbeddingModel: LoadedModel {
    /// One vector per text, in order.
    func embed(_ texts: [String]) throws -> [[Float]]
}

/// A model that scores sentence pairs (the server's `POST /similarity`).
public protocol SentencePairScoringModel: LoadedModel {
    /// One score per pair (`first[i]`, `second[i]`), in order.
    func scorePairs(_ first: [String], _ second: [String]) throws -> [Double]
}
