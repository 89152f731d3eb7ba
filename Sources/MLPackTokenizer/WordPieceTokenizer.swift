/// WordPiece tokenization exactly as Hugging Face `tokenizers` runs it for BERT models:
/// added tokens matched in the raw text, BertNormalizer, BertPreTokenizer, greedy longest-match
/// WordPiece with a continuation prefix, a `[CLS] … [SEP]` template and truncation.
///
/// Work per text is bounded by the truncation length: the text is normalized and split as a stream
/// and the scan stops once the word pieces exceed the limit, so a 10 MB text costs no more memory
/// than a short one.
public struct WordPieceTokenizer: Sendable {
    /// The configuration this tokenizer was built from.
    public let configuration: TokenizerConfiguration
    let trie: ByteTrie
    let continuationNode: Int32
    let unknownId: Int32
    let addedTrie: ByteTrie
    let addedFirstByte: [Bool]

    /// Builds a tokenizer; throws when the vocabulary lacks the unknown token.
    public init(configuration: TokenizerConfiguration, source: String = "tokenizer") throws {
        self.configuration = configuration
        guard !configuration.vocabulary.isEmpty else {
            throw TokenizerError.invalidVocabulary(file: source, reason: "no tokens")
        }
        guard configuration.vocabulary.count <= Int(Int32.max) else {
            throw TokenizerError.invalidVocabulary(file: source, reason: "too many tokens")
        }
        var entries: [([UInt8], Int32)] = []
        entries.reserveCapacity(configuration.vocabulary.count)
        for (i, t) in configuration.vocabulary.enumerated() where !t.isEmpty {
            entries.append((Array(t.utf8), Int32(i)))
        }
        trie = ByteTrie(entries)
        guard let unk = configuration.vocabulary.lastIndex(of: configuration.unknownToken) else {
            throw TokenizerError.missingToken(file: source, token: configuration.unknownToken, role: "unknown")
        }
        unknownId = Int32(unk)
        continuationNode =
            configuration.continuingSubwordPrefix.isEmpty
            ? ByteTrie.root : trie.walk(ByteTrie.root, configuration.continuingSubwordPrefix.utf8)
        var first = [Bool](repeating: false, count: 256)
        var added: [([UInt8], Int32)] = []
        for t in configuration.addedTokens where !t.content.isEmpty {
            let bytes = Array(t.content.utf8)
            first[Int(bytes[0])] = true
            added.append((bytes, t.id))
        }
        addedTrie = ByteTrie(added)
        addedFirstByte = first
        for id in configuration.prefixIds + configuration.suffixIds
        where id < 0 || Int(id) >= configuration.vocabulary.count {
            throw TokenizerError.invalidVocabulary(file: source, reason: "template token id \(id) out of range")
        }
    }

    /// Number of tokens in the vocabulary.
    public var vocabularySize: Int { configuration.vocabulary.count }

    /// The token string of `id`, or nil when out of range.
    public func token(_ id: Int32) -> String? {
        id >= 0 && Int(id) < configuration.vocabulary.count ? configuration.vocabulary[Int(id)] : nil
    }

    /// Tokenizes one text, keeping at most `maxLength` tokens including the template's special
    /// tokens (the first `maxLength - specials` word pieces are kept, cutting inside a word if needed).
    public func encode(_ text: String, maxLength: Int) -> TokenizedText {
        let limit = max(0, maxLength - configuration.prefixIds.count - configuration.suffixIds.count)
        var state = EncodingState(tokenizer: self, limit: limit)
        var text = text
        text.withUTF8 { state.run($0) }
        let truncated = state.pieces.count > limit
        if truncated { state.pieces.removeLast(state.pieces.count - limit) }
        return TokenizedText(
            ids: configuration.prefixIds + state.pieces + configuration.suffixIds, truncated: truncated)
    }

    /// Tokenizes several texts (see `encode(_:maxLength:)`).
    public func encode(_ texts: [String], maxLength: Int) -> [TokenizedText] {
        texts.map { encode($0, maxLength: maxLength) }
    }
}

/// The streaming pipeline of one `encode` call: raw scan → clean_text → CJK spacing → NFD and
/// canonical ordering → drop Mn → lowercase → whitespace/punctuation split → WordPiece.
struct EncodingState {
    let tokenizer: WordPieceTokenizer
    let config: TokenizerConfiguration
    let limit: Int
    var pieces: [Int32] = []
    /// Non-starters waiting for canonical ordering.
    var run: [UInt32] = []
    var runClasses: [UInt8] = []
    var scratch: [UInt32] = []
    var lowered: [UInt32] = []
    var word: [UInt8] = []
    var wordScalars = 0
    var wordPieces: [Int32] = []
    var done = false

    init(tokenizer: WordPieceTokenizer, limit: Int) {
        self.tokenizer = tokenizer
        self.config = tokenizer.configuration
        self.limit = limit
        word.reserveCapacity(64)
        pieces.reserveCapacity(min(limit + 1, 512))
    }

