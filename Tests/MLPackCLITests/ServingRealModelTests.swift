import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MLPackCore
import MLPackServer
import MLPackTestSupport
import NIOCore
import Synchronization
import Testing

@testable import MLPackCLI

/// Real models behind the server, loaded through the flavor registry exactly as `mlpack serve`
/// loads them: the tiny BERT as a similarity and as a sentence_transformers model
/// (`/invocations`, `/embed`, `/similarity`), the test-target flavor, and the worker pool.
@Suite struct ServingRealModelTests {
    static let registry = FlavorRegistry(BuiltInFlavors.all + [RowCountFlavor()])

    /// Saves the tiny BERT with `flavor` through the registry (what `mlpack save` runs).
    static func save(_ flavor: String, in temp: URL, example: String? = nil) throws -> URL {
        let destination = temp.appendingPathComponent(flavor)
        let inputExample = try example.map { try InputExample(request: RequestParser().parse(Array($0.utf8), contentType: .json)) }
        _ = try ModelSaver().save(
            SaveRequest(source: TestFixtures.tinyBERT.path, inputExample: inputExample, registry: registry),
            with: try #require(registry.flavor(named: flavor)), to: destination)
        return destination
    }

    static func withServing<T: Sendable>(
        _ directory: URL, workers: Int = 1, _ body: @escaping @Sendable (any TestClientProtocol, any LoadedModel) async throws -> T
    ) async throws -> T {
        let loaded = try registry.load(directory: directory, options: LoadOptions(threads: 1))
        var configuration = ScoringServerConfiguration(port: 0)
        configuration.batching.maxConcurrentBatches = workers
        var logger = Logger(label: "serving-test")
        logger.logLevel = .critical
        let service = ModelService(name: loaded.flavor.name, model: loaded.loaded, configuration: configuration)
        let server = ScoringServer(service: service, configuration: configuration, logger: logger)
        let result = try await server.makeApplication().test(.router) { client in try await body(client, loaded.loaded) }
        await service.shutdown()
        return result
    }

    static func post(_ client: any TestClientProtocol, _ path: String, _ body: String) async throws -> (Int, JSONValue) {
        let response = try await client.execute(
            uri: path, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
        return (response.status.code, try JSONParser.parse(String(buffer: response.body)))
    }

    @Test func similarityModelAnswersInvocationsAndSimilarityAsPredictDoes() async throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let directory = try Self.save("similarity", in: temp)
        let pairs = try String(contentsOf: TestFixtures.tutorial.appendingPathComponent("pairs.json"), encoding: .utf8)
        try await Self.withServing(directory) { client, model in
            let (status, body) = try await Self.post(client, "/invocations", pairs)
            #expect(status == 200)
            let scores = try #require(body["predictions"]?.arrayValue).map { $0.arrayValue?.first?.numberValue ?? .nan }
            #expect(scores.count == 3)
            // The same model, called directly on the same pairs (what predict does).
            let direct = try ScoringPipeline(model: model).score(body: Array(pairs.utf8), contentType: .json)
            #expect(body == direct.json)
            #expect(scores.allSatisfy { (-1.0...1.0).contains($0) })

            let (simStatus, sim) = try await Self.post(
                client, "/similarity",
                #"{"inputs": {"source_sentence": "I like apples", "sentences": ["I like oranges", "I like apples"]}}"#)
            #expect(simStatus == 200)
            let shortcut = try #require(sim.arrayValue).map { $0.numberValue ?? .nan }
            #expect(abs(shortcut[0] - scores[0]) < 1e-6, "/similarity and /invocations score the same pair alike")
            #expect(abs(shortcut[1] - 1) < 1e-5, "a sentence is similar to itself")
            let (embedStatus, _) = try await Self.post(client, "/embed", #"{"inputs": ["a"]}"#)
            #expect(embedStatus == 404, "a similarity model does not embed")
        }
    }

    @Test func sentenceTransformersModelAnswersInvocationsAndEmbed() async throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let directory = try Self.save("sentence_transformers", in: temp)
        try await Self.withServing(directory) { client, model in
            let (status, body) = try await Self.post(client, "/invocations", #"{"inputs": ["I like apples", "héllo wörld"]}"#)
            #expect(status == 200, "\(body)")
            let rows = try #require(body["predictions"]?.arrayValue)
            #expect(rows.count == 2)
            let (embedStatus, embed) = try await Self.post(client, "/embed", #"{"inputs": ["I like apples", "héllo wörld"]}"#)
            #expect(embedStatus == 200)
            let vectors = try #require(embed.arrayValue)
            #expect(vectors.count == 2)
            for (row, vector) in zip(rows, vectors) {
                let a = try #require(row.arrayValue).map { $0.numberValue ?? .nan }
                let b = try #require(vector.arrayValue).map { $0.numberValue ?? .nan }
                #expect(a.count == b.count && a.count > 0)
                #expect(zip(a, b).map { abs($0 - $1) }.max() ?? 1 < 1e-6)
            }
            let bad = try await client.execute(
                uri: "/invocations", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"inputs": ["a""#))
            #expect(bad.status.code == 400)
            let error = try JSONParser.parse(String(buffer: bad.body))
            #expect(error["error_code"]?.stringValue == "BAD_REQUEST", "\(error)")
            #expect(error["message"]?.stringValue?.hasSuffix("Expecting ',' delimiter: line 1 column 16 (char 15)')'") == true, "\(error)")
            let (simStatus, _) = try await Self.post(client, "/similarity", #"{"source_sentence": "a", "sentences": ["b"]}"#)
            #expect(simStatus == 404, "an embedding model does not score pairs")
        }
    }

    @Test func theTestTargetFlavorIsServedThroughTheRegistry() async throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let flavor = try #require(Self.registry.flavor(named: RowCountFlavor.flavorName))
        let example = try InputExample(
            request: RequestParser().parse(Array(#"{"dataframe_split": {"columns": ["a", "b"], "data": [["x", "y"]]}}"#.utf8), contentType: .json))
        let report = try ModelSaver().save(
            SaveRequest(source: "2", inputExample: example, registry: Self.registry), with: flavor, to: temp.appendingPathComponent("rows"))
        try await Self.withServing(report.directory) { client, _ in
            let (status, body) = try await Self.post(
                client, "/invocations", #"{"dataframe_records": [{"a": "x", "b": "y"}, {"a": "x", "b": null}]}"#)
            #expect(status == 200, "\(body)")
            #expect(body == ["predictions": [4, 2]])
            let response = try await client.execute(
                uri: "/invocations", method: .post, headers: [.contentType: "text/csv"], body: ByteBuffer(string: "a,b\nx,\n"))
            #expect(String(buffer: response.body) == #"{"predictions": [2]}"#)
            let (missing, error) = try await Self.post(client, "/invocations", #"{"dataframe_records": [{"a": "x"}]}"#)
            #expect(missing == 400)
            #expect(error["error_code"]?.stringValue == "INVALID_PARAMETER_VALUE")
        }
    }

    /// With `--workers 2` two model calls run at once (each on its own pool thread); with one
    /// worker they never overlap. Shown by the calls' own start and end times, not by a timer.
    @Test(arguments: [1, 2]) func workersRunModelCallsAtOnce(workers: Int) async throws {
        // Two workers: each call waits (up to 60 s) for the other to start, so they overlap as soon as
        // both requests reach the model. One worker: 300 ms each, and they must not overlap.
        let model = OverlapProbe(expected: 2, patience: workers == 2 ? .seconds(60) : .milliseconds(300))
        var configuration = ScoringServerConfiguration(port: 0)
        configuration.batching.maxConcurrentBatches = workers
        configuration.batching.maxBatchSize = 1
        var logger = Logger(label: "workers-test")
        logger.logLevel = .critical
        let service = ModelService(name: "probe", model: model, configuration: configuration)
        let server = ScoringServer(service: service, configuration: configuration, logger: logger)
        try await server.makeApplication().test(.router) { client in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<2 {
                    group.addTask {
                        let response = try await client.execute(
                            uri: "/invocations", method: .post, headers: [.contentType: "application/json"],
                            body: ByteBuffer(string: #"{"inputs": [\#(i)]}"#))
                        return response.status.code
                    }
                }
                for try await status in group { #expect(status == 200) }
            }
        }
        await service.shutdown()
        let calls = model.calls
        #expect(calls.count == 2)
        let overlapped = calls.count == 2 && calls[0].start < calls[1].end && calls[1].start < calls[0].end
        #expect(overlapped == (workers == 2), "calls \(calls)")
        #expect(Set(calls.map(\.thread)).count == workers, "each call ran on a pool thread of its own")
    }
}

/// A model whose calls block their thread until `expected` calls have started (at most `patience`;
/// with one worker the second never can, so each call holds `patience`), then record when and where
/// they ran. Overlap is then decided by the server's workers, not by how loaded the machine is.
final class OverlapProbe: LoadedModel, Sendable {
    struct Call: Sendable, CustomStringConvertible {
        var start: ContinuousClock.Instant
        var end: ContinuousClock.Instant
        var thread: String
        var description: String { "\(thread) \(start)…\(end)" }
    }

    var flavorName: String { "probe" }
    var signature: ModelSignature? { nil }
    private let recorded = Mutex<[Call]>([])
    private let started = Mutex(0)
    let expected: Int
    let patience: Duration

    init(expected: Int, patience: Duration) {
        self.expected = expected
        self.patience = patience
    }

    var calls: [Call] { recorded.withLock { $0.sorted { $0.start < $1.start } } }

    func predict(_ input: ModelInput, params: JSONObject) throws -> PredictionOutput {
        let start = ContinuousClock.now
        started.withLock { $0 += 1 }
        let deadline = start + patience
        while started.withLock({ $0 }) < expected && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.005)
        }
        let thread = String(describing: Unmanaged.passUnretained(Thread.current).toOpaque())
        recorded.withLock { $0.append(Call(start: start, end: .now, thread: thread)) }
        return .value(.int(1))
    }
}
