import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import MLPackCore
import Testing

@testable import MLPackServer

/// Replays fixtures/mlflow/scoring.jsonl (real exchanges with `mlflow models serve`, MLflow 3.17.2)
/// against the server with an echo model.
///
/// Each case is classified by what answers it here, not by its id, so further cases of the same
/// kinds are judged the same way:
/// - **Protocol** (the model is never called): routes, methods, content types, charset, JSON
///   syntax, the four-format-key envelope. The answer must equal MLflow's byte for byte (status,
///   content type, body), except the deliberate deviations in docs/compatibility.md, "Scoring
///   server", each checked for its exact documented answer.
/// - **Model** (cases that need the fixture model's signature or MLflow's Python EchoModel, listed
///   in `pendingIntegration`): with the echo model here, the test checks the framing of what
///   reached the model, and MLflow's status and codes for what core's parsing refused. Their
///   messages are checked against the real signatures by IntegratedScoringTests, and the CLI and
///   the server are held to the same answers by MLPackCLITests' PipelineEquivalenceTests.
@Suite struct ScoringConformanceTests {
    /// Cases known today that need the integrated model (parsing, enforcement, real models).
    static let pendingIntegration: Set<String> = [
        "json_dataframe_split_with_index", "json_inputs_records", "json_params_wrong_type", "json_params_unknown",
        "json_params_not_dict", "csv_charset", "csv_bad_long", "csv_empty_body", "json_missing_required",
        "json_extra_column", "json_string_for_long_bad", "json_records_dict", "json_split_missing_data",
        "json_empty_records", "unified_llm_prompt_with_param", "nosig_records", "nosig_inputs_scalar",
        "nosig_inputs_nested", "nosig_instances", "nosig_params_without_schema", "nosig_unified_input",
        "tensor_shape_mismatch", "tensor_csv", "st_inputs_list", "st_csv", "st_inputs_number",
        "st_task_unified_single", "st_task_inputs_records", "sim_serving_input_example", "sim_inputs_dict",
    ]

    /// Counts the requests that reach the model.
    final class CountingEcho: LoadedModel, Sendable {
        var flavorName: String { "echo" }
        var signature: ModelSignature? { nil }
        let calls = Mutex(0)
        func predict(_ input: ModelInput, params: JSONObject) throws -> PredictionOutput {
            calls.withLock { $0 += 1 }
            return try EchoModel().predict(input, params: params)
        }
    }

    struct Exchange: Sendable {
        var id: String
        var method: String
        var path: String
        var headers: [String: String]
        var body: [UInt8]?
        var status: Int
        var contentType: String?
        var responseBody: String

        init(_ object: [String: Any]) throws {
            id = try #require(object["id"] as? String)
            method = try #require(object["method"] as? String)
            path = try #require(object["path"] as? String)
            headers = object["headers"] as? [String: String] ?? [:]
            if let text = object["body"] as? String {
                body = Array(text.utf8)
            } else if let encoded = (object["body"] as? [String: Any])?["base64"] as? String {
                body = try Array(#require(Data(base64Encoded: encoded)))
            }
            status = try #require(object["status"] as? Int)
            contentType = (object["response_headers"] as? [String: String])?["content-type"]
            responseBody = object["response_body"] as? String ?? ""
        }
    }

    enum Outcome: Equatable {
        case identical
        case deviation(String)
        case pending
    }

    @Test func scoringExchangesMatchMLflow() async throws {
        let exchanges = try Fixtures.jsonLines("fixtures/mlflow/scoring.jsonl").map(Exchange.init)
        #expect(exchanges.count >= 40)
        let model = CountingEcho()
        let outcomes = try await withServer(model: model) { client in
            var outcomes: [String: Outcome] = [:]
            for exchange in exchanges {
                outcomes[exchange.id] = try await Self.replay(exchange, client: client, model: model)
            }
            return outcomes
        }
        let identical = outcomes.filter { $0.value == .identical }.map(\.key).sorted()
        let deviations = outcomes.compactMap { if case .deviation(let why) = $0.value { "\($0.key): \(why)" } else { nil } }
        let pending = Set(outcomes.filter { $0.value == .pending }.map(\.key))
        print("scoring.jsonl: \(identical.count) identical, \(deviations.count) documented deviations, \(pending.count) pending integration")
        for line in deviations.sorted() { print("  deviation \(line)") }
        // The known pending cases are exactly those that need the model; any other case must be
        // answered by the HTTP layer.
        let known = Set(exchanges.map(\.id))
        #expect(pending.intersection(known) == Self.pendingIntegration.intersection(known))
        #expect(identical.count >= 14)
    }

