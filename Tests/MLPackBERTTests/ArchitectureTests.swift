import Foundation
import Testing
@testable import MLPackBERT
import MLPackTokenizer

/// Tiny random MPNet, RoBERTa, XLM-RoBERTa and DistilBERT models against sentence-transformers
/// (fixtures/embeddings/tiny-<arch>, made by scripts/gen-arch-fixtures.py): token embeddings from
/// ids, pooled and normalized embeddings for mean, CLS and max pooling, max |Δ| ≤ 1e-5 per component.
@Suite struct ArchitectureTests {
    static let architectures = ["mpnet", "roberta", "xlm-roberta", "distilbert"]
    static let modes = ["mean", "cls", "max"]

    struct Case: Decodable {
        let id: String
        let text: String
        let input_ids: [Int32]
    }

    static func root(_ arch: String) -> URL { Fixtures.embeddings.appendingPathComponent("tiny-\(arch)") }

    /// The model directory with `mode` pooling, with or without its Normalize module, in a
    /// temporary copy (the caller removes `cleanup`).
    static func model(_ arch: String, mode: String, normalize: Bool) throws -> (URL, cleanup: URL) {
        let dir = try Fixtures.copyOfModel(root(arch).appendingPathComponent("model"))
        if mode != "mean" {
            let target = dir.appendingPathComponent("1_Pooling/config.json")
            try FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(
                at: root(arch).appendingPathComponent("variants/\(mode)/1_Pooling/config.json"), to: target)
        }
        if !normalize {
            let modules = """
                [{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},
                 {"idx":1,"name":"1","path":"1_Pooling","type":"sentence_transformers.models.Pooling"}]
                """
            try modules.write(to: dir.appendingPathComponent("modules.json"), atomically: true, encoding: .utf8)
        }
        return (dir, dir.deletingLastPathComponent())
    }

    /// Largest |Δ| over rows, relative to the reference row's largest magnitude when that exceeds 1
    /// (un-normalized max pooling reaches a few units).
    static func worst(_ out: EmbeddingMatrix, _ ref: NPY, rows: Int) -> Float {
        var worst: Float = 0
        for i in 0..<rows {
            let r = ref.row(i)
            worst = max(worst, maxAbsDiff(out[i], r) / max(1, r.map(abs).max() ?? 1))
        }
        return worst
    }