    mutating func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        var i = 0
        while i < n && !done {
            let b0 = bytes[i]
            if tokenizer.addedFirstByte[Int(b0)],
                let m = tokenizer.addedTrie.longestMatch(from: ByteTrie.root, bytes, start: i, end: n)
            {
                endSegment()
                emit(m.value)
                i = m.end
                continue
            }
            var c = UInt32(b0)
            var len = 1
            if b0 >= 0xF0 {
                len = 4
                c = UInt32(b0 & 0x07)
            } else if b0 >= 0xE0 {
                len = 3
                c = UInt32(b0 & 0x0F)
            } else if b0 >= 0xC0 {
                len = 2
                c = UInt32(b0 & 0x1F)
            }
            if len > 1 {
                guard i + len <= n else { break }
                for k in 1..<len { c = (c << 6) | UInt32(bytes[i + k] & 0x3F) }
            }
            i += len
            normalize(c)
        }
        endSegment()
    }

    /// clean_text and CJK spacing, then accent handling.
    @inline(__always)
    mutating func normalize(_ raw: UInt32) {
        var c = raw
        if config.cleanText {
            if UnicodeProperties.isDeletedControl(c) { return }
            if UnicodeProperties.isWhitespace(c) { c = 0x20 }
        }
        if config.handleChineseChars && c >= 0x3400 && UnicodeProperties.isChineseCharacter(c) {
            decompose(0x20)
            decompose(c)
            decompose(0x20)
        } else {
            decompose(c)
        }
    }

    /// NFD with canonical ordering of non-starter runs (only when accents are stripped).
    @inline(__always)
    mutating func decompose(_ c: UInt32) {
        guard config.stripAccents else {
            finish(c)
            return
        }
        if c < 0xC0 {
            flushRun()
            finish(c)
            return
        }
        scratch.removeAll(keepingCapacity: true)
        UnicodeProperties.appendDecomposition(c, to: &scratch)
        for p in scratch {
            let cc = UnicodeProperties.combiningClass(p)
            if cc == 0 {
                flushRun()
                finish(p)
            } else {
                // Stable insertion by combining class.
                var j = run.count
                run.append(p)
                runClasses.append(cc)
                while j > 0 && runClasses[j - 1] > cc {
                    run[j] = run[j - 1]
                    runClasses[j] = runClasses[j - 1]
                    j -= 1
                }
                run[j] = p
                runClasses[j] = cc
            }
        }
    }

    mutating func flushRun() {
        guard !run.isEmpty else { return }
        for p in run { finish(p) }
        run.removeAll(keepingCapacity: true)
        runClasses.removeAll(keepingCapacity: true)
    }

    /// Drops Mn (when stripping accents), lowercases, and feeds the pre-tokenizer.
    @inline(__always)
    mutating func finish(_ c: UInt32) {
        if config.stripAccents && UnicodeProperties.isNonspacingMark(c) { return }
        if config.lowercase {
            if c < 0x80 {
                preTokenize(c >= 0x41 && c <= 0x5A ? c + 0x20 : c)
            } else {
                lowered.removeAll(keepingCapacity: true)
                UnicodeProperties.appendLowercase(c, to: &lowered)
                for l in lowered { preTokenize(l) }
            }
        } else {
            preTokenize(c)
        }
    }

    /// BertPreTokenizer: split on whitespace, isolate punctuation.
    @inline(__always)
    mutating func preTokenize(_ c: UInt32) {
        if UnicodeProperties.isWhitespace(c) {
            endWord()
        } else if UnicodeProperties.isPunctuation(c) {
            endWord()
            appendScalar(c)
            endWord()
        } else {
            appendScalar(c)
        }
    }

    @inline(__always)
    mutating func appendScalar(_ c: UInt32) {
        wordScalars += 1
        // A word over the limit is one unknown token whatever its bytes: stop storing them.
        if wordScalars > config.maxInputCharsPerWord { return }
        if c < 0x80 {
            word.append(UInt8(c))
        } else if c < 0x800 {
            word.append(UInt8(0xC0 | (c >> 6)))
            word.append(UInt8(0x80 | (c & 0x3F)))
        } else if c < 0x10000 {
            word.append(UInt8(0xE0 | (c >> 12)))
            word.append(UInt8(0x80 | ((c >> 6) & 0x3F)))
            word.append(UInt8(0x80 | (c & 0x3F)))
        } else {
            word.append(UInt8(0xF0 | (c >> 18)))
            word.append(UInt8(0x80 | ((c >> 12) & 0x3F)))
            word.append(UInt8(0x80 | ((c >> 6) & 0x3F)))
            word.append(UInt8(0x80 | (c & 0x3F)))
        }
    }

    mutating func endSegment() {
        flushRun()
        endWord()
    }

    @inline(__always)
    mutating func emit(_ id: Int32) {
        guard !done else { return }
        pieces.append(id)
        if pieces.count > limit { done = true }
    }

    /// WordPiece: greedy longest match; any unmatched part makes the whole word unknown.
    mutating func endWord() {
        defer {
            word.removeAll(keepingCapacity: true)
            wordScalars = 0
        }
        guard wordScalars > 0, !done else { return }
        if wordScalars > config.maxInputCharsPerWord {
            emit(tokenizer.unknownId)
            return
        }
        wordPieces.removeAll(keepingCapacity: true)
        let ok = word.withUnsafeBufferPointer { bytes -> Bool in
            var start = 0
            while start < bytes.count {
                let node = start == 0 ? ByteTrie.root : tokenizer.continuationNode
                guard node >= 0,
                    let m = tokenizer.trie.longestMatch(from: node, bytes, start: start, end: bytes.count)
                else { return false }
                wordPieces.append(m.value)
                start = m.end
            }
            return true
        }
        if ok {
            for p in wordPieces { emit(p) }
        } else {
            emit(tokenizer.unknownId)
        }
    }
}
