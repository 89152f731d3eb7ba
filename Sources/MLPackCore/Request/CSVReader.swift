/// Reads CSV as `pandas.read_csv` does for the cases MLflow's scoring server sees: a header row,
/// RFC 4180 quoting (quoted fields may hold commas, `""` and newlines), blank lines skipped, and
/// per-column type inference (all integers → `int64`, numbers → `float64`, `True`/`False` →
/// `bool`, otherwise strings; empty cells and pandas' NA spellings are missing values).
/// Unlike pandas, a row with more or fewer fields than the header is an error naming the row.
public enum CSVReader {
    /// pandas' default NA spellings.
    static let naValues: Set<String> = [
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A",
        "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
    ]

    /// Splits CSV text into records of fields; returns each record with its 1-based starting line.
    public static func records(_ body: [UInt8]) throws(ScoringError) -> [(line: Int, fields: [String])] {
        if let failure = UTF8Check.firstError(in: body) {
            throw ScoringError(stage: .parse, ScoringMessages.csv(failure.description))
        }
        let text = String(decoding: body, as: UTF8.self)
        var out: [(Int, [String])] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var quotedField = false
        var line = 1
        var recordLine = 1
        let bytes = Array(text.utf8)
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            quotedField = false
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) { out.append((recordLine, fields)) }
            fields.removeAll()
        }
        while i < bytes.count {
            let c = bytes[i]
            if inQuotes {
                if c == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(c)
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == 0x0A { line += 1 }
                    field.append(c)
                }
            } else {
                switch c {
                case UInt8(ascii: "\""):
                    if field.isEmpty && !quotedField {
                        inQuotes = true
                        quotedField = true
                    } else {
                        field.append(c)
                    }
                case UInt8(ascii: ","):
                    endField()
                    // A comma opens one more field: refused as soon as a record passes the cap.
                    if fields.count >= RequestParser.maxColumns {
                        throw ScoringError.tooManyColumns(nil, limit: RequestParser.maxColumns, key: "CSV line \(recordLine)")
                    }
                case 0x0D where i + 1 < bytes.count && bytes[i + 1] == 0x0A: break
                case 0x0A:
                    endRecord()
                    line += 1
                    recordLine = line
                default: field.append(c)
                }
            }
            i += 1
        }
        if inQuotes {
            throw ScoringError(
                stage: .parse, ScoringMessages.csv("EOF inside string starting at row \(max(0, out.count - 1)) (line \(recordLine))"),
                row: recordLine)
        }
        if !field.isEmpty || !fields.isEmpty || quotedField { endRecord() }
        return out
    }

    /// Parses a CSV body with a header row into a table. With `schema` (a column-based
    /// signature), string and binary columns keep their text and a datetime column is refused, as
    /// MLflow's `parse_csv_input(schema=…)` does with `pd.read_csv(dtype=…)`; other columns (and
    /// every column without a schema) are typed from their values.
    public static func table(_ body: [UInt8], schema: Schema? = nil) throws(ScoringError) -> Table {
        if let schema, schema.isTensorSpec {
            throw ScoringError(
                stage: .parse,
                ScoringMessages.csvForTensorSignature)
        }
        let recs = try records(body)
        guard let header = recs.first else {
            throw ScoringError(stage: .parse, ScoringMessages.csv("No columns to parse from file"))
        }
        var seen = Set<String>()
        for name in header.fields where !seen.insert(name).inserted {
            throw ScoringError(
                stage: .parse, ScoringMessages.csv("column \(Echo.repr(name)) appears twice in the header"), column: name)
        }
        for (index, rec) in recs.dropFirst().enumerated() where rec.fields.count != header.fields.count {
            throw ScoringError(
                stage: .parse,
                ScoringMessages.csv(
                    "row \(index) (line \(rec.line)) has \(rec.fields.count) fields, expected \(header.fields.count) as in the header"),
                row: index)
        }
        var columns: [Column] = []
        for (c, name) in header.fields.enumerated() {
            let texts = recs.dropFirst().map { $0.fields[c] }
            let spec: ColSpec? = schema.flatMap { schema in
                schema.hasInputNames
                    ? schema.columns.first { $0.name?.description == name }
                    : (c < schema.columns.count ? schema.columns[c] : nil)
            }
            switch spec?.type {
            case .scalar(.datetime):
                throw ScoringError(
                    stage: .parse,
                    ScoringMessages.csv(
                        "the dtype datetime64[ns] is not supported for parsing, pass this column using parse_dates instead")
                        + " (MLflow cannot read datetime column \(Echo.repr(name)) from CSV; send JSON)",
                    column: name)
            case .scalar(.string), .scalar(.binary):
                columns.append(Column(.string(texts), validity: texts.map { !naValues.contains($0) }))
            default:
                columns.append(inferColumn(texts))
            }
        }
        do {
            return try Table(names: header.fields.map { .string($0) }, columns: columns, rowCount: recs.count - 1)
        } catch {
            throw ScoringError(stage: .parse, ScoringMessages.csv(error.message))
        }
    }

    static func inferColumn(_ texts: [String]) -> Column {
        let missing = texts.map { naValues.contains($0) }
        let present = zip(texts, missing).filter { !$0.1 }.map(\.0)
        if !present.isEmpty, present.allSatisfy({ Int64($0) != nil }) {
            if !missing.contains(true) { return Column(.int64(texts.map { Int64($0) ?? 0 })) }
            return Column(.double(zip(texts, missing).map { $1 ? .nan : Double(Int64($0) ?? 0) }))
        }
        if !present.isEmpty, present.allSatisfy({ parseDouble($0) != nil }) {
            return Column(.double(zip(texts, missing).map { $1 ? .nan : parseDouble($0) ?? .nan }))
        }
        let trues: Set<String> = ["True", "TRUE", "true"], falses: Set<String> = ["False", "FALSE", "false"]
        if !present.isEmpty, present.allSatisfy({ trues.contains($0) || falses.contains($0) }) {
            if !missing.contains(true) { return Column(.bool(texts.map { trues.contains($0) })) }
            return Column(.boxed(zip(texts, missing).map { $1 ? .double(.nan) : .bool(trues.contains($0)) }))
        }
        if present.isEmpty { return Column(.double(texts.map { _ in .nan })) }
        return Column(.string(texts), validity: missing.map { !$0 })
    }

    static func parseDouble(_ s: String) -> Double? {
        let lower = s.lowercased()
        if ["inf", "+inf", "infinity", "+infinity"].contains(lower) { return .infinity }
        if ["-inf", "-infinity"].contains(lower) { return -.infinity }
        guard let first = s.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
            || (first >= 0x30 && first <= 0x39) else { return nil }
        return Double(s)
    }
}
