/// A parsed YAML node with its source position, for error messages that point at the fault.
public struct YAMLNode: Sendable {
    /// The node's content.
    public enum Content: Sendable {
        /// A scalar: its resolved value, the source text and style.
        case scalar(YAMLScalar)
        /// A sequence of nodes.
        case sequence([YAMLNode])
        /// A mapping: key/value node pairs in document order (keys are distinct).
        case mapping([(key: YAMLNode, value: YAMLNode)])
    }

    /// The content.
    public var content: Content
    /// Where the node starts.
    public var mark: YAMLMark

    public init(content: Content, mark: YAMLMark) {
        self.content = content
        self.mark = mark
    }

    /// The plain value tree (without positions).
    public var value: YAMLValue {
        switch content {
        case .scalar(let s): return s.value
        case .sequence(let items): return .sequence(items.map(\.value))
        case .mapping(let pairs):
            return .mapping(YAMLMapping(uniqueEntries: pairs.map { .init(key: $0.key.value, value: $0.value.value) }))
        }
    }

    /// The value node for a string key, if this is a mapping holding that key.
    public subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = content else { return nil }
        return pairs.first { $0.key.value == .string(key) }?.value
    }

    /// The key/value pairs, if this is a mapping.
    public var mappingPairs: [(key: YAMLNode, value: YAMLNode)]? {
        if case .mapping(let p) = content { return p } else { return nil }
    }

    /// The items, if this is a sequence.
    public var sequenceItems: [YAMLNode]? {
        if case .sequence(let a) = content { return a } else { return nil }
    }
}

/// How a scalar was written in the source.
public enum YAMLScalarStyle: Sendable, Hashable {
    case plain, singleQuoted, doubleQuoted, literal, folded
}

/// A scalar node's source text, style, explicit tag and resolved value.
public struct YAMLScalar: Sendable, Hashable {
    /// The scalar's text after YAML unquoting/folding (PyYAML's `node.value`).
    public var text: String
    /// The style it was written in.
    public var style: YAMLScalarStyle
    /// The explicit tag, expanded (`tag:yaml.org,2002:str`), if one was written.
    public var tag: String?
    /// The value PyYAML's `SafeLoader` would construct.
    public var value: YAMLValue
}

extension YAMLNode {
    /// A node tree for a value built in code (every mark is line 0, column 0).
    public static func synthesized(_ value: YAMLValue) -> YAMLNode {
        let mark = YAMLMark(line: 0, column: 0)
        switch value {
        case .sequence(let items):
            return YAMLNode(content: .sequence(items.map(synthesized)), mark: mark)
        case .mapping(let map):
            return YAMLNode(content: .mapping(map.entries.map { (key: synthesized($0.key), value: synthesized($0.value)) }), mark: mark)
        default:
            return YAMLNode(content: .scalar(YAMLScalar(text: "", style: .plain, tag: nil, value: value)), mark: mark)
        }
    }
}
