import Foundation
@testable import MLPackCore

/// Reads the fixtures' `describe()` typed encoding (fixtures/mlflow/README.md) and renders both
/// sides — MLflow's recorded values and mlpack's enforced values — in one canonical JSON form:
/// `["int", 1]`, `["float", 1.5]`, `["bool", true]`, `["str", "a"]`, `["bytes", base64]`,
/// `["datetime", iso]`, `"missing"` (None/NaN/NaT), lists and dicts of those. numpy-vs-Python
/// scalar types are not distinguished (Swift has one `Int64`), int-vs-float is.
enum DescribeEncoding {
    static func tag(_ t: String, _ v: JSONValue) -> JSONValue { .array([.string(t), v]) }
    static let missing: JSONValue = "missing"

    static func float(_ v: JSONValue) -> JSONValue {
        switch v {
        case .string("NaN"): return missing
        case .string("Infinity"): return tag("float", "inf")
        case .string("-Infinity"): return tag("float", "-inf")
        case .double(let d): return d.isNaN ? missing : d.isInfinite ? tag("float", d > 0 ? "inf" : "-inf") : tag("float", .double(d))
        case .int(let i): return tag("float", .double(Double(i)))
        default: return tag("float?", v)
        }
    }

    static func dtypeKind(_ dtype: String) -> String {
        if dtype.hasPrefix("<U") || dtype == "str" { return "str" }
        if dtype.hasPrefix("|S") || dtype == "bytes" { return "bytes" }
        return dtype
    }

    /// A leaf of a numpy array of `dtype`.
    static func leaf(_ v: JSONValue, dtype: String) -> JSONValue {
        let k = dtypeKind(dtype)
        if k.hasPrefix("int") || k.hasPrefix("uint") { return tag("int", v) }
        if k.hasPrefix("float") { return float(v) }
        if k == "bool" { return tag("bool", v) }
        if k == "str" { return tag("str", v) }
        if k == "bytes" { return tag("bytes", v) }
        if k.hasPrefix("datetime") { return v.isNull ? missing : tag("datetime", v) }
        return cell(v)
    }

    static func nested(_ v: JSONValue, dtype: String) -> JSONValue {
        if case .array(let a) = v { return .array(a.map { nested($0, dtype: dtype) }) }
        return leaf(v, dtype: dtype)
    }

    /// A `describe()`d Python value (cell level).
    static func cell(_ d: JSONValue) -> JSONValue {
        guard let t = d["t"]?.stringValue else { return tag("?", d) }
        let v = d["v"] ?? .null
        switch t {
        case "list", "tuple": return .array((v.arrayValue ?? []).map(cell))
        case "dict":
            var o = JSONObject()
            for (k, x) in v.objectValue ?? JSONObject() { o[k] = cell(x) }
            return .object(o)
        case "numpy.ndarray": return nested(v, dtype: d["dtype"]?.stringValue ?? "object")
        case "NoneType", "pandas.NaT": return missing
        case "bool", "numpy.bool", "numpy.bool_": return tag("bool", v)
        case "str", "numpy.str_": return tag("str", v)
        case "bytes", "numpy.bytes_": return tag("bytes", v)
        case "pandas.Timestamp", "datetime.datetime", "numpy.datetime64", "datetime.date": return tag("datetime", v)
        default:
            if t == "int" || t.hasPrefix("numpy.int") || t.hasPrefix("numpy.uint") { return tag("int", v) }
            if t == "float" || t.hasPrefix("numpy.float") { return float(v) }
            return tag(t, v)
        }
    }

    /// A top-level converted value: DataFrame, ndarray, dict of ndarrays, or a plain value.
    static func top(_ d: JSONValue) -> JSONValue {
        switch d["t"]?.stringValue {
        case "pandas.DataFrame":
            let cols = (d["columns"]?.arrayValue ?? []).map { JSONValue.string(PythonRepr.str($0)) }
            var dtypes: [JSONValue] = []
            var data: [JSONValue] = []
            for c in d["columns"]?.arrayValue ?? [] {
                let key = PythonRepr.str(c)
                dtypes.append(.string(frameKind(d["dtypes"]?[key]?.stringValue ?? "?")))
                data.append(.array((d["data"]?[key]?.arrayValue ?? []).map(cell)))
            }
            return ["table": ["columns": .array(cols), "dtypes": .array(dtypes), "data": .array(data)]]
        case "numpy.ndarray":
            return ["tensor": tensor(dtype: d["dtype"]?.stringValue ?? "?", shape: d["shape"] ?? .null, v: d["v"] ?? .null)]
        case "dict" where (d["v"]?.objectValue?.values ?? []).allSatisfy({ $0["t"]?.stringValue == "numpy.ndarray" }) && !(d["v"]?.objectValue?.isEmpty ?? true):
            var o = JSONObject()
            for (k, x) in d["v"]?.objectValue ?? JSONObject() {
                o[k] = tensor(dtype: x["dtype"]?.stringValue ?? "?", shape: x["shape"] ?? .null, v: x["v"] ?? .null)
            }
            return ["tensors": .object(o)]
        default:
            return ["value": cell(d)]
        }
    }

    static func frameKind(_ dtype: String) -> String { dtype == "str" ? "object" : dtype }

