import MLPackCore

/// An error a command reports to the user: printed on stderr as `error: <message>`, and the
/// process exits with ``exitCode`` (1 for bad input or a bad model).
public struct CommandFailure: Error, CustomStringConvertible {
    public var message: String
    public var exitCode: Int32

    public init(_ message: String, exitCode: Int32 = 1) {
        self.message = message
        self.exitCode = exitCode
    }

    /// Wraps any error with its description as the message.
    public init(_ error: any Error) {
        self.init(String(describing: error))
    }

    /// A refused scoring request, at the CLI's edge: `error: <MLflow error code>: <message>` (the
    /// server sends the same code and message as JSON), exit code 1, or 2 for a content type the
    /// command does not read (a usage error).
    public init(scoring error: ScoringError) {
        self.init("\(error.errorCode): \(error.message)", exitCode: error.stage == .contentType ? 2 : 1)
    }

    public var description: String { message }
}
