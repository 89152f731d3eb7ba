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

    static let unifiedLLMKeys = ["messages", "prompt", "input"]

    /// Most columns in a request (a CSV header, a record's keys, a `dataframe_split`'s columns, a
    /// dict of columns): 16,384, Excel's sheet width. Each column costs a typed array and its name
    /// whatever its width, so a header of a million names is refused while it is read.
    public static let maxColumns = 16_384

    /// Refuses `count` columns over ``maxColumns``.
    static func checkColumns(_ count: Int, key: String? = nil) throws(ScoringError) {
        if count > maxColumns { throw ScoringError.tooManyColumns(count, limit: maxColumns, key: key) }
    }

    /// Refuses a JSON payload whose tables would have more than ``maxColumns`` columns: an object
    /// (a dict of columns, a record), a list of records or of rows.
    static func checkColumns(in value: JSONValue, key: String) throws(ScoringError) {
        switch value {
        case .object(let o): try checkColumns(o.count, key: key)
        case .array(let items):
            for item in items {
                switch item {
                case .object(let o): try checkColumns(o.count, key: key)
                case .array(let cells): try checkColumns(cells.count, key: key)
                default: break
                }
            }
        default: break
        }
    }

    /// Parses a body of the given content type. With `schema`, a CSV body's columns are read as
    /// the schema types them (MLflow's `parse_csv_input(schema=…)`); without, their types are
    /// inferred as `pandas.read_csv` does.
    public func parse(_ body: [UInt8], contentType: RequestContentType, schema: Schema? = nil) throws(ScoringError)
        -> ScoringRequest
    {
        if body.count > maxBodyBytes {
            throw ScoringError(stage: .parse, "Request body of \(body.count) bytes exceeds the limit of \(maxBodyBytes) bytes")
        }
        switch contentType {
        case .json: return try parseJSON(body)
        case .csv:
            return ScoringRequest(payload: .table(try CSVReader.table(body, schema: schema), source: .csv))
        case .jsonLines: return ScoringRequest(payload: .table(try parseJSONLines(body), source: .jsonLines))
        }
    }

    /// Parses a JSON body: a UTF-8 BOM is skipped (Python's `json.loads(bytes)` reads utf-8-sig),
    /// invalid UTF-8 and syntax errors get Python's messages, as MLflow's server quotes them.
    public func parseJSON(_ body: [UInt8]) throws(ScoringError) -> ScoringRequest {
        let text = body.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(body.dropFirst(3)) : body
        if let failure = UTF8Check.firstError(in: text) {
            throw ScoringError(stage: .parse, ScoringMessages.invalidJSONEncoding(failure))
        }
        let value: JSONValue
        do {
            value = try JSONParser(options: jsonOptions).parse(text)
        } catch {
            if case .tooManyValues = error.reason { throw ScoringError.tooManyJSONValues(error) }
            throw ScoringError(stage: .parse, ScoringMessages.invalidJSON(error), key: error.path.description)
        }
        return try request(from: value)
    }

    /// Interprets an already-parsed JSON body.
    public func request(from value: JSONValue) throws(ScoringError) -> ScoringRequest {
        guard case .object(let o) = value else {
            throw ScoringError(stage: .parse, ScoringMessages.notADictionary(value))
        }
        if o.keys.contains(where: Self.unifiedLLMKeys.contains) {
            return ScoringRequest(payload: .unifiedLLM(o))
        }
        let present = ScoringRequest.Field.allCases.filter { o.contains($0.rawValue) }
        guard present.count == 1, let field = present.first, let data = o[field.rawValue] else {
            let given = o.keys.filter { k in ScoringRequest.Field.allCases.contains { $0.rawValue == k } }
            throw ScoringError(stage: .parse, ScoringMessages.wrongFormatKeys(given))
        }
        var params: JSONObject? = nil
        if let p = o["params"], !p.isNull {
            guard case .object(let po) = p else {
                throw ScoringError(stage: .enforceParams, ScoringMessages.paramsNotADictionary(p), key: "params", column: "params")
            }
            params = po
        }
        switch field {
        case .dataframeSplit:
            if case .object(let split) = data {
                if case .array(let names)? = split["columns"] { try Self.checkColumns(names.count, key: "dataframe_split.columns") }
                if let rows = split["data"] { try Self.checkColumns(in: rows, key: "dataframe_split.data") }
            }
            do {
                return ScoringRequest(payload: .table(try Table(splitJSON: data), source: .dataframeSplit), params: params)
            } catch {
                throw ScoringError(stage: .parse, "Invalid input. \(error.message)", key: field.rawValue)
            }
        case .dataframeRecords:
            try Self.checkColumns(in: data, key: field.rawValue)
            return ScoringRequest(payload: .table(try records(data), source: .dataframeRecords), params: params)
        case .inputs, .instances:
            try Self.checkColumns(in: data, key: field.rawValue)
            return ScoringRequest(payload: .json(data, field: field), params: params)
        }
    }

    func records(_ data: JSONValue) throws(ScoringError) -> Table {
        guard case .array(let items) = data else {
            throw ScoringError(stage: .parse, "Invalid input. Dataframe records format must be a list of records. Got \(data.objectValue != nil ? "dictionary" : data.pythonTypeName).",
                key: "dataframe_records")
        }
        do {
            if !items.isEmpty && items.allSatisfy({ $0.arrayValue != nil }) {
                return try Table(rows: items.map { $0.arrayValue ?? [] })
            }
            var objects: [JSONObject] = []
            for (i, item) in items.enumerated() {
                guard case .object(let r) = item else {
                    throw ScoringError(stage: .parse, "Invalid input. Record \(i) of dataframe_records must be a JSON object, got \(item.kindName).",
                        key: "dataframe_records[\(i)]", row: i)
                }
                objects.append(r)
            }
            return try Table(records: objects)
        } catch let e as ScoringError {
            throw e
        } catch {
            throw ScoringError(stage: .parse, "Invalid input. \(error)", key: "dataframe_records")
        }
    }

    /// JSON Lines: one JSON object (a record) per non-blank line.
    func parseJSONLines(_ body: [UInt8]) throws(ScoringError) -> Table {
        var records: [JSONObject] = []
        var lineNumber = 0
        // One budget of values for the whole body, as for one JSON document.
        var budget = jsonOptions.maxValues
        for line in body.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            if Self.isBlank(line) { continue }
            records.append(try record(line, number: lineNumber, budget: &budget))
        }
        if records.isEmpty { throw ScoringError(stage: .parse, "Invalid JSON Lines input: no records") }
        return try Self.table(records)
    }

    /// Line `number` of a JSON Lines stream (without its `\n`) as a one-row request; a blank line
    /// is an error naming it (a stream answers every line).
    public func jsonLinesRecord(_ line: ArraySlice<UInt8>, number: Int) throws(ScoringError) -> ScoringRequest {
        if Self.isBlank(line) {
            throw ScoringError(stage: .parse, "Invalid JSON Lines input: line \(number) is empty", row: number)
        }
        var budget = jsonOptions.maxValues
        return ScoringRequest(payload: .table(try Self.table([record(line, number: number, budget: &budget)]), source: .jsonLines))
    }

    /// Blank, ignoring a trailing `\r`.
    static func isBlank(_ line: ArraySlice<UInt8>) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }

    /// One JSON Lines record: a JSON object on line `number` (a trailing `\r` is ignored).
    /// `budget`: values still allowed (the body's, shared by its lines); this line's are taken from it.
    func record(_ line: ArraySlice<UInt8>, number: Int, budget: inout Int) throws(ScoringError) -> JSONObject {
        let trimmed = line.last == 0x0D ? line.dropLast() : line
        let value: JSONValue
        do {
            var options = jsonOptions
            options.maxValues = budget
            let parsed = try JSONParser(options: options).parseCounting(trimmed, source: "line \(number)")
            value = parsed.value
            budget -= parsed.values
        } catch {
            if case .tooManyValues = error.reason {
                var total = error
                total.reason = .tooManyValues(limit: jsonOptions.maxValues)
                throw ScoringError.tooManyJSONValues(total, row: number)
            }
            throw ScoringError(stage: .parse, "Invalid JSON Lines input: \(error)", row: number)
        }
        guard case .object(let o) = value else {
            throw ScoringError(
                stage: .parse, "Invalid JSON Lines input: line \(number) must be a JSON object (one record), got \(value.kindName)",
                row: number)
        }
        try Self.checkColumns(o.count, key: "line \(number)")
        return o
    }

    static func table(_ records: [JSONObject]) throws(ScoringError) -> Table {
        do {
            return try Table(records: records)
        } catch {
            throw ScoringError(stage: .parse, "Invalid JSON Lines input: \(error.message)")
        }
    }
}
