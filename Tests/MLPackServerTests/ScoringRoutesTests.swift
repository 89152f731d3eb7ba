import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MLPackCore
import Testing

@testable import MLPackServer

@Suite struct ScoringRoutesTests {
    @Test func healthAndVersionRoutes() async throws {
        try await withServer { client in
            for path in ["/ping", "/health"] {
                let response = try await client.get(path)
                #expect(response.status.code == 200)
                #expect(response.text == "\n")
                #expect(response.contentType == "application/json")
                let head = try await client.execute(uri: path, method: .head)
                #expect(head.status.code == 200)
                #expect(head.body.readableBytes == 0)
            }
            let version = try await client.get("/version")
            #expect(version.text == "3.17.2")
            #expect(version.contentType == "application/json")
        }
    }

    @Test func fastAPIBodiesForUnknownPathsAndWrongMethods() async throws {
        try await withServer { client in
            let notFound = try await client.get("/nope")
            #expect(notFound.status.code == 404)
            #expect(notFound.text == #"{"detail":"Not Found"}"#)
            let wrong = try await client.execute(uri: "/invocations", method: .get)
            #expect(wrong.status.code == 405)
            #expect(wrong.text == #"{"detail":"Method Not Allowed"}"#)
            #expect(wrong.headers[.allow] == "POST")
            let putPing = try await client.execute(uri: "/ping", method: .put)
            #expect(putPing.status.code == 405)
            #expect(putPing.headers[.allow] == "GET")
            for path in ["/embed", "/similarity"] {
                #expect(try await client.get(path).status.code == 405)
            }
        }
    }

