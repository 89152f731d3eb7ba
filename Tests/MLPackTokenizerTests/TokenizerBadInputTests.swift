import Foundation
import Testing
@testable import MLPackTokenizer

@Suite struct TokenizerBadInputTests {
    static let tokenizer: WordPieceTokenizer? = try? WordPieceTokenizer(
        tokenizerJSON: Fixtures.tinyModel.appendingPathComponent("tokenizer.json"))

    func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlpack-tok-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test(arguments: ["[CLS]", "[SEP]", "[UNK]"])
    func vocabularyWithoutARequiredTokenIsRejected(_ missing: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "##s"].filter { $0 != missing }
        try (vocab.joined(separator: "\n") + "\n").write(
            to: dir.appendingPathComponent("vocab.txt"), atomically: true, encoding: .utf8)
        #expect {
            _ = try WordPieceTokenizer.load(directory: dir)
        } throws: { error in
            guard case TokenizerError.missingToken(let file, let token, _) = error else { return false }
            return file == "vocab.txt" && token == missing && "\(error)".contains(missing)
        }
    }

    @Test func directoryWithoutVocabularyIsAnError() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: TokenizerError.self) { _ = try WordPieceTokenizer.load(directory: dir) }
    }

    @Test func malformedTokenizerJSONNamesTheFileAndKey() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("tokenizer.json")
        try "{\"model\": {\"type\": \"BPE\", \"vocab\": {}}}".write(to: url, atomically: true, encoding: .utf8)
        #expect(throws: TokenizerError.unsupported(file: "tokenizer.json", key: "model.type", value: "BPE")) {
            _ = try WordPieceTokenizer(tokenizerJSON: url)
        }
        try "not json".write(to: url, atomically: true, encoding: .utf8)
        #expect(throws: TokenizerError.malformed(file: "tokenizer.json", reason: "invalid JSON")) {
            _ = try WordPieceTokenizer(tokenizerJSON: url)
        }
    }

    @Test func invalidUTF8BytesAreReplacedAndDeleted() throws {
        let t = try #require(Self.tokenizer)
        // Bytes that are not UTF-8 become U+FFFD when decoded; clean_text deletes U+FFFD.
        let text = String(decoding: [0x68, 0x65, 0x6C, 0x6C, 0x6F, 0xFF, 0xFE, 0x20, 0xC3], as: UTF8.self)
        #expect(t.encode(text, maxLength: 256).ids == [101, 7592, 102])
    }

    @Test func tenMegabyteTextIsTruncatedWithBoundedWork() throws {
        let t = try #require(Self.tokenizer)
        let big = String(repeating: "word ", count: 2_000_000)  // 10 MB
        let clock = ContinuousClock()
        let start = clock.now
        let r = t.encode(big, maxLength: 256)
        let elapsed = clock.now - start
        #expect(r.count == 256 && r.truncated)
        #expect(r.ids.first == 101 && r.ids.last == 102)
        // The scan stops at the truncation limit: far below the time to walk 10 MB.
        #expect(elapsed < .seconds(1))
        // One 10 MB word: a single [UNK], without storing the word.
        let word = String(repeating: "a", count: 10_000_000)
        #expect(t.encode(word, maxLength: 256).ids == [101, 100, 102])
    }

    @Test func specialTokensAreMatchedInRawTextOnly() throws {
        let t = try #require(Self.tokenizer)
        #expect(t.encode("[CLS] hello [SEP]", maxLength: 256).ids == [101, 101, 7592, 102, 102])
        #expect(t.encode("foo[MASK]bar", maxLength: 256).ids.contains(103))
        #expect(!t.encode("[cls]", maxLength: 256).ids.dropFirst().dropLast().contains(101))
    }

    @Test func tinyMaxLengthKeepsOnlyTheTemplate() throws {
        let t = try #require(Self.tokenizer)
        #expect(t.encode("hello world", maxLength: 2).ids == [101, 102])
        #expect(t.encode("hello world", maxLength: 0).ids == [101, 102])
    }
}
