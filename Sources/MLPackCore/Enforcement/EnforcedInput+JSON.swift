extension EnforcedInput {
    /// The enforced input as `mlpack check-input` prints it: a table as
    /// `{"columns": [...], "types": {"<col>": "<type>"}, "data": [[row]...]}`, a tensor as
    /// `{"dtype": ..., "shape": [...], "data": nested}`, named tensors as `{"tensors": {name: tensor}}`,
    /// a plain value as `{"value": ...}`; plus `"params"`. Binary cells are base64 text, datetimes ISO text.
    public var checkInputJSON: JSONValue {
        var o: JSONObject
        switch input {
        case .table(let t):
            o = JSONObject()
            o["columns"] = .array(t.names.map(\.json))
            var types = JSONObject()
            for (name, column) in zip(t.names, t.columns) {
                types[name.description] = .string(columnTypes[name]?.pythonRepr ?? Self.typeName(of: column))
            }
            o["types"] = .object(types)
            o["data"] = .array((0..<t.rowCount).map { .array(t.row($0)) })
        case .tensor(let t): o = Self.tensorJSON(t)
        case .namedTensors(let ts):
            var named = JSONObject()
            for nt in ts { named[nt.name] = .object(Self.tensorJSON(nt.tensor)) }
            o = JSONObject([("tensors", .object(named))])
        case .value(let v): o = JSONObject([("value", v)])
        }
        o["params"] = .object(params)
        return .object(o)
    }

    static func tensorJSON(_ t: Tensor) -> JSONObject {
        JSONObject([("dtype", .string(t.dtype.name)), ("shape", .array(t.shape.map { .int(Int64($0)) })), ("data", TensorValues.json(t))])
    }

    /// The MLflow type name of a column without a schema type.
    static func typeName(of c: Column) -> String {
        switch c.storage {
        case .string: return "string"
        case .int64: return "long"
        case .int32: return "integer"
        case .double: return "double"
        case .float: return "float"
        case .bool: return "boolean"
        case .binary: return "binary"
        case .datetime: return "datetime"
        case .boxed: return "Any"
        }
    }
}
