/// MLflow's strict per-column and per-value checks (`_enforce_mlflow_datatype`, `_enforce_datatype`,
/// `_enforce_array`, `_enforce_object`, `_enforce_map`), on mlpack's typed columns and JSON values.
enum ColumnTypeEnforcement {
    typealias Refusal = NumpyArrayBuilder.Failure

    /// The numpy dtype text MLflow prints for a target type (`DataType.to_numpy()`).
    static func numpyName(_ t: DataType) -> String {
        switch t {
        case .boolean: return "bool"
        case .integer: return "int32"
        case .long: return "int64"
        case .float: return "float32"
        case .double: return "float64"
        case .string: return "<U0"
        case .binary: return "|S0"
        case .datetime: return "datetime64[ns]"
        }
    }

    /// pandas `infer_objects()` on an object column.
    static func inferObjects(_ c: Column) -> Column {
        guard case .boxed(let cells) = c.storage else { return c }
        let inferred = Column(inferringFrom: cells)
        if case .string = inferred.storage { return c }  // object columns of str stay object
        return inferred
    }

    /// `_enforce_mlflow_datatype(name, values, t)`: accepts a column whose dtype is compatible
    /// with `t`, upcasting where MLflow does; otherwise MLflow's "Incompatible input types" error.
    static func enforce(_ column: Column, name: String, type t: DataType) throws(Refusal) -> Column {
        var c = column
        if t != .binary && t != .string { c = inferObjects(c) }
        func fail(_ hint: String = "") -> Refusal {
            Refusal("Incompatible input types for column \(name). Can not safely convert \(c.dtypeName) to \(numpyName(t)).\(hint)")
        }
        switch (t, c.storage) {
        case (.string, .string), (.string, .boxed): return c
        case (.long, .int64), (.integer, .int32), (.double, .double), (.float, .float), (.boolean, .bool),
             (.binary, .binary), (.binary, .string), (.datetime, .datetime), (.boolean, .boxed):
            return c
        case (.datetime, .boxed(let cells)):
            var ns: [Int64] = []
            var valid: [Bool] = []
            for cell in cells {
                switch cell {
                case .null:
                    ns.append(0)
                    valid.append(false)
                case .string(let s):
                    if DatetimeText.hasTimezone(s) { throw Refusal(DatetimeText.timezoneMessage) }
                    guard let d = ISODateTime.parse(s)?.epochNanoseconds else {
                        throw Refusal("Failed to convert column \(name) from type object to datetime.")
                    }
                    ns.append(d)
                    valid.append(true)
                default:
                    throw Refusal("Failed to convert column \(name) from type object to datetime.")
                }
            }
            return Column(.datetime(ns), validity: valid)
        case (.long, .int32(let v)): return Column(.int64(v.map(Int64.init)), validity: c.validity)
        case (.double, .int32(let v)): return Column(.double(v.map(Double.init)), validity: c.validity)
        case (.double, .float(let v)): return Column(.double(v.map(Double.init)), validity: c.validity)
        case (.double, .int64(let v)), (.float, .int64(let v)):
            guard v.enumerated().allSatisfy({ c.isMissing($0.offset) || $0.element == 0 || $0.element == 1 }) else { throw fail() }
            return t == .double ? Column(.double(v.map(Double.init)), validity: c.validity)
                : Column(.float(v.map(Float.init)), validity: c.validity)
        case (.long, .double(let v)), (.integer, .double(let v)):
            let hasNaN = v.contains { $0.isNaN }
            let allInts = v.allSatisfy { $0.isNaN || $0.rounded(.towardZero) == $0 }
            throw fail(hasNaN && allInts ? missingValuesHint : "")
        default:
            throw fail()
        }
    }

    static let missingValuesHint =
        " Hint: the type mismatch is likely caused by missing values. Integer columns in python can not represent missing values and are therefore encoded as floats. The best way to avoid this problem is to infer the model schema based on a realistic data sample (training dataset) that includes missing values. Alternatively, you can declare integer columns as doubles (float64) whenever these columns may have missing values. See `Handling Integers With Missing Values <https://www.mlflow.org/docs/latest/models.html#handling-integers-with-missing-values>`_ for more details."

    static func isScalar(_ v: JSONValue) -> Bool {
        switch v {
        case .null, .array, .object: return false
        default: return true
        }
    }

    static func isNoneOrNaN(_ v: JSONValue) -> Bool {
        if case .double(let d) = v { return d.isNaN }
        return v.isNull
    }

    /// `_enforce_type(data, type, required)` on a JSON value; returns the converted value.
    static func enforce(_ value: JSONValue, type: ColumnType, required: Bool) throws(Refusal) -> JSONValue {
        switch type {
        case .any: return value
        case .scalar(let t): return try enforceScalar(value, t, required: required)
        case .array(let items): return try enforceArray(value, items: items, required: required)
        case .object(let o): return try enforceObject(value, o, required: required)
        case .map(let values): return try enforceMap(value, values: values, required: required)
        case .sparkMLVector:
            guard case .array(let a) = value, a.allSatisfy({ $0.numberValue != nil }) else {
                throw Refusal("Expected data to be a list of numbers (SparkML vector), got \(value.pythonTypeName)")
            }
            return .array(a.map { .double($0.numberValue ?? .nan) })
        }
    }

