import Foundation

/// The `model.type` values of a tokenizer.json that mlpack runs natively.
public enum TokenizerModelType: String, Sendable, CaseIterable {
    case wordPiece = "WordPiece"
    case unigram = "Unigram"
    case bpe = "BPE"
}

/// A tokenizer the encoder pipeline can run: one text in, ids with the model's special tokens out.
public protocol TextTokenizer: Sendable {
    /// The tokenizer.json model type.
    var modelType: TokenizerModelType { get }
    /// One more than the largest id this tokenizer can produce.
    var vocabularySize: Int { get }
    /// The token string of `id`, or nil when out of range.
    func token(_ id: Int32) -> String?
    /// Tokenizes one text, keeping at most `maxLength` tokens including special tokens.
    func encode(_ text: String, maxLength: Int) -> TokenizedText
}

extension WordPieceTokenizer: TextTokenizer {
    public var modelType: TokenizerModelType { .wordPiece }
}

/// Loading any supported tokenizer, and what is supported.
public enum Tokenizers {
    /// The tokenizer.json `model.type` values run natively (for `mlpack flavors --json`).
    public static let supportedModelTypes: [String] = TokenizerModelType.allCases.map(\.rawValue)

    /// Every supported component type, by tokenizer.json key. WordPiece models take the BERT
    /// components (BertNormalizer, BertPreTokenizer, TemplateProcessing or BertProcessing).
    public static let supportedComponents: [String: [String]] = [
        "model.type": supportedModelTypes,
        "normalizer.type": TextNormalizer.supportedTypes,
        "pre_tokenizer.type": PreTokenizer.supportedTypes,
        "post_processor.type": PostProcessor.supportedTypes,
    ]

    /// Largest vocabulary read when the caller states none.
    public static let maxVocabularySize = WordPieceTokenizer.maxVocabularySize
    /// Most `added_tokens` entries.
    public static let maxAddedTokens = 100_000

    /// Most JSON values in a tokenizer.json whose vocabulary may have `vocabulary` tokens: up to three per
    /// vocabulary entry (Unigram `[piece, score]`), three per merge (`[a, b]`), plus the rest of the file.
    public static func maxTokenizerJSONValues(vocabulary: Int) -> Int { 8 * vocabulary + 200_000 }

    /// Loads the tokenizer of a model directory: `tokenizer.json` (any supported model type) when
    /// present, else `vocab.txt` with `tokenizer_config.json` (WordPiece).
    public static func load(directory: URL, maxVocabularySize: Int = Tokenizers.maxVocabularySize) throws
        -> any TextTokenizer
    {
        let json = directory.appendingPathComponent("tokenizer.json")
        if FileManager.default.fileExists(atPath: json.path) {
            return try load(tokenizerJSON: json, maxVocabularySize: maxVocabularySize)
        }
        return try WordPieceTokenizer.load(directory: directory, maxVocabularySize: maxVocabularySize)
    }

    /// Loads a `tokenizer.json` of any supported model type. Sizes are checked in the file's bytes before
    /// it is parsed (``JSONPrescan``), vocabulary and merge counts before anything is built.
    public static func load(tokenizerJSON url: URL, maxVocabularySize: Int = Tokenizers.maxVocabularySize) throws
        -> any TextTokenizer
    {
        let maxVocabulary = min(maxVocabularySize, Self.maxVocabularySize)
        let root = try WordPieceTokenizer.readJSONObject(
            url,
            limits: JSONPrescan.Limits(
                maxValues: maxTokenizerJSONValues(vocabulary: maxVocabulary), maxDepth: WordPieceTokenizer.maxJSONDepth,
                path: ["model", "vocab"], maxMembers: maxVocabulary))
        let reader = TokenizerJSONReader(file: url.lastPathComponent)
        let model = try reader.object(root["model"], at: "model")
        let type = model["type"] == nil ? inferredType(model) : try reader.string(model["type"], at: "model.type")
        switch type {
        case "WordPiece":
            return try WordPieceTokenizer(parsed: root, file: reader.file, maxVocabulary: maxVocabulary)
        case "Unigram", "BPE":
            return try SubwordTokenizer(parsed: root, reader: reader, maxVocabulary: maxVocabulary)
        default:
            throw TokenizerError.unsupportedType(file: reader.file, key: "model.type", value: type, supported: supportedModelTypes)
        }
    }

    /// tokenizers reads a model without `type` by its fields.
    static func inferredType(_ model: [String: Any]) -> String {
        if model["merges"] != nil { return "BPE" }
        if model["vocab"] is [Any] { return "Unigram" }
        return "WordPiece"
    }
}

extension SubwordTokenizer {
    /// Loads a Unigram or BPE `tokenizer.json`.
    public init(tokenizerJSON url: URL, maxVocabularySize: Int = Tokenizers.maxVocabularySize) throws {
        guard let t = try Tokenizers.load(tokenizerJSON: url, maxVocabularySize: maxVocabularySize) as? SubwordTokenizer else {
            throw TokenizerError.unsupportedType(
                file: url.lastPathComponent, key: "model.type", value: "WordPiece", supported: ["Unigram", "BPE"])
        }
        self = t
    }

