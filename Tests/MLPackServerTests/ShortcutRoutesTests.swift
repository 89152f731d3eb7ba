import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import MLPackServer

@Suite struct ShortcutRoutesTests {
    @Test func embedReturnsOneVectorPerTextInOrder() async throws {
        try await withServer(model: CountingTextModel()) { client in
            let many = try await client.post("/embed", contentType: "application/json", body: #"{"inputs": ["a b", "hello", "x y z"]}"#)
            #expect(many.status.code == 200)
            #expect(many.text == "[[3.0,1.0,97.0],[5.0,0.0,104.0],[5.0,2.0,120.0]]")
            let one = try await client.post("/embed", contentType: "application/json", body: #"{"inputs": "é"}"#)
            #expect(one.text == "[[2.0,0.0,195.0]]")
        }
    }

    @Test func similarityAcceptsTheTEIBodyAndTheBareOne() async throws {
        try await withServer(model: CountingTextModel()) { client in
            let tei = try await client.post(
                "/similarity", contentType: "application/json",
                body: #"{"inputs": {"source_sentence": "abcd", "sentences": ["abcd", "ab", "abcdefgh"]}}"#)
            #expect(tei.status.code == 200)
            #expect(tei.text == "[1.0,0.3333333333333333,0.2]")
            let bare = try await client.post(
                "/similarity", contentType: "application/json",
                body: #"{"source_sentence": "abcd", "sentences": ["abc"]}"#)
            #expect(bare.text == "[0.5]")
        }
    }

    @Test func badShortcutBodiesNameTheProblem() async throws {
        try await withServer(model: CountingTextModel(), configure: {
            $0.maxRowsPerRequest = 2
            $0.maxJSONDepth = 5
        }) { client in
            let cases: [(String, String, Int, String)] = [
                ("/embed", #"{"texts": ["a"]}"#, 400, "unknown key 'texts'"),
                ("/embed", #"{}"#, 400, "must have the key 'inputs'"),
                ("/embed", #"{"inputs": ["a", 3]}"#, 400, "'inputs[1]' must be a string, got a number"),
                ("/embed", #"{"inputs": true}"#, 400, "got a boolean"),
                ("/embed", #"["a"]"#, 400, "must be a JSON object, got a list"),
                ("/embed", #"{"inputs": ["a", "b", "c"]}"#, 413, "3 rows"),
                ("/embed", #"{"inputs": ["a"#, 400, "Unterminated string starting at: line 1 column 13 (char 12)"),
                ("/embed", #"{"inputs": [[[[[[[[["a"]]]]]]]]]}"#, 400, "nested deeper than 5 levels"),
                ("/embed", #"{"inputs": ["a",]}"#, 400, "Expecting value: line 1 column 17 (char 16)"),
                ("/similarity", #"{"inputs": {"source_sentence": "a"}}"#, 400, "missing key 'inputs.sentences'"),
                ("/similarity", #"{"source_sentence": 1, "sentences": []}"#, 400, "'source_sentence' must be a string"),
                ("/similarity", #"{"inputs": {"source_sentence": "a", "sentences": ["b"], "k": 1}}"#, 400, "unknown key 'inputs.k'"),
                ("/similarity", #"{"inputs": [], "sentences": []}"#, 400, "not both"),
            ]
            for (path, body, status, fragment) in cases {
                let response = try await client.post(path, contentType: "application/json", body: body)
                #expect(response.status.code == status, "\(path) \(body): \(response.text)")
                #expect(response.text.contains(fragment), "\(path) \(body): \(response.text)")
            }
            let csv = try await client.post("/embed", contentType: "text/csv", body: "a\n")
            #expect(csv.status.code == 415)
        }
    }

    @Test func modelsWithoutTheCapabilityAnswer404() async throws {
        try await withServer(model: EchoModel()) { client in
            let embed = try await client.post("/embed", contentType: "application/json", body: #"{"inputs": ["a"]}"#)
            #expect(embed.status.code == 404)
            #expect(embed.json?["error_code"] as? String == "ENDPOINT_NOT_FOUND")
            let similarity = try await client.post(
                "/similarity", contentType: "application/json", body: #"{"source_sentence": "a", "sentences": ["b"]}"#)
            #expect(similarity.status.code == 404)
        }
    }

    @Test func concurrentEmbedRequestsAreBatchedTogether() async throws {
        let model = CountingTextModel(delay: .milliseconds(50))
        try await withServer(model: model, configure: {
            $0.batching = .init(maxBatchSize: 64, maxDelay: .milliseconds(20))
        }) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<16 {
                    group.addTask {
                        let texts = (0...(i % 3)).map { "text \(i) \($0)" }
                        let body = try JSONSerialization.data(withJSONObject: ["inputs": texts])
                        let response = try await client.post(
                            "/embed", contentType: "application/json", body: String(decoding: body, as: UTF8.self))
                        #expect(response.status.code == 200)
                        let expected = texts.map(CountingTextModel.vector)
                        let got = try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [[Double]]
                        #expect(got?.map { $0.map(Float.init) } == expected)
                    }
                }
                try await group.waitForAll()
            }
        }
        let sizes = model.batchSizes
        let expectedRows: Int = (0..<16).map { $0 % 3 + 1 }.reduce(0, +)
        let totalRows: Int = sizes.reduce(0, +)
        #expect(totalRows == expectedRows)
        #expect(sizes.count < 16, "16 concurrent requests went in fewer batches: \(sizes)")
    }

    @Test func aFullQueueAnswers503WithRetryAfter() async throws {
        // The first call holds until the test opens the gate, so the queue's state is the test's
        // to set, however loaded the machine; each step waits for its state, not a fixed time.
        let gate = DispatchSemaphore(value: 0)
        let model = CountingTextModel(gate: gate)
        try await withServer(model: model, configure: {
            $0.maxRowsPerRequest = 2
            $0.batching = .init(maxBatchSize: 2, maxDelay: .zero, maxQueuedRows: 2, retryAfterSeconds: 2)
        }) { client in
            async let first = client.post("/embed", contentType: "application/json", body: #"{"inputs": ["a", "b"]}"#)
            try await DynamicBatcherTests.eventually { model.batchSizes == [2] }
            async let second = client.post("/embed", contentType: "application/json", body: #"{"inputs": ["c", "d"]}"#)
            try await DynamicBatcherTests.eventually {
                let metrics = (try? await client.get("/metrics").text) ?? ""
                return metrics.split(separator: "\n").contains {
                    $0.hasPrefix("mlpack_batch_queue_rows") && Double($0.split(separator: " ").last ?? "") == 2
                }
            }
            let third = try await client.post("/embed", contentType: "application/json", body: #"{"inputs": ["e"]}"#)
            gate.signal()
            #expect(third.status.code == 503)
            #expect(third.headers[.retryAfter] == "2")
            #expect(third.json?["error_code"] as? String == "TEMPORARILY_UNAVAILABLE")
            #expect(try await first.status.code == 200)
            #expect(try await second.status.code == 200)
        }
    }
}
