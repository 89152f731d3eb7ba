import Foundation

/// One pass over JSON text that counts what a parser would build — values (object keys included),
/// nesting depth, and the members of one object named by a key path — without building anything,
/// so a model file is held to its caps before `JSONSerialization` allocates for it (several hundred
/// bytes per value). It stops at the first cap passed. It does not validate: text that is not JSON
/// is left for the parser to report, and nothing here reads outside `bytes`.
public struct JSONPrescan: Sendable {
    /// The caps a document is held to.
    public struct Limits: Sendable {
        /// Most values (every scalar, array, object and object key).
        public var maxValues: Int
        /// Deepest nesting of arrays and objects.
        public var maxDepth: Int
        /// The object whose members are counted, by keys from the top (`["model", "vocab"]`); empty: none.
        public var path: [String]
        /// Most members of the object at ``path``.
        public var maxMembers: Int

        public init(maxValues: Int, maxDepth: Int, path: [String] = [], maxMembers: Int = .max) {
            self.maxValues = maxValues
            self.maxDepth = maxDepth
            self.path = path
            self.maxMembers = maxMembers
        }
    }

    /// The cap a document passed.
    public enum Exceeded: Error, Sendable, Equatable, CustomStringConvertible {
        case values(limit: Int)
        case depth(limit: Int)
        case members(path: String, limit: Int)

        public var description: String {
            switch self {
            case .values(let limit): return "more than \(limit) JSON values"
            case .depth(let limit): return "nested deeper than \(limit) levels"
            case .members(let path, let limit): return "\(path) has more than \(limit) entries"
            }
        }
    }

    /// What the document holds (when under every cap).
    public var values = 0
    public var deepest = 0
    /// Members of the object at the limits' path (0 when absent).
    public var members = 0

    /// Scans `data` against `limits`.
    public static func scan(_ data: Data, limits: Limits) throws(Exceeded) -> JSONPrescan {
        let result: Result<JSONPrescan, Exceeded> = data.withUnsafeBytes { buffer in
            Result { () throws(Exceeded) -> JSONPrescan in try scan(buffer, limits: limits) }
        }
        return try result.get()
    }

    /// Scans `bytes` against `limits`.
    public static func scan(_ bytes: UnsafeRawBufferPointer, limits: Limits) throws(Exceeded) -> JSONPrescan {
        var result = JSONPrescan()
        let path = limits.path.map { Array($0.utf8) }
        // One entry per open container: whether it is an object, and whether it is on `path`
        // (its keys so far match path[0..<level]).
        var isObject: [Bool] = []
        var onPath: [Bool] = []
        var expectingKey = false
        var keyMatches = false  // the last key read continues `path`
        var i = 0
        let n = bytes.count

        func countValue() throws(Exceeded) {
            result.values += 1
            if result.values > limits.maxValues { throw .values(limit: limits.maxValues) }
        }

        while i < n {
            let c = bytes[i]
            switch c {
            case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ":"):
                if c == UInt8(ascii: ":") { expectingKey = false }
                i += 1
            case UInt8(ascii: ","):
                expectingKey = isObject.last ?? false
                i += 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                try countValue()
                let level = isObject.count
                // The root is on the path; a child is when its parent is and its key is the next one.
                let childOnPath = level == 0 ? true : (onPath[level - 1] && (isObject[level - 1] ? keyMatches : false))
                isObject.append(c == UInt8(ascii: "{"))
                onPath.append(childOnPath)
                result.deepest = max(result.deepest, isObject.count)
                if isObject.count > limits.maxDepth { throw .depth(limit: limits.maxDepth) }
                expectingKey = c == UInt8(ascii: "{")
                keyMatches = false
                i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if !isObject.isEmpty {
                    isObject.removeLast()
                    onPath.removeLast()
                }
                expectingKey = false
                keyMatches = false
                i += 1
            case UInt8(ascii: "\""):
                let start = i + 1
                i = start
                while i < n, bytes[i] != UInt8(ascii: "\"") {
                    i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1
                }
                let end = min(i, n)
                i += 1
                try countValue()
                let level = isObject.count
                if expectingKey, level > 0, isObject[level - 1] {
                    keyMatches = false
                    if onPath[level - 1] {
                        if level - 1 < path.count {
                            let key = path[level - 1]
                            keyMatches = end - start == key.count && key.indices.allSatisfy { bytes[start + $0] == key[$0] }
                        } else if level - 1 == path.count {
                            result.members += 1
                            if result.members > limits.maxMembers {
                                throw .members(path: limits.path.joined(separator: "."), limit: limits.maxMembers)
                            }
                        }
                    }
                    expectingKey = false
                }
            default:
                // A number or a literal: up to the next delimiter.
                try countValue()
                i += 1
                while i < n {
                    let d = bytes[i]
                    if d == UInt8(ascii: ",") || d == UInt8(ascii: "]") || d == UInt8(ascii: "}") || d == 0x20 || d == 0x0A
                        || d == 0x0D || d == 0x09 || d == UInt8(ascii: ":")
                    {
                        break
                    }
                    i += 1
                }
            }
        }
        return result
    }
}
