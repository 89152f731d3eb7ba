import Logging
import MLPackCore
import Metrics

/// The model behind `mlpack serve`: core's ``ScoringPipeline`` (parse → enforce → predict, the
/// same road `mlpack predict` takes), dedicated threads for the model calls, and the batchers that
/// gather concurrent requests into one call.
///
/// Model calls (BLAS, the tokenizer) block their thread for milliseconds to seconds, so they never
/// run on an event loop or on Swift's cooperative pool: they run on ``workers``, one thread per
/// worker (`--workers`), shared by the three batchers; the handlers await them without holding a
/// thread.
public final class ModelService: Sendable {
    /// A short name for logs and messages (the flavor that loaded the model).
    public let name: String
    public let pipeline: ScoringPipeline
    /// The threads that run the model calls.
    let workers: ModelWorkers
    private let invocations: DynamicBatcher<EnforcedInput, Result<ScoringAnswer, ScoringError>>
    private let embedder: DynamicBatcher<String, [Float]>?
    private let pairScorer: DynamicBatcher<SentencePair, Double>?

    /// Starts `configuration.batching.maxConcurrentBatches` worker threads for `model`.
    /// Call ``shutdown()`` when done.
    public init(
        name: String, model: any LoadedModel, configuration: ScoringServerConfiguration,
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.name = name
        pipeline = ScoringPipeline(
            model: model,
            parser: RequestParser(
                maxBodyBytes: configuration.maxBodyBytes,
                jsonOptions: .init(maxDepth: configuration.maxJSONDepth, maxInputBytes: configuration.maxBodyBytes)))
        let workers = ModelWorkers(count: configuration.batching.maxConcurrentBatches)
        self.workers = workers
        let pipeline = self.pipeline
        // Requests are gathered up to maxBatchSize rows per call (a larger request goes alone); a
        // model without batch support still goes through the batcher (one predict per request) so
        // the queue cap and the workers apply.
        invocations = DynamicBatcher(
            name: "invocations", configuration: configuration.batcherConfiguration(), workers: workers,
            metricsFactory: metricsFactory, rows: { $0.input.rowCount }
        ) { inputs in
            pipeline.predict(batch: inputs)
        }
        if let embedding = model as? any SentenceEmbeddingModel {
            embedder = DynamicBatcher(
                name: "embed", configuration: configuration.batcherConfiguration(), workers: workers,
                metricsFactory: metricsFactory
            ) { texts in
                try embedding.embed(texts)
            }
        } else {
            embedder = nil
        }
        if let scoring = model as? any SentencePairScoringModel {
            pairScorer = DynamicBatcher(
                name: "pairs", configuration: configuration.batcherConfiguration(), workers: workers,
                metricsFactory: metricsFactory
            ) { pairs in
                try scoring.scorePairs(pairs.map(\.first), pairs.map(\.second))
            }
        } else {
            pairScorer = nil
        }
    }

    /// Whether the model embeds texts (`POST /embed`).
    public var embeds: Bool { embedder != nil }
    /// Whether the model scores sentence pairs (`POST /similarity`).
    public var scoresPairs: Bool { pairScorer != nil }

    /// Enforces and predicts one parsed `/invocations` request (batched with concurrent ones);
    /// throws ``Deadline/Expired`` once `deadline` passes.
    public func invoke(
        _ request: ScoringRequest, logger: Logger, deadline: ContinuousClock.Instant? = nil
    ) async throws -> ScoringAnswer {
        let enforced = try pipeline.enforce(request)
        for warning in enforced.warnings { logger.warning("\(warning)") }
        let results = try await invocations.submit([enforced], deadline: deadline)
        guard let result = results.first else { throw ScoringError.internalError("the batch returned no result") }
        return try result.get()
    }

    /// Embeds `texts` (batched with concurrent requests); throws ``Deadline/Expired`` once
    /// `deadline` passes.
    public func embed(_ texts: [String], deadline: ContinuousClock.Instant? = nil) async throws -> [[Float]] {
        guard let embedder else { throw ScoringError.endpointNotFound(ScoringMessages.noEmbeddings(model: name)) }
        return try await Self.modelCall { try await embedder.submit(texts, deadline: deadline) }
    }

    /// Scores sentence pairs (batched with concurrent requests); throws ``Deadline/Expired`` once
    /// `deadline` passes.
    public func scorePairs(_ pairs: [SentencePair], deadline: ContinuousClock.Instant? = nil) async throws -> [Double] {
        guard let pairScorer else { throw ScoringError.endpointNotFound(ScoringMessages.noPairScores(model: name)) }
        return try await Self.modelCall { try await pairScorer.submit(pairs, deadline: deadline) }
    }

    /// A model's own error becomes the client's "Failed to predict" answer (as on `/invocations`);
    /// the server's errors (full queue, deadline) and cancellation pass through.
    private static func modelCall<T>(_ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch let error as ScoringError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as Deadline.Expired {
            throw error
        } catch {
            throw ScoringError.prediction(error)
        }
    }

    /// Stops the worker threads once the calls in flight are done.
    public func shutdown() async {
        await workers.shutdown()
    }
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
