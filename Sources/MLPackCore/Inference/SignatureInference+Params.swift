extension SignatureInference {
    /// `_infer_param_schema(params)`: every failing parameter is reported in one error
    /// (`Failed to infer schema for parameters: [...]`).
    public static func inferParams(_ params: [SampleValue.DictEntry]) throws(InferenceError) -> ParamSchema {
        var specs: [ParamSpec] = []
        var failures: [String] = []
        for p in params {
            do {
                let (type, shape, value) = try typeAndShape(p.value)
                specs.append(try ParamSpec(name: p.key, type: type, default: value, shape: shape))
            } catch let e as SignatureError {
                failures.append("('\(p.key)', \(e.message))")
            } catch {
                failures.append("('\(p.key)', \(error))")
            }
        }
        if !failures.isEmpty {
            throw InferenceError("Failed to infer schema for parameters: [\(failures.joined(separator: ", "))]")
        }
        do {
            return try ParamSchema(params: specs)
        } catch {
            throw InferenceError(error.message)
        }
    }

    /// `_infer_type_and_shape(value)`, returning the default as JSON.
    static func typeAndShape(_ value: SampleValue) throws -> (ParamType, [Int]?, JSONValue) {
        switch value {
        case .list(let items):
            if items.contains(where: { if case .list = $0 { return true } else { return false } }) {
                throw InferenceError("Expected parameters to be 1D array or scalar, got 2D array")
            }
            if items.allSatisfy({ if case .datetime = $0 { return true } else { return false } }) {
                return (.scalar(.datetime), [-1], .array(try items.map(paramJSON)))
            }
            return (.scalar(try numpyArrayType(items)), [-1], .array(try items.map(paramJSON)))
        case .ndarray(let t):
            guard t.shape.count == 1 else {
                throw InferenceError("Expected parameters to be 1D array or scalar, got \(t.shape.count)D array")
            }
            let type = try SignatureInference.dataType(numpy: t.dtype)
            return (.scalar(type), [-1], t.json)
        case .datetime: return (.scalar(.datetime), nil, try paramJSON(value))
        case .dict(let entries):
            guard case .object(let o) = try colspecType(value) else {
                throw InferenceError("'dtype' must be DataType, Object or str, got Any")
            }
            _ = entries
            return (.object(o), nil, try paramJSON(value))
        case .none:
            throw InferenceError("Expected parameters to be 1D array or scalar, got NoneType")
        default:
            return (.scalar(try numpyArrayType([value])), nil, try paramJSON(value))
        }
    }

    /// The dtype numpy gives `np.array(items)`, mapped to a DataType (`_infer_numpy_dtype`).
    static func numpyArrayType(_ items: [SampleValue]) throws -> DataType {
        var kinds = Set<String>()
        for i in items {
            switch i {
            case .bool: kinds.insert("b")
            case .int, .bigInt: kinds.insert("i")
            case .float: kinds.insert("f")
            case .string: kinds.insert("U")
            case .bytes: kinds.insert("S")
            case .numpyScalar(let d, _): kinds.insert(d == .float32 ? "f4" : d == .int32 ? "i4" : d.name)
            default: kinds.insert("O")
            }
        }
        if kinds.contains("O") || kinds.isEmpty && !items.isEmpty {
            throw InferenceError("Can not infer object without looking at the values, call _map_numpy_array instead.")
        }
        if kinds.contains("U") { return .string }  // numpy turns mixed scalars into strings
        if kinds.contains("S") { return .binary }
        if kinds == ["b"] || kinds == ["bool"] { return .boolean }
        if kinds.isSubset(of: ["f4"]) && !kinds.isEmpty { return .float }
        if kinds.isSubset(of: ["i4"]) && !kinds.isEmpty { return .integer }
        if kinds.contains("f") || kinds.contains("float64") || kinds.contains("f4") { return .double }
        if kinds.isEmpty { return .double }  // np.array([]) is float64
        return .long
    }

    static func dataType(numpy dtype: NumpyDType) throws -> DataType {
        switch dtype {
        case .bool: return .boolean
        case .int8, .int16, .int32, .uint8, .uint16: return .integer
        case .int64, .uint32: return .long
        case .float16, .float32: return .float
        case .float64: return .double
        case .str: return .string
        case .bytes: return .binary
        case .datetime64: return .datetime
        default:
            throw InferenceError("Unsupported numpy data type '\(dtype.name)'")
        }
    }

    /// The JSON default MLflow writes for a parameter value (datetimes as `isoformat()`).
    static func paramJSON(_ v: SampleValue) throws -> JSONValue {
        switch v {
        case .none: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .bigInt(let t): return .bigInt(t)
        case .float(let d): return .double(d)
        case .string(let s): return .string(s)
        case .bytes: throw InferenceError("Binary type is not supported for parameters")
        case .datetime(let d): return .string(d.isoformat)
        case .numpyScalar(_, let j): return j
        case .list(let items): return .array(try items.map(paramJSON))
        case .dict(let entries):
            var o = JSONObject()
            for e in entries { o[e.key] = try paramJSON(e.value) }
            return .object(o)
        case .ndarray(let t): return t.json
        case .dataFrame: throw InferenceError("Expected parameters to be 1D array or scalar, got DataFrame")
        }
    }
}
