/// A YAML value as PyYAML's `SafeLoader` constructs it and `SafeDumper` represents it.
///
/// Scalars carry their resolved type (YAML 1.1 resolution, as PyYAML does). Mappings keep
/// their key order; the emitter sorts keys when asked to (PyYAML's `sort_keys=True`).
public enum YAMLValue: Sendable {
    /// `null`, `~`, `Null`, `NULL` or an empty plain scalar (Python `None`).
    case null
    /// `true`/`false`, also YAML 1.1's `yes`/`no`/`on`/`off` when read.
    case bool(Bool)
    /// An integer that fits in `Int`.
    case int(Int)
    /// An integer outside `Int`'s range, as canonical decimal text (`-` sign, no leading zeros).
    case bigInt(String)
    /// A float (including `.inf`, `-.inf`, `.nan`).
    case float(Double)
    /// A string.
    case string(String)
    /// A YAML 1.1 timestamp kept as the text it was read from (PyYAML would build a `datetime`).
    case timestamp(String)
    /// A sequence.
    case sequence([YAMLValue])
    /// A mapping, in key order.
    case mapping(YAMLMapping)
}

extension YAMLValue: Equatable, Hashable {
    /// Structural equality; two NaN floats are equal (so documents compare as data, not IEEE).
    public static func == (lhs: YAMLValue, rhs: YAMLValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.bigInt(a), .bigInt(b)): return a == b
        case let (.float(a), .float(b)): return a == b || (a.isNaN && b.isNaN)
        case let (.string(a), .string(b)): return a == b
        case let (.timestamp(a), .timestamp(b)): return a == b
        case let (.sequence(a), .sequence(b)): return a == b
        case let (.mapping(a), .mapping(b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(1); hasher.combine(b)
        case .int(let i): hasher.combine(2); hasher.combine(i)
        case .bigInt(let s): hasher.combine(3); hasher.combine(s)
        case .float(let d): hasher.combine(4); hasher.combine(d.isNaN ? Double.nan.bitPattern : d.bitPattern)
        case .string(let s): hasher.combine(5); hasher.combine(s)
        case .timestamp(let s): hasher.combine(6); hasher.combine(s)
        case .sequence(let a): hasher.combine(7); hasher.combine(a)
        case .mapping(let m): hasher.combine(8); hasher.combine(m)
        }
    }
}

extension YAMLValue {
    /// The string, if this is a string scalar.
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    /// The integer, if this is an `Int`-sized integer scalar.
    public var intValue: Int? { if case .int(let i) = self { return i } else { return nil } }
    /// The float, if this is a float scalar.
    public var doubleValue: Double? { if case .float(let d) = self { return d } else { return nil } }
    /// The boolean, if this is a boolean scalar.
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    /// The elements, if this is a sequence.
    public var sequenceValue: [YAMLValue]? { if case .sequence(let a) = self { return a } else { return nil } }
    /// The mapping, if this is a mapping.
    public var mappingValue: YAMLMapping? { if case .mapping(let m) = self { return m } else { return nil } }
    /// Whether this is `null`.
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// A short name of the value's kind, for error messages ("a string", "a mapping", ...).
    public var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .bigInt: return "an integer"
        case .float: return "a float"
        case .string: return "a string"
        case .timestamp: return "a timestamp"
        case .sequence: return "a sequence"
        case .mapping: return "a mapping"
        }
    }
}

extension YAMLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByNilLiteral, ExpressibleByArrayLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: YAMLValue...) { self = .sequence(elements) }
}
