import Foundation
import Testing
@testable import MLPackBERT

/// The 2-layer random BERT with sentence-transformers references (fast suite).
@Suite struct TinyBERTTests {
    struct Case: Decodable {
        let id: String
        let text: String
        let input_ids: [Int32]
    }

    static func cases() throws -> [Case] {
        try Fixtures.jsonLines(Fixtures.tinyBERT.appendingPathComponent("reference.jsonl"), as: Case.self)
    }

    /// The model directory for a pooling mode (mean is the fixture itself; cls/max overlay their config).
    static func model(_ mode: String) throws -> (URL, cleanup: URL?) {
        if mode == "mean" { return (Fixtures.tinyModel, nil) }
        let dir = try Fixtures.copyOfModel(Fixtures.tinyModel)
        let overlay = Fixtures.tinyBERT.appendingPathComponent("variants/\(mode)/1_Pooling/config.json")
        let target = dir.appendingPathComponent("1_Pooling/config.json")
        try FileManager.default.removeItem(at: target)
        try FileManager.default.copyItem(at: overlay, to: target)
        return (dir, dir.deletingLastPathComponent())
    }

    @Test(arguments: ["mean", "cls", "max"], [SentenceTransformer.Threading.blas, .splitBatch])
    func matchesReferences(mode: String, threading: SentenceTransformer.Threading) throws {
        let (dir, cleanup) = try Self.model(mode)
        defer { if let cleanup { try? FileManager.default.removeItem(at: cleanup) } }
        let model = try SentenceTransformer.load(directory: dir, threads: 2, threading: threading)
        #expect(model.maxSeqLength == 256)  // tokenizer_config model_max_length (no max_seq_length)
        #expect(model.pooling.modes.map(\.rawValue) == [mode])
        let cases = try Self.cases()
        let texts = cases.map(\.text)
        // Tokenization is part of the reference.
        let tokens = try model.tokenize(texts)
        for (c, t) in zip(cases, tokens) { #expect(t.ids == c.input_ids, "\(c.id)") }

        let normalized = try NPY(url: Fixtures.tinyBERT.appendingPathComponent("reference_\(mode).npy"))
        let raw = try NPY(url: Fixtures.tinyBERT.appendingPathComponent("reference_\(mode)_raw.npy"))
        #expect(normalized.shape == [cases.count, 32])
        let out = try model.encode(texts, batchSize: 16)
        #expect(out.shape == [cases.count, 32])
        var worst: Float = 0
        for i in 0..<cases.count { worst = max(worst, maxAbsDiff(out[i], normalized.row(i))) }
        #expect(worst <= 1e-5, "max |Δ| \(worst) (normalized, \(mode))")

        // Without the Normalize module: the pooled vectors themselves.
        let bare = try Fixtures.copyOfModel(dir)
        defer { try? FileManager.default.removeItem(at: bare.deletingLastPathComponent()) }
        let modules = """
            [{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},
             {"idx":1,"name":"1","path":"1_Pooling","type":"sentence_transformers.models.Pooling"}]
            """
        try modules.write(to: bare.appendingPathComponent("modules.json"), atomically: true, encoding: .utf8)
        let rawModel = try SentenceTransformer.load(directory: bare, threads: 1)
        #expect(!rawModel.normalizesOutput)
        let rawOut = try rawModel.encode(texts, batchSize: 7)
        worst = 0
        for i in 0..<cases.count {
            let ref = raw.row(i)
            let scale = max(1, ref.map(abs).max() ?? 1)
            worst = max(worst, maxAbsDiff(rawOut[i], ref) / scale)
        }
        #expect(worst <= 1e-5, "max relative |Δ| \(worst) (raw, \(mode))")
        // normalize: true on the raw model gives the normalized references.
        let renormalized = try rawModel.encode(texts, normalize: true)
        worst = 0
        for i in 0..<cases.count { worst = max(worst, maxAbsDiff(renormalized[i], normalized.row(i))) }
        #expect(worst <= 1e-5)
    }

    @Test func hiddenStatesMatchLayerByLayerAtTheOutput() throws {
        let model = try SentenceTransformer.load(directory: Fixtures.tinyModel, threads: 1)
        let cases = try Fixtures.jsonLines(
            Fixtures.tinyBERT.appendingPathComponent("hidden_states.jsonl"), as: Fixtures.HiddenCase.self)
        #expect(cases.count == 4)
        for c in cases {
            let ws = Workspace(hidden: 32, intermediate: 64, heads: 4)
            c.input_ids.withUnsafeBufferPointer {
                model.encoder.forward(ids: $0, lengths: [c.input_ids.count], workspace: ws)
            }
            let last = try #require(Data(base64Encoded: c.hidden_states_b64.last!))
            let ref = last.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            let got = Array(UnsafeBufferPointer(start: ws.x.pointer, count: c.shape[0] * c.shape[1]))
            #expect(maxAbsDiff(got, ref) <= 2e-5, "\(c.id)")
        }
    }
}
