import Foundation
import Logging
import MLPackCore
import Metrics

/// The server's view of a model loaded through the flavor registry: `/invocations` runs core's
/// ``ModelScorer`` (parse, enforce, predict), and concurrent requests are predicted together
/// through a ``DynamicBatcher`` when the model batches (``BatchPredictingModel``).
public class LoadedScoringModel: ScoringModel, @unchecked Sendable {
    public let name: String
    let model: any LoadedModel
    let scorer: ModelScorer
    private let batcher: DynamicBatcher<EnforcedInput, Result<PredictionOutput, ScoringFailure>>?

    /// Wraps `model`; `configuration` sizes the batching of `/invocations` requests (one queued
    /// item per request) and the parser's limits; `metricsFactory` receives the batcher's metrics.
    public init(
        name: String, model: any LoadedModel, configuration: ScoringServerConfiguration,
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.name = name
        self.model = model
        self.scorer = ModelScorer(
            model: model,
            parser: RequestParser(
                maxBodyBytes: configuration.maxBodyBytes,
                jsonOptions: .init(maxDepth: configuration.maxJSONDepth, maxInputBytes: configuration.maxBodyBytes)))
        if let batching = model as? any BatchPredictingModel {
            batcher = DynamicBatcher(
                name: "invocations", configuration: configuration.batcherConfiguration(), metricsFactory: metricsFactory
            ) { items in
                Self.predictTogether(batching, items)
            }
        } else {
            batcher = nil
        }
    }

    /// The right wrapper for `model`: with `/embed` or `/similarity` when the model can do them.
    public static func make(
        name: String, model: any LoadedModel, configuration: ScoringServerConfiguration,
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) -> LoadedScoringModel {
        if model is any SentencePairScoringModel {
            return SimilarityScoringModel(name: name, model: model, configuration: configuration, metricsFactory: metricsFactory)
        }
        if model is any SentenceEmbeddingModel {
            return EmbeddingScoringModel(name: name, model: model, configuration: configuration, metricsFactory: metricsFactory)
        }
        return LoadedScoringModel(name: name, model: model, configuration: configuration, metricsFactory: metricsFactory)
    }

    public func invoke(_ request: InvocationRequest) async throws -> InvocationResponse {
        let contentType: RequestContentType = request.contentType == .csv ? .csv : .json
        let enforced: EnforcedInput
        do {
            enforced = try scorer.enforce(body: request.body, contentType: contentType)
        } catch {
            throw ScoringError(error)
        }
        for warning in enforced.warnings { request.logger.warning("\(warning)") }
        let output: PredictionOutput
        if let batcher {
            let results = try await batcher.submit([enforced])
            guard let result = results.first else { throw ScoringError.internalError("the batch returned no result") }
            do { output = try result.get() } catch { throw Self.scoringError(error) }
        } else {
            do { output = try scorer.predict(enforced).output } catch { throw Self.scoringError(error) }
        }
        let text = JSONWriter.python.string(output.json)
        return enforced.wrapsPredictions ? .predictions(text) : .unwrapped(text)
    }

    /// Runs queued requests: one `predictBatch` per group of requests with the same params.
    static func predictTogether(
        _ model: any BatchPredictingModel, _ items: [EnforcedInput]
    ) -> [Result<PredictionOutput, ScoringFailure>] {
        var results = [Result<PredictionOutput, ScoringFailure>?](repeating: nil, count: items.count)
        var groups: [JSONObject: [Int]] = [:]
        for (i, item) in items.enumerated() { groups[item.params, default: []].append(i) }
        for (params, indices) in groups {
            do {
                let outputs = try model.predictBatch(indices.map { items[$0].input }, params: params)
                for (index, output) in zip(indices, outputs) {
                    results[index] = output.mapError { ScoringFailure(predictionError: $0) }
                }
            } catch {
                for index in indices { results[index] = .failure(ScoringFailure(predictionError: error)) }
            }
        }
        return results.map { $0 ?? .failure(ScoringFailure(code: .internalError, message: "no result", httpStatus: 500)) }
    }

    static func scoringError(_ failure: ScoringFailure) -> ScoringError { ScoringError(failure) }

    static func scoringError(_ error: any Error) -> ScoringError {
        if let failure = error as? ScoringFailure { return ScoringError(failure) }
        if let e = error as? ScoringError { return e }
        return ScoringError(ScoringFailure(predictionError: error))
    }
}

/// A sentence-transformers model: `/invocations` plus `POST /embed`.
final class EmbeddingScoringModel: LoadedScoringModel, EmbeddingScoring, @unchecked Sendable {
    func embed(_ texts: [String]) async throws -> [[Float]] {
        guard let model = model as? any SentenceEmbeddingModel else { throw ScoringError.internalError("not an embedding model") }
        do { return try model.embed(texts) } catch { throw Self.scoringError(error) }
    }
}

/// A similarity model: `/invocations` plus `POST /similarity`.
final class SimilarityScoringModel: LoadedScoringModel, SimilarityScoring, @unchecked Sendable {
    func similarity(_ pairs: [SentencePair]) async throws -> [Double] {
        guard let model = model as? any SentencePairScoringModel else { throw ScoringError.internalError("not a similarity model") }
        do { return try model.scorePairs(pairs.map(\.first), pairs.map(\.second)) } catch { throw Self.scoringError(error) }
    }
}

extension ScoringError {
    /// MLPackCore's scoring failure as the server's error (same code, message, sqlstate, class, status).
    public init(_ failure: ScoringFailure) {
        self.init(
            errorCode: failure.code.rawValue, message: failure.message, sqlstate: failure.sqlState,
            errorClass: failure.errorClass, status: failure.httpStatus)
    }
}
