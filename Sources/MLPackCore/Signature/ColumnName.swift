/// A column or tensor name: MLflow writes strings, and integers for DataFrames with default labels.
public enum ColumnName: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case int(Int64)

    /// The name as JSON.
    public var json: JSONValue {
        switch self {
        case .string(let s): return .string(s)
        case .int(let i): return .int(i)
        }
    }

    /// Python's `repr` of the name (`'a'` or `0`).
    public var pythonRepr: String {
        switch self {
        case .string(let s): return PythonRepr.string(s)
        case .int(let i): return String(i)
        }
    }

    /// The plain text of the name (`a` or `0`).
    public var description: String {
        switch self {
        case .string(let s): return s
        case .int(let i): return String(i)
        }
    }
}

extension ColumnName: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}
