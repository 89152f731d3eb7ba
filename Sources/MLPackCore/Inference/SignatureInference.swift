/// Signature inference with the semantics of MLflow's `mlflow.models.infer_signature`
/// (`_infer_schema`, `_infer_datatype`, `_infer_pandas_column`, `_infer_param_schema`).
public enum SignatureInference {
    /// The result of ``infer(input:output:params:)``: the signature plus the warnings MLflow emits.
    public struct Result: Sendable {
        public var signature: ModelSignature
        /// `warnings.warn` texts (the integer-column hint).
        public var warnings: [String]
        /// Log lines (schema fell back to AnyType).
        public var logs: [String]
    }

    static let integerHint =
        "Hint: Inferred schema contains integer column(s). Integer columns in Python cannot represent missing values. If your input data contains missing values at inference time, it will be encoded as floats and will cause a schema enforcement error. The best way to avoid this problem is to infer the model schema based on a realistic data sample (training dataset) that includes missing values. Alternatively, you can declare integer columns as doubles (float64) whenever these columns may have missing values. See `Handling Integers With Missing Values <https://www.mlflow.org/docs/latest/models.html#handling-integers-with-missing-values>`_ for more details."

    /// `infer_signature(input, output, params)`: a schema that cannot be inferred becomes
    /// `[{"type": "any", "required": true}]` with a log line, as in MLflow; params errors are thrown.
    public static func infer(
        input: SampleValue?, output: SampleValue? = nil, params: [SampleValue.DictEntry]? = nil
    ) throws(InferenceError) -> Result {
        var warnings: [String] = []
        var logs: [String] = []
        func schema(_ sample: SampleValue?, _ what: String) -> Schema? {
            guard let sample else { return nil }
            do {
                let s = try inferSchema(sample)
                if !s.isTensorSpec && s.columns.contains(where: { $0.type == .scalar(.long) || $0.type == .scalar(.integer) }) {
                    warnings.append(integerHint)
                }
                return s
            } catch {
                logs.append(
                    "Failed to infer schema for \(what). Setting schema to `Schema([ColSpec(type=AnyType())]` as default. Note that MLflow doesn't validate data types during inference for AnyType. To see the full traceback, set logging level to DEBUG.")
                return try? Schema(columns: [ColSpec(type: .any)])
            }
        }
        let inputs = schema(input, "inputs")
        let outputs = schema(output, "outputs")
        let paramSchema = try params.map { (p: [SampleValue.DictEntry]) throws(InferenceError) in try inferParams(p) }
        return Result(signature: ModelSignature(inputs: inputs, outputs: outputs, params: paramSchema), warnings: warnings, logs: logs)
    }

    /// `_infer_schema(sample)`; throws where MLflow raises.
    public static func inferSchema(_ sample: SampleValue) throws(InferenceError) -> Schema {
        do {
            return try inferSchemaUnchecked(sample)
        } catch let e as InferenceError {
            throw e
        } catch let e as SignatureError {
            throw InferenceError(e.message)
        } catch {
            throw InferenceError("\(error)")
        }
    }

    private static func inferSchemaUnchecked(_ sample: SampleValue) throws -> Schema {
        switch sample {
        case .list(let items) where items.isEmpty:
            return try Schema(columns: [ColSpec(type: .scalar(.string))])
        case .list(let items) where items.allSatisfy({ if case .dict = $0 { return true } else { return false } }):
            var order: [String] = []
            var values: [String: [SampleValue]] = [:]
            for case .dict(let entries) in items {
                for e in entries {
                    if values[e.key] == nil { order.append(e.key) }
                    values[e.key, default: []].append(e.value)
                }
            }
            return try Schema(columns: try order.map { name throws -> ColSpec in
                let required = items.allSatisfy { item in
                    guard case .dict(let entries) = item, let v = entries.last(where: { $0.key == name }) else { return false }
                    return v.value != .none
                }
                return ColSpec(type: try elementType(of: values[name] ?? []), name: .string(name), required: required)
            })
        case .dict(let entries):
            if entries.allSatisfy({ if case .ndarray = $0.value { return true } else { return false } }) && !entries.isEmpty {
                return try Schema(tensors: try entries.map { e throws -> TensorSpec in
                    guard case .ndarray(let t) = e.value else { throw InferenceError("unreachable") }
                    return try tensorSpec(t, name: .string(e.key))
                })
            }
            return try Schema(columns: try entries.map { e throws -> ColSpec in
                ColSpec(type: try colspecType(e.value), name: .string(e.key), required: requiredFromValue(e.value))
            })
        case .dataFrame(let table):
            return try Schema(columns: try zip(table.names, table.columns).map { name, column throws -> ColSpec in
                ColSpec(type: try pandasColumnType(column), name: name, required: !column.hasMissing)
            })
        case .ndarray(let t):
            return try Schema(tensors: [try tensorSpec(t, name: nil)])
        case .list:
            return try Schema(columns: [ColSpec(type: try arrayItemType(colspecType(sample)))])
        default:
            do {
                return try Schema(columns: [ColSpec(type: try colspecType(sample))])
            } catch {
                throw InferenceError("Failed to infer schema. Expected one of the following types … but got '\(sample)'.\nError: \(error)")
            }
        }
    }

    static func arrayItemType(_ t: ColumnType) throws -> ColumnType {
        // `_infer_colspec_type(list).dtype`: the Array's item type; AnyType has no `.dtype` (AttributeError).
        guard case .array(let item) = t else { throw InferenceError("'AnyType' object has no attribute 'dtype'") }
        return item
    }

