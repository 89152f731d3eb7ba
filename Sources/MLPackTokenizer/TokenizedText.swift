/// The ids of one text after tokenization, template and truncation (single sequence: the
/// attention mask is all ones and the token type ids all zeros).
public struct TokenizedText: Sendable, Equatable {
    /// Token ids including the template's special tokens.
    public var ids: [Int32]
    /// Whether word pieces were cut off by truncation.
    public var truncated: Bool

    public init(ids: [Int32], truncated: Bool) {
        self.ids = ids
        self.truncated = truncated
    }

    /// Number of tokens.
    public var count: Int { ids.count }
}