    init(parsed root: [String: Any], reader: TokenizerJSONReader, maxVocabulary: Int) throws {
        let file = reader.file
        let modelObject = try reader.object(root["model"], at: "model")
        var tokens: [String?] = []
        var builtModel: Model
        if modelObject["type"] as? String ?? Tokenizers.inferredType(modelObject) == "Unigram" {
            modelType = .unigram
            let vocab = try reader.array(modelObject["vocab"], at: "model.vocab")
            guard !vocab.isEmpty else { throw TokenizerError.invalidVocabulary(file: file, reason: "model.vocab is empty") }
            guard vocab.count <= maxVocabulary else {
                throw TokenizerError.invalidVocabulary(file: file, reason: "model.vocab has more than \(maxVocabulary) tokens")
            }
            var entries: [(piece: String, score: Double)] = []
            entries.reserveCapacity(vocab.count)
            for (i, e) in vocab.enumerated() {
                let p = "model.vocab[\(i)]"
                guard let pair = e as? [Any], pair.count == 2 else {
                    throw TokenizerError.missingKey(file: file, key: p, expected: "a [piece, score] pair")
                }
                entries.append((try reader.string(pair[0], at: p + "[0]"), try reader.double(pair[1], at: p + "[1]")))
            }
            guard let unk = modelObject["unk_id"], !(unk is NSNull) else {
                throw TokenizerError.missingKey(
                    file: file, key: "model.unk_id", expected: "the id of the unknown piece (tokenizers fails on unknown text without one)")
            }
            let unkId = try reader.int(unk, at: "model.unk_id", in: 0...(vocab.count - 1))
            let byteFallback = try reader.bool(modelObject["byte_fallback"], at: "model.byte_fallback", default: false)
            builtModel = .unigram(UnigramModel(vocabulary: entries, unknownId: unkId, byteFallback: byteFallback))
            tokens = entries.map(\.piece)
        } else {
            modelType = .bpe
            let vocab = try reader.object(modelObject["vocab"], at: "model.vocab")
            guard !vocab.isEmpty else { throw TokenizerError.invalidVocabulary(file: file, reason: "model.vocab is empty") }
            var entries: [([UInt8], Int32)] = []
            entries.reserveCapacity(vocab.count)
            var byId: [Int32: String] = [:]
            var largest = -1
            for (token, value) in vocab {
                let id = try reader.int(value, at: "model.vocab[\(token)]", in: 0...(maxVocabulary - 1))
                guard byId[Int32(id)] == nil else {
                    throw TokenizerError.invalidVocabulary(file: file, reason: "model.vocab: id \(id) is given to two tokens")
                }
                byId[Int32(id)] = token
                entries.append((Array(token.utf8), Int32(id)))
                largest = max(largest, id)
            }
            tokens = [String?](repeating: nil, count: largest + 1)
            for (id, t) in byId { tokens[Int(id)] = t }
            let trie = ByteTrie(entries)
            func lookup(_ bytes: some Sequence<UInt8>) -> Int32? {
                let n = trie.walk(ByteTrie.root, bytes)
                guard n >= 0 else { return nil }
                let v = trie.value(at: n)
                return v >= 0 ? v : nil
            }
            if let d = modelObject["dropout"], !(d is NSNull), try reader.double(d, at: "model.dropout") != 0 {
                throw TokenizerError.unsupported(file: file, key: "model.dropout", value: "\(d) (random merges; only null or 0)")
            }
            let prefix = try reader.optionalString(modelObject["continuing_subword_prefix"], at: "model.continuing_subword_prefix") ?? ""
            let suffix = try reader.optionalString(modelObject["end_of_word_suffix"], at: "model.end_of_word_suffix") ?? ""
            var unknownId: Int32? = nil
            if let unk = try reader.optionalString(modelObject["unk_token"], at: "model.unk_token") {
                guard let id = lookup(unk.utf8) else {
                    throw TokenizerError.missingToken(file: file, token: unk, role: "unknown (model.unk_token)")
                }
                unknownId = id
            }
            let rawMerges = try reader.array(modelObject["merges"], at: "model.merges")
            guard rawMerges.count <= maxVocabulary else {
                throw TokenizerError.invalidVocabulary(file: file, reason: "model.merges has more than \(maxVocabulary) entries")
            }
            var merges: [UInt64: (rank: Int32, id: Int32)] = [:]
            merges.reserveCapacity(rawMerges.count)
            let prefixLength = prefix.utf8.count
            for (rank, m) in rawMerges.enumerated() {
                let p = "model.merges[\(rank)]"
                let a: String
                let b: String
                if let s = m as? String {
                    let parts = s.split(separator: " ", omittingEmptySubsequences: false)
                    guard parts.count == 2 else {
                        throw TokenizerError.missingKey(file: file, key: p, expected: "\"left right\" (two tokens and one space)")
                    }
                    a = String(parts[0])
                    b = String(parts[1])
                } else if let pair = m as? [Any], pair.count == 2 {
                    a = try reader.string(pair[0], at: p + "[0]")
                    b = try reader.string(pair[1], at: p + "[1]")
                } else {
                    throw TokenizerError.missingKey(file: file, key: p, expected: "a [left, right] pair or \"left right\"")
                }
                guard let aId = lookup(a.utf8), let bId = lookup(b.utf8) else {
                    throw TokenizerError.missingToken(file: file, token: lookup(a.utf8) == nil ? a : b, role: "merge part (\(p))")
                }
                let merged = Array(a.utf8) + Array(b.utf8).dropFirst(prefixLength)
                guard let mId = lookup(merged) else {
                    throw TokenizerError.missingToken(file: file, token: String(decoding: merged, as: UTF8.self), role: "merge result (\(p))")
                }
                merges[UInt64(UInt32(bitPattern: aId)) << 32 | UInt64(UInt32(bitPattern: bId))] = (Int32(rank), mId)
            }
            builtModel = .bpe(
                BPEModel(
                    vocabulary: trie, merges: merges, unknownId: unknownId,
                    fuseUnknown: try reader.bool(modelObject["fuse_unk"], at: "model.fuse_unk", default: false),
                    byteFallback: try reader.bool(modelObject["byte_fallback"], at: "model.byte_fallback", default: false),
                    ignoreMerges: try reader.bool(modelObject["ignore_merges"], at: "model.ignore_merges", default: false),
                    prefix: prefix, suffix: suffix))
        }
        model = builtModel

        // Normalizer and pre-tokenizer.
        if let n = root["normalizer"], !(n is NSNull) {
            normalizer = try TextNormalizer.read(try reader.object(n, at: "normalizer"), at: "normalizer", reader: reader)
        } else {
            normalizer = nil
        }
        if let p = root["pre_tokenizer"], !(p is NSNull) {
            preTokenizer = try PreTokenizer.read(try reader.object(p, at: "pre_tokenizer"), at: "pre_tokenizer", reader: reader)
        } else {
            preTokenizer = nil
        }

        // Added tokens (may extend the id space past the model's vocabulary).
        var raw: [AddedTokenMatcher.Token] = []
        var normalizedTokens: [AddedTokenMatcher.Token] = []
        if let list = root["added_tokens"], !(list is NSNull) {
            let added = try reader.array(list, at: "added_tokens")
            guard added.count <= Tokenizers.maxAddedTokens else {
                throw TokenizerError.invalidVocabulary(file: file, reason: "added_tokens has more than \(Tokenizers.maxAddedTokens) entries")
            }
            for (i, entry) in added.enumerated() {
                let p = "added_tokens[\(i)]"
                let o = try reader.object(entry, at: p)
                let content = try reader.string(o["content"], at: p + ".content")
                let id = try reader.int(o["id"], at: p + ".id", in: 0...(maxVocabulary - 1))
                let special = try reader.bool(o["special"], at: p + ".special", default: false)
                let isNormalized = try reader.bool(o["normalized"], at: p + ".normalized", default: !special)
                guard !content.isEmpty else { continue }
                if id >= tokens.count { tokens += [String?](repeating: nil, count: id + 1 - tokens.count) }
                tokens[id] = content
                var pattern = content
                if isNormalized, let normalizer {
                    var t = TextNormalizer.Text(string: content, startsAtOrigin: true)
                    normalizer.apply(&t)
                    pattern = t.string
                }
                let token = AddedTokenMatcher.Token(
                    content: Array(pattern.utf8), id: Int32(id),
                    singleWord: try reader.bool(o["single_word"], at: p + ".single_word", default: false),
                    lstrip: try reader.bool(o["lstrip"], at: p + ".lstrip", default: false),
                    rstrip: try reader.bool(o["rstrip"], at: p + ".rstrip", default: false))
                if isNormalized { normalizedTokens.append(token) } else { raw.append(token) }
            }
        }
        rawAdded = AddedTokenMatcher(raw)
        normalizedAdded = AddedTokenMatcher(normalizedTokens)
        self.tokens = tokens

        // Post-processor and truncation.
        let count = tokens.count
        if let p = root["post_processor"], !(p is NSNull) {
            postProcessor = try PostProcessor.read(
                try reader.object(p, at: "post_processor"), at: "post_processor", reader: reader, validId: { $0 < count })
        } else {
            postProcessor = .none
        }
        if let t = root["truncation"], !(t is NSNull) {
            let o = try reader.object(t, at: "truncation")
            truncationLength = try reader.int(o["max_length"], at: "truncation.max_length", in: 0...Int(Int32.max))
        } else {
            truncationLength = nil
        }
    }
}
