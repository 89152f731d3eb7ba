/// Reads request and sample bodies: JSON (`dataframe_split`, `dataframe_records`, `instances`,
/// `inputs`, optional `params`), CSV with a header row, and JSON Lines (one record per line).
public struct RequestParser: Sendable {
    /// Limits applied to every body.
    public var maxBodyBytes: Int
    /// JSON parsing options (depth cap, duplicate keys).
    public var jsonOptions: JSONParser.Options

    public init(maxBodyBytes: Int = 64 << 20, jsonOptions: JSONParser.Options = .init(maxDepth: 128)) {
        self.maxBodyBytes = maxBodyBytes
        self.jsonOptions = jsonOptions
        self.jsonOptions.maxInputBytes = maxBodyBytes
    }

    static let fieldsText = "{'dataframe_records', 'dataframe_split', 'instances', 'inputs'}"
    static let protocolNote =
        "IMPORTANT: The MLflow Model scoring protocol has changed in MLflow version 2.0. If you are seeing this error, you are likely using an outdated scoring request format. To resolve the error, either update your request format or adjust your MLflow Model's scoring server to use a version prior to MLflow 2.0. For more information, refer to https://www.mlflow.org/docs/latest/models.html#deploy-mlflow-models"
    static let unifiedLLMKeys = ["messages", "prompt", "input"]

    /// Parses a body of the given content type.
    public func parse(_ body: [UInt8], contentType: RequestContentType) throws(RequestError) -> ScoringRequest {
        if body.count > maxBodyBytes {
            throw RequestError(.malformedBody, "Request body of \(body.count) bytes exceeds the limit of \(maxBodyBytes) bytes")
        }
        switch contentType {
        case .json: return try parseJSON(body)
        case .csv: return ScoringRequest(payload: .table(try CSVReader.table(body), source: .csv))
        case .jsonLines: return ScoringRequest(payload: .table(try parseJSONLines(body), source: .jsonLines))
        }
    }

    /// Parses a JSON body.
    public func parseJSON(_ body: [UInt8]) throws(RequestError) -> ScoringRequest {
        let value: JSONValue
        do {
            value = try JSONParser(options: jsonOptions).parse(body)
        } catch {
            throw RequestError(
                .malformedBody, "Invalid input. Ensure that input is a valid JSON formatted string. Error: \(error)",
                key: error.path.description)
        }
        return try request(from: value)
    }

    /// Interprets an already-parsed JSON body.
    public func request(from value: JSONValue) throws(RequestError) -> ScoringRequest {
        guard case .object(let o) = value else {
            let got = value.arrayValue != nil ? "a list" : "a \(value.pythonTypeName)"
            throw RequestError(
                .invalidRequest,
                "Invalid input. The input must be a JSON dictionary with exactly one of the input fields \(Self.fieldsText). Received \(got).")
        }
        if o.keys.contains(where: Self.unifiedLLMKeys.contains) {
            return ScoringRequest(payload: .unifiedLLM(o))
        }
        let present = ScoringRequest.Field.allCases.filter { o.contains($0.rawValue) }
        guard present.count == 1, let field = present.first, let data = o[field.rawValue] else {
            let given = o.keys.filter { k in ScoringRequest.Field.allCases.contains { $0.rawValue == k } }
            throw RequestError(
                .invalidRequest,
                "The input must be a JSON dictionary with exactly one of the input fields \(Self.fieldsText). Received dictionary with input fields: [\(given.map { "'\($0)'" }.joined(separator: ", "))]. \(Self.protocolNote)")
        }
        var params: JSONObject? = nil
        if let p = o["params"], !p.isNull {
            guard case .object(let po) = p else {
                throw RequestError(.invalidRequest, "Parameters must be a dictionary. Got type '\(p.pythonTypeName)'.", key: "params")
            }
            params = po
        }
        switch field {
        case .dataframeSplit:
            do {
                return ScoringRequest(payload: .table(try Table(splitJSON: data), source: .dataframeSplit), params: params)
            } catch {
                throw RequestError(.invalidRequest, "Invalid input. \(error.message)", key: field.rawValue)
            }
        case .dataframeRecords:
            return ScoringRequest(payload: .table(try records(data), source: .dataframeRecords), params: params)
        case .inputs, .instances:
            return ScoringRequest(payload: .json(data, field: field), params: params)
        }
    }

    func records(_ data: JSONValue) throws(RequestError) -> Table {
        guard case .array(let items) = data else {
            throw RequestError(
                .invalidRequest,
                "Invalid input. Dataframe records format must be a list of records. Got \(data.objectValue != nil ? "dictionary" : data.pythonTypeName).",
                key: "dataframe_records")
        }
        do {
            if !items.isEmpty && items.allSatisfy({ $0.arrayValue != nil }) {
                return try Table(rows: items.map { $0.arrayValue ?? [] })
            }
            var objects: [JSONObject] = []
            for (i, item) in items.enumerated() {
                guard case .object(let r) = item else {
                    throw RequestError(
                        .invalidRequest, "Invalid input. Record \(i) of dataframe_records must be a JSON object, got \(item.kindName).",
                        key: "dataframe_records[\(i)]", row: i)
                }
                objects.append(r)
            }
            return try Table(records: objects)
        } catch let e as RequestError {
            throw e
        } catch {
            throw RequestError(.invalidRequest, "Invalid input. \(error)", key: "dataframe_records")
        }
    }

    /// JSON Lines: one JSON object (a record) per non-blank line.
    func parseJSONLines(_ body: [UInt8]) throws(RequestError) -> Table {
        var records: [JSONObject] = []
        var lineNumber = 0
        for line in body.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = line.last == 0x0D ? line.dropLast() : line
            if trimmed.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let value: JSONValue
            do {
                value = try JSONParser(options: jsonOptions).parse(trimmed, source: "line \(lineNumber)")
            } catch {
                throw RequestError(.malformedBody, "Invalid JSON Lines input: \(error)", row: lineNumber)
            }
            guard case .object(let o) = value else {
                throw RequestError(
                    .invalidRequest, "Invalid JSON Lines input: line \(lineNumber) must be a JSON object (one record), got \(value.kindName)",
                    row: lineNumber)
            }
            records.append(o)
        }
        if records.isEmpty { throw RequestError(.invalidRequest, "Invalid JSON Lines input: no records") }
        do {
            return try Table(records: records)
        } catch {
            throw RequestError(.invalidRequest, "Invalid JSON Lines input: \(error.message)")
        }
    }
}
