import Foundation
import MLPackTokenizer

/// Reads a JSON file of a model directory (any top-level value) under the caps of its
/// configuration files: at most 4 MiB, 200,000 values and 64 levels, checked before it is parsed.
public func readModelJSON(_ url: URL, label: String? = nil) throws -> Any {
    try JSONFile.read(url: url, label: label ?? url.lastPathComponent)
}

/// A JSON object read from a model file, with typed accessors whose errors name the file and key.
struct JSONFile {
    let name: String
    let object: [String: Any]

    /// Largest JSON configuration file read (config.json, modules.json, … are a few KB).
    static let maxBytes = 4 << 20
    /// Most JSON values in one, counted before parsing (``JSONPrescan``): JSONSerialization spends
    /// a few hundred bytes on each.
    static let maxValues = 200_000
    /// Deepest nesting in one.
    static let maxDepth = 64

    init(url: URL, name: String? = nil) throws {
        let label = name ?? url.lastPathComponent
        let any = try Self.read(url: url, label: label)
        guard let dict = any as? [String: Any] else {
            throw BERTError.malformed(file: label, reason: "top level is not an object")
        }
        self.name = label
        object = dict
    }

    /// Reads a model's JSON file (any top-level value) under the caps: a regular file of at most
    /// ``maxBytes`` bytes, ``maxValues`` values and ``maxDepth`` levels, checked before it is parsed.
    static func read(url: URL, label: String) throws -> Any {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        } catch {
            throw BERTError.unreadable(file: label, reason: "no such file")
        }
        if let type = attributes[.type] as? FileAttributeType, type != .typeRegular {
            throw BERTError.unreadable(file: label, reason: "not a regular file")
        }
        if let size = (attributes[.size] as? NSNumber)?.intValue, size > Self.maxBytes {
            throw BERTError.unreadable(file: label, reason: "larger than \(Self.maxBytes) bytes")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw BERTError.unreadable(file: label, reason: error.localizedDescription)
        }
        return try parse(data, name: label)
    }

    init(data: Data, name: String) throws {
        guard let dict = try Self.parse(data, name: name) as? [String: Any] else {
            throw BERTError.malformed(file: name, reason: "top level is not an object")
        }
        self.name = name
        object = dict
    }

    static func parse(_ data: Data, name: String) throws -> Any {
        guard data.count <= maxBytes else {
            throw BERTError.unreadable(file: name, reason: "larger than \(maxBytes) bytes")
        }
        do {
            _ = try JSONPrescan.scan(data, limits: .init(maxValues: Self.maxValues, maxDepth: Self.maxDepth))
        } catch {
            throw BERTError.malformed(file: name, reason: "refused before parsing: \(error)")
        }
        do { return try JSONSerialization.jsonObject(with: data) } catch {
            throw BERTError.malformed(file: name, reason: "invalid JSON")
        }
    }

    /// Whether a parsed JSON number was `true`/`false`. (`is Bool` cannot tell: on Linux the numbers
    /// 0 and 1 bridge to Bool too, which refused e.g. `"type_vocab_size": 1`.) JSONSerialization
    /// makes booleans NSNumbers of Objective-C type `c`, and never makes numbers of that type.
    static func isBoolean(_ n: NSNumber) -> Bool { String(cString: n.objCType) == "c" }

    func has(_ key: String) -> Bool { object[key] != nil && !(object[key] is NSNull) }

    /// An integer in `range`, or `defaultValue` when absent.
    func int(_ key: String, in range: ClosedRange<Int>, default defaultValue: Int? = nil) throws -> Int {
        guard has(key) else {
            if let defaultValue { return defaultValue }
            throw BERTError.invalidValue(file: name, key: key, expected: "an integer in \(range)")
        }
        guard let n = object[key] as? NSNumber, !Self.isBoolean(n),
            let v = Int(exactly: n.doubleValue), range.contains(v)
        else {
            throw BERTError.invalidValue(file: name, key: key, expected: "an integer in \(range), found \(object[key]!)")
        }
        return v
    }

    func double(_ key: String, default defaultValue: Double? = nil) throws -> Double {
        guard has(key) else {
            if let defaultValue { return defaultValue }
            throw BERTError.invalidValue(file: name, key: key, expected: "a number")
        }
        guard let n = object[key] as? NSNumber, !Self.isBoolean(n) else {
            throw BERTError.invalidValue(file: name, key: key, expected: "a number")
        }
        return n.doubleValue
    }

    func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
        guard has(key) else { return defaultValue }
        guard let b = object[key] as? Bool else {
            throw BERTError.invalidValue(file: name, key: key, expected: "true or false")
        }
        return b
    }

    func string(_ key: String, default defaultValue: String? = nil) throws -> String {
        guard has(key) else {
            if let defaultValue { return defaultValue }
            throw BERTError.invalidValue(file: name, key: key, expected: "a string")
        }
        guard let s = object[key] as? String else {
            throw BERTError.invalidValue(file: name, key: key, expected: "a string")
        }
        return s
    }
}
