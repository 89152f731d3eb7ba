/// Formats doubles exactly as Python's `repr(float)` (and therefore `json.dumps`) does.
///
/// Python prints the shortest digit string that round-trips, in positional notation when the
/// decimal exponent lies in [-4, 16) and in scientific notation otherwise, with a signed exponent of
/// at least two digits: `0.1`, `100.0`, `1e-05`, `0.0001`, `1e+16`, `1.5e+300`.
public enum PythonFloat {
    /// `repr(x)` for a finite double; `nan`, `inf`, `-inf` for the non-finite values.
    public static func repr(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        return format(x)
    }

    /// The JSON text Python's `json.dumps` writes for `x`: `repr` for finite values, `NaN`,
    /// `Infinity`, `-Infinity` otherwise.
    public static func json(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x < 0 ? "-Infinity" : "Infinity" }
        return format(x)
    }

    /// The shortest round-trip decimal digits of `|x|` (no leading or trailing zeros, `"0"` for zero)
    /// and the exponent `e` with `|x| = 0.digits × 10^e`.
    public static func shortestDigits(_ x: Double) -> (digits: [UInt8], decimalPoint: Int) {
        if x == 0 { return ([UInt8(ascii: "0")], 1) }
        // Swift's description is the shortest round-trip representation (either positional or
        // "d.ddde±xx"); only its digits and exponent are used.
        let text = Array(x.magnitude.description.utf8)
        var mantissa: [UInt8] = []
        var pointIndex: Int? = nil
        var exponent = 0
        var i = 0
        while i < text.count {
            let c = text[i]
            if c == UInt8(ascii: ".") {
                pointIndex = mantissa.count
            } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                exponent = Int(String(decoding: text[(i + 1)...], as: UTF8.self)) ?? 0
                break
            } else {
                mantissa.append(c)
            }
            i += 1
        }
        var decimalPoint = (pointIndex ?? mantissa.count) + exponent
        // Strip leading zeros (moving the point) and trailing zeros.
        var lead = 0
        while lead < mantissa.count - 1 && mantissa[lead] == UInt8(ascii: "0") {
            lead += 1
            decimalPoint -= 1
        }
        var digits = Array(mantissa[lead...])
        while digits.count > 1 && digits.last == UInt8(ascii: "0") { digits.removeLast() }
        return (digits, decimalPoint)
    }

    private static func format(_ x: Double) -> String {
        if x == 0 { return x.sign == .minus ? "-0.0" : "0.0" }
        let (digits, point) = shortestDigits(x)
        var out: [UInt8] = []
        out.reserveCapacity(digits.count + 8)
        if x < 0 { out.append(UInt8(ascii: "-")) }
        let zero = UInt8(ascii: "0")
        if point > -4 && point <= 16 {
            if point <= 0 {
                out.append(zero)
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: repeatElement(zero, count: -point))
                out.append(contentsOf: digits)
            } else if point >= digits.count {
                out.append(contentsOf: digits)
                out.append(contentsOf: repeatElement(zero, count: point - digits.count))
                out.append(UInt8(ascii: "."))
                out.append(zero)
            } else {
                out.append(contentsOf: digits[..<point])
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: digits[point...])
            }
        } else {
            out.append(digits[0])
            if digits.count > 1 {
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: digits[1...])
            }
            let e = point - 1
            out.append(UInt8(ascii: "e"))
            out.append(e < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            let magnitude = String(abs(e))
            if magnitude.count < 2 { out.append(zero) }
            out.append(contentsOf: Array(magnitude.utf8))
        }
        return String(decoding: out, as: UTF8.self)
    }
}
