import Foundation

/// Typed access to the parsed JSON of a `tokenizer.json`: every failure names the file and the key path
/// (`normalizer.normalizers[2].pattern`) and says what was expected.
struct TokenizerJSONReader {
    let file: String

    func object(_ value: Any?, at path: String) throws -> [String: Any] {
        guard let o = value as? [String: Any] else {
            throw TokenizerError.missingKey(file: file, key: path, expected: "an object")
        }
        return o
    }

    func array(_ value: Any?, at path: String) throws -> [Any] {
        guard let a = value as? [Any] else {
            throw TokenizerError.missingKey(file: file, key: path, expected: "an array")
        }
        return a
    }

    func string(_ value: Any?, at path: String) throws -> String {
        guard let s = value as? String else {
            throw TokenizerError.missingKey(file: file, key: path, expected: "a string")
        }
        return s
    }

    /// A string or null / absent (nil).
    func optionalString(_ value: Any?, at path: String) throws -> String? {
        if value == nil || value is NSNull { return nil }
        return try string(value, at: path)
    }

    /// A boolean; `def` when null or absent.
    func bool(_ value: Any?, at path: String, default def: Bool) throws -> Bool {
        if value == nil || value is NSNull { return def }
        guard let b = value as? Bool else {
            throw TokenizerError.missingKey(file: file, key: path, expected: "true or false")
        }
        return b
    }

    /// An integer in `range`.
    func int(_ value: Any?, at path: String, in range: ClosedRange<Int>) throws -> Int {
        guard let n = value as? NSNumber, let i = Int(exactly: n.doubleValue), range.contains(i)
        else {
            throw TokenizerError.missingKey(file: file, key: path, expected: "an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return i
    }

    /// A finite number.
    func double(_ value: Any?, at path: String) throws -> Double {
        guard let n = value as? NSNumber, n.doubleValue.isFinite else {
            throw TokenizerError.missingKey(file: file, key: path, expected: "a finite number")
        }
        return n.doubleValue
    }

    /// The `type` of a component, checked against the supported ones.
    func type(_ object: [String: Any], at path: String, supported: [String]) throws -> String {
        let t = try string(object["type"], at: path + ".type")
        guard supported.contains(t) else {
            throw TokenizerError.unsupportedType(file: file, key: path + ".type", value: t, supported: supported)
        }
        return t
    }
}