    /// `_enforce_datatype`.
    static func enforceScalar(_ value: JSONValue, _ t: DataType, required: Bool) throws(Refusal) -> JSONValue {
        if !required && isNoneOrNaN(value) { return .null }
        guard isScalar(value) else { throw Refusal("Expected data to be scalar, got \(value.pythonTypeName)") }
        do {
            let c = try enforce(Column(inferringFrom: [value]), name: "", type: t)
            return cell(c, 0, t)
        } catch {
            throw Refusal("Failed to enforce schema of data `\(Echo.str(value))` with dtype `\(t.rawValue)`")
        }
    }

    /// A cell of an enforced column as the Python value `to_numpy(dtype)` / `Series[i]` gives.
    static func cell(_ c: Column, _ row: Int, _ t: DataType) -> JSONValue {
        let v = c.json(at: row)
        if t == .string, case .boxed = c.storage {
            switch v {
            case .int, .bigInt, .double, .bool: return .string(PythonRepr.str(v))
            default: return v
            }
        }
        return v
    }

    /// `_enforce_array`.
    static func enforceArray(_ value: JSONValue, items: ColumnType, required: Bool) throws(Refusal) -> JSONValue {
        if !required || items == .any {
            if value.isNull { return value }
            if case .array(let a) = value, a.isEmpty { return value }
        }
        guard case .array(let elements) = value else {
            throw Refusal("Expected data to be list or numpy array, got \(value.pythonTypeName)")
        }
        guard case .scalar(let t) = items else {
            var out: [JSONValue] = []
            for e in elements { out.append(try enforce(e, type: items, required: required)) }
            return .array(out)
        }
        if let i = elements.firstIndex(where: \.isNull), [.string, .boolean, .binary].contains(t) {
            let what = t == .string
                ? "MLflow (with pandas 3) would cut every string of this array to its first character"
                : t == .boolean ? "MLflow would read it as False" : "MLflow would store the text 'None'"
            throw Refusal("element \(i) of the Array(\(t.rawValue)) value is null; \(what)", deviation: true)
        }
        if elements.isEmpty { return value }
        let c = try enforce(Column(inferringFrom: elements), name: "", type: t)
        if t == .float, case .float(let v) = c.storage, let i = v.indices.first(where: { v[$0].isInfinite && (elements[$0].numberValue?.isFinite ?? false) }) {
            throw Refusal("element \(i) (\(Echo.str(elements[i]))) is too large for float32; it would become inf", deviation: true)
        }
        return .array((0..<c.count).map { cell(c, $0, t) })
    }

    static func setRepr(_ names: [String]) -> String { "{" + names.map { PythonRepr.string($0) }.joined(separator: ", ") + "}" }

    /// `_enforce_object`.
    static func enforceObject(_ value: JSONValue, _ type: ObjectType, required: Bool) throws(Refusal) -> JSONValue {
        if !required && isNoneOrNaN(value) { return .null }
        guard case .object(let o) = value else {
            throw Refusal(
                "Failed to enforce schema of \(PythonRepr.string(Echo.str(value))) with type '\(ColumnType.object(type).pythonRepr)'. Expected data to be dictionary, got \(value.pythonTypeName)")
        }
        let missing = type.properties.filter { $0.required && !o.contains($0.name) }.map(\.name)
        if !missing.isEmpty { throw Refusal("Missing required properties: \(setRepr(missing))") }
        let invalid = o.keys.filter { type[$0] == nil }
        if !invalid.isEmpty {
            throw Refusal("Invalid properties not defined in the schema found: \(setRepr(invalid.map { Echo.cut($0) }))")
        }
        var out = JSONObject()
        for (k, v) in o {
            guard let p = type[k] else { continue }
            do {
                out[k] = try enforce(v, type: p.type, required: p.required)
            } catch {
                if error.isDeviation {
                    throw Refusal("property `\(k)`: \(error.message)", deviation: true)
                }
                throw Refusal(
                    "Failed to enforce schema for key `\(k)`. Expected type \(p.type.typeName), received type \(v.pythonTypeName)")
            }
        }
        return .object(out)
    }

    /// `_enforce_map`.
    static func enforceMap(_ value: JSONValue, values: ColumnType, required: Bool) throws(Refusal) -> JSONValue {
        if !required || values == .any {
            if value.isNull { return value }
            if case .object(let o) = value, o.isEmpty { return value }
        }
        guard case .object(let o) = value else { throw Refusal("Expected data to be a dict, got \(value.pythonTypeName)") }
        var out = JSONObject()
        for (k, v) in o { out[k] = try enforce(v, type: values, required: required) }
        return .object(out)
    }
}
