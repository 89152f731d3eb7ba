/// The Python object MLflow's `PyFuncModel.predict` receives before `_enforce_schema`: a
/// DataFrame, an ndarray, a dict (of arrays or plain values), a list of such dicts, or a plain
/// `json.loads` value.
enum PyInput {
    /// One value of a dict: a numpy array (0-d for a numpy scalar) or a plain Python value.
    enum Cell {
        case array(Tensor)
        case plain(JSONValue)

        var json: JSONValue {
            switch self {
            case .array(let t): return TensorValues.json(t)
            case .plain(let v): return v
            }
        }

        var isScalar: Bool {
            switch self {
            case .array(let t): return t.shape.isEmpty
            case .plain(let v):
                switch v {
                case .array, .object: return false
                default: return true
                }
            }
        }
    }

    case frame(Table)
    case array(Tensor)
    case dict([(String, Cell)])
    case records([[(String, Cell)]])
    case plain(JSONValue)

    /// Python's `type(x)` text as MLflow prints it.
    var pythonTypeText: String {
        switch self {
        case .frame: return "<class 'pandas.DataFrame'>"
        case .array: return "<class 'numpy.ndarray'>"
        case .dict: return "<class 'dict'>"
        case .records: return "<class 'list'>"
        case .plain(let v): return "<class '\(v.pythonTypeName)'>"
        }
    }
}

/// Conversions between tensors, JSON and columns.
enum TensorValues {
    /// `tolist()` of the array, datetimes as ISO text (NaT as null).
    static func json(_ t: Tensor) -> JSONValue {
        guard case .datetime64 = t.dtype, case .int(let ns) = t.storage else { return t.json }
        let texts: [JSONValue] = ns.map { $0 == Int64.min ? .null : .string(ISODateTime(epochNanoseconds: $0).isoformat) }
        guard let strings = try? Tensor(dtype: .object, shape: t.shape, storage: .object(texts)) else { return .null }
        return strings.json
    }

    /// Element `i` as JSON (datetimes as ISO text).
    static func element(_ t: Tensor, _ i: Int) -> JSONValue {
        if case .datetime64 = t.dtype, case .int(let ns) = t.storage {
            return ns[i] == Int64.min ? .null : .string(ISODateTime(epochNanoseconds: ns[i]).isoformat)
        }
        return t.json(at: i)
    }

    /// A 1-D array (or the elements of any array, flattened) as a typed column.
    static func column(_ t: Tensor) -> Column {
        switch (t.dtype, t.storage) {
        case (.int32, .int(let v)): return Column(.int32(v.map { Int32(truncatingIfNeeded: $0) }))
        case (.datetime64, .int(let v)): return Column(.datetime(v), validity: v.map { $0 != Int64.min })
        case (_, .int(let v)): return Column(.int64(v))
        case (.float64, .float64(let v)): return Column(.double(v))
        case (_, .float32(let v)): return Column(.float(v))
        case (_, .float64(let v)): return Column(.double(v))
        case (_, .bool(let v)): return Column(.bool(v))
        case (_, .string(let v)): return Column(.string(v))
        case (_, .bytes(let v)): return Column(.binary(v))
        default: return Column(.boxed((0..<t.count).map { element(t, $0) }))
        }
    }

    /// Rows of an array of rank ≥ 1, each as JSON (`list(array)`).
    static func rows(_ t: Tensor) -> [JSONValue] {
        guard case .array(let items) = json(t) else { return [] }
        return items
    }
}
