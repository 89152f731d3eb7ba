/// The texts of the scoring pipeline's errors, in one table: MLflow's wording where MLflow has a
/// message (`mlflow/pyfunc/scoring_server/__init__.py`, `mlflow/utils/proto_json_utils.py`), mlpack's
/// where it adds a check. The CLI and the server both take their texts from here, so the same
/// body is refused with the same words whichever shell it entered by.
public enum ScoringMessages {
    /// The four standard format keys in the order MLflow 3.17 prints its set (`PYTHONHASHSEED=0`).
    public static let formatKeysRepr = "{'dataframe_records', 'dataframe_split', 'instances', 'inputs'}"

    /// "The input must be a JSON dictionary with exactly one of the input fields {…}".
    public static let requiredInputFormat =
        "The input must be a JSON dictionary with exactly one of the input fields \(formatKeysRepr)"

    /// MLflow's "scoring protocol changed in 2.0" paragraph, appended to several errors.
    public static let scoringProtocolChangeInfo =
        "IMPORTANT: The MLflow Model scoring protocol has changed in MLflow version 2.0. If you are"
        + " seeing this error, you are likely using an outdated scoring request format. To resolve the"
        + " error, either update your request format or adjust your MLflow Model's requirements file to"
        + " specify an older version of MLflow (for example, change the 'mlflow' requirement specifier"
        + " to 'mlflow==1.30.0'). If you are making a request using the MLflow client"
        + " (e.g. via `mlflow.pyfunc.spark_udf()`), upgrade your MLflow client to a version >= 2.0 in"
        + " order to use the new request format. For more information about the updated MLflow"
        + " Model scoring protocol in MLflow 2.0, see"
        + " https://mlflow.org/docs/latest/models.html#deploy-mlflow-models."

    /// The prefix of every JSON syntax error.
    public static let invalidJSONPrefix = "Invalid input. Ensure that input is a valid JSON formatted string."

    /// A body that is not JSON: MLflow quotes Python's `JSONDecodeError` (never the payload).
    public static func invalidJSON(_ error: JSONParseError) -> String {
        if error.isDepthLimit { return "Invalid input. \(error.pythonMessage) (--max-json-depth)." }
        return "\(invalidJSONPrefix) Error: 'JSONDecodeError('\(error.pythonMessage)')'"
    }

    /// A JSON body that is not valid UTF-8, with Python's codec reason.
    public static func invalidJSONEncoding(_ failure: UTF8Check.Failure) -> String {
        "\(invalidJSONPrefix) Error: '\(failure.description)'"
    }

    /// A top-level JSON value that is not an object.
    public static func notADictionary(_ value: JSONValue) -> String {
        if value.arrayValue != nil { return "Invalid input. \(requiredInputFormat). Received a list." }
        return "Invalid input. \(requiredInputFormat). Received unexpected input type '\(pythonClassRepr(value))."
    }

    /// An object without exactly one of the four format keys.
    public static func wrongFormatKeys(_ given: [String]) -> String {
        "\(requiredInputFormat). Received dictionary with input fields: [\(given.map { "'\($0)'" }.joined(separator: ", "))]. "
            + scoringProtocolChangeInfo
    }

    /// `params` that is not an object.
    public static func paramsNotADictionary(_ value: JSONValue) -> String {
        "Parameters must be a dictionary. Got type '\(value.pythonTypeName)'."
    }

    /// The prefix of every CSV error (MLflow's `parse_csv_input`).
    public static let csvPrefix =
        "Failed to parse input as a Pandas DataFrame. Ensure that the input is a valid CSV-formatted Pandas DataFrame produced using the `pandas.DataFrame.to_csv()` method. Error: "

    /// A CSV failure with pandas' (or mlpack's) detail, quoted as MLflow quotes the exception.
    public static func csv(_ detail: String) -> String { csvPrefix + "'\(detail)'" }

