/// Character classes and mappings of the BERT normalizer and pre-tokenizer, as Hugging Face
/// `tokenizers` computes them (see `scripts/gen-unicode-tables.py` for where the data comes from).
enum UnicodeProperties {
    /// Whether `c` lies in one of the flattened, sorted `[start, end]` pairs of `ranges`.
    @inline(__always)
    static func inRanges(_ ranges: [UInt32], _ c: UInt32) -> Bool {
        var lo = 0
        var hi = ranges.count / 2
        while lo < hi {
            let mid = (lo + hi) >> 1
            if c > ranges[2 * mid + 1] {
                lo = mid + 1
            } else if c < ranges[2 * mid] {
                hi = mid
            } else {
                return true
            }
        }
        return false
    }

    /// `clean_text` deletes these: U+0000, U+FFFD and Cc/Cf/Co except tab, LF, CR.
    @inline(__always)
    static func isDeletedControl(_ c: UInt32) -> Bool {
        if c == 0x09 || c == 0x0A || c == 0x0D { return false }
        if c < 0x20 || c == 0x7F || c == 0xFFFD { return true }
        if c < 0x80 { return false }
        return inRanges(UnicodeTables.other, c)
    }

    /// Unicode White_Space (Rust `char::is_whitespace`).
    @inline(__always)
    static func isWhitespace(_ c: UInt32) -> Bool {
        if c < 0x80 { return c == 0x20 || (c >= 0x09 && c <= 0x0D) }
        return inRanges(UnicodeTables.whiteSpace, c)
    }

    /// ASCII punctuation or general category P* (the BERT pre-tokenizer isolates these).
    @inline(__always)
    static func isPunctuation(_ c: UInt32) -> Bool {
        if c < 0x80 {
            return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60)
                || (c >= 0x7B && c <= 0x7E)
        }
        return inRanges(UnicodeTables.punctuation, c)
    }

    /// General category Mn (dropped by accent stripping).
    @inline(__always)
    static func isNonspacingMark(_ c: UInt32) -> Bool {
        c >= 0x300 && inRanges(UnicodeTables.nonspacingMark, c)
    }

    /// The CJK ideograph blocks `handle_chinese_chars` surrounds with spaces.
    @inline(__always)
    static func isChineseCharacter(_ c: UInt32) -> Bool {
        (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
            || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F)
            || (c >= 0x2B820 && c <= 0x2CEAF) || (c >= 0xF900 && c <= 0xFAFF)
            || (c >= 0x2F800 && c <= 0x2FA1F)
    }

    /// Canonical combining class (0 for starters).
    @inline(__always)
    static func combiningClass(_ c: UInt32) -> UInt8 {
        if c < 0x300 { return 0 }
        let t = UnicodeTables.combiningClass
        var lo = 0
        var hi = t.count / 3
        while lo < hi {
            let mid = (lo + hi) >> 1
            if c > t[3 * mid + 1] {
                lo = mid + 1
            } else if c < t[3 * mid] {
                hi = mid
            } else {
                return UInt8(truncatingIfNeeded: t[3 * mid + 2])
            }
        }
        return 0
    }

    /// Index of `c` in a sorted key table, or nil.
    @inline(__always)
    private static func index(of c: UInt32, in keys: [UInt32]) -> Int? {
        var lo = 0
        var hi = keys.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            let k = keys[mid]
            if k == c { return mid }
            if k < c { lo = mid + 1 } else { hi = mid }
        }
        return nil
    }

    /// Appends the full canonical decomposition of `c` (not yet canonically ordered) to `out`.
    @inline(__always)
    static func appendDecomposition(_ c: UInt32, to out: inout [UInt32]) {
        if c < 0xC0 {
            out.append(c)
            return
        }
        // Hangul syllables: arithmetic decomposition into conjoining jamo.
        if c >= 0xAC00 && c <= 0xD7A3 {
            let s = c - 0xAC00
            out.append(0x1100 + s / 588)
            out.append(0x1161 + (s % 588) / 28)
            let t = s % 28
            if t != 0 { out.append(0x11A7 + t) }
            return
        }
        guard let i = index(of: c, in: UnicodeTables.decompositionKeys) else {
            out.append(c)
            return
        }
        let from = Int(UnicodeTables.decompositionOffsets[i])
        let to = Int(UnicodeTables.decompositionOffsets[i + 1])
        for j in from..<to { out.append(UnicodeTables.decompositionValues[j]) }
    }

    /// Appends the full lower-case mapping of `c` (`char::to_lowercase`, no context) to `out`.
    @inline(__always)
    static func appendLowercase(_ c: UInt32, to out: inout [UInt32]) {
        if c < 0x80 {
            out.append(c >= 0x41 && c <= 0x5A ? c + 0x20 : c)
            return
        }
        guard let i = index(of: c, in: UnicodeTables.lowerKeys) else {
            out.append(c)
            return
        }
        let from = Int(UnicodeTables.lowerOffsets[i])
        let to = Int(UnicodeTables.lowerOffsets[i + 1])
        for j in from..<to { out.append(UnicodeTables.lowerValues[j]) }
    }
}
