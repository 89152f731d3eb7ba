import MLPackCore
import Metrics

/// The ``ScoringModel`` of a model loaded through the flavor registry: each `/invocations` body
/// goes through MLPackCore's ``ModelScorer`` steps (parse, enforce the signature, predict, build
/// MLflow's response body), as `mlpack predict` does.
///
/// When the model can predict several inputs in one call (``BatchPredictingModel``), concurrent
/// requests without `params` are enforced one by one, then predicted together by a
/// ``DynamicBatcher`` (one batcher row is one request's enforced input); requests with `params`
/// are predicted alone, since a batch call takes one `params` object.
public struct LoadedModelScoring: ScoringModel {
    public let name: String
    public let scorer: ModelScorer
    private let batcher: DynamicBatcher<ModelInput, Result<PredictionOutput, any Error>>?

    /// - Parameters:
    ///   - batching: limits of the batcher (its `maxBatchSize` counts requests here).
    ///   - metricsFactory: where the batcher reports (``ScoringServer/metricsFactory(for:)``).
    public init(
        model: any LoadedModel, name: String, parser: RequestParser = RequestParser(),
        batching: DynamicBatcher<ModelInput, Result<PredictionOutput, any Error>>.Configuration? = nil,
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.name = name
        scorer = ModelScorer(model: model, parser: parser)
        if let batching, let batchModel = model as? any BatchPredictingModel {
            batcher = DynamicBatcher(
                name: "invocations", configuration: batching,
                metricsFactory: metricsFactory
            ) { inputs in
                try batchModel.predictBatch(inputs, params: JSONObject())
            }
        } else {
            batcher = nil
        }
    }

    public func invoke(_ request: InvocationRequest) async throws -> InvocationResponse {
        let contentType: RequestContentType = request.contentType == .json ? .json : .csv
        let scorer = self.scorer
        let enforced: EnforcedInput
        do {
            enforced = try SchemaEnforcer.enforce(
                body: request.body, contentType: contentType, signature: scorer.model.signature,
                parser: scorer.parser)
        } catch {
            throw ScoringError(ScoringFailure(error))
        }
        for warning in enforced.warnings { request.logger.warning("\(warning)") }
        let output: PredictionOutput
        if let batcher, enforced.params.isEmpty {
            let results = try await batcher.submit([enforced.input])
            guard let first = results.first else {
                throw ScoringError.internalError("The model returned no output.")
            }
            do {
                output = try first.get()
            } catch {
                throw ScoringError(ScoringFailure(predictionError: error))
            }
        } else {
            do {
                output = try scorer.model.predict(enforced.input, params: enforced.params)
            } catch {
                throw ScoringError(ScoringFailure(predictionError: error))
            }
        }
        let body = PredictionOutput.responseBody(for: output, wrapped: enforced.wrapsPredictions)
        return InvocationResponse(json: Array(JSONWriter.python.string(body).utf8), framing: .unwrapped)
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
