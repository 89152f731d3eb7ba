/// One column of a column-based schema (`mlflow.types.ColSpec`).
public struct ColSpec: Sendable, Hashable {
    /// The column type.
    public var type: ColumnType
    /// The column name; `nil` for unnamed (positional) columns.
    public var name: ColumnName?
    /// Whether the column must be present and non-null.
    public var required: Bool
    /// `true` when the JSON had no `required` key for a composite type: MLflow then stores `None`
    /// (treated as optional) and writes `"required": null`; kept so a re-write matches MLflow.
    var requiredIsNone = false

    public init(type: ColumnType, name: ColumnName? = nil, required: Bool = true) {
        self.type = type
        self.name = name
        self.required = required
    }

    /// The dict MLflow's `ColSpec.to_dict()` produces: type keys, then `name` (if any), then `required`.
    public var json: JSONValue {
        guard case .object(var o) = type.json else { return .null }
        if let name { o["name"] = name.json }
        o["required"] = requiredIsNone ? .null : .bool(required)
        return .object(o)
    }

    /// Python `repr` as MLflow prints it in error messages: `'a': long (required)`.
    public var pythonRepr: String {
        let req = required ? "required" : "optional"
        if let name { return "\(name.pythonRepr): \(type.pythonRepr) (\(req))" }
        return "\(type.pythonRepr) (\(req))"
    }
}

extension ColumnType {
    /// The type dict MLflow writes (`{"type": "long"}`, `{"type": "array", "items": {...}}`, ...).
    public var json: JSONValue {
        var o = JSONObject()
        o["type"] = .string(typeName)
        switch self {
        case .scalar, .any, .sparkMLVector: break
        case .array(let items): o["items"] = items.json
        case .map(let values): o["values"] = values.json
        case .object(let object): o["properties"] = object.propertiesJSON
        }
        return .object(o)
    }

    /// Python `repr` as MLflow prints it: `long`, `Array(string)`, `{a: long (required)}`, `Map(str -> DataType.double)`, `Any`.
    public var pythonRepr: String {
        switch self {
        case .scalar(let t): return t.rawValue
        case .array(let items): return "Array(\(items.pythonRepr))"
        case .object(let o):
            return "{" + o.properties.map { "\($0.name): \($0.type.pythonRepr) (\($0.required ? "required" : "optional"))" }
                .joined(separator: ", ") + "}"
        case .map(let values):
            // Map's repr uses str() of the value type, which for a DataType enum member is "DataType.x".
            if case .scalar(let t) = values { return "Map(str -> DataType.\(t.rawValue))" }
            return "Map(str -> \(values.pythonRepr))"
        case .any: return "Any"
        case .sparkMLVector: return "SparkML vector"
        }
    }
}

extension ObjectType {
    var propertiesJSON: JSONValue {
        var props = JSONObject()
        for p in properties {
            guard case .object(var d) = p.type.json else { continue }
            d["required"] = .bool(p.required)
            props[p.name] = .object(d)
        }
        return .object(props)
    }
}
