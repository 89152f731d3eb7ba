/// A validating JSON scanner that accepts exactly what Python's `json.loads` accepts (including
/// `NaN`, `Infinity`, `-Infinity`), reports the first error with Python's message and position
/// (`Expecting value: line 1 column 24 (char 23)`), refuses nesting deeper than a cap, and records
/// what the server needs about the top level (keys, array lengths) without building a tree.
///
/// The input must already be valid UTF-8 (see ``UTF8Check``).
public struct JSONScanner: Sendable {
    /// The first problem found in a body.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Kind: Sendable, Equatable {
            /// A syntax error with Python's `JSONDecodeError` message (e.g. `Expecting value`).
            case syntax(String)
            /// Containers nested deeper than the cap.
            case tooDeep(limit: Int)
        }

        public var kind: Kind
        /// Python's `char` (code points from the start), `line` and `column` (1-based).
        public var character: Int
        public var line: Int
        public var column: Int

        /// `Expecting value: line 1 column 24 (char 23)`, as Python's `JSONDecodeError` prints it.
        public var description: String {
            switch kind {
            case .syntax(let message):
                return "\(message): line \(line) column \(column) (char \(character))"
            case .tooDeep(let limit):
                return "JSON nested deeper than \(limit) levels: line \(line) column \(column) (char \(character))"
            }
        }
    }

    /// The kind of a JSON value.
    public enum ValueKind: String, Sendable, Equatable {
        case object, array, string, number, bool, null

        /// Python's `type(x)` repr for the value `json.loads` gives (`integer`: the number had
        /// no fraction or exponent, so Python reads an `int`).
        func pythonTypeRepr(integer: Bool) -> String {
            switch self {
            case .object: return "<class 'dict'>"
            case .array: return "<class 'list'>"
            case .string: return "<class 'str'>"
            case .number: return integer ? "<class 'int'>" : "<class 'float'>"
            case .bool: return "<class 'bool'>"
            case .null: return "<class 'NoneType'>"
            }
        }
    }

    /// A member of the top-level object.
    public struct Member: Sendable, Equatable {
        /// The decoded key.
        public var key: String
        public var kind: ValueKind
        /// For an array value: its number of elements.
        public var arrayCount: Int?
        /// For an object value: the largest element count among its array members.
        public var largestMemberArrayCount: Int?
        /// For an object value: the element count of its `data` member when that is an array.
        public var dataArrayCount: Int?
        /// For a number value: whether it was written as an integer (no fraction, no exponent).
        public var isIntegerLiteral: Bool = false
    }

    /// What a successful scan learnt.
    public struct Summary: Sendable, Equatable {
        public var topLevel: ValueKind
        /// A top-level number written as an integer.
        public var topLevelIsIntegerLiteral = false
        /// The top-level object's members in order (a repeated key keeps its first position and
        /// its last value, like a Python dict); empty for other top-level kinds.
        public var members: [Member]

        public func member(_ key: String) -> Member? { members.first { $0.key == key } }
    }

    public let maxDepth: Int

    public init(maxDepth: Int) {
        self.maxDepth = max(1, maxDepth)
    }

    /// Scans `bytes`; throws ``Failure``.
    public func scan(_ bytes: [UInt8]) throws(Failure) -> Summary {
        try bytes.withUnsafeBufferPointer { (buffer) throws(Failure) -> Summary in
            var state = State(bytes: buffer, maxDepth: maxDepth)
            return try state.document()
        }
    }
}

extension JSONScanner {
    fileprivate struct State {
        let bytes: UnsafeBufferPointer<UInt8>
        let maxDepth: Int
        var depth = 0

        init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
        }

        // MARK: Errors

        func failure(_ kind: Failure.Kind, at offset: Int) -> Failure {
            var character = 0
            var line = 1
            var lastNewline = -1  // character index of the last "\n" before `offset`
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
            return Failure(kind: kind, character: character, line: line, column: character - lastNewline)
        }

        func syntax(_ message: String, at offset: Int) -> Failure {
            failure(.syntax(message), at: offset)
        }

        // MARK: Scanning

        func skipWhitespace(_ i: Int) -> Int {
            var i = i
            while i < bytes.count {
                switch bytes[i] {
                case 0x20, 0x09, 0x0A, 0x0D: i += 1
                default: return i
                }
            }
            return i
        }

