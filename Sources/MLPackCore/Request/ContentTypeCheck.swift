/// MLflow's `Content-Type` handling for `/invocations` (scoring_server `invocations`), used by the
/// server for its header and by the CLI for `--content-type`, step for step:
/// split on `;`, strip each part; the first is the mime type, compared case-sensitively; each other
/// part is `key=value` (`partition("=")`, keys case-sensitive, later keys win). A `charset` other
/// than `utf-8` (any case) is refused first, then any other parameter, then an unknown mime type.
public enum ContentTypeCheck {
    /// The outcome for one header value.
    public enum Outcome: Sendable, Equatable {
        /// Accepted: the media type and the parameters in order.
        case accepted(RequestContentType, parameters: [ContentTypeParameter])
        /// Refused with 415 and this plain-text body (MLflow's text).
        case unsupported(String)
    }

    /// The longest header value quoted back in a 415 message (headers are not payload, but are capped).
    static let maxQuotedHeader = 200

    /// Checks a `Content-Type` header value; `nil` means the header is missing.
    public static func check(_ header: String?) -> Outcome {
        guard let header else {
            // MLflow 3.17 crashes here (500 "Internal Server Error"); mlpack answers 415.
            return .unsupported(ScoringMessages.missingContentType)
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
            return .unsupported(ScoringMessages.onlyUTF8)
        }
        let unexpected = parameters.map(\.name).filter { $0 != "charset" }
        if !unexpected.isEmpty {
            return .unsupported(ScoringMessages.unrecognizedContentTypeParameters(unexpected))
        }
        switch mime {
        case "application/json":
            return .accepted(.json, parameters: parameters)
        case "text/csv":
            return .accepted(.csv, parameters: parameters)
        case "application/vnd.apache.parquet":
            return .unsupported(ScoringMessages.parquetUnsupported)
        default:
            let quoted =
                header.count > maxQuotedHeader ? String(header.prefix(maxQuotedHeader)) + "…" : header
            return .unsupported(ScoringMessages.unsupportedContentType(quoted))
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
