/// `added_tokens` of a tokenizer.json found in text before the model sees it, as Hugging Face
/// `tokenizers` finds them: leftmost-longest matches, `single_word` matches only between non-word
/// characters, `lstrip` / `rstrip` swallow the whitespace beside the token.
struct AddedTokenMatcher: Sendable {
    struct Token: Sendable {
        var content: [UInt8]
        var id: Int32
        var singleWord: Bool
        var lstrip: Bool
        var rstrip: Bool
    }

    let tokens: [Token]
    private let trie: ByteTrie
    private let firstByte: [Bool]

    init(_ tokens: [Token]) {
        self.tokens = tokens
        var first = [Bool](repeating: false, count: 256)
        var entries: [([UInt8], Int32)] = []
        for (i, t) in tokens.enumerated() where !t.content.isEmpty {
            first[Int(t.content[0])] = true
            entries.append((t.content, Int32(i)))
        }
        trie = ByteTrie(entries)
        firstByte = first
    }

    /// Splits `bytes` (UTF-8) into spans of text (id nil) and added tokens.
    func split(_ bytes: [UInt8]) -> [(range: Range<Int>, id: Int32?)] {
        let n = bytes.count
        guard !tokens.isEmpty, n > 0 else { return [(0..<n, nil)] }
        var out: [(range: Range<Int>, id: Int32?)] = []
        var startOffset = 0
        bytes.withUnsafeBufferPointer { b in
            var i = 0
            while i < n {
                guard firstByte[Int(b[i])], let m = trie.longestMatch(from: ByteTrie.root, b, start: i, end: n) else {
                    i += 1
                    continue
                }
                let token = tokens[Int(m.value)]
                var start = i
                var stop = m.end
                i = m.end
                if token.singleWord {
                    let startSpace = start == 0 || !Self.isWordCharacter(Self.scalar(before: start, in: b))
                    let stopSpace = stop == n || !Self.isWordCharacter(Self.scalar(at: stop, in: b))
                    if !startSpace || !stopSpace { continue }
                }
                if token.lstrip {
                    var s = start
                    while s > 0, let c = Self.scalar(before: s, in: b), UnicodeProperties.isWhitespace(c.value) {
                        s -= UTF8.width(c)
                    }
                    start = max(s, startOffset)
                }
                if token.rstrip {
                    while stop < n, let c = Self.scalar(at: stop, in: b), UnicodeProperties.isWhitespace(c.value) {
                        stop += UTF8.width(c)
                    }
                }
                if startOffset < start { out.append((startOffset..<start, nil)) }
                out.append((start..<stop, token.id))
                startOffset = stop
            }
        }
        if startOffset < n { out.append((startOffset..<n, nil)) }
        return out
    }

    /// Regex `\w`: Alphabetic, marks, decimal numbers, connector punctuation, join controls.
    static func isWordCharacter(_ s: Unicode.Scalar?) -> Bool {
        guard let s else { return false }
        let p = s.properties
        if p.isAlphabetic || p.isJoinControl { return true }
        switch p.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }

    static func scalar(at i: Int, in b: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
        guard i < b.count else { return nil }
        let lead = b[i]
        let width = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        guard i + width <= b.count else { return nil }
        var c = width == 1 ? UInt32(lead) : UInt32(lead) & (0xFF >> (width + 1))
        for k in 1..<max(width, 1) { c = c << 6 | UInt32(b[i + k] & 0x3F) }
        return Unicode.Scalar(c)
    }

    static func scalar(before i: Int, in b: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
        var s = i - 1
        while s > 0 && b[s] & 0xC0 == 0x80 { s -= 1 }
        return s >= 0 ? scalar(at: s, in: b) : nil
    }
}