    /// `_infer_colspec_type(values).dtype` for a list of column values.
    static func elementType(of values: [SampleValue]) throws -> ColumnType {
        try arrayItemType(try colspecType(.list(values)))
    }

    static func requiredFromValue(_ v: SampleValue) -> Bool {
        if case .list(let items) = v { return !items.contains { $0.isNoneOrNaN } }
        return !v.isNoneOrNaN
    }

    static func tensorSpec(_ t: Tensor, name: ColumnName?) throws -> TensorSpec {
        guard !t.shape.isEmpty else {
            throw InferenceError(
                "The specified variable_dimension 0 is out of bounds with respect to the number of dimensions 0 in the input dataset")
        }
        var shape = t.shape
        shape[0] = -1
        return TensorSpec(dtype: t.dtype, shape: shape, name: name)
    }

    /// `_infer_colspec_type` / `_infer_datatype`.
    static func colspecType(_ v: SampleValue) throws -> ColumnType {
        switch v {
        case .none: return .any
        case .float(let d) where d.isNaN: return .any
        case .list(let items) where items.isEmpty: return .any
        case .dict(let entries) where entries.isEmpty: return .any
        case .dict(let entries):
            var props: [Property] = []
            for e in entries {
                let t = try colspecType(e.value)
                props.append(Property(name: e.key, type: t, required: t != .any))
            }
            return .object(try ObjectType(properties: props))
        case .list(let items): return try arrayType(items)
        case .ndarray(let t):
            var items: [SampleValue] = []
            for i in 0..<t.count { items.append(SampleValue(tensorElement: t.json(at: i), dtype: t.dtype)) }
            if t.shape.count > 1 {
                // Nested rows: infer as a list of sub-arrays.
                let inner = Array(t.shape.dropFirst())
                let size = inner.reduce(1, *)
                let rows: [SampleValue] = (0..<t.shape[0]).compactMap { r in
                    guard let sub = try? Tensor(dtype: t.dtype, shape: inner, storage: t.slice(r * size, size)) else { return nil }
                    return .ndarray(sub)
                }
                return try arrayType(rows)
            }
            return try arrayType(items)
        case .bool: return .scalar(.boolean)
        case .int, .bigInt: return .scalar(.long)
        case .float: return .scalar(.double)
        case .string: return .scalar(.string)
        case .bytes: return .scalar(.binary)
        case .datetime: return .scalar(.datetime)
        case .numpyScalar(let dtype, _):
            switch dtype {
            case .bool: return .scalar(.boolean)
            case .int64: return .scalar(.long)
            case .int32: return .scalar(.integer)
            case .float64: return .scalar(.double)
            case .float32: return .scalar(.float)
            case .str: return .scalar(.string)
            case .bytes: return .scalar(.binary)
            case .datetime64: return .scalar(.datetime)
            default: throw InferenceError("Data \(dtype.name) is not one of the supported DataType")
            }
        case .dataFrame:
            throw InferenceError("Data DataFrame is not one of the supported DataType")
        }
    }

    /// `_infer_array_datatype`; `nil` items (empty numpy arrays) are skipped.
    static func arrayType(_ items: [SampleValue]) throws -> ColumnType {
        var result: ColumnType? = nil
        for item in items {
            if case .ndarray(let t) = item, t.count == 0 { continue }
            let t = try colspecType(item)
            guard let current = result else {
                result = t
                continue
            }
            switch current {
            case .scalar(let s):
                if t != .any && t != .scalar(s) { throw InferenceError.multipleTypes }
            default:
                do {
                    result = try TypeMerge.merge(current, t)
                } catch {
                    throw InferenceError.multipleTypes
                }
            }
        }
        guard let result else { return .any }  // only reached for all-empty ndarray items
        return .array(result)
    }

    /// `_infer_pandas_column`.
    static func pandasColumnType(_ column: Column) throws -> ColumnType {
        switch column.storage {
        case .int64: return .scalar(.long)
        case .int32: return .scalar(.integer)
        case .double: return .scalar(.double)
        case .float: return .scalar(.float)
        case .bool: return .scalar(.boolean)
        case .string: return .scalar(.string)
        case .binary: return .scalar(.binary)
        case .datetime: return .scalar(.datetime)
        case .boxed(let cells):
            // An object column: infer element-wise; MLflow falls back to string for all-string columns.
            do {
                return try elementType(of: cells.map(SampleValue.init(json:)))
            } catch {
                let allStrings = cells.allSatisfy { $0.stringValue != nil || $0.isNull || ($0.numberValue?.isNaN ?? false) }
                if allStrings { return .scalar(.string) }
                throw InferenceError("Failed to infer schema for pandas.Series. Error: \(error)")
            }
        }
    }
}

extension SampleValue {
    init(tensorElement value: JSONValue, dtype: NumpyDType) {
        switch (dtype, value) {
        case (.object, _): self = SampleValue(json: value)
        case (.bytes, .string(let s)): self = .bytes(Base64.decode(s) ?? [])
        default: self = .numpyScalar(dtype, value)
        }
    }
}

extension Tensor {
    func slice(_ start: Int, _ count: Int) -> Storage {
        let r = start..<(start + count)
        switch storage {
        case .bool(let v): return .bool(Array(v[r]))
        case .int(let v): return .int(Array(v[r]))
        case .uint64(let v): return .uint64(Array(v[r]))
        case .float32(let v): return .float32(Array(v[r]))
        case .float64(let v): return .float64(Array(v[r]))
        case .string(let v): return .string(Array(v[r]))
        case .bytes(let v): return .bytes(Array(v[r]))
        case .object(let v): return .object(Array(v[r]))
        }
    }
}
