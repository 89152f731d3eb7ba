import CYAML

/// Limits applied while reading YAML (inputs can come from untrusted archives).
public struct YAMLReadLimits: Sendable, Hashable {
    /// Largest input accepted, in bytes.
    public var maxBytes: Int
    /// Deepest collection nesting accepted.
    public var maxDepth: Int
    /// Most nodes (scalars and collections) accepted.
    public var maxNodes: Int

    public init(maxBytes: Int = 16 << 20, maxDepth: Int = 200, maxNodes: Int = 2_000_000) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
    }

    /// The defaults: 16 MiB, depth 200, two million nodes.
    public static let `default` = YAMLReadLimits()
}

/// Reads YAML with libyaml's event parser into `YAMLNode` trees, typing scalars as PyYAML's
/// `SafeLoader` does. Anchors and aliases are refused.
public enum YAMLParser {
    /// Parses one document. Returns nil when the stream holds no document at all (an empty file,
    /// which `yaml.safe_load` reads as `None`).
    public static func parse(
        _ text: String, file: String = "<string>", limits: YAMLReadLimits = .default
    ) throws(YAMLError) -> YAMLNode? {
        try parse(bytes: Array(text.utf8), file: file, limits: limits)
    }

    /// Parses one document from raw bytes (UTF-8, or UTF-16 with a byte-order mark).
    public static func parse(
        bytes: [UInt8], file: String = "<string>", limits: YAMLReadLimits = .default
    ) throws(YAMLError) -> YAMLNode? {
        guard bytes.count <= limits.maxBytes else {
            throw .inputTooLarge(file: file, size: bytes.count, limit: limits.maxBytes)
        }
        if bytes.isEmpty { return nil }
        let result: Result<YAMLNode?, YAMLError> = bytes.withUnsafeBufferPointer { buffer in
            EventReader(file: file, limits: limits).run(buffer)
        }
        return try result.get()
    }

    /// Parses one document and returns its value tree (nil for an empty stream).
    public static func parseValue(
        _ text: String, file: String = "<string>", limits: YAMLReadLimits = .default
    ) throws(YAMLError) -> YAMLValue? {
        try parse(text, file: file, limits: limits)?.value
    }
}

/// One parse run over libyaml events. The libyaml structs live on the heap for the whole run.
private struct EventReader {
    let file: String
    let limits: YAMLReadLimits

    /// A collection under construction (a class so appends do not copy arrays).
    final class Frame {
        let isMapping: Bool
        let mark: YAMLMark
        var items: [YAMLNode] = []
        var pairs: [(key: YAMLNode, value: YAMLNode)] = []
        var pendingKey: YAMLNode?
        var seenKeys: Set<YAMLValue> = []
        init(isMapping: Bool, mark: YAMLMark) {
            self.isMapping = isMapping
            self.mark = mark
        }
    }

    func run(_ buffer: UnsafeBufferPointer<UInt8>) -> Result<YAMLNode?, YAMLError> {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
        defer {
            event.deallocate()
            parser.deallocate()
        }
        guard yaml_parser_initialize(parser) == 1 else {
            return .failure(.libraryFailure(file: file, reason: "libyaml parser could not be initialised"))
        }
        defer { yaml_parser_delete(parser) }
        yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count)

        var stack: [Frame] = []
        var document: YAMLNode?
        var documents = 0
        var nodes = 0

