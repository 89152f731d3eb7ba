/// The order Python's `sorted(mapping.items())` gives mapping keys, as PyYAML's `sort_keys` uses it.
enum PythonKeyOrder {
    private enum Category { case text, number, timestamp }

    /// Sorted entries, or nil when Python could not compare the keys (it then keeps the order).
    static func sorted(_ entries: [YAMLMapping.Entry]) -> [YAMLMapping.Entry]? {
        var category: Category?
        for entry in entries {
            let c: Category
            switch entry.key {
            case .string: c = .text
            case .int, .bigInt, .float, .bool: c = .number
            case .timestamp: c = .timestamp
            case .null, .sequence, .mapping: return nil
            }
            if let category, category != c { return nil }
            category = c
        }
        return entries.sorted { less($0.key, $1.key) }
    }

    private static func less(_ a: YAMLValue, _ b: YAMLValue) -> Bool {
        switch (a, b) {
        case let (.string(x), .string(y)):
            // Python compares str by code point, not by Unicode canonical order.
            return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
        case let (.timestamp(x), .timestamp(y)):
            return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
        default:
            return numeric(a) < numeric(b)
        }
    }

    private static func numeric(_ v: YAMLValue) -> Double {
        switch v {
        case .int(let i): return Double(i)
        case .bigInt(let s): return Double(s) ?? 0
        case .float(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return 0
        }
    }
}
