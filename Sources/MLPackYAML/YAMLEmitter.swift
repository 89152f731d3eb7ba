/// Options of the emitter, named after PyYAML's `dump` arguments.
public struct YAMLEmitOptions: Sendable, Hashable {
    /// Sort mapping keys (PyYAML `sort_keys`, default true). Keys that Python cannot order
    /// against each other (e.g. strings and numbers mixed) keep their order, as in PyYAML.
    public var sortKeys: Bool
    /// Write printable non-ASCII characters as they are (PyYAML `allow_unicode`, default false:
    /// such strings are double-quoted with `\u` escapes).
    public var allowUnicode: Bool
    /// Preferred line width (PyYAML `width`, default 80).
    public var width: Int
    /// Indentation step (PyYAML `indent`, default 2).
    public var indent: Int

    public init(sortKeys: Bool = true, allowUnicode: Bool = false, width: Int = 80, indent: Int = 2) {
        self.sortKeys = sortKeys
        self.allowUnicode = allowUnicode
        self.width = width
        self.indent = indent
    }

    /// `yaml.safe_dump(data, default_flow_style=False)`: how MLflow writes `MLmodel` and `conda.yaml`.
    public static let pyYAMLSafeDump = YAMLEmitOptions()
    /// `yaml.safe_dump(data, sort_keys=False, default_flow_style=False)`: MLflow's `python_env.yaml`.
    public static let pyYAMLSafeDumpUnsorted = YAMLEmitOptions(sortKeys: false)
}

/// Writes YAML byte-for-byte as PyYAML 6's `yaml.safe_dump(data, default_flow_style=False)` does:
/// block collections (empty ones as `[]`/`{}`), sequences in mappings not indented, PyYAML's
/// scalar-style choice and its line folding of plain and quoted scalars.
///
/// This is a Swift implementation of PyYAML's emitter rules rather than a libyaml emitter call:
/// libyaml's emitter folds double-quoted scalars differently (no trailing `\` escapes) and has
/// no YAML 1.1 resolver to decide quoting, so it cannot reproduce MLflow's files exactly.
public enum YAMLEmitter {
    /// The YAML text of one document holding `value`.
    public static func emit(_ value: YAMLValue, options: YAMLEmitOptions = .pyYAMLSafeDump) -> String {
        var writer = PyYAMLWriter(options: options)
        writer.emitDocument(value)
        return writer.output
    }
}

/// The emitter's state, mirroring PyYAML's `Emitter` fields for the block/flow subset `safe_dump` uses.
struct PyYAMLWriter {
    let bestIndent: Int
    let bestWidth: Int
    let allowUnicode: Bool
    let sortKeys: Bool

    var output = ""
    var indent: Int? = nil
    var indents: [Int?] = []
    var flowLevel = 0
    var rootContext = false
    var sequenceContext = false
    var mappingContext = false
    var simpleKeyContext = false
    var column = 0
    var whitespace = true
    var indention = true
    var openEnded = false

    init(options: YAMLEmitOptions) {
        bestIndent = (options.indent > 1 && options.indent < 10) ? options.indent : 2
        bestWidth = options.width > bestIndent * 2 ? options.width : 80
        allowUnicode = options.allowUnicode
        sortKeys = options.sortKeys
        output.reserveCapacity(1024)
    }

    // MARK: Document

    mutating func emitDocument(_ value: YAMLValue) {
        // The first document's start is implicit; nothing is written.
        expectNode(value, root: true)
        // Document end (implicit).
        writeIndent()
        // Stream end.
        if openEnded {
            writeIndicator("...", needWhitespace: true)
            writeIndent()
        }
    }

    // MARK: Nodes

    mutating func expectNode(_ value: YAMLValue, root: Bool = false, sequence: Bool = false,
                             mapping: Bool = false, simpleKey: Bool = false) {
        rootContext = root
        sequenceContext = sequence
        mappingContext = mapping
        simpleKeyContext = simpleKey
        switch value {
        case .sequence(let items):
            if items.isEmpty { emptyFlowCollection(open: "[", close: "]") } else { blockSequence(items) }
        case .mapping(let map):
            let entries = orderedEntries(map)
            if entries.isEmpty { emptyFlowCollection(open: "{", close: "}") } else { blockMapping(entries) }
        default:
            increaseIndent(flow: true)
            processScalar(ScalarText(value))
            indent = indents.removeLast()
        }
    }

    mutating func increaseIndent(flow: Bool = false, indentless: Bool = false) {
        indents.append(indent)
        if let current = indent {
            if !indentless { indent = current + bestIndent }
        } else {
            indent = flow ? bestIndent : 0
        }
    }

