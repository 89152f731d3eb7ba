import Foundation
import MLPackGEMM
import Testing
@testable import MLPackBERT

/// The encoder in int8 precision: against Float32 on the real model (the quality gate), the same
/// embeddings whatever the kernel and thread count, and the tiny model.
@Suite struct Int8ModelTests {
    struct Case: Decodable {
        let id: String
        let text: String
    }

    struct Pair: Decodable {
        let sentence_1: String
        let sentence_2: String
    }

    static func cosine(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y)
            na += Double(x) * Double(x)
            nb += Double(y) * Double(y)
        }
        return dot / max((na * nb).squareRoot(), 1e-30)
    }

    /// Ranks 1…n, ties sharing their mean rank.
    static func ranks(_ v: [Double]) -> [Double] {
        let order = v.indices.sorted { v[$0] < v[$1] }
        var r = [Double](repeating: 0, count: v.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && v[order[j + 1]] == v[order[i]] { j += 1 }
            for t in i...j { r[order[t]] = Double(i + j) / 2 + 1 }
            i = j + 1
        }
        return r
    }

    static func spearman(_ a: [Double], _ b: [Double]) -> Double {
        let (ra, rb) = (ranks(a), ranks(b))
        let n = Double(a.count)
        let (ma, mb) = (ra.reduce(0, +) / n, rb.reduce(0, +) / n)
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (x, y) in zip(ra, rb) {
            sab += (x - ma) * (y - mb)
            saa += (x - ma) * (x - ma)
            sbb += (y - mb) * (y - mb)
        }
        return sab / (saa * sbb).squareRoot()
    }

    @Test func spearmanOfKnownRankings() {
        #expect(Self.spearman([1, 2, 3, 4], [10, 20, 30, 40]) == 1)
        #expect(Self.spearman([1, 2, 3, 4], [4, 3, 2, 1]) == -1)
        #expect(abs(Self.spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) - 0.8207826816681233) < 1e-12)
    }

    /// Quality gate on all-MiniLM-L6-v2: per-text cosine between int8 and Float32 embeddings of the
    /// 300 fixture cases ≥ 0.995 (mean ≥ 0.999); Spearman of the pair similarities ≥ 0.995 over 502
    /// pairs: the 299 consecutive fixture cases (i, i+1), the 3 tutorial pairs, and the first 400
    /// bench sentences taken two by two.
    @Test func qualityGateOnTheRealModel() throws {
        let dir = try Fixtures.realModel()
        let fp32 = try SentenceTransformer.load(directory: dir, threads: 2)
        let int8 = try SentenceTransformer.load(directory: dir, threads: 2, precision: .int8)
        #expect(fp32.precision == .fp32 && fp32.encoder.int8Kernel == nil)
        let selected = try Int8Kernel.selected()
        #expect(int8.precision == .int8 && int8.encoder.int8Kernel == selected)
        let cases = try Fixtures.jsonLines(Fixtures.embeddings.appendingPathComponent("embedding_cases.jsonl"), as: Case.self)
        #expect(cases.count == 300)
        let e32 = try fp32.encode(cases.map(\.text), batchSize: 32)
        let e8 = try int8.encode(cases.map(\.text), batchSize: 32)
        let cosines = (0..<cases.count).map { Self.cosine(e32[$0], e8[$0]) }
        let worst = cosines.indices.min { cosines[$0] < cosines[$1] }!
        let mean = cosines.reduce(0, +) / Double(cosines.count)
        print("Int8ModelTests: kernel \(int8.encoder.int8Kernel!.name), cosine int8 vs fp32 over \(cases.count) texts: min \(cosines[worst]) (\(cases[worst].id)), mean \(mean)")
        #expect(cosines[worst] >= 0.995, "min cosine \(cosines[worst]) at \(cases[worst].id)")
        #expect(mean >= 0.999, "mean cosine \(mean)")

        // Pair similarities.
        var firsts: [String] = []
        var seconds: [String] = []
        for i in 0..<(cases.count - 1) {
            firsts.append(cases[i].text)
            seconds.append(cases[i + 1].text)
        }
        let pairs = try Fixtures.jsonLines(Fixtures.root.appendingPathComponent("fixtures/tutorial/pairs.jsonl"), as: Pair.self)
        firsts += pairs.map(\.sentence_1)
        seconds += pairs.map(\.sentence_2)
        let bench = try String(contentsOf: Fixtures.embeddings.appendingPathComponent("bench_sentences.txt"), encoding: .utf8)
            .split(separator: "\n").prefix(400).map(String.init)
        #expect(bench.count == 400)
        for i in stride(from: 0, to: bench.count, by: 2) {
            firsts.append(bench[i])
            seconds.append(bench[i + 1])
        }
        func similarities(_ model: SentenceTransformer) throws -> [Double] {
            let a = try model.encode(firsts, batchSize: 32)
            let b = try model.encode(seconds, batchSize: 32)
            return (0..<firsts.count).map { Self.cosine(a[$0], b[$0]) }
        }
        let s32 = try similarities(fp32)
        let s8 = try similarities(int8)
        let rho = Self.spearman(s32, s8)
        let maxDelta = zip(s32, s8).map { abs($0 - $1) }.max()!
        print("Int8ModelTests: Spearman int8 vs fp32 over \(s32.count) pair similarities: \(rho); max |Δ similarity| \(maxDelta)")
        #expect(s32.count == 502)
        #expect(rho >= 0.995, "Spearman \(rho)")
    }

    /// Which linear layers cost the most accuracy (printed, for the design notes).
    @Test func errorByLinearLayer() throws {
        let dir = try Fixtures.realModel()
        let fp32 = try SentenceTransformer.load(directory: dir, threads: 2)
        let cases = try Fixtures.jsonLines(Fixtures.embeddings.appendingPathComponent("embedding_cases.jsonl"), as: Case.self)
        let texts = cases.map(\.text)
        let e32 = try fp32.encode(texts, batchSize: 32)
        let sets: [[BERTModel.Linear]] = [[.qkv], [.out], [.up], [.down], [.qkv, .out, .up], [.qkv, .up], [.qkv, .out, .up, .down]]
        var worstOfAll = 1.0
        for set in sets {
            let model = try SentenceTransformer(
                directory: dir, threads: 2, threading: .automatic, precision: .int8, int8Kernel: nil, int8Linears: Set(set))
            let e8 = try model.encode(texts, batchSize: 32)
            let c = (0..<texts.count).map { Self.cosine(e32[$0], e8[$0]) }
            print("Int8ModelTests: int8 \(set): min cosine \(c.min()!), mean \(c.reduce(0, +) / Double(c.count))")
            worstOfAll = min(worstOfAll, c.min()!)
        }
        #expect(worstOfAll > 0.9)
    }

    /// Every kernel computes the same int32 sums and the same scaling: the embeddings are
    /// bit-identical whatever the kernel and the thread count.
    @Test func sameEmbeddingsWhateverKernelAndThreads() throws {
        let dir = try Fixtures.realModel()
        let texts = [
            "The quick brown fox jumps over the lazy dog.", "int8", "Kernels must agree to the last bit, however the columns are split among threads.",
        ]
        let reference = try SentenceTransformer.load(directory: dir, threads: 1, precision: .int8, int8Kernel: .scalar)
            .encode(texts, batchSize: 2)
        for kernel in Int8Kernel.supported {
            for (threads, threading) in [(1, SentenceTransformer.Threading.blas), (2, .blas), (2, .splitBatch)] {
                let model = try SentenceTransformer.load(
                    directory: dir, threads: threads, threading: threading, precision: .int8, int8Kernel: kernel)
                #expect(model.encoder.int8Kernel == kernel)
                #expect(try model.encode(texts, batchSize: 2) == reference, "\(kernel.name), \(threads) threads, \(threading)")
            }
        }
        print("Int8ModelTests: identical embeddings with kernels \(Int8Kernel.supported.map(\.name))")
    }

    /// The tiny random model (hidden 32, intermediate 64): int8 stays close to Float32.
    @Test func tinyModelCloseToFloat32() throws {
        let fp32 = try SentenceTransformer.load(directory: Fixtures.tinyModel, threads: 2)
        let texts = try TinyBERTTests.cases().map(\.text)
        let e32 = try fp32.encode(texts, batchSize: 8)
        for kernel in Int8Kernel.supported {
            let int8 = try SentenceTransformer.load(directory: Fixtures.tinyModel, threads: 2, precision: .int8, int8Kernel: kernel)
            let e8 = try int8.encode(texts, batchSize: 8)
            let worst = (0..<texts.count).map { Self.cosine(e32[$0], e8[$0]) }.min()!
            #expect(worst >= 0.99, "\(kernel.name): min cosine \(worst)")
            #expect(e8 != e32)  // it did run in int8
        }
    }
}
