/// Writes ``JSONValue``s byte for byte as Python's `json.dumps` does.
///
/// The presets cover the modes MLflow uses: ``python`` (`json.dumps(x)`: separators `", "` and
/// `": "`, `ensure_ascii=True`; signature strings and `input_example.json`), ``pythonIndented``
/// (`json.dumps(x, indent=2)`: `serving_input_example.json`), and ``compact`` (separators `","` and
/// `":"`). Object keys are written in their stored order; floats use Python's `repr`; non-finite
/// floats are written as `NaN`, `Infinity`, `-Infinity` unless ``Options/allowNonFinite`` is off.
public struct JSONWriter: Sendable {
    /// Formatting options, named after `json.dumps` arguments.
    public struct Options: Sendable {
        /// Separator between items (`", "` by default, `","` when indenting).
        public var itemSeparator: String
        /// Separator between a key and its value.
        public var keySeparator: String
        /// Spaces per indent level; `nil` writes everything on one line.
        public var indent: Int?
        /// Escape every non-ASCII character as `\uXXXX` (surrogate pairs above U+FFFF).
        public var ensureASCII: Bool
        /// Write `NaN`/`Infinity`/`-Infinity`; when `false` a non-finite value is an error.
        public var allowNonFinite: Bool

        public init(
            itemSeparator: String = ", ", keySeparator: String = ": ", indent: Int? = nil,
            ensureASCII: Bool = true, allowNonFinite: Bool = true
        ) {
            self.itemSeparator = itemSeparator
            self.keySeparator = keySeparator
            self.indent = indent
            self.ensureASCII = ensureASCII
            self.allowNonFinite = allowNonFinite
        }
    }

    /// A non-finite number was met while ``Options/allowNonFinite`` is off.
    public struct NonFiniteError: Error, CustomStringConvertible, Sendable {
        public var path: JSONPath
        public var description: String { "Out of range float values are not JSON compliant (at \(path))" }
    }

    /// The options in use.
    public var options: Options

    public init(options: Options) { self.options = options }

    /// `json.dumps(x)`.
    public static let python = JSONWriter(options: Options())
    /// `json.dumps(x, indent=2)`.
    public static let pythonIndented = JSONWriter(options: Options(itemSeparator: ",", indent: 2))
    /// `json.dumps(x, separators=(",", ":"))`.
    public static let compact = JSONWriter(options: Options(itemSeparator: ",", keySeparator: ":"))

    /// The JSON text of `value`; non-finite numbers are written as tokens even if disallowed.
    public func string(_ value: JSONValue) -> String {
        String(decoding: lenientBytes(value), as: UTF8.self)
    }

    /// ``string(_:)`` as UTF-8 bytes.
    public func lenientBytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        var path: [JSONPath.Component] = []
        var lenient = self
        lenient.options.allowNonFinite = true
        try? lenient.write(value, into: &out, level: 0, path: &path)
        return out
    }

    /// The JSON text of `value` as UTF-8 bytes; throws ``NonFiniteError`` when non-finite numbers are disallowed.
    public func data(_ value: JSONValue) throws(NonFiniteError) -> [UInt8] {
        var out: [UInt8] = []
        var path: [JSONPath.Component] = []
        try write(value, into: &out, level: 0, path: &path)
        return out
    }

    /// Appends the JSON text of `tensor.json` (its nested lists) without building that tree:
    /// float elements go straight from storage to text. Non-finite numbers are written as tokens.
    public func appendLenient(_ tensor: Tensor, into out: inout [UInt8]) {
        var path: [JSONPath.Component] = []
        var lenient = self
        lenient.options.allowNonFinite = true
        guard !tensor.shape.isEmpty else {
            try? lenient.write(tensor.json, into: &out, level: 0, path: &path)
            return
        }
        let element: (Int, inout [UInt8]) -> Void
        switch tensor.storage {
        case .float32(let v): element = { PythonFloat.appendJSON(Double(v[$0]), into: &$1) }
        case .float64(let v): element = { PythonFloat.appendJSON(v[$0], into: &$1) }
        default: element = { try? lenient.write(tensor.json(at: $0), into: &$1, level: 0, path: &path) }
        }
        var index = 0
        func nest(_ dim: Int, level: Int) {
            let n = tensor.shape[dim]
            if n == 0 {
                out.append(contentsOf: [UInt8(ascii: "["), UInt8(ascii: "]")])
                return
            }
            out.append(UInt8(ascii: "["))
            for i in 0..<n {
                if i > 0 { out.append(contentsOf: options.itemSeparator.utf8) }
                newline(&out, level: level + 1)
                if dim == tensor.shape.count - 1 {
                    element(index, &out)
                    index += 1
                } else {
                    nest(dim + 1, level: level + 1)
                }
            }
            newline(&out, level: level)
            out.append(UInt8(ascii: "]"))
        }
        nest(0, level: 0)
    }

    private func newline(_ out: inout [UInt8], level: Int) {
        guard let indent = options.indent else { return }
        out.append(0x0A)
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
    }

    private func write(
        _ value: JSONValue, into out: inout [UInt8], level: Int, path: inout [JSONPath.Component]
    ) throws(NonFiniteError) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .bigInt(let t): out.append(contentsOf: t.utf8)
        case .double(let d):
            if !d.isFinite && !options.allowNonFinite { throw NonFiniteError(path: JSONPath(components: path)) }
            PythonFloat.appendJSON(d, into: &out)
        case .string(let s): writeString(s, into: &out)
        case .array(let elements):
            if elements.isEmpty {
                out.append(contentsOf: [UInt8(ascii: "["), UInt8(ascii: "]")])
                return
            }
            out.append(UInt8(ascii: "["))
            for (i, e) in elements.enumerated() {
                if i > 0 { out.append(contentsOf: options.itemSeparator.utf8) }
                newline(&out, level: level + 1)
                path.append(.index(i))
                try write(e, into: &out, level: level + 1, path: &path)
                path.removeLast()
            }
            newline(&out, level: level)
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            if object.isEmpty {
                out.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")])
                return
            }
            out.append(UInt8(ascii: "{"))
            for (i, member) in object.members.enumerated() {
                if i > 0 { out.append(contentsOf: options.itemSeparator.utf8) }
                newline(&out, level: level + 1)
                writeString(member.key, into: &out)
                out.append(contentsOf: options.keySeparator.utf8)
                path.append(.key(member.key))
                try write(member.value, into: &out, level: level + 1, path: &path)
                path.removeLast()
            }
            newline(&out, level: level)
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private func appendUnicodeEscape(_ unit: UInt16, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "u"))
        out.append(Self.hexDigits[Int(unit >> 12) & 0xF])
        out.append(Self.hexDigits[Int(unit >> 8) & 0xF])
        out.append(Self.hexDigits[Int(unit >> 4) & 0xF])
        out.append(Self.hexDigits[Int(unit) & 0xF])
    }

    private func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for scalar in s.unicodeScalars {
            let v = scalar.value
            switch v {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0..<0x20: appendUnicodeEscape(UInt16(v), into: &out)
            case 0x20..<0x7F: out.append(UInt8(v))
            default:
                if !options.ensureASCII {
                    out.append(contentsOf: String(Character(scalar)).utf8)
                } else if v < 0x10000 {
                    appendUnicodeEscape(UInt16(v), into: &out)
                } else {
                    let u = v - 0x10000
                    appendUnicodeEscape(UInt16(0xD800 + (u >> 10)), into: &out)
                    appendUnicodeEscape(UInt16(0xDC00 + (u & 0x3FF)), into: &out)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
