/// The type of a model parameter: a scalar ``DataType`` (not binary) or an ``ObjectType``.
public enum ParamType: Sendable, Hashable {
    case scalar(DataType)
    case object(ObjectType)

    var typeName: String {
        switch self {
        case .scalar(let t): return t.rawValue
        case .object: return "object"
        }
    }

    var pythonRepr: String {
        switch self {
        case .scalar(let t): return t.rawValue
        case .object(let o): return ColumnType.object(o).pythonRepr
        }
    }
}

/// One inference parameter (`mlflow.types.ParamSpec`).
public struct ParamSpec: Sendable, Hashable {
    /// The parameter name.
    public let name: String
    /// The parameter type.
    public let type: ParamType
    /// The default value, already validated against type and shape (`null` allowed).
    public let `default`: JSONValue
    /// `nil` for a scalar (or object) parameter, `[-1]` for a 1-D list.
    public let shape: [Int]?

    /// Creates a parameter spec, validating and converting `default` as MLflow does (an integer
    /// default of a `double`/`float` parameter becomes a float).
    public init(name: String, type: ParamType, default value: JSONValue, shape: [Int]? = nil) throws(SignatureError) {
        self.name = name
        self.type = type
        self.shape = shape
        if case .scalar(.binary) = type {
            throw SignatureError("Binary type is not supported for parameters, ParamSpec '\(name)'has dtype 'binary'")
        }
        let spec = "\(PythonRepr.string(name)): \(type.pythonRepr) (default: …)"
        if let shape, shape != [-1] {
            throw SignatureError(
                "Shape must be None for scalar or dictionary value, or (-1,) for 1D array value for ParamSpec \(spec)), received \(PythonRepr.tuple(shape))")
        }
        self.default = try ParamSpec.validate(value, type: type, shape: shape, spec: spec)
    }

    /// Checks `value` against a type and shape, returning it converted as MLflow converts it.
    static func validate(_ value: JSONValue, type: ParamType, shape: [Int]?, spec: String) throws(SignatureError) -> JSONValue {
        if value.isNull { return .null }
        if shape == [-1] {
            guard case .array(let items) = value, !items.contains(where: { $0.arrayValue != nil }) else {
                let ndim = value.arrayValue == nil ? 0 : 2
                throw SignatureError(
                    "Value must be a 1D array with shape (-1,) for param \(spec), received \(value.pythonTypeName) with ndim \(ndim)")
            }
            var out: [JSONValue] = []
            for item in items { out.append(try convert(item, type: type, spec: spec)) }
            return .array(out)
        }
        return try convert(value, type: type, spec: spec)
    }

    private static func convert(_ value: JSONValue, type: ParamType, spec: String) throws(SignatureError) -> JSONValue {
        func fail() -> SignatureError {
            SignatureError(
                "Failed to validate type and shape for \(spec), error: Can not safely convert `<class '\(value.pythonTypeName)'>` to `DataType.\(type.typeName)` for value `\(String(JSONWriter.python.string(value).prefix(40)))`")
        }
        switch type {
        case .object(let o):
            guard case .object = value else { throw fail() }
            guard ValueConformance.conforms(value, to: .object(o)) else { throw fail() }
            return value
        case .scalar(let t):
            switch (t, value) {
            case (.boolean, .bool): return value
            case (.integer, .int), (.long, .int), (.long, .bigInt): return value
            case (.float, .int(let i)), (.double, .int(let i)): return .double(Double(i))
            case (.float, .double), (.double, .double): return value
            case (.string, .string): return value
            case (.datetime, .string(let s)):
                guard ISODateTime.parse(s) != nil else { throw fail() }
                return value
            default: throw fail()
            }
        }
    }

    /// The dict MLflow's `ParamSpec.to_dict()` produces: `name`, `default`, `shape`, `type` (+ `properties`).
    public var json: JSONValue {
        var o = JSONObject()
        o["name"] = .string(name)
        o["default"] = self.default
        o["shape"] = shape.map { .array($0.map { .int(Int64($0)) }) } ?? .null
        o["type"] = .string(type.typeName)
        if case .object(let object) = type { o["properties"] = object.propertiesJSON }
        return .object(o)
    }

    /// Python `repr`: `'k': long (default: 3)`, with ` (shape: (-1,))` for lists.
    public var pythonRepr: String {
        let shapeText = shape.map { " (shape: \(PythonRepr.tuple($0)))" } ?? ""
        return "\(PythonRepr.string(name)): \(type.pythonRepr) (default: \(PythonRepr.str(self.default, datetime: type == .scalar(.datetime))))\(shapeText)"
    }
}

/// The parameters of a model (`mlflow.types.ParamSchema`).
public struct ParamSchema: Sendable, Hashable {
    /// The parameters in order.
    public let params: [ParamSpec]

    /// Throws on duplicate names, as MLflow does.
    public init(params: [ParamSpec]) throws(SignatureError) {
        var seen = Set<String>()
        var duplicates: [String] = []
        for p in params where !seen.insert(p.name).inserted && !duplicates.contains(p.name) { duplicates.append(p.name) }
        if !duplicates.isEmpty {
            throw SignatureError(
                "Duplicated parameters found in schema: [\(duplicates.map { PythonRepr.string($0) }.joined(separator: ", "))]")
        }
        self.params = params
    }

    /// The parameter named `name`.
    public subscript(name: String) -> ParamSpec? { params.first { $0.name == name } }

    /// The list MLflow's `ParamSchema.to_dict()` produces.
    public var json: JSONValue { .array(params.map(\.json)) }

    /// The exact string MLflow writes into MLmodel.
    public var jsonString: String { JSONWriter.python.string(json) }

    /// Python `repr`.
    public var pythonRepr: String { "[" + params.map(\.pythonRepr).joined(separator: ", ") + "]" }
}