    @Test func successWrapsPredictionsAndUnifiedLLMBodiesAreUnwrapped() async throws {
        try await withServer { client in
            let wrapped = try await client.post(
                "/invocations", contentType: "application/json", body: #"{"inputs": [1, 2]}"#)
            #expect(wrapped.status.code == 200)
            #expect(wrapped.text == #"{"predictions": [1, 2]}"#)
            #expect(wrapped.contentType == "application/json")
            let llm = try await client.post(
                "/invocations", contentType: "application/json; charset=UTF-8", body: #"{"prompt": "hi"}"#)
            #expect(llm.text == #"{"prompt": "hi"}"#)
            // A UTF-8 BOM is skipped, as json.loads(bytes) skips it.
            let bom = try await client.post("/invocations", contentType: "application/json", body: "\u{FEFF}{\"inputs\": [1]}")
            #expect(bom.text == #"{"predictions": [1]}"#)
            let csv = try await client.post("/invocations", contentType: "text/csv", body: "a,b\n1,2\n3,4\n")
            #expect(csv.status.code == 200)
            #expect(csv.text == #"{"predictions": [{"a": 1, "b": 2}, {"a": 3, "b": 4}]}"#)
        }
    }

    @Test func contentTypeErrorsAre415PlainText() async throws {
        try await withServer { client in
            let cases: [(String?, String)] = [
                ("text/plain", "This predictor only supports"),
                ("application/json; charset=latin-1", "The scoring server only supports UTF-8"),
                ("application/json; format=pandas-split", "Unrecognized content type parameters: format."),
                ("application/vnd.apache.parquet", "does not read Parquet"),
                (nil, "Got no Content-Type header."),
            ]
            for (contentType, text) in cases {
                let response = try await client.post("/invocations", contentType: contentType, body: #"{"inputs": [1]}"#)
                #expect(response.status.code == 415, "\(contentType ?? "none")")
                #expect(response.contentType == "text/plain; charset=utf-8")
                #expect(response.text.contains(text), "\(response.text)")
            }
        }
    }

    @Test func malformedBodiesAre400WithoutEchoingThePayload() async throws {
        try await withServer { client in
            let secret = "TOP-SECRET-PAYLOAD"
            let bodies = [
                #"{"inputs": ["\#(secret)"#,
                #"{"data": ["\#(secret)"]}"#,
                #"["\#(secret)"]"#,
                #"{"inputs": ["\#(secret)"], "instances": ["\#(secret)"]}"#,
            ]
            for body in bodies {
                let response = try await client.post("/invocations", contentType: "application/json", body: body)
                #expect(response.status.code == 400)
                #expect(response.json?["error_code"] as? String == "BAD_REQUEST")
                #expect(response.json?["sqlstate"] as? String == "KAM00")
                #expect(response.json?["error_class"] as? String == "INVALID_PARAMETER_VALUE")
                #expect(response.json?["stack_trace"] == nil)
                #expect(!response.text.contains(secret), "\(response.text)")
            }
            var notUTF8 = ByteBuffer(string: #"{"inputs": [""#)
            notUTF8.writeBytes([0xFF, 0xFE])
            notUTF8.writeString(#""]}"#)
            let bad = try await client.execute(
                uri: "/invocations", method: .post, headers: [.contentType: "application/json"], body: notUTF8)
            #expect(bad.status.code == 400)
            #expect(bad.json?["message"] as? String
                == "Invalid input. Ensure that input is a valid JSON formatted string. Error: 'the body is not valid UTF-8: invalid start byte at byte 13'")
            let badCSV = try await client.execute(
                uri: "/invocations", method: .post, headers: [.contentType: "text/csv"],
                body: ByteBuffer(bytes: [0x61, 0x0A, 0xC3, 0x28]))
            #expect(badCSV.status.code == 400)
            #expect((badCSV.json?["message"] as? String)?.hasPrefix("Failed to parse input as a Pandas DataFrame.") == true)
        }
    }

    @Test func limitsOnBodySizeDepthAndRows() async throws {
        try await withServer(configure: {
            $0.maxBodyBytes = 1000
            $0.maxJSONDepth = 5
            $0.maxRowsPerRequest = 3
        }) { client in
            let big = #"{"inputs": ""# + String(repeating: "x", count: 2000) + #""}"#
            let tooBig = try await client.post("/invocations", contentType: "application/json", body: big)
            #expect(tooBig.status.code == 413)
            #expect(tooBig.json?["error_code"] as? String == "REQUEST_LIMIT_EXCEEDED")
            #expect(!tooBig.text.contains("xxxx"))
            let deep = #"{"inputs": [[[[[1]]]]]}"#
            let tooDeep = try await client.post("/invocations", contentType: "application/json", body: deep)
            #expect(tooDeep.status.code == 400)
            #expect((tooDeep.json?["message"] as? String)?.contains("nested deeper than 5 levels") == true, "\(tooDeep.text)")
            let rows = #"{"dataframe_records": [{"a": 1}, {"a": 2}, {"a": 3}, {"a": 4}]}"#
            let tooMany = try await client.post("/invocations", contentType: "application/json", body: rows)
            #expect(tooMany.status.code == 413)
            #expect((tooMany.json?["message"] as? String)?.contains("4 rows") == true)
            let csv = try await client.post("/invocations", contentType: "text/csv", body: "a\n1\n2\n3\n4\n")
            #expect(csv.status.code == 413)
            let fine = try await client.post("/invocations", contentType: "text/csv", body: "a\n1\n2\n3\n")
            #expect(fine.status.code == 200)
        }
    }

    @Test func modelErrorsBecomeMLflowErrorBodies() async throws {
        let model = ScriptedModel { input in
            switch input {
            case .tensor(let t) where t.shape == [1]:
                throw ScoringError(stage: .enforceInput, "Model is missing inputs ['n'].")
            case .tensor: throw PlainError()
            default: return .value(.double(0.6341449022293091))
            }
        }
        try await withServer(model: model) { client in
            let schema = try await client.post("/invocations", contentType: "application/json", body: #"{"inputs": [1]}"#)
            #expect(schema.status.code == 400)
            #expect(schema.text
                == #"{"error_code": "INVALID_PARAMETER_VALUE", "message": "Model is missing inputs ['n'].", "sqlstate": "KAM01", "error_class": "SCHEMA_ENFORCEMENT_FAILED"}"#)
            let failed = try await client.post("/invocations", contentType: "application/json", body: #"{"instances": [1, 2]}"#)
            #expect(failed.status.code == 400)
            #expect(failed.json?["message"] as? String == "Failed to predict: secret internal detail /opt/model/weights.bin")
            let scalar = try await client.post(
                "/invocations", contentType: "application/json", body: #"{"dataframe_split": {"columns": ["a"], "data": [[1]]}}"#)
            #expect(scalar.text == #"{"predictions": 0.6341449022293091}"#)
        }
    }

    @Test func slowModelsTimeOutWith504() async throws {
        // The model answers only once the test has its response (or after 60 s): a 504 shows the
        // deadline answered first. The deadline also covers reading the body: when the whole suite
        // keeps Swift's cooperative pool busy (CLI tests waiting on child processes), the body can
        // take longer than the deadline and the answer is the body-read 408 instead; the test then
        // tries again with a longer deadline. It never accepts a 200.
        var statuses: [Int] = []
        for seconds in [2, 10, 30] {
            let release = DispatchSemaphore(value: 0)
            let model = ScriptedModel { _ in
                _ = release.wait(timeout: .now() + 60)
                return .value(.int(1))
            }
            let (status, code) = try await withServer(model: model, configure: { $0.requestTimeout = .seconds(seconds) }) { client in
                let response = try await client.post("/invocations", contentType: "application/json", body: #"{"inputs": [1]}"#)
                release.signal()
                return (Int(response.status.code), response.json?["error_code"] as? String)
            }
            statuses.append(status)
            if status == 408 && code == "REQUEST_TIMEOUT" { continue }
            #expect(status == 504)
            #expect(code == "DEADLINE_EXCEEDED")
            return
        }
        Issue.record("no 504 in three tries: \(statuses)")
    }

    @Test func apiKeyGuardsEverythingButHealthChecks() async throws {
        try await withServer(configure: { $0.apiKey = "k-123" }) { client in
            #expect(try await client.get("/ping").status.code == 200)
            #expect(try await client.get("/health").status.code == 200)
            #expect(try await client.get("/version").status.code == 200)
            let refused = try await client.post("/invocations", contentType: "application/json", body: #"{"inputs": [1]}"#)
            #expect(refused.status.code == 401)
            #expect(refused.headers[.wwwAuthenticate] == "Bearer")
            #expect(refused.json?["error_code"] as? String == "UNAUTHENTICATED")
            let wrong = try await client.post(
                "/invocations", contentType: "application/json", body: #"{"inputs": [1]}"#,
                headers: [.authorization: "Bearer k-124"])
            #expect(wrong.status.code == 401)
            let right = try await client.post(
                "/invocations", contentType: "application/json", body: #"{"inputs": [1]}"#,
                headers: [.authorization: "Bearer k-123"])
            #expect(right.status.code == 200)
            #expect(try await client.get("/metrics").status.code == 401)
            #expect(try await client.get("/metrics", headers: [.authorization: "Bearer k-123"]).status.code == 200)
        }
    }

    @Test func publicMetricsAnswerWithoutTheKeyAndNothingElseDoes() async throws {
        try await withServer(configure: { $0.apiKey = "k-123"; $0.publicMetrics = true }) { client in
            _ = try await client.get("/ping")
            let metrics = try await client.get("/metrics")
            #expect(metrics.status.code == 200)
            #expect(metrics.text.contains("mlpack_http_requests_total"))
            #expect(try await client.get("/metrics", headers: [.authorization: "Bearer k-123"]).status.code == 200)
            // Scoring still needs the key.
            let refused = try await client.post("/invocations", contentType: "application/json", body: #"{"inputs": [1]}"#)
            #expect(refused.status.code == 401)
            for uri in ["/embed", "/similarity"] {
                #expect(try await client.post(uri, contentType: "application/json", body: #"{"inputs": "a"}"#).status.code == 401)
            }
        }
    }

    @Test func requestIDsAreReturnedAndClientIDsKeptWhenPlain() async throws {
        try await withServer { client in
            let generated = try await client.get("/ping")
            #expect((generated.headers[ResponseEdgeMiddleware.requestIDHeader] ?? "").isEmpty == false)
            let given = try await client.get("/ping", headers: [ResponseEdgeMiddleware.requestIDHeader: "abc-123.X_y"])
            #expect(given.headers[ResponseEdgeMiddleware.requestIDHeader] == "abc-123.X_y")
            let hostile = try await client.get("/ping", headers: [ResponseEdgeMiddleware.requestIDHeader: "a b\u{7f}"])
            #expect(hostile.headers[ResponseEdgeMiddleware.requestIDHeader] != "a b\u{7f}")
        }
    }

    @Test func metricsCountRequestsByRouteAndStatus() async throws {
        try await withServer(model: CountingTextModel()) { client in
            _ = try await client.get("/ping")
            _ = try await client.get("/ping")
            _ = try await client.get("/nope/\(UUID())")
            _ = try await client.post("/embed", contentType: "application/json", body: #"{"inputs": ["a", "b c"]}"#)
            let metrics = try await client.get("/metrics")
            #expect(metrics.status.code == 200)
            #expect(metrics.contentType == "text/plain; version=0.0.4; charset=utf-8")
            let text = metrics.text
            #expect(text.contains(#"mlpack_http_requests_total{route="/ping",status="200"} 2"#), "\(text)")
            #expect(text.contains(#"mlpack_http_requests_total{route="other",status="404"} 1"#), "\(text)")
            #expect(text.contains(#"mlpack_http_request_duration_seconds_bucket{route="/ping""#))
            #expect(text.contains(#"mlpack_batch_size_count{batcher="embed"} 1"#))
            #expect(text.contains(#"mlpack_batch_queue_rows{batcher="embed"} 0"#))
            #expect(text.contains("mlpack_http_requests_in_flight"))
        }
    }
}
