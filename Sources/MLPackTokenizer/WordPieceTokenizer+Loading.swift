import Foundation

extension WordPieceTokenizer {
    /// Largest tokenizer file read (tokenizer.json, vocab.txt, tokenizer_config.json).
    public static let maxFileBytes = 64 << 20
    /// Largest vocabulary read when the caller states none (a model states its own: config.json
    /// `vocab_size`).
    public static let maxVocabularySize = 10_000_000
    /// Deepest JSON nesting in tokenizer files (tokenizer.json has 5 levels).
    public static let maxJSONDepth = 64
    /// Most JSON values in tokenizer_config.json.
    public static let maxConfigValues = 100_000

    /// Most JSON values in a tokenizer.json whose vocabulary may have `vocabulary` tokens: two per
    /// token (key, id), as many again for added tokens, plus the rest of the file.
    public static func maxTokenizerJSONValues(vocabulary: Int) -> Int { 4 * vocabulary + 100_000 }

    /// Loads the tokenizer of a model directory: `tokenizer.json` when present, else `vocab.txt`
    /// with `tokenizer_config.json` (as `transformers` converts a slow BertTokenizer). A vocabulary
    /// of more than `maxVocabularySize` tokens is refused before it is built (the file is counted
    /// first, see ``JSONPrescan``).
    public static func load(directory: URL, maxVocabularySize: Int = WordPieceTokenizer.maxVocabularySize) throws
        -> WordPieceTokenizer
    {
        let json = directory.appendingPathComponent("tokenizer.json")
        if FileManager.default.fileExists(atPath: json.path) {
            return try WordPieceTokenizer(tokenizerJSON: json, maxVocabularySize: maxVocabularySize)
        }
        let vocab = directory.appendingPathComponent("vocab.txt")
        guard FileManager.default.fileExists(atPath: vocab.path) else {
            throw TokenizerError.unreadable(
                file: directory.path, reason: "neither tokenizer.json nor vocab.txt is present")
        }
        let config = directory.appendingPathComponent("tokenizer_config.json")
        return try WordPieceTokenizer(
            vocabularyFile: vocab,
            configFile: FileManager.default.fileExists(atPath: config.path) ? config : nil,
            maxVocabularySize: maxVocabularySize)
    }

    /// Loads a Hugging Face `tokenizer.json` (WordPiece model, BertNormalizer, BertPreTokenizer,
    /// TemplateProcessing, BertProcessing or RobertaProcessing). Its truncation and padding blocks are ignored:
    /// the caller chooses the length.
    public init(tokenizerJSON url: URL, maxVocabularySize: Int = WordPieceTokenizer.maxVocabularySize) throws {
        let file = url.lastPathComponent
        let maxVocabulary = min(maxVocabularySize, Self.maxVocabularySize)
        let root = try Self.readJSONObject(
            url,
            limits: JSONPrescan.Limits(
                maxValues: Self.maxTokenizerJSONValues(vocabulary: maxVocabulary), maxDepth: Self.maxJSONDepth,
                path: ["model", "vocab"], maxMembers: maxVocabulary))
        try self.init(parsed: root, file: file, maxVocabulary: maxVocabulary)
    }