    @Test(arguments: architectures, modes)
    func pooledAndNormalizedMatchSentenceTransformers(arch: String, mode: String) throws {
        let cases = try Fixtures.jsonLines(Self.root(arch).appendingPathComponent("reference.jsonl"), as: Case.self)
        #expect(cases.count == 52)
        let texts = cases.map(\.text)
        let (dir, cleanup) = try Self.model(arch, mode: mode, normalize: true)
        defer { try? FileManager.default.removeItem(at: cleanup) }
        let model = try SentenceTransformer.load(directory: dir, threads: 2, threading: .blas)
        #expect(model.encoder.configuration.architecture.rawValue == arch)
        #expect(model.maxSeqLength == 300 && model.normalizesOutput)
        let tokens = try model.tokenize(texts)
        for (c, t) in zip(cases, tokens) { #expect(t.ids == c.input_ids, "\(arch) \(c.id)") }

        let normalized = try NPY(url: Self.root(arch).appendingPathComponent("reference_\(mode).npy"))
        #expect(normalized.shape == [cases.count, 32])
        let out = try model.encode(texts, batchSize: 16)
        let dn = Self.worst(out, normalized, rows: cases.count)
        print("ArchitectureTests: \(arch) \(mode) normalized max |Δ| \(dn)")
        #expect(dn <= 1e-5, "\(arch) \(mode) normalized max |Δ| \(dn)")

        let (bare, bareCleanup) = try Self.model(arch, mode: mode, normalize: false)
        defer { try? FileManager.default.removeItem(at: bareCleanup) }
        let rawModel = try SentenceTransformer.load(directory: bare, threads: 2, threading: .splitBatch)
        #expect(!rawModel.normalizesOutput)
        let raw = try NPY(url: Self.root(arch).appendingPathComponent("reference_\(mode)_raw.npy"))
        let rawOut = try rawModel.encode(texts, batchSize: 7)
        let dr = Self.worst(rawOut, raw, rows: cases.count)
        print("ArchitectureTests: \(arch) \(mode) pooled max |Δ| \(dr)")
        #expect(dr <= 1e-5, "\(arch) \(mode) pooled max |Δ| \(dr)")
    }

    /// The last hidden state of every case, from the reference ids, one sequence per pass.
    @Test(arguments: architectures)
    func tokenEmbeddingsFromIds(arch: String) throws {
        let cases = try Fixtures.jsonLines(Self.root(arch).appendingPathComponent("reference.jsonl"), as: Case.self)
        let model = try SentenceTransformer.load(directory: Self.root(arch).appendingPathComponent("model"), threads: 1)
        let ref = try NPY(url: Self.root(arch).appendingPathComponent("token_embeddings.npy"))
        let total = cases.map(\.input_ids.count).reduce(0, +)
        #expect(ref.shape == [total, 32])
        var row = 0
        var worst: Float = 0
        for c in cases {
            let ws = Workspace(hidden: 32, intermediate: 64, heads: 4)
            c.input_ids.withUnsafeBufferPointer {
                model.encoder.forward(ids: $0, lengths: [c.input_ids.count], workspace: ws)
            }
            let got = Array(UnsafeBufferPointer(start: ws.x.pointer, count: c.input_ids.count * 32))
            let want = ref.values[(row * 32)..<((row + c.input_ids.count) * 32)]
            let d = maxAbsDiff(got, want)
            #expect(d <= 1e-5, "\(arch) \(c.id): max |Δ| \(d)")
            worst = max(worst, d)
            row += c.input_ids.count
        }
        print("ArchitectureTests: \(arch) token embeddings max |Δ| \(worst)")
    }

    /// RoBERTa and XLM-RoBERTa with ids from their own tokenizer types (byte-level BPE, Unigram;
    /// native/tokenizer.json), so the encoder is checked independently of the WordPiece tokenizer.
    @Test(arguments: ["roberta", "xlm-roberta"], modes)
    func nativeTokenizerIds(arch: String, mode: String) throws {
        let native = Self.root(arch).appendingPathComponent("native")
        let cases = try Fixtures.jsonLines(native.appendingPathComponent("reference.jsonl"), as: Case.self)
        #expect(cases.count == 52)
        #expect(cases.contains { $0.input_ids.count == 300 })  // the long case, truncated
        let ids = cases.map(\.input_ids)
        for normalize in [true, false] {
            let (dir, cleanup) = try Self.model(arch, mode: mode, normalize: normalize)
            defer { try? FileManager.default.removeItem(at: cleanup) }
            let model = try SentenceTransformer.load(directory: dir, threads: 2)
            let ref = try NPY(url: native.appendingPathComponent("reference_\(mode)\(normalize ? "" : "_raw").npy"))
            let out = try model.encode(tokenIds: ids, batchSize: 16)
            let d = Self.worst(out, ref, rows: cases.count)
            print("ArchitectureTests: \(arch) native ids \(mode) \(normalize ? "normalized" : "pooled") max |Δ| \(d)")
            #expect(d <= 1e-5, "\(arch) native \(mode) normalize \(normalize): max |Δ| \(d)")
        }
    }

    /// RoBERTa with its byte-level BPE and XLM-RoBERTa with its Unigram tokenizer end to end: the
    /// model directory with native/tokenizer.json in place of the WordPiece one, loaded by
    /// `SentenceTransformer.load` (text in, embeddings out through the real tokenizer). Ids equal HF
    /// `tokenizers`' (truncated by the model's max_seq_length, 300, as the references were), and the
    /// embeddings sentence-transformers' from those ids.
    @Test(arguments: [(name: "roberta", tokenizer: TokenizerModelType.bpe), (name: "xlm-roberta", tokenizer: .unigram)], modes)
    func nativeTokenizerEndToEnd(arch: (name: String, tokenizer: TokenizerModelType), mode: String) throws {
        let native = Self.root(arch.name).appendingPathComponent("native")
        let cases = try Fixtures.jsonLines(native.appendingPathComponent("reference.jsonl"), as: Case.self)
        #expect(cases.count == 52)
        let texts = cases.map(\.text)
        for normalize in [true, false] {
            let (dir, cleanup) = try Self.model(arch.name, mode: mode, normalize: normalize)
            defer { try? FileManager.default.removeItem(at: cleanup) }
            let target = dir.appendingPathComponent("tokenizer.json")
            try FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: native.appendingPathComponent("tokenizer.json"), to: target)
            let model = try SentenceTransformer.load(directory: dir, threads: 2)
            #expect(model.tokenizer.modelType == arch.tokenizer)
            #expect(model.encoder.configuration.architecture.rawValue == arch.name)
            #expect(model.maxSeqLength == 300 && model.normalizesOutput == normalize)
            if normalize {
                let tokens = try model.tokenize(texts)
                var mismatched = 0
                for (c, t) in zip(cases, tokens) where t.ids != c.input_ids {
                    mismatched += 1
                    Issue.record("\(arch.name) \(c.id): ids \(t.ids.prefix(12)) … differ from HF \(c.input_ids.prefix(12)) …")
                }
                #expect(mismatched == 0)
                #expect(tokens.contains { $0.count == 300 && $0.truncated })
            }
            let ref = try NPY(url: native.appendingPathComponent("reference_\(mode)\(normalize ? "" : "_raw").npy"))
            #expect(ref.shape == [cases.count, 32])
            let out = try model.encode(texts, batchSize: 16)
            let d = Self.worst(out, ref, rows: cases.count)
            print("ArchitectureTests: \(arch.name) native tokenizer end to end \(mode) \(normalize ? "normalized" : "pooled") max |Δ| \(d)")
            #expect(d <= 1e-5, "\(arch.name) native end to end \(mode) normalize \(normalize): max |Δ| \(d)")
        }
    }

