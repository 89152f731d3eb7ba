import MLPackYAML

/// Why an environment file (`requirements.txt`, `conda.yaml`, `python_env.yaml`) could not be
/// read, resolved or written. Cases name the file and, inside YAML, the key path and position.
public enum EnvironmentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is missing, unreadable, a symlink or too large.
    case unreadable(path: String, reason: String)
    /// The YAML is malformed.
    case yaml(YAMLError)
    /// The document is empty or not a mapping.
    case notAMapping(path: String, line: Int, column: Int, found: String)
    /// A key holds the wrong type.
    case wrongType(path: String, keyPath: String, line: Int, column: Int, expected: String, found: String)
    /// A key MLflow does not accept in this file.
    case unknownKey(path: String, key: String, line: Int, column: Int, expected: [String])
    /// `-r`/`-c` references nest too deeply (or loop).
    case requirementsNestTooDeep(path: String)
    /// Both `pip_requirements` and `extra_pip_requirements` were given.
    case conflictingRequirementOptions
    /// Writing failed.
    case writeFailed(path: String, reason: String)

    public var description: String {
        func at(_ path: String, _ line: Int, _ column: Int) -> String { line > 0 ? "\(path):\(line):\(column)" : path }
        switch self {
        case let .unreadable(path, reason): return "\(path): cannot read: \(reason)"
        case .yaml(let e): return e.description
        case let .notAMapping(path, line, column, found):
            return "\(at(path, line, column)): expected a mapping, found \(found)"
        case let .wrongType(path, keyPath, line, column, expected, found):
            return "\(at(path, line, column)): '\(keyPath)': expected \(expected), found \(found)"
        case let .unknownKey(path, key, line, column, expected):
            return "\(at(path, line, column)): unknown key '\(key)'; expected one of \(expected.joined(separator: ", "))"
        case .requirementsNestTooDeep(let path):
            return "\(path): requirement files reference each other too deeply (a cycle?)"
        case .conflictingRequirementOptions:
            return "only one of pip_requirements and extra_pip_requirements can be given"
        case let .writeFailed(path, reason): return "\(path): cannot write: \(reason)"
        }
    }
}
