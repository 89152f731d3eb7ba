/// Python `repr()` renderings needed to reproduce MLflow's messages.
enum PythonRepr {
    /// `repr(str)`: single quotes unless the text contains `'` and no `"`; escapes as CPython does.
    static func string(_ s: String) -> String {
        let useDouble = s.contains("'") && !s.contains("\"")
        let quote: Character = useDouble ? "\"" : "'"
        var out = String(quote)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(scalar) == quote {
                    out += "\\" + String(quote)
                } else if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append(quote)
        return out
    }

    /// Python's `str < str` (code point order).
    static func codePointLess(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
    }

    /// `repr(tuple_of_ints)`: `(-1,)`, `(-1, 3)`, `()`.
    static func tuple(_ values: [Int]) -> String {
        if values.count == 1 { return "(\(values[0]),)" }
        return "(" + values.map(String.init).joined(separator: ", ") + ")"
    }
}

extension PythonRepr {
    /// `repr()` of the Python value `json.loads` gives for `value`.
    static func repr(_ value: JSONValue) -> String {
        switch value {
        case .null: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .bigInt(let t): return t
        case .double(let d): return PythonFloat.repr(d)
        case .string(let s): return string(s)
        case .array(let a): return "[" + a.map(repr).joined(separator: ", ") + "]"
        case .object(let o): return "{" + o.members.map { string($0.key) + ": " + repr($0.value) }.joined(separator: ", ") + "}"
        }
    }

    /// `str()` of the value; with `datetime`, ISO strings are shown as the `datetime`/`date` objects MLflow holds.
    static func str(_ value: JSONValue, datetime: Bool = false) -> String {
        if datetime {
            if case .string(let s) = value, let d = ISODateTime.parse(s) {
                return String(d.isoformat.map { $0 == "T" ? " " : $0 })
            }
            if case .array(let a) = value {
                return "[" + a.map { item -> String in
                    guard case .string(let s) = item, let d = ISODateTime.parse(s) else { return repr(item) }
                    if d.isDateOnly { return "datetime.date(\(d.year), \(d.month), \(d.day))" }
                    var parts = [d.year, d.month, d.day, d.hour, d.minute]
                    if d.second != 0 || d.nanosecond >= 1000 { parts.append(d.second) }
                    if d.nanosecond >= 1000 { parts.append(d.nanosecond / 1000) }
                    return "datetime.datetime(" + parts.map(String.init).joined(separator: ", ") + ")"
                }.joined(separator: ", ") + "]"
            }
        }
        if case .string(let s) = value { return s }
        return repr(value)
    }
}
