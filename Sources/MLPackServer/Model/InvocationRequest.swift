import Logging

/// One `/invocations` request that passed the server's HTTP checks.
///
/// By the time a model sees it: the method was POST, the content type was one the protocol
/// accepts (with only a utf-8 `charset` parameter), the body is within the size cap and valid
/// UTF-8; a JSON body is well-formed, within the depth cap, a JSON object with exactly one of
/// MLflow's four format keys (or a unified-LLM body), and its row count is within the row cap.
public struct InvocationRequest: Sendable {
    /// The body as received (UTF-8 text).
    public var body: [UInt8]
    /// The body's media type.
    public var contentType: InvocationContentType
    /// The `Content-Type` parameters in the order given (only `charset` can reach a model).
    public var contentTypeParameters: [ContentTypeParameter]
    /// For JSON bodies, what the server learnt while checking the envelope; `nil` for CSV.
    public var envelope: InvocationEnvelope?
    /// The number of rows the server counted (used for the row cap).
    public var rowCount: Int
    /// The request id the server logs and returns in `X-Request-Id`.
    public var requestID: String
    /// A logger carrying the request id as metadata.
    public var logger: Logger

    public init(
        body: [UInt8], contentType: InvocationContentType,
        contentTypeParameters: [ContentTypeParameter] = [],
        envelope: InvocationEnvelope? = nil, rowCount: Int, requestID: String, logger: Logger
    ) {
        self.body = body
        self.contentType = contentType
        self.contentTypeParameters = contentTypeParameters
        self.envelope = envelope
        self.rowCount = rowCount
        self.requestID = requestID
        self.logger = logger
    }

    /// The body as a string (it was validated as UTF-8 before the request was built).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// The media types `/invocations` accepts.
public enum InvocationContentType: String, Sendable, CaseIterable {
    /// `application/json`: MLflow's four format keys or a unified-LLM object.
    case json = "application/json"
    /// `text/csv`: a header row then one record per line.
    case csv = "text/csv"
}
