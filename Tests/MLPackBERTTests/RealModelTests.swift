import Foundation
import Testing
@testable import MLPackBERT

/// all-MiniLM-L6-v2 against sentence-transformers' embeddings of every public case.
@Suite struct RealModelTests {
    struct Case: Decodable {
        let id: String
        let text: String
        let n_tokens: Int
    }

    @Test func everyCaseWithin1e5PerComponent() throws {
        let dir = try Fixtures.realModel()
        let model = try SentenceTransformer.load(directory: dir, threads: 2)
        #expect(model.maxSeqLength == 256 && model.dimension == 384 && model.normalizesOutput)
        let cases = try Fixtures.jsonLines(
            Fixtures.embeddings.appendingPathComponent("embedding_cases.jsonl"), as: Case.self)
        let reference = try NPY(url: Fixtures.embeddings.appendingPathComponent("embeddings.npy"))
        #expect(cases.count == 300 && reference.shape == [300, 384])
        let tokens = try model.tokenize(cases.map(\.text))
        for (c, t) in zip(cases, tokens) { #expect(t.count == c.n_tokens, "\(c.id)") }
        #if DEBUG
            // Unoptimised SIMD kernels are ~50x slower: a debug build checks every 10th case;
            // the release suite (scripts/test.sh) checks all 300.
            let checked = Array(stride(from: 0, to: cases.count, by: 10))
            print("RealModelTests: debug build, checking \(checked.count) of \(cases.count) cases (release checks all)")
        #else
            let checked = Array(cases.indices)
        #endif
        let out = try model.encode(checked.map { cases[$0].text }, batchSize: 32)
        var worst: Float = 0
        var worstID = ""
        for (row, i) in checked.enumerated() {
            let d = maxAbsDiff(out[row], reference.row(i))
            if d > worst { (worst, worstID) = (d, cases[i].id) }
        }
        print("RealModelTests: \(checked.count) cases, max |Δ| per component \(worst) at \(worstID)")
        #expect(worst <= 1e-5, "max |Δ| \(worst) at \(worstID)")
    }
}
