import Foundation
import MLPackTestSupport
import Testing

/// `mlpack flavors` lists the encoder architectures and tokenizer types the embedding flavors run
/// natively; `mlpack load` names a model's architecture and tokenizer type (issue 15, part 7).
struct EncoderSupportCommandTests {
    static let embeddings = TestFixtures.fixtures.appendingPathComponent("embeddings")
    static let architectures = ["bert", "roberta", "xlm-roberta", "mpnet", "distilbert"]
    static let tokenizerTypes = ["WordPiece", "Unigram", "BPE"]

    @Test func flavorsListArchitecturesAndTokenizerTypes() throws {
        let result = try CLIRunner.run(["flavors", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: list.compactMap { f in (f["name"] as? String).map { ($0, f) } })
        for name in ["sentence_transformers", "similarity"] {
            let support = try #require(byName[name]?["native_support"] as? [String: Any], "\(name): \(result.stdout)")
            #expect(support["architectures"] as? [String] == Self.architectures, "\(name)")
            #expect(support["tokenizer_types"] as? [String] == Self.tokenizerTypes, "\(name)")
        }
        // Every flavor has the key (empty when it has nothing to list).
        #expect(list.allSatisfy { $0["native_support"] is [String: Any] })

        let text = try CLIRunner.run(["flavors"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("  architectures (config.json model_type): bert, roberta, xlm-roberta, mpnet, distilbert"), "\(text.stdout)")
        #expect(text.stdout.contains("WordPiece, Unigram, BPE"), "\(text.stdout)")
    }

    /// A sentence-transformers directory of the tiny `arch` model, with its native tokenizer.json
    /// (RoBERTa's BPE, XLM-R's Unigram) when `native`.
    static func source(_ arch: String, native: Bool, in temp: URL) throws -> URL {
        let root = embeddings.appendingPathComponent("tiny-\(arch)")
        let dir = temp.appendingPathComponent("src-\(arch)\(native ? "-native" : "")")
        try FileManager.default.copyItem(at: root.appendingPathComponent("model"), to: dir)
        if native {
            let target = dir.appendingPathComponent("tokenizer.json")
            try FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: root.appendingPathComponent("native/tokenizer.json"), to: target)
        }
        return dir
    }

    @Test(arguments: [
        ("bert", false, "WordPiece"), ("mpnet", false, "WordPiece"), ("distilbert", false, "WordPiece"),
        ("roberta", true, "BPE"), ("xlm-roberta", true, "Unigram"),
    ])
    func loadNamesArchitectureAndTokenizer(arch: String, native: Bool, tokenizer: String) throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let source = arch == "bert" ? TestFixtures.tinyBERT : try Self.source(arch, native: native, in: temp)
        let model = temp.appendingPathComponent("st-\(arch)").path
        let saved = try CLIRunner.run(["save", "--flavor", "sentence_transformers", "--source", source.path, "-o", model])
        #expect(saved.status == 0, "\(saved.stderr)")

        let json = try CLIRunner.run(["load", model, "--json", "--threads", "1"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let details = try #require(object["model_details"] as? [String: Any], "\(json.stdout)")
        #expect(details["architecture"] as? String == arch)
        #expect(details["tokenizer"] as? String == tokenizer)
        #expect(details["dimension"] as? Int == 32)
        #expect((details["max_seq_length"] as? Int).map { $0 >= 2 } == true)

        let text = try CLIRunner.run(["load", model, "--threads", "1"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("encoder:    \(arch) (config.json model_type): 2 layers, hidden 32, 4 heads"), "\(text.stdout)")
        #expect(text.stdout.contains("tokenizer:  \(tokenizer), "), "\(text.stdout)")
    }
}