    static func replay(_ exchange: Exchange, client: any TestClientProtocol, model: CountingEcho) async throws -> Outcome {
        var headers = HTTPFields()
        for (name, value) in exchange.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        let callsBefore = model.calls.withLock { $0 }
        let response = try await client.execute(
            uri: exchange.path, method: HTTPRequest.Method(exchange.method) ?? .get, headers: headers,
            body: exchange.body.map { ByteBuffer(bytes: $0) })
        let reachedModel = model.calls.withLock { $0 } > callsBefore
        let label = exchange.id

        if reachedModel {
            #expect(response.status.code == 200, "\(label)")
            if exchange.status == 200 {
                #expect(
                    response.text.hasPrefix(#"{"predictions": "#) == exchange.responseBody.hasPrefix(#"{"predictions": "#),
                    "\(label): framing")
            }
            return .pending
        }

        // Refused by core's parsing before the model: the codes must be MLflow's; the exact
        // messages of these cases need the fixture model's signature (IntegratedScoringTests).
        if Self.pendingIntegration.contains(label) {
            #expect(response.status.code == exchange.status, "\(label): \(response.text)")
            let ours = Self.jsonObject(response.text)
            let mlflow = Self.jsonObject(exchange.responseBody)
            for key in ["error_code", "sqlstate", "error_class"] {
                #expect(ours?[key] as? String == mlflow?[key] as? String, "\(label): \(key)")
            }
            return .pending
        }

        // Deviation: MLflow crashes (500) without a Content-Type header; mlpack answers 415.
        if exchange.headers.keys.contains(where: { $0.lowercased() == "content-type" }) == false
            && exchange.method == "POST" && exchange.path == "/invocations"
        {
            #expect(exchange.status == 500, "\(label)")
            #expect(response.status.code == 415, "\(label)")
            #expect(response.text.hasSuffix("Got no Content-Type header."), "\(label)")
            return .deviation("no Content-Type: MLflow 500, mlpack 415")
        }

        // Deviation: mlpack reads no Parquet.
        if exchange.headers.values.contains(where: { $0.hasPrefix("application/vnd.apache.parquet") }) {
            #expect(response.status.code == 415, "\(label)")
            return .deviation("Parquet body: mlpack 415")
        }

        #expect(response.status.code == exchange.status, "\(label): \(response.text)")
        #expect(response.contentType == exchange.contentType, "\(label)")

        // Deviation: MLflow quotes the whole payload after "\nInput: " in JSON decode errors.
        if let range = exchange.responseBody.range(of: #"\nInput: \n"#) {
            let mlflow = try #require(Self.jsonObject(exchange.responseBody))
            let ours = try #require(response.json)
            for key in ["error_code", "sqlstate", "error_class"] {
                #expect(ours[key] as? String == mlflow[key] as? String, "\(label): \(key)")
            }
            let message = try #require(mlflow["message"] as? String)
            let expected: String
            if let unicode = Self.unicodeDecodeError(message) {
                expected =
                    "Invalid input. Ensure that input is a valid JSON formatted string. Error: 'the body is not valid UTF-8: \(unicode.reason) at byte \(unicode.start)'"
            } else {
                let cut: Range<String.Index>? = message.range(of: "\nInput: \n")
                expected = String(message[..<(cut?.lowerBound ?? message.endIndex)])
            }
            #expect(ours["message"] as? String == expected, "\(label)")
            _ = range
            return .deviation("payload not echoed in the JSON decode error")
        }

        #expect(response.text == exchange.responseBody, "\(label)")
        return .identical
    }

    static func jsonObject(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    /// `UnicodeDecodeError('utf-8', b'…', START, END, 'REASON')` inside an MLflow message.
    static func unicodeDecodeError(_ message: String) -> (start: Int, reason: String)? {
        guard let marker = message.range(of: "UnicodeDecodeError('utf-8', b") else { return nil }
        let rest = message[marker.upperBound...]
        guard let tail = rest.range(of: #"', \d+, \d+, '[a-z ]+'\)"#, options: .regularExpression) else { return nil }
        let parts = rest[tail].dropFirst(3).split(separator: ",", maxSplits: 2)
        guard parts.count == 3, let start = Int(parts[0].trimmingCharacters(in: .whitespaces)) else { return nil }
        let reason = parts[2].trimmingCharacters(in: CharacterSet(charactersIn: " ')"))
        return (start, reason)
    }
}
