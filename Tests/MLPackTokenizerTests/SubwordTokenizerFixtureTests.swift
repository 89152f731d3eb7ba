import Foundation
import MLPackTestSupport
import Testing
@testable import MLPackTokenizer

/// Token ids of the Unigram and BPE tokenizers under fixtures/tokenizers against Hugging Face
/// `tokenizers` (written by scripts/gen-tokenizer-fixtures.py): single texts and pairs, with and
/// without truncation, on the public tokenizer cases and the extra texts.
@Suite struct SubwordTokenizerFixtureTests {
    struct Expected: Decodable {
        let a: String
        let b: String?
        let max_length: Int?
        let ids: [Int32]
        let type_ids: [UInt32]?
    }

    struct Text: Decodable {
        let id: String
        let text: String
    }

    static let directories: [(name: String, type: TokenizerModelType)] = [
        ("unigram-nfkc", .unigram), ("spm-xlmr", .unigram), ("spm-bytefallback", .unigram),
        ("bpe-roberta", .bpe), ("bpe-gpt2", .bpe),
    ]

    static func texts() throws -> [String: String] {
        var texts: [String: String] = [:]
        for c in try Fixtures.tokenizerCases() { texts[c.id] = c.text }
        for t in try Fixtures.jsonLines(Fixtures.tokenizers.appendingPathComponent("extra_texts.jsonl"), as: Text.self) {
            texts[t.id] = t.text
        }
        return texts
    }

    @Test(arguments: directories.map(\.name))
    func idsMatchTokenizersOnEveryCase(_ name: String) throws {
        let dir = Fixtures.tokenizers.appendingPathComponent(name)
        let loaded = try Tokenizers.load(directory: dir)
        let tokenizer = try #require(loaded as? SubwordTokenizer)
        #expect(tokenizer.modelType == Self.directories.first { $0.name == name }?.type)
        let texts = try Self.texts()
        let expected = try Fixtures.jsonLines(dir.appendingPathComponent("expected.jsonl"), as: Expected.self)
        // 330 texts and 95 pairs at two lengths, plus the 30 extra texts untruncated.
        #expect(expected.count == 878)
        var mismatches: [String] = []
        var singles = 0
        var pairs = 0
        for e in expected {
            let a = try #require(texts[e.a])
            let show = { (ids: [Int32]) in ids.map { tokenizer.token($0) ?? "?" } }
            if let bId = e.b {
                pairs += 1
                let b = try #require(texts[bId])
                let got = tokenizer.encode(a, pair: b, maxLength: e.max_length)
                if got.ids != e.ids || got.typeIds != e.type_ids {
                    mismatches.append("pair \(e.a)+\(bId) max \(e.max_length ?? -1): got \(show(got.ids).prefix(60)) \(got.typeIds.prefix(60)) want \(show(e.ids).prefix(60)) \(e.type_ids ?? [])")
                }
            } else {
                singles += 1
                let got = e.max_length.map { tokenizer.encode(a, maxLength: $0) } ?? tokenizer.encode(a)
                if got.ids != e.ids {
                    mismatches.append("\(e.a) max \(e.max_length ?? -1) \(a.debugDescription.prefix(60)): got \(show(got.ids).prefix(60)) want \(show(e.ids).prefix(60))")
                }
                let budget = max(0, (e.max_length ?? .max) - tokenizer.specialTokenCount(pair: false))
                #expect(got.truncated == (tokenizer.sequenceIds(a, stopAfter: .max).count > budget), "\(e.a)")
            }
        }
        #expect(singles == 690 && pairs == 188)
        #expect(mismatches.isEmpty, "\(name): \(mismatches.count) mismatches:\n\(mismatches.prefix(15).joined(separator: "\n"))")
    }

    @Test func supportedModelTypesArePublic() {
        #expect(Tokenizers.supportedModelTypes == ["WordPiece", "Unigram", "BPE"])
        #expect(Tokenizers.supportedComponents["normalizer.type"]?.contains("Precompiled") == true)
        #expect(Tokenizers.supportedComponents["pre_tokenizer.type"]?.contains("Metaspace") == true)
        #expect(Tokenizers.supportedComponents["post_processor.type"]?.contains("RobertaProcessing") == true)
    }

    @Test func wordPieceStillLoadsThroughTheCommonLoader() throws {
        let t = try Tokenizers.load(directory: Fixtures.tinyModel)
        #expect(t.modelType == .wordPiece)
        #expect(t is WordPieceTokenizer)
        #expect(t.encode("hello world", maxLength: 256).ids == [101, 7592, 2088, 102])
    }

    @Test func postProcessorsPutTheFileSpecialTokens() throws {
        let roberta = try SubwordTokenizer(tokenizerJSON: Fixtures.tokenizers.appendingPathComponent("bpe-roberta/tokenizer.json"))
        let s = roberta.encode("hello", maxLength: 64).ids
        #expect(s.first == 0 && s.last == 2)  // <s> … </s> as the file's RobertaProcessing says
        let p = roberta.encode("hello", pair: "world").ids
        #expect(p.first == 0 && p.last == 2 && p.filter { $0 == 2 }.count == 3)  // <s> A </s></s> B </s>
        let xlmr = try SubwordTokenizer(tokenizerJSON: Fixtures.tokenizers.appendingPathComponent("spm-xlmr/tokenizer.json"))
        #expect(xlmr.encode("", maxLength: 8).ids == [0, 2])
        #expect(xlmr.encode("hello world", maxLength: 2).ids == [0, 2])
        #expect(xlmr.encode("hello world", maxLength: 0).ids == [0, 2])
    }

    @Test func longTextIsTruncatedWithoutTokenizingAllOfIt() throws {
        for (name, _) in Self.directories {
            let t = try SubwordTokenizer(tokenizerJSON: Fixtures.tokenizers.appendingPathComponent(name + "/tokenizer.json"))
            let big = String(repeating: "word ", count: 200_000)  // 1 MB
            let clock = ContinuousClock()
            let start = clock.now
            let r = t.encode(big, maxLength: 128)
            let elapsed = clock.now - start
            #expect(r.count == 128 && r.truncated, "\(name)")
            // 5 s; 50 s in the unoptimised, instrumented build of scripts/test-sanitizers.sh.
            let bound: Duration = TestFixtures.underSanitizer ? .seconds(50) : .seconds(5)
            #expect(elapsed < bound, "\(name): \(elapsed)")
        }
    }
}
