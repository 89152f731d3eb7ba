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

    private static func format(_ x: Double) -> String {
        var out: [UInt8] = []
        appendFinite(x, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Swift's shortest round-trip text of a double (`d.ddd`, `ddd.d` or `d.ddde±x`, at most 24
    /// bytes), captured without a `String`: `Double.write(to:)` hands its bytes to
    /// `_writeASCII`; `write(_:)` is there for a standard library that sends a `String` instead.
    private struct ShortestText: TextOutputStream {
        var bytes: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var count = 0

        mutating func write(_ string: String) {
            var string = string
            string.withUTF8 { append($0) }
        }

        mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { append(buffer) }

        private mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
            let n = min(buffer.count, 32 - count)
            let start = count
            withUnsafeMutableBytes(of: &bytes) { raw in
                for i in 0..<n { raw[start + i] = buffer[i] }
            }
            count += n
        }
    }

    /// Calls `body` with the shortest round-trip digits of `|x|` (see ``shortestDigits(_:)``), held
    /// in a stack buffer.
    @inline(__always)
    private static func withDigits<R>(_ x: Double, _ body: (UnsafeBufferPointer<UInt8>, Int) -> R) -> R {
        if x == 0 {
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1) {
                $0[0] = UInt8(ascii: "0")
                return body(UnsafeBufferPointer($0), 1)
            }
        }
        // Swift's text of a double (`write(to:)`, the same as `description`) is the shortest
        // round-trip representation (positional or "d.ddde±xx"); only its digits and exponent are used.
        var text = ShortestText()
        x.magnitude.write(to: &text)
        let count = text.count
        return withUnsafeBytes(of: &text.bytes) { raw in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { mantissa in
                let zero = UInt8(ascii: "0")
                var n = 0
                var pointIndex = -1
                var exponent = 0
                var i = 0
                while i < count {
                    let c = raw[i]
                    if c == UInt8(ascii: ".") {
                        pointIndex = n
                    } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                        var negative = false
                        var j = i + 1
                        if j < count, raw[j] == UInt8(ascii: "-") || raw[j] == UInt8(ascii: "+") {
                            negative = raw[j] == UInt8(ascii: "-")
                            j += 1
                        }
                        while j < count { exponent = exponent * 10 + Int(raw[j] &- zero); j += 1 }
                        if negative { exponent = -exponent }
                        break
                    } else {
                        mantissa[n] = c
                        n += 1
                    }
                    i += 1
                }
                var decimalPoint = (pointIndex < 0 ? n : pointIndex) + exponent
                var lead = 0
                while lead < n - 1 && mantissa[lead] == zero {
                    lead += 1
                    decimalPoint -= 1
                }
                while n - lead > 1 && mantissa[n - 1] == zero { n -= 1 }
                return body(UnsafeBufferPointer(rebasing: mantissa[lead..<n]), decimalPoint)
            }
        }
    }

    private static func appendFinite(_ x: Double, into out: inout [UInt8]) {
        if x == 0 { return out.append(contentsOf: (x.sign == .minus ? "-0.0" : "0.0").utf8) }
        withDigits(x) { digits, point in
            // At most 24 bytes: a sign, 17 digits, and the point with up to 5 zeros or an exponent.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { text in
                let zero = UInt8(ascii: "0")
                var n = 0
                @inline(__always) func put(_ c: UInt8) { text[n] = c; n += 1 }
                @inline(__always) func put(_ d: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) { for i in r { text[n] = d[i]; n += 1 } }
                if x < 0 { put(UInt8(ascii: "-")) }
                if point > -4 && point <= 16 {
                    if point <= 0 {
                        put(zero); put(UInt8(ascii: "."))
                        for _ in 0..<(-point) { put(zero) }
                        put(digits, 0..<digits.count)
                    } else if point >= digits.count {
                        put(digits, 0..<digits.count)
                        for _ in 0..<(point - digits.count) { put(zero) }
                        put(UInt8(ascii: ".")); put(zero)
                    } else {
                        put(digits, 0..<point)
                        put(UInt8(ascii: "."))
                        put(digits, point..<digits.count)
                    }
                } else {
                    put(digits[0])
                    if digits.count > 1 {
                        put(UInt8(ascii: "."))
                        put(digits, 1..<digits.count)
                    }
                    let e = point - 1
                    put(UInt8(ascii: "e"))
                    put(e < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
                    let magnitude = abs(e)
                    if magnitude < 10 { put(zero) }
                    if magnitude >= 100 { put(zero + UInt8(magnitude / 100)) }
                    if magnitude >= 10 { put(zero + UInt8(magnitude / 10 % 10)) }
                    put(zero + UInt8(magnitude % 10))
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: text[0..<n]))
            }
        }
    }
}
