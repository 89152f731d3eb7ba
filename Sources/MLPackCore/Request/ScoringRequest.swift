/// A parsed `/invocations` request (or a sample body given to `infer-signature`/`check-input`).
public struct ScoringRequest: Sendable, Hashable {
    /// The four JSON input fields MLflow accepts (exactly one per request).
    public enum Field: String, Sendable, CaseIterable {
        case dataframeSplit = "dataframe_split"
        case dataframeRecords = "dataframe_records"
        case instances
        case inputs
    }

    /// What the body carried.
    public enum Payload: Sendable, Hashable {
        /// A DataFrame: from `dataframe_split`, `dataframe_records`, CSV or JSON Lines.
        case table(Table, source: Source)
        /// The raw JSON value under `inputs` or `instances` (its interpretation depends on the signature).
        case json(JSONValue, field: Field)
        /// A "unified LLM" body (top-level `messages`, `prompt` or `input`): the whole object, unparsed.
        case unifiedLLM(JSONObject)
    }

    /// Where a table came from.
    public enum Source: String, Sendable, Hashable {
        case dataframeSplit = "dataframe_split"
        case dataframeRecords = "dataframe_records"
        case csv
        case jsonLines = "jsonl"
    }

    public var payload: Payload
    /// The `params` object, if the body had one.
    public var params: JSONObject?

    public init(payload: Payload, params: JSONObject? = nil) {
        self.payload = payload
        self.params = params
    }
}

/// The body formats mlpack reads.
public enum RequestContentType: String, Sendable, CaseIterable {
    case json
    case csv
    case jsonLines = "jsonl"

    /// Accepts the short names (`json`, `csv`, `jsonl`) and the MIME types `application/json`,
    /// `text/csv`, `application/jsonl`, `application/x-ndjson` (with an optional `charset=utf-8`).
    public init(mimeType text: String) throws(RequestError) {
        let parts = text.split(separator: ";").map { $0.trimmingCharacters() }
        let mime = parts.first ?? ""
        for p in parts.dropFirst() {
            let kv = p.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters() }
            if kv.first?.lowercased() == "charset" {
                if kv.count < 2 || kv[1].lowercased() != "utf-8" {
                    throw RequestError(.unsupportedContentType, "The scoring server only supports UTF-8")
                }
            } else {
                throw RequestError(.unsupportedContentType, "Unrecognized content type parameters: \(kv.first ?? "").")
            }
        }
        switch mime {
        case "json", "application/json": self = .json
        case "csv", "text/csv": self = .csv
        case "jsonl", "application/jsonl", "application/x-ndjson", "application/jsonlines": self = .jsonLines
        default:
            throw RequestError(
                .unsupportedContentType,
                "This predictor only supports the following content types: Types: ['text/csv', 'application/json', 'application/jsonl']. Got '\(mime.prefix(60))'.")
        }
    }
}

extension String {
    func trimmingCharacters() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

extension Substring {
    func trimmingCharacters() -> String { String(self).trimmingCharacters() }
}