    @Test func tokenIdsAreChecked() throws {
        let model = try SentenceTransformer.load(directory: Self.root("roberta").appendingPathComponent("model"), threads: 1)
        #expect(model.encoder.configuration.maxSequenceLength == 512)  // 514 positions, padding index 1
        let vocab = Int32(model.encoder.configuration.vocabSize)
        #expect(throws: BERTError.self) { try model.encode(tokenIds: [[0, vocab, 2]]) }
        #expect(throws: BERTError.self) { try model.encode(tokenIds: [[0, -1, 2]]) }
        #expect(try model.encode(tokenIds: [[0, vocab - 1, 2]]).rows == 1)
        #expect(throws: BERTError.self) { try model.encode(tokenIds: [[]]) }
        #expect(throws: BERTError.self) { try model.encode(tokenIds: [[Int32](repeating: 5, count: 513)]) }
        #expect(try model.encode(tokenIds: [[Int32](repeating: 5, count: 512)]).rows == 1)
    }

    @Test func mpnetRelativeBucketsMatchTorch() throws {
        struct Buckets: Decodable {
            let relative_positions: [Int]
            let buckets: [Int]
        }
        let data = try Data(contentsOf: Self.root("mpnet").appendingPathComponent("relative_buckets.json"))
        let ref = try JSONDecoder().decode(Buckets.self, from: data)
        let range = ref.relative_positions[0]...ref.relative_positions[1]
        #expect(ref.buckets.count == range.count)
        let got = range.map { BERTModel.relativePositionBucket($0) }
        #expect(got == ref.buckets)
        // Bucket 16 (keys after the query at distance 0) cannot occur: 31 of the 32 are used.
        #expect(Set(got).count == 31 && !got.contains(16))
    }

    @Test func distilbertSinusoidalTableMatchesTransformers() throws {
        let weights = try SafeTensorsFile(
            url: Self.root("distilbert").appendingPathComponent("model/model.safetensors"))
        let stored = try weights.floats("embeddings.position_embeddings.weight", shape: [512, 32])
        let table = BERTModel.sinusoidalTable(positions: 512, dimension: 32)
        #expect(maxAbsDiff(table.array, stored.array) <= 1e-6)
    }

    @Test func unsupportedModelTypeNamesItAndTheSupportedOnes() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("config.json")
        try #"{"model_type": "gpt2", "vocab_size": 10}"#.write(to: url, atomically: true, encoding: .utf8)
        let error = #expect(throws: BERTError.self) { try BERTConfiguration(url: url) }
        #expect(
            error == .unsupportedArchitecture(
                file: "config.json", modelType: "gpt2", supported: ["bert", "roberta", "xlm-roberta", "mpnet", "distilbert"]))
        #expect(error?.description.contains("gpt2") == true && error?.description.contains("xlm-roberta") == true)
    }

    /// JSON 0 and 1 are integers, `true`/`false` are not (Linux bridges both to Bool).
    @Test func integerOneIsNotABoolean() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try String(contentsOf: Self.root("roberta").appendingPathComponent("model/config.json"), encoding: .utf8)
        let url = dir.appendingPathComponent("config.json")
        try config.write(to: url, atomically: true, encoding: .utf8)
        #expect(try BERTConfiguration(url: url).typeVocabSize == 1)
        try config.replacingOccurrences(of: "\"type_vocab_size\": 1", with: "\"type_vocab_size\": true")
            .write(to: url, atomically: true, encoding: .utf8)
        let error = #expect(throws: BERTError.self) { try BERTConfiguration(url: url) }
        guard case .invalidValue(_, let key, _) = error else {
            Issue.record("expected invalidValue, got \(String(describing: error))")
            return
        }
        #expect(key == "type_vocab_size")
    }

    @Test func mpnetRefusesTooFewRelativeBuckets() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try String(contentsOf: Self.root("mpnet").appendingPathComponent("model/config.json"), encoding: .utf8)
        let url = dir.appendingPathComponent("config.json")
        try config.replacingOccurrences(of: "\"relative_attention_num_buckets\": 32", with: "\"relative_attention_num_buckets\": 16")
            .write(to: url, atomically: true, encoding: .utf8)
        let error = #expect(throws: BERTError.self) { try BERTConfiguration(url: url) }
        guard case .invalidValue(_, let key, _) = error else {
            Issue.record("expected invalidValue, got \(String(describing: error))")
            return
        }
        #expect(key == "relative_attention_num_buckets")
    }
}
