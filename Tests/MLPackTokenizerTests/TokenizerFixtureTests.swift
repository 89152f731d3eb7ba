import Foundation
import Testing
@testable import MLPackTokenizer

@Suite struct TokenizerFixtureTests {
    static let maxSeqLength = 256

    func check(_ tokenizer: WordPieceTokenizer) throws {
        let cases = try Fixtures.tokenizerCases()
        #expect(cases.count == 300)
        var mismatches: [String] = []
        for c in cases {
            let got = tokenizer.encode(c.text, maxLength: Self.maxSeqLength)
            if got.ids != c.input_ids || got.truncated != c.truncated {
                let tokens = got.ids.map { tokenizer.token($0) ?? "?" }
                mismatches.append("\(c.id) [\(c.category)] \(c.text.debugDescription.prefix(80)): got \(tokens.prefix(40)) want \(c.tokens.prefix(40))")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches:\n\(mismatches.prefix(20).joined(separator: "\n"))")
    }

    @Test func tokenizerJSONMatchesEveryCase() throws {
        try check(try WordPieceTokenizer(tokenizerJSON: Fixtures.tinyModel.appendingPathComponent("tokenizer.json")))
    }

    @Test func vocabTxtAndConfigMatchEveryCase() throws {
        let t = try WordPieceTokenizer(
            vocabularyFile: Fixtures.tinyModel.appendingPathComponent("vocab.txt"),
            configFile: Fixtures.tinyModel.appendingPathComponent("tokenizer_config.json"))
        try check(t)
    }

    @Test func bothSourcesBuildTheSameConfiguration() throws {
        let a = try WordPieceTokenizer(tokenizerJSON: Fixtures.tinyModel.appendingPathComponent("tokenizer.json"))
        let b = try WordPieceTokenizer(
            vocabularyFile: Fixtures.tinyModel.appendingPathComponent("vocab.txt"),
            configFile: Fixtures.tinyModel.appendingPathComponent("tokenizer_config.json"))
        #expect(a.configuration.vocabulary == b.configuration.vocabulary)
        #expect(a.configuration.prefixIds == [101] && a.configuration.suffixIds == [102])
        #expect(b.configuration.prefixIds == [101] && b.configuration.suffixIds == [102])
        #expect(Set(a.configuration.addedTokens.map(\.content)) == Set(b.configuration.addedTokens.map(\.content)))
    }
}
