/// The type of a column, object property, array item or map value: a scalar ``DataType`` or one of
/// MLflow's composite types (`Array`, `Object`, `Map`, `AnyType`, `SparkMLVector`).
public indirect enum ColumnType: Sendable, Hashable {
    /// A scalar type.
    case scalar(DataType)
    /// `Array(items)`: a list whose elements all have the item type.
    case array(ColumnType)
    /// `Object(properties)`: a JSON object with named, typed properties.
    case object(ObjectType)
    /// `Map(str -> values)`: string keys, values of one type.
    case map(ColumnType)
    /// `AnyType`: anything, including null, unchecked.
    case any
    /// `SparkMLVector` (an array of doubles in Spark ML).
    case sparkMLVector

    /// The type tag MLflow writes as `"type"`.
    public var typeName: String {
        switch self {
        case .scalar(let t): return t.rawValue
        case .array: return "array"
        case .object: return "object"
        case .map: return "map"
        case .any: return "any"
        case .sparkMLVector: return "sparkml_vector"
        }
    }
}

/// An object type: properties sorted by name, as MLflow's `Object` keeps them.
public struct ObjectType: Sendable, Hashable {
    /// The properties, sorted by name.
    public private(set) var properties: [Property]

    /// Creates an object type; properties are sorted by name. Throws on an empty list or duplicate names.
    public init(properties: [Property]) throws(SignatureError) {
        if properties.isEmpty { throw SignatureError("Creating Object with empty properties is not allowed.") }
        var seen = Set<String>()
        var duplicates: [String] = []
        for p in properties where !seen.insert(p.name).inserted { duplicates.append(p.name) }
        if !duplicates.isEmpty {
            throw SignatureError("Found duplicated property names: {\(duplicates.map { PythonRepr.string($0) }.joined(separator: ", "))}")
        }
        self.properties = properties.sorted { PythonRepr.codePointLess($0.name, $1.name) }
    }

    /// The property named `name`.
    public subscript(name: String) -> Property? { properties.first { $0.name == name } }
}

/// A named property of an ``ObjectType``.
public struct Property: Sendable, Hashable {
    public var name: String
    public var type: ColumnType
    public var required: Bool

    public init(name: String, type: ColumnType, required: Bool = true) {
        self.name = name
        self.type = type
        self.required = required
    }
}
