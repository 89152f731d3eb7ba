/// Reads JSON text as Python's `json.loads` does.
///
/// Accepted beyond RFC 8259, because Python writes them: the tokens `NaN`, `Infinity` and
/// `-Infinity`. Like Python's strict mode, raw control characters inside strings are rejected.
/// Integers outside `Int64` become ``JSONValue/bigInt(_:)``; a number with a fraction or exponent
/// becomes a `Double` (overflowing ones become ±infinity, as `float()` does).
///
/// Duplicate object keys: Python keeps the key's first position and its last value. The parser
/// does the same with ``DuplicateKeyPolicy/keepLast``, or throws with ``DuplicateKeyPolicy/reject``
/// (the default, so that ambiguous documents are not silently accepted). Lone surrogate escapes
/// (`"\ud800"`), which Python accepts but a Swift `String` cannot hold, are rejected.
public struct JSONParser: Sendable {
    /// What to do when an object repeats a key.
    public enum DuplicateKeyPolicy: Sendable {
        /// Throw ``JSONParseError/Reason/duplicateKey(_:)``.
        case reject
        /// Keep the first position and the last value, like Python's `dict`.
        case keepLast
    }

    /// Limits and policies.
    public struct Options: Sendable {
        /// Maximum nesting depth of arrays and objects.
        public var maxDepth: Int
        /// Maximum input size in bytes.
        public var maxInputBytes: Int
        /// Maximum number of values (scalars, arrays, objects; keys are not counted): what the
        /// parsed document costs in memory, whatever its size in bytes (`[0,0,…]` is two bytes a value).
        public var maxValues: Int
        /// Duplicate key handling.
        public var duplicateKeys: DuplicateKeyPolicy
        /// Accept `NaN`, `Infinity`, `-Infinity` (Python's default).
        public var allowNonFiniteTokens: Bool

        public init(
            maxDepth: Int = 512, maxInputBytes: Int = 256 << 20, maxValues: Int = JSONParser.defaultMaxValues,
            duplicateKeys: DuplicateKeyPolicy = .reject, allowNonFiniteTokens: Bool = true
        ) {
            self.maxDepth = maxDepth
            self.maxInputBytes = maxInputBytes
            self.maxValues = maxValues
            self.duplicateKeys = duplicateKeys
            self.allowNonFiniteTokens = allowNonFiniteTokens
        }
    }

    /// Default of ``Options/maxValues``: 2,000,000 values (about 50 MB parsed).
    public static let defaultMaxValues = 2_000_000

    /// The options in use.
    public var options: Options

    public init(options: Options = Options()) { self.options = options }

    /// Parses a complete JSON document from UTF-8 bytes.
    /// - Parameter source: a file name or label included in errors.
    public func parse<Bytes: Collection>(_ bytes: Bytes, source: String? = nil) throws(JSONParseError) -> JSONValue
    where Bytes.Element == UInt8 {
        if bytes.count > options.maxInputBytes {
            throw JSONParseError(
                reason: .inputTooLarge(size: bytes.count, limit: options.maxInputBytes), line: 1, column: 1,
                path: .root, source: source)
        }
        return try parseCounting(bytes, source: source).value
    }

    /// Parses a complete JSON document and says how many values it holds (for a caller sharing one
    /// ``Options/maxValues`` budget among several documents).
    public func parseCounting<Bytes: Collection>(_ bytes: Bytes, source: String? = nil) throws(JSONParseError)
        -> (value: JSONValue, values: Int)
    where Bytes.Element == UInt8 {
        if bytes.count > options.maxInputBytes {
            throw JSONParseError(
                reason: .inputTooLarge(size: bytes.count, limit: options.maxInputBytes), line: 1, column: 1,
                path: .root, source: source)
        }
        func run(_ buffer: UnsafeBufferPointer<UInt8>) -> Result<(JSONValue, Int), JSONParseError> {
            var reader = Reader(bytes: buffer, options: options, source: source)
            return Result { () throws(JSONParseError) -> (JSONValue, Int) in (try reader.parseDocument(), reader.values) }
        }
        // Contiguous bytes (arrays and their slices) are read in place, others copied once.
        let result = bytes.withContiguousStorageIfAvailable(run) ?? Array(bytes).withUnsafeBufferPointer(run)
        let (value, values) = try result.get()
        return (value, values)
    }

