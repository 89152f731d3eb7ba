/// Python's `repr(float)` and PyYAML's `represent_float` text for a Double.
public enum PythonFloatRepr {
    /// `repr(x)` as Python 3 prints it: shortest round-trip digits, fixed notation for
    /// decimal exponents in (-4, 16], otherwise `d.ddde±XX`.
    public static func repr(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        let sign = x.sign == .minus ? "-" : ""
        let (digits, decpt) = shortestDigits(abs(x))
        if digits.isEmpty { return sign + "0.0" }
        var body: String
        if decpt > -4 && decpt <= 16 {
            if decpt <= 0 {
                body = "0." + String(repeating: "0", count: -decpt) + digits
            } else if decpt >= digits.count {
                body = digits + String(repeating: "0", count: decpt - digits.count) + ".0"
            } else {
                let i = digits.index(digits.startIndex, offsetBy: decpt)
                body = digits[..<i] + "." + digits[i...]
            }
        } else {
            let exp = decpt - 1
            body = String(digits.first!)
            if digits.count > 1 { body += "." + digits.dropFirst() }
            let e = String(abs(exp))
            body += "e" + (exp < 0 ? "-" : "+") + (e.count < 2 ? "0" + e : e)
        }
        return sign + body
    }

    /// The text PyYAML's `SafeRepresenter.represent_float` writes: `.nan`, `.inf`, `-.inf`, or
    /// the lowercased repr with `.0` inserted before a bare exponent (`1e-05` → `1.0e-05`).
    public static func yaml(_ x: Double) -> String {
        if x.isNaN { return ".nan" }
        if x == .infinity { return ".inf" }
        if x == -.infinity { return "-.inf" }
        var value = repr(x)
        if !value.contains("."), let e = value.firstIndex(of: "e") {
            value.replaceSubrange(e...e, with: ".0e")
        }
        return value
    }

    /// Shortest round-trip decimal digits (no leading/trailing zeros) and the decimal point
    /// position: x = 0.d1d2d3… × 10^decpt. Taken from Swift's shortest-representation `description`.
    static func shortestDigits(_ x: Double) -> (String, Int) {
        let text = x.description
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var intCount = 0
        var digits = ""
        var seenPoint = false
        for ch in mantissa {
            if ch == "." { seenPoint = true; continue }
            digits.append(ch)
            if !seenPoint { intCount += 1 }
        }
        var decpt = intCount + exponent
        while digits.first == "0" {
            digits.removeFirst()
            decpt -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        return (digits, decpt)
    }
}