    /// Builds the tokenizer from a parsed `tokenizer.json` (held to its caps by the caller).
    init(parsed root: [String: Any], file: String, maxVocabulary: Int) throws {
        guard let model = root["model"] as? [String: Any] else {
            throw TokenizerError.missingKey(file: file, key: "model", expected: "an object")
        }
        let modelType = model["type"] as? String ?? "WordPiece"
        guard modelType == "WordPiece" else {
            throw TokenizerError.unsupported(file: file, key: "model.type", value: modelType)
        }
        guard let vocabMap = model["vocab"] as? [String: Any] else {
            throw TokenizerError.missingKey(file: file, key: "model.vocab", expected: "an object of token to id")
        }
        guard vocabMap.count <= maxVocabulary else {
            throw TokenizerError.invalidVocabulary(file: file, reason: "model.vocab has more than \(maxVocabulary) tokens")
        }
        var vocabulary = [String](repeating: "", count: vocabMap.count)
        var seen = [Bool](repeating: false, count: vocabMap.count)
        for (token, value) in vocabMap {
            guard let id = (value as? NSNumber)?.intValue, id >= 0, id < vocabMap.count, !seen[id] else {
                throw TokenizerError.invalidVocabulary(
                    file: file, reason: "model.vocab[\(token)]: id must be unique and in 0..<\(vocabMap.count)")
            }
            seen[id] = true
            vocabulary[id] = token
        }
        var config = TokenizerConfiguration(vocabulary: vocabulary)
        config.unknownToken = model["unk_token"] as? String ?? "[UNK]"
        config.continuingSubwordPrefix = model["continuing_subword_prefix"] as? String ?? "##"
        if let m = model["max_input_chars_per_word"] {
            guard let v = (m as? NSNumber)?.intValue, v > 0 else {
                throw TokenizerError.missingKey(
                    file: file, key: "model.max_input_chars_per_word", expected: "a positive integer")
            }
            config.maxInputCharsPerWord = v
        }

        // Normalizer.
        if let normalizer = root["normalizer"] as? [String: Any] {
            let type = normalizer["type"] as? String ?? ""
            guard type == "BertNormalizer" else {
                throw TokenizerError.unsupportedType(
                    file: file, key: "normalizer.type", value: type, supported: ["BertNormalizer (for WordPiece)"])
            }
            config.cleanText = normalizer["clean_text"] as? Bool ?? true
            config.handleChineseChars = normalizer["handle_chinese_chars"] as? Bool ?? true
            config.lowercase = normalizer["lowercase"] as? Bool ?? true
            config.stripAccents = normalizer["strip_accents"] as? Bool ?? config.lowercase
        } else {
            config.cleanText = false
            config.handleChineseChars = false
            config.lowercase = false
            config.stripAccents = false
        }
        if let pre = root["pre_tokenizer"] as? [String: Any] {
            let type = pre["type"] as? String ?? ""
            guard type == "BertPreTokenizer" else {
                throw TokenizerError.unsupportedType(
                    file: file, key: "pre_tokenizer.type", value: type, supported: ["BertPreTokenizer (for WordPiece)"])
            }
        } else {
            throw TokenizerError.missingKey(file: file, key: "pre_tokenizer", expected: "a BertPreTokenizer")
        }

        // Added tokens.
        if let added = root["added_tokens"] as? [[String: Any]] {
            for (i, t) in added.enumerated() {
                guard let content = t["content"] as? String, let id = (t["id"] as? NSNumber)?.intValue,
                    id >= 0, id < vocabulary.count
                else {
                    throw TokenizerError.missingKey(
                        file: file, key: "added_tokens[\(i)]", expected: "content and an id in the vocabulary")
                }
                config.addedTokens.append((content, Int32(id)))
            }
        }

        // Post-processor.
        if let post = root["post_processor"] as? [String: Any] {
            try Self.readTemplate(post, file: file, vocabulary: vocabulary, into: &config)
        }
        try self.init(configuration: config, source: file)
    }

    private static func readTemplate(
        _ post: [String: Any], file: String, vocabulary: [String], into config: inout TokenizerConfiguration
    ) throws {
        let type = post["type"] as? String ?? ""
        func tokenId(_ token: String, key: String) throws -> Int32 {
            guard let i = vocabulary.firstIndex(of: token) else {
                throw TokenizerError.missingToken(file: file, token: token, role: key)
            }
            return Int32(i)
        }
        switch type {
        case "TemplateProcessing":
            guard let single = post["single"] as? [[String: Any]] else {
                throw TokenizerError.missingKey(file: file, key: "post_processor.single", expected: "a list")
            }
            let specials = post["special_tokens"] as? [String: Any] ?? [:]
            var sawSequence = false
            for (i, piece) in single.enumerated() {
                if piece["Sequence"] != nil {
                    sawSequence = true
                } else if let s = piece["SpecialToken"] as? [String: Any], let name = s["id"] as? String {
                    var ids: [Int32]
                    if let entry = specials[name] as? [String: Any], let list = entry["ids"] as? [NSNumber] {
                        ids = list.map { Int32(truncatingIfNeeded: $0.intValue) }
                    } else {
                        ids = [try tokenId(name, key: "post_processor.single[\(i)]")]
                    }
                    for id in ids where id < 0 || Int(id) >= vocabulary.count {
                        throw TokenizerError.missingToken(
                            file: file, token: name, role: "post_processor.special_tokens")
                    }
                    if sawSequence { config.suffixIds += ids } else { config.prefixIds += ids }
                } else {
                    throw TokenizerError.unsupported(
                        file: file, key: "post_processor.single[\(i)]", value: "\(piece.keys.sorted())")
                }
            }
        case "BertProcessing", "RobertaProcessing":
            // RobertaProcessing (MPNet's WordPiece tokenizer.json) differs from BertProcessing only
            // in pairs and offsets; a single sequence is `cls … sep` either way.
            guard let cls = post["cls"] as? [Any], let sep = post["sep"] as? [Any],
                let clsId = (cls.last as? NSNumber)?.intValue, let sepId = (sep.last as? NSNumber)?.intValue,
                clsId >= 0, clsId < vocabulary.count, sepId >= 0, sepId < vocabulary.count
            else {
                throw TokenizerError.missingKey(
                    file: file, key: "post_processor.cls/sep", expected: "[token, id] pairs in the vocabulary")
            }
            config.prefixIds = [Int32(clsId)]
            config.suffixIds = [Int32(sepId)]
        default:
            throw TokenizerError.unsupportedType(
                file: file, key: "post_processor.type", value: type, supported: ["TemplateProcessing", "BertProcessing"])
        }
    }