    /// Parses a complete JSON document from a string.
    public func parse(_ text: String, source: String? = nil) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8), source: source)
    }
}

extension JSONParser {
    /// Parses with default options (duplicate keys rejected).
    public static func parse(_ text: String, source: String? = nil) throws(JSONParseError) -> JSONValue {
        try JSONParser().parse(text, source: source)
    }

    /// Parses with default options (duplicate keys rejected).
    public static func parse<Bytes: Collection>(_ bytes: Bytes, source: String? = nil) throws(JSONParseError)
        -> JSONValue
    where Bytes.Element == UInt8 {
        try JSONParser().parse(bytes, source: source)
    }
}

private struct Reader {
    let bytes: UnsafeBufferPointer<UInt8>
    let options: JSONParser.Options
    let source: String?
    var pos = 0
    var depth = 0
    var values = 0
    var path: [JSONPath.Component] = []

    init(bytes: UnsafeBufferPointer<UInt8>, options: JSONParser.Options, source: String?) {
        self.bytes = bytes
        self.options = options
        self.source = source
    }

    /// An error at `offset` (default: the current position). `python` is the message Python's
    /// `json.loads` gives for the same text, and `pythonOffset` where Python reports it (the
    /// same place unless given).
    func error(
        _ reason: JSONParseError.Reason, at offset: Int? = nil, python: String, pythonOffset: Int? = nil
    ) -> JSONParseError {
        var e = error(reason, at: offset)
        e.pythonMessage = Self.pythonMessage(python, bytes: bytes, offset: pythonOffset ?? offset ?? pos)
        return e
    }

    /// `<message>: line L column C (char N)` with Python's counting (Unicode scalars).
    static func pythonMessage(_ message: String, bytes: UnsafeBufferPointer<UInt8>, offset: Int) -> String {
        var character = 0
        var line = 1
        var lastNewline = -1
        var i = 0
        let end = min(offset, bytes.count)
        while i < end {
            let b = bytes[i]
            if b & 0xC0 != 0x80 {
                if b == UInt8(ascii: "\n") {
                    line += 1
                    lastNewline = character
                }
                character += 1
            }
            i += 1
        }
        return "\(message): line \(line) column \(character - lastNewline) (char \(character))"
    }

