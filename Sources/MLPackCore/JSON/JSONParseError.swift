/// Why a JSON text could not be read, and where.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Sendable, Equatable {
        /// The input is longer than ``JSONParser/Options/maxInputBytes``.
        case inputTooLarge(size: Int, limit: Int)
        /// The input is not valid UTF-8.
        case invalidUTF8
        /// The input ended inside a value.
        case unexpectedEnd(expected: String)
        /// A character that cannot start or continue a value here.
        case unexpectedCharacter(found: String, expected: String)
        /// A malformed number.
        case invalidNumber(String)
        /// A malformed escape sequence or a lone surrogate escape.
        case invalidEscape(String)
        /// A raw control character inside a string (Python's strict mode rejects them).
        case controlCharacterInString(UInt8)
        /// Nesting deeper than ``JSONParser/Options/maxDepth``.
        case tooDeep(limit: Int)
        /// More values than ``JSONParser/Options/maxValues``.
        case tooManyValues(limit: Int)
        /// An object repeats a key and the policy is ``JSONParser/DuplicateKeyPolicy/reject``.
        case duplicateKey(String)
        /// Non-whitespace text after the document.
        case trailingData
    }

    /// What went wrong.
    public var reason: Reason
    /// 1-based line of the fault.
    public var line: Int
    /// 1-based column (in UTF-8 bytes) of the fault.
    public var column: Int
    /// Where in the document the fault is (the value being read).
    public var path: JSONPath
    /// The file or source the text came from, if the caller named it.
    public var source: String?
    /// What Python's `json.loads` says about the same text (`Expecting value: line 1 column 24
    /// (char 23)`: Python's message, its 1-based line and column and 0-based character offset, all
    /// counted in Unicode scalars). MLflow's scoring server quotes it, so mlpack's does too.
    public var pythonMessage: String {
        get { python ?? description }
        set { python = newValue }
    }
    private var python: String?

    public init(
        reason: Reason, line: Int, column: Int, path: JSONPath, source: String? = nil, pythonMessage: String? = nil
    ) {
        self.reason = reason
        self.line = line
        self.column = column
        self.path = path
        self.source = source
        self.python = pythonMessage
    }

    /// Whether the error is Python's `RecursionError` territory (nesting over the cap) rather
    /// than a `JSONDecodeError`.
    public var isDepthLimit: Bool {
        if case .tooDeep = reason { return true }
        return false
    }

    public var description: String {
        let what: String
        switch reason {
        case .inputTooLarge(let size, let limit):
            what = "JSON input of \(size) bytes exceeds the limit of \(limit) bytes"
        case .invalidUTF8: what = "JSON input is not valid UTF-8"
        case .unexpectedEnd(let expected): what = "unexpected end of JSON input, expected \(expected)"
        case .unexpectedCharacter(let found, let expected):
            what = "unexpected character \(found), expected \(expected)"
        case .invalidNumber(let text): what = "invalid number '\(text)'"
        case .invalidEscape(let text): what = "invalid string escape \(text)"
        case .controlCharacterInString(let byte):
            what = "invalid control character U+\(String(byte, radix: 16, uppercase: true).leftPadded(to: 4)) in string"
        case .tooDeep(let limit): what = "JSON nesting deeper than \(limit) levels"
        case .tooManyValues(let limit): what = "JSON with more than \(limit) values"
        case .duplicateKey(let key): what = "duplicate key \(JSONWriter.compact.string(.string(String(key.prefix(80)))))"
        case .trailingData: what = "extra data after the JSON value"
        }
        let place = (source.map { "\($0): " } ?? "") + "line \(line), column \(column) (at \(path))"
        return "\(place): \(what)"
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