    /// Loads `vocab.txt` (one token per line, id = line number) and, when given,
    /// `tokenizer_config.json` (do_lower_case, strip_accents, tokenize_chinese_chars, special tokens),
    /// building what `transformers` builds when it converts a slow BertTokenizer.
    public init(vocabularyFile: URL, configFile: URL?, maxVocabularySize: Int = WordPieceTokenizer.maxVocabularySize) throws {
        let vocabName = vocabularyFile.lastPathComponent
        let data = try Self.readCapped(vocabularyFile)
        // Lines are counted in the bytes before any string is made (each costs far more than its line).
        let maxVocabulary = min(maxVocabularySize, Self.maxVocabularySize)
        if Self.lineCount(data, stoppingAfter: maxVocabulary) > maxVocabulary {
            throw TokenizerError.invalidVocabulary(file: vocabName, reason: "more than \(maxVocabulary) lines (tokens)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TokenizerError.malformed(file: vocabName, reason: "not UTF-8")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { throw TokenizerError.invalidVocabulary(file: vocabName, reason: "no tokens") }
        var config = TokenizerConfiguration(vocabulary: lines)
        var settings: [String: Any] = [:]
        let configName = configFile?.lastPathComponent ?? "tokenizer_config.json"
        if let configFile {
            settings = try Self.readJSONObject(configFile, limits: .init(maxValues: Self.maxConfigValues, maxDepth: Self.maxJSONDepth))
        }
        func flag(_ key: String, _ def: Bool) throws -> Bool {
            guard let v = settings[key], !(v is NSNull) else { return def }
            guard let b = v as? Bool else {
                throw TokenizerError.missingKey(file: configName, key: key, expected: "true or false")
            }
            return b
        }
        func special(_ key: String, _ def: String) throws -> String {
            guard let v = settings[key], !(v is NSNull) else { return def }
            if let s = v as? String { return s }
            if let o = v as? [String: Any], let s = o["content"] as? String { return s }
            throw TokenizerError.missingKey(file: configName, key: key, expected: "a token string")
        }
        config.lowercase = try flag("do_lower_case", true)
        config.stripAccents = try flag("strip_accents", config.lowercase)
        config.handleChineseChars = try flag("tokenize_chinese_chars", true)
        config.unknownToken = try special("unk_token", "[UNK]")
        let cls = try special("cls_token", "[CLS]")
        let sep = try special("sep_token", "[SEP]")
        func id(_ token: String, role: String) throws -> Int32 {
            guard let i = lines.lastIndex(of: token) else {
                throw TokenizerError.missingToken(file: vocabName, token: token, role: role)
            }
            return Int32(i)
        }
        config.prefixIds = [try id(cls, role: "classifier (cls_token)")]
        config.suffixIds = [try id(sep, role: "separator (sep_token)")]
        _ = try id(config.unknownToken, role: "unknown (unk_token)")
        var specials = [config.unknownToken, sep, try special("pad_token", "[PAD]"), cls,
                        try special("mask_token", "[MASK]")]
        if let decoder = settings["added_tokens_decoder"] as? [String: Any] {
            for case let entry as [String: Any] in decoder.values {
                if let c = entry["content"] as? String { specials.append(c) }
            }
        }
        var seen = Set<String>()
        for s in specials where seen.insert(s).inserted {
            if let i = lines.lastIndex(of: s) { config.addedTokens.append((s, Int32(i))) }
        }
        try self.init(configuration: config, source: vocabName)
    }

    static func readCapped(_ url: URL) throws -> Data {
        let name = url.lastPathComponent
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        } catch {
            throw TokenizerError.unreadable(file: name, reason: "\(error.localizedDescription)")
        }
        if let type = attributes[.type] as? FileAttributeType, type != .typeRegular {
            throw TokenizerError.unreadable(file: name, reason: "not a regular file")
        }
        if let size = (attributes[.size] as? NSNumber)?.intValue, size > maxFileBytes {
            throw TokenizerError.unreadable(file: name, reason: "larger than \(maxFileBytes) bytes")
        }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw TokenizerError.unreadable(file: name, reason: "\(error.localizedDescription)")
        }
    }

    /// Lines of `data` (a last line without `\n` counts), counting no further than `limit + 1`.
    static func lineCount(_ data: Data, stoppingAfter limit: Int) -> Int {
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Int in
            guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
            var lines = 0
            var offset = 0
            while offset < buffer.count, lines <= limit {
                guard let hit = memchr(base + offset, 0x0A, buffer.count - offset) else {
                    return lines + 1  // a last line without a newline
                }
                lines += 1
                offset = base.distance(to: UnsafeRawPointer(hit)) + 1
            }
            return lines
        }
    }

    /// Reads a JSON object, held to `limits` (``JSONPrescan``) before it is parsed.
    static func readJSONObject(_ url: URL, limits: JSONPrescan.Limits) throws -> [String: Any] {
        let data = try readCapped(url)
        do {
            _ = try JSONPrescan.scan(data, limits: limits)
        } catch {
            switch error {
            case .members(let path, let limit):
                throw TokenizerError.invalidVocabulary(file: url.lastPathComponent, reason: "\(path) has more than \(limit) tokens")
            case .values, .depth:
                throw TokenizerError.tooLarge(file: url.lastPathComponent, reason: error.description)
            }
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw TokenizerError.malformed(file: url.lastPathComponent, reason: "invalid JSON")
        }
        guard let dict = object as? [String: Any] else {
            throw TokenizerError.malformed(file: url.lastPathComponent, reason: "top level is not an object")
        }
        return dict
    }
}
