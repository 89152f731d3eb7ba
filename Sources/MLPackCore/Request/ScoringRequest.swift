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

    /// Rows counted for a server's row cap: a table's rows; for `inputs`/`instances`, the length
    /// of a list, the longest list among a dict's values, else 1; for a unified-LLM body, the
    /// longest list among its values (and their dict values), at least 1.
    public var rowCount: Int {
        switch payload {
        case .table(let table, _): return table.rowCount
        case .json(let value, _):
            if case .array(let items) = value { return items.count }
            if case .object(let members) = value { return max(1, Self.longestList(in: members) ?? 1) }
            return 1
        case .unifiedLLM(let object):
            var rows = 1
            for (_, value) in object {
                if case .array(let items) = value { rows = max(rows, items.count) }
                if case .object(let inner) = value, let n = Self.longestList(in: inner) { rows = max(rows, n) }
            }
            return rows
        }
    }

    static func longestList(in object: JSONObject) -> Int? {
        var longest: Int?
        for (_, value) in object {
            if case .array(let items) = value { longest = max(longest ?? 0, items.count) }
        }
        return longest
    }
}

/// The body formats mlpack reads.
public enum RequestContentType: String, Sendable, CaseIterable {
    case json
    case csv
    case jsonLines = "jsonl"

    /// Accepts the short names (`json`, `csv`, `jsonl`) and the JSON Lines MIME types
    /// (`application/jsonl`, `application/x-ndjson`, `application/jsonlines`), which only the CLI
    /// reads; anything else is read as a `Content-Type` header by MLflow's rules (``ContentTypeCheck``),
    /// with MLflow's messages.
    public init(mimeType text: String) throws(ScoringError) {
        switch text.trimmingCharacters() {
        case "json": self = .json
        case "csv": self = .csv
        case "jsonl", "application/jsonl", "application/x-ndjson", "application/jsonlines": self = .jsonLines
        default:
            switch ContentTypeCheck.check(text) {
            case .accepted(let type, _): self = type
            case .unsupported(let message): throw ScoringError(stage: .contentType, message)
            }
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
