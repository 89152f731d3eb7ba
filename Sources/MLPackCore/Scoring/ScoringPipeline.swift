/// The one road a scoring request takes through core, whichever shell it entered by (`mlpack
/// predict`, its JSON Lines stream, `POST /invocations`): parse the body once (a CSV body typed by
/// the signature), merge the caller's params over the body's, enforce the signature and the params,
/// predict, and write MLflow's answer. Every failure is a ``ScoringError``.
public struct ScoringPipeline: Sendable {
    public let model: any LoadedModel
    public var parser: RequestParser

    public init(model: any LoadedModel, parser: RequestParser = RequestParser()) {
        self.model = model
        self.parser = parser
    }

    /// Parses `body`: the one JSON / CSV / JSON Lines read of the request.
    public func parse(_ body: [UInt8], contentType: RequestContentType) throws(ScoringError) -> ScoringRequest {
        try parser.parse(body, contentType: contentType, schema: model.signature?.inputs)
    }

    /// Enforces the model's signature on a parsed request, with `extraParams` (from the command
    /// line) merged over the body's `params`.
    public func enforce(_ request: ScoringRequest, extraParams: JSONObject? = nil) throws(ScoringError) -> EnforcedInput {
        var request = request
        if let extraParams {
            var params = request.params ?? JSONObject()
            for (k, v) in extraParams { params[k] = v }
            request.params = params
        }
        return try SchemaEnforcer.enforce(request, signature: model.signature)
    }

    /// Parses and enforces line `number` of a JSON Lines stream (errors name that line).
    public func enforce(jsonLine line: ArraySlice<UInt8>, number: Int, extraParams: JSONObject? = nil)
        throws(ScoringError) -> EnforcedInput
    {
        try enforce(parser.jsonLinesRecord(line, number: number), extraParams: extraParams)
    }

    /// Parses and enforces one body.
    public func enforce(body: [UInt8], contentType: RequestContentType, extraParams: JSONObject? = nil)
        throws(ScoringError) -> EnforcedInput
    {
        try enforce(parse(body, contentType: contentType), extraParams: extraParams)
    }

    /// Predicts one enforced input.
    public func predict(_ enforced: EnforcedInput) throws(ScoringError) -> ScoringAnswer {
        do {
            let output = try model.predict(enforced.input, params: enforced.params)
            return ScoringAnswer(output: output, wrapsPredictions: enforced.wrapsPredictions, warnings: enforced.warnings)
        } catch {
            throw ScoringError.prediction(error)
        }
    }

    /// Predicts several enforced inputs: one `predictBatch` per group of inputs with the same
    /// params when the model batches, else one `predict` each. `result[i]` answers `inputs[i]`.
    public func predict(batch inputs: [EnforcedInput]) -> [Result<ScoringAnswer, ScoringError>] {
        guard let batching = model as? any BatchPredictingModel, inputs.count > 1 else {
            return inputs.map { input in Result { () throws(ScoringError) in try predict(input) } }
        }
        var results = [Result<ScoringAnswer, ScoringError>?](repeating: nil, count: inputs.count)
        var groups: [JSONObject: [Int]] = [:]
        var order: [JSONObject] = []
        for (i, input) in inputs.enumerated() {
            if groups[input.params] == nil { order.append(input.params) }
            groups[input.params, default: []].append(i)
        }
        for params in order {
            let indices = groups[params] ?? []
            do {
                let outputs = try batching.predictBatch(indices.map { inputs[$0].input }, params: params)
                for (n, index) in indices.enumerated() {
                    let input = inputs[index]
                    guard n < outputs.count else {
                        results[index] = .failure(.internalError("the model returned \(outputs.count) outputs for \(indices.count) inputs"))
                        continue
                    }
                    results[index] = outputs[n]
                        .map { ScoringAnswer(output: $0, wrapsPredictions: input.wrapsPredictions, warnings: input.warnings) }
                        .mapError { ScoringError.prediction($0) }
                }
            } catch {
                for index in indices { results[index] = .failure(.prediction(error)) }
            }
        }
        return results.map { $0 ?? .failure(.internalError("no result")) }
    }

    /// Parses, enforces and predicts one body.
    public func score(body: [UInt8], contentType: RequestContentType, extraParams: JSONObject? = nil) throws(ScoringError)
        -> ScoringAnswer
    {
        try predict(enforce(body: body, contentType: contentType, extraParams: extraParams))
    }
}

/// A successful answer: the model's output, how MLflow frames it, and MLflow's warnings (extra
/// columns dropped, unknown params ignored, …).
public struct ScoringAnswer: Sendable {
    public var output: PredictionOutput
    /// `false` for unified-LLM requests: the body is the bare output, not `{"predictions": …}`.
    public var wrapsPredictions: Bool
    public var warnings: [String]

    public init(output: PredictionOutput, wrapsPredictions: Bool = true, warnings: [String] = []) {
        self.output = output
        self.wrapsPredictions = wrapsPredictions
        self.warnings = warnings
    }

    /// The response body as a JSON value: `{"predictions": …}`, or the bare output.
    public var json: JSONValue {
        wrapsPredictions ? .object(JSONObject([("predictions", output.json)])) : output.json
    }

    /// The response body, written as MLflow's server writes it (`json.dumps`).
    public var body: String { String(decoding: bodyBytes, as: UTF8.self) }

    /// ``body`` as UTF-8 bytes (what the server sends and `predict` writes). A tensor is written
    /// straight from its storage (the same text as writing ``json``).
    public var bodyBytes: [UInt8] {
        guard case .tensor(let tensor) = output else { return JSONWriter.python.lenientBytes(json) }
        var out: [UInt8] = []
        out.reserveCapacity(tensor.count * 22 + 20)
        if wrapsPredictions { out.append(contentsOf: #"{"predictions": "#.utf8) }
        JSONWriter.python.appendLenient(tensor, into: &out)
        if wrapsPredictions { out.append(UInt8(ascii: "}")) }
        return out
    }
}
