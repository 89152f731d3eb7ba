import Foundation
import Testing
@testable import MLPackBERT

/// The real all-mpnet-base-v2 (`$MLPACK_MPNET_DIR`, e.g. `scripts/fetch-model.sh all-mpnet-base-v2`)
/// against sentence-transformers on every public embedding case
/// (fixtures/embeddings/all-mpnet-base-v2, made by scripts/gen-mpnet-reference.py).
/// Runs when `MLPACK_MPNET_DIR` is set (the 438 MB model is not fetched by default; reported as
/// skipped otherwise).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["MLPACK_MPNET_DIR"] != nil, "MLPACK_MPNET_DIR is not set"))
struct RealMPNetTests {
    struct Case: Decodable {
        let id: String
        let n_tokens: Int
        let input_ids: [Int32]
    }

    struct Text: Decodable {
        let id: String
        let text: String
    }

    @Test func everyCaseWithin1e5PerComponent() throws {
        let dir = URL(fileURLWithPath: ProcessInfo.processInfo.environment["MLPACK_MPNET_DIR"]!)
        let start = Date()
        let model = try SentenceTransformer.load(directory: dir, threads: 2)
        let loaded = Date()
        let c = model.encoder.configuration
        #expect(c.architecture == .mpnet && c.maxSequenceLength == 512 && c.relativeAttentionBuckets == 32)
        #expect(model.maxSeqLength == 384 && model.dimension == 768 && model.normalizesOutput)
        let ref = Fixtures.embeddings.appendingPathComponent("all-mpnet-base-v2")
        let cases = try Fixtures.jsonLines(ref.appendingPathComponent("reference.jsonl"), as: Case.self)
        let texts = try Fixtures.jsonLines(Fixtures.embeddings.appendingPathComponent("embedding_cases.jsonl"), as: Text.self)
        let reference = try NPY(url: ref.appendingPathComponent("embeddings.npy"))
        #expect(cases.count == 300 && texts.count == 300 && reference.shape == [300, 768])
        #expect(zip(cases, texts).allSatisfy { $0.id == $1.id })
        // Tokenization (WordPiece with <s> … </s> from RobertaProcessing) is part of the reference.
        let tokens = try model.tokenize(texts.map(\.text))
        var mismatches = 0
        for (c, t) in zip(cases, tokens) where t.ids != c.input_ids {
            mismatches += 1
            Issue.record("\(c.id): ids \(t.ids.prefix(12))… differ from sentence-transformers' \(c.input_ids.prefix(12))…")
        }
        #expect(mismatches == 0)
        #expect(cases.contains { $0.n_tokens == 384 })  // truncated cases reach max_seq_length
        #if DEBUG
            let checked = Array(stride(from: 0, to: cases.count, by: 10))
        #else
            let checked = Array(cases.indices)
        #endif
        let encodeStart = Date()
        let out = try model.encode(checked.map { texts[$0].text }, batchSize: 32)
        let end = Date()
        var worst: Float = 0
        var worstID = ""
        for (row, i) in checked.enumerated() {
            let d = maxAbsDiff(out[row], reference.row(i))
            if d > worst { (worst, worstID) = (d, cases[i].id) }
        }
        print(String(
            format: "RealMPNetTests: %d cases, max |Δ| per component %g at %@; load %.2f s, encode %.2f s",
            checked.count, worst, worstID, loaded.timeIntervalSince(start), end.timeIntervalSince(encodeStart)))
        #expect(worst <= 1e-5, "max |Δ| \(worst) at \(worstID)")
    }
}
