/// Everything that defines a BERT WordPiece tokenizer: normalizer switches, WordPiece parameters,
/// the vocabulary, added tokens and the single-sequence template.
public struct TokenizerConfiguration: Sendable, Equatable {
    /// BertNormalizer `clean_text`: delete controls, map whitespace to a space.
    public var cleanText = true
    /// BertNormalizer `handle_chinese_chars`: put spaces around CJK ideographs.
    public var handleChineseChars = true
    /// BertNormalizer `strip_accents`: NFD, then drop nonspacing marks.
    public var stripAccents = true
    /// BertNormalizer `lowercase`.
    public var lowercase = true
    /// WordPiece continuation prefix.
    public var continuingSubwordPrefix = "##"
    /// Words with more Unicode scalars than this (after normalization) become the unknown token.
    public var maxInputCharsPerWord = 100
    /// The unknown token.
    public var unknownToken = "[UNK]"
    /// Token strings, indexed by id.
    public var vocabulary: [String]
    /// Added tokens matched in the raw text before normalization: content and id.
    public var addedTokens: [(content: String, id: Int32)] = []
    /// Ids put before / after the sequence (for BERT: `[CLS]` / `[SEP]`).
    public var prefixIds: [Int32] = []
    public var suffixIds: [Int32] = []

    public init(vocabulary: [String]) { self.vocabulary = vocabulary }

    public static func == (a: Self, b: Self) -> Bool {
        a.cleanText == b.cleanText && a.handleChineseChars == b.handleChineseChars
            && a.stripAccents == b.stripAccents && a.lowercase == b.lowercase
            && a.continuingSubwordPrefix == b.continuingSubwordPrefix
            && a.maxInputCharsPerWord == b.maxInputCharsPerWord && a.unknownToken == b.unknownToken
            && a.vocabulary == b.vocabulary && a.prefixIds == b.prefixIds && a.suffixIds == b.suffixIds
            && a.addedTokens.map(\.content) == b.addedTokens.map(\.content)
            && a.addedTokens.map(\.id) == b.addedTokens.map(\.id)
    }
}
