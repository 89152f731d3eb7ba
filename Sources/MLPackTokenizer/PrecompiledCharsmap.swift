import Foundation

/// SentencePiece's compiled normalization rules (`precompiled_charsmap`, base64 in tokenizer.json's
/// `Precompiled` normalizer): a little-endian u32 byte length of a Darts double-array trie, the trie's
/// u32 units, then a blob of NUL-terminated replacement strings. A trie key is a UTF-8 byte string; its
/// value is the offset of its replacement in the blob.
///
/// Applied as Hugging Face `tokenizers` applies it: per extended grapheme cluster, the whole cluster
/// (when under 6 bytes) is looked up first and, on a hit, replaced by the replacement of the *first*
/// (shortest) trie key that prefixes it; otherwise each scalar of the cluster is looked up alone.
struct PrecompiledCharsmap: Sendable {
    private let units: [UInt32]
    private let blob: [UInt8]

    /// Largest charsmap accepted (the SentencePiece nmt_nfkc map is about 240 KB).
    static let maxBytes = 16 << 20

    init(bytes: [UInt8], file: String, key: String) throws {
        guard bytes.count >= 4, bytes.count <= Self.maxBytes else {
            throw TokenizerError.malformed(file: file, reason: "\(key): a charsmap of 4...\(Self.maxBytes) bytes expected, found \(bytes.count)")
        }
        let trieBytes = Int(UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24)
        guard trieBytes % 4 == 0, trieBytes >= 4, 4 + trieBytes <= bytes.count else {
            throw TokenizerError.malformed(
                file: file, reason: "\(key): trie size \(trieBytes) does not fit the \(bytes.count)-byte charsmap")
        }
        var units = [UInt32](repeating: 0, count: trieBytes / 4)
        for i in 0..<units.count {
            let o = 4 + 4 * i
            units[i] = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
        }
        self.units = units
        blob = Array(bytes[(4 + trieBytes)...])
        guard String(validating: blob, as: UTF8.self) != nil else {
            throw TokenizerError.malformed(file: file, reason: "\(key): the replacement strings are not UTF-8")
        }
    }

    @inline(__always) private static func offset(_ u: UInt32) -> Int { Int((u >> 10) << ((u & (1 << 9)) >> 6)) }
    @inline(__always) private static func label(_ u: UInt32) -> UInt32 { u & ((1 << 31) | 0xFF) }
    @inline(__always) private static func hasLeaf(_ u: UInt32) -> Bool { (u >> 8) & 1 == 1 }
    @inline(__always) private static func value(_ u: UInt32) -> Int { Int(u & ((1 << 31) - 1)) }

    /// The replacement of the shortest key that prefixes `key` (Darts common-prefix search, first hit).
    /// Positions outside the trie end the search (a damaged map normalizes nothing rather than crash).
    func firstPrefixReplacement(_ key: some Collection<UInt8>) -> ArraySlice<UInt8>? {
        guard !units.isEmpty else { return nil }
        var node = Self.offset(units[0])
        for c in key {
            if c == 0 { return nil }
            node ^= Int(c)
            guard node >= 0, node < units.count else { return nil }
            let unit = units[node]
            if Self.label(unit) != UInt32(c) { return nil }
            node ^= Self.offset(unit)
            guard node >= 0, node < units.count else { return nil }
            if Self.hasLeaf(unit) {
                let start = Self.value(units[node])
                guard start <= blob.count else { return nil }
                var end = start
                while end < blob.count && blob[end] != 0 { end += 1 }
                return blob[start..<end]
            }
        }
        return nil
    }

    /// Normalizes `text`; of the result, `lead` counts the bytes made from graphemes starting in the
    /// first `lead` bytes of `text`.
    func normalize(_ text: String, lead: Int = 0) -> (text: String, lead: Int) {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var newLead = 0
        var offset = 0
        for grapheme in text {
            let g = grapheme.utf8
            defer {
                offset += g.count
                if offset - g.count < lead { newLead = out.count }
            }
            if g.count < 6, let r = firstPrefixReplacement(g) {
                out.append(contentsOf: r)
                continue
            }
            for scalar in grapheme.unicodeScalars {
                let bytes = Array(String(scalar).utf8)
                if let r = firstPrefixReplacement(bytes) {
                    out.append(contentsOf: r)
                } else {
                    out.append(contentsOf: bytes)
                }
            }
        }
        return (String(decoding: out, as: UTF8.self), newLead)
    }
}