    mutating func blockSequence(_ items: [YAMLValue]) {
        let indentless = mappingContext && !indention
        increaseIndent(flow: false, indentless: indentless)
        for item in items {
            writeIndent()
            writeIndicator("-", needWhitespace: true, indention: true)
            expectNode(item, sequence: true)
        }
        indent = indents.removeLast()
    }

    mutating func blockMapping(_ entries: [YAMLMapping.Entry]) {
        increaseIndent(flow: false)
        for entry in entries {
            writeIndent()
            if checkSimpleKey(entry.key) {
                expectNode(entry.key, mapping: true, simpleKey: true)
                writeIndicator(":", needWhitespace: false)
                expectNode(entry.value, mapping: true)
            } else {
                writeIndicator("?", needWhitespace: true, indention: true)
                expectNode(entry.key, mapping: true)
                writeIndent()
                writeIndicator(":", needWhitespace: true, indention: true)
                expectNode(entry.value, mapping: true)
            }
        }
        indent = indents.removeLast()
    }

    /// Flow collections: `safe_dump(default_flow_style=False)` writes only empty ones this way
    /// (every non-empty collection is block style), so only `[]` and `{}` are ever produced.
    mutating func emptyFlowCollection(open: String, close: String) {
        writeIndicator(open, needWhitespace: true, whitespace: true)
        flowLevel += 1
        increaseIndent(flow: true)
        indent = indents.removeLast()
        flowLevel -= 1
        writeIndicator(close, needWhitespace: false)
    }

    /// PyYAML's `check_simple_key`: a scalar key (plus its tag, always present in `safe_dump`'s
    /// events, e.g. `!!str`) shorter than 128 characters, not empty and on one line.
    func checkSimpleKey(_ key: YAMLValue) -> Bool {
        switch key {
        case .sequence(let a): return a.isEmpty
        case .mapping(let m): return m.isEmpty
        default:
            let scalar = ScalarText(key)
            let length = scalar.tagShorthand.count + scalar.scalars.count
            return length < 128 && !scalar.scalars.isEmpty && !ScalarAnalysis(scalar.scalars, allowUnicode: allowUnicode).multiline
        }
    }

    /// Mapping entries in output order: sorted as Python's `sorted(dict.items())` when asked.
    func orderedEntries(_ map: YAMLMapping) -> [YAMLMapping.Entry] {
        guard sortKeys, map.count > 1 else { return map.entries }
        return PythonKeyOrder.sorted(map.entries) ?? map.entries
    }

    // MARK: Low-level writing

    mutating func write(_ s: String, width: Int) {
        output += s
        column += width
    }

    mutating func writeIndicator(_ indicator: String, needWhitespace: Bool, whitespace ws: Bool = false, indention ind: Bool = false) {
        let data = (whitespace || !needWhitespace) ? indicator : " " + indicator
        whitespace = ws
        indention = indention && ind
        column += data.unicodeScalars.count
        openEnded = false
        output += data
    }

    mutating func writeIndent() {
        let target = indent ?? 0
        if !indention || column > target || (column == target && !whitespace) {
            writeLineBreak()
        }
        if column < target {
            whitespace = true
            output += String(repeating: " ", count: target - column)
            column = target
        }
    }

    mutating func writeLineBreak(_ data: Unicode.Scalar = "\n") {
        whitespace = true
        indention = true
        column = 0
        output.unicodeScalars.append(data)
    }
}

/// A scalar's text as PyYAML's representer produces it, and whether it may be written plain.
struct ScalarText {
    let scalars: [Unicode.Scalar]
    /// PyYAML's implicit[0]: the plain text resolves back to the same type.
    let plainImplicit: Bool
    /// The shorthand of the tag in the event (counted by `check_simple_key`).
    let tagShorthand: String

    init(_ value: YAMLValue) {
        let text: String
        switch value {
        case .null: text = "null"; tagShorthand = "!!null"
        case .bool(let b): text = b ? "true" : "false"; tagShorthand = "!!bool"
        case .int(let i): text = String(i); tagShorthand = "!!int"
        case .bigInt(let s): text = s; tagShorthand = "!!int"
        case .float(let d): text = PythonFloatRepr.yaml(d); tagShorthand = "!!float"
        case .timestamp(let s): text = s; tagShorthand = "!!timestamp"
        case .string(let s): text = s; tagShorthand = "!!str"
        case .sequence, .mapping: text = ""; tagShorthand = ""
        }
        scalars = Array(text.unicodeScalars)
        if case .string = value {
            plainImplicit = YAMLResolver.resolvesToString(text)
        } else {
            plainImplicit = true
        }
    }
}
