/// One result of verifying an archive, for `mlpack validate`.
public struct ArchiveFinding: Sendable, Equatable, CustomStringConvertible {
    /// How bad a finding is.
    public enum Severity: String, Sendable, Equatable, Comparable {
        case error, warning, info

        public static func < (a: Severity, b: Severity) -> Bool {
            let order: [Severity] = [.error, .warning, .info]
            return order.firstIndex(of: a)! < order.firstIndex(of: b)!
        }
    }

    public var severity: Severity
    /// The archive, plus the entry at fault (`archive.zip!/MLmodel`) when there is one.
    public var location: String
    public var message: String
    /// The underlying error, for errors.
    public var error: ArchiveError?

    public init(severity: Severity, location: String, message: String, error: ArchiveError? = nil) {
        self.severity = severity
        self.location = location
        self.message = message
        self.error = error
    }

    /// An error finding for `error` in `archive`.
    init(_ error: ArchiveError, archive: String) {
        self.init(
            severity: .error, location: error.entry.map { "\(archive)!/\($0)" } ?? archive,
            message: error.description, error: error)
    }

    public var description: String { "\(severity.rawValue): \(location): \(message)" }
}
