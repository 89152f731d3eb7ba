/// UTF-8 validation with the failure reasons Python's strict `utf-8` codec gives
/// (`invalid start byte`, `invalid continuation byte`, `unexpected end of data`).
public enum UTF8Check {
    /// Where and why a body is not UTF-8.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Offset of the first byte of the bad sequence.
        public var byteOffset: Int
        public var reason: String
        public var description: String { "the body is not valid UTF-8: \(reason) at byte \(byteOffset)" }
    }

    /// Returns `nil` when `bytes` is valid UTF-8 (no surrogates, no overlong forms, ≤ U+10FFFF).
    public static func firstError(in bytes: [UInt8]) -> Failure? {
        bytes.withUnsafeBufferPointer { firstError(in: $0) }
    }

    static func firstError(in bytes: UnsafeBufferPointer<UInt8>) -> Failure? {
        var i = 0
        let n = bytes.count
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return Failure(byteOffset: i, reason: "invalid start byte")
            }
            for k in 1..<length {
                guard i + k < n else { return Failure(byteOffset: i, reason: "unexpected end of data") }
                let b = bytes[i + k]
                let (lo, hi) = k == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
                guard b >= lo && b <= hi else {
                    return Failure(byteOffset: i, reason: "invalid continuation byte")
                }
            }
            i += length
        }
        return nil
    }
}
