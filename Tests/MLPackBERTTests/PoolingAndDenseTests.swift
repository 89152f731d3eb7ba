import Foundation
import Testing
@testable import MLPackBERT

/// Pooling modes without their own reference files, and the Dense module, checked against values
/// computed here from the fixture's reference hidden states and pooled vectors.
@Suite struct PoolingAndDenseTests {
    static func lastHidden(_ c: Fixtures.HiddenCase) throws -> [[Float]] {
        let data = try #require(Data(base64Encoded: c.hidden_states_b64.last!))
        let flat = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        return (0..<c.shape[0]).map { Array(flat[($0 * c.shape[1])..<(($0 + 1) * c.shape[1])]) }
    }

    func writeModules(_ dir: URL, dense: Bool) throws {
        var modules = """
            [{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},
             {"idx":1,"name":"1","path":"1_Pooling","type":"sentence_transformers.models.Pooling"}
            """
        if dense { modules += #",{"idx":2,"name":"2","path":"2_Dense","type":"sentence_transformers.models.Dense"}"# }
        try (modules + "]").write(to: dir.appendingPathComponent("modules.json"), atomically: true, encoding: .utf8)
    }

    @Test(arguments: ["weightedmean", "lasttoken", "mean_sqrt_len_tokens"])
    func poolingModeMatchesHiddenStates(mode: String) throws {
        let dir = try Fixtures.copyOfModel(Fixtures.tinyModel)
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        try writeModules(dir, dense: false)
        try #"{"embedding_dimension": 32, "pooling_mode": "\#(mode)"}"#.write(
            to: dir.appendingPathComponent("1_Pooling/config.json"), atomically: true, encoding: .utf8)
        let model = try SentenceTransformer.load(directory: dir, threads: 1)
        let cases = try Fixtures.jsonLines(
            Fixtures.tinyBERT.appendingPathComponent("hidden_states.jsonl"), as: Fixtures.HiddenCase.self)
        let out = try model.encode(cases.map(\.text))
        for (i, c) in cases.enumerated() {
            let h = try Self.lastHidden(c)
            let n = h.count
            var expected = [Float](repeating: 0, count: 32)
            switch mode {
            case "weightedmean":
                let total = Float(n * (n + 1) / 2)
                for (t, row) in h.enumerated() { for j in 0..<32 { expected[j] += row[j] * Float(t + 1) / total } }
            case "lasttoken":
                expected = h[n - 1]
            default:
                for row in h { for j in 0..<32 { expected[j] += row[j] } }
                expected = expected.map { $0 / Float(n).squareRoot() }
            }
            let scale = max(1, expected.map(abs).max()!)
            #expect(maxAbsDiff(out[i], expected) / scale <= 2e-5, "\(c.id) \(mode)")
        }
    }

    @Test func multipleModesAreConcatenatedInSentenceTransformersOrder() throws {
        let dir = try Fixtures.copyOfModel(Fixtures.tinyModel)
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        try writeModules(dir, dense: false)
        try #"{"word_embedding_dimension": 32, "pooling_mode_mean_tokens": true, "pooling_mode_cls_token": true}"#
            .write(to: dir.appendingPathComponent("1_Pooling/config.json"), atomically: true, encoding: .utf8)
        let model = try SentenceTransformer.load(directory: dir, threads: 1)
        #expect(model.dimension == 64 && model.pooling.modes == [.cls, .mean])
        let texts = ["The quick brown fox jumps over the lazy dog."]
        let both = try model.encode(texts)
        let cls = try NPY(url: Fixtures.tinyBERT.appendingPathComponent("reference_cls_raw.npy"))
        let mean = try NPY(url: Fixtures.tinyBERT.appendingPathComponent("reference_mean_raw.npy"))
        let cases = try Fixtures.jsonLines(Fixtures.tinyBERT.appendingPathComponent("reference.jsonl"), as: TinyBERTTests.Case.self)
        let row = try #require(cases.firstIndex { $0.text == texts[0] })
        #expect(maxAbsDiff(both[0].prefix(32), cls.row(row)) <= 2e-5)
        #expect(maxAbsDiff(both[0].suffix(32), mean.row(row)) <= 2e-5)
    }

    /// Writes a Dense module `y = tanh(2·x + 0.1)` as sentence-transformers saves it.
    func writeDense(_ dir: URL) throws {
        let dense = dir.appendingPathComponent("2_Dense")
        try FileManager.default.createDirectory(at: dense, withIntermediateDirectories: true)
        try #"{"in_features": 32, "out_features": 32, "bias": true, "activation_function": "torch.nn.modules.activation.Tanh"}"#
            .write(to: dense.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        var weight = [Float](repeating: 0, count: 32 * 32)
        for i in 0..<32 { weight[i * 33] = 2 }
        let bias = [Float](repeating: 0.1, count: 32)
        var header = Array(#"{"linear.weight":{"dtype":"F32","shape":[32,32],"data_offsets":[0,4096]},"linear.bias":{"dtype":"F32","shape":[32],"data_offsets":[4096,4224]}}"#.utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var bytes = withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init) + header
        for v in weight + bias { bytes += withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init) }
        try Data(bytes).write(to: dense.appendingPathComponent("model.safetensors"))
    }

    @Test func denseModuleAppliesWeightsBiasAndTanh() throws {
        let dir = try Fixtures.copyOfModel(Fixtures.tinyModel)
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        try writeModules(dir, dense: true)
        try writeDense(dir)
        let model = try SentenceTransformer.load(directory: dir, threads: 1)
        let cases = try Fixtures.jsonLines(Fixtures.tinyBERT.appendingPathComponent("reference.jsonl"), as: TinyBERTTests.Case.self)
        let raw = try NPY(url: Fixtures.tinyBERT.appendingPathComponent("reference_mean_raw.npy"))
        let out = try model.encode(cases.prefix(10).map(\.text))
        for i in 0..<10 {
            let expected = raw.row(i).map { Float(Foundation.tanh(Double(2 * $0 + 0.1))) }
            #expect(maxAbsDiff(out[i], expected) <= 2e-5, "\(cases[i].id)")
        }
        // The same Dense with only pytorch_model.bin: an error telling to convert.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("2_Dense/model.safetensors"))
        try Data([0x80]).write(to: dir.appendingPathComponent("2_Dense/pytorch_model.bin"))
        #expect { _ = try SentenceTransformer.load(directory: dir) } throws: { "\($0)".contains("convert") || "\($0)".contains("Convert") }
    }
}
