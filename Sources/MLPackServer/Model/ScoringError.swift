/// An error the server answers with MLflow's error JSON:
/// `{"error_code": …, "message": …[, "sqlstate": …, "error_class": …]}`, never with a stack trace
/// and never with the request payload.
///
/// Models throw these from ``ScoringModel/invoke(_:)``; the server throws them for its own checks.
public struct ScoringError: Error, CustomStringConvertible, Sendable, Equatable {
    /// MLflow's `error_code` (a `databricks_pb2.ErrorCode` name), e.g. `BAD_REQUEST`.
    public var errorCode: String
    /// The human-readable message.
    public var message: String
    /// MLflow 3's `sqlstate` (`KAM00`, `KAM01`, `XXM00`), or `nil` to leave it out.
    public var sqlstate: String?
    /// MLflow 3's `error_class`, or `nil` to leave it out.
    public var errorClass: String?
    /// The HTTP status.
    public var status: Int
    /// Seconds for a `Retry-After` header (503 answers).
    public var retryAfterSeconds: Int?

    public init(
        errorCode: String, message: String, sqlstate: String? = nil, errorClass: String? = nil,
        status: Int? = nil, retryAfterSeconds: Int? = nil
    ) {
        self.errorCode = errorCode
        self.message = message
        self.sqlstate = sqlstate
        self.errorClass = errorClass
        self.status = status ?? ScoringError.httpStatus(forErrorCode: errorCode)
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(status) \(errorCode): \(message)" }

    // MARK: MLflow's errors

    /// `BAD_REQUEST` (400, KAM00/INVALID_PARAMETER_VALUE): what MLflow raises for unparseable bodies.
    public static func badRequest(_ message: String) -> ScoringError {
        ScoringError(
            errorCode: "BAD_REQUEST", message: message, sqlstate: "KAM00",
            errorClass: "INVALID_PARAMETER_VALUE")
    }

    /// `INVALID_PARAMETER_VALUE` (400, KAM00): bad params and other invalid values.
    public static func invalidParameterValue(_ message: String) -> ScoringError {
        ScoringError(
            errorCode: "INVALID_PARAMETER_VALUE", message: message, sqlstate: "KAM00",
            errorClass: "INVALID_PARAMETER_VALUE")
    }

    /// `INVALID_PARAMETER_VALUE` (400, KAM01/SCHEMA_ENFORCEMENT_FAILED): input-schema failures.
    public static func schemaEnforcementFailed(_ message: String) -> ScoringError {
        ScoringError(
            errorCode: "INVALID_PARAMETER_VALUE", message: message, sqlstate: "KAM01",
            errorClass: "SCHEMA_ENFORCEMENT_FAILED")
    }

    /// `INTERNAL_ERROR` (500, XXM00/CLIENT_INTERNAL_ERROR).
    public static func internalError(_ message: String) -> ScoringError {
        ScoringError(
            errorCode: "INTERNAL_ERROR", message: message, sqlstate: "XXM00",
            errorClass: "CLIENT_INTERNAL_ERROR")
    }

    /// MLflow's answer when a model fails with an error that is not an MLflow error.
    public static let unexpectedModelError = ScoringError.badRequest(
        "Encountered an unexpected error while evaluating the model. Verify that the serialized "
            + "input Dataframe is compatible with the model for inference.")

    // MARK: mlpack's server limits (no MLflow counterpart; no sqlstate)

    /// 413: the body is over the size cap.
    public static func bodyTooLarge(limit: Int) -> ScoringError {
        ScoringError(
            errorCode: "REQUEST_LIMIT_EXCEEDED",
            message: "The request body is larger than this server's limit of \(limit) bytes (--max-body-bytes).",
            status: 413)
    }

    /// 413: more rows than the per-request row cap.
    public static func tooManyRows(_ rows: Int, limit: Int) -> ScoringError {
        ScoringError(
            errorCode: "REQUEST_LIMIT_EXCEEDED",
            message: "The request has \(rows) rows, more than this server's limit of \(limit) rows per request (--max-rows).",
            status: 413)
    }

    /// 503 with `Retry-After`: the batch queue is full.
    public static func overloaded(retryAfterSeconds: Int) -> ScoringError {
        ScoringError(
            errorCode: "TEMPORARILY_UNAVAILABLE",
            message: "The server is at capacity (its batch queue is full); retry after \(retryAfterSeconds) s.",
            status: 503, retryAfterSeconds: retryAfterSeconds)
    }

    /// 503 with `Retry-After`: the server is draining before shutdown.
    public static let shuttingDown = ScoringError(
        errorCode: "TEMPORARILY_UNAVAILABLE", message: "The server is shutting down.", status: 503,
        retryAfterSeconds: 1)

    /// 504: the model did not answer within the request timeout.
    public static func deadlineExceeded(seconds: Double) -> ScoringError {
        ScoringError(
            errorCode: "DEADLINE_EXCEEDED",
            message: "Request processing time exceeded limit (\(formatSeconds(seconds)) s, --timeout).",
            status: 504)
    }

    /// 408: the client did not send its body within the request timeout.
    public static func bodyTimeout(seconds: Double) -> ScoringError {
        ScoringError(
            errorCode: "REQUEST_TIMEOUT",
            message: "The request body did not arrive within \(formatSeconds(seconds)) s (--timeout).",
            status: 408)
    }

    /// 401: missing or wrong bearer API key.
    public static let unauthenticated = ScoringError(
        errorCode: "UNAUTHENTICATED",
        message: "Missing or invalid API key: send the header 'Authorization: Bearer <key>'.",
        status: 401)

    /// 404: a route this model cannot serve (e.g. `/embed` on a model that does not embed).
    public static func endpointNotFound(_ message: String) -> ScoringError {
        ScoringError(errorCode: "ENDPOINT_NOT_FOUND", message: message, status: 404)
    }

    // MARK: Mapping and encoding

    /// MLflow's `ERROR_CODE_TO_HTTP_STATUS` (mlflow/exceptions.py); unknown codes are 500.
    public static func httpStatus(forErrorCode code: String) -> Int {
        switch code {
        case "INVALID_PARAMETER_VALUE", "BAD_REQUEST", "RESOURCE_ALREADY_EXISTS": return 400
        case "RESOURCE_DOES_NOT_EXIST", "NOT_FOUND", "ENDPOINT_NOT_FOUND": return 404
        case "INTERNAL_ERROR", "INVALID_STATE", "DATA_LOSS": return 500
        case "NOT_IMPLEMENTED": return 501
        case "TEMPORARILY_UNAVAILABLE": return 503
        case "DEADLINE_EXCEEDED": return 504
        case "REQUEST_LIMIT_EXCEEDED", "RESOURCE_EXHAUSTED": return 429
        case "ABORTED", "RESOURCE_CONFLICT", "ALREADY_EXISTS": return 409
        case "PERMISSION_DENIED": return 403
        case "UNAUTHENTICATED", "CUSTOMER_UNAUTHORIZED": return 401
        case "CANCELLED": return 499
        default: return 500
        }
    }

    /// The body, byte for byte as MLflow's `json.dumps` writes it (`", "`/`": "` separators,
    /// non-ASCII escaped).
    public var jsonBody: String {
        var out = "{\"error_code\": " + PythonJSON.quote(errorCode)
        out += ", \"message\": " + PythonJSON.quote(message)
        if let sqlstate { out += ", \"sqlstate\": " + PythonJSON.quote(sqlstate) }
        if let errorClass { out += ", \"error_class\": " + PythonJSON.quote(errorClass) }
        return out + "}"
    }

    private static func formatSeconds(_ seconds: Double) -> String {
        seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int64(seconds)) : String(seconds)
    }
}
