import Foundation
import MLPackTestSupport
import Synchronization
import Testing
@testable import MLPackBERT

/// `encode` from several threads at once, and the thread plans against each other.
@Suite struct ConcurrencyTests {
    static func texts() throws -> [String] { try TinyBERTTests.cases().map(\.text) }

    /// Encodes per thread in the concurrent runs: 20, or 3 under a sanitizer (scripts/test-sanitizers.sh
    /// sets MLPACK_SANITIZER; unoptimised and instrumented, each encode is 100x slower there).
    static let iterations = TestFixtures.underSanitizer ? 3 : 20

    /// Runs `body(i)` for `i` in `0..<n` on `n` threads started together (no Swift concurrency)
    /// and waits for all of them.
    static func onThreads(_ n: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let done = DispatchSemaphore(value: 0)
        let go = DispatchSemaphore(value: 0)
        for i in 0..<n {
            let thread = Thread {
                go.wait()
                body(i)
                done.signal()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        for _ in 0..<n { go.signal() }
        for _ in 0..<n { done.wait() }
    }

    static func maxDiff(_ a: EmbeddingMatrix, _ b: EmbeddingMatrix) -> Float {
        guard a.shape == b.shape else { return .infinity }
        return maxAbsDiff(a.values[...], b.values[...])
    }

    /// One job of the concurrent run: a slice of the texts, a batch size and a thread count.
    struct Job: Sendable {
        let range: Range<Int>
        let batchSize: Int
        let threads: Int
    }

    @Test(arguments: [SentenceTransformer.Threading.automatic, .blas, .splitBatch])
    func concurrentEncodesMatchASerialRun(threading: SentenceTransformer.Threading) throws {
        let model = try SentenceTransformer.load(directory: Fixtures.tinyModel, threads: 2, threading: threading)
        let texts = try Self.texts()
        // Mixed batch sizes and lengths (the fixture has 256- and 92-token texts), 1 and 2 threads.
        let jobs = [
            Job(range: 0..<50, batchSize: 32, threads: 2), Job(range: 0..<50, batchSize: 7, threads: 1),
            Job(range: 30..<40, batchSize: 1, threads: 2), Job(range: 15..<22, batchSize: 3, threads: 2),
            Job(range: 33..<37, batchSize: 4, threads: 1), Job(range: 0..<1, batchSize: 1, threads: 1),
            Job(range: 18..<21, batchSize: 16, threads: 2),
        ]
        let serial = try jobs.map { try model.encode(Array(texts[$0.range]), batchSize: $0.batchSize, threads: $0.threads) }
        let worst = Mutex<(Float, String)>((0, ""))
        let failures = Mutex<[String]>([])
        Self.onThreads(4) { t in
            for iteration in 0..<Self.iterations {
                let j = (t * 3 + iteration * 5) % jobs.count
                let job = jobs[j]
                do {
                    let got = try model.encode(Array(texts[job.range]), batchSize: job.batchSize, threads: job.threads)
                    let d = Self.maxDiff(got, serial[j])
                    worst.withLock { if d > $0.0 { $0 = (d, "thread \(t) iteration \(iteration) job \(j)") } }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        let (d, at) = worst.withLock { $0 }
        #expect(d <= 1e-6, "max |Δ| \(d) vs the serial run at \(at)")
    }

    /// Every plan and thread count against one thread, and the per-call override against the model's.
    /// Returns the largest difference seen.
    @discardableResult
    static func checkPlansAgree(
        directory: URL, texts: [String], tolerance: Float, threadCounts: [Int], batchSizes: [Int]
    ) throws -> Float {
        let one = try SentenceTransformer.load(directory: directory, threads: 1)
        let reference = try one.encode(texts, batchSize: 16)
        var worst: Float = 0
        for threading in SentenceTransformer.Threading.allCases {
            let model = try SentenceTransformer.load(directory: directory, threads: 2, threading: threading)
            for threads in threadCounts {
                for batchSize in batchSizes {
                    let got = try model.encode(texts, batchSize: batchSize, threads: threads)
                    let d = maxDiff(got, reference)
                    worst = max(worst, d)
                    #expect(d <= tolerance, "\(threading) threads \(threads) batch \(batchSize): max |Δ| \(d)")
                }
            }
            let byDefault = try model.encode(texts, batchSize: 16)
            let explicit = try model.encode(texts, batchSize: 16, threads: 2)
            #expect(byDefault == explicit, "\(threading)")
        }
        return worst
    }

    @Test func threadCountsAndPlansAgree() throws {
        let worst = try Self.checkPlansAgree(
            directory: Fixtures.tinyModel, texts: Self.texts(), tolerance: 1e-5, threadCounts: [1, 2, 3, 4], batchSizes: [1, 2, 16])
        print("ConcurrencyTests: tiny BERT, every plan and 1-4 threads vs 1 thread: max |Δ| \(worst)")
    }

    @Test func threadCountsAndPlansAgreeOnTheRealModel() throws {
        let dir = try Fixtures.realModel()
        let cases = try Fixtures.jsonLines(
            Fixtures.embeddings.appendingPathComponent("embedding_cases.jsonl"), as: RealModelTests.Case.self)
        // Short and long texts (the longest cases use the BLAS attention path and are truncated).
        let sorted = cases.sorted { $0.n_tokens < $1.n_tokens }
        let texts = (sorted.prefix(8) + sorted.suffix(4) + cases.prefix(12)).map(\.text)
        let worst = try Self.checkPlansAgree(
            directory: dir, texts: texts, tolerance: 1e-5, threadCounts: [2, 3], batchSizes: [16])
        print("ConcurrencyTests: all-MiniLM-L6-v2, every plan and 2-3 threads vs 1 thread: max |Δ| \(worst)")
    }

    @Test func concurrentEncodesOnTheRealModelMatchASerialRun() throws {
        let model = try SentenceTransformer.load(directory: try Fixtures.realModel(), threads: 2)
        let cases = try Fixtures.jsonLines(
            Fixtures.embeddings.appendingPathComponent("embedding_cases.jsonl"), as: RealModelTests.Case.self)
        let texts = cases.map(\.text)
        let jobs = [Job(range: 0..<40, batchSize: 32, threads: 1), Job(range: 100..<110, batchSize: 1, threads: 2),
                    Job(range: 200..<232, batchSize: 8, threads: 2)]
        let serial = try jobs.map { try model.encode(Array(texts[$0.range]), batchSize: $0.batchSize, threads: $0.threads) }
        let worst = Mutex<Float>(0)
        Self.onThreads(3) { t in
            for iteration in 0..<3 {
                let j = (t + iteration) % jobs.count
                let got = try? model.encode(Array(texts[jobs[j].range]), batchSize: jobs[j].batchSize, threads: jobs[j].threads)
                let d = got.map { Self.maxDiff($0, serial[j]) } ?? .infinity
                worst.withLock { $0 = max($0, d) }
            }
        }
        let d = worst.withLock { $0 }
        #expect(d <= 1e-6, "max |Δ| \(d) vs the serial run")
    }

    @Test func perCallThreadsAreChecked() throws {
        let model = try SentenceTransformer.load(directory: Fixtures.tinyModel, threads: 1)
        #expect(throws: BERTError.self) { _ = try model.encode(["x"], threads: 0) }
        #expect(throws: BERTError.self) { _ = try model.encode(["x"], threads: 257) }
    }

    @Test func columnBlocksCoverTheColumnsInWholeVectors() {
        for n in [1, 15, 16, 32, 33, 384, 1152, 1536] {
            for parts in 1...5 {
                let blocks = BERTModel.columnBlocks(n, parts: parts)
                #expect(blocks.first?.lowerBound == 0 && blocks.last?.upperBound == n, "\(n) \(parts)")
                #expect(blocks.count <= parts && blocks.allSatisfy { !$0.isEmpty })
                for (a, b) in zip(blocks, blocks.dropFirst()) {
                    #expect(a.upperBound == b.lowerBound && a.upperBound % 16 == 0, "\(n) \(parts)")
                }
            }
        }
        #expect(BERTModel.columnBlocks(1152, parts: 2) == [0..<576, 576..<1152])
    }
}
