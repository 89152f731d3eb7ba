/// JSON text written the way Python's `json.dumps` writes it (MLflow's server uses its defaults).
public enum PythonJSON {
    /// A JSON string literal with `ensure_ascii=True`: `"` and `\` escaped, `\n \r \t \b \f` as
    /// short escapes, other control characters and every non-ASCII scalar as `\uXXXX` (UTF-16,
    /// so characters outside the BMP become a surrogate pair).
    public static func quote(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for unit in text.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            default: out += "\\u" + hex4(unit)
            }
        }
        return out + "\""
    }

    private static func hex4(_ unit: UInt16) -> String {
        let digits = Array("0123456789abcdef")
        return String([
            digits[Int(unit >> 12) & 0xF], digits[Int(unit >> 8) & 0xF],
            digits[Int(unit >> 4) & 0xF], digits[Int(unit) & 0xF],
        ])
    }
}
