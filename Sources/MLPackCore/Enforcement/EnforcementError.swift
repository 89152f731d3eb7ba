/// A request that fails schema enforcement (or the parsing that precedes it).
///
/// Carries what an HTTP server needs to answer as MLflow's scoring server does: the MLflow
/// ``code`` (`BAD_REQUEST` for parsing, `INVALID_PARAMETER_VALUE` for enforcement), the ``stage``
/// that failed, and the message. Messages keep MLflow's wording where it is clear and add the
/// column and row at fault; user values are echoed only as a short prefix.
public struct EnforcementError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where the request failed, as MLflow's scoring server would report it.
    public enum Stage: String, Sendable, Hashable {
        /// Reading the body and the schema-driven casts (`dataframe_from_parsed_json`, `_cast_schema_type`).
        case parse
        /// `_enforce_schema` (input schema checks).
        case enforceInput = "enforce_input"
        /// `_enforce_params_schema`.
        case enforceParams = "enforce_params"
    }

    /// MLflow's `error_code` for the failure.
    public enum Code: String, Sendable, Hashable {
        case badRequest = "BAD_REQUEST"
        case invalidParameterValue = "INVALID_PARAMETER_VALUE"
    }

    public var stage: Stage
    public var code: Code
    /// The message (MLflow's wording plus location), without the column/row suffix duplicated.
    public var message: String
    /// The column (or tensor / parameter name) at fault, when known.
    public var column: String?
    /// The 0-based row at fault, when known.
    public var row: Int?
    /// `true` when MLflow would have accepted the value by silently changing it (truncation,
    /// wrap-around, `"false"` → `True`, ...) and mlpack refuses instead (see docs/compatibility.md).
    public var isDeviation: Bool

    public init(stage: Stage, _ message: String, column: String? = nil, row: Int? = nil, isDeviation: Bool = false) {
        self.stage = stage
        self.code = stage == .parse ? .badRequest : .invalidParameterValue
        self.message = message
        self.column = column
        self.row = row
        self.isDeviation = isDeviation
    }

    /// MLflow's `sqlstate`: `KAM01` for input-schema failures, `KAM00` otherwise.
    public var sqlState: String { stage == .enforceInput ? "KAM01" : "KAM00" }

    /// MLflow's `error_class`: `SCHEMA_ENFORCEMENT_FAILED` for input-schema failures,
    /// `INVALID_PARAMETER_VALUE` otherwise (also for parse errors whose code is `BAD_REQUEST`).
    public var errorClass: String { stage == .enforceInput ? "SCHEMA_ENFORCEMENT_FAILED" : "INVALID_PARAMETER_VALUE" }

    /// The HTTP status MLflow maps both codes to.
    public var httpStatus: Int { 400 }

    public var description: String { message }
}

/// Short renderings of user values for error messages (MLflow echoes whole payloads; mlpack
/// never prints more than a short prefix).
enum Echo {
    /// Longest value text put into a message.
    static let limit = 32

    /// `str()` of the value as Python would print it, cut to ``limit`` characters.
    static func str(_ value: JSONValue) -> String { cut(PythonRepr.str(value)) }

    /// `repr()` of the value as Python would print it, cut to ``limit`` characters.
    static func repr(_ value: JSONValue) -> String { cut(PythonRepr.repr(value)) }

    /// `repr()` of a string, cut.
    static func repr(_ text: String) -> String { cut(PythonRepr.string(text)) }

    static func cut(_ text: String) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }

    /// ` (column 'x', row 3)` — the location suffix added to MLflow's messages.
    static func location(column: String?, row: Int?) -> String {
        var parts: [String] = []
        if let column { parts.append("column \(PythonRepr.string(String(column.prefix(64))))") }
        if let row { parts.append("row \(row)") }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
    }
}