    static func tensor(dtype: String, shape: JSONValue, v: JSONValue) -> JSONValue {
        ["dtype": .string(dtypeKind(dtype)), "shape": shape, "data": nested(v, dtype: dtype)]
    }

    // MARK: mlpack side

    static func json(_ v: JSONValue) -> JSONValue {
        switch v {
        case .null: return missing
        case .bool: return tag("bool", v)
        case .int, .bigInt: return tag("int", v)
        case .double: return float(v)
        case .string: return tag("str", v)
        case .array(let a): return .array(a.map(json))
        case .object(let o):
            var out = JSONObject()
            for (k, x) in o { out[k] = json(x) }
            return .object(out)
        }
    }

    static func column(_ c: Column) -> [JSONValue] {
        (0..<c.count).map { row -> JSONValue in
            if let validity = c.validity, !validity[row] { return missing }
            switch c.storage {
            case .int64(let v): return tag("int", .int(v[row]))
            case .int32(let v): return tag("int", .int(Int64(v[row])))
            case .double(let v): return float(.double(v[row]))
            case .float(let v): return float(.double(Double(v[row])))
            case .bool(let v): return tag("bool", .bool(v[row]))
            case .string(let v): return tag("str", .string(v[row]))
            case .binary(let v): return tag("bytes", .string(Base64.encode(v[row])))
            case .datetime(let v): return tag("datetime", .string(ISODateTime(epochNanoseconds: v[row]).isoformat))
            case .boxed(let v): return json(v[row])
            }
        }
    }

    static func tensor(_ t: Tensor) -> JSONValue {
        var flat: [JSONValue] = []
        for i in 0..<t.count {
            let e = TensorValues.element(t, i)
            switch t.dtype {
            case .bytes: flat.append(tag("bytes", e))
            case .datetime64: flat.append(e.isNull ? missing : tag("datetime", e))
            case .object: flat.append(json(e))
            case .float16, .float32, .float64: flat.append(float(e))
            default: flat.append(leaf(e, dtype: t.dtype.name))
            }
        }
        var index = 0
        func build(_ dim: Int) -> JSONValue {
            if dim == t.shape.count {
                defer { index += 1 }
                return index < flat.count ? flat[index] : .null
            }
            return .array((0..<t.shape[dim]).map { _ in build(dim + 1) })
        }
        return ["dtype": .string(dtypeKind(t.dtype.name)), "shape": .array(t.shape.map { .int(Int64($0)) }), "data": build(0)]
    }

    static func top(_ input: ModelInput) -> JSONValue {
        switch input {
        case .table(let t):
            return ["table": [
                "columns": .array(t.names.map { .string($0.description) }),
                "dtypes": .array(t.columns.map { .string(frameKind($0.dtypeName)) }),
                "data": .array(t.columns.map { .array(column($0)) }),
            ]]
        case .tensor(let t): return ["tensor": tensor(t)]
        case .namedTensors(let ts):
            var o = JSONObject()
            for nt in ts { o[nt.name] = tensor(nt.tensor) }
            return ["tensors": .object(o)]
        case .value(let v): return ["value": json(v)]
        }
    }

    // MARK: building predict inputs

    /// The plain `json.loads`-like value of a described Python value.
    static func plain(_ d: JSONValue) -> JSONValue {
        let v = d["v"] ?? .null
        switch d["t"]?.stringValue {
        case "list", "tuple": return .array((v.arrayValue ?? []).map(plain))
        case "dict":
            var o = JSONObject()
            for (k, x) in v.objectValue ?? JSONObject() { o[k] = plain(x) }
            return .object(o)
        default:
            if case .string(let s) = v, ["NaN", "Infinity", "-Infinity"].contains(s), d["t"]?.stringValue?.contains("float") ?? false {
                return .double(s == "NaN" ? .nan : s == "Infinity" ? .infinity : -.infinity)
            }
            return v
        }
    }

    /// The ``ModelInput`` for a described pandas/numpy/plain Python input.
    static func modelInput(_ d: JSONValue) throws -> ModelInput {
        switch d["t"]?.stringValue {
        case "pandas.DataFrame":
            var names: [ColumnName] = []
            var cols: [Column] = []
            for c in d["columns"]?.arrayValue ?? [] {
                let key = PythonRepr.str(c)
                names.append(c.intValue.map { .int($0) } ?? .string(key))
                let cells = (d["data"]?[key]?.arrayValue ?? []).map(plain)
                switch d["dtypes"]?[key]?.stringValue {
                case "int64": cols.append(Column(.int64(cells.map { $0.intValue ?? 0 })))
                case "float64": cols.append(Column(.double(cells.map { $0.numberValue ?? .nan })))
                case "bool": cols.append(Column(.bool(cells.map { $0.boolValue ?? false })))
                case "str": cols.append(Column(.string(cells.map { $0.stringValue ?? "" }), validity: cells.map { !$0.isNull }))
                default: cols.append(Column(.boxed(cells)))
                }
            }
            return .table(try Table(names: names, columns: cols, rowCount: d["shape"]?.arrayValue?.first?.intValue.map(Int.init) ?? 0))
        case "numpy.ndarray":
            let dtype = try NumpyDType(parsing: d["dtype"]?.stringValue ?? "object")
            return .tensor(try NumpyArrayBuilder.array(d["v"] ?? .null, dtype: dtype))
        default:
            return .value(plain(d))
        }
    }
}
