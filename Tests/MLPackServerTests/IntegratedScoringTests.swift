import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MLPackCore
import Testing

@testable import MLPackServer

/// The scoring.jsonl cases MLflow rejected, replayed through the server with the real
/// request path of `mlpack serve` (``ScoringPipeline``: MLPackCore's parser and
/// ``SchemaEnforcer``) over a model that has the fixture model's signature and echoes nothing.
/// Status, `error_code`, `sqlstate` and `error_class` must match MLflow's; messages differ by
/// design (mlpack never quotes the payload: docs/compatibility.md).
@Suite struct IntegratedScoringTests {
    /// A loaded model with a fixture model's signature; `predict` is never the point here.
    struct SignatureOnlyModel: LoadedModel {
        var flavorName: String { "test" }
        let signature: ModelSignature?
        func predict(_ input: ModelInput, params: JSONObject) throws -> PredictionOutput {
            .value(.string("ok"))
        }
    }

    static func signature(of model: String) throws -> ModelSignature? {
        let mlmodel = try MLModel.load(from: Fixtures.url("fixtures/mlflow/models/\(model)/MLmodel"))
        guard let strings = mlmodel.signature else { return nil }
        return try ModelSignature(inputs: strings.inputs, outputs: strings.outputs, params: strings.params)
    }

    @Test func rejectionsMatchMLflowsCodes() async throws {
        let exchanges = try Fixtures.jsonLines("fixtures/mlflow/scoring.jsonl")
        var byModel: [String: [ScoringConformanceTests.Exchange]] = [:]
        for object in exchanges {
            guard let model = object["server_model"] as? String,
                FileManager.default.fileExists(atPath: Fixtures.url("fixtures/mlflow/models/\(model)/MLmodel").path)
            else { continue }
            let exchange = try ScoringConformanceTests.Exchange(object)
            guard exchange.path == "/invocations", exchange.status == 400 else { continue }
            byModel[model, default: []].append(exchange)
        }
        var checked = 0
        var mismatches: [String] = []
        for (model, cases) in byModel.sorted(by: { $0.key < $1.key }) {
            let results = try await withServer(model: SignatureOnlyModel(signature: try Self.signature(of: model))) { client in
                var results: [(String, Int, String)] = []
                for exchange in cases {
                    var headers = HTTPFields()
                    for (name, value) in exchange.headers {
                        if let field = HTTPField.Name(name) { headers[field] = value }
                    }
                    let response = try await client.execute(
                        uri: exchange.path, method: .post, headers: headers,
                        body: exchange.body.map { ByteBuffer(bytes: $0) })
                    results.append((exchange.id, response.status.code, response.text))
                }
                return results
            }
            for (exchange, (id, status, text)) in zip(cases, results) {
                checked += 1
                let ours = ScoringConformanceTests.jsonObject(text)
                let mlflow = ScoringConformanceTests.jsonObject(exchange.responseBody)
                var differences: [String] = []
                if status != exchange.status { differences.append("status \(status)") }
                for key in ["error_code", "sqlstate", "error_class"]
                where ours?[key] as? String != mlflow?[key] as? String {
                    differences.append("\(key) \(ours?[key] as? String ?? "-") vs \(mlflow?[key] as? String ?? "-")")
                }
                #expect(ours?["stack_trace"] == nil, "\(id)")
                if !differences.isEmpty { mismatches.append("\(id): \(differences.joined(separator: ", "))") }
            }
        }
        print("scoring.jsonl rejections through ScoringPipeline: \(checked - mismatches.count)/\(checked) same status and codes")
        for line in mismatches { print("  differs \(line)") }
        #expect(checked >= 10)
        #expect(mismatches.isEmpty, "\(mismatches)")
    }
}
