import Logging

/// What the scoring server needs from a loaded model: the seam between HTTP and the flavors.
///
/// The server owns everything HTTP (routes, content types, limits, authentication, error bodies)
/// and hands each `/invocations` request that passed those checks to ``invoke(_:)``. The model
/// side (the flavor registry's adapter) parses the body into the model's input, enforces the
/// signature, predicts and serialises the predictions.
///
/// Optional capabilities add mlpack's own routes: ``EmbeddingScoring`` enables `POST /embed`,
/// ``SimilarityScoring`` enables `POST /similarity`. Both are batch entry points: the server
/// queues concurrent requests in a ``DynamicBatcher`` and calls them with many rows at once.
public protocol ScoringModel: Sendable {
    /// A short name for logs and metrics, e.g. `"similarity"` or the model directory's name.
    var name: String { get }

    /// Runs one `/invocations` request.
    ///
    /// Throw a ``ScoringError`` for anything the client can fix (bad body, schema violation,
    /// bad params); it becomes MLflow's error JSON with its status. Any other error becomes
    /// MLflow's generic 400 "Encountered an unexpected error while evaluating the model" and is
    /// logged with the request id, never sent to the client.
    func invoke(_ request: InvocationRequest) async throws -> InvocationResponse
}

/// A model that turns texts into embedding vectors (enables `POST /embed`).
public protocol EmbeddingScoring: ScoringModel {
    /// Embeds `texts` in one call; returns one vector per text, in order.
    func embed(_ texts: [String]) async throws -> [[Float]]
}

/// A model that scores sentence pairs (enables `POST /similarity`).
public protocol SimilarityScoring: ScoringModel {
    /// Scores every pair in one call; returns one score per pair, in order.
    func similarity(_ pairs: [SentencePair]) async throws -> [Double]
}

/// Two sentences to compare.
public struct SentencePair: Sendable, Hashable {
    public var first: String
    public var second: String

    public init(_ first: String, _ second: String) {
        self.first = first
        self.second = second
    }
}