        mutating func document() throws(Failure) -> Summary {
            if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
                throw syntax("Unexpected UTF-8 BOM (decode using utf-8-sig)", at: 0)
            }
            let start = skipWhitespace(0)
            var summary = Summary(topLevel: .null, members: [])
            let end: Int
            if start < bytes.count && bytes[start] == UInt8(ascii: "{") {
                summary.topLevel = .object
                end = try object(at: start, topLevelMembers: &summary.members)
            } else {
                let (kind, next, _) = try value(at: start)
                summary.topLevel = kind
                if kind == .number { summary.topLevelIsIntegerLiteral = number(at: start)?.isInteger ?? false }
                end = next
            }
            let rest = skipWhitespace(end)
            if rest != bytes.count {
                throw syntax("Extra data", at: rest)
            }
            return summary
        }

        /// Scans the value starting exactly at `i`. Returns its kind, the offset after it and,
        /// for arrays, the element count.
        mutating func value(at i: Int) throws(Failure) -> (ValueKind, Int, Int?) {
            guard i < bytes.count else { throw syntax("Expecting value", at: i) }
            switch bytes[i] {
            case UInt8(ascii: "\""):
                return (.string, try string(at: i, decode: false).next, nil)
            case UInt8(ascii: "{"):
                var ignored: [Member]? = nil
                return (.object, try object(at: i, nested: &ignored), nil)
            case UInt8(ascii: "["):
                let (next, count) = try array(at: i)
                return (.array, next, count)
            case UInt8(ascii: "n") where matches("null", at: i):
                return (.null, i + 4, nil)
            case UInt8(ascii: "t") where matches("true", at: i):
                return (.bool, i + 4, nil)
            case UInt8(ascii: "f") where matches("false", at: i):
                return (.bool, i + 5, nil)
            case UInt8(ascii: "N") where matches("NaN", at: i):
                return (.number, i + 3, nil)
            case UInt8(ascii: "I") where matches("Infinity", at: i):
                return (.number, i + 8, nil)
            case UInt8(ascii: "-") where matches("-Infinity", at: i):
                return (.number, i + 9, nil)
            default:
                guard let (next, _) = number(at: i) else { throw syntax("Expecting value", at: i) }
                return (.number, next, nil)
            }
        }

        func matches(_ literal: StaticString, at i: Int) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard i + count <= bytes.count else { return false }
            return literal.withUTF8Buffer { lit in
                for k in 0..<count where bytes[i + k] != lit[k] { return false }
                return true
            }
        }

        func isDigit(_ i: Int) -> Bool {
            i < bytes.count && bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9")
        }

        /// Python's `_match_number`: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`.
        func number(at start: Int) -> (next: Int, isInteger: Bool)? {
            var i = start
            if i < bytes.count && bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count else { return nil }
            if bytes[i] >= UInt8(ascii: "1") && bytes[i] <= UInt8(ascii: "9") {
                while isDigit(i) { i += 1 }
            } else if bytes[i] == UInt8(ascii: "0") {
                i += 1
            } else {
                return nil
            }
            var isInteger = true
            if i < bytes.count && bytes[i] == UInt8(ascii: ".") && isDigit(i + 1) {
                i += 1
                while isDigit(i) { i += 1 }
                isInteger = false
            }
            if i < bytes.count && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
                var j = i + 1
                if j < bytes.count && (bytes[j] == UInt8(ascii: "+") || bytes[j] == UInt8(ascii: "-")) { j += 1 }
                if isDigit(j) {
                    while isDigit(j) { j += 1 }
                    i = j
                    isInteger = false
                }
            }
            return (i, isInteger)
        }

        /// Python's strict `scanstring`; `i` is the opening quote. Decodes when asked (keys).
        func string(at i: Int, decode: Bool) throws(Failure) -> (next: Int, text: String?) {
            var units: [UInt16] = []
            var j = i + 1
            var runStart = j
            func flush(_ upTo: Int) {
                guard decode, upTo > runStart else { return }
                let run = UnsafeBufferPointer(rebasing: bytes[runStart..<upTo])
                units.append(contentsOf: String(decoding: run, as: UTF8.self).utf16)
            }
            while true {
                guard j < bytes.count else { throw syntax("Unterminated string starting at", at: i) }
                let b = bytes[j]
                if b == UInt8(ascii: "\"") {
                    flush(j)
                    return (j + 1, decode ? String(decoding: units, as: UTF16.self) : nil)
                }
                if b < 0x20 { throw syntax("Invalid control character at", at: j) }
                if b != UInt8(ascii: "\\") {
                    j += 1
                    continue
                }
                flush(j)
                guard j + 1 < bytes.count else { throw syntax("Unterminated string starting at", at: i) }
                let escape = bytes[j + 1]
                if escape == UInt8(ascii: "u") {
                    // Python needs the four digits and at least one more character.
                    guard j + 6 < bytes.count, let unit = hex4(at: j + 2) else {
                        throw syntax("Invalid \\uXXXX escape", at: j + 1)
                    }
                    units.append(unit)
                    j += 6
                } else {
                    let decoded: UInt16
                    switch escape {
                    case UInt8(ascii: "\""): decoded = 0x22
                    case UInt8(ascii: "\\"): decoded = 0x5C
                    case UInt8(ascii: "/"): decoded = 0x2F
                    case UInt8(ascii: "b"): decoded = 0x08
                    case UInt8(ascii: "f"): decoded = 0x0C
                    case UInt8(ascii: "n"): decoded = 0x0A
                    case UInt8(ascii: "r"): decoded = 0x0D
                    case UInt8(ascii: "t"): decoded = 0x09
                    default: throw syntax("Invalid \\escape", at: j)
                    }
                    units.append(decoded)
                    j += 2
                }
                runStart = j
            }
        }

        func hex4(at i: Int) -> UInt16? {
            var value: UInt16 = 0
            for k in 0..<4 {
                let b = bytes[i + k]
                let digit: UInt8
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
                default: return nil
                }
                value = value << 4 | UInt16(digit)
            }
            return value
        }

        mutating func enter(at i: Int) throws(Failure) {
            depth += 1
            if depth > maxDepth { throw failure(.tooDeep(limit: maxDepth), at: i) }
        }

        /// Top-level object: records its members.
        mutating func object(at i: Int, topLevelMembers: inout [Member]) throws(Failure) -> Int {
            var members: [Member]? = []
            let next = try object(at: i, nested: &members, recordMembers: true)
            topLevelMembers = members ?? []
            return next
        }

        /// Scans an object at `i` (`{`). With `recordMembers`, fills `members` with each member's
        /// key and shape; nested objects one level down report their array members' counts.
        mutating func object(at i: Int, nested members: inout [Member]?, recordMembers: Bool = false)
            throws(Failure) -> Int
        {
            try enter(at: i)
            defer { depth -= 1 }
            var j = skipWhitespace(i + 1)
            if j < bytes.count && bytes[j] == UInt8(ascii: "}") { return j + 1 }
            while true {
                guard j < bytes.count && bytes[j] == UInt8(ascii: "\"") else {
                    throw syntax("Expecting property name enclosed in double quotes", at: j)
                }
                let (afterKey, key) = try string(at: j, decode: recordMembers || members != nil)
                j = skipWhitespace(afterKey)
                guard j < bytes.count && bytes[j] == UInt8(ascii: ":") else {
                    throw syntax("Expecting ':' delimiter", at: j)
                }
                j = skipWhitespace(j + 1)
                var member = Member(key: key ?? "", kind: .null)
                if recordMembers && j < bytes.count && bytes[j] == UInt8(ascii: "{") {
                    var inner: [Member]? = []
                    j = try object(at: j, nested: &inner)
                    member.kind = .object
                    let counts = (inner ?? []).compactMap(\.arrayCount)
                    member.largestMemberArrayCount = counts.max()
                    member.dataArrayCount = inner?.last(where: { $0.key == "data" })?.arrayCount
                } else {
                    let start = j
                    let (kind, next, count) = try value(at: j)
                    member.kind = kind
                    member.arrayCount = count
                    if kind == .number { member.isIntegerLiteral = number(at: start)?.isInteger ?? false }
                    j = next
                }
                if members != nil {
                    if let existing = members?.firstIndex(where: { $0.key == member.key }) {
                        members?[existing] = member
                    } else {
                        members?.append(member)
                    }
                }
                j = skipWhitespace(j)
                guard j < bytes.count else { throw syntax("Expecting ',' delimiter", at: j) }
                if bytes[j] == UInt8(ascii: "}") { return j + 1 }
                guard bytes[j] == UInt8(ascii: ",") else { throw syntax("Expecting ',' delimiter", at: j) }
                j = skipWhitespace(j + 1)
            }
        }

        /// Scans an array at `i` (`[`); returns the offset after it and its element count.
        mutating func array(at i: Int) throws(Failure) -> (Int, Int) {
            try enter(at: i)
            defer { depth -= 1 }
            var j = skipWhitespace(i + 1)
            if j < bytes.count && bytes[j] == UInt8(ascii: "]") { return (j + 1, 0) }
            var count = 0
            while true {
                let (_, next, _) = try value(at: j)
                count += 1
                j = skipWhitespace(next)
                guard j < bytes.count else { throw syntax("Expecting ',' delimiter", at: j) }
                if bytes[j] == UInt8(ascii: "]") { return (j + 1, count) }
                guard bytes[j] == UInt8(ascii: ",") else { throw syntax("Expecting ',' delimiter", at: j) }
                j = skipWhitespace(j + 1)
            }
        }
    }
}
