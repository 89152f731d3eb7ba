import Foundation
import Testing
@testable import MLPackBERT

/// Loading errors of model directories and configurations.
@Suite struct ModelDirectoryTests {
    func edit(_ file: String, in dir: URL, _ change: (inout [String: Any]) -> Void) throws {
        let url = dir.appendingPathComponent(file)
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        change(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
    }

    @Test(arguments: [
        ("num_hidden_layers", "0", "num_hidden_layers"),
        ("hidden_size", "-4", "hidden_size"),
        ("num_attention_heads", "5", "divisor of hidden_size"),
        ("layer_norm_eps", "2.0", "layer_norm_eps"),
        ("hidden_act", "\"swish\"", "hidden_act"),
        ("vocab_size", "\"many\"", "vocab_size"),
        ("max_position_embeddings", "100", "position_embeddings"),
    ])
    func configOutOfRangeIsAnError(key: String, json: String, message: String) throws {
        let value = try JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)
        let dir = try Fixtures.copyOfModel(Fixtures.tinyModel)
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        try edit("config.json", in: dir) { $0[key] = value }
        #expect {
            _ = try SentenceTransformer.load(directory: dir)
        } throws: { error in
            let text = "\(error)"
            return text.contains(message) && (text.contains("config.json") || text.contains("model.safetensors"))
        }
    }

    @Test func poolingDimensionMismatchNamesFileAndKey() throws {
        let dir = try Fixtures.copyOfModel(Fixtures.tinyModel)
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        try edit("1_Pooling/config.json", in: dir) { $0["embedding_dimension"] = 64 }
        #expect(throws: BERTError.invalidValue(
            file: "1_Pooling/config.json", key: "embedding_dimension",
            expected: "the encoder's hidden_size 32, found 64")) { _ = try SentenceTransformer.load(directory: dir) }
    }

    @Test func pickleOnlyDirectoryTellsToConvert() throws {
        let dir = try Fixtures.copyOfModel(Fixtures.tinyModel)
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("model.safetensors"))
        try Data([0x80, 0x02]).write(to: dir.appendingPathComponent("pytorch_model.bin"))
        #expect { _ = try SentenceTransformer.load(directory: dir) } throws: { error in
            guard case BERTError.pickleWeightsOnly = error else { return false }
            return "\(error)".contains("safetensors")
        }
    }

    @Test func moduleEscapingTheDirectoryIsRejected() throws {
        let dir = try Fixtures.copyOfModel(Fixtures.tinyModel)
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let modules = """
            [{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},
             {"idx":1,"name":"1","path":"../1_Pooling","type":"sentence_transformers.models.Pooling"}]
            """
        try modules.write(to: dir.appendingPathComponent("modules.json"), atomically: true, encoding: .utf8)
        #expect { _ = try SentenceTransformer.load(directory: dir) } throws: { "\($0)".contains("[1].path") }
    }

    @Test func bertPrefixedTensorNamesLoad() throws {
        // Rewrite the tiny model's safetensors with every name prefixed by "bert.".
        let dir = try Fixtures.copyOfModel(Fixtures.tinyModel)
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let url = dir.appendingPathComponent("model.safetensors")
        let data = try Data(contentsOf: url)
        let n = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        var header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + n))) as! [String: Any]
        for key in header.keys where key != "__metadata__" {
            header["bert." + key] = header.removeValue(forKey: key)
        }
        var h = try JSONSerialization.data(withJSONObject: header)
        while h.count % 8 != 0 { h.append(0x20) }
        var out = Data(withUnsafeBytes(of: UInt64(h.count).littleEndian, Array.init))
        out.append(h)
        out.append(data.subdata(in: (8 + n)..<data.count))
        try out.write(to: url)
        let a = try SentenceTransformer.load(directory: Fixtures.tinyModel, threads: 1).encode(["a prefixed model"])
        let b = try SentenceTransformer.load(directory: dir, threads: 1).encode(["a prefixed model"])
        #expect(a == b)
    }

    @Test func encodeArgumentsAreChecked() throws {
        let model = try SentenceTransformer.load(directory: Fixtures.tinyModel, threads: 1)
        #expect(throws: BERTError.self) { _ = try model.encode(["x"], batchSize: 0) }
        #expect(throws: BERTError.self) { _ = try model.encode(["x"], maxSeqLength: 513) }
        #expect(try model.encode([]).shape == [0, 32])
        // A 10 MB text is truncated to max_seq_length; its embedding equals the truncated text's.
        let big = String(repeating: "lorem ipsum ", count: 900_000)
        let short = String(repeating: "lorem ipsum ", count: 200)
        let a = try model.encode([big], maxSeqLength: 64)
        let b = try model.encode([short], maxSeqLength: 64)
        #expect(a == b)
        #expect(try model.tokenize([big], maxSeqLength: 64)[0].count == 64)
    }
}
