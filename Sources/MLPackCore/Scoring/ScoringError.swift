/// Why a request could not be scored: the one error value of the scoring pipeline.
///
/// Every step that reads, checks or runs a request throws it (content type, body parsing, schema
/// and params enforcement, the model, the server's limits), and both shells render it from the same
/// fields: the server as MLflow's error JSON with ``status`` (see ``jsonBody``), the CLI as
/// `error: <message>` on stderr and exit code 1, and the JSON Lines stream as an error line.
/// Messages keep MLflow's wording (users search for them; the texts live in ``ScoringMessages``)
/// and add where the fault is: the key, the column and the row.
public struct ScoringError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which step refused the request (MLflow's codes and classes follow from it).
    public enum Stage: String, Sendable, Hashable {
        /// The content type (HTTP 415 on the server, usage error in the CLI).
        case contentType = "content_type"
        /// Reading the body and the schema-driven casts (`dataframe_from_parsed_json`, `_cast_schema_type`).
        case parse
        /// `_enforce_schema` (input schema checks).
        case enforceInput = "enforce_input"
        /// `_enforce_params_schema`.
        case enforceParams = "enforce_params"
        /// The model's own `predict`.
        case predict
        /// The server's own limits and state (size caps, queue, deadline, authentication, routes).
        case server
    }

    /// MLflow's `error_code` (a `databricks_pb2.ErrorCode` name), e.g. `BAD_REQUEST`.
    public var errorCode: String
    /// The human-readable message.
    public var message: String
    /// MLflow 3's `sqlstate` (`KAM00`, `KAM01`, `XXM00`), or `nil` to leave it out.
    public var sqlstate: String?
    /// MLflow 3's `error_class`, or `nil` to leave it out.
    public var errorClass: String?
    /// The HTTP status.
    public var httpStatus: Int
    /// Seconds for a `Retry-After` header (503 answers).
    public var retryAfterSeconds: Int?
    public var stage: Stage
    /// The JSON key path at fault, when known.
    public var key: String?
    /// The column (or tensor / parameter name) at fault, when known.
    public var column: String?
    /// The 0-based row at fault (1-based line for CSV / JSON Lines, as the message states), when known.
    public var row: Int?
    /// `true` when MLflow would have accepted the value by silently changing it (truncation,
    /// wrap-around, `"false"` → `True`, ...) and mlpack refuses instead (see docs/compatibility.md).
    public var isDeviation: Bool

    /// A fully specified error.
    public init(
        errorCode: String, message: String, sqlstate: String? = nil, errorClass: String? = nil,
        status: Int? = nil, retryAfterSeconds: Int? = nil, stage: Stage = .server
    ) {
        self.errorCode = errorCode
        self.message = message
        self.sqlstate = sqlstate
        self.errorClass = errorClass
        self.httpStatus = status ?? ScoringError.httpStatus(forErrorCode: errorCode)
        self.retryAfterSeconds = retryAfterSeconds
        self.stage = stage
        self.isDeviation = false
    }

    /// A refusal of the scoring pipeline: MLflow's code, sqlstate and class follow from `stage`
    /// (`BAD_REQUEST`/`KAM00` for parsing, `INVALID_PARAMETER_VALUE`/`KAM01`/`SCHEMA_ENFORCEMENT_FAILED`
    /// for the input schema, `INVALID_PARAMETER_VALUE`/`KAM00` for params).
    public init(
        stage: Stage, _ message: String, key: String? = nil, column: String? = nil, row: Int? = nil,
        isDeviation: Bool = false
    ) {
        switch stage {
        case .contentType:
            self.init(errorCode: "BAD_REQUEST", message: message, status: 415, stage: stage)
        case .parse, .predict, .server:
            self.init(
                errorCode: "BAD_REQUEST", message: message, sqlstate: "KAM00", errorClass: "INVALID_PARAMETER_VALUE",
                stage: stage)
        case .enforceInput:
            self.init(
                errorCode: "INVALID_PARAMETER_VALUE", message: message, sqlstate: "KAM01",
                errorClass: "SCHEMA_ENFORCEMENT_FAILED", stage: stage)
        case .enforceParams:
            self.init(
                errorCode: "INVALID_PARAMETER_VALUE", message: message, sqlstate: "KAM00",
                errorClass: "INVALID_PARAMETER_VALUE", stage: stage)
        }
        self.key = key
        self.column = column
        self.row = row
        self.isDeviation = isDeviation
    }

    public var description: String { message }

    // MARK: MLflow's errors

    /// `BAD_REQUEST` (400, KAM00/INVALID_PARAMETER_VALUE): what MLflow raises for unparseable bodies.
    public static func badRequest(_ message: String) -> ScoringError {
        ScoringError(stage: .parse, message)
    }

    /// `INTERNAL_ERROR` (500, XXM00/CLIENT_INTERNAL_ERROR).
    public static func internalError(_ message: String) -> ScoringError {
        ScoringError(
            errorCode: "INTERNAL_ERROR", message: message, sqlstate: "XXM00", errorClass: "CLIENT_INTERNAL_ERROR")
    }

    /// An error raised by the model's `predict`: bad input the flavor rejects is the client's
    /// fault (400), with the model's message (which names the row and column).
    public static func prediction(_ error: any Error) -> ScoringError {
        if let e = error as? ScoringError { return e }
        return ScoringError(stage: .predict, ScoringMessages.predictionFailed(error))
    }

    // MARK: mlpack's server limits (no MLflow counterpart; no sqlstate)

    /// 413: the body is over the size cap.
    public static func bodyTooLarge(limit: Int) -> ScoringError {
        ScoringError(errorCode: "REQUEST_LIMIT_EXCEEDED", message: ScoringMessages.bodyTooLarge(limit: limit), status: 413)
    }

    /// 413: more rows than the per-request row cap.
    public static func tooManyRows(_ rows: Int, limit: Int) -> ScoringError {
        ScoringError(errorCode: "REQUEST_LIMIT_EXCEEDED", message: ScoringMessages.tooManyRows(rows, limit: limit), status: 413)
    }

    /// 413: a JSON body with more values than the parser reads (``JSONParser/Options/maxValues``).
    public static func tooManyJSONValues(_ error: JSONParseError, key: String? = nil, row: Int? = nil) -> ScoringError {
        var e = ScoringError(errorCode: "REQUEST_LIMIT_EXCEEDED", message: ScoringMessages.tooManyJSONValues(error), status: 413)
        e.key = key
        e.row = row
        return e
    }

    /// 413: a request with more columns than ``RequestParser/maxColumns``.
    public static func tooManyColumns(_ columns: Int?, limit: Int, key: String? = nil) -> ScoringError {
        var e = ScoringError(
            errorCode: "REQUEST_LIMIT_EXCEEDED", message: ScoringMessages.tooManyColumns(columns, limit: limit, at: key), status: 413)
        e.key = key
        return e
    }

    /// 503 with `Retry-After`: the batch queue is full.
    public static func overloaded(retryAfterSeconds: Int) -> ScoringError {
        ScoringError(
            errorCode: "TEMPORARILY_UNAVAILABLE", message: ScoringMessages.overloaded(retryAfterSeconds: retryAfterSeconds),
            status: 503, retryAfterSeconds: retryAfterSeconds)
    }

    /// 503 with `Retry-After`: the server is draining before shutdown.
    public static let shuttingDown = ScoringError(
        errorCode: "TEMPORARILY_UNAVAILABLE", message: ScoringMessages.shuttingDown, status: 503, retryAfterSeconds: 1)

    /// 504: the model did not answer within the request timeout.
    public static func deadlineExceeded(seconds: Double) -> ScoringError {
        ScoringError(errorCode: "DEADLINE_EXCEEDED", message: ScoringMessages.deadlineExceeded(seconds: seconds), status: 504)
    }

    /// 408: the client did not send its body within the request timeout.
    public static func bodyTimeout(seconds: Double) -> ScoringError {
        ScoringError(errorCode: "REQUEST_TIMEOUT", message: ScoringMessages.bodyTimeout(seconds: seconds), status: 408)
    }

    /// 401: missing or wrong bearer API key.
    public static let unauthenticated = ScoringError(
        errorCode: "UNAUTHENTICATED", message: ScoringMessages.unauthenticated, status: 401)

    /// 404: a route this model cannot serve (e.g. `/embed` on a model that does not embed).
    public static func endpointNotFound(_ message: String) -> ScoringError {
        ScoringError(errorCode: "ENDPOINT_NOT_FOUND", message: message, status: 404)
    }

    /// 499: the client went away or the request was cancelled.
    public static let cancelled = ScoringError(errorCode: "CANCELLED", message: ScoringMessages.cancelled, status: 499)

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

    /// `{"error_code": …, "message": …[, "sqlstate": …, "error_class": …]}` as a JSON value.
    public var json: JSONValue {
        var object = JSONObject([("error_code", .string(errorCode)), ("message", .string(message))])
        if let sqlstate { object["sqlstate"] = .string(sqlstate) }
        if let errorClass { object["error_class"] = .string(errorClass) }
        return .object(object)
    }

    /// The body, byte for byte as MLflow's `json.dumps` writes it (`", "`/`": "` separators,
    /// non-ASCII escaped).
    public var jsonBody: String { JSONWriter.python.string(json) }
}
