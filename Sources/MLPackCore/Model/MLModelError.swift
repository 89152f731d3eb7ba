import MLPackYAML

/// Why an `MLmodel` file could not be read or written. Each case names the file and, where the
/// fault is inside the document, the key path and 1-based line/column.
public enum MLModelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No `MLmodel` file at the path (MLflow: `Could not find an "MLmodel" configuration file`).
    case notFound(path: String)
    /// The file exists but cannot be read, or is a symlink, or is too large.
    case unreadable(path: String, reason: String)
    /// The YAML itself is malformed (or uses refused features such as aliases).
    case yaml(YAMLError)
    /// The file holds no document.
    case empty(path: String)
    /// The document is not a mapping.
    case notAMapping(path: String, line: Int, column: Int, found: String)
    /// A known key holds a value of the wrong type.
    case wrongType(path: String, keyPath: String, line: Int, column: Int, expected: String, found: String)
    /// A mapping key that must be a string is not.
    case nonStringKey(path: String, keyPath: String, line: Int, column: Int)
    /// Writing failed.
    case writeFailed(path: String, reason: String)
    /// `setExtraField` was asked to set a key that has a typed property.
    case reservedKey(key: String)

    public var description: String {
        switch self {
        case .notFound(let path):
            return "\(path): could not find an \"MLmodel\" configuration file"
        case let .unreadable(path, reason):
            return "\(path): cannot read: \(reason)"
        case .yaml(let e):
            return e.description
        case .empty(let path):
            return "\(path): the file is empty; expected a mapping of MLmodel keys"
        case let .notAMapping(path, line, column, found):
            return "\(Self.location(path, line, column)): expected a mapping of MLmodel keys at the top level, found \(found)"
        case let .wrongType(path, keyPath, line, column, expected, found):
            return "\(Self.location(path, line, column)): '\(keyPath)': expected \(expected), found \(found)"
        case let .nonStringKey(path, keyPath, line, column):
            return "\(Self.location(path, line, column)): '\(keyPath)': expected string keys"
        case let .writeFailed(path, reason):
            return "\(path): cannot write: \(reason)"
        case .reservedKey(let key):
            return "'\(key)' is a known MLmodel key; set it through its typed property"
        }
    }

    /// `file:line:column`, or just `file` for values built in code (line 0).
    static func location(_ path: String, _ line: Int, _ column: Int) -> String {
        line > 0 ? "\(path):\(line):\(column)" : path
    }
}