    func error(_ reason: JSONParseError.Reason, at offset: Int? = nil) -> JSONParseError {
        let end = min(offset ?? pos, bytes.count)
        var line = 1
        var lineStart = 0
        var i = 0
        while i < end {
            if bytes[i] == UInt8(ascii: "\n") {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        return JSONParseError(
            reason: reason, line: line, column: end - lineStart + 1, path: JSONPath(components: path),
            source: source)
    }

    func describeByte(at offset: Int) -> String {
        let b = bytes[offset]
        if b >= 0x20 && b < 0x7f { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x\(String(b, radix: 16, uppercase: true).leftPadded(to: 2))"
    }

    mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if pos < bytes.count { throw error(.trailingData, python: "Extra data") }
        return value
    }

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard pos < bytes.count else { throw error(.unexpectedEnd(expected: "a value"), python: "Expecting value") }
        values += 1
        if values > options.maxValues {
            throw error(.tooManyValues(limit: options.maxValues), python: "JSON with more than \(options.maxValues) values")
        }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "N") where options.allowNonFiniteTokens:
            try expectLiteral("NaN"); return .double(.nan)
        case UInt8(ascii: "I") where options.allowNonFiniteTokens:
            try expectLiteral("Infinity"); return .double(.infinity)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try parseNumber()
        default:
            throw error(.unexpectedCharacter(found: describeByte(at: pos), expected: "a value"), python: "Expecting value")
        }
    }

    mutating func expectLiteral(_ literal: StaticString, from valueStart: Int? = nil) throws(JSONParseError) {
        let start = valueStart ?? pos
        let count = literal.utf8CodeUnitCount
        let lit = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        for i in 0..<count {
            guard pos + i < bytes.count else {
                throw error(.unexpectedEnd(expected: "'\(literal)'"), python: "Expecting value", pythonOffset: start)
            }
            if bytes[pos + i] != lit[i] {
                throw error(
                    .unexpectedCharacter(found: describeByte(at: start), expected: "a value"), at: start,
                    python: "Expecting value")
            }
        }
        pos += count
    }

    mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > options.maxDepth {
            throw error(.tooDeep(limit: options.maxDepth), python: "JSON nested deeper than \(options.maxDepth) levels")
        }
    }

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enter()
        pos += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "]") {
            pos += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            path.append(.index(elements.count))
            skipWhitespace()
            elements.append(try parseValue())
            path.removeLast()
            skipWhitespace()
            guard pos < bytes.count else { throw error(.unexpectedEnd(expected: "',' or ']'"), python: "Expecting ',' delimiter") }
            let c = bytes[pos]
            pos += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: "]") { break }
            throw error(
                .unexpectedCharacter(found: describeByte(at: pos - 1), expected: "',' or ']'"), at: pos - 1,
                python: "Expecting ',' delimiter")
        }
        depth -= 1
        return .array(elements)
    }

    mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enter()
        pos += 1
        var object = JSONObject()
        skipWhitespace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "}") {
            pos += 1
            depth -= 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard pos < bytes.count else {
                throw error(.unexpectedEnd(expected: "a property name"), python: "Expecting property name enclosed in double quotes")
            }
            guard bytes[pos] == UInt8(ascii: "\"") else {
                throw error(
                    .unexpectedCharacter(found: describeByte(at: pos), expected: "a property name in double quotes"),
                    python: "Expecting property name enclosed in double quotes")
            }
            let keyStart = pos
            let key = try parseString()
            if object.contains(key) && options.duplicateKeys == .reject {
                throw error(.duplicateKey(key), at: keyStart, python: "Duplicate key \(JSONWriter.python.string(.string(String(key.prefix(80)))))")
            }
            skipWhitespace()
            guard pos < bytes.count else { throw error(.unexpectedEnd(expected: "':'"), python: "Expecting ':' delimiter") }
            guard bytes[pos] == UInt8(ascii: ":") else {
                throw error(.unexpectedCharacter(found: describeByte(at: pos), expected: "':'"), python: "Expecting ':' delimiter")
            }
            pos += 1
            skipWhitespace()
            path.append(.key(key))
            let value = try parseValue()
            path.removeLast()
            object[key] = value
            skipWhitespace()
            guard pos < bytes.count else { throw error(.unexpectedEnd(expected: "',' or '}'"), python: "Expecting ',' delimiter") }
            let c = bytes[pos]
            pos += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: "}") { break }
            throw error(
                .unexpectedCharacter(found: describeByte(at: pos - 1), expected: "',' or '}'"), at: pos - 1,
                python: "Expecting ',' delimiter")
        }
        depth -= 1
        return .object(object)
    }

    /// A number as Python's scanner reads it: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`,
    /// matching the longest valid prefix (a `.` or `e` without digits is left for the caller,
    /// which reports it as Python does: `Extra data`, `Expecting ',' delimiter`).
    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = pos
        var isInteger = true
        if bytes[pos] == UInt8(ascii: "-") {
            pos += 1
            if options.allowNonFiniteTokens && pos < bytes.count && bytes[pos] == UInt8(ascii: "I") {
                try expectLiteral("Infinity", from: start)
                return .double(-.infinity)
            }
        }
        func isDigit(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 }
        guard isDigit(pos) else {
            throw error(.invalidNumber(text(start, max(pos, start + 1))), at: start, python: "Expecting value")
        }
        if bytes[pos] == UInt8(ascii: "0") {
            pos += 1
        } else {
            while isDigit(pos) { pos += 1 }
        }
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "."), isDigit(pos + 1) {
            isInteger = false
            pos += 1
            while isDigit(pos) { pos += 1 }
        }
        if pos < bytes.count && (bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E")) {
            var j = pos + 1
            if j < bytes.count && (bytes[j] == UInt8(ascii: "+") || bytes[j] == UInt8(ascii: "-")) { j += 1 }
            if isDigit(j) {
                isInteger = false
                pos = j
                while isDigit(pos) { pos += 1 }
            }
        }
        let literal = text(start, pos)
        if isInteger {
            if let i = Int64(literal) { return .int(i) }
            // Python ints are unbounded: keep the exact digits. "-0..." cannot occur here (0 has no more digits).
            return .bigInt(literal)
        }
        guard let d = Double(literal) else { throw error(.invalidNumber(literal), at: start, python: "Expecting value") }
        return .double(d)
    }

    func text(_ from: Int, _ to: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<min(to, bytes.count)]), as: UTF8.self)
    }

    mutating func parseString() throws(JSONParseError) -> String {
        let quote = pos
        pos += 1  // opening quote
        let start = pos
        // Fast path: no escapes.
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<pos])
                pos += 1
                guard let s = String(validating: slice, as: UTF8.self) else { throw error(.invalidUTF8, at: start, python: "Invalid UTF-8 in string") }
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw error(.controlCharacterInString(b), python: "Invalid control character at") }
            pos += 1
        }
        var buffer = [UInt8](UnsafeBufferPointer(rebasing: bytes[start..<pos]))
        while true {
            guard pos < bytes.count else {
                throw error(.unexpectedEnd(expected: "'\"' closing the string"), python: "Unterminated string starting at", pythonOffset: quote)
            }
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                pos += 1
                guard let s = String(validating: buffer, as: UTF8.self) else { throw error(.invalidUTF8, at: start, python: "Invalid UTF-8 in string") }
                return s
            }
            if b < 0x20 { throw error(.controlCharacterInString(b), python: "Invalid control character at") }
            if b != UInt8(ascii: "\\") {
                buffer.append(b)
                pos += 1
                continue
            }
            let escStart = pos
            pos += 1
            guard pos < bytes.count else {
                throw error(.unexpectedEnd(expected: "an escape character"), python: "Unterminated string starting at", pythonOffset: quote)
            }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""): buffer.append(0x22)
            case UInt8(ascii: "\\"): buffer.append(0x5C)
            case UInt8(ascii: "/"): buffer.append(0x2F)
            case UInt8(ascii: "b"): buffer.append(0x08)
            case UInt8(ascii: "f"): buffer.append(0x0C)
            case UInt8(ascii: "n"): buffer.append(0x0A)
            case UInt8(ascii: "r"): buffer.append(0x0D)
            case UInt8(ascii: "t"): buffer.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(escStart)
                if (0xD800...0xDBFF).contains(scalar) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                        throw error(
                            .invalidEscape("lone surrogate " + text(escStart, pos)), at: escStart,
                            python: "Lone surrogate \\uXXXX escape (not representable; mlpack refuses it)")
                    }
                    pos += 2
                    let low = try hex4(escStart)
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw error(
                            .invalidEscape("lone surrogate " + text(escStart, pos)), at: escStart,
                            python: "Lone surrogate \\uXXXX escape (not representable; mlpack refuses it)")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw error(
                            .invalidEscape("lone surrogate " + text(escStart, pos)), at: escStart,
                            python: "Lone surrogate \\uXXXX escape (not representable; mlpack refuses it)")
                }
                guard let u = Unicode.Scalar(scalar) else {
                    throw error(.invalidEscape(text(escStart, pos)), at: escStart, python: "Invalid \\uXXXX escape")
                }
                buffer.append(contentsOf: Array(String(Character(u)).utf8))
            default:
                throw error(.invalidEscape(text(escStart, pos)), at: escStart, python: "Invalid \\escape")
            }
        }
    }

    mutating func hex4(_ escStart: Int) throws(JSONParseError) -> UInt32 {
        guard pos + 4 <= bytes.count else {
            throw error(.invalidEscape(text(escStart, bytes.count)), at: escStart, python: "Invalid \\uXXXX escape", pythonOffset: escStart + 1)
        }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[pos]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default:
                throw error(.invalidEscape(text(escStart, pos + 1)), at: escStart, python: "Invalid \\uXXXX escape", pythonOffset: escStart + 1)
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }
}
