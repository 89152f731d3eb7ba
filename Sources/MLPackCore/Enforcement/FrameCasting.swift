/// The schema-driven casts MLflow's scoring server applies to `dataframe_split`,
/// `dataframe_records` and CSV bodies before enforcement (`cast_df_types_according_to_schema`):
/// binary columns are base64-decoded, composite columns are enforced cell by cell, and scalar
/// columns are cast to the schema type the way `astype` casts — except where `astype` changes
/// values (truncation, wrap-around, strings as `True`, `null` as `False`, epoch integers, float32
/// overflow): there mlpack refuses, naming the column, the row and a short prefix of the value.
enum FrameCasting {
    typealias Refusal = NumpyArrayBuilder.Failure

    /// MLflow's label for the cast target in "Failed to convert column … to type '…'".
    static func typeLabel(_ type: ColumnType) -> String {
        guard case .scalar(let t) = type else { return type.pythonRepr }
        switch t {
        case .binary: return "<class 'object'>"
        case .string: return "str"
        default: return ColumnTypeEnforcement.numpyName(t)
        }
    }

    static func failure(_ name: ColumnName, _ type: ColumnType, _ r: Refusal, row: Int?) -> ScoringError {
        ScoringError(
            stage: .parse,
            "Invalid input. Data is not compatible with model signature. Failed to convert column \(name.description) to type '\(typeLabel(type))'. Error: \(r.message)\(Echo.location(column: name.description, row: row))",
            column: name.description, row: row, isDeviation: r.isDeviation)
    }

    /// Casts the columns of `table` named by a column-based `schema` (positionally for unnamed ones).
    static func cast(_ table: Table, schema: Schema, csv: Bool) throws(ScoringError) -> Table {
        var columns = table.columns
        let specs = schema.columns
        for (index, name) in table.names.enumerated() {
            let spec: ColSpec?
            if schema.hasInputNames {
                spec = specs.first { $0.name == name }
            } else {
                spec = index < specs.count ? specs[index] : nil
            }
            guard let spec else { continue }
            columns[index] = try cast(columns[index], name: name, spec: spec, csv: csv)
        }
        do {
            return try Table(names: table.names, columns: columns, rowCount: table.rowCount)
        } catch {
            throw ScoringError(stage: .parse, "Invalid input. \(error.message)")
        }
    }

    /// One column.
    static func cast(_ column: Column, name: ColumnName, spec: ColSpec, csv: Bool) throws(ScoringError) -> Column {
        let cells = column.jsonCells
        let isBoxed: Bool
        if case .boxed = column.storage { isBoxed = true } else { isBoxed = false }
        func perCell<T>(_ f: (JSONValue, Int) throws(Refusal) -> T) throws(ScoringError) -> [T] {
            var out: [T] = []
            out.reserveCapacity(cells.count)
            for (row, cell) in cells.enumerated() {
                do {
                    out.append(try f(cell, row))
                } catch {
                    if error.message == DatetimeText.timezoneMessage {
                        throw ScoringError(stage: .enforceInput, error.message + Echo.location(column: name.description, row: row),
                                               column: name.description, row: row)
                    }
                    throw failure(name, spec.type, error, row: row)
                }
            }
            return out
        }
        switch spec.type {
        case .any: return column
        case .array, .object, .map, .sparkMLVector:
            return Column(.boxed(try perCell { (cell, _) throws(Refusal) in
                try ColumnTypeEnforcement.enforce(cell, type: spec.type, required: spec.required)
            }))
        case .scalar(let t):
            switch t {
            case .string:
                if case .string = column.storage { return column }
                return Column(.boxed(cells))  // astype(object) keeps the Python values
            case .binary:
                if csv { return column }
                if case .binary = column.storage { return column }
                return Column(.binary(try perCell { (cell, _) throws(Refusal) in
                    guard case .string(let s) = cell else {
                        throw Refusal("TypeError('encoding without a string argument'): binary values must be base64 strings, got \(cell.pythonTypeName)")
                    }
                    guard let bytes = Base64.decode(s) else {
                        throw Refusal("Invalid base64-encoded string \(Echo.repr(s))")
                    }
                    return bytes
                }))
            case .long, .integer:
                let dtype: NumpyDType = t == .long ? .int64 : .int32
                let values = try perCell { (cell, row) throws(Refusal) -> Int64 in
                    if (cell.numberValue?.isNaN ?? false) || (cell.isNull && !isBoxed) {
                        throw Refusal("Cannot convert non-finite values (NA or inf) to integer")
                    }
                    if case .int(let i) = cell, t == .integer, !NumpyArrayBuilder.intRange(.int32).contains(i) {
                        throw Refusal(
                            "the value \(i) does not fit in integer (int32); MLflow would wrap it to \(Int32(truncatingIfNeeded: i))",
                            deviation: true)
                    }
                    if case .bigInt = cell { throw Refusal("Python int too large to convert to C long") }
                    return try NumpyArrayBuilder.toInt(cell, dtype: dtype)
                }
                return t == .long ? Column(.int64(values)) : Column(.int32(values.map { Int32(truncatingIfNeeded: $0) }))
            case .double:
                return Column(.double(try perCell { (cell, _) throws(Refusal) in try NumpyArrayBuilder.toDouble(cell) }))
            case .float:
                return Column(.float(try perCell { (cell, _) throws(Refusal) in
                    let d = try NumpyArrayBuilder.toDouble(cell)
                    let f = Float(d)
                    if d.isFinite && f.isInfinite { throw NumpyArrayBuilder.overflow(cell, .float32) }
                    return f
                }))
            case .boolean:
                var valid: [Bool] = []
                let values = try perCell { (cell, row) throws(Refusal) -> Bool in
                    if column.isMissing(row) || cell.isNull {
                        if spec.required {
                            throw Refusal("null in the required boolean column; MLflow would read it as False", deviation: true)
                        }
                        valid.append(false)
                        return false
                    }
                    valid.append(true)
                    return try NumpyArrayBuilder.toBool(cell)
                }
                return Column(.bool(values), validity: valid)
            case .datetime:
                if case .datetime = column.storage { return column }
                var valid: [Bool] = []
                let values = try perCell { (cell, row) throws(Refusal) -> Int64 in
                    if (cell.numberValue?.isNaN ?? false) || cell.isNull {
                        valid.append(false)
                        return 0
                    }
                    valid.append(true)
                    return try NumpyArrayBuilder.toDatetime(cell)
                }
                return Column(.datetime(values), validity: valid)
            }
        }
    }
}
