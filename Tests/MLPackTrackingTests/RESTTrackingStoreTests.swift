import Foundation
import MLPackCore
import MLPackTestSupport
import XCTest
@testable import MLPackTracking

/// The REST client against a stub server: MLflow's auth variables, retries, error mapping, and a
/// failed upload leaving the model FAILED (never PENDING).
final class RESTTrackingStoreTests: XCTestCase {
    static let noBackoff = ["MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "0", "MLFLOW_HTTP_REQUEST_BACKOFF_JITTER": "0"]

    func store(_ server: StubHTTPServer, _ environment: [String: String], home: URL? = nil) throws -> RESTTrackingStore {
        let home = home ?? FileManager.default.temporaryDirectory.appendingPathComponent("no-home-\(UUID().uuidString)")
        return try RESTTrackingStore(uri: server.url, configuration: try RESTConfiguration.fromEnvironment(environment.merging(Self.noBackoff) { a, _ in a }, home: home))
    }

    nonisolated(unsafe) static let experimentJSON: [String: Any] = ["experiment": ["experiment_id": "1", "name": "E", "artifact_location": "mlflow-artifacts:/1", "lifecycle_stage": "active"]]

    func authorization(for environment: [String: String], home: URL? = nil) async throws -> String? {
        let server = try StubHTTPServer { _ in .json(Self.experimentJSON) }
        defer { server.stop() }
        let store = try store(server, environment, home: home)
        _ = try await store.experiment(named: "E")
        await store.close()
        return server.requests.first?.header("Authorization")
    }

    func testBasicAuthWinsOverTheToken() async throws {
        let header = try await authorization(for: ["MLFLOW_TRACKING_USERNAME": "ann", "MLFLOW_TRACKING_PASSWORD": "s3cret:x", "MLFLOW_TRACKING_TOKEN": "tok"])
        XCTAssertEqual(header, "Basic " + Data("ann:s3cret:x".utf8).base64EncodedString())
    }

    func testBearerTokenAlone() async throws {
        let header = try await authorization(for: ["MLFLOW_TRACKING_TOKEN": "tok-123"])
        XCTAssertEqual(header, "Bearer tok-123")
    }

    func testNoCredentialsNoHeader() async throws {
        let header = try await authorization(for: [:])
        XCTAssertNil(header)
    }

    func testCredentialsFileUnderHome() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home.appendingPathComponent(".mlflow"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        try "[mlflow]\nmlflow_tracking_username = bob\nmlflow_tracking_password = pw\n".write(
            to: home.appendingPathComponent(".mlflow/credentials"), atomically: true, encoding: .utf8)
        let header = try await authorization(for: ["MLFLOW_TRACKING_TOKEN": "ignored"], home: home)
        XCTAssertEqual(header, "Basic " + Data("bob:pw".utf8).base64EncodedString())
    }

    func testUnsupportedAuthVariablesAreRefused() {
        XCTAssertThrowsError(try RESTConfiguration.fromEnvironment(["MLFLOW_TRACKING_AUTH": "my_plugin"])) { error in
            XCTAssertTrue("\(error)".contains("MLFLOW_TRACKING_AUTH"), "\(error)")
        }
        XCTAssertThrowsError(try RESTConfiguration.fromEnvironment(["MLFLOW_TRACKING_AWS_SIGV4": "true"]))
        XCTAssertThrowsError(try RESTConfiguration.fromEnvironment(["MLFLOW_HTTP_REQUEST_MAX_RETRIES": "many"])) { error in
            XCTAssertTrue("\(error)".contains("MLFLOW_HTTP_REQUEST_MAX_RETRIES"), "\(error)")
        }
    }

    func test401SaysWhichVariablesToSet() async throws {
        let server = try StubHTTPServer { _ in StubHTTPServer.Response(status: 401, body: "You are not authenticated.") }
        defer { server.stop() }
        let store = try store(server, [:])
        do {
            _ = try await store.experiment(named: "E")
            XCTFail("expected an error")
        } catch {
            let text = "\(error)"
            XCTAssertTrue(text.contains("401") && text.contains("MLFLOW_TRACKING_USERNAME") && text.contains("MLFLOW_TRACKING_TOKEN"), text)
        }
        await store.close()
        XCTAssertEqual(server.requests.count, 1, "401 is not retried")
    }

    func testRetriesOn503ThenSucceeds() async throws {
        let counter = Counter()
        let server = try StubHTTPServer { _ in counter.next() <= 2 ? StubHTTPServer.Response(status: 503, body: "busy") : .json(Self.experimentJSON) }
        defer { server.stop() }
        let store = try store(server, ["MLFLOW_HTTP_REQUEST_MAX_RETRIES": "3"])
        let experiment = try await store.experiment(named: "E")
        await store.close()
        XCTAssertEqual(experiment?.id, "1")
        XCTAssertEqual(server.requests.count, 3)
    }

    func testGivesUpAfterMaxRetries() async throws {
        let server = try StubHTTPServer { _ in StubHTTPServer.Response(status: 503, body: "busy") }
        defer { server.stop() }
        let store = try store(server, ["MLFLOW_HTTP_REQUEST_MAX_RETRIES": "2"])
        do {
            _ = try await store.experiment(named: "E")
            XCTFail("expected an error")
        } catch {
            XCTAssertTrue("\(error)".contains("503"), "\(error)")
        }
        await store.close()
        XCTAssertEqual(server.requests.count, 3, "one try and two retries")
    }

    func testBadRequestIsNotRetriedAndCarriesMLflowsMessage() async throws {
        let server = try StubHTTPServer { _ in .json(["error_code": "INVALID_PARAMETER_VALUE", "message": "bad name"], status: 400) }
        defer { server.stop() }
        let store = try store(server, [:])
        do {
            _ = try await store.createExperiment(named: "x")
            XCTFail("expected an error")
        } catch let error as TrackingError {
            XCTAssertEqual(error, .server(status: 400, endpoint: "mlflow/experiments/create", errorCode: "INVALID_PARAMETER_VALUE", message: "bad name"))
        }
        await store.close()
        XCTAssertEqual(server.requests.count, 1)
    }

    func testUnknownModelIsNotFoundNamingTheURI() async throws {
        let server = try StubHTTPServer { _ in .json(["error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Logged model with ID 'm-1' not found."], status: 404) }
        defer { server.stop() }
        let store = try store(server, [:])
        do {
            _ = try await store.loggedModel(id: "m-1")
            XCTFail("expected an error")
        } catch let error as TrackingError {
            XCTAssertEqual(error, .notFound(what: "models:/m-1", detail: "Logged model with ID 'm-1' not found."))
        }
        await store.close()
    }

    func testNoServerFailsAfterTheRetries() async throws {
        // A port that was just free: nothing listens there.
        let server = try StubHTTPServer { _ in .json([:]) }
        let url = server.url
        server.stop()
        let configuration = try RESTConfiguration.fromEnvironment(["MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1"].merging(Self.noBackoff) { a, _ in a })
        let store = try RESTTrackingStore(uri: url, configuration: configuration)
        do {
            _ = try await store.experiment(named: "E")
            XCTFail("expected an error")
        } catch let error as TrackingError {
            guard case .transport(let endpoint, let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(endpoint.hasPrefix(url), endpoint)
            XCTAssertTrue(message.contains("1 retries"), message)
        }
        await store.close()
    }

    static let modelID = "m-0123456789abcdef0123456789abcdef"

    /// A server answering the calls of one `log_model` (experiment 1, run r1, logged model
    /// ``modelID``); artifact uploads answer 500 when `uploadsFail`.
    func loggingServer(uploadsFail: Bool) throws -> StubHTTPServer {
        let modelID = Self.modelID
        return try StubHTTPServer { request in
            switch (request.method, request.path) {
            case ("GET", "/api/2.0/mlflow/experiments/get-by-name"): return .json(Self.experimentJSON)
            case ("POST", "/api/2.0/mlflow/runs/create"), ("GET", "/api/2.0/mlflow/runs/get"):
                return .json(["run": ["info": ["run_id": "r1", "experiment_id": "1", "status": "RUNNING", "artifact_uri": "mlflow-artifacts:/1/r1/artifacts"]]])
            case ("POST", "/api/2.0/mlflow/logged-models"), ("PATCH", _):
                let status = (request.json["status"] as? String) ?? "LOGGED_MODEL_PENDING"
                return .json(["model": ["info": ["model_id": modelID, "experiment_id": "1", "name": "sim", "status": status, "source_run_id": "r1",
                                                 "artifact_uri": "mlflow-artifacts:/1/models/\(modelID)/artifacts", "creation_timestamp_ms": 1]]])
            case ("PUT", _) where uploadsFail: return StubHTTPServer.Response(status: 500, body: "disk full")
            default: return .json([:])
            }
        }
    }

    /// The server fails the upload: the logged model ends FAILED and the run FAILED, nothing READY.
    func testFailedUploadMarksTheModelFailed() async throws {
        let server = try loggingServer(uploadsFail: true)
        defer { server.stop() }
        let store = try store(server, ["MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0"])
        let directory = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try MLModel(flavors: []).write(to: directory.appendingPathComponent("MLmodel"))
        try Data("weights".utf8).write(to: directory.appendingPathComponent("weights.bin"))
        do {
            _ = try await ModelLogger(store: store).log(directory: directory, .init(experiment: "E", name: "sim"))
            XCTFail("expected an error")
        } catch {
            XCTAssertTrue("\(error)".contains("500"), "\(error)")
        }
        await store.close()
        let patches = server.requests.filter { $0.method == "PATCH" }.map { $0.json["status"] as? String }
        XCTAssertEqual(patches, ["LOGGED_MODEL_UPLOAD_FAILED"])
        let updates = server.requests.filter { $0.path.hasSuffix("runs/update") }.map { $0.json["status"] as? String }
        XCTAssertEqual(updates, ["FAILED"])
        // The failing upload was the weights, and MLmodel (uploaded last) was never sent.
        XCTAssertEqual(server.requests.filter { $0.method == "PUT" }.map { $0.path.components(separatedBy: "/").last }, ["weights.bin"])
    }

    /// What a logged model's MLmodel says, as `log_model` writes it.
    func testLoggedMLmodelKeysAndUploadOrder() async throws {
        let modelID = Self.modelID
        let server = try loggingServer(uploadsFail: false)
        defer { server.stop() }
        let store = try store(server, [:])
        let directory = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = MLModel(flavors: [])
        try original.write(to: directory.appendingPathComponent("MLmodel"))
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("sub dir"), withIntermediateDirectories: true)
        try Data("w".utf8).write(to: directory.appendingPathComponent("sub dir/w.bin"))
        let result = try await ModelLogger(store: store).log(directory: directory, .init(experiment: "E", name: "sim", params: [("k", "v")]))
        await store.close()
        XCTAssertEqual(result.modelURI, "models:/\(modelID)")
        XCTAssertEqual(result.runURI, "runs:/r1/sim")
        let puts = server.requests.filter { $0.method == "PUT" }
        XCTAssertEqual(puts.map(\.path), [
            "/api/2.0/mlflow-artifacts/artifacts/1/models/\(modelID)/artifacts/sub%20dir/w.bin",
            "/api/2.0/mlflow-artifacts/artifacts/1/models/\(modelID)/artifacts/MLmodel",
        ])
        let uploaded = try MLModel.parse(bytes: puts[1].body)
        XCTAssertEqual(uploaded.artifactPath, "mlflow-artifacts:/1/models/\(modelID)/artifacts")
        XCTAssertEqual(uploaded.modelID, modelID)
        XCTAssertEqual(uploaded.modelUUID, modelID)
        XCTAssertEqual(uploaded.runID, "r1")
        XCTAssertEqual(uploaded.utcTimeCreated, original.utcTimeCreated)
        // The local directory is left as it was.
        XCTAssertEqual(try MLModel.load(from: directory.appendingPathComponent("MLmodel")), original)
        // Run tags as MLflow's context sets them; the run ends FINISHED after the model is READY.
        let runTags = (server.requests.first { $0.path.hasSuffix("runs/create") }?.json["tags"] as? [[String: String]] ?? []).map { $0["key"] ?? "" }
        XCTAssertEqual(Set(runTags), ["mlflow.user", "mlflow.source.name", "mlflow.source.type", "mlflow.runName"])
        let order = server.requests.map { "\($0.method) \($0.path.replacingOccurrences(of: "/api/2.0/", with: ""))" }
        let ready = try XCTUnwrap(order.firstIndex { $0.hasPrefix("PATCH") })
        let finished = try XCTUnwrap(order.firstIndex { $0.hasSuffix("runs/update") })
        XCTAssertLessThan(ready, finished)
        XCTAssertEqual(server.requests[ready].json["status"] as? String, "LOGGED_MODEL_READY")
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
