/// One result of `mlpack validate`: what was checked, where, and how bad it is.
public struct ValidationFinding: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable {
        case info, warning, error
        public static func < (a: Severity, b: Severity) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    public var severity: Severity
    /// The file (relative to the model root or archive) and, where it applies, the key path,
    /// for example `MLmodel:flavors.python_function.data`.
    public var location: String
    public var message: String

    public init(_ severity: Severity, _ location: String, _ message: String) {
        self.severity = severity
        self.location = location
        self.message = message
    }

    public var description: String { "\(severity.rawValue): \(location): \(message)" }

    /// `{"severity": …, "location": …, "message": …}` for `--json`.
    public var json: JSONValue {
        .object(JSONObject([
            ("severity", .string(severity.rawValue)), ("location", .string(location)),
            ("message", .string(message)),
        ]))
    }
}

extension Array where Element == ValidationFinding {
    /// `true` when no finding is an error.
    public var isValid: Bool { !contains { $0.severity == .error } }
}
