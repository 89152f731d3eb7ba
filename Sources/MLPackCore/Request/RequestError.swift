/// A request or sample body that cannot be read. Messages keep MLflow's wording (users search for
/// them) and add where the fault is: the key, the row and the column.
public struct RequestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which step failed.
    public enum Kind: Sendable, Equatable {
        /// The content type is not supported.
        case unsupportedContentType
        /// The body is not valid JSON / CSV / JSON Lines.
        case malformedBody
        /// The body is well formed but not a valid request (keys, shapes).
        case invalidRequest
    }

    public var kind: Kind
    public var message: String
    /// The JSON key path at fault, when known.
    public var key: String?
    /// The 0-based data row (or 1-based line for CSV/JSON Lines, as stated in the message), when known.
    public var row: Int?
    /// The column at fault, when known.
    public var column: String?

    public init(_ kind: Kind, _ message: String, key: String? = nil, row: Int? = nil, column: String? = nil) {
        self.kind = kind
        self.message = message
        self.key = key
        self.row = row
        self.column = column
    }

    public var description: String { message }
}
