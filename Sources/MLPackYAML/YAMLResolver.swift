/// YAML 1.1 implicit typing exactly as PyYAML's `Resolver` (6.0) and `SafeConstructor` apply it.
///
/// The patterns are PyYAML's regular expressions, matched by hand (ASCII only, anchored).
public enum YAMLResolver {
    /// The tag a plain scalar with this text resolves to.
    public enum ImplicitType: Sendable, Equatable {
        case null, bool, int, float, timestamp, merge, value, yaml, string
    }

    /// The type PyYAML's resolver gives a plain scalar with this text.
    public static func implicitType(of text: String) -> ImplicitType {
        let b = Array(text.utf8)
        if b.isEmpty { return .null }
        // PyYAML tries the resolvers registered for the first character, in registration order:
        // bool, float, int, merge, null, timestamp, value, yaml.
        switch b[0] {
        case UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"),
            UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "o"), UInt8(ascii: "O"):
            if boolWords[text] != nil { return .bool }
        default: break
        }
        if isFloat(b) { return .float }
        if isInt(b) { return .int }
        if text == "<<" { return .merge }
        if text == "~" || text == "null" || text == "Null" || text == "NULL" { return .null }
        if isTimestamp(b) { return .timestamp }
        if text == "=" { return .value }
        if text == "!" || text == "&" || text == "*" { return .yaml }
        return .string
    }

    /// Whether `SafeDumper` may write this string as a plain scalar without changing its type.
    public static func resolvesToString(_ text: String) -> Bool { implicitType(of: text) == .string }

    static let boolWords: [String: Bool] = [
        "yes": true, "Yes": true, "YES": true, "no": false, "No": false, "NO": false,
        "true": true, "True": true, "TRUE": true, "false": false, "False": false, "FALSE": false,
        "on": true, "On": true, "ON": true, "off": false, "Off": false, "OFF": false,
    ]

    // MARK: - Pattern matchers

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    private static func isDigitOrUnderscore(_ c: UInt8) -> Bool { isDigit(c) || c == UInt8(ascii: "_") }

    /// Skips an optional sign.
    private static func signEnd(_ b: [UInt8]) -> Int {
        (b.first == UInt8(ascii: "-") || b.first == UInt8(ascii: "+")) ? 1 : 0
    }

    /// `(?::[0-5]?[0-9])+` starting at `i`; returns the end index or nil.
    private static func sexagesimalTail(_ b: [UInt8], _ start: Int) -> Int? {
        var i = start
        var groups = 0
        while i < b.count, b[i] == UInt8(ascii: ":") {
            i += 1
            guard i < b.count, isDigit(b[i]) else { return groups > 0 ? nil : nil }
            // [0-5]?[0-9]: one digit, or two digits with the first in 0-5.
            if i + 1 < b.count, isDigit(b[i + 1]), b[i] <= UInt8(ascii: "5") { i += 2 } else { i += 1 }
            groups += 1
        }
        return groups > 0 ? i : nil
    }

    static func isInt(_ b: [UInt8]) -> Bool {
        let s = signEnd(b)
        let r = b[s...]
        guard let first = r.first else { return false }
        // [-+]?0b[0-1_]+
        if r.count >= 3, first == UInt8(ascii: "0"), r[s + 1] == UInt8(ascii: "b"),
            r.dropFirst(2).allSatisfy({ $0 == 0x30 || $0 == 0x31 || $0 == UInt8(ascii: "_") })
        {
            return true
        }
        // [-+]?0x[0-9a-fA-F_]+
        if r.count >= 3, first == UInt8(ascii: "0"), r[s + 1] == UInt8(ascii: "x"),
            r.dropFirst(2).allSatisfy({ isDigitOrUnderscore($0) || (0x61...0x66).contains($0) || (0x41...0x46).contains($0) })
        {
            return true
        }
        // [-+]?0[0-7_]+
        if r.count >= 2, first == UInt8(ascii: "0"),
            r.dropFirst().allSatisfy({ ($0 >= 0x30 && $0 <= 0x37) || $0 == UInt8(ascii: "_") })
        {
            return true
        }
        // [-+]?(?:0|[1-9][0-9_]*)
        if r.count == 1, first == UInt8(ascii: "0") { return true }
        guard first >= UInt8(ascii: "1"), first <= UInt8(ascii: "9") else { return false }
        var i = s + 1
        while i < b.count, isDigitOrUnderscore(b[i]) { i += 1 }
        if i == b.count { return true }
        // [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
        return sexagesimalTail(b, i) == b.count
    }

    static func isFloat(_ b: [UInt8]) -> Bool {
        let s = signEnd(b)
        let n = b.count
        // [-+]?\.(?:inf|Inf|INF)
        if n - s == 4, b[s] == UInt8(ascii: ".") {
            let w = String(decoding: b[(s + 1)...], as: UTF8.self)
            if w == "inf" || w == "Inf" || w == "INF" { return true }
        }
        // \.(?:nan|NaN|NAN)  (no sign)
        if s == 0, n == 4, b[0] == UInt8(ascii: ".") {
            let w = String(decoding: b[1...], as: UTF8.self)
            if w == "nan" || w == "NaN" || w == "NAN" { return true }
        }
        // Optional exponent (?:[eE][-+][0-9]+) from i to the end.
        func exponentToEnd(_ start: Int) -> Bool {
            var i = start
            if i == n { return true }
            guard b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") else { return false }
            i += 1
            guard i < n, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") else { return false }
            i += 1
            guard i < n else { return false }
            while i < n { if !isDigit(b[i]) { return false }; i += 1 }
            return true
        }
        // \.[0-9][0-9_]*(?:[eE][-+][0-9]+)?  (no sign)
        if s == 0, n >= 2, b[0] == UInt8(ascii: "."), isDigit(b[1]) {
            var i = 2
            while i < n, isDigitOrUnderscore(b[i]) { i += 1 }
            if exponentToEnd(i) { return true }
        }
        guard s < n, isDigit(b[s]) else { return false }
        var i = s + 1
        while i < n, isDigitOrUnderscore(b[i]) { i += 1 }
        // [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
        if i < n, b[i] == UInt8(ascii: ".") {
            var j = i + 1
            while j < n, isDigitOrUnderscore(b[j]) { j += 1 }
            if exponentToEnd(j) { return true }
        }
        // [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
        if let t = sexagesimalTail(b, i), t < n, b[t] == UInt8(ascii: ".") {
            var j = t + 1
            while j < n, isDigitOrUnderscore(b[j]) { j += 1 }
            if j == n { return true }
        }
        return false
    }

    static func isTimestamp(_ b: [UInt8]) -> Bool {
        let n = b.count
        var i = 0
        func digits(_ minCount: Int, _ maxCount: Int) -> Bool {
            var c = 0
            while i < n, c < maxCount, isDigit(b[i]) { i += 1; c += 1 }
            return c >= minCount
        }
        func char(_ ch: Character) -> Bool {
            guard i < n, b[i] == ch.asciiValue! else { return false }
            i += 1
            return true
        }
        // [0-9]{4}-[0-9]{2}-[0-9]{2}
        if n == 10 {
            i = 0
            if digits(4, 4), char("-"), digits(2, 2), char("-"), digits(2, 2), i == n { return true }
        }
        i = 0
        guard digits(4, 4), char("-"), digits(1, 2), char("-"), digits(1, 2) else { return false }
        // (?:[Tt]|[ \t]+)
        if i < n, b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") {
            i += 1
        } else {
            var spaces = 0
            while i < n, b[i] == 0x20 || b[i] == 0x09 { i += 1; spaces += 1 }
            if spaces == 0 { return false }
        }
        guard digits(1, 2), char(":"), digits(2, 2), char(":"), digits(2, 2) else { return false }
        // (?:\.[0-9]*)?
        if i < n, b[i] == UInt8(ascii: ".") {
            i += 1
            while i < n, isDigit(b[i]) { i += 1 }
        }
        if i == n { return true }
        // (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?
        while i < n, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
        guard i < n else { return false }
        if b[i] == UInt8(ascii: "Z") { return i + 1 == n }
        guard b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") else { return false }
        i += 1
        guard digits(1, 2) else { return false }
        if i == n { return true }
        guard char(":"), digits(2, 2) else { return false }
        return i == n
    }

    // MARK: - Construction (SafeConstructor)

    /// Builds the value of an `int`-typed scalar, as `construct_yaml_int` does; nil if invalid.
    static func constructInt(_ text: String) -> YAMLValue? {
        var t = String(text.filter { $0 != "_" })
        guard !t.isEmpty else { return nil }
        var negative = false
        if t.first == "-" { negative = true }
        if t.first == "-" || t.first == "+" { t.removeFirst() }
        guard !t.isEmpty else { return nil }
        if t == "0" { return .int(0) }
        var digits: Substring
        var radix: Int
        if t.hasPrefix("0b") {
            digits = t.dropFirst(2); radix = 2
        } else if t.hasPrefix("0x") {
            digits = t.dropFirst(2); radix = 16
        } else if t.first == "0" {
            digits = t[...]; radix = 8
        } else if t.contains(":") {
            var total: Int = 0
            for part in t.split(separator: ":", omittingEmptySubsequences: false) {
                guard let p = Int(part) else { return nil }
                let (m, o1) = total.multipliedReportingOverflow(by: 60)
                let (a, o2) = m.addingReportingOverflow(p)
                if o1 || o2 { return nil }
                total = a
            }
            return .int(negative ? -total : total)
        } else {
            digits = t[...]; radix = 10
        }
        guard !digits.isEmpty else { return nil }
        return makeInteger(digits, radix: radix, negative: negative)
    }

    /// An integer from digits in a radix, as `.int` when it fits and `.bigInt` (decimal) otherwise.
    static func makeInteger(_ digits: Substring, radix: Int, negative: Bool) -> YAMLValue? {
        if let v = Int(digits, radix: radix) {
            if negative { return v == 0 ? .int(0) : .int(-v) }
            return .int(v)
        }
        // Int.min does not fit as a positive magnitude.
        if negative, let v = Int("-" + digits, radix: radix) { return .int(v) }
        guard let dec = BigDecimalText.convert(digits, radix: radix) else { return nil }
        return .bigInt(negative ? "-" + dec : dec)
    }

    /// Builds the value of a `float`-typed scalar, as `construct_yaml_float` does; nil if invalid.
    static func constructFloat(_ text: String) -> Double? {
        var t = String(text.filter { $0 != "_" }).lowercased()
        guard !t.isEmpty else { return nil }
        var sign = 1.0
        if t.first == "-" { sign = -1 }
        if t.first == "-" || t.first == "+" { t.removeFirst() }
        if t == ".inf" { return sign * .infinity }
        if t == ".nan" { return .nan }
        if t.contains(":") {
            var total = 0.0
            for part in t.split(separator: ":", omittingEmptySubsequences: false) {
                guard let p = pythonFloat(String(part)) else { return nil }
                total = total * 60 + p
            }
            return sign * total
        }
        guard let v = pythonFloat(t) else { return nil }
        return sign * v
    }

    /// Python's `float(str)` for the decimal forms the resolver admits ("1.", ".5", "1.0e+5").
    static func pythonFloat(_ s: String) -> Double? {
        guard !s.isEmpty, s.utf8.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }) else { return nil }
        return Double(s)
    }

    /// Resolves a scalar event to a value, as `SafeLoader` would; nil if the text is invalid for its tag.
    /// `tag` is the explicit tag (expanded) or nil; `plain` tells whether implicit resolution applies.
    static func construct(text: String, tag: String?, plain: Bool) -> Result<YAMLValue, ConstructFailure> {
        let resolved: String
        if let tag {
            resolved = tag == "!" ? "tag:yaml.org,2002:str" : tag
        } else if !plain {
            return .success(.string(text))
        } else {
            switch implicitType(of: text) {
            case .string: return .success(.string(text))
            case .null: return .success(.null)
            case .bool: return .success(.bool(boolWords[text]!))
            case .int:
                guard let v = constructInt(text) else { return .failure(.invalid("tag:yaml.org,2002:int")) }
                return .success(v)
            case .float:
                guard let v = constructFloat(text) else { return .failure(.invalid("tag:yaml.org,2002:float")) }
                return .success(.float(v))
            case .timestamp: return .success(.timestamp(text))
            case .merge: return .failure(.merge)
            case .value: return .failure(.unsupported("tag:yaml.org,2002:value"))
            case .yaml: return .failure(.unsupported("tag:yaml.org,2002:yaml"))
            }
        }
        switch resolved {
        case "tag:yaml.org,2002:str": return .success(.string(text))
        case "tag:yaml.org,2002:null": return .success(.null)
        case "tag:yaml.org,2002:bool":
            guard let b = boolWords.first(where: { $0.key.lowercased() == text.lowercased() })?.value else {
                return .failure(.invalid(resolved))
            }
            return .success(.bool(b))
        case "tag:yaml.org,2002:int":
            guard let v = constructInt(text) else { return .failure(.invalid(resolved)) }
            return .success(v)
        case "tag:yaml.org,2002:float":
            guard let v = constructFloat(text) else { return .failure(.invalid(resolved)) }
            return .success(.float(v))
        case "tag:yaml.org,2002:timestamp":
            guard isTimestamp(Array(text.utf8)) else { return .failure(.invalid(resolved)) }
            return .success(.timestamp(text))
        default:
            return .failure(.unsupported(resolved))
        }
    }

    enum ConstructFailure: Error {
        case invalid(String)
        case unsupported(String)
        case merge
    }
}

/// Converts digit strings of any length between radixes (for integers beyond `Int`).
enum BigDecimalText {
    /// Decimal text of the non-negative integer written with `digits` in `radix`; nil on a bad digit.
    static func convert(_ digits: Substring, radix: Int) -> String? {
        // Little-endian base-1e9 limbs.
        var limbs: [UInt64] = [0]
        for ch in digits {
            guard let d = ch.hexDigitValue, d < radix else { return nil }
            var carry = UInt64(d)
            for k in limbs.indices {
                let v = limbs[k] * UInt64(radix) + carry
                limbs[k] = v % 1_000_000_000
                carry = v / 1_000_000_000
            }
            while carry > 0 { limbs.append(carry % 1_000_000_000); carry /= 1_000_000_000 }
        }
        while limbs.count > 1, limbs.last == 0 { limbs.removeLast() }
        var out = String(limbs.last!)
        for limb in limbs.dropLast().reversed() {
            let s = String(limb)
            out += String(repeating: "0", count: 9 - s.count) + s
        }
        return out
    }
}
