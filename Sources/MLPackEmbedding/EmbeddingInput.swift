import MLPackCore

/// Turning model inputs into lists of sentences, with errors that name the row and column.
public enum EmbeddingInput {
    /// The sentences of an input as MLflow's sentence-transformers wrapper takes them: a
    /// DataFrame's first column (a one-row DataFrame holding a list uses that list), a string, a
    /// list of strings, or a 1-D string array.
    public static func sentences(_ input: ModelInput) throws -> [String] {
        switch input {
        case .table(let table):
            guard let first = table.columns.first, let name = table.names.first else {
                throw FlavorError.invalidInput("expected a table with at least one column of strings, got no columns")
            }
            if table.rowCount >= 1, case .array(let list) = first.json(at: 0) {
                return try strings(list, what: "column \(name.pythonRepr), row 0")
            }
            return try (0..<table.rowCount).map { row in
                try string(first.json(at: row), at: "column \(name.pythonRepr), row \(row)")
            }
        case .value(let value):
            switch value {
            case .string(let s): return [s]
            case .array(let list): return try strings(list, what: "input")
            default:
                throw FlavorError.invalidInput("expected a string or a list of strings, got \(value.kindName)")
            }
        case .tensor(let tensor):
            guard tensor.shape.count == 1, case .string(let values) = tensor.storage else {
                throw FlavorError.invalidInput("expected a 1-D array of strings, got \(tensor.dtype) with shape \(tensor.shape)")
            }
            return values
        case .namedTensors:
            throw FlavorError.invalidInput("expected strings, got a dict of arrays")
        }
    }

    /// Each element must be a string; numbers are rejected (MLflow's enforcement casts them before).
    static func strings(_ list: [JSONValue], what: String) throws -> [String] {
        try list.enumerated().map { i, v in try string(v, at: "\(what)[\(i)]") }
    }

    static func string(_ value: JSONValue, at location: String) throws -> String {
        guard case .string(let s) = value else {
            throw FlavorError.invalidInput("\(location): expected a string, got \(describe(value))")
        }
        return s
    }

    /// A short prefix of a user value for error messages (never the whole payload).
    /// A value's kind and a short preview of it, for errors (`null` alone for null).
    public static func describe(_ value: JSONValue) -> String {
        if case .null = value { return "null" }
        return "\(value.kindName) \(preview(value))"
    }

    public static func preview(_ value: JSONValue) -> String {
        let text = JSONWriter.python.string(value)
        return text.count <= 40 ? text : String(text.prefix(37)) + "..."
    }
}