    /// A CSV body for a tensor-based signature, which MLflow cannot read.
    public static let csvForTensorSignature =
        csv("TensorSpec only supports numpy types, use numpy_types() instead")
        + " (MLflow cannot read CSV for a tensor-based signature; send JSON)"

    /// MLflow's answer when a model fails with an error that is not an MLflow error (the server
    /// logs the model's own message with the request id; the client gets this).
    public static let unexpectedModelError =
        "Encountered an unexpected error while evaluating the model. Verify that the serialized "
        + "input Dataframe is compatible with the model for inference."

    /// A model's refusal of its (already enforced) input.
    public static func predictionFailed(_ error: any Error) -> String { "Failed to predict: \(error)" }

    // MARK: Content types

    /// MLflow's supported list as its 415 message prints it.
    public static let mlflowTypesList = "['text/csv', 'application/json', 'application/vnd.apache.parquet']"

    public static func unsupportedContentType(_ quoted: String) -> String {
        "This predictor only supports the following content types: Types: \(mlflowTypesList). Got '\(quoted)'."
    }

    public static let missingContentType =
        "This predictor only supports the following content types: Types: \(mlflowTypesList). Got no Content-Type header."

    public static let onlyUTF8 = "The scoring server only supports UTF-8"

    public static func unrecognizedContentTypeParameters(_ names: [String]) -> String {
        "Unrecognized content type parameters: \(names.joined(separator: ", ")). " + scoringProtocolChangeInfo
    }

    public static let parquetUnsupported =
        "mlpack serve does not read Parquet bodies (application/vnd.apache.parquet); send application/json or text/csv."

    // MARK: mlpack's limits

    public static func bodyTooLarge(limit: Int) -> String {
        "The request body is larger than the limit of \(limit) bytes (--max-body-bytes)."
    }

    public static func tooManyRows(_ rows: Int, limit: Int) -> String {
        "The request has \(rows) rows, more than the limit of \(limit) rows per request (--max-rows)."
    }

    public static func tooManyJSONValues(_ error: JSONParseError) -> String {
        var limit = 0
        if case .tooManyValues(let l) = error.reason { limit = l }
        let source = error.source.map { "\($0) " } ?? ""
        return "The request's JSON \(source)has more than \(limit) values (the limit per JSON document; "
            + "passed at line \(error.line), column \(error.column))."
    }

    /// `columns`: nil when the count stopped at the limit (a CSV header is refused while read).
    public static func tooManyColumns(_ columns: Int?, limit: Int, at place: String? = nil) -> String {
        "The request has \(columns.map(String.init) ?? "more than \(limit)") columns\(place.map { " (\($0))" } ?? ""); "
            + "at most \(limit) columns per request are read."
    }

    public static func overloaded(retryAfterSeconds: Int) -> String {
        "The server is at capacity (its batch queue is full); retry after \(retryAfterSeconds) s."
    }

    public static let shuttingDown = "The server is shutting down."

    public static func deadlineExceeded(seconds: Double) -> String {
        "Request processing time exceeded limit (\(formatSeconds(seconds)) s, --timeout)."
    }

    public static func bodyTimeout(seconds: Double) -> String {
        "The request body did not arrive within \(formatSeconds(seconds)) s (--timeout)."
    }

    public static let unauthenticated = "Missing or invalid API key: send the header 'Authorization: Bearer <key>'."

    public static let cancelled = "The request was cancelled."

    public static func noEmbeddings(model: String) -> String {
        "This model (\(model)) does not compute embeddings; POST /invocations instead."
    }

    public static func noPairScores(model: String) -> String {
        "This model (\(model)) does not score sentence pairs; POST /invocations instead."
    }

    public static func internalError(requestID: String) -> String { "Internal error (request id \(requestID))." }

    static func formatSeconds(_ seconds: Double) -> String {
        seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int64(seconds)) : String(seconds)
    }

    /// `<class 'int'>` and friends, as Python prints `type(x)`.
    static func pythonClassRepr(_ value: JSONValue) -> String {
        "<class '\(value.pythonTypeName)'>"
    }
}
