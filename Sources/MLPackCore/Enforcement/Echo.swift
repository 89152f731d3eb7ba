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
