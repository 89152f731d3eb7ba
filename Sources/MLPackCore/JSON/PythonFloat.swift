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
        var out: [UInt8] = []
        appendJSON(x, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends ``json(_:)``'s text to `out` (no intermediate allocation for the digits: the
    /// writer of a 2,000 × 384 prediction calls this 768,000 times).
    public static func appendJSON(_ x: Double, into out: inout [UInt8]) {
        if x.isNaN { return out.append(contentsOf: "NaN".utf8) }
        if x.isInfinite { return out.append(contentsOf: (x < 0 ? "-Infinity" : "Infinity").utf8) }
        appendFinite(x, into: &out)
    }

    /// The shortest round-trip decimal digits of `|x|` (no leading or trailing zeros, `"0"` for zero)
    /// and the exponent `e` with `|x| = 0.digits × 10^e`.
    public static func shortestDigits(_ x: Double) -> (digits: [UInt8], decimalPoint: Int) {
        withDigits(x) { digits, point in (Array(digits), point) }
    }

    /// Calls `body` with the shortest round-trip digits of `|x|` and their decimal point (see
    /// ``shortestDigits(_:)``), held in a stack buffer.
    private static func withDigits<R>(_ x: Double, _ body: (UnsafeBufferPointer<UInt8>, Int) -> R) -> R {
        let zero = UInt8(ascii: "0")
        if x == 0 { return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1) { $0[0] = zero; return body(UnsafeBufferPointer($0), 1) } }
        // Swift's description is the shortest round-trip representation (either positional or
        // "d.ddde±xx"); only its digits and exponent are used.
        var text = x.magnitude.description
        return text.withUTF8 { text in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: text.count) { mantissa in
                var count = 0
                var pointIndex: Int? = nil
                var exponent = 0
                var i = 0
                while i < text.count {
                    let c = text[i]
                    if c == UInt8(ascii: ".") {
                        pointIndex = count
                    } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                        var sign = 1
                        var j = i + 1
                        if j < text.count, text[j] == UInt8(ascii: "-") || text[j] == UInt8(ascii: "+") {
                            if text[j] == UInt8(ascii: "-") { sign = -1 }
                            j += 1
                        }
                        while j < text.count { exponent = exponent * 10 + Int(text[j] &- zero); j += 1 }
                        exponent *= sign
                        break
                    } else {
                        mantissa[count] = c
                        count += 1
                    }
                    i += 1
                }
                var decimalPoint = (pointIndex ?? count) + exponent
                // Strip leading zeros (moving the point) and trailing zeros.
                var lead = 0
                while lead < count - 1 && mantissa[lead] == zero {
                    lead += 1
                    decimalPoint -= 1
                }
                while count - lead > 1 && mantissa[count - 1] == zero { count -= 1 }
                return body(UnsafeBufferPointer(rebasing: mantissa[lead..<count]), decimalPoint)
            }
        }
    }

    private static func format(_ x: Double) -> String {
        var out: [UInt8] = []
        appendFinite(x, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendFinite(_ x: Double, into out: inout [UInt8]) {
        if x == 0 { return out.append(contentsOf: (x.sign == .minus ? "-0.0" : "0.0").utf8) }
        if x < 0 { out.append(UInt8(ascii: "-")) }
        let zero = UInt8(ascii: "0")
        withDigits(x) { digits, point in
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
                let magnitude = abs(e)
                if magnitude < 10 { out.append(zero) }
                if magnitude >= 100 { out.append(zero + UInt8(magnitude / 100)) }
                if magnitude >= 10 { out.append(zero + UInt8(magnitude / 10 % 10)) }
                out.append(zero + UInt8(magnitude % 10))
            }
        }
    }
}
