import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MLPackBLAS
import MLPackCore
import MLPackServer
import MLPackTestSupport
import NIOCore
import Prometheus
import Testing

@testable import MLPackCLI

/// `mlpack predict` and `POST /invocations` take one road through core, so they must give the same
/// answer and the same error (code and message) for the same body and content type.
///
/// Table-driven over every `/invocations` body of fixtures/mlflow (enforcement.jsonl and
/// scoring.jsonl, accepted and rejected alike): for each fixture model's signature, a copy of a
/// tiny-BERT sentence_transformers model carries that signature, the real `mlpack` binary scores the
/// body, and an in-process server over the same model directory answers it.
@Suite(.serialized) struct PipelineEquivalenceTests {
    struct Case: Sendable {
        var id: String
        var model: String
        var contentType: String
        var body: [UInt8]
    }

    /// Every `/invocations` body of the fixtures with a content type both shells read.
    static func cases() throws -> [Case] {
        var cases: [Case] = []
        for object in try jsonLines("mlflow/enforcement.jsonl") where object["via"] as? String == "invocations" {
            guard let id = object["id"] as? String, let model = object["model"] as? String,
                let contentType = object["content_type"] as? String, let body = object["body"] as? String
            else { continue }
            cases.append(Case(id: id, model: model, contentType: contentType, body: Array(body.utf8)))
        }
        for object in try jsonLines("mlflow/scoring.jsonl") {
            guard object["path"] as? String == "/invocations", object["method"] as? String == "POST",
                let id = object["id"] as? String, let model = object["server_model"] as? String,
                let headers = object["headers"] as? [String: String],
                let contentType = headers.first(where: { $0.key.lowercased() == "content-type" })?.value
            else { continue }
            let body: [UInt8]
            if let text = object["body"] as? String {
                body = Array(text.utf8)
            } else if let encoded = (object["body"] as? [String: Any])?["base64"] as? String, let data = Data(base64Encoded: encoded) {
                body = Array(data)
            } else {
                body = []
            }
            cases.append(Case(id: "scoring/" + id, model: model, contentType: contentType, body: body))
        }
        return cases
    }

    static func jsonLines(_ name: String) throws -> [[String: Any]] {
        let text = try String(contentsOf: TestFixtures.fixtures.appendingPathComponent(name), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    /// The signature strings of a fixture model (`nil` when it has none or is not a fixture, as
    /// scoring.jsonl's echo server model).
    static func signature(of model: String) throws -> MLModelSignatureStrings? {
        let url = TestFixtures.mlflowModels.appendingPathComponent(model).appendingPathComponent(MLModel.fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try MLModel.load(from: url).signature
    }

    /// A tiny-BERT sentence_transformers model saved by the binary, copied once per signature.
    static func models(for names: Set<String>, in temp: URL) throws -> [String: URL] {
        let base = temp.appendingPathComponent("base")
        let save = try CLIRunner.run([
            "save", "--flavor", "sentence_transformers", "--source", TestFixtures.tinyBERT.path, "-o", base.path,
        ])
        try #require(save.status == 0, "\(save.stderr)")
        var models: [String: URL] = [:]
        for name in names.sorted() {
            let copy = temp.appendingPathComponent(name)
            try FileManager.default.copyItem(at: base, to: copy)
            let file = copy.appendingPathComponent(MLModel.fileName)
            var mlmodel = try MLModel.load(from: file)
            mlmodel.setSignature(try signature(of: name))
            try mlmodel.write(to: file)
            models[name] = copy
        }
        return models
    }

    struct Answer: Equatable, CustomStringConvertible {
        var ok: Bool
        /// The predictions body, or `CODE: message`.
        var text: String
        var contentTypeRefusal = false
        var description: String { (ok ? "ok " : "error ") + String(text.prefix(300)) }
    }

    @Test func predictAndInvocationsAgreeOnEveryFixtureBody() async throws {
        let cases = try Self.cases()
        #expect(cases.count >= 150)
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let models = try Self.models(for: Set(cases.map(\.model)), in: temp)
        let registry = FlavorRegistry(BuiltInFlavors.all)
        var compared = 0, accepted = 0
        var differences: [String] = []
        for (name, directory) in models.sorted(by: { $0.key < $1.key }) {
            let group = cases.filter { $0.model == name }
            let loaded = try registry.load(directory: directory).loaded
            let served = try await Self.serve(loaded, group)
            for (item, server) in zip(group, served) {
                let bodyFile = temp.appendingPathComponent("body-\(compared)")
                try Data(item.body).write(to: bodyFile)
                // The same OpenBLAS kernels as this process (the binary would otherwise pick its own,
                // KernelDispatch): one road through core means the same bits, kernels aside.
                let run = try CLIRunner.run([
                    "predict", "-m", directory.path, "-i", bodyFile.path, "--content-type", item.contentType,
                ], environment: [KernelDispatch.coreVariable: BLAS.coreName])
                let cli: Answer
                if run.status == 0 {
                    cli = Answer(ok: true, text: String(run.stdout.dropLast(run.stdout.hasSuffix("\n") ? 1 : 0)))
                } else {
                    // A content type neither shell reads is a usage error in the CLI (2).
                    #expect(run.status == (server.contentTypeRefusal ? 2 : 1), "\(item.id): exit \(run.status)")
                    let marker = try #require(run.stderr.range(of: "error: "), "\(item.id): \(run.stderr)")
                    cli = Answer(ok: false, text: String(run.stderr[marker.upperBound...].dropLast()))
                }
                compared += 1
                if server.ok { accepted += 1 }
                if cli.ok != server.ok || cli.text != server.text { differences.append("\(item.id): cli \(cli) | server \(server)") }
            }
        }
        print("predict ⇄ /invocations: \(compared) fixture bodies, \(accepted) answered, \(compared - accepted) refused, \(differences.count) differences")
        #expect(compared == cases.count)
        #expect(accepted >= 20 && compared - accepted >= 50, "both successes and rejections are covered")
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
    }

    /// The server's answers to `cases`, in order (`CODE: message` for an error body).
    static func serve(_ model: any LoadedModel, _ cases: [Case]) async throws -> [Answer] {
        let configuration = ScoringServerConfiguration(port: 0)
        var logger = Logger(label: "equivalence")
        logger.logLevel = .critical
        let service = ModelService(name: model.flavorName, model: model, configuration: configuration)
        defer { Task { await service.shutdown() } }
        let server = ScoringServer(service: service, configuration: configuration, logger: logger)
        return try await server.makeApplication().test(.router) { client in
            var answers: [Answer] = []
            for item in cases {
                let response = try await client.execute(
                    uri: "/invocations", method: .post, headers: [.contentType: item.contentType],
                    body: ByteBuffer(bytes: item.body))
                let text = String(buffer: response.body)
                if response.status.code == 200 {
                    answers.append(Answer(ok: true, text: text))
                } else if response.status.code == 415 {
                    answers.append(Answer(ok: false, text: "BAD_REQUEST: \(text)", contentTypeRefusal: true))
                } else {
                    let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(item.id): \(text)")
                    answers.append(Answer(ok: false, text: "\(json["error_code"] as? String ?? "-"): \(json["message"] as? String ?? "-")"))
                }
            }
            return answers
        }
    }
}
