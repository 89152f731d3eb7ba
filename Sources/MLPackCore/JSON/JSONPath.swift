/// A location inside a JSON document, printed as `$.key[3]["odd key"]`.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    /// One step of a path.
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    /// The steps from the root.
    public var components: [Component]

    /// The path of the document root (`$`).
    public static let root = JSONPath(components: [])

    public init(components: [Component] = []) { self.components = components }

    /// This path extended by an object key.
    public func appending(key: String) -> JSONPath {
        JSONPath(components: components + [.key(key)])
    }

    /// This path extended by an array index.
    public func appending(index: Int) -> JSONPath {
        JSONPath(components: components + [.index(index)])
    }

    /// Most components printed: a deeper path shows its first and last ones around a count.
    static let maxPrinted = 24

    public var description: String {
        var out = "$"
        let shown: [(Int, Component)]
        if components.count > Self.maxPrinted {
            let half = Self.maxPrinted / 2
            shown = Array(components.enumerated().prefix(half)) + Array(components.enumerated().suffix(half))
        } else {
            shown = Array(components.enumerated())
        }
        for (n, c) in shown {
            if components.count > Self.maxPrinted, n == components.count - Self.maxPrinted / 2 {
                out += "…(\(components.count - Self.maxPrinted) more)…"
            }
            switch c {
            case .index(let i): out += "[\(i)]"
            case .key(let k):
                if JSONPath.isIdentifier(k) {
                    out += "." + k
                } else {
                    out += "[" + JSONWriter.compact.string(.string(k)) + "]"
                }
            }
        }
        return out
    }

    private static func isIdentifier(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first else { return false }
        func ok(_ s: Unicode.Scalar, first: Bool) -> Bool {
            if s == "_" || ("a"..."z").contains(s) || ("A"..."Z").contains(s) { return true }
            return !first && (("0"..."9").contains(s) || s == "-")
        }
        guard ok(first, first: true) else { return false }
        return key.unicodeScalars.dropFirst().allSatisfy { ok($0, first: false) }
    }
}
