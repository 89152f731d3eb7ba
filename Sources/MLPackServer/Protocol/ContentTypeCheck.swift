/// MLflow's `Content-Type` handling for `/invocations` (scoring_server `invocations`), step for step:
/// split on `;`, strip each part; the first is the mime type, compared case-sensitively; each other
/// part is `key=value` (`partition("=")`, keys case-sensitive, later keys win). A `charset` other
/// than `utf-8` (any case) is refused first, then any other parameter, then an unknown mime type.
public enum ContentTypeCheck {
    /// The outcome for one header value.
    public enum Outcome: Sendable, Equatable {
        /// Accepted: the media type and the parameters in order.
        case accepted(InvocationContentType, parameters: [ContentTypeParameter])
        /// Refused with 415 and this plain-text body (MLflow's text).
        case unsupported(String)
    }

    /// MLflow's supported list as its 415 message prints it.
    static let mlflowTypesList = "['text/csv', 'application/json', 'application/vnd.apache.parquet']"

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

    /// The longest header value quoted back in a 415 message (headers are not payload, but are capped).
    static let maxQuotedHeader = 200

    /// Checks a `Content-Type` header value; `nil` means the header is missing.
    public static func check(_ header: String?) -> Outcome {
        guard let header else {
            // MLflow 3.17 crashes here (500 "Internal Server Error"); mlpack answers 415.
            return .unsupported(
                "This predictor only supports the following content types: Types: \(mlflowTypesList)."
                    + " Got no Content-Type header.")
        }
        let parts = header.split(separator: ";", omittingEmptySubsequences: false).map {
            $0.trimmingPythonWhitespace()
        }
        let mime = parts.first ?? ""
        var parameters: [ContentTypeParameter] = []
        for part in parts.dropFirst() {
            let name: Substring
            let value: Substring
            if let eq = part.firstIndex(of: "=") {
                name = part[..<eq]
                value = part[part.index(after: eq)...]
            } else {
                name = part
                value = ""
            }
            let parameter = ContentTypeParameter(name: String(name), value: String(value))
            // A Python dict: a repeated key keeps its first position and its last value.
            if let existing = parameters.firstIndex(where: { $0.name == parameter.name }) {
                parameters[existing].value = parameter.value
            } else {
                parameters.append(parameter)
            }
        }
        let charset = parameters.first(where: { $0.name == "charset" })?.value ?? "utf-8"
        if charset.lowercased() != "utf-8" {
            return .unsupported("The scoring server only supports UTF-8")
        }
        let unexpected = parameters.map(\.name).filter { $0 != "charset" }
        if !unexpected.isEmpty {
            return .unsupported(
                "Unrecognized content type parameters: \(unexpected.joined(separator: ", ")). "
                    + scoringProtocolChangeInfo)
        }
        switch mime {
        case InvocationContentType.json.rawValue:
            return .accepted(.json, parameters: parameters)
        case InvocationContentType.csv.rawValue:
            return .accepted(.csv, parameters: parameters)
        case "application/vnd.apache.parquet":
            return .unsupported(
                "mlpack serve does not read Parquet bodies (application/vnd.apache.parquet);"
                    + " send application/json or text/csv.")
        default:
            let quoted =
                header.count > maxQuotedHeader ? String(header.prefix(maxQuotedHeader)) + "…" : header
            return .unsupported(
                "This predictor only supports the following content types: Types: \(mlflowTypesList)."
                    + " Got '\(quoted)'.")
        }
    }
}

/// One `key=value` parameter of a `Content-Type` header.
public struct ContentTypeParameter: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

extension StringProtocol {
    /// Python's `str.strip()` for the ASCII whitespace that can occur in a header value.
    func trimmingPythonWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0B}" || $0 == "\u{0C}" }
        let text = Substring(self)
        guard let start = text.firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = text.lastIndex(where: { !isSpace($0) }) ?? start
        return text[start...end]
    }
}
