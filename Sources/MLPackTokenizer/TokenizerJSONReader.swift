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
        // JSONSerialization gives long decimals as NSDecimalNumber, whose doubleValue can be off by an ulp.
        // Unigram scores must tie-break exactly as tokenizers does, so the decimal text is converted as
        // serde_json converts it (tokenizers reads tokenizer.json with serde_json).
        if let d = value as? NSDecimalNumber, let v = Self.serdeDouble(d.stringValue), v.isFinite { return v }
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

    /// serde_json's default (not round-trip exact) text → f64: the decimal significand as an f64, then one
    /// multiplication or division by a power of ten. For significands up to 2^53 and exponents up to 22
    /// this is the correctly rounded value; beyond, it can differ from it by an ulp, as tokenizers' does.
    static func serdeDouble(_ text: String) -> Double? {
        var significand: UInt64 = 0
        var exponent = 0
        var negative = false
        var sawDigit = false
        var inFraction = false
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes = bytes.dropFirst()
        }
        while let c = bytes.first {
            if c >= 0x30 && c <= 0x39 {
                let (m, o1) = significand.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(c - 0x30))
                if o1 || o2 { return Double(text) }  // more digits than serde's fast path keeps
                significand = a
                if inFraction { exponent -= 1 }
                sawDigit = true
            } else if c == UInt8(ascii: "."), !inFraction {
                inFraction = true
            } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                guard let e = Int(String(decoding: bytes.dropFirst(), as: UTF8.self)) else { return nil }
                exponent += e
                bytes = bytes[bytes.endIndex...]
                break
            } else {
                return nil
            }
            bytes = bytes.dropFirst()
        }
        guard sawDigit else { return nil }
        var f = Double(significand)
        while true {
            let magnitude = exponent.magnitude
            if magnitude <= 308 {
                let power = Double("1e\(magnitude)")!
                if exponent >= 0 { f *= power } else { f /= power }
                break
            }
            if f == 0 { break }
            if exponent >= 0 { return .infinity }
            f /= 1e308
            exponent += 308
        }
        return negative ? -f : f
    }
}
