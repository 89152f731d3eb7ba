import Foundation

/// A JSON object read from a model file, with typed accessors whose errors name the file and key.
struct JSONFile {
    let name: String
    let object: [String: Any]

    /// Largest JSON configuration file read.
    static let maxBytes = 16 << 20

    init(url: URL, name: String? = nil) throws {
        let label = name ?? url.lastPathComponent
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
        try self.init(data: data, name: label)
    }

    init(data: Data, name: String) throws {
        self.name = name
        let any: Any
        do { any = try JSONSerialization.jsonObject(with: data) } catch {
            throw BERTError.malformed(file: name, reason: "invalid JSON")
        }
        guard let dict = any as? [String: Any] else {
            throw BERTError.malformed(file: name, reason: "top level is not an object")
        }
        object = dict
    }

    func has(_ key: String) -> Bool { object[key] != nil && !(object[key] is NSNull) }

    /// An integer in `range`, or `defaultValue` when absent.
    func int(_ key: String, in range: ClosedRange<Int>, default defaultValue: Int? = nil) throws -> Int {
        guard has(key) else {
            if let defaultValue { return defaultValue }
            throw BERTError.invalidValue(file: name, key: key, expected: "an integer in \(range)")
        }
        guard let n = object[key] as? NSNumber, !(object[key] is Bool),
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
        guard let n = object[key] as? NSNumber, !(object[key] is Bool) else {
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