        while true {
            guard yaml_parser_parse(parser, event) == 1 else {
                return .failure(syntaxError(parser))
            }
            defer { yaml_event_delete(event) }
            let type = event.pointee.type
            let mark = Self.mark(event.pointee.start_mark)
            switch type {
            case YAML_STREAM_END_EVENT:
                return .success(document)
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 { return .failure(.multipleDocuments(file: file, mark: mark)) }
            case YAML_ALIAS_EVENT:
                let name = Self.string(event.pointee.data.alias.anchor) ?? ""
                return .failure(.anchorOrAlias(file: file, mark: mark, name: "*" + name))
            case YAML_SCALAR_EVENT, YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                nodes += 1
                if nodes > limits.maxNodes { return .failure(.tooManyNodes(file: file, mark: mark, limit: limits.maxNodes)) }
                let anchor: UnsafeMutablePointer<yaml_char_t>?
                let tagPointer: UnsafeMutablePointer<yaml_char_t>?
                switch type {
                case YAML_SCALAR_EVENT:
                    anchor = event.pointee.data.scalar.anchor
                    tagPointer = event.pointee.data.scalar.tag
                case YAML_SEQUENCE_START_EVENT:
                    anchor = event.pointee.data.sequence_start.anchor
                    tagPointer = event.pointee.data.sequence_start.tag
                default:
                    anchor = event.pointee.data.mapping_start.anchor
                    tagPointer = event.pointee.data.mapping_start.tag
                }
                if let anchor {
                    return .failure(.anchorOrAlias(file: file, mark: mark, name: "&" + (Self.string(anchor) ?? "")))
                }
                let tag = Self.string(tagPointer)
                if type == YAML_SCALAR_EVENT {
                    let s = event.pointee.data.scalar
                    let text = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
                    let style: YAMLScalarStyle
                    switch s.style {
                    case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
                    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
                    case YAML_LITERAL_SCALAR_STYLE: style = .literal
                    case YAML_FOLDED_SCALAR_STYLE: style = .folded
                    default: style = .plain
                    }
                    let value: YAMLValue
                    switch YAMLResolver.construct(text: text, tag: tag, plain: style == .plain) {
                    case .success(let v): value = v
                    case .failure(.invalid(let t)):
                        return .failure(.invalidScalar(file: file, mark: mark, tag: t, text: text))
                    case .failure(.unsupported(let t)):
                        return .failure(.unsupportedTag(file: file, mark: mark, tag: t))
                    case .failure(.merge):
                        return .failure(.mergeKey(file: file, mark: mark))
                    }
                    let node = YAMLNode(content: .scalar(YAMLScalar(text: text, style: style, tag: tag, value: value)), mark: mark)
                    if let error = add(node, to: &stack, document: &document) { return .failure(error) }
                } else {
                    let isMapping = type == YAML_MAPPING_START_EVENT
                    if let tag {
                        let expected = isMapping ? "tag:yaml.org,2002:map" : "tag:yaml.org,2002:seq"
                        if tag != expected && tag != "!" {
                            return .failure(.unsupportedTag(file: file, mark: mark, tag: tag))
                        }
                    }
                    if stack.count >= limits.maxDepth {
                        return .failure(.nestingTooDeep(file: file, mark: mark, limit: limits.maxDepth))
                    }
                    stack.append(Frame(isMapping: isMapping, mark: mark))
                }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let frame = stack.popLast() else { break }
                let node: YAMLNode
                if frame.isMapping {
                    node = YAMLNode(content: .mapping(frame.pairs), mark: frame.mark)
                } else {
                    node = YAMLNode(content: .sequence(frame.items), mark: frame.mark)
                }
                if let error = add(node, to: &stack, document: &document) { return .failure(error) }
            default:
                break
            }
        }
    }

    /// Attaches a finished node to the enclosing collection, or makes it the document root.
    private func add(_ node: YAMLNode, to stack: inout [Frame], document: inout YAMLNode?) -> YAMLError? {
        guard let top = stack.last else {
            document = node
            return nil
        }
        if !top.isMapping {
            top.items.append(node)
        } else if let key = top.pendingKey {
            top.pairs.append((key: key, value: node))
            top.pendingKey = nil
        } else {
            let keyValue = node.value
            if !top.seenKeys.insert(keyValue).inserted {
                return .duplicateKey(file: file, mark: node.mark, key: Self.describeKey(keyValue))
            }
            top.pendingKey = node
        }
        return nil
    }

    private static func describeKey(_ v: YAMLValue) -> String {
        switch v {
        case .string(let s): return YAMLError.quote(s)
        case .int(let i): return String(i)
        case .bool(let b): return String(b)
        case .null: return "null"
        default: return v.kindDescription
        }
    }

    private func syntaxError(_ parser: UnsafeMutablePointer<yaml_parser_t>) -> YAMLError {
        let p = parser.pointee
        let problem = Self.cString(p.problem) ?? "invalid YAML"
        let context = Self.cString(p.context)
        var mark = Self.mark(p.problem_mark)
        // Reader errors (bad encoding, control characters) report an offset, not a line.
        if p.error == YAML_READER_ERROR {
            mark = YAMLMark(line: 1, column: Int(p.problem_offset) + 1)
            return .syntax(file: file, mark: mark, problem: "\(problem) at byte offset \(p.problem_offset)", context: nil, contextMark: nil)
        }
        return .syntax(
            file: file, mark: mark, problem: problem, context: context,
            contextMark: context == nil ? nil : Self.mark(p.context_mark))
    }

    static func mark(_ m: yaml_mark_t) -> YAMLMark { YAMLMark(line: Int(m.line) + 1, column: Int(m.column) + 1) }

    static func string(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let p else { return nil }
        return String(cString: p)
    }

    static func cString(_ p: UnsafePointer<CChar>?) -> String? {
        guard let p else { return nil }
        return String(cString: p)
    }
}
