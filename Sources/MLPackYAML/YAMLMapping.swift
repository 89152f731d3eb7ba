/// An ordered YAML mapping: keys in document (or insertion) order, each key at most once.
public struct YAMLMapping: Sendable, Hashable {
    /// One key/value pair.
    public struct Entry: Sendable, Hashable {
        public var key: YAMLValue
        public var value: YAMLValue
        public init(key: YAMLValue, value: YAMLValue) {
            self.key = key
            self.value = value
        }
    }

    /// The pairs, in order.
    public private(set) var entries: [Entry]

    /// An empty mapping.
    public init() { entries = [] }

    /// A mapping from pairs; a later duplicate key replaces the earlier value in place.
    public init(_ pairs: [(YAMLValue, YAMLValue)]) {
        entries = []
        entries.reserveCapacity(pairs.count)
        for (k, v) in pairs { self[k] = v }
    }

    /// A mapping with string keys, in the given order.
    public init(_ pairs: KeyValuePairs<String, YAMLValue>) {
        self.init(pairs.map { (YAMLValue.string($0.key), $0.value) })
    }

    /// Builds from entries already known to have distinct keys (the parser checks this).
    init(uniqueEntries: [Entry]) { entries = uniqueEntries }

    /// Number of pairs.
    public var count: Int { entries.count }
    /// Whether the mapping has no pairs.
    public var isEmpty: Bool { entries.isEmpty }
    /// The keys, in order.
    public var keys: [YAMLValue] { entries.map(\.key) }

    /// The value for a key; setting `nil` removes the key, setting a new key appends it.
    public subscript(key: YAMLValue) -> YAMLValue? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let i = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[i].value = newValue } else { entries.remove(at: i) }
            } else if let newValue {
                entries.append(Entry(key: key, value: newValue))
            }
        }
    }

    /// The value for a string key.
    public subscript(key: String) -> YAMLValue? {
        get { self[.string(key)] }
        set { self[.string(key)] = newValue }
    }

    /// Whether the key is present (even with a `null` value).
    public func contains(_ key: String) -> Bool { self[key] != nil }
}

extension YAMLMapping: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, YAMLValue)...) {
        self.init(elements.map { (YAMLValue.string($0.0), $0.1) })
    }
}
