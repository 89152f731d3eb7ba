/// Reads a CSV body the way MLflow's `parse_csv_input` does for a column-based schema:
/// `pd.read_csv(dtype=<schema types>)` — string and binary columns keep their text, other
/// columns are typed from their values (then cast like any DataFrame), and a datetime column
/// in the body is refused as MLflow refuses it.
enum CSVInput {
    static let prefix =
        "Failed to parse input as a Pandas DataFrame. Ensure that the input is a valid CSV-formatted Pandas DataFrame produced using the `pandas.DataFrame.to_csv()` method. Error: "

    static func table(_ body: [UInt8], schema: Schema, maxBytes: Int) throws(EnforcementError) -> Table {
        if body.count > maxBytes {
            throw EnforcementError(stage: .parse, "Request body of \(body.count) bytes exceeds the limit of \(maxBytes) bytes")
        }
        if schema.isTensorSpec {
            throw EnforcementError(
                stage: .parse,
                prefix + "'TensorSpec only supports numpy types, use numpy_types() instead' (MLflow cannot read CSV for a tensor-based signature; send JSON)")
        }
        let records: [(line: Int, fields: [String])]
        do {
            records = try CSVReader.records(body)
        } catch {
            throw EnforcementError(stage: .parse, error.message, row: error.row)
        }
        guard let header = records.first else {
            throw EnforcementError(stage: .parse, prefix + "'No columns to parse from file'")
        }
        var seen = Set<String>()
        for name in header.fields where !seen.insert(name).inserted {
            throw EnforcementError(stage: .parse, prefix + "column \(Echo.repr(name)) appears twice in the header", column: name)
        }
        for (index, rec) in records.dropFirst().enumerated() where rec.fields.count != header.fields.count {
            throw EnforcementError(
                stage: .parse,
                prefix + "row \(index) (line \(rec.line)) has \(rec.fields.count) fields, expected \(header.fields.count) as in the header",
                row: index)
        }
        var columns: [Column] = []
        for (c, name) in header.fields.enumerated() {
            let spec: ColSpec? = schema.hasInputNames
                ? schema.columns.first { $0.name?.description == name }
                : (c < schema.columns.count ? schema.columns[c] : nil)
            let texts = records.dropFirst().map { $0.fields[c] }
            switch spec?.type {
            case .scalar(.datetime):
                throw EnforcementError(
                    stage: .parse,
                    prefix + "'the dtype datetime64[ns] is not supported for parsing, pass this column using parse_dates instead' (MLflow cannot read datetime column \(Echo.repr(name)) from CSV; send JSON)",
                    column: name)
            case .scalar(.string), .scalar(.binary):
                columns.append(Column(.string(texts), validity: texts.map { !CSVReader.naValues.contains($0) }))
            default:
                columns.append(CSVReader.inferColumn(texts))
            }
        }
        do {
            return try Table(names: header.fields.map { .string($0) }, columns: columns, rowCount: records.count - 1)
        } catch {
            throw EnforcementError(stage: .parse, prefix + error.message)
        }
    }
}
