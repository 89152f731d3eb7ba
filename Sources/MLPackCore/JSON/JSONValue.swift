/// A JSON document value as Python's `json` module sees it.
///
/// Objects keep their keys in document order (``JSONObject``), because MLflow writes JSON with
/// `json.dumps` without sorting and byte compatibility depends on the order. Integers that do not
/// fit in `Int64` (Python ints are unbounded, numpy `uint64` values exceed `Int64.max`) are kept as
/// their exact decimal text in ``bigInt(_:)`` so that reading and writing them loses nothing.
/// Non-finite doubles (`NaN`, `Infinity`, `-Infinity`) are legal values, as in Python.
public enum JSONValue: Sendable, Hashable {
    /// `null` (Python `None`).
    case null
    /// `true` / `false`.
    case bool(Bool)
    /// An integer that fits in `Int64`.
    case int(Int64)
    /// An integer outside the `Int64` range, as its exact decimal text (optional leading `-`, no leading zeros).
    case bigInt(String)
    /// A floating point number (JSON number with a fraction or exponent, or a non-finite token).
    case double(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object with ordered keys.
    case object(JSONObject)
}

extension JSONValue {
    /// The name of this value's JSON kind, used in error messages (`"null"`, `"boolean"`, `"integer"`,
    /// `"number"`, `"string"`, `"array"`, `"object"`).
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .int, .bigInt: return "integer"
        case .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// The Python type name of the value `json.loads` would produce (`NoneType`, `bool`, `int`,
    /// `float`, `str`, `list`, `dict`), as MLflow's error messages print it.
    public var pythonTypeName: String {
        switch self {
        case .null: return "NoneType"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .double: return "float"
        case .string: return "str"
        case .array: return "list"
        case .object: return "dict"
        }
    }

    /// `true` for `.null`.
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The string payload, if this is a string.
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }

    /// The boolean payload, if this is a boolean.
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }

    /// The integer payload, if this is an integer that fits in `Int64`.
    public var intValue: Int64? { if case .int(let i) = self { return i } else { return nil } }

    /// The value as a `Double`: integers (also big ones) and doubles; `nil` for other kinds.
    public var numberValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .bigInt(let t): return Double(t)
        case .double(let d): return d
        default: return nil
        }
    }

    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }

    /// The object, if this is an object.
    public var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }

    /// The member `key` of an object, or `nil` (also for non-objects).
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
}

// No ExpressibleByNilLiteral: a `nil` literal must keep meaning `Optional.none` wherever a
// `JSONValue?` is expected; write `.null` for JSON null.
extension JSONValue: ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var object = JSONObject()
        for (k, v) in elements { object[k] = v }
        self = .object(object)
    }
}

extension JSONValue: CustomStringConvertible {
    /// The value written as Python `json.dumps` would write it (default separators).
    public var description: String { JSONWriter.python.string(self) }
}
