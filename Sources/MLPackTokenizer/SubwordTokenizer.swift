import Foundation

/// The ids of a text pair after tokenization, template and truncation.
public struct TokenizedPair: Sendable, Equatable {
    public var ids: [Int32]
    /// Token type (segment) ids, as the post-processor's template gives them.
    public var typeIds: [UInt32]
    /// Whether tokens of either text were cut off.
    public var truncated: Bool
}

/// A Unigram or BPE tokenizer defined by a Hugging Face `tokenizer.json`, run as `tokenizers` runs it:
/// added tokens found in the raw text, normalizer, added tokens found in the normalized text,
/// pre-tokenizer, model, truncation, post-processor. Token ids match `tokenizers` exactly.
public struct SubwordTokenizer: TextTokenizer {
    enum Model: Sendable {
        case unigram(UnigramModel)
        case bpe(BPEModel)
    }

    public let modelType: TokenizerModelType
    let model: Model
    let normalizer: TextNormalizer?
    let preTokenizer: PreTokenizer?
    let postProcessor: PostProcessor
    /// Added tokens matched in the raw text (`normalized: false`) and in the normalized text.
    let rawAdded: AddedTokenMatcher
    let normalizedAdded: AddedTokenMatcher
    /// Token strings by id (model vocabulary and added tokens).
    let tokens: [String?]
    /// `truncation.max_length` of the file, if any.
    public let truncationLength: Int?

    public var vocabularySize: Int { tokens.count }

    public func token(_ id: Int32) -> String? {
        id >= 0 && Int(id) < tokens.count ? tokens[Int(id)] : nil
    }

    /// Number of special tokens the post-processor adds to one text / a pair.
    public func specialTokenCount(pair: Bool) -> Int { postProcessor.added(pair: pair) }

    /// Tokenizes one text keeping at most `maxLength` tokens including special tokens (the first
    /// `maxLength - specials` model tokens are kept). Work stops once enough tokens are found.
    public func encode(_ text: String, maxLength: Int) -> TokenizedText {
        let limit = max(0, maxLength - postProcessor.added(pair: false))
        var ids = sequenceIds(text, stopAfter: limit + 1)
        let truncated = ids.count > limit
        if truncated { ids.removeLast(ids.count - limit) }
        return TokenizedText(ids: postProcessor.assemble(ids, nil).ids, truncated: truncated)
    }

    /// Tokenizes one text with the file's truncation length (none when the file has none).
    public func encode(_ text: String) -> TokenizedText {
        encode(text, maxLength: truncationLength ?? Int.max)
    }

    /// Tokenizes a pair with `tokenizers`' longest-first truncation to `maxLength` tokens including
    /// special tokens (nil: the file's truncation length, or none).
    public func encode(_ a: String, pair b: String, maxLength: Int? = nil) -> TokenizedPair {
        var first = sequenceIds(a, stopAfter: .max)
        var second = sequenceIds(b, stopAfter: .max)
        var truncated = false
        if let maxLength = maxLength ?? truncationLength {
            let budget = max(0, maxLength - postProcessor.added(pair: true))
            let total = first.count + second.count
            if total > budget {
                truncated = true
                var n1 = first.count
                var n2 = second.count
                let swap = n1 > n2
                if swap { Swift.swap(&n1, &n2) }
                if n1 > budget {
                    n2 = n1
                } else {
                    n2 = max(n1, budget - n1)
                }
                if n1 + n2 > budget {
                    n1 = budget / 2
                    n2 = n1 + budget % 2
                }
                if swap { Swift.swap(&n1, &n2) }
                if first.count > n1 { first.removeLast(first.count - n1) }
                if second.count > n2 { second.removeLast(second.count - n2) }
            }
        }
        let r = postProcessor.assemble(first, second)
        return TokenizedPair(ids: r.ids, typeIds: r.typeIds, truncated: truncated)
    }

    /// Model ids of one text (no special tokens), stopping once `stopAfter` ids are found.
    func sequenceIds(_ text: String, stopAfter: Int) -> [Int32] {
        var out: [Int32] = []
        guard stopAfter > 0 else { return out }
        let raw = Array(text.utf8)
        for segment in rawAdded.split(raw) {
            if let id = segment.id {
                out.append(id)
                if out.count >= stopAfter { return out }
                continue
            }
            guard !segment.range.isEmpty else { continue }
            var normalized = TextNormalizer.Text(
                string: String(decoding: raw[segment.range], as: UTF8.self), startsAtOrigin: segment.range.lowerBound == 0)
            normalizer?.apply(&normalized)
            let bytes = Array(normalized.string.utf8)
            for part in normalizedAdded.split(bytes) {
                if let id = part.id {
                    out.append(id)
                    if out.count >= stopAfter { return out }
                    continue
                }
                guard !part.range.isEmpty else { continue }
                var pieces = [
                    PreToken(bytes: Array(bytes[part.range]), startsAtOrigin: normalized.startsAtOrigin && part.range.lowerBound == 0)
                ]
                if let preTokenizer { pieces = preTokenizer.run(pieces) }
                for piece in pieces {
                    switch model {
                    case .unigram(let m): m.tokenize(piece.bytes, into: &out)
                    case .bpe(let m): m.tokenize(piece.bytes, into: &out)
                    }
                    if out.count >= stopAfter { return out }
                }
            }
        }
        return out
    }
}
