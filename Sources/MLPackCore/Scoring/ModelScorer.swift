/// One request through a loaded model, as MLflow's `/invocations` does it: parse the body,
/// enforce the signature, predict, and build the response body. The CLI's `predict` and the
/// server share it, so both answer the same request the same way.
public struct ModelScorer: Sendable {
    public let model: any LoadedModel
    public var parser: RequestParser

    public init(model: any LoadedModel, parser: RequestParser = RequestParser()) {
        self.model = model
        self.parser = parser
    }

    /// A successful answer: the response body and MLflow's warnings (extra columns dropped, …).
    public struct Answer: Sendable {
        /// `{"predictions": …}`, or the bare output for unified-LLM requests.
        public var body: JSONValue
        public var output: PredictionOutput
        public var warnings: [String]
    }

    /// Enforces and predicts one request body. `extraParams` (from the command line) are merged
    /// over the body's `params`.
    public func score(body: [UInt8], contentType: RequestContentType, extraParams: JSONObject? = nil) throws(ScoringFailure) -> Answer {
        try predict(enforce(body: body, contentType: contentType, extraParams: extraParams))
    }

    /// Parses `body` and enforces the model's signature on it, with `extraParams` merged over the
    /// body's `params`; every failure becomes MLflow's error (code, sqlstate, status).
    public func enforce(body: [UInt8], contentType: RequestContentType, extraParams: JSONObject? = nil) throws(ScoringFailure) -> EnforcedInput {
        do {
            guard let extraParams else {
                return try SchemaEnforcer.enforce(body: body, contentType: contentType, signature: model.signature, parser: parser)
            }
            var request = try parser.parse(body, contentType: contentType)
            var params = request.params ?? JSONObject()
            for (k, v) in extraParams { params[k] = v }
            request.params = params
            return try SchemaEnforcer.enforce(request, signature: model.signature)
        } catch let e as EnforcementError {
            throw ScoringFailure(e)
        } catch let e as RequestError {
            throw ScoringFailure(EnforcementError(stage: .parse, e.message, column: e.column, row: e.row))
        } catch {
            throw ScoringFailure(code: .badRequest, message: "\(error)")
        }
    }

    /// Predicts an already-enforced input.
    public func predict(_ enforced: EnforcedInput) throws(ScoringFailure) -> Answer {
        do {
            let output = try model.predict(enforced.input, params: enforced.params)
            return Answer(body: PredictionOutput.responseBody(for: output, wrapped: enforced.wrapsPredictions), output: output, warnings: enforced.warnings)
        } catch {
            throw ScoringFailure(predictionError: error)
        }
    }
}

/// Why a request could not be scored, with what MLflow's server puts in its error body.
public struct ScoringFailure: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case badRequest = "BAD_REQUEST"
        case invalidParameterValue = "INVALID_PARAMETER_VALUE"
        case internalError = "INTERNAL_ERROR"
    }

    public var code: Code
    public var message: String
    /// `KAM01` for input-schema failures, `KAM00` otherwise (MLflow 3.x).
    public var sqlState: String
    public var errorClass: String
    public var httpStatus: Int

    public init(code: Code, message: String, sqlState: String = "KAM00", errorClass: String = "INVALID_PARAMETER_VALUE", httpStatus: Int = 400) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.errorClass = errorClass
        self.httpStatus = httpStatus
    }

    public init(_ error: EnforcementError) {
        self.init(
            code: Code(rawValue: error.code.rawValue) ?? .invalidParameterValue, message: error.message,
            sqlState: error.sqlState, errorClass: error.errorClass, httpStatus: error.httpStatus)
    }

    /// An error raised by the model: bad input the flavor rejects is the client's fault (400).
    public init(predictionError error: any Error) {
        self.init(code: .badRequest, message: "Failed to predict: \(error)")
    }

    public var description: String { message }

    /// `{"error_code": …, "message": …, "sqlstate": …, "error_class": …}`.
    public var json: JSONValue {
        .object(JSONObject([
            ("error_code", .string(code.rawValue)), ("message", .string(message)),
            ("sqlstate", .string(sqlState)), ("error_class", .string(errorClass)),
        ]))
    }
}
