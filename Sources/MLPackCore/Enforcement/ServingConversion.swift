/// What MLflow's scoring server builds from an `inputs` / `instances` payload before
/// `predict` (`parse_tf_serving_input`, `_cast_schema_type`, `convert_data_type`): `instances`
/// records are transposed to columns, every value becomes a numpy array of the schema's type
/// (composite columns are enforced), and `instances` columns must have equal lengths.
enum ServingConversion {
    typealias Refusal = NumpyArrayBuilder.Failure

    static func invalid(_ message: String, column: String? = nil, row: Int? = nil, deviation: Bool = false) -> ScoringError {
        ScoringError(stage: .parse, "Invalid input. \(message)\(Echo.location(column: column, row: row))", column: column, row: row,
                         isDeviation: deviation)
    }

    enum Spec {
        case column(ColSpec)
        case tensor(TensorSpec)
    }

    static func specs(_ schema: Schema?) -> [(String, Spec)] {
        guard let schema, schema.hasInputNames else { return [] }
        switch schema.inputs {
        case .columns(let c): return c.map { ($0.name?.description ?? "", .column($0)) }
        case .tensors(let t): return t.map { ($0.name?.description ?? "", .tensor($0)) }
        }
    }

    static func firstSpec(_ schema: Schema?) -> Spec? {
        guard let schema else { return nil }
        switch schema.inputs {
        case .columns(let c): return c.first.map { .column($0) }
        case .tensors(let t): return t.first.map { .tensor($0) }
        }
    }

    static func convert(_ value: JSONValue, field: ScoringRequest.Field, schema: Schema?) throws(ScoringError) -> PyInput {
        var data = value
        if field == .instances, case .array(let items) = value, case .object = items.first {
            var columns = JSONObject()
            for (row, item) in items.enumerated() {
                guard case .object(let o) = item else {
                    throw invalid("every element of 'instances' must be a JSON object when the first one is; element \(row) is a \(item.pythonTypeName)", row: row)
                }
                for (k, v) in o { columns[k] = .array((columns[k]?.arrayValue ?? []) + [v]) }
            }
            data = .object(columns)
        }
        let converted = try cast(data, schema: schema)
        if field == .instances, case .dict(let d) = converted {
            try checkLengths(d, schema: schema)
        }
        return converted
    }

    /// `_cast_schema_type`.
    static func cast(_ input: JSONValue, schema: Schema?) throws(ScoringError) -> PyInput {
        var data = input
        let named = specs(schema)
        if let schema {
            if named.count == 1, case .array(let a) = data, !a.contains(where: { $0.objectValue != nil }) {
                data = .object(JSONObject([(named[0].0, data)]))
            } else if !schema.hasInputNames {
                let ok: Bool
                switch data {
                case .array, .bool, .int, .bigInt, .double, .string: ok = true
                case .null, .object: ok = false
                }
                if !ok {
                    throw invalid(
                        "Failed to parse input data. This model contains an un-named  model signature which expects a single n-dimensional array or a single value as input, however, an input of type <class '\(data.pythonTypeName)'> was found.")
                }
            }
        }
        func spec(_ key: String) -> Spec? { named.first { $0.0 == key }?.1 }
        switch data {
        case .object(let o):
            var out: [(String, PyInput.Cell)] = []
            for (k, v) in o { out.append((k, try convertValue(v, spec(k), column: k, row: nil))) }
            return .dict(out)
        case .array(let items) where items.allSatisfy({ $0.objectValue != nil }) && !items.isEmpty:
            var rows: [[(String, PyInput.Cell)]] = []
            for (r, item) in items.enumerated() {
                var row: [(String, PyInput.Cell)] = []
                for (k, v) in item.objectValue ?? JSONObject() { row.append((k, try convertValue(v, spec(k), column: k, row: r))) }
                rows.append(row)
            }
            return .records(rows)
        case .array:
            return wrap(try convertValue(data, firstSpec(schema), column: nil, row: nil))
        default:
            do {
                return wrap(try convertValue(data, firstSpec(schema), column: nil, row: nil))
            } catch {
                if error.isDeviation { throw error }
                throw invalid("Failed to convert data `\(Echo.str(data))` to type `\(firstSpec(schema).map(specRepr) ?? "None")` defined in the model signature.")
            }
        }
    }

    static func specRepr(_ s: Spec) -> String {
        switch s {
        case .column(let c): return c.pythonRepr
        case .tensor(let t): return t.pythonRepr
        }
    }

    static func wrap(_ cell: PyInput.Cell) -> PyInput {
        switch cell {
        case .array(let t): return .array(t)
        case .plain(let v): return .plain(v)
        }
    }

    /// `convert_data_type(data, spec)`.
    static func convertValue(_ v: JSONValue, _ spec: Spec?, column: String?, row: Int?) throws(ScoringError) -> PyInput.Cell {
        func array(_ value: JSONValue, _ dtype: NumpyDType?) throws(ScoringError) -> Tensor {
            do {
                return try NumpyArrayBuilder.array(value, dtype: dtype)
            } catch {
                var r = row
                if r == nil, let i = error.index, case .array = value { r = i }
                throw invalid(error.message, column: column, row: r, deviation: error.isDeviation)
            }
        }
        guard let spec else { return .array(try array(v, nil)) }
        switch spec {
        case .tensor(let t): return .array(try array(v, t.dtype))
        case .column(let c):
            switch c.type {
            case .scalar(let t):
                if case .array = v { return .array(try array(v, t.numpyDType)) }
                let one = try array(.array([v]), t.numpyDType)
                return .array((try? Tensor(dtype: one.dtype, shape: [], storage: one.storage)) ?? one)
            case .any: return .plain(v)
            case .array, .object, .map, .sparkMLVector:
                let enforced: JSONValue
                do {
                    enforced = try ColumnTypeEnforcement.enforce(v, type: c.type, required: c.required)
                } catch {
                    throw invalid(error.message, column: column, row: row, deviation: error.isDeviation)
                }
                if case .array = c.type, !enforced.isNull { return .array(try array(enforced, nil)) }
                return .plain(enforced)
            }
        }
    }

    /// The `instances` sanity check: columns (required, non-Array ones for column schemas) have equal lengths.
    static func checkLengths(_ d: [(String, PyInput.Cell)], schema: Schema?) throws(ScoringError) {
        var lengths: [(String, Int)] = []
        for (k, cell) in d {
            guard case .array(let t) = cell, let n = t.shape.first else { continue }
            if let schema, schema.hasInputNames {
                switch schema.inputs {
                case .columns(let cs):
                    guard let c = cs.first(where: { $0.name?.description == k }), c.required else { continue }
                    if case .array = c.type { continue }
                case .tensors(let ts):
                    guard ts.contains(where: { $0.name?.description == k }) else { continue }
                }
            }
            lengths.append((k, n))
        }
        if let first = lengths.first, let bad = lengths.first(where: { $0.1 != first.1 }) {
            throw invalid(
                "The length of values for each input/column name are not the same (\(Echo.repr(first.0)) has \(first.1), \(Echo.repr(bad.0)) has \(bad.1))",
                column: bad.0)
        }
    }
}
